//! Sending one Web API request well: bearer token, OData headers, the
//! identity's [`Gate`](super::gate::Gate) (concurrency and `Retry-After`
//! for every request), exponential backoff with jitter for what can succeed
//! on retry, one token renewal on 401, and cancellation of every wait.
//!
//! What is retried follows Microsoft's guidance
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/api-limits#retry-operations>,
//! <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors>):
//! 429 after its `Retry-After`; 502, 503, 504, timeouts and resets with
//! backoff; 500 a bounded few times (it is usually a bug, sometimes a
//! passing fault). Every other status (400, 403, 404, 405, 412, 501, …)
//! fails at once: sending it again cannot change the answer.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use super::auth::{Ctx, chain};
use super::client::Client;
use super::error::{CrmError, from_status, parse_error_body};
use super::events::{ClientEvent, emit};

/// One request, described so it can be sent again.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: Method,
    pub url: url::Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Bytes>,
    /// For logs and errors, e.g. "GET accounts".
    pub what: String,
    /// The entity set this request reads, to name it when unreadable.
    pub object: Option<String>,
    /// A `$batch`: an error status with a multipart body is an answer
    /// (a failed change set), handed to the parser.
    pub batch: bool,
}

impl Request {
    pub(crate) fn get(url: url::Url, what: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
            what: what.into(),
            object: None,
            batch: false,
        }
    }

    pub(crate) fn post(url: url::Url, what: impl Into<String>, body: Bytes) -> Self {
        Self {
            method: Method::POST,
            body: Some(body),
            ..Self::get(url, what)
        }
    }

    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Result<Self, CrmError> {
        let v = HeaderValue::from_str(value)
            .map_err(|_| CrmError::api(None, format!("invalid value for header {name}")))?;
        self.headers.push((HeaderName::from_static(name), v));
        Ok(self)
    }

    pub(crate) fn object(mut self, entity_set: &str) -> Self {
        self.object = Some(entity_set.to_string());
        self
    }
}

/// A successful answer, body read whole (one page at most).
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Dataverse's 429 code for "too many concurrent requests".
const TOO_MANY_CONCURRENT: &str = "0x80072326";

/// 500 answers tried again before giving up.
const MAX_500_RETRIES: u32 = 2;

/// What a status says about trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// A passing condition: back off and try again.
    Yes,
    /// 500: a few times only.
    Few,
    /// The answer will not change.
    No,
}

fn retry_for(status: StatusCode) -> Retry {
    match status.as_u16() {
        502..=504 => Retry::Yes,
        500 => Retry::Few,
        _ => Retry::No,
    }
}

/// What went wrong with one attempt, before deciding to retry.
enum Attempt {
    Done(Answer),
    Status(Answer),
    Transient(String, CrmError),
}

impl Client {
    /// Sends `req` until it succeeds, fails for good, or is cancelled, and
    /// runs `parse` on the successful answer.
    /// A read whose answer cannot be parsed (cut off, malformed) is tried
    /// again like a server error; a write's is not, since it took effect.
    pub(crate) async fn execute_with<T>(
        &self,
        req: &Request,
        mut parse: impl FnMut(Answer) -> Result<T, CrmError>,
    ) -> Result<T, CrmError> {
        let inner = &self.inner;
        let policy = &inner.config.retry;
        let mut backoff = ExponentialBuilder::default()
            .with_min_delay(policy.min_backoff)
            .with_max_delay(policy.max_backoff)
            .with_max_times(policy.max_retries)
            .with_jitter()
            .build();
        let mut rejected = None;
        let mut renewed = false;
        let mut throttled = 0u32;
        let mut internal_errors = 0u32;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let ctx = Ctx {
                events: self.events.as_ref(),
                counters: &inner.counters,
                cancel: &self.cancel,
            };
            // An unreachable or temporarily unavailable sign-in server is
            // as transient as an unreachable CRM: back off and try again.
            let token = match inner.auth.access_token(rejected.as_ref(), &ctx).await {
                Ok(t) => t,
                Err(e @ CrmError::Connection { .. }) => {
                    self.back_off(
                        &mut backoff,
                        req,
                        attempt,
                        "Microsoft Entra ID is unreachable or temporarily unavailable".into(),
                        e,
                    )
                    .await?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if let Some(left) = inner.gate.given_up_for() {
                return Err(exhausted(req, left, throttled, None));
            }
            if let Some(until) = inner.gate.closed_until() {
                let wait = until.saturating_duration_since(tokio::time::Instant::now());
                emit(self.events.as_ref(), ClientEvent::HeldByThrottle { wait });
            }
            let outcome = {
                let enter = async {
                    match &self.lane {
                        Some(lane) => inner.gate.enter_lane(lane).await,
                        None => inner.gate.enter().await,
                    }
                };
                let queued = std::time::Instant::now();
                let _pass = tokio::select! {
                    p = enter => p,
                    () = self.cancel.cancelled() => return Err(CrmError::Cancelled),
                };
                let sent = std::time::Instant::now();
                inner.counters.request();
                let outcome = tokio::select! {
                    a = self.attempt(req, &token) => a,
                    () = self.cancel.cancelled() => return Err(CrmError::Cancelled),
                };
                if matches!(outcome, Attempt::Done(_)) {
                    inner.round_trip.answered(sent.elapsed());
                }
                // Where a read's time goes: waiting for a place, or the
                // round trip (the request's own lane, if any, says which
                // chain it belongs to).
                tracing::debug!(
                    what = %req.what,
                    lane = self.lane.is_some(),
                    queued_ms = (sent - queued).as_millis() as u64,
                    answered_ms = sent.elapsed().as_millis() as u64,
                    query = req.url.query().map(|q| &q[..q.len().min(160)]),
                    "request answered"
                );
                outcome
            };
            let (reason, error) = match outcome {
                Attempt::Done(a) => {
                    if let Some(hint) = dop_hint(&a.headers) {
                        inner.gate.dop_hint(hint);
                    }
                    inner.gate.answered();
                    match parse(a) {
                        Ok(v) => return Ok(v),
                        Err(e) if req.method == Method::GET => {
                            ("the answer was malformed".into(), e)
                        }
                        Err(e) => return Err(e),
                    }
                }
                Attempt::Status(a) if a.status == StatusCode::UNAUTHORIZED && !renewed => {
                    renewed = true;
                    rejected = Some(token);
                    continue;
                }
                Attempt::Status(a) if a.status == StatusCode::TOO_MANY_REQUESTS => {
                    let wait = retry_after(&a.headers).unwrap_or(Duration::from_secs(1));
                    let code = parse_error_body(&a.body).map(|(code, _)| code);
                    if code.as_deref() == Some(TOO_MANY_CONCURRENT) {
                        inner.gate.too_many_at_once();
                    }
                    throttled += 1;
                    if wait > policy.max_throttle_wait || throttled > policy.max_throttle_waits {
                        // The server accepts nothing from this identity
                        // before then: no other request is sent meanwhile.
                        inner.gate.give_up_for(wait);
                        return Err(exhausted(req, wait, throttled, code));
                    }
                    // The wait belongs to the user, not this request: close
                    // the gate for every request of this identity.
                    inner.gate.close_for(wait);
                    inner.counters.throttle_wait(wait);
                    emit(
                        self.events.as_ref(),
                        ClientEvent::Throttled {
                            what: req.what.clone(),
                            retry_after: wait,
                        },
                    );
                    continue;
                }
                Attempt::Status(a) if a.status == StatusCode::UNAUTHORIZED => {
                    // Entra ID issued the token; Dataverse does not let
                    // this identity in: a user matter for the CRM admin.
                    return Err(CrmError::InsufficientPrivileges {
                        privilege: None,
                        code: None,
                        detail: format!(
                            "{}: Dataverse refused a freshly issued access token (401): the signed-in user or application has no access to this environment; add it as a user (or application user) with a security role",
                            req.what
                        ),
                    });
                }
                Attempt::Status(a) if req.batch && is_multipart(&a.headers) => {
                    // A failed change set: the body says which part failed
                    // and what the server committed before it.
                    inner.gate.answered();
                    return parse(a);
                }
                Attempt::Status(a) => {
                    inner.gate.answered();
                    let retry = match retry_for(a.status) {
                        Retry::Few => {
                            internal_errors += 1;
                            if internal_errors > MAX_500_RETRIES {
                                Retry::No
                            } else {
                                Retry::Few
                            }
                        }
                        other => other,
                    };
                    let object = if retry == Retry::No {
                        req.object.as_deref()
                    } else {
                        None
                    };
                    let error = from_status(a.status.as_u16(), &a.body, object, &req.what);
                    if retry == Retry::No {
                        return Err(error);
                    }
                    (format!("HTTP {}", a.status.as_u16()), error)
                }
                Attempt::Transient(reason, error) => (reason, error),
            };
            self.back_off(&mut backoff, req, attempt, reason, error)
                .await?;
        }
    }

    /// Waits the next backoff delay (reported as a retry), or gives up
    /// with `error` when the attempts are spent.
    async fn back_off(
        &self,
        backoff: &mut impl Iterator<Item = Duration>,
        req: &Request,
        attempt: u32,
        reason: String,
        error: CrmError,
    ) -> Result<(), CrmError> {
        let Some(wait) = backoff.next() else {
            return Err(error);
        };
        self.inner.counters.retry();
        emit(
            self.events.as_ref(),
            ClientEvent::Retry {
                what: req.what.clone(),
                attempt,
                reason,
                wait,
            },
        );
        self.wait(wait).await
    }

    async fn attempt(&self, req: &Request, token: &super::secret::Secret) -> Attempt {
        let inner = &self.inner;
        let mut rb = inner
            .http
            .request(req.method.clone(), req.url.clone())
            .bearer_auth(token.expose())
            .header("Accept", "application/json")
            .header("OData-MaxVersion", "4.0")
            .header("OData-Version", "4.0");
        for (k, v) in &req.headers {
            rb = rb.header(k, v);
        }
        if let Some(body) = &req.body {
            rb = rb.body(body.clone());
        }
        let resp = match rb.send().await {
            Ok(r) => r,
            Err(e) => {
                let detail = format!("{}: {}", req.what, chain(&e));
                return Attempt::Transient(
                    "connection failed".into(),
                    CrmError::Connection { detail },
                );
            }
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        if let Some(budget) = inner.budget.observe(&headers) {
            emit(self.events.as_ref(), ClientEvent::Budget(budget));
        }
        match resp.bytes().await {
            Ok(body) => {
                let answer = Answer {
                    status,
                    headers,
                    body,
                };
                if status.is_success() {
                    Attempt::Done(answer)
                } else {
                    Attempt::Status(answer)
                }
            }
            Err(e) => Attempt::Transient(
                "the answer was cut off".into(),
                CrmError::api(
                    Some(status.as_u16()),
                    format!("{}: truncated answer: {}", req.what, chain(&e)),
                ),
            ),
        }
    }

    /// Sleeps `d` unless cancelled first.
    pub(crate) async fn wait(&self, d: Duration) -> Result<(), CrmError> {
        tokio::select! {
            () = tokio::time::sleep(d) => Ok(()),
            () = self.cancel.cancelled() => Err(CrmError::Cancelled),
        }
    }
}

/// The CRM throttles for longer than the client waits (`Retry-After`
/// `wait`, after `times` 429s for this request): the error says when to
/// try again.
fn exhausted(req: &Request, wait: Duration, times: u32, code: Option<String>) -> CrmError {
    let again = chrono::Duration::from_std(wait)
        .ok()
        .and_then(|w| chrono::Utc::now().checked_add_signed(w))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    CrmError::Api {
        status: Some(429),
        code,
        detail: format!(
            "{}: the CRM kept throttling (429, Retry-After {} s, {times} times); its service-protection limits are exhausted: try again after {}",
            req.what,
            wait.as_secs(),
            again.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
    }
}

/// `x-ms-dop-hint`: the degree of parallelism the server recommends.
fn dop_hint(h: &HeaderMap) -> Option<usize> {
    h.get("x-ms-dop-hint")?.to_str().ok()?.trim().parse().ok()
}

fn is_multipart(h: &HeaderMap) -> bool {
    h.get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        })
}

/// The longest `Retry-After` taken at its word. Anything longer already
/// ends the run (it is beyond `max_throttle_wait`); the cap only keeps an
/// absurd value (`18446744073709551615`) from overflowing a `Duration` or a
/// date computed from it.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(24 * 3600);

/// `Retry-After` in seconds (Dataverse sends seconds; an HTTP date is
/// honoured too), at most [`RETRY_AFTER_CAP`].
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = if let Ok(secs) = v.parse::<f64>() {
        if !(secs.is_finite() && secs >= 0.0) {
            return None;
        }
        Duration::try_from_secs_f64(secs).unwrap_or(RETRY_AFTER_CAP)
    } else {
        let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
        (when.with_timezone(&chrono::Utc) - chrono::Utc::now())
            .to_std()
            .ok()?
    };
    Some(wait.min(RETRY_AFTER_CAP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    /// The value of issue 21: it used to panic converting to a Duration.
    #[test]
    fn retry_after_beyond_any_duration_is_capped() {
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            HeaderValue::from_static("18446744073709551615"),
        );
        assert_eq!(retry_after(&h), Some(RETRY_AFTER_CAP));
        h.insert("retry-after", HeaderValue::from_static("1e300"));
        assert_eq!(retry_after(&h), Some(RETRY_AFTER_CAP));
        h.insert("retry-after", HeaderValue::from_static("-3"));
        assert_eq!(retry_after(&h), None);
    }

    proptest::proptest! {
        /// Whatever a server puts in `Retry-After`, the answer is a bounded
        /// wait or none, never a panic.
        #[test]
        fn any_retry_after_is_bounded(value in "\\PC{0,40}", secs in proptest::num::f64::ANY) {
            let mut h = HeaderMap::new();
            for v in [value, secs.to_string()] {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    h.insert("retry-after", v);
                    if let Some(d) = retry_after(&h) {
                        proptest::prop_assert!(d <= RETRY_AFTER_CAP);
                    }
                }
            }
        }
    }
}
