//! What the engine tells its faces. Events are small; the console reads the
//! data they announce from its own read-only store connection.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::interface::health::{self, LastRun, Verdict};
use crate::engine::interface::note::{Note, Reply};
use crate::engine::interface::summary::RunSummary;
use crate::store::runs::{Outcome, RunMode};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The status snapshot changed (also published on the watch channel).
    StatusChanged,
    RunStarted {
        run_id: i64,
        mode: RunMode,
    },
    PhaseStarted {
        run_id: i64,
        phase: Phase,
        total: Option<u64>,
    },
    Progress {
        run_id: i64,
        phase: Phase,
        done: u64,
        total: Option<u64>,
        rows_per_sec: f64,
    },
    PhaseFinished {
        run_id: i64,
        phase: Phase,
        rows: u64,
    },
    /// The CRM refused `count` of this run's writes (they stay out of the
    /// CRM): the writeback phase ends ✘ with the count and the CRM's own
    /// code of the first refusal (`0x80040220`), when it said one.
    WritesRefused {
        run_id: i64,
        count: u64,
        code: Option<String>,
    },
    RunFinished {
        run_id: i64,
        outcome: Outcome,
        /// What the run did; the faces make it one line ("imported 120
        /// accounts, 430 leads; wrote 12 activities").
        summary: RunSummary,
    },
    /// A table's change-tracking token was rejected (expired), so this run
    /// reads that table in full once (and the run's mode becomes full).
    DeltaRejected {
        run_id: i64,
        /// Entity set name, e.g. "opportunities".
        table: String,
    },
    /// A request is retried after a transient failure.
    Retry {
        attempt: u32,
        reason: String,
        wait: Duration,
    },
    /// The CRM answered 429; the engine waits exactly `retry_after`.
    Throttled {
        retry_after: Duration,
    },
    /// The run's requests wait while Microsoft Entra ID renews the
    /// sign-in (the live status has since when).
    RenewingSignIn,
    /// Device-code sign-in: show this to the admin.
    DeviceCode {
        user_code: String,
        verification_uri: String,
        message: String,
        expires_in: Duration,
    },
    /// A user-facing error with its next step.
    Error(UserError),
    /// The rows behind a view changed; the console reloads just that view.
    DataChanged(View),
    /// Answer to `Command::SearchContacts`.
    SearchResults {
        request_id: u64,
        contacts: Vec<ContactHit>,
    },
    /// The outcome of a user action (seat change, resolve, setting...).
    ActionResult {
        ok: bool,
        reply: Reply,
    },
    /// Answer to `Command::UnassignSeats`: how many seats it changed.
    SeatsUnassigned {
        seats: usize,
    },
    /// Answer to `Command::ImportRecords`: what the batch gave, or `None`
    /// when the store refused it (an `Error` says why).
    ImportBatch {
        import: uuid::Uuid,
        report: Option<crate::engine::usecases::import::BatchReport>,
    },
    /// A log line worth showing in the console's Log tab.
    Log {
        #[serde(with = "level")]
        level: tracing::Level,
        note: Note,
    },
}

pub use crate::vocab::Phase;

/// Which console view a `DataChanged` concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Connection,
    Sync,
    Seats,
    Unresolved,
    Settings,
}

impl View {
    /// Every view: what a face reloads when it may have missed events.
    pub const ALL: [View; 5] = [
        Self::Connection,
        Self::Sync,
        Self::Seats,
        Self::Unresolved,
        Self::Settings,
    ];
}

/// The error classes, one vocabulary from the client to the console.
pub use crate::crm::ErrorClass;

pub use super::user_error::{Problem, UserError};

/// A CRM contact found by a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactHit {
    pub contactid: String,
    pub fullname: String,
    pub email: Option<String>,
    /// The parent account's name (from the CRM copy).
    pub company: Option<String>,
    pub jobtitle: Option<String>,
    /// The parent account, which `company` is looked up from.
    pub accountid: Option<String>,
}

/// The engine's latest state, published on a watch channel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Status {
    pub connected: bool,
    pub instance_url: Option<String>,
    pub crm_user: Option<String>,
    pub org_version: Option<String>,
    /// End of the last successful run.
    pub last_sync: Option<DateTime<Utc>>,
    /// When the next scheduled run is due.
    pub next_sync: Option<DateTime<Utc>>,
    /// The next run is a try after a failed one (sooner than the interval).
    #[serde(default)]
    pub next_after_failure: bool,
    /// The schedule is paused: no run starts unless asked for.
    #[serde(default)]
    pub schedule_paused: bool,
    pub running: Option<RunProgress>,
    pub last_error: Option<UserError>,
    /// What the CRM last said is left of its service-protection budget
    /// (requests and execution time in the 5-minute window).
    #[serde(default)]
    pub api_budget: Option<crate::crm::ApiBudget>,
    /// How the last real run ended: the main fact of the health verdict.
    #[serde(default)]
    pub last_run: Option<LastRun>,
    /// Set by an attached face's link when the engine went away (the
    /// engine itself never sends it): the verdict is then `offline`.
    #[serde(default)]
    pub engine_lost: bool,
}

impl Status {
    /// The engine's health verdict from this snapshot's facts.
    pub fn health(&self, now: DateTime<Utc>) -> Verdict {
        if self.engine_lost {
            return Verdict::OFFLINE;
        }
        let throttled_until = self.running.as_ref().and_then(|r| r.throttled_until);
        health::verdict(&health::Facts {
            connected: self.connected,
            last_run: self.last_run.as_ref(),
            throttled_until,
            now,
        })
    }
}

/// The live run, for the header spinner and the Sync tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunProgress {
    pub run_id: i64,
    pub mode: RunMode,
    pub phase: Phase,
    pub done: u64,
    pub total: Option<u64>,
    pub requests: u64,
    pub retries: u64,
    /// 429 answers waited out (the history row's "429").
    #[serde(default)]
    pub throttled: u64,
    /// When a 429 wait ends (the console counts down to it).
    pub throttled_until: Option<DateTime<Utc>>,
    /// When the back-off before the next retry ends, and why the request
    /// is retried; cleared when a page comes through.
    pub retry_until: Option<DateTime<Utc>>,
    pub retry_reason: Option<String>,
    /// Since when the requests wait for a new access token; cleared when
    /// the renewal ends.
    #[serde(default)]
    pub renewing_since: Option<DateTime<Utc>>,
}

impl RunProgress {
    /// A run that has just started: nothing done, nothing waited.
    pub(crate) fn starting(run_id: i64, mode: RunMode) -> Self {
        Self {
            run_id,
            mode,
            phase: Phase::Users,
            done: 0,
            total: None,
            requests: 0,
            retries: 0,
            throttled: 0,
            throttled_until: None,
            retry_until: None,
            retry_reason: None,
            renewing_since: None,
        }
    }
}

/// `tracing::Level` on the wire as its lower-case name ("info", "warn").
mod level {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(crate) fn serialize<S: Serializer>(l: &tracing::Level, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&l.as_str().to_ascii_lowercase())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<tracing::Level, D::Error> {
        let name = String::deserialize(d)?;
        name.parse()
            .map_err(|_| D::Error::custom(format!("unknown log level {name:?}")))
    }
}
