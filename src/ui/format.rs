//! Small text helpers shared by the tabs: times, counts, ellipsis.

use chrono::{DateTime, Utc};

use crate::store::reason::Reason;

pub(crate) fn parse_time(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// "12 min ago" / "in 3 h" for a time near `now`.
pub fn relative(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let secs = (now - at).num_seconds();
    let (n, future) = (secs.unsigned_abs(), secs < 0);
    let span = match n {
        0..=59 => {
            return if future {
                crate::t!("time-in-under-a-minute")
            } else {
                crate::t!("time-just-now")
            };
        }
        60..=3599 => crate::t!("span-min", n = n / 60),
        3600..=86_399 => crate::t!("span-h", n = n / 3600),
        _ => crate::t!("span-d", n = n / 86_400),
    };
    if future {
        crate::t!("time-in", span = span)
    } else {
        crate::t!("time-ago", span = span)
    }
}

/// "12 min ago (2026-11-25 06:10 UTC)", or the raw text if it is not a time.
pub(crate) fn relative_and_absolute(now: DateTime<Utc>, rfc3339: &str) -> String {
    match parse_time(rfc3339) {
        Some(t) => when(now, t),
        None => rfc3339.to_string(),
    }
}

/// "12 min ago (2026-11-25 06:10 UTC)".
pub fn when(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    format!("{} ({})", relative(now, t), crate::i18n::date_time(t))
}

/// Compact age for table cells: "45s", "12m", "5h", "3d".
pub(crate) fn age(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let s = (now - t).num_seconds().max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// "m:ss" until `until`, or None once it has passed.
pub fn countdown(now: DateTime<Utc>, until: DateTime<Utc>) -> Option<String> {
    let s = (until - now).num_seconds();
    (s > 0).then(|| format!("{}:{:02}", s / 60, s % 60))
}

/// A duration for people: "0.98 s", "27 s", "1 min 05 s", "2 h 05 min".
/// The one way every face prints a wait or a run's length.
pub fn duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..10 => format!("{} s", crate::i18n::fixed(d.as_secs_f64(), 2)),
        10..60 => format!("{secs} s"),
        60..3600 => format!("{} min {:02} s", secs / 60, secs % 60),
        _ => format!("{} h {:02} min", secs / 3600, secs % 3600 / 60),
    }
}

/// A count as the user's language writes it ("1,297", "1.297").
pub fn thousands(n: impl Into<i128>) -> String {
    crate::i18n::number(n.into() as f64)
}

pub use crate::i18n::stored_word;

use crate::engine::interface::health::{Health, HealthReason};

/// The health verdict's word ("failing") in the reader's language.
pub(crate) fn health_word(h: Health) -> String {
    crate::t!(match h {
        Health::Ok => "health-ok",
        Health::Degraded => "health-degraded",
        Health::Failing => "health-failing",
        Health::Offline => "health-offline",
    })
}

/// Why the verdict is what it is, in the reader's language.
pub fn health_reason(r: HealthReason) -> String {
    crate::t!(match r {
        HealthReason::Synced => "health-why-synced",
        HealthReason::NeverSynced => "health-why-never-synced",
        HealthReason::NotConnected => "health-why-not-connected",
        HealthReason::RunFailed => "health-why-run-failed",
        HealthReason::SignInNeeded => "health-why-sign-in-needed",
        HealthReason::RunCancelled => "health-why-run-cancelled",
        HealthReason::WritesHeld => "health-why-writes-held",
        HealthReason::Throttled => "health-why-throttled",
        HealthReason::EngineUnreachable => "health-why-engine-unreachable",
    })
}

/// What the operator does about the verdict, for the reasons only a
/// person can fix from the command line.
pub(crate) fn health_next_step(r: HealthReason) -> Option<String> {
    (r == HealthReason::SignInNeeded).then(|| crate::t!("health-next-sign-in-needed"))
}

/// Writes the CRM refused, with its code when it said one: "2 refused
/// (0x80040220)".
pub(crate) fn writes_refused(count: u64, code: Option<&str>) -> String {
    match code {
        Some(code) => crate::t!(
            "phase-writes-refused",
            count = count,
            code = code.to_string()
        ),
        None => crate::t!("phase-writes-refused-no-code", count = count),
    }
}

/// A sync phase's name.
pub(crate) fn phase_name(p: crate::engine::Phase) -> String {
    crate::i18n::word(p)
}

/// A matcher's reason in the reader's language. Scores keep two decimals,
/// as the queue shows them; text stored before reasons were typed is shown
/// as it was written.
pub fn reason(r: &Reason) -> String {
    let score = |s: f64| crate::i18n::fixed(s, 2);
    let account = |a: &Option<String>| a.clone().unwrap_or_else(|| crate::t!("reason-the-company"));
    match r {
        Reason::Email => crate::t!("reason-email"),
        Reason::ProfileUrl => crate::t!("reason-profile-url"),
        Reason::SameEmail { count, email } => {
            crate::t!("reason-same-email", count = *count, email = email.as_str())
        }
        Reason::SameProfileUrl { count } => crate::t!("reason-same-profile-url", count = *count),
        Reason::NameCompany { score: s } => crate::t!("reason-name-company", score = score(*s)),
        Reason::NameTie {
            count,
            name,
            account: a,
        } => crate::t!(
            "reason-name-tie",
            count = *count,
            name = name.as_str(),
            account = account(a)
        ),
        Reason::NoCompany => crate::t!("reason-no-company"),
        Reason::NoAccount { company } => crate::t!("reason-no-account", company = company.as_str()),
        Reason::BelowThreshold {
            account: a,
            best,
            threshold,
        } => crate::t!(
            "reason-below-threshold",
            account = account(a),
            best = score(*best),
            threshold = score(*threshold)
        ),
        Reason::NoContactAt { account: a } => {
            crate::t!("reason-no-contact-at", account = account(a))
        }
        Reason::NameElsewhere {
            score: s,
            account: a,
        } => match a {
            Some(a) => crate::t!("reason-name-at", score = score(*s), account = a.as_str()),
            None => crate::t!("reason-name-no-account", score = score(*s)),
        },
        Reason::Resolved { how } => crate::t!("reason-resolved", how = crate::i18n::word(*how)),
        Reason::Written(text) => text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        let now = parse_time("2026-11-25T06:30:00Z").unwrap();
        let at = |s| parse_time(s).unwrap();
        assert_eq!(relative(now, at("2026-11-25T06:18:00Z")), "12 min ago");
        assert_eq!(relative(now, at("2026-11-25T09:30:00Z")), "in 3 h");
        assert_eq!(relative(now, at("2026-11-25T06:29:50Z")), "just now");
        assert_eq!(
            relative_and_absolute(now, "2026-11-22T06:30:00Z"),
            "3 d ago (2026-11-22 06:30 UTC)"
        );
        assert_eq!(
            countdown(now, at("2026-11-25T06:31:05Z")).as_deref(),
            Some("1:05")
        );
        assert_eq!(countdown(now, at("2026-11-25T06:29:00Z")), None);
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }

    #[test]
    fn durations_read_for_people() {
        use std::time::Duration;
        crate::i18n::set_for_thread(Some(crate::i18n::Locale::Lang(crate::config::Lang::En)));
        for (d, text) in [
            (Duration::from_micros(978_063), "0.98 s"),
            (Duration::from_secs(27), "27 s"),
            (Duration::from_secs(65), "1 min 05 s"),
            (Duration::from_secs(7_500), "2 h 05 min"),
        ] {
            assert_eq!(duration(d), text);
        }
    }
}
