//! How a [`Client`](super::Client) is set up: the instance, the sign-in
//! method, where tokens are cached, and the limits it keeps to.

use std::path::PathBuf;
use std::time::Duration;

use crate::vocab::Lang;

use super::secret::SecretSource;

/// How the client signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthConfig {
    /// Client credentials for an integration (application) user.
    ClientSecret(SecretSource),
    /// Device-code flow for an admin; later runs use the cached refresh token.
    DeviceCode,
}

/// Retry and wait limits. Tests shrink them; production keeps the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Tries after the first for 5xx and connection errors.
    pub max_retries: usize,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// Longest `Retry-After` the client agrees to wait; longer fails the call.
    pub max_throttle_wait: Duration,
    /// 429 answers tolerated for one request before giving up.
    pub max_throttle_waits: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_throttle_wait: Duration::from_secs(300),
            max_throttle_waits: 20,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://ORG.crm.dynamics.com` (or the emulator on 127.0.0.1).
    pub instance_url: url::Url,
    /// `https://login.microsoftonline.com` (or the emulator).
    pub authority_url: url::Url,
    pub tenant_id: String,
    pub client_id: String,
    pub auth: AuthConfig,
    pub token_cache_path: PathBuf,
    /// Requests in flight at once, kept below Dataverse's 52 per user.
    pub max_concurrency: usize,
    /// `Prefer: odata.maxpagesize` (at most 5,000).
    pub page_size: u32,
    /// A full read of a table at least this big is split into ranges
    /// (see `split`); 0 never splits.
    pub split_rows: u64,
    pub lang: Lang,
    pub user_agent: String,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// A token this close to expiry is renewed before use.
    pub refresh_margin: Duration,
}

impl ClientConfig {
    /// `auth_method` as the connection row stores it.
    pub(crate) fn auth_method_name(&self) -> &'static str {
        match self.auth {
            AuthConfig::ClientSecret(_) => "client_secret",
            AuthConfig::DeviceCode => "device_code",
        }
    }
}
