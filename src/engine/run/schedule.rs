//! When the next scheduled run is due: one interval after the start of the
//! last run (so a slow run does not push the schedule), or now when the
//! store has never synced.

use std::time::Duration;

use chrono::{DateTime, Utc};

pub(crate) fn next_due(
    last_start: Option<DateTime<Utc>>,
    interval: Duration,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let interval = chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::MAX);
    last_start
        .map(|t| {
            t.checked_add_signed(interval)
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        })
        .unwrap_or(now)
}

/// The wait before the next try after `failures` failed runs in a row
/// (at least one): `first`, doubling with each failure, never beyond the
/// interval, so a short outage does not cost a whole interval of sync.
pub(crate) fn after_failure(failures: u32, first: Duration, interval: Duration) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    first.saturating_mul(1 << doublings).min(interval)
}

/// How long to sleep until `due` (zero when it has passed).
pub fn wait(due: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (due - now).to_std().unwrap_or(Duration::ZERO)
}

/// A time to the second, as the status shows times (and the store keeps
/// them).
pub(crate) fn to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(t, 0)
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
        let at = |s| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let due = next_due(
            Some(at("2026-01-01T23:00:00Z")),
            Duration::from_secs(24 * 3600),
            now,
        );
        assert_eq!(due, at("2026-01-02T23:00:00Z"));
        assert_eq!(wait(due, now), Duration::from_secs(23 * 3600));
        let overdue = next_due(
            Some(at("2025-01-01T00:00:00Z")),
            Duration::from_secs(60),
            now,
        );
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
