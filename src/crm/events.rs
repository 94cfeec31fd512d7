//! What the client reports while it works: retries, throttling waits,
//! token refreshes, delta fallbacks and the device-code prompt. The engine
//! forwards these to the console; each is also a tracing line.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

crate::vocab::words! {
    /// Why the client fetched a new access token.
    pub enum RefreshReason in "token-reason" {
        /// None yet in this process or the cache.
        First = "first",
        /// The cached one expires within the safety margin.
        Expiring = "expiring",
        /// The CRM answered 401 to the current one.
        Rejected = "rejected",
    }
}

/// The device-code prompt an admin must act on (RFC 8628 + Entra's `message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    /// Entra's ready-made sentence ("To sign in, use a web browser to open ...").
    pub message: String,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// A request failed transiently (5xx, connection) and is tried again after `wait`.
    Retry {
        what: String,
        attempt: u32,
        reason: String,
        wait: Duration,
    },
    /// The CRM answered 429; the client waits exactly `retry_after`.
    Throttled { what: String, retry_after: Duration },
    /// A request waits `wait` more at the gate an earlier 429 closed (for
    /// another request, maybe another run): a wait all the same.
    HeldByThrottle { wait: Duration },
    /// The client asks Microsoft Entra ID for a new access token: every
    /// request needing it waits until [`ClientEvent::RenewalEnded`].
    Renewing { reason: RefreshReason },
    /// The renewal announced by `Renewing` ended, well or not.
    RenewalEnded,
    /// A new access token was obtained.
    TokenRefreshed { reason: RefreshReason },
    /// A delta link was refused or change tracking is unavailable: a full
    /// read follows and the engine must reconcile deletions itself.
    DeltaFallback { entity_set: String, reason: String },
    /// Show this to the admin signing in.
    DeviceCode(DeviceCodePrompt),
    /// The sign-in server asked to poll more slowly (`slow_down`).
    DevicePollSlowedDown { interval: Duration },
    /// What the CRM said is left of the user's service-protection budget
    /// (at most once a second).
    Budget(super::budget::ApiBudget),
}

/// Counters for the run history and the status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub requests: u64,
    pub retries: u64,
    pub throttle_waits: u64,
    /// Sum of the `Retry-After` waits asked for, in milliseconds.
    pub throttled_ms: u64,
    pub token_refreshes: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    throttle_waits: AtomicU64,
    throttled_ms: AtomicU64,
    token_refreshes: AtomicU64,
}

impl Counters {
    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn throttle_wait(&self, wait: std::time::Duration) {
        self.throttle_waits.fetch_add(1, Ordering::Relaxed);
        self.throttled_ms
            .fetch_add(wait.as_millis() as u64, Ordering::Relaxed);
    }
    pub(crate) fn token_refresh(&self) {
        self.token_refreshes.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttle_waits: self.throttle_waits.load(Ordering::Relaxed),
            throttled_ms: self.throttled_ms.load(Ordering::Relaxed),
            token_refreshes: self.token_refreshes.load(Ordering::Relaxed),
        }
    }
}

/// Sends `event` if someone listens and writes its tracing line.
pub(crate) fn emit(tx: Option<&UnboundedSender<ClientEvent>>, event: ClientEvent) {
    match &event {
        ClientEvent::Retry {
            what,
            attempt,
            reason,
            wait,
        } => {
            tracing::warn!(%what, attempt, %reason, wait_ms = wait.as_millis() as u64, "CRM request retried")
        }
        ClientEvent::Throttled { what, retry_after } => {
            tracing::warn!(%what, retry_after_ms = retry_after.as_millis() as u64, "CRM throttled the request (429); waiting as asked")
        }
        ClientEvent::HeldByThrottle { wait } => {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "request held until the CRM's Retry-After passes"
            )
        }
        ClientEvent::Renewing { reason } => {
            tracing::debug!(reason = reason.as_str(), "renewing the access token")
        }
        ClientEvent::RenewalEnded => tracing::debug!("access token renewal ended"),
        ClientEvent::TokenRefreshed { reason } => {
            tracing::info!(reason = reason.as_str(), "access token refreshed")
        }
        ClientEvent::DeltaFallback { entity_set, reason } => {
            tracing::warn!(%entity_set, %reason, "delta link unusable; full read")
        }
        ClientEvent::DeviceCode(p) => {
            tracing::info!(verification_uri = %p.verification_uri, expires_in_s = p.expires_in.as_secs(), "device-code sign-in started")
        }
        ClientEvent::DevicePollSlowedDown { interval } => tracing::info!(
            interval_s = interval.as_secs(),
            "sign-in server asked to poll more slowly"
        ),
        ClientEvent::Budget(b) => tracing::debug!(
            requests_left = b.requests_left,
            execution_ms_left = b.execution_ms_left,
            "CRM service-protection budget"
        ),
    }
    if let Some(tx) = tx {
        let _ = tx.send(event);
    }
}
