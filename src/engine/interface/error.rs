//! Failures of the engine itself (not of the CRM, which become
//! [`UserError`](crate::engine::UserError)s).

use crate::engine::interface::event::{ErrorClass, Problem, UserError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the store writer has stopped; restart navsync")]
    WriterGone,
    #[error("cannot start the store writer thread: {0}")]
    Thread(std::io::Error),
    #[error("cannot copy the store for a dry run: {0}")]
    Snapshot(std::io::Error),
    #[error("a sync run stopped unexpectedly: {0}")]
    RunPanicked(String),
}

impl From<rusqlite::Error> for EngineError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

/// An engine failure as the user sees it: no CRM class, the log has more.
pub(crate) fn internal_error(e: &EngineError) -> UserError {
    UserError::new(ErrorClass::Other, Problem::Internal, e.to_string())
}
