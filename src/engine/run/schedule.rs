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
}
