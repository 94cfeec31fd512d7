//! What a user can ask of the engine. Every variant is answered by events
//! (progress, `ActionResult`, `DataChanged`, `Error`), never by a return
//! value, so the console never waits on one. Serde gives them the wire
//! form the service socket speaks (`crate::service::protocol`).

use serde::{Deserialize, Serialize};

use crate::config::ActivityKind;
use crate::store::seats::{Edition, Licence};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Sign in (method from config) and run the prerequisite checks.
    Connect,
    /// Re-run the prerequisite checks on the stored connection.
    Recheck,
    /// Stop syncing; with `purge`, remove every row imported from the CRM.
    Disconnect { purge: bool },
    /// Start a sync run now (ignored with a notice if one is running).
    SyncNow { dry_run: bool },
    /// Cancel the running sync; the store stays consistent.
    Cancel,
    /// Pause (true) or resume (false) the schedule: while paused no
    /// scheduled run (nor a try after a failure) starts; asked-for runs
    /// still do. Answered by the status (`schedule_paused`).
    PauseSchedule { paused: bool },
    /// Change an admin setting; applies from the next sync.
    SetSetting(SettingChange),
    /// Take back the console's change of a setting: config.toml's value
    /// (or the default) applies again from the next sync.
    ResetSetting(SettingKey),
    /// Switch CRM sync for these seats, in one transaction.
    SetSeatSync { seat_ids: Vec<i64>, enabled: bool },
    /// Take the CRM user off these seats and switch their sync off; the
    /// seats and their activities stay. Answered by `SeatsUnassigned`.
    UnassignSeats { seat_ids: Vec<i64> },
    /// Create seats for CRM users; users already holding a seat are skipped.
    AssignSeats {
        crm_user_ids: Vec<String>,
        licence: Licence,
        edition: Edition,
    },
    /// Link an unresolved activity to a candidate contact and close it.
    ResolveWithContact {
        activity_id: i64,
        contactid: String,
        how: ResolveHow,
        /// Who resolves it (the face's OS user), kept with the entry.
        #[serde(default)]
        by: Option<String>,
    },
    /// Search CRM contacts for the unresolved queue; answered by `SearchResults`.
    SearchContacts { request_id: u64, query: String },
    /// Create the contact in the CRM, then link and close the activity.
    CreateContactAndResolve {
        activity_id: i64,
        contact: NewContact,
        #[serde(default)]
        by: Option<String>,
    },
    /// Skip (or bring back) an unresolved activity.
    SkipUnresolved { activity_id: i64, skip: bool },
    /// One batch of an activity file's records, read by whoever named the
    /// file (so the engine never opens, or waits on, a file of someone
    /// else's); answered by `Event::ImportBatch` with the same `import`.
    ImportRecords {
        import: uuid::Uuid,
        records: Vec<crate::engine::usecases::import::Record>,
    },
    /// Finish what is in flight and stop.
    Shutdown,
}

pub use crate::vocab::ResolveHow;

/// A contact to create from the member's profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewContact {
    pub firstname: String,
    pub lastname: String,
    pub email: Option<String>,
    pub jobtitle: Option<String>,
    /// Link to this account when the member's company matched one.
    pub parentaccountid: Option<String>,
    /// The company as typed in the form: without `parentaccountid`, the
    /// engine links the account of this name when exactly one matches.
    pub company: Option<String>,
}

/// An admin setting, by name (what `ResetSetting` takes back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingKey {
    AutoSyncAllSeats,
    PipelineStage,
    WonValueField,
    WritebackEnabled,
    WritebackKinds,
    SyncInterval,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingChange {
    AutoSyncAllSeats(bool),
    /// `None` = "Not sure" (all open opportunities).
    PipelineStage(Option<i64>),
    /// `None` = "Not sure".
    WonValueField(Option<String>),
    WritebackEnabled(bool),
    WritebackKinds(Vec<ActivityKind>),
    SyncInterval(std::time::Duration),
}
