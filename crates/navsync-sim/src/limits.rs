//! Dataverse service protection: per user, a sliding window of request
//! count and of execution time, and a concurrent-request cap. Exceeding any
//! answers 429 with `Retry-After` and the limit's own error code.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::response::{ApiError, OpResponse};

/// Defaults are Dataverse's, per user per web server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLimits {
    pub requests: u32,
    pub window: Duration,
    pub execution_time: Duration,
    pub concurrent: u32,
}

impl Default for ServiceLimits {
    fn default() -> Self {
        ServiceLimits {
            requests: 6000,
            window: Duration::from_secs(300),
            execution_time: Duration::from_secs(1200),
            concurrent: 52,
        }
    }
}

/// What is left of a user's window after admitting a request; Dataverse
/// reports it on every answer
/// (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits#http-response-headers):
/// the requests left as a plain integer (`5993`), the execution time left
/// in seconds with grouped thousands and two decimals (`1,199.46`), as
/// Dataverse's own answers print them.
#[derive(Debug, Clone, Copy)]
pub struct Remaining {
    pub requests: u64,
    pub execution: Duration,
}

impl Remaining {
    pub fn headers(&self) -> [(String, String); 2] {
        [
            (
                "x-ms-ratelimit-burst-remaining-xrm-requests".into(),
                self.requests.to_string(),
            ),
            ("x-ms-ratelimit-time-remaining-xrm-requests".into(), {
                let centis = self.execution.as_millis() / 10;
                format!("{}.{:02}", group_thousands(centis / 100), centis % 100)
            }),
        ]
    }
}

#[derive(Debug, Default)]
struct UserWindow {
    requests: VecDeque<Instant>,
    executions: VecDeque<(Instant, Duration)>,
    in_flight: u32,
}

#[derive(Debug, Default)]
pub struct Limiter {
    users: HashMap<String, UserWindow>,
}

fn group_thousands(n: u128) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The 429 Dataverse sends for a service protection limit.
pub fn too_many(code: &'static str, message: String, retry_after: Duration) -> OpResponse {
    let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
    ApiError::new(429, code, message)
        .into_response()
        .with_header("Retry-After", secs.to_string())
}

pub fn requests_exceeded(limits: &ServiceLimits, retry_after: Duration) -> OpResponse {
    too_many(
        "0x80072322",
        format!(
            "Number of requests exceeded the limit of {} over time window of {} seconds.",
            limits.requests,
            limits.window.as_secs()
        ),
        retry_after,
    )
}

impl Limiter {
    /// Admits a request of `user` or answers the 429 of the first limit it
    /// breaks. An admitted request must be closed with [`Limiter::finish`].
    pub fn admit(&mut self, user: &str, limits: &ServiceLimits) -> Result<Remaining, OpResponse> {
        let now = Instant::now();
        let w = self.users.entry(user.to_string()).or_default();
        while w
            .requests
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limits.window)
        {
            w.requests.pop_front();
        }
        while w
            .executions
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= limits.window)
        {
            w.executions.pop_front();
        }
        if w.in_flight >= limits.concurrent {
            return Err(too_many(
                "0x80072326",
                format!(
                    "Number of concurrent requests exceeded the limit of {}.",
                    limits.concurrent
                ),
                Duration::from_secs(1),
            ));
        }
        if w.requests.len() as u64 >= u64::from(limits.requests) {
            let oldest = w.requests.front().copied().unwrap_or(now);
            return Err(requests_exceeded(
                limits,
                limits.window.saturating_sub(now.duration_since(oldest)),
            ));
        }
        let used: Duration = w.executions.iter().map(|(_, d)| *d).sum();
        if used >= limits.execution_time {
            let oldest = w.executions.front().map(|(t, _)| *t).unwrap_or(now);
            return Err(too_many(
                "0x80072321",
                format!(
                    "Combined execution time of incoming requests exceeded limit of {} milliseconds over time window of {} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.",
                    group_thousands(limits.execution_time.as_millis()),
                    limits.window.as_secs()
                ),
                limits.window.saturating_sub(now.duration_since(oldest)),
            ));
        }
        w.requests.push_back(now);
        w.in_flight += 1;
        Ok(Remaining {
            requests: u64::from(limits.requests) - w.requests.len() as u64,
            execution: limits.execution_time.saturating_sub(used),
        })
    }

    /// Requests admitted and not yet answered, of every user.
    pub fn in_flight(&self) -> u32 {
        self.users.values().map(|w| w.in_flight).sum()
    }

    pub fn finish(&mut self, user: &str, took: Duration) {
        if let Some(w) = self.users.get_mut(user) {
            w.in_flight = w.in_flight.saturating_sub(1);
            w.executions.push_back((Instant::now(), took));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_like_the_real_message() {
        assert_eq!(group_thousands(1_200_000), "1,200,000");
        assert_eq!(group_thousands(999), "999");
    }

    #[test]
    fn the_budget_headers_read_like_dataverse_s() {
        let r = Remaining {
            requests: 5993,
            execution: Duration::from_millis(1_199_468),
        };
        let h = r.headers();
        assert_eq!(h[0].1, "5993");
        assert_eq!(h[1].1, "1,199.46");
    }
}
