//! Reaching a server at all, for `navsync doctor`: any HTTP answer (even a
//! 401 or a 405) means the host, its DNS, TLS and the route to it work; its
//! `Date` header (RFC 9110 HTTP-date) tells this host's clock from the
//! server's. No token is sent.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::error::CrmError;

/// How long one probe may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What a server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    pub status: u16,
    /// The server's clock, from its `Date` header, when it sent a valid one.
    pub server_date: Option<DateTime<Utc>>,
    /// This host's clock when the answer arrived.
    pub local_date: DateTime<Utc>,
}

impl Answered {
    /// Seconds this host's clock is ahead of the server's (negative: behind),
    /// rounded: the header carries whole seconds.
    pub(crate) fn skew_secs(&self) -> Option<i64> {
        self.server_date
            .map(|s| ((self.local_date - s).num_milliseconds() as f64 / 1000.0).round() as i64)
    }
}

/// Sends one GET to `url` (no redirects followed) and reports the answer.
pub async fn reach(url: &url::Url) -> Result<Answered, CrmError> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent(format!("navsync/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| CrmError::Config {
            detail: format!("cannot build the HTTP client: {e}"),
        })?;
    let resp = http
        .get(url.clone())
        .send()
        .await
        .map_err(|e| CrmError::Connection {
            detail: format!("{url}: {}", super::auth::chain(&e)),
        })?;
    let server_date = resp
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64)
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .map(|d| d.to_utc());
    Ok(Answered {
        status: resp.status().as_u16(),
        server_date,
        local_date: Utc::now(),
    })
}
