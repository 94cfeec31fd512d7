//! The CRM writes writeback and the unresolved queue need, and how a
//! write can fail as they must tell the cases apart (exactly-once hangs on
//! "already exists" being recognised).

use futures::future::BoxFuture;
use serde_json::Value;

use crate::engine::interface::event::{ContactHit, ErrorClass};

/// One record to create with its client-generated id.
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    pub entity_set: String,
    pub id: String,
    pub body: Value,
    /// systemuserid to act for (`MSCRMCallerID`), when writing on behalf of
    /// the seat holder.
    pub on_behalf_of: Option<String>,
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
    /// PATCH an existing record (`If-Match: *`).
    fn update<'a>(
        &'a self,
        entity_set: &'a str,
        id: &'a str,
        body: &'a Value,
    ) -> BoxFuture<'a, Result<(), WriteError>>;
    /// PATCHes of one record in one change set, in order: all or none.
    fn update_steps<'a>(
        &'a self,
        entity_set: &'a str,
        id: &'a str,
        steps: &'a [Value],
    ) -> BoxFuture<'a, Result<(), WriteError>>;
    /// A text column's `MaxLength` (characters), `None` when unknown.
    fn text_limit<'a>(
        &'a self,
        entity_set: &'a str,
        column: &'a str,
    ) -> BoxFuture<'a, Result<Option<usize>, WriteError>>;
    /// A text column of one record as the CRM holds it now.
    fn text_of<'a>(
        &'a self,
        entity_set: &'a str,
        id: &'a str,
        column: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, WriteError>>;
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
