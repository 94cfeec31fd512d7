//! The one health verdict every face shows: the console header, `status`
//! (text, `--json`, `--check`) and the metrics. The engine computes it from
//! facts (the connection, how the last run ended, a throttling wait now);
//! only a face that lost its engine says `offline`. The names are stable:
//! they are part of `status --json` and of monitoring.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::crm::ErrorClass;
use crate::store::runs::Outcome;

pub use crate::vocab::{Health, HealthReason};

impl Health {
    /// 0 ok, 1 degraded, 2 failing, 3 offline: the monitoring-plugin exit
    /// codes of `status --check`, and the `navsync_health` gauge.
    pub fn level(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Degraded => 1,
            Self::Failing => 2,
            Self::Offline => 3,
        }
    }
}

/// How the last finished run (not a dry run) ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    pub run_id: i64,
    pub outcome: Outcome,
    /// The class of its error, if it failed.
    pub class: Option<ErrorClass>,
    /// Every read finished: a failure came from the writes alone.
    pub reads_done: bool,
    /// When the run ended.
    pub finished_at: Option<DateTime<Utc>>,
}

/// The verdict and the fact that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub health: Health,
    pub reason: HealthReason,
}

impl Verdict {
    /// What a face says when its engine is gone.
    pub(crate) const OFFLINE: Verdict = Verdict {
        health: Health::Offline,
        reason: HealthReason::EngineUnreachable,
    };
}

/// The facts the verdict is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    pub connected: bool,
    pub last_run: Option<&'a LastRun>,
    /// When a throttling wait ends, if one is going on.
    pub throttled_until: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

pub fn verdict(f: &Facts<'_>) -> Verdict {
    let v = |health, reason| Verdict { health, reason };
    if !f.connected {
        return v(Health::Failing, HealthReason::NotConnected);
    }
    let throttled = f.throttled_until.is_some_and(|t| t > f.now);
    if f.last_run
        .is_some_and(|r| r.outcome == Outcome::Error && r.class == Some(ErrorClass::SignInNeeded))
    {
        return v(Health::Failing, HealthReason::SignInNeeded);
    }
    match f.last_run.map(|r| (r.outcome, r.reads_done)) {
        Some((Outcome::Error, false)) => v(Health::Failing, HealthReason::RunFailed),
        Some((Outcome::Error, true)) => v(Health::Degraded, HealthReason::WritesHeld),
        Some((Outcome::Cancelled, _)) => v(Health::Degraded, HealthReason::RunCancelled),
        _ if throttled => v(Health::Degraded, HealthReason::Throttled),
        None => v(Health::Ok, HealthReason::NeverSynced),
        Some((Outcome::Ok | Outcome::Running, _)) => v(Health::Ok, HealthReason::Synced),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(outcome: Outcome, reads_done: bool) -> LastRun {
        LastRun {
            run_id: 1,
            outcome,
            class: None,
            reads_done,
            finished_at: None,
        }
    }

    #[test]
    fn each_fact_gives_its_verdict() {
        let now = Utc::now();
        let facts = |connected, last_run, throttled: bool| Facts {
            connected,
            last_run,
            throttled_until: throttled.then(|| now + chrono::Duration::seconds(20)),
            now,
        };
        let failed = run(Outcome::Error, false);
        let refused = run(Outcome::Error, true);
        let ok = run(Outcome::Ok, true);
        let cancelled = run(Outcome::Cancelled, false);
        // Refused at the writes or before: either way nothing syncs.
        let signed_out = |reads_done| LastRun {
            class: Some(ErrorClass::SignInNeeded),
            ..run(Outcome::Error, reads_done)
        };
        let (signed_out_early, signed_out_late) = (signed_out(false), signed_out(true));
        for (f, health, reason) in [
            (
                facts(false, Some(&ok), false),
                Health::Failing,
                HealthReason::NotConnected,
            ),
            (
                facts(true, Some(&failed), true),
                Health::Failing,
                HealthReason::RunFailed,
            ),
            (
                facts(true, Some(&signed_out_early), false),
                Health::Failing,
                HealthReason::SignInNeeded,
            ),
            (
                facts(true, Some(&signed_out_late), true),
                Health::Failing,
                HealthReason::SignInNeeded,
            ),
            (
                facts(true, Some(&refused), false),
                Health::Degraded,
                HealthReason::WritesHeld,
            ),
            (
                facts(true, Some(&cancelled), false),
                Health::Degraded,
                HealthReason::RunCancelled,
            ),
            (
                facts(true, Some(&ok), true),
                Health::Degraded,
                HealthReason::Throttled,
            ),
            (
                facts(true, Some(&ok), false),
                Health::Ok,
                HealthReason::Synced,
            ),
            (
                facts(true, None, false),
                Health::Ok,
                HealthReason::NeverSynced,
            ),
        ] {
            assert_eq!(verdict(&f), Verdict { health, reason }, "{f:?}");
        }
    }

    #[test]
    fn names_are_the_documented_words() {
        let words: Vec<_> = [
            Health::Ok,
            Health::Degraded,
            Health::Failing,
            Health::Offline,
        ]
        .iter()
        .map(|h| (h.as_str(), h.level(), serde_json::to_value(h).unwrap()))
        .collect();
        for (key, level, json) in words {
            assert_eq!(json, key);
            assert_eq!(
                ["ok", "degraded", "failing", "offline"][level as usize],
                key
            );
        }
    }
}
