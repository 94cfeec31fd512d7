//! What the engine tells its faces in words-to-be: log lines (`Note`), the
//! answers to user actions (`Reply`) and why a workspace command was
//! refused (`Refusal`). Each carries its data; the faces say it in their
//! reader's language.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::crm::RefreshReason;
use crate::engine::usecases::import::ImportCounts;
use crate::vocab::check::Check;
use crate::vocab::{ActivityKind, UserKind};

/// A line for the Log tab (`Event::Log`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    /// A connection check's verdict, as it is reached.
    Check(Check),
    /// Whom navsync signed in as: a person gets the recommendation of an
    /// integration user, everyone who appears as creator and owner.
    SignedInAs {
        user: String,
        kind: UserKind,
    },
    TokenRenewed {
        reason: RefreshReason,
    },
    /// A table's change tracking could not be used; it is read in full.
    DeltaFallback {
        table: String,
        reason: String,
    },
    /// The sign-in server asked to poll less often.
    PollSlowed {
        secs: u64,
    },
    SeatCreated {
        id: i64,
        name: String,
    },
    SeatMatched {
        id: i64,
        name: String,
    },
    SeatAlready {
        id: i64,
        name: String,
    },
    /// A file of the activity inbox, where it went and what it gave (or
    /// why it was not imported).
    InboxFile {
        file: String,
        imported: Result<ImportCounts, String>,
    },
    /// A problem of the inbox itself, in English (as the log has it).
    InboxProblem {
        problem: String,
    },
    /// A face's own link to the engine (the attach client).
    Attached {
        pid: u32,
    },
}

/// The outcome of a user action (`Event::ActionResult`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    SyncAlreadyRunning,
    CancellingSync,
    CancellingConnect,
    NoSyncRunning,
    BusySyncing,
    BusyConnecting,
    ConnectCancelled,
    NotConnected,
    ChecksPassedAgain,
    /// Connected; whether the first sync started.
    Connected {
        syncing: bool,
    },
    Disconnected {
        /// Why the sign-in tokens could not be removed, if they could not.
        tokens_kept: Option<String>,
        /// What a purge removed.
        purged: Option<PurgeCounts>,
    },
    /// This CRM connection cannot write.
    CannotWrite,
    SearchFailed {
        error: String,
    },
    /// A setting now in force (changed or reset).
    SettingApplied(Applied),
    SeatSync {
        on: bool,
        count: usize,
        changed: usize,
    },
    Assigned {
        created: usize,
        linked: usize,
        already: usize,
        refused: Vec<Refusal>,
    },
    /// An unresolved activity linked to its contact (named from the CRM
    /// copy, else its id).
    Linked {
        member: String,
        kind: ActivityKind,
        contact: Option<String>,
        contactid: String,
    },
    Skipped,
    BackInQueue,
    Refused(Refusal),
    /// A face's own link to the engine came back.
    Reattached {
        pid: u32,
    },
    /// A face's command found no engine to send it to.
    EngineNotRunning,
}

/// A setting's value now in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "setting", rename_all = "snake_case")]
pub enum Applied {
    AutoSyncAllSeats {
        on: bool,
    },
    /// The pipeline-entry stage: its label from the CRM's choices, else its
    /// number; `None` is "Not sure".
    PipelineStage {
        stage: Option<Stage>,
    },
    WonValueField {
        field: Option<String>,
    },
    WritebackEnabled {
        on: bool,
    },
    WritebackKinds {
        kinds: Vec<ActivityKind>,
    },
    SyncInterval {
        every: Duration,
    },
}

/// A stage as the CRM names it, or its number when the choices are unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub value: i64,
    pub label: Option<String>,
}

/// Why a workspace command did nothing (or not all of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum Refusal {
    #[error("no seat {seat:?}")]
    UnknownSeat { seat: String },
    #[error("no CRM user {user:?} among the synced CRM users")]
    UnknownUser { user: String },
    #[error("CRM user {name} cannot hold a seat: {why}")]
    NotAssignable { name: String, why: Unassignable },
    #[error("activity {id} is not in the unresolved queue")]
    NotInQueue { id: i64 },
    #[error("the activity for {member} ({subject:?}) is still queued for the CRM")]
    NotWrittenYet { member: String, subject: String },
    #[error("the CRM did not take the change: {why}")]
    NotDone { why: String },
    #[error("the sync interval must be at least 5 minutes")]
    IntervalTooShort,
    #[error("choose at least one kind of activity to write back")]
    NoKinds,
    #[error("not connected to Microsoft Dynamics")]
    NotConnected,
    /// Something underneath failed (the store, the CRM): in English, as
    /// the log has it.
    #[error("{error}")]
    Failed { error: String },
}

crate::vocab::words! {
    /// Why a CRM user cannot hold a seat.
    pub enum Unassignable in "unassignable" {
        Disabled = "disabled",
        ApplicationUser = "application_user",
    }
}

/// What a disconnect removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PurgeCounts {
    pub systemusers: usize,
    pub accounts: usize,
    pub contacts: usize,
    pub opportunities: usize,
    pub saved_accounts: usize,
    pub saved_leads: usize,
}
