//! What a finished run did, as data: `RunFinished` carries it, and each
//! face puts it in its reader's language (a console attached to a service
//! started under another locale still reads its own).

use serde::{Deserialize, Serialize};

use crate::vocab::Outcome;

/// The one-line summary of a run, before it is put in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    pub dry_run: bool,
    pub accounts_added: u64,
    pub leads_added: u64,
    pub accounts_removed: u64,
    pub leads_removed: u64,
    /// CRM rows read.
    pub rows: u64,
    pub requests: u64,
    /// Entity sets read in full because their change token had expired.
    pub reread: Vec<String>,
    pub writeback: Option<WritebackSummary>,
    /// How the run ended (cancelled and failed runs say so).
    pub outcome: Outcome,
}

/// The writeback part of a run's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "writeback", rename_all = "snake_case")]
pub enum WritebackSummary {
    /// Switched off in the settings.
    Off,
    /// This CRM connection cannot write.
    Unavailable,
    /// A dry run: what would be written, `open` of them as open tasks.
    WouldWrite { count: u64, open: u64 },
    Wrote {
        count: u64,
        open: u64,
        /// Refused by the CRM.
        refused: u64,
        /// Written as the integration user (acting on behalf refused).
        as_integration: u64,
        /// Why sending stopped (the rest wait in the outbox): the CRM's
        /// code and message.
        paused: Option<String>,
    },
}
