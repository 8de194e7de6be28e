//! A chaos TCP proxy for end-to-end tests: it sits between Homeroom and something Homeroom talks
//! to (PostgreSQL, a fake SIS, the SMTP sink), forwards bytes both ways, and on command cuts,
//! stalls, slows or resets the connections.
//!
//! Every command takes effect before it returns: after [`ChaosProxy::cut`] or
//! [`ChaosProxy::reset`] no connection that was open is forwarding any more (they are all
//! closed), and every connection accepted afterwards sees the new mode. Tests can therefore
//! sequence faults without sleeping.
//!
//! The model is crates.io's `ChaosProxy` (a proxy in front of PostgreSQL whose networking a
//! test breaks and restores); this one adds stalls, latency and resets.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Forward everything (after the configured latency).
    Forward,
    /// Close every connection, and every new one as soon as it is accepted: the far side looks
    /// down.
    Cut,
    /// Accept connections and read from them, but forward nothing: the far side looks hung.
    Stall,
}

#[derive(Debug, Clone)]
struct Control {
    mode: Mode,
    latency: Duration,
    /// Bumped by `cut` and `reset`: connections opened under an older generation end.
    generation: u64,
    /// Connections currently open (sockets held), by the generation they were opened in.
    live: BTreeMap<u64, usize>,
}

impl Control {
    fn live(&self) -> usize {
        self.live.values().sum()
    }
}

/// A TCP proxy on `127.0.0.1:random` in front of `target`; stops when dropped.
pub struct ChaosProxy {
    addr: SocketAddr,
    target: SocketAddr,
    control: Arc<watch::Sender<Control>>,
    accepted: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl ChaosProxy {
    /// Starts a proxy forwarding to `target`.
    pub async fn start(target: SocketAddr) -> Result<ChaosProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the chaos proxy")?;
        let addr = listener.local_addr()?;
        let (control, _) = watch::channel(Control {
            mode: Mode::Forward,
            latency: Duration::ZERO,
            generation: 0,
            live: BTreeMap::new(),
        });
        let control = Arc::new(control);
        let accepted = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(accept_loop(
            listener,
            target,
            Arc::clone(&control),
            Arc::clone(&accepted),
        ));
        Ok(ChaosProxy {
            addr,
            target,
            control,
            accepted,
            task,
        })
    }

    /// Starts a proxy in front of the host and port of `url` (e.g. a PostgreSQL URL) and
    /// returns it with `url` rewritten to go through it.
    pub async fn in_front_of(url: &str) -> Result<(ChaosProxy, String)> {
        let mut parsed = url::Url::parse(url).with_context(|| format!("parsing {url}"))?;
        let host = parsed.host_str().context("the URL has no host")?.to_owned();
        let port = parsed
            .port_or_known_default()
            .or_else(|| parsed.scheme().starts_with("postgres").then_some(5432))
            .context("the URL has no port")?;
        let target = tokio::net::lookup_host((host.as_str(), port))
            .await?
            .find(SocketAddr::is_ipv4)
            .context("the URL's host has no IPv4 address")?;
        let proxy = ChaosProxy::start(target).await?;
        parsed
            .set_host(Some("127.0.0.1"))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        parsed
            .set_port(Some(proxy.addr.port()))
            .map_err(|()| anyhow::anyhow!("cannot set the port of {url}"))?;
        Ok((proxy, parsed.to_string()))
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the proxy forwards to.
    pub fn target(&self) -> SocketAddr {
        self.target
    }

    /// Connections accepted so far (including those closed at once while cut).
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Connections currently open through the proxy.
    pub fn live(&self) -> usize {
        self.control.borrow().live()
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.control.borrow().mode
    }

    /// Drops every open connection and closes new ones on accept, until [`ChaosProxy::restore`].
    /// Returns once no connection is open.
    pub async fn cut(&self) {
        self.control.send_modify(|c| {
            c.mode = Mode::Cut;
            c.generation += 1;
        });
        self.drained().await;
    }

    /// Resets (TCP RST) every open connection; new connections are served in the current mode.
    /// Returns once those connections are gone.
    pub async fn reset(&self) {
        let mut generation = 0;
        self.control.send_modify(|c| {
            c.generation += 1;
            generation = c.generation;
        });
        self.drained_before(generation).await;
    }

    /// Stops forwarding on every connection, open or new (bytes are read and held), until
    /// [`ChaosProxy::restore`].
    pub fn stall(&self) {
        self.control.send_modify(|c| c.mode = Mode::Stall);
    }

    /// Forwards again (held bytes of stalled connections go out in order).
    pub fn restore(&self) {
        self.control.send_modify(|c| c.mode = Mode::Forward);
    }

    /// Delays every chunk forwarded from now on by `latency` (zero: none).
    pub fn set_latency(&self, latency: Duration) {
        self.control.send_modify(|c| c.latency = latency);
    }

    async fn drained(&self) {
        let mut rx = self.control.subscribe();
        // The sender lives as long as `self`: `wait_for` cannot fail here.
        let _ = rx.wait_for(|c| c.live() == 0).await;
    }

    /// Waits until every connection opened before `generation` has ended.
    async fn drained_before(&self, generation: u64) {
        let mut rx = self.control.subscribe();
        let _ = rx
            .wait_for(|c| c.live.range(..generation).next().is_none())
            .await;
    }
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        self.task.abort();
        // End every connection too: they watch for a cut.
        self.control.send_modify(|c| {
            c.mode = Mode::Cut;
            c.generation += 1;
        });
    }
}

async fn accept_loop(
    listener: TcpListener,
    target: SocketAddr,
    control: Arc<watch::Sender<Control>>,
    accepted: Arc<AtomicU64>,
) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        accepted.fetch_add(1, Ordering::SeqCst);
        // Check the mode and register the connection in one step, so a `cut` that returns has
        // either seen this connection counted or made us close it.
        let mut generation = None;
        control.send_if_modified(|c| {
            if c.mode != Mode::Cut {
                *c.live.entry(c.generation).or_default() += 1;
                generation = Some(c.generation);
            }
            false
        });
        let Some(generation) = generation else {
            drop(client);
            continue;
        };
        let control = Arc::clone(&control);
        tokio::spawn(async move {
            serve(client, target, &control, generation).await;
            control.send_modify(|c| {
                if let Some(n) = c.live.get_mut(&generation) {
                    *n -= 1;
                    if *n == 0 {
                        c.live.remove(&generation);
                    }
                }
            });
        });
    }
}

/// Forwards one connection until either side closes or its generation ends.
async fn serve(
    client: TcpStream,
    target: SocketAddr,
    control: &watch::Sender<Control>,
    generation: u64,
) {
    let mut ended = control.subscribe();
    let upstream = tokio::select! {
        s = TcpStream::connect(target) => s,
        _ = ended.wait_for(|c| c.generation != generation) => Err(std::io::ErrorKind::ConnectionAborted.into()),
    };
    let Ok(upstream) = upstream else {
        rst(&client);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (mut cr, mut cw) = client.into_split();
    let (mut ur, mut uw) = upstream.into_split();
    let up = pump(&mut cr, &mut uw, control, generation);
    let down = pump(&mut ur, &mut cw, control, generation);
    tokio::select! {
        _ = up => {}
        _ = down => {}
        _ = ended.wait_for(|c| c.generation != generation) => {}
    }
    // A generation that ended by `reset` (the mode is not Cut) ends with a TCP RST.
    let (mode, now) = {
        let c = control.borrow();
        (c.mode, c.generation)
    };
    if mode != Mode::Cut
        && now != generation
        && let (Ok(client), Ok(upstream)) = (cr.reunite(cw), ur.reunite(uw))
    {
        rst(&client);
        rst(&upstream);
    }
}

/// Closes with a RST instead of a FIN when the socket is dropped.
fn rst(stream: &TcpStream) {
    let _ = socket_linger_zero(stream);
}

// `set_linger` blocks only on close, and with zero it does not block.
#[allow(deprecated)]
fn socket_linger_zero(stream: &TcpStream) -> std::io::Result<()> {
    stream.set_linger(Some(Duration::ZERO))
}

/// Copies `from` to `to` chunk by chunk, holding chunks while stalled and delaying them by the
/// latency; ends on EOF or an error.
async fn pump(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    control: &watch::Sender<Control>,
    generation: u64,
) {
    let mut rx = control.subscribe();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return;
            }
            Ok(n) => n,
        };
        let latency = {
            let Ok(c) = rx
                .wait_for(|c| c.mode == Mode::Forward || c.generation != generation)
                .await
            else {
                return;
            };
            if c.generation != generation {
                return;
            }
            c.latency
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An echo server; returns its address.
    async fn echo() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (mut r, mut w) = s.split();
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                });
            }
        });
        addr
    }

    async fn roundtrip(s: &mut TcpStream, msg: &[u8]) -> std::io::Result<Vec<u8>> {
        s.write_all(msg).await?;
        let mut got = vec![0u8; msg.len()];
        s.read_exact(&mut got).await?;
        Ok(got)
    }

    /// Reads until EOF or error; true when the peer closed (or reset) the connection.
    async fn closed(s: &mut TcpStream) -> bool {
        let mut buf = [0u8; 64];
        matches!(
            tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await,
            Ok(Ok(0) | Err(_))
        )
    }

    #[tokio::test]
    async fn forwards_both_ways() {
        let proxy = ChaosProxy::start(echo().await).await.unwrap();
        let mut s = TcpStream::connect(proxy.addr()).await.unwrap();
        assert_eq!(roundtrip(&mut s, b"hello").await.unwrap(), b"hello");
        assert_eq!(proxy.live(), 1);
        assert_eq!(proxy.accepted(), 1);
    }

    #[tokio::test]
    async fn cut_closes_open_and_new_connections_until_restored() {
        let proxy = ChaosProxy::start(echo().await).await.unwrap();
        let mut open = TcpStream::connect(proxy.addr()).await.unwrap();
        roundtrip(&mut open, b"a").await.unwrap();
        proxy.cut().await;
        assert_eq!(proxy.live(), 0, "cut returned with a connection open");
        assert!(
            closed(&mut open).await,
            "the open connection survived a cut"
        );
        let mut fresh = TcpStream::connect(proxy.addr()).await.unwrap();
        assert!(
            closed(&mut fresh).await,
            "a new connection was served while cut"
        );
        proxy.restore();
        let mut again = TcpStream::connect(proxy.addr()).await.unwrap();
        assert_eq!(roundtrip(&mut again, b"back").await.unwrap(), b"back");
    }

    #[tokio::test]
    async fn stall_holds_bytes_until_restored() {
        let proxy = ChaosProxy::start(echo().await).await.unwrap();
        let mut s = TcpStream::connect(proxy.addr()).await.unwrap();
        roundtrip(&mut s, b"x").await.unwrap();
        proxy.stall();
        s.write_all(b"held").await.unwrap();
        let mut got = [0u8; 4];
        // Nothing may come back while stalled (the bound is how long we look, not a wait
        // for something to happen).
        assert!(
            tokio::time::timeout(Duration::from_millis(300), s.read_exact(&mut got))
                .await
                .is_err(),
            "bytes went through a stalled proxy"
        );
        proxy.restore();
        tokio::time::timeout(Duration::from_secs(5), s.read_exact(&mut got))
            .await
            .expect("held bytes were not released")
            .unwrap();
        assert_eq!(&got, b"held");
    }

    #[tokio::test]
    async fn latency_delays_each_chunk() {
        let proxy = ChaosProxy::start(echo().await).await.unwrap();
        let mut s = TcpStream::connect(proxy.addr()).await.unwrap();
        proxy.set_latency(Duration::from_millis(150));
        let started = std::time::Instant::now();
        assert_eq!(roundtrip(&mut s, b"slow").await.unwrap(), b"slow");
        // One chunk each way: at least twice the latency.
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{:?}",
            started.elapsed()
        );
        proxy.set_latency(Duration::ZERO);
        let started = std::time::Instant::now();
        roundtrip(&mut s, b"fast").await.unwrap();
        assert!(
            started.elapsed() < Duration::from_millis(300),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn reset_kills_open_connections_and_keeps_serving() {
        let proxy = ChaosProxy::start(echo().await).await.unwrap();
        let mut open = TcpStream::connect(proxy.addr()).await.unwrap();
        roundtrip(&mut open, b"a").await.unwrap();
        proxy.reset().await;
        let mut buf = [0u8; 8];
        let read = tokio::time::timeout(Duration::from_secs(5), open.read(&mut buf))
            .await
            .expect("a reset connection stayed open");
        assert!(
            matches!(&read, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
            "expected a TCP reset, got {read:?}"
        );
        let mut fresh = TcpStream::connect(proxy.addr()).await.unwrap();
        assert_eq!(roundtrip(&mut fresh, b"new").await.unwrap(), b"new");
        assert_eq!(proxy.mode(), Mode::Forward);
    }
}
