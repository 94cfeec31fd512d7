//! Sending one Web API request well: bearer token, OData headers, the
//! concurrency cap, 429 waits of exactly `Retry-After`, exponential backoff
//! with jitter for 5xx and connection failures, one token renewal on 401,
//! and cancellation of every wait.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use super::auth::{Ctx, chain};
use super::client::Client;
use super::error::{CrmError, from_status};
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
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let ctx = Ctx {
                events: self.events.as_ref(),
                counters: &inner.counters,
                cancel: &self.cancel,
            };
            // An unreachable sign-in server is as transient as an
            // unreachable CRM: back off and try again.
            let token = match inner.auth.access_token(rejected.as_ref(), &ctx).await {
                Ok(t) => t,
                Err(e @ CrmError::Connection { .. }) => {
                    self.back_off(
                        &mut backoff,
                        req,
                        attempt,
                        "sign-in server unreachable".into(),
                        e,
                    )
                    .await?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let outcome = {
                let _permit = tokio::select! {
                    p = inner.permits.acquire() => p.map_err(|_| CrmError::Cancelled)?,
                    () = self.cancel.cancelled() => return Err(CrmError::Cancelled),
                };
                inner.counters.request();
                tokio::select! {
                    a = self.attempt(req, &token) => a,
                    () = self.cancel.cancelled() => return Err(CrmError::Cancelled),
                }
            };
            let (reason, error) = match outcome {
                Attempt::Done(a) => match parse(a) {
                    Ok(v) => return Ok(v),
                    Err(e) if req.method == Method::GET => ("the answer was malformed".into(), e),
                    Err(e) => return Err(e),
                },
                Attempt::Status(a) if a.status == StatusCode::UNAUTHORIZED && !renewed => {
                    renewed = true;
                    rejected = Some(token);
                    continue;
                }
                Attempt::Status(a) if a.status == StatusCode::TOO_MANY_REQUESTS => {
                    let wait = retry_after(&a.headers).unwrap_or(Duration::from_secs(1));
                    throttled += 1;
                    if wait > policy.max_throttle_wait || throttled > policy.max_throttle_waits {
                        return Err(CrmError::Api {
                            status: Some(429),
                            code: None,
                            detail: format!(
                                "{}: the CRM kept throttling (429, Retry-After {} s, {throttled} times); its service-protection limits are exhausted",
                                req.what,
                                wait.as_secs()
                            ),
                        });
                    }
                    inner.counters.throttle_wait();
                    emit(
                        self.events.as_ref(),
                        ClientEvent::Throttled {
                            what: req.what.clone(),
                            retry_after: wait,
                        },
                    );
                    self.wait(wait).await?;
                    continue;
                }
                Attempt::Status(a) if a.status.is_server_error() => (
                    format!("HTTP {}", a.status.as_u16()),
                    from_status(a.status.as_u16(), &a.body, None, &req.what),
                ),
                Attempt::Status(a) if a.status == StatusCode::UNAUTHORIZED => {
                    return Err(CrmError::SignIn {
                        code: "401".into(),
                        detail: format!(
                            "{}: the CRM refused a freshly issued access token",
                            req.what
                        ),
                    });
                }
                Attempt::Status(a) => {
                    return Err(from_status(
                        a.status.as_u16(),
                        &a.body,
                        req.object.as_deref(),
                        &req.what,
                    ));
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

/// `Retry-After` in seconds (Dataverse sends seconds; an HTTP date is
/// honoured too).
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    (when.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .ok()
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
}
