//! The engine's command loop: one task that takes Commands, starts and
//! cancels runs, keeps the schedule and the status snapshot. It never
//! awaits a running sync (the run is its own task), so Cancel, settings
//! and every other command are answered while a pull is under way.
//!
//! `dispatch` takes each command; `connecting` signs in and runs the
//! checks as a task of their own; `running` starts and ends runs and keeps
//! the schedule.

mod connecting;
mod dispatch;
mod running;

use crate::engine::interface::error::internal_error;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::config::Config;
use crate::crm::{Client, ClientEvent};
use crate::engine::EngineError;
use crate::engine::effects::emit::Emitter;
use crate::engine::effects::writer::Writer;
use crate::engine::interface::command::Command;
use crate::engine::interface::event::{ErrorClass, Problem, UserError};
use crate::engine::run::schedule;

use connecting::Connecting;
use running::Running;

/// How often the activity inbox is looked at.
const INBOX_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

pub(crate) struct CommandLoop {
    pub config: Arc<Config>,
    pub writer: Writer,
    pub emitter: Emitter,
    pub store_path: PathBuf,
    /// The CRM client of the stored connection; `None` while not connected.
    pub client: Option<Client>,
    /// Where new clients (Connect) send their retries and prompts.
    pub client_events: mpsc::UnboundedSender<ClientEvent>,
    /// The token cache's directory.
    pub data_dir: PathBuf,
    /// Whether the schedule starts runs (see `Options::scheduled`).
    pub scheduled: bool,
    /// The effective sync interval, re-read whenever a setting changes.
    pub interval: std::time::Duration,
    pub next_sync: DateTime<Utc>,
    /// Failed runs in a row: the next try comes sooner than the interval,
    /// after a back-off (`[sync] retry_after_failure`, doubling).
    pub failures: u32,
    /// Paused by `Command::PauseSchedule`: no scheduled run starts.
    pub paused: bool,
    pub connecting: Option<Connecting>,
}
impl CommandLoop {
    pub async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut running: Option<Running> = None;
        let mut inbox_tick = tokio::time::interval(INBOX_EVERY);
        let mut inbox_pass: Option<tokio::task::JoinHandle<()>> = None;
        inbox_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
                    if let Some(r) = running.take() {
                        self.run_ended(&r, done).await;
                    }
                }
                checked = async {
                    match self.connecting.as_mut() {
                        Some(c) => (&mut c.task).await,
                        None => std::future::pending().await,
                    }
                } => {
                    if let Some(c) = self.connecting.take()
                        && self.connect_ended(c, checked)
                    {
                        running = self.start_run(false).await;
                        self.say_connected(running.is_some());
                    }
                }
                // Files dropped in the activity inbox, at once and then
                // every INBOX_EVERY.
                _ = inbox_tick.tick(), if self.config.writeback.activity_inbox.is_some() => {
                    if let Some(inbox) = self.config.writeback.activity_inbox.clone()
                        && inbox_pass.as_ref().is_none_or(|p| p.is_finished())
                    {
                        inbox_pass = Some(self.import_inbox(inbox));
                    }
                }
                // A scheduled run only when the CRM can be read; a run
                // already going simply satisfies the schedule.
                _ = tokio::time::sleep(wait), if self.scheduled && !self.paused && self.client.is_some() => {
                    if running.is_none() {
                        running = self.start_run(false).await;
                    } else {
                        self.advance_schedule();
                    }
                }
            }
        }
        // Shutdown: stop the run cleanly (its finished pages stay) and
        // let it record its end before the writer goes; a connect in
        // flight is abandoned unrecorded.
        if let Some(c) = self.connecting.take() {
            c.cancel.cancel();
            let _ = c.task.await;
        }
        if let Some(mut r) = running.take() {
            r.cancel.cancel();
            let done = (&mut r.task).await;
            self.run_ended(&r, done).await;
        }
        // The store's thread does its jobs in order: once this one is
        // done, so is the upkeep a run queued (its checkpoint), and a
        // `navsync sync` that exits next leaves the database file whole.
        let _ = self.writer.call(|_| Ok::<_, EngineError>(())).await;
    }

    fn internal_error(&self, e: EngineError) {
        tracing::error!("engine: {e}");
        self.emitter.error(internal_error(&e));
    }
}

/// What SyncNow says when no CRM can be read.
pub(crate) fn not_connected() -> UserError {
    UserError::new(
        ErrorClass::Connection,
        Problem::NotConnected,
        "no CRM connection is available to this engine",
    )
}
