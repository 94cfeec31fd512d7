//! `navsync sync --once [--dry-run]`: one sync cycle with no console, for
//! cron and systemd. It drives the same engine as the console through
//! Commands and Events, prints a progress line on stderr only when stderr
//! is a terminal (logs stay clean), prints the summary on stdout and exits
//! with a code per error class.

use std::io::{IsTerminal, Write};
use std::path::Path;

use tokio::sync::broadcast::error::RecvError;

use crate::cli::{ExitStatus, SyncArgs};
use crate::config::Config;
use crate::engine::dry_run::Snapshot;
use crate::engine::{Command, Engine, ErrorClass, Event, Options};
use crate::store::runs::Outcome;

pub fn run(args: &SyncArgs, config: Config, data_dir: &Path) -> ExitStatus {
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(once(args.dry_run, config, data_dir))
}

async fn once(dry_run: bool, config: Config, data_dir: &Path) -> ExitStatus {
    let store_path = crate::paths::store_file(data_dir);
    // A dry run never opens the real store: the engine works on a copy.
    let snapshot = if dry_run {
        match Snapshot::take(&store_path) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("navsync: cannot copy the store for a dry run: {e}");
                return ExitStatus::Failure;
            }
        }
    } else {
        None
    };
    let engine_path = snapshot.as_ref().map_or(store_path.as_path(), |s| s.path());
    let options = Options {
        data_dir: data_dir.to_path_buf(),
        scheduled: false,
    };
    let mut h = match Engine::start_with(config, engine_path, options) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    if !h.status.borrow().connected {
        eprintln!("navsync: not connected to Microsoft Dynamics. Run `navsync connect` first.");
        let _ = h.commands.send(Command::Shutdown);
        return ExitStatus::NotConnected;
    }
    let _ = h.commands.send(Command::SyncNow { dry_run });
    let progress = std::io::stderr().is_terminal();
    let mut started = false;
    let mut exit = ExitStatus::Failure;
    let mut error_class = None;
    loop {
        let event = tokio::select! {
            ev = h.events.recv() => ev,
            _ = tokio::signal::ctrl_c() => {
                let _ = h.commands.send(Command::Cancel);
                continue;
            }
        };
        match event {
            Ok(Event::RunStarted { .. }) => started = true,
            Ok(Event::Progress {
                phase,
                done,
                rows_per_sec,
                ..
            }) if progress => {
                eprint!(
                    "\r\x1b[K{}: {done} rows ({rows_per_sec:.0}/s)",
                    phase.label()
                );
                let _ = std::io::stderr().flush();
            }
            Ok(Event::DeltaRejected { table, .. }) => {
                clear_line(progress);
                eprintln!(
                    "navsync: the change-tracking token for {table} expired; reading it in full once"
                );
            }
            Ok(Event::Retry {
                attempt,
                reason,
                wait,
            }) => {
                clear_line(progress);
                eprintln!("navsync: retry {attempt} in {wait:?}: {reason}");
            }
            Ok(Event::Throttled { retry_after }) => {
                clear_line(progress);
                eprintln!("navsync: the CRM asked to wait {retry_after:?} (throttled)");
            }
            Ok(Event::Error(e)) => {
                clear_line(progress);
                eprintln!(
                    "navsync: {}\n  {}\n  Next step: {}",
                    e.message, e.detail, e.next_step
                );
                error_class = Some(e.class);
                if !started {
                    // Nothing ran (no CRM to read): stop here.
                    exit = exit_for(e.class, started);
                    break;
                }
            }
            Ok(Event::RunFinished {
                outcome, summary, ..
            }) => {
                clear_line(progress);
                println!("{summary}");
                exit = match outcome {
                    Outcome::Ok => ExitStatus::Ok,
                    _ => error_class.map_or(ExitStatus::Failure, |c| exit_for(c, started)),
                };
                break;
            }
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => break,
        }
    }
    let _ = h.commands.send(Command::Shutdown);
    // Wait for the engine to close its run and the store.
    while !matches!(h.events.recv().await, Err(RecvError::Closed)) {}
    exit
}

fn clear_line(progress: bool) {
    if progress {
        eprint!("\r\x1b[K");
    }
}

/// Exit codes per error class (README): no CRM to read before any run
/// started means not connected.
fn exit_for(class: ErrorClass, started: bool) -> ExitStatus {
    match class {
        ErrorClass::Connection if !started => ExitStatus::NotConnected,
        ErrorClass::Connection => ExitStatus::ConnectionError,
        ErrorClass::CrmApi => ExitStatus::CrmApiError,
        ErrorClass::InsufficientPrivileges => ExitStatus::InsufficientPrivileges,
        ErrorClass::ObjectsUnreadable => ExitStatus::ObjectsUnreadable,
        ErrorClass::Other => ExitStatus::Failure,
    }
}
