//! Runs and the schedule: starting a run as its own task, announcing how
//! it ended, and when the next one is due (after a failure, sooner).

use crate::engine::interface::user_error::user_error;
use std::sync::Arc;

use chrono::Utc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::crm::Client;
use crate::engine::EngineError;
use crate::engine::effects::writer::Writer;
use crate::engine::interface::event::{Event, View};
use crate::engine::interface::health::LastRun;
use crate::engine::ports::client_source::ClientSource;
use crate::engine::run::dry_run::Snapshot;
use crate::engine::run::schedule;
use crate::engine::run::{self, RunReport};
use crate::engine::usecases::settings;
use crate::store::runs::{self, Outcome, RunMode};

use super::{CommandLoop, not_connected};

/// A run under way: its cancel switch and the task to await.
pub(super) struct Running {
    pub(super) cancel: CancellationToken,
    pub(super) task: JoinHandle<Result<RunReport, EngineError>>,
    /// The run as recorded, and the store it is recorded in, to close it
    /// should its task end abnormally.
    begun: run::Begun,
    writer: Writer,
    /// A dry run's store copy, kept until the run ends.
    _snapshot: Option<Snapshot>,
}

impl CommandLoop {
    /// Starts a run task, or says why not.
    pub(super) async fn start_run(&mut self, dry_run: bool) -> Option<Running> {
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
            settings.won_value_field.as_deref(),
        ) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                self.emitter.error(user_error(&e));
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
        let begun = match run::begin(&writer, dry_run).await {
            Ok(b) => b,
            Err(e) => {
                self.internal_error(e);
                return None;
            }
        };
        if !dry_run {
            self.advance_schedule();
        }
        let task = tokio::spawn(run::execute(
            self.config.clone(),
            settings,
            writer.clone(),
            self.emitter.clone(),
            cancel.clone(),
            source,
            dry_run,
            begun,
        ));
        Some(Running {
            cancel,
            task,
            begun,
            writer,
            _snapshot: snapshot,
        })
    }

    /// A writer on a fresh copy of the store, taken between two writes.
    pub(super) async fn dry_run_writer(&self) -> Result<(Writer, Snapshot), EngineError> {
        let path = self.store_path.clone();
        let data_dir = self.data_dir.clone();
        let snap = self
            .writer
            .call(move |_| Snapshot::take(&path, &data_dir).map_err(EngineError::Snapshot))
            .await?;
        let writer = Writer::open(snap.path())?;
        Ok((writer, snap))
    }

    /// A run task ended: announce it (see `run::RunCtx::finish`). One that
    /// ended abnormally (an engine error, a panic) is closed here as
    /// failed, and announced all the same.
    pub(super) async fn run_ended(
        &mut self,
        r: &Running,
        done: Result<Result<RunReport, EngineError>, tokio::task::JoinError>,
    ) {
        let report = match done {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => {
                tracing::error!("engine: {e}");
                run::abandoned(&r.writer, r.begun, e).await
            }
            Err(e) => {
                let e = EngineError::RunPanicked(e.to_string());
                tracing::error!("engine: {e}");
                run::abandoned(&r.writer, r.begun, e).await
            }
        };
        let s = &report.summary;
        tracing::info!(
            run = report.run_id,
            outcome = ?report.outcome,
            accounts_added = s.accounts_added,
            leads_added = s.leads_added,
            accounts_removed = s.accounts_removed,
            leads_removed = s.leads_removed,
            rows = s.rows,
            requests = s.requests,
            writeback = ?s.writeback,
            "run finished"
        );
        if let Some(e) = &report.error {
            self.emitter.error(e.clone());
        }
        let real = report.mode != RunMode::DryRun;
        if real {
            self.heal_schedule(report.outcome);
        }
        let now = schedule::to_second(Utc::now());
        let last_sync = (report.outcome == Outcome::Ok && real).then_some(now);
        let last_run = real.then(|| LastRun {
            run_id: report.run_id,
            outcome: report.outcome,
            class: report.error.as_ref().map(|e| e.class),
            reads_done: report.reads_done,
            finished_at: Some(now),
        });
        self.emitter.status(|s| {
            s.running = None;
            if last_sync.is_some() {
                s.last_sync = last_sync;
                s.last_error = None;
            }
            if last_run.is_some() {
                s.last_run = last_run;
            }
        });
        self.emitter.emit(Event::RunFinished {
            run_id: report.run_id,
            outcome: report.outcome,
            summary: report.summary,
        });
        if real {
            self.emitter.emit(Event::DataChanged(View::Sync));
        }
    }

    /// After a failed run, the next try comes after the back-off rather
    /// than a whole interval later; a good run ends the back-off.
    pub(super) fn heal_schedule(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Error => self.failures = self.failures.saturating_add(1),
            Outcome::Ok => self.failures = 0,
            Outcome::Cancelled | Outcome::Running => return,
        }
        if self.failures == 0 {
            return self.publish_next_sync();
        }
        let wait = schedule::after_failure(
            self.failures,
            self.config.sync.retry_after_failure,
            self.interval,
        );
        // A Retry-After too long to wait out: the next try comes after it,
        // not before (it would only be refused).
        let refused = self.client.as_ref().and_then(Client::refused_for);
        let wait = refused.map_or(wait, |r| r.max(wait));
        if let Some(due) = chrono::Duration::from_std(wait)
            .ok()
            .and_then(|w| Utc::now().checked_add_signed(w))
        {
            self.next_sync = if refused.is_some() {
                due
            } else {
                self.next_sync.min(due)
            };
        }
        self.publish_next_sync();
    }

    /// Moves the schedule one interval on from now (a run just started).
    pub(super) fn advance_schedule(&mut self) {
        self.next_sync = schedule::next_due(Some(Utc::now()), self.interval, Utc::now());
        self.publish_next_sync();
    }

    /// Recomputes the schedule from the store (the interval may have changed).
    pub(super) async fn reschedule(&mut self) {
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
                self.next_sync = schedule::next_due(last, interval, Utc::now());
                self.publish_next_sync();
            }
            Err(e) => self.internal_error(e),
        }
    }

    pub(super) fn publish_next_sync(&self) {
        let next =
            (self.scheduled && self.client.is_some()).then(|| schedule::to_second(self.next_sync));
        let after_failure = next.is_some() && self.failures > 0;
        self.emitter.status(|s| {
            s.next_sync = next;
            s.next_after_failure = after_failure;
        });
    }
}
