//! `navsync sync --once [--dry-run] [--json]`: one sync cycle with no
//! console, for cron and systemd. It asks the data dir's engine for a run
//! (the running service, or one started in this process when there is
//! none), follows that run's progress and exits with its outcome: a
//! progress line on stderr only when stderr is a terminal (logs stay
//! clean), the summary on stdout (with `--json`, one JSON object instead,
//! English and typed), a code per error class. Ctrl-C and SIGTERM cancel
//! the run it asked for.

use std::io::{IsTerminal, Write};
use std::path::Path;

use tokio::sync::broadcast::error::RecvError;

use crate::config::Config;
use crate::engine::run::dry_run::Snapshot;
use crate::engine::{Command, Engine, EngineHandle, ErrorClass, Event, Options, Phase};
use crate::exit::ExitStatus;
use crate::lock::LockError;
use crate::service::client::{self, AttachError, Reconnect};
use crate::service::host;
use crate::store::runs::{Outcome, RunMode};
use crate::ui::format;
use clap::Args;

pub fn run(args: &SyncArgs, config: Config, data_dir: &Path) -> ExitStatus {
    if args.pause || args.resume {
        return schedule(args.pause, data_dir);
    }
    let store = crate::paths::store_file(data_dir);
    if !args.dry_run {
        let report = Report::new(args.json, Some(&store));
        let followed = std::cell::Cell::new(false);
        let exit = super::with_engine(config, data_dir, async |h, attached| {
            followed.set(true);
            follow(h, false, attached, report).await
        });
        // No engine to ask (another holds the data dir, exit 8): scripts
        // still get their one object.
        if args.json && !followed.get() {
            println!("{}", summary_json(exit, &RunEnd::default(), false, None));
        }
        return exit;
    }
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(dry_run(config, data_dir, args.json))
}

/// How the end of a followed run is reported on stdout.
#[derive(Debug, Clone, Copy)]
pub(super) enum Report<'a> {
    /// The engine's one-line summary, in the reader's language.
    Text,
    /// One JSON object (schema 1), with the run's own row read from this
    /// store when it is known (a service's dry run keeps its copy).
    Json(Option<&'a Path>),
}

impl<'a> Report<'a> {
    fn new(json: bool, store: Option<&'a Path>) -> Self {
        if json { Self::Json(store) } else { Self::Text }
    }
}

/// How a followed run ended, for `--json`.
#[derive(Debug, Default)]
struct RunEnd {
    run: Option<(i64, Outcome)>,
    class: Option<ErrorClass>,
}

/// `sync --pause` / `--resume`: asks the engine running on the data dir
/// (the service or a console) and says what its schedule does now. With
/// no engine running there is no schedule to pause.
fn schedule(paused: bool, data_dir: &Path) -> ExitStatus {
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(async {
        let socket = crate::service::socket_file(data_dir);
        let mut h = match client::attach(&socket, Reconnect::Never).await {
            Ok(h) => h,
            Err(AttachError::NoEngine(_)) => {
                eprintln!("navsync: {}", crate::t!("cli-schedule-no-engine"));
                return ExitStatus::Failure;
            }
            Err(e) => {
                eprintln!("navsync: {e}");
                return ExitStatus::Failure;
            }
        };
        let _ = h.commands.send(Command::PauseSchedule { paused });
        // The answer is the status: wait until it says so (or the engine goes).
        let mut done = false;
        while !done {
            done = h.status.borrow_and_update().schedule_paused == paused;
            if !done && h.status.changed().await.is_err() {
                break;
            }
        }
        let next = h.status.borrow().next_sync;
        h.shutdown().await;
        if !done {
            eprintln!("navsync: {}", crate::t!("cli-service-stopped"));
            return ExitStatus::Failure;
        }
        if paused {
            println!("{}", crate::t!("cli-schedule-paused"));
        } else {
            let next = next
                .map(crate::store::stamp)
                .unwrap_or_else(|| crate::t!("not-scheduled"));
            println!("{}", crate::t!("cli-schedule-resumed", next = next));
        }
        ExitStatus::Ok
    })
}

/// A dry run goes to the service when one runs (it copies its own store);
/// otherwise an engine here works on a copy and never opens the store.
async fn dry_run(config: Config, data_dir: &Path, json: bool) -> ExitStatus {
    let mut tries = 0;
    // The store is copied holding the data-dir lock, so no engine can
    // start writing it halfway through; it is let go once the copy is
    // taken. An engine that is starting gets a moment to listen, as in
    // `attach_or_start`.
    let snapshot = loop {
        match client::attach(&crate::service::socket_file(data_dir), Reconnect::Never).await {
            Ok(mut h) => {
                let exit = follow(&mut h, true, true, Report::new(json, None)).await;
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
    let exit = follow(
        &mut h,
        true,
        false,
        Report::new(json, Some(snapshot.path())),
    )
    .await;
    h.shutdown().await;
    exit
}

/// Asks for a run (or joins the one already going, which satisfies a
/// real `sync --once` as well) and reports it to its end.
pub(super) async fn follow(
    h: &mut EngineHandle,
    dry_run: bool,
    attached: bool,
    report: Report<'_>,
) -> ExitStatus {
    let mut end = RunEnd::default();
    let exit = follow_run(h, dry_run, attached, &mut end, report).await;
    if let Report::Json(store) = report {
        println!("{}", summary_json(exit, &end, dry_run, store));
    }
    exit
}

/// The `--json` object: what ran, how it ended and its counts (from the
/// run's row when the store is at hand; `null` where unknown).
fn summary_json(exit: ExitStatus, end: &RunEnd, dry_run: bool, store: Option<&Path>) -> String {
    let row = end.run.and_then(|(id, _)| {
        let s = crate::store::Store::open_readonly(store?).ok()?;
        crate::store::runs::recent(s.conn(), 8)
            .ok()?
            .into_iter()
            .find(|r| r.id == id)
    });
    let phases: serde_json::Map<String, serde_json::Value> = row
        .iter()
        .flat_map(|r| r.phases.iter())
        .map(|(p, n)| (p.to_string(), (*n).into()))
        .collect();
    serde_json::json!({
        "schema": 1,
        "run_id": end.run.map(|(id, _)| id),
        "dry_run": dry_run,
        "mode": row.as_ref().map(|r| r.mode),
        "outcome": end.run.map(|(_, o)| o.as_str()),
        "exit_code": exit as u8,
        "error_class": end.class,
        "started_at": row.as_ref().map(|r| r.started_at),
        "finished_at": row.as_ref().and_then(|r| r.finished_at),
        "requests": row.as_ref().map(|r| r.requests),
        "retries": row.as_ref().map(|r| r.retries),
        "throttle_waits": row.as_ref().map(|r| r.throttle_waits),
        "rows": row.is_some().then_some(phases),
    })
    .to_string()
}

async fn follow_run(
    h: &mut EngineHandle,
    dry_run: bool,
    attached: bool,
    end: &mut RunEnd,
    report: Report<'_>,
) -> ExitStatus {
    let status = h.status.borrow().clone();
    if !status.connected {
        eprintln!("navsync: {}", crate::t!("cli-not-connected"));
        return ExitStatus::NotConnected;
    }
    // SIGTERM (`kill`, a cron job's timeout) stops like Ctrl-C, so a
    // dry run's copy of the store is removed on that way out too. Listened
    // for before the run is asked for: the copy can then never be made
    // while a SIGTERM would still kill the command outright.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
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
                    crate::i18n::word(phase),
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
                        wait = format::duration(wait),
                        reason = reason
                    )
                );
            }
            Ok(Event::WritesRefused {
                run_id,
                count,
                code,
            }) if ours == Some(run_id) => {
                clear_line(progress);
                eprintln!(
                    "navsync: ✘ {} {}",
                    crate::i18n::word(Phase::Writeback),
                    format::writes_refused(count, code.as_deref())
                );
            }
            Ok(Event::RenewingSignIn) if ours.is_some() => {
                clear_line(progress);
                eprintln!("navsync: {}", crate::t!("cli-renewing"));
            }
            Ok(Event::Throttled { retry_after }) if ours.is_some() => {
                clear_line(progress);
                eprintln!(
                    "navsync: {}",
                    crate::t!("cli-throttled", wait = format::duration(retry_after))
                );
            }
            Ok(Event::ActionResult { ok: false, reply }) if ours.is_none() && dry_run => {
                // The dry run was refused (a run started meanwhile).
                eprintln!("navsync: {}", crate::describe::reply(&reply));
                return ExitStatus::Failure;
            }
            Ok(Event::Error(e)) => {
                clear_line(progress);
                eprintln!(
                    "navsync: {}\n  {}\n  {}",
                    crate::describe::message(&e),
                    crate::describe::detail(&e),
                    crate::t!("conn-next-step", next = crate::describe::next_step(&e))
                );
                error_class = Some(e.class);
                end.class = Some(e.class);
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
                end.run = Some((run_id, outcome));
                if matches!(report, Report::Text) {
                    println!("{}", crate::describe::run_summary(&summary));
                }
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

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Run one cycle and exit.
    #[arg(long, required_unless_present_any = ["pause", "resume"])]
    pub once: bool,
    /// Report what would be imported, removed and written, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Pause the running engine's schedule (service or console): no run
    /// starts unless asked for, until --resume or a restart.
    #[arg(long, conflicts_with_all = ["once", "dry_run", "resume"])]
    pub pause: bool,
    /// Resume the running engine's schedule.
    #[arg(long, conflicts_with_all = ["once", "dry_run"])]
    pub resume: bool,
    /// Print one JSON object at the end instead of the summary line
    /// (schema in README).
    #[arg(long, conflicts_with_all = ["pause", "resume"])]
    pub json: bool,
}
