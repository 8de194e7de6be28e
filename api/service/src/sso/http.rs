//! The HTTP client the OpenID Connect exchange runs over: no redirects, a timeout, a bounded
//! answer, and only https (or plain http to a loopback host, for development) — the same rule
//! as issuers, applied to every URL a discovery document names.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Largest answer read from a provider (discovery, keys, tokens).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a request to a provider failed (logged, never shown to anyone).
#[derive(Debug, thiserror::Error)]
pub enum ProviderHttpError {
    /// The URL is not https (nor http to a loopback host).
    #[error("refused to call {0}: not https")]
    NotHttps(String),
    /// The request could not be sent or its answer read.
    #[error("request failed: {0}")]
    Transport(String),
    /// The answer was larger than [`MAX_BODY_BYTES`].
    #[error("the answer exceeds {MAX_BODY_BYTES} bytes")]
    TooLarge,
}

/// A client for identity providers (cheap to clone).
#[derive(Clone, Debug)]
pub struct ProviderHttp {
    client: reqwest::Client,
}

impl ProviderHttp {
    /// A client that never follows redirects and gives up after 10 seconds.
    pub fn new() -> Result<ProviderHttp, ProviderHttpError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ProviderHttpError::Transport(e.to_string()))?;
        Ok(ProviderHttp { client })
    }

    async fn send(
        &self,
        request: openidconnect::HttpRequest,
    ) -> Result<openidconnect::HttpResponse, ProviderHttpError> {
        let (parts, body) = request.into_parts();
        let url = url::Url::parse(&parts.uri.to_string())
            .map_err(|e| ProviderHttpError::Transport(e.to_string()))?;
        let allowed = url.scheme() == "https"
            || (url.scheme() == "http" && super::providers::is_loopback(&url));
        if !allowed {
            return Err(ProviderHttpError::NotHttps(url.to_string()));
        }
        let mut response = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(|e| ProviderHttpError::Transport(e.without_url().to_string()))?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ProviderHttpError::Transport(e.without_url().to_string()))?
        {
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(ProviderHttpError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        let mut out = http::Response::new(bytes);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

impl<'c> openidconnect::AsyncHttpClient<'c> for ProviderHttp {
    type Error = ProviderHttpError;
    type Future = Pin<
        Box<
            dyn Future<Output = Result<openidconnect::HttpResponse, ProviderHttpError>> + Send + 'c,
        >,
    >;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}
