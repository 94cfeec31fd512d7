//! When the next scheduled run is due: one interval after the start of the
//! last run (so a slow run does not push the schedule), or now when the
//! store has never synced.

use std::time::Duration;

use chrono::{DateTime, Utc};

pub fn next_due(last_start: Option<&str>, interval: Duration, now: DateTime<Utc>) -> DateTime<Utc> {
    let interval = chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::MAX);
    last_start
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| {
            t.with_timezone(&Utc)
                .checked_add_signed(interval)
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        })
        .unwrap_or(now)
}

/// The wait before the next try after `failures` failed runs in a row
/// (at least one): `first`, doubling with each failure, never beyond the
/// interval, so a short outage does not cost a whole interval of sync.
pub fn after_failure(failures: u32, first: Duration, interval: Duration) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    first.saturating_mul(1 << doublings).min(interval)
}

/// How long to sleep until `due` (zero when it has passed).
pub fn wait(due: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (due - now).to_std().unwrap_or(Duration::ZERO)
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_one_interval_after_the_last_start_or_now() {
        let now = DateTime::parse_from_rfc3339("2026-01-02T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(next_due(None, Duration::from_secs(60), now), now);
        let due = next_due(
            Some("2026-01-01T23:00:00Z"),
            Duration::from_secs(24 * 3600),
            now,
        );
        assert_eq!(rfc3339(due), "2026-01-02T23:00:00Z");
        assert_eq!(wait(due, now), Duration::from_secs(23 * 3600));
        let overdue = next_due(Some("2025-01-01T00:00:00Z"), Duration::from_secs(60), now);
        assert_eq!(wait(overdue, now), Duration::ZERO);
    }

    #[test]
    fn after_a_failure_the_wait_doubles_up_to_the_interval() {
        let (first, interval) = (Duration::from_secs(45), Duration::from_secs(600));
        let waits: Vec<u64> = (1..=6)
            .map(|n| after_failure(n, first, interval).as_secs())
            .collect();
        assert_eq!(waits, [45, 90, 180, 360, 600, 600]);
        assert_eq!(after_failure(u32::MAX, first, interval), interval);
    }
}
