//! The tokio runtime that long-running subcommands (`sync`, the console)
//! drive the engine on.
//!
//! One builder so both entry points get the same two worker threads and the
//! same message when the OS refuses to start the threads.

use tokio::runtime::Runtime;

use crate::exit::ExitStatus;

/// Builds the runtime, or tells the user why it could not be built and
/// returns the exit status the caller should end with.
pub fn build() -> Result<Runtime, ExitStatus> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("navsync: cannot start the async runtime: {e}");
            ExitStatus::Failure
        })
}
