//! Headless subcommands, one module each; `cli` parses and dispatches here.

pub mod activities;
pub mod connect;
pub mod demo;
pub mod disconnect;
pub mod seats;
pub mod serve;
pub mod status;
pub mod sync;

use crate::cli::ExitStatus;
use crate::service::host::HostError;

/// The exit code when the data dir's engine can be neither reached nor
/// started: 8 only when another engine holds it.
pub fn host_exit(e: &HostError) -> ExitStatus {
    if e.is_busy() {
        ExitStatus::Busy
    } else {
        ExitStatus::Failure
    }
}
