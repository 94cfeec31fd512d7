//! The engine's command loop: one task that takes Commands, starts and
//! cancels runs, keeps the schedule and the status snapshot. It never
//! awaits a running sync (the run is its own task), so Cancel, settings
//! and every other command are answered while a pull is under way.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::command::Command;
use super::crm_source::ClientSource;
use super::dry_run::Snapshot;
use super::emit::Emitter;
use super::event::{ErrorClass, Event, UserError, View};
use super::run::{self, RunReport};
use super::settings::{self, ApplyError};
use super::writer::Writer;
use super::{EngineError, schedule};
use crate::config::Config;
use crate::crm::Client;
use crate::store::runs;

/// A run under way: its cancel switch and the task to await.
struct Running {
    cancel: CancellationToken,
    task: JoinHandle<Result<RunReport, EngineError>>,
    /// A dry run's store copy, kept until the run ends.
    _snapshot: Option<Snapshot>,
}

pub(super) struct CommandLoop {
    pub config: Arc<Config>,
    pub writer: Writer,
    pub emitter: Emitter,
    pub store_path: PathBuf,
    /// The CRM client of the stored connection; `None` while not connected.
    pub client: Option<Client>,
    /// The effective sync interval, re-read whenever a setting changes.
    pub interval: std::time::Duration,
    pub next_sync: DateTime<Utc>,
}

impl CommandLoop {
    pub async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut running: Option<Running> = None;
        self.publish_next_sync();
        loop {
            let wait = schedule::wait(self.next_sync, Utc::now());
            tokio::select! {
                cmd = commands.recv() => match cmd {
                    None | Some(Command::Shutdown) => break,
                    Some(cmd) => self.handle(cmd, &mut running).await,
                },
                done = async {
                    match running.as_mut() {
                        Some(r) => (&mut r.task).await,
                        None => std::future::pending().await,
                    }
                } => {
                    running = None;
                    self.run_ended(done).await;
                }
                // A scheduled run only when the CRM can be read; a run
                // already going simply satisfies the schedule.
                _ = tokio::time::sleep(wait), if self.client.is_some() => {
                    if running.is_none() {
                        running = self.start_run(false).await;
                    } else {
                        self.advance_schedule();
                    }
                }
            }
        }
        // Shutdown: stop the run cleanly (its finished pages stay) and
        // let it record its end before the writer goes.
        if let Some(r) = running.take() {
            r.cancel.cancel();
            let done = r.task.await;
            self.run_ended(done).await;
        }
    }

    async fn handle(&mut self, cmd: Command, running: &mut Option<Running>) {
        match cmd {
            Command::SyncNow { dry_run } => {
                if running.is_some() {
                    self.emitter.action(
                        false,
                        "A sync is already running; this request was not started. Wait for it to finish or cancel it.",
                    );
                } else {
                    *running = self.start_run(dry_run).await;
                }
            }
            Command::Cancel => match running {
                Some(r) => {
                    r.cancel.cancel();
                    self.emitter.action(
                        true,
                        "Cancelling the sync; what it finished is kept and the next run resumes.",
                    );
                }
                None => self.emitter.action(false, "No sync is running."),
            },
            Command::SetSetting(change) => {
                let res = self.writer.tx(move |tx| settings::apply(tx, &change)).await;
                match res {
                    Ok(message) => {
                        self.emitter.action(true, message);
                        self.emitter.emit(Event::DataChanged(View::Settings));
                        self.reschedule().await;
                    }
                    Err(ApplyError::Rejected(e)) => self.emitter.action(false, e.to_string()),
                    Err(ApplyError::Store(e)) => self.internal_error(e.into()),
                    Err(ApplyError::WriterGone) => self.internal_error(EngineError::WriterGone),
                }
            }
            Command::SetSeatSync { seat_ids, enabled } => {
                self.store_action(View::Seats, move |s| {
                    let n = super::seats::set_sync(s, &seat_ids, enabled)?;
                    Ok::<_, super::seats::SeatsError>(format!(
                        "CRM sync switched {} for {n} seat(s). Applies from the next sync.",
                        if enabled { "on" } else { "off" }
                    ))
                })
                .await;
            }
            Command::AssignSeats {
                crm_user_ids,
                licence,
                edition,
            } => {
                self.store_action(View::Seats, move |s| {
                    super::seats::assign(s, &crm_user_ids, licence, edition).map(|o| o.summary())
                })
                .await;
            }
            Command::ImportActivities { path } => {
                self.store_action(View::Unresolved, move |s| {
                    super::import::import_file(s, &path).map(|r| r.summary())
                })
                .await;
            }
            Command::Connect
            | Command::Recheck
            | Command::Disconnect { .. }
            | Command::ResolveWithContact { .. }
            | Command::SearchContacts { .. }
            | Command::CreateContactAndResolve { .. }
            | Command::SkipUnresolved { .. } => {
                // The one answer for commands whose modules are not part of
                // this build yet.
                self.emitter.action(false, "not available in this build");
            }
            Command::Shutdown => {}
        }
    }

    /// Runs a user action on the store: its sentence as an ActionResult
    /// and, when it worked, the view to refresh.
    async fn store_action<E>(
        &self,
        view: View,
        f: impl FnOnce(&mut crate::store::Store) -> Result<String, E> + Send + 'static,
    ) where
        E: std::fmt::Display + Send + 'static,
    {
        match self.writer.call(move |s| Ok::<_, EngineError>(f(s))).await {
            Ok(Ok(message)) => {
                self.emitter.action(true, message);
                self.emitter.emit(Event::DataChanged(view));
            }
            Ok(Err(e)) => self.emitter.action(false, e.to_string()),
            Err(e) => self.internal_error(e),
        }
    }

    /// Starts a run task, or says why not.
    async fn start_run(&mut self, dry_run: bool) -> Option<Running> {
        let Some(client) = self.client.clone() else {
            self.emitter.error(not_connected());
            return None;
        };
        let config = self.config.clone();
        let settings = match self
            .writer
            .call(move |s| settings::effective(s.conn(), &config).map_err(EngineError::from))
            .await
        {
            Ok(s) => s,
            Err(e) => {
                self.internal_error(e);
                return None;
            }
        };
        let cancel = CancellationToken::new();
        let source = match ClientSource::new(
            client.with_cancel(cancel.clone()),
            self.config.lang,
            settings.won_value_field.as_deref(),
        ) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                self.emitter
                    .error(super::user_error::user_error(&e, self.config.lang));
                return None;
            }
        };
        let (writer, snapshot) = if dry_run {
            match self.dry_run_writer().await {
                Ok(w) => (w.0, Some(w.1)),
                Err(e) => {
                    self.internal_error(e);
                    return None;
                }
            }
        } else {
            (self.writer.clone(), None)
        };
        if !dry_run {
            self.advance_schedule();
        }
        let task = tokio::spawn(run::execute(
            settings,
            writer,
            self.emitter.clone(),
            cancel.clone(),
            source,
            dry_run,
        ));
        Some(Running {
            cancel,
            task,
            _snapshot: snapshot,
        })
    }

    /// A writer on a fresh copy of the store, taken between two writes.
    async fn dry_run_writer(&self) -> Result<(Writer, Snapshot), EngineError> {
        let path = self.store_path.clone();
        let snap = self
            .writer
            .call(move |_| Snapshot::take(&path).map_err(EngineError::Snapshot))
            .await?;
        let writer = Writer::open(snap.path())?;
        Ok((writer, snap))
    }

    async fn run_ended(
        &mut self,
        done: Result<Result<RunReport, EngineError>, tokio::task::JoinError>,
    ) {
        match done {
            Ok(Ok(report)) => {
                tracing::info!(run = report.run_id, outcome = ?report.outcome, "{}", report.summary);
            }
            Ok(Err(e)) => self.internal_error(e),
            Err(e) => self.internal_error(EngineError::RunPanicked(e.to_string())),
        }
    }

    /// Moves the schedule one interval on from now (a run just started).
    fn advance_schedule(&mut self) {
        self.next_sync = schedule::next_due(Some(&crate::store::now()), self.interval, Utc::now());
        self.publish_next_sync();
    }

    /// Recomputes the schedule from the store (the interval may have changed).
    async fn reschedule(&mut self) {
        let config = self.config.clone();
        let got = self
            .writer
            .call(move |s| {
                let eff = settings::effective(s.conn(), &config)?;
                let last = runs::last_started(s.conn())?;
                Ok::<_, EngineError>((eff.sync_interval, last))
            })
            .await;
        match got {
            Ok((interval, last)) => {
                self.interval = interval;
                self.next_sync = schedule::next_due(last.as_deref(), interval, Utc::now());
                self.publish_next_sync();
            }
            Err(e) => self.internal_error(e),
        }
    }

    fn publish_next_sync(&self) {
        let next = self
            .client
            .is_some()
            .then(|| schedule::rfc3339(self.next_sync));
        self.emitter.status(|s| s.next_sync = next);
    }

    fn internal_error(&self, e: EngineError) {
        tracing::error!("engine: {e}");
        self.emitter.error(UserError {
            class: ErrorClass::Other,
            message: "navsync hit an internal problem".into(),
            detail: e.to_string(),
            next_step: "See the log file in the data dir; restart navsync if it persists".into(),
        });
    }
}

/// What SyncNow says when no CRM can be read.
pub fn not_connected() -> UserError {
    UserError {
        class: ErrorClass::Connection,
        message: "Not connected to Microsoft Dynamics".into(),
        detail: "no CRM connection is available to this engine".into(),
        next_step: "Connect first: Connection tab, or `navsync connect`".into(),
    }
}
