//! The Dataverse client handle: cheap to clone (an `Arc` inside), shared by
//! every task of the engine. Each clone may carry its own event channel and
//! cancellation token.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::auth::{Auth, Ctx};
use super::config::{AuthConfig, ClientConfig};
use super::error::CrmError;
use super::events::{ClientEvent, Counters, Stats};
use super::transport::Request;

/// The Web API version path every request goes to.
const API_PATH: &str = "api/data/v9.2/";

/// A Dataverse Web API client for one instance and one sign-in.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) events: Option<UnboundedSender<ClientEvent>>,
    pub(crate) cancel: CancellationToken,
    /// The gate's place this handle's requests go through, if it has one
    /// (see [`Client::with_lane`]).
    pub(crate) lane: Option<Arc<super::gate::Lane>>,
}

pub(crate) struct Inner {
    pub config: ClientConfig,
    pub http: reqwest::Client,
    pub auth: Auth,
    pub gate: super::gate::Gate,
    /// Column lengths by table, read from metadata on first write.
    pub lengths: tokio::sync::Mutex<std::collections::HashMap<&'static str, super::fit::Lengths>>,
    /// Entity sets that refused `CreateMultiple`.
    pub bulk_refused: std::sync::Mutex<std::collections::HashSet<String>>,
    pub counters: Counters,
    /// The service-protection budget the last answer reported.
    pub budget: super::budget::Tracker,
    /// The quickest answer so far: what a round trip costs at the least.
    pub round_trip: RoundTrip,
    pub api_base: url::Url,
}

/// The quickest answer the server has given, in microseconds (`u64::MAX`
/// before the first): the cost of a round trip itself, whatever a
/// request asked for.
pub(crate) struct RoundTrip(std::sync::atomic::AtomicU64);

impl Default for RoundTrip {
    fn default() -> Self {
        Self(std::sync::atomic::AtomicU64::new(u64::MAX))
    }
}

impl RoundTrip {
    pub(crate) fn answered(&self, took: std::time::Duration) {
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.0.fetch_min(us, std::sync::atomic::Ordering::AcqRel);
    }

    /// The quickest answer; `None` before the first.
    pub(crate) fn fastest(&self) -> Option<std::time::Duration> {
        match self.0.load(std::sync::atomic::Ordering::Acquire) {
            u64::MAX => None,
            us => Some(std::time::Duration::from_micros(us)),
        }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("instance_url", &self.inner.config.instance_url.as_str())
            .field("client_id", &self.inner.config.client_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client; nothing is sent until the first call.
    pub fn new(config: ClientConfig) -> Result<Self, CrmError> {
        // No redirects: a token must never follow a redirect to another host.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| CrmError::Config {
                detail: format!("cannot build the HTTP client: {e}"),
            })?;
        let api_base = config
            .instance_url
            .join(API_PATH)
            .map_err(|e| CrmError::Config {
                detail: format!("crm.instance_url: {e}"),
            })?;
        let auth = Auth::new(&config, http.clone())?;
        let gate = super::gate::Gate::new(config.max_concurrency);
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                auth,
                gate,
                lengths: Default::default(),
                bulk_refused: Default::default(),
                counters: Counters::default(),
                budget: Default::default(),
                round_trip: RoundTrip::default(),
                api_base,
            }),
            events: None,
            cancel: CancellationToken::new(),
            lane: None,
        })
    }

    /// This client, reporting retries, waits and sign-in prompts on `tx`.
    pub fn with_events(&self, tx: UnboundedSender<ClientEvent>) -> Self {
        Self {
            events: Some(tx),
            ..self.clone()
        }
    }

    /// This client, giving up every wait and request when `cancel` fires.
    pub fn with_cancel(&self, cancel: CancellationToken) -> Self {
        Self {
            cancel,
            ..self.clone()
        }
    }

    /// This client, sending through a place of the gate kept for it: for
    /// a chain of requests on the critical path, sent one at a time (see
    /// `gate`). The place is given back when the last clone is dropped.
    pub(crate) fn with_lane(&self) -> Self {
        Self {
            lane: Some(Arc::new(self.inner.gate.lane())),
            ..self.clone()
        }
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Requests sent, retries, throttling waits and token renewals so far.
    pub fn stats(&self) -> Stats {
        self.inner.counters.snapshot()
    }

    /// How long the CRM still refuses this identity after a `Retry-After`
    /// too long to wait: a scheduled try before then would only fail.
    pub(crate) fn refused_for(&self) -> Option<std::time::Duration> {
        self.inner.gate.given_up_for()
    }

    #[cfg(any(test, feature = "testkit"))]
    /// What the last answer said is left of the service-protection budget.
    pub fn budget(&self) -> Option<super::ApiBudget> {
        self.inner.budget.latest()
    }

    /// Makes sure a token can be had: for client credentials this requests
    /// one; for device code it runs the interactive flow when no refresh
    /// token is cached (the prompt arrives as [`ClientEvent::DeviceCode`]).
    pub async fn sign_in(&self) -> Result<(), CrmError> {
        let ctx = self.ctx();
        match (
            &self.inner.config.auth,
            self.inner.auth.access_token(None, &ctx).await,
        ) {
            (_, Ok(_)) => Ok(()),
            (AuthConfig::DeviceCode, Err(CrmError::NotSignedIn { .. })) => {
                self.inner.auth.sign_in_device_code(&ctx).await
            }
            (_, Err(e)) => Err(e),
        }
    }

    #[cfg(any(test, feature = "testkit"))]
    /// Runs the device-code flow now, even if a refresh token is cached.
    pub async fn sign_in_device_code(&self) -> Result<(), CrmError> {
        self.inner.auth.sign_in_device_code(&self.ctx()).await
    }

    #[cfg(any(test, feature = "testkit"))]
    /// The token cache file in use.
    pub fn token_cache_path(&self) -> &std::path::Path {
        self.inner.auth.cache().path()
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            events: self.events.as_ref(),
            counters: &self.inner.counters,
            cancel: &self.cancel,
        }
    }

    /// `https://ORG.crm.dynamics.com/api/data/v9.2/<path>`.
    pub(crate) fn api_url(&self, path: &str) -> Result<url::Url, CrmError> {
        self.inner
            .api_base
            .join(path)
            .map_err(|e| CrmError::api(None, format!("cannot form the URL for {path}: {e}")))
    }

    /// A link the server handed back (next/delta link), resolved against
    /// the URL of the request it answered (OData allows relative links;
    /// Dataverse sends absolute ones) and accepted only on this instance,
    /// so a token is never sent elsewhere.
    pub(crate) fn server_link(&self, link: &str, base: &url::Url) -> Result<url::Url, CrmError> {
        let url = base
            .join(link)
            .map_err(|e| CrmError::api(None, format!("bad link from the CRM ({e})")))?;
        let instance = &self.inner.config.instance_url;
        if url.origin() != instance.origin() {
            return Err(CrmError::api(
                None,
                format!(
                    "the CRM sent a link to another host ({}); refusing to follow it",
                    url.host_str().unwrap_or("?")
                ),
            ));
        }
        Ok(url)
    }

    /// GET `path` (relative to the API root) and decode the JSON answer.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        object: Option<&str>,
    ) -> Result<T, CrmError> {
        let what = format!("GET {}", path.split('?').next().unwrap_or(path));
        let mut req = Request::get(self.api_url(path)?, what.clone());
        if let Some(o) = object {
            req = req.object(o);
        }
        self.execute_with(&req, |a| decode(&a.body, &what)).await
    }
}

/// Decodes a JSON body; a body of the wrong shape is a CRM API error.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, CrmError> {
    serde_json::from_slice(body).map_err(|e| {
        CrmError::api(
            None,
            format!("{what}: the answer was malformed or not of the expected shape: {e}"),
        )
    })
}
