//! The CRM writes writeback and the unresolved queue need, and how a
//! write can fail as they must tell the cases apart (exactly-once hangs on
//! "already exists" being recognised).

use futures::future::BoxFuture;
use uuid::Uuid;

use crate::crm::writes::{NewRecord, TaskStep};
use crate::engine::interface::event::{ContactHit, ErrorClass};

/// One record to create, with its client-generated id, and whom it is
/// written as.
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    pub record: NewRecord,
    /// The user (systemuser) to act for (`MSCRMCallerID`), when writing on
    /// behalf of the seat holder.
    pub on_behalf_of: Option<Uuid>,
}

/// How one CRM write went wrong, as writeback needs to tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// A record with this id exists (a re-send after a crash): done.
    #[error("a record with this id already exists")]
    AlreadyExists,
    /// Impersonation refused (e.g. no prvActOnBehalfOfAnotherUser).
    #[error("acting on behalf of the seat holder was refused: {0}")]
    OnBehalfRefused(String),
    /// The CRM refused this write; sending it again will not help.
    #[error("the CRM refused the write: {detail}")]
    Refused {
        class: ErrorClass,
        /// The CRM's own error code (`0x80040220`), when it said one.
        code: Option<String>,
        detail: String,
    },
    /// Network, outage or throttling beyond the client's retries; `class`
    /// tells a transport failure (connection) from a busy or failing CRM.
    #[error("{}: {detail}", unavailable_headline(*.class))]
    Unavailable { class: ErrorClass, detail: String },
}

/// The CRM writes writeback and the unresolved queue need; the crm client
/// implements it.
pub trait CrmWrites: Send + Sync {
    /// All creates in one `$batch` change set: all or none.
    fn create_all<'a>(&'a self, creates: &'a [Create]) -> BoxFuture<'a, Result<(), WriteError>>;
    /// Each create on its own (one `$batch`, continue-on-error); one answer
    /// per create, in order.
    fn create_each<'a>(
        &'a self,
        creates: &'a [Create],
    ) -> BoxFuture<'a, Result<Vec<Result<(), WriteError>>, WriteError>>;
    /// Changes one task (`If-Match: *`: never creates it): the steps'
    /// PATCHes in one change set, in order, all or none.
    fn update_task<'a>(
        &'a self,
        task: Uuid,
        steps: &'a [TaskStep],
    ) -> BoxFuture<'a, Result<(), WriteError>>;
    /// The `MaxLength` (characters) of a task's description, `None` when
    /// unknown.
    fn description_limit(&self) -> BoxFuture<'_, Result<Option<usize>, WriteError>>;
    /// A task's description as the CRM holds it now.
    fn description_of(&self, task: Uuid) -> BoxFuture<'_, Result<Option<String>, WriteError>>;
    /// Contacts whose name or e-mail contains `query` (escaped by the client).
    fn search_contacts<'a>(
        &'a self,
        query: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ContactHit>, WriteError>>;
}

impl WriteError {
    /// The error class the run reports when this stops or refuses writes.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Refused { class, .. } | Self::Unavailable { class, .. } => *class,
            Self::AlreadyExists | Self::OnBehalfRefused(_) => ErrorClass::CrmApi,
        }
    }

    /// The CRM's own code of a refusal (`0x80040220`), when it said one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Refused { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// A transport failure is "could not be reached"; a CRM that answers but
/// does not take the writes (5xx, 429 beyond the retries) is not.
fn unavailable_headline(class: ErrorClass) -> &'static str {
    match class {
        ErrorClass::Connection => "the CRM could not be reached",
        _ => "the CRM did not take the writes now",
    }
}
