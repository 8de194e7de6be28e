//! A local SMTP sink: a real SMTP server on 127.0.0.1 (random port) that records every message
//! and can refuse recipients (550, a bounce) or answer with temporary failures (451).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message the sink accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Envelope sender.
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
    /// The raw message (headers and body).
    pub data: String,
}

impl Mail {
    /// A header's value (folded lines joined).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The body with quoted-printable soft line breaks undone.
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }

    /// The first link starting with `prefix` in the body.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(prefix)?;
        let rest = &text[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
            .unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    }
}

#[derive(Default)]
struct State {
    mails: Vec<Mail>,
    reject: HashSet<String>,
    temp_fail: HashMap<String, u32>,
    /// Replies to messages after this many are withheld until [`SmtpSink::release`].
    hold_after: Option<usize>,
    /// Messages recorded whose final reply is being withheld.
    held: usize,
}

/// The running sink.
#[derive(Clone)]
pub struct SmtpSink {
    /// Port it listens on.
    pub port: u16,
    state: Arc<Mutex<State>>,
    /// `true` while final replies are withheld.
    gate: Arc<tokio::sync::watch::Sender<bool>>,
}

impl SmtpSink {
    /// Starts a sink.
    pub async fn start() -> Result<SmtpSink> {
        Self::start_on(0).await
    }

    /// Starts a sink on `port` (0: any free port), e.g. where a relay that was down comes
    /// back.
    pub async fn start_on(port: u16) -> Result<SmtpSink> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let port = listener.local_addr()?.port();
        let state = Arc::new(Mutex::new(State::default()));
        let gate = Arc::new(tokio::sync::watch::channel(false).0);
        let shared = state.clone();
        let shared_gate = gate.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = shared.clone();
                let gate = shared_gate.subscribe();
                tokio::spawn(async move {
                    let _ = session(socket, state, gate).await;
                });
            }
        });
        Ok(SmtpSink { port, state, gate })
    }

    /// From now on, records every message after the first `n` in all but withholds the
    /// final `250` (the sender cannot know it was accepted, as when a connection dies right
    /// after the data) until [`SmtpSink::release`].
    pub fn hold_after(&self, n: usize) {
        self.lock().hold_after = Some(n);
        self.gate.send_replace(true);
    }

    /// Sends the withheld replies and stops holding; returns how many were held.
    pub fn release(&self) -> usize {
        let held = {
            let mut s = self.lock();
            s.hold_after = None;
            std::mem::take(&mut s.held)
        };
        self.gate.send_replace(false);
        held
    }

    /// Messages recorded whose final reply is being withheld.
    pub fn held(&self) -> usize {
        self.lock().held
    }

    /// `HOMEROOM_SMTP_URL` for this sink.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Refuses `address` with 550 (a permanent failure: the mailbox does not exist).
    pub fn reject(&self, address: &str) {
        self.lock().reject.insert(address.to_lowercase());
    }

    /// Answers the next `n` deliveries to `address` with 451 (a temporary failure).
    pub fn fail_temporarily(&self, address: &str, n: u32) {
        self.lock().temp_fail.insert(address.to_lowercase(), n);
    }

    /// Messages received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.lock().mails.clone()
    }

    /// Messages to `address`.
    pub fn mails_to(&self, address: &str) -> Vec<Mail> {
        let address = address.to_lowercase();
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.to_lowercase() == address))
            .collect()
    }

    /// Waits until at least `n` messages arrived (10 s at most).
    pub async fn wait_for(&self, n: usize) -> Result<Vec<Mail>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mails = self.mails();
            if mails.len() >= n {
                return Ok(mails);
            }
            if Instant::now() > deadline {
                bail!("the SMTP sink got {} messages, expected {n}", mails.len());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn address(arg: &str) -> String {
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg.rfind('>').unwrap_or(arg.len());
    arg[start..end].trim().to_lowercase()
}

async fn session(
    socket: TcpStream,
    state: Arc<Mutex<State>>,
    mut gate: tokio::sync::watch::Receiver<bool>,
) -> Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut to: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_owned();
        let upper = cmd.to_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            "250-sink.test\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SMTPUTF8\r\n".into()
        } else if upper.starts_with("HELO") {
            "250 sink.test\r\n".into()
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&cmd[10..]);
            to.clear();
            "250 2.1.0 ok\r\n".into()
        } else if upper.starts_with("RCPT TO:") {
            let rcpt = address(&cmd[8..]);
            let mut s = state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if s.reject.contains(&rcpt) {
                "550 5.1.1 no such user here\r\n".into()
            } else if let Some(n) = s.temp_fail.get_mut(&rcpt).filter(|n| **n > 0) {
                *n -= 1;
                "451 4.3.0 try again later\r\n".into()
            } else {
                to.push(rcpt);
                "250 2.1.5 ok\r\n".into()
            }
        } else if upper == "DATA" {
            write.write_all(b"354 end with .\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let l = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(l);
            }
            let hold = {
                let mut s = state
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                s.mails.push(Mail {
                    from: from.clone(),
                    to: std::mem::take(&mut to),
                    data,
                });
                let hold = s.hold_after.is_some_and(|n| s.mails.len() > n);
                if hold {
                    s.held += 1;
                }
                hold
            };
            if hold {
                let _ = gate.wait_for(|closed| !*closed).await;
            }
            "250 2.0.0 queued\r\n".into()
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            "250 ok\r\n".into()
        } else {
            "502 command not implemented\r\n".into()
        };
        write.write_all(reply.as_bytes()).await?;
    }
}
