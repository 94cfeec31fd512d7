//! An error as a user sees it, as data: which problem (the seed's
//! message and next step, said by the faces), its class, and the detail
//! behind it. Never carries a secret or token.

use serde::{Deserialize, Serialize};

use crate::crm::{CrmError, CrmProblem};
use crate::vocab::check::CheckFacts;
use crate::vocab::{CheckId, ErrorClass};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserError {
    pub class: ErrorClass,
    pub problem: Problem,
    /// What went wrong underneath, as the CRM or the system said it (not
    /// translated; empty when the problem says it all).
    pub detail: String,
}

/// What went wrong, for the faces to say with what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    Crm(CrmProblem),
    /// The engine itself failed (the log has more).
    Internal,
    /// A run or CRM action with no CRM connection.
    NotConnected,
    /// The CRM is not one navsync supports: the check that said so.
    Unsupported {
        check: CheckId,
        facts: CheckFacts,
    },
    /// Sending stopped; the activities wait in the outbox.
    WritebackPaused,
    /// The CRM refused this many of the run's writes.
    WritesRefused {
        count: u64,
    },
    /// An attached face lost its engine.
    EngineGone,
}

impl UserError {
    pub fn new(class: ErrorClass, problem: Problem, detail: impl Into<String>) -> Self {
        Self {
            class,
            problem,
            detail: detail.into(),
        }
    }
}

/// A CRM error as the user sees it: the client's own problem and detail,
/// sorted into the engine's error classes.
pub fn user_error(e: &CrmError) -> UserError {
    UserError::new(e.class(), Problem::Crm(e.problem()), e.detail())
}
