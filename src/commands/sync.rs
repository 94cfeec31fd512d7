//! `navsync sync --once [--dry-run]`: one sync cycle with no console, for
//! cron and systemd. It asks the data dir's engine for a run (the running
//! service, or one started in this process when there is none), follows
//! that run's progress and exits with its outcome: a progress line on
//! stderr only when stderr is a terminal (logs stay clean), the summary on
//! stdout, a code per error class. Ctrl-C and SIGTERM cancel the run it
//! asked for.

use std::io::{IsTerminal, Write};
use std::path::Path;

use tokio::sync::broadcast::error::RecvError;

use crate::cli::{ExitStatus, SyncArgs};
use crate::config::Config;
use crate::engine::run::dry_run::Snapshot;
use crate::engine::{Command, Engine, EngineHandle, ErrorClass, Event, Options};
use crate::lock::LockError;
use crate::service::client::{self, AttachError, Reconnect};
use crate::service::host;
use crate::store::runs::{Outcome, RunMode};

pub fn run(args: &SyncArgs, config: Config, data_dir: &Path) -> ExitStatus {
    if !args.dry_run {
        return super::with_engine(config, data_dir, async |h, attached| {
            follow(h, false, attached).await
        });
    }
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(dry_run(config, data_dir))
}

/// A dry run goes to the service when one runs (it copies its own store);
/// otherwise an engine here works on a copy and never opens the store.
async fn dry_run(config: Config, data_dir: &Path) -> ExitStatus {
    let mut tries = 0;
    // The store is copied holding the data-dir lock, so no engine can
    // start writing it halfway through; it is let go once the copy is
    // taken. An engine that is starting gets a moment to listen, as in
    // `attach_or_start`.
    let snapshot = loop {
        match client::attach(&crate::service::socket_file(data_dir), Reconnect::Never).await {
            Ok(mut h) => {
                let exit = follow(&mut h, true, true).await;
                h.shutdown().await;
                return exit;
            }
            Err(AttachError::NoEngine(_)) => {}
            Err(e) => {
                eprintln!("navsync: {e}");
                return ExitStatus::Failure;
            }
        }
        let lock = match host::take_data_dir(data_dir) {
            Ok(lock) => lock,
            Err(LockError::Busy { .. }) if tries < host::BUSY_TRIES => {
                tries += 1;
                tokio::time::sleep(host::BUSY_RETRY).await;
                continue;
            }
            Err(e) => {
                eprintln!("navsync: {e}");
                return match e {
                    LockError::Busy { .. } => ExitStatus::Busy,
                    LockError::Io { .. } => ExitStatus::Failure,
                };
            }
        };
        let taken = Snapshot::take(&crate::paths::store_file(data_dir), data_dir);
        drop(lock);
        match taken {
            Ok(s) => break s,
            Err(e) => {
                eprintln!(
                    "navsync: {}",
                    crate::t!("cli-dry-run-copy-failed", error = e.to_string())
                );
                return ExitStatus::Failure;
            }
        }
    };
    let options = Options {
        data_dir: data_dir.to_path_buf(),
        scheduled: false,
    };
    let mut h = match Engine::start_with(config, snapshot.path(), options) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    let exit = follow(&mut h, true, false).await;
    h.shutdown().await;
    exit
}

/// Asks for a run (or joins the one already going, which satisfies a
/// real `sync --once` as well) and reports it to its end.
pub(super) async fn follow(h: &mut EngineHandle, dry_run: bool, attached: bool) -> ExitStatus {
    let status = h.status.borrow().clone();
    if !status.connected {
        eprintln!("navsync: {}", crate::t!("cli-not-connected"));
        return ExitStatus::NotConnected;
    }
    let mut ours = None;
    let mut asked = false;
    match status.running {
        Some(r) if !dry_run => {
            eprintln!(
                "navsync: {}",
                crate::t!("cli-following-run", run = r.run_id.to_string())
            );
            ours = Some(r.run_id);
        }
        Some(r) => {
            eprintln!(
                "navsync: {}",
                crate::t!("cli-dry-run-wait", run = r.run_id.to_string())
            );
            return ExitStatus::Failure;
        }
        None => {
            let _ = h.commands.send(Command::SyncNow { dry_run });
            asked = true;
        }
    }
    let progress = std::io::stderr().is_terminal();
    let mut error_class = None;
    // SIGTERM (`kill`, a cron job's timeout) stops like Ctrl-C, so a
    // dry run's copy of the store is removed on that way out too.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    loop {
        let event = tokio::select! {
            ev = h.events.recv() => ev,
            _ = stop_asked(&mut term) => {
                if asked {
                    let _ = h.commands.send(Command::Cancel);
                    continue;
                }
                // Someone else's run: stop watching, leave it running.
                clear_line(progress);
                eprintln!("navsync: {}", crate::t!("cli-stopped-following"));
                return ExitStatus::Failure;
            }
        };
        match event {
            Ok(Event::RunStarted { run_id, mode })
                if ours.is_none() && (mode == RunMode::DryRun) == dry_run =>
            {
                ours = Some(run_id);
            }
            Ok(Event::Progress {
                run_id,
                phase,
                done,
                rows_per_sec,
                ..
            }) if progress && ours == Some(run_id) => {
                eprint!(
                    "\r\x1b[K{}: {}",
                    crate::i18n::stored_word("phase", phase.label()),
                    crate::t!("cli-progress", rows = done, rate = rows_per_sec.round())
                );
                let _ = std::io::stderr().flush();
            }
            Ok(Event::DeltaRejected { table, run_id }) if ours == Some(run_id) => {
                clear_line(progress);
                eprintln!(
                    "navsync: {}",
                    crate::t!("log-delta-rejected", table = table)
                );
            }
            Ok(Event::Retry {
                attempt,
                reason,
                wait,
            }) if ours.is_some() => {
                clear_line(progress);
                eprintln!(
                    "navsync: {}",
                    crate::t!(
                        "cli-retry",
                        attempt = attempt,
                        wait = format!("{wait:?}"),
                        reason = reason
                    )
                );
            }
            Ok(Event::Throttled { retry_after }) if ours.is_some() => {
                clear_line(progress);
                eprintln!(
                    "navsync: {}",
                    crate::t!("cli-throttled", wait = format!("{retry_after:?}"))
                );
            }
            Ok(Event::ActionResult { ok: false, message }) if ours.is_none() && dry_run => {
                // The dry run was refused (a run started meanwhile).
                eprintln!("navsync: {message}");
                return ExitStatus::Failure;
            }
            Ok(Event::Error(e)) => {
                clear_line(progress);
                eprintln!(
                    "navsync: {}\n  {}\n  {}",
                    e.message,
                    e.detail,
                    crate::t!("conn-next-step", next = e.next_step.clone())
                );
                error_class = Some(e.class);
                if ours.is_none() {
                    // Nothing ran (no CRM to read): stop here.
                    return exit_for(e.class, false);
                }
            }
            Ok(Event::RunFinished {
                run_id,
                outcome,
                summary,
            }) if ours == Some(run_id) => {
                clear_line(progress);
                println!("{summary}");
                return match outcome {
                    Outcome::Ok => ExitStatus::Ok,
                    _ => error_class.map_or(ExitStatus::Failure, |c| exit_for(c, true)),
                };
            }
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => {
                clear_line(progress);
                if attached {
                    eprintln!("navsync: {}", crate::t!("cli-service-stopped"));
                }
                return ExitStatus::Failure;
            }
        }
    }
}

/// Ctrl-C, or SIGTERM when its handler could be set up.
async fn stop_asked(term: &mut Option<tokio::signal::unix::Signal>) {
    let sigterm = async {
        match term {
            Some(t) => {
                t.recv().await;
            }
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = sigterm => {}
    }
}

fn clear_line(progress: bool) {
    if progress {
        eprint!("\r\x1b[K");
    }
}

/// Exit codes per error class (README): no CRM to read before any run
/// started means not connected.
pub(super) fn exit_for(class: ErrorClass, started: bool) -> ExitStatus {
    if class == ErrorClass::Connection && !started {
        return ExitStatus::NotConnected;
    }
    ExitStatus::from(class)
}
