//! The fake's enforcement of Clever's rate limit: a fixed window that resets every period
//! (Clever resets its 1,200 requests/minute counter each minute).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// A fixed-window counter.
#[derive(Debug)]
pub(crate) struct WindowLimit {
    requests: u32,
    per: Duration,
    window: Option<(Instant, SystemTime)>,
    count: u32,
    /// The most requests any window received (refused ones included).
    pub peak: u32,
}

/// What the limit says about one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verdict {
    /// Whether the request is over the limit.
    pub refused: bool,
    pub limit: u32,
    pub remaining: u32,
    /// When the window resets, in Unix seconds (rounded up, as an HTTP header carries it).
    pub reset_epoch_secs: u64,
}

impl WindowLimit {
    pub(crate) fn new(requests: u32, per: Duration) -> Self {
        Self {
            requests,
            per,
            window: None,
            count: 0,
            peak: 0,
        }
    }

    /// Counts one request arriving now. Windows are aligned on the first request: the k-th
    /// window starts `k × per` after it.
    pub(crate) fn admit(&mut self) -> Verdict {
        let now = Instant::now();
        let wall = SystemTime::now();
        let (start, start_wall) = match self.window {
            None => (now, wall),
            Some((start, start_wall)) => {
                let elapsed = now.duration_since(start);
                if elapsed >= self.per {
                    let periods = (elapsed.as_nanos() / self.per.as_nanos().max(1)) as u32;
                    self.count = 0;
                    (start + self.per * periods, start_wall + self.per * periods)
                } else {
                    (start, start_wall)
                }
            }
        };
        self.window = Some((start, start_wall));
        self.count += 1;
        self.peak = self.peak.max(self.count);
        let reset = (start_wall + self.per)
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
        Verdict {
            refused: self.count > self.requests,
            limit: self.requests,
            remaining: self.requests.saturating_sub(self.count),
            reset_epoch_secs: reset,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::WindowLimit;

    #[tokio::test(start_paused = true)]
    async fn resets_each_window() {
        let mut w = WindowLimit::new(2, Duration::from_secs(1));
        assert!(!w.admit().refused);
        assert!(!w.admit().refused);
        assert!(w.admit().refused);
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        assert!(!w.admit().refused);
        assert_eq!(w.peak, 3);
    }
}
