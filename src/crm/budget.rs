//! The service-protection budget Dataverse reports on its answers. Per
//! https://learn.microsoft.com/power-apps/developer/data-platform/api-limits#http-response-headers
//! `x-ms-ratelimit-burst-remaining-xrm-requests` is the number of requests
//! left for this connection and `x-ms-ratelimit-time-remaining-xrm-requests`
//! the combined execution time left for every connection of the user, both
//! in the 5-minute sliding window (6,000 requests, 1,200 s per web server).
//! The page says not to pace requests on them (the gate follows
//! Retry-After), so they are shown to the operator, nothing more.
//! Observed answers carry the time as seconds with a grouping comma and two
//! decimals (`1,199.46`).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

pub const REQUESTS_HEADER: &str = "x-ms-ratelimit-burst-remaining-xrm-requests";
pub const TIME_HEADER: &str = "x-ms-ratelimit-time-remaining-xrm-requests";

/// The documented window, for the faces ("left in 5 min").
pub(crate) const WINDOW: Duration = Duration::from_secs(300);
/// A header value longer than this is not a number Dataverse sends.
const MAX_VALUE_LEN: usize = 32;
/// A budget is republished at most this often: every answer carries one.
const PUBLISH_EVERY: Duration = Duration::from_secs(1);

/// What is left of the user's budget, as the last answer said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiBudget {
    /// Requests left in the window; `None` when the answer did not say.
    pub requests_left: Option<u64>,
    /// Execution time left in the window, in milliseconds.
    pub execution_ms_left: Option<u64>,
    /// When the answer that said so arrived.
    pub observed_at: DateTime<Utc>,
}

impl ApiBudget {
    /// The budget in `headers`, if they carry either figure. Values that
    /// are not plain non-negative numbers are ignored, never trusted.
    pub fn from_headers(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Self> {
        let value = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_number)
        };
        let requests_left = value(REQUESTS_HEADER).map(|n| n as u64);
        let execution_ms_left = value(TIME_HEADER).map(|s| (s * 1000.0).round() as u64);
        (requests_left.is_some() || execution_ms_left.is_some()).then_some(Self {
            requests_left,
            execution_ms_left,
            observed_at: now,
        })
    }
}

/// `5993`, `1,199.46` or `1200.00`: digits, grouping commas and at most one
/// decimal point; anything else (negative, exponent, text) is `None`.
fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty()
        || s.len() > MAX_VALUE_LEN
        || !s.starts_with(|c: char| c.is_ascii_digit())
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    let plain: String = s.chars().filter(|c| *c != ',').collect();
    plain
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n < 1e15)
}

/// The latest budget of a client, and when it was last published.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    state: Mutex<(Option<ApiBudget>, Option<Instant>)>,
}

impl Tracker {
    /// Records the budget of an answer; returns it when it is due to be
    /// published (the first one, then at most once a second).
    pub(crate) fn observe(&self, headers: &HeaderMap) -> Option<ApiBudget> {
        let budget = ApiBudget::from_headers(headers, Utc::now())?;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0 = Some(budget);
        let due = state.1.is_none_or(|t| t.elapsed() >= PUBLISH_EVERY);
        if due {
            state.1 = Some(Instant::now());
        }
        due.then_some(budget)
    }

    #[cfg(any(test, feature = "testkit"))]
    pub(crate) fn latest(&self) -> Option<ApiBudget> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn documented_values_parse_and_anything_else_is_ignored() {
        let now = Utc::now();
        let b = ApiBudget::from_headers(
            &headers(&[(REQUESTS_HEADER, "5993"), (TIME_HEADER, "1,199.46")]),
            now,
        )
        .unwrap();
        assert_eq!(b.requests_left, Some(5993));
        assert_eq!(b.execution_ms_left, Some(1_199_460));
        for bad in [
            "-1",
            "1e9",
            "NaN",
            "inf",
            "",
            ",",
            "12 34",
            "١٢",
            &"9".repeat(400),
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
        assert!(ApiBudget::from_headers(&headers(&[(REQUESTS_HEADER, "lots")]), now).is_none());
        assert!(ApiBudget::from_headers(&HeaderMap::new(), now).is_none());
    }

    #[test]
    fn a_budget_is_published_first_then_at_most_once_a_second() {
        let t = Tracker::default();
        let h = headers(&[(REQUESTS_HEADER, "10")]);
        assert!(t.observe(&h).is_some());
        let h = headers(&[(REQUESTS_HEADER, "9")]);
        assert!(t.observe(&h).is_none(), "not again at once");
        assert_eq!(t.latest().unwrap().requests_left, Some(9), "but kept");
    }
}
