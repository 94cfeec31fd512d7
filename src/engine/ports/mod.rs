//! What the engine needs from the CRM, as traits, so a run and the
//! writeback are written against these and not against the HTTP client:
//! [`CrmSource`] for the pull, [`CrmWrites`] for sending. The crm client
//! implements both here; tests and the dry run bring their own.

mod client_config;
pub(crate) mod client_source;
mod client_writes;
mod source;
mod writes;

pub use client_config::client_config;
pub use source::{CrmSource, Page, ReadError, TableReader};
pub use writes::{Create, CrmWrites, WriteError};
