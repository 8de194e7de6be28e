//! Helpers shared by the integration tests: a local axum server and a fast client config.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use homeroom_connector_core::{HttpConfig, RetryPolicy, Url};

/// Serves `router` on an ephemeral port of 127.0.0.1 and returns its base URL.
pub async fn serve(router: Router) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

/// A client config with short timeouts and millisecond backoff so tests run fast.
pub fn fast_config() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(100),
            max_server_wait: Duration::from_secs(5),
        },
        ..HttpConfig::default()
    }
}

/// Records when a handler was hit.
#[derive(Clone, Default)]
pub struct Hits(Arc<Mutex<Vec<Instant>>>);

impl Hits {
    /// Records a hit and returns how many there were before it.
    pub fn record(&self) -> usize {
        let mut hits = self.0.lock().unwrap();
        hits.push(Instant::now());
        hits.len() - 1
    }

    /// Number of hits.
    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// Time between consecutive hits.
    pub fn gaps(&self) -> Vec<Duration> {
        let hits = self.0.lock().unwrap();
        hits.windows(2).map(|w| w[1] - w[0]).collect()
    }
}
