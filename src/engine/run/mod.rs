//! One sync run, start to end: pull each table, reconcile the saved lists,
//! write back; every step recorded in `sync_runs` and announced as events
//! in order (RunStarted, then per phase PhaseStarted / Progress /
//! PhaseFinished, then RunFinished with a one-line summary).

pub mod dry_run;
pub mod pull;
pub(crate) mod schedule;
mod writeback_phase;

use crate::config::Config;
use crate::engine::ports::ReadError;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::engine::EngineError;
use crate::engine::effects::emit::Emitter;
use crate::engine::effects::writer::Writer;
use crate::engine::interface::error::internal_error;
use crate::engine::interface::event::{ErrorClass, Event, Phase, RunProgress, UserError, View};
use crate::engine::interface::summary::RunSummary;
use crate::engine::ports::CrmSource;
use crate::engine::usecases::settings::Effective;
use crate::store::mirror::{self, Table};
use crate::store::runs::{self, Outcome, RunMode, RunTotals};
use crate::store::saved::{self, ReconcileCounts};
use pull::{PullStop, TableMode, TablePull};
use writeback_phase::WritebackOutcome;

/// What a running sync shares with its phases.
pub(crate) struct RunCtx {
    pub config: Arc<Config>,
    pub writer: Writer,
    pub emitter: Emitter,
    pub cancel: CancellationToken,
    pub source: Arc<dyn CrmSource>,
    pub run_id: i64,
    pub mode: RunMode,
    pub dry_run: bool,
    /// Read once at the start: a setting changed mid-run applies next run.
    pub settings: Effective,
    /// The source's counters when the run began.
    base_totals: RunTotals,
}

/// What a finished run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    pub run_id: i64,
    pub mode: RunMode,
    pub outcome: Outcome,
    pub summary: RunSummary,
    pub error: Option<UserError>,
    pub tables: Vec<(Table, TablePull)>,
    pub saved: ReconcileCounts,
    pub totals: RunTotals,
    /// Every read finished (a failure came from the writes alone).
    pub reads_done: bool,
}

/// A run recorded as started: its number is known before its task runs,
/// so however the task ends, the run can be closed and announced.
#[derive(Debug, Clone, Copy)]
pub struct Begun {
    pub run_id: i64,
    pub mode: RunMode,
    have_choices: bool,
}

/// Records the start of a run in `writer`'s store and picks its mode.
pub(crate) async fn begin(writer: &Writer, dry_run: bool) -> Result<Begun, EngineError> {
    writer
        .call(move |s| {
            let mut all_tracked = true;
            for t in Table::ALL {
                all_tracked &= mirror::delta_link(s.conn(), t)?.is_some();
            }
            let mode = if dry_run {
                RunMode::DryRun
            } else if all_tracked {
                RunMode::Incremental
            } else {
                RunMode::Full
            };
            let run_id = runs::start(s.conn(), mode)?;
            let have_choices = crate::store::settings::crm_choices(s.conn())?.is_some();
            Ok::<_, EngineError>(Begun {
                run_id,
                mode,
                have_choices,
            })
        })
        .await
}

/// Closes a run whose task ended abnormally (a panic): recorded as failed
/// with the reason, and reported like any failed run, so `RunFinished` is
/// still sent and no run stays `running`.
pub(crate) async fn abandoned(writer: &Writer, begun: Begun, error: EngineError) -> RunReport {
    let error = internal_error(&error);
    let (run_id, detail) = (begun.run_id, error.detail.clone());
    let recorded = writer
        .call(move |s| {
            runs::finish(
                s.conn(),
                run_id,
                Outcome::Error,
                &RunTotals::default(),
                Some((ErrorClass::Other, detail.as_str())),
            )
            .map_err(EngineError::from)
        })
        .await;
    if let Err(e) = recorded {
        tracing::error!(
            run = run_id,
            "cannot record the end of an abandoned run: {e}"
        );
    }
    let totals = RunTotals::default();
    let saved = ReconcileCounts::default();
    RunReport {
        run_id,
        mode: begun.mode,
        outcome: Outcome::Error,
        summary: summary(
            begun.mode == RunMode::DryRun,
            Outcome::Error,
            &[],
            &saved,
            None,
            &totals,
        ),
        error: Some(error),
        tables: Vec::new(),
        saved,
        totals,
        reads_done: false,
    }
}

/// Rows read in a run past which it gives its freed memory back: a full
/// pull of the large tenant frees tens of MB, an incremental run of a
/// thousand rows next to none, and each release walks every arena.
const RELEASE_AFTER_ROWS: u64 = 20_000;

/// Gives freed memory back (see `memory`) when `tables` read many rows.
fn release_after(tables: &[(Table, TablePull)]) -> impl Future<Output = ()> + use<> {
    let rows: u64 = tables.iter().map(|(_, t)| t.upserted + t.deleted).sum();
    async move {
        if rows >= RELEASE_AFTER_ROWS {
            let _ = tokio::task::spawn_blocking(crate::memory::release_freed).await;
        }
    }
}

/// Test hook: with `NAVSYNC_TEST_PANIC_IN_RUN` set in its environment, a
/// run panics as it starts, so the tests can show that a run which ends
/// abnormally is still recorded and announced.
fn panic_if_asked() {
    if std::env::var_os("NAVSYNC_TEST_PANIC_IN_RUN").is_some() {
        panic!("NAVSYNC_TEST_PANIC_IN_RUN is set");
    }
}

/// Runs one sync against `writer`'s store. A dry run is the same run on a
/// throw-away copy of the store (see `dry_run`), so nothing here branches
/// on it except wording and what is recorded outside the copy.
#[allow(clippy::too_many_arguments)]
pub async fn execute(
    config: Arc<Config>,
    settings: Effective,
    writer: Writer,
    emitter: Emitter,
    cancel: CancellationToken,
    source: Arc<dyn CrmSource>,
    dry_run: bool,
    begun: Begun,
) -> Result<RunReport, EngineError> {
    let Begun {
        run_id,
        mode,
        have_choices,
    } = begun;
    let _blocks = crate::memory::LargeBlocksMapped::new();
    let ctx = RunCtx {
        config,
        writer,
        emitter,
        cancel,
        base_totals: source.totals(),
        source,
        run_id,
        mode,
        dry_run,
        settings,
    };
    ctx.emitter
        .status(|s| s.running = Some(RunProgress::starting(run_id, mode)));
    ctx.emitter.emit(Event::RunStarted { run_id, mode });
    panic_if_asked();

    let mut tables = Vec::new();
    let mut saved_counts = ReconcileCounts::default();
    let stop = ctx
        .phases(have_choices, &mut tables, &mut saved_counts)
        .await;
    // A service idles until the next run: not at the run's peak.
    let read = release_after(&tables);
    let report = ctx.finish(stop, tables, saved_counts).await;
    read.await;
    Ok(report)
}

impl RunCtx {
    /// Reads the setting choices from the CRM's metadata on full runs and
    /// when none are cached, so an incremental run with no change stays at
    /// one request per table.
    async fn refresh_choices(&self, have_choices: bool) -> Result<(), PullStop> {
        if have_choices && self.mode == RunMode::Incremental {
            return Ok(());
        }
        let choices = tokio::select! {
            biased;
            _ = self.cancel.cancelled() => return Err(PullStop::Cancelled),
            c = self.source.choices() => c,
        };
        let choices = match choices {
            Ok(c) => c,
            Err(ReadError::Cancelled) => return Err(PullStop::Cancelled),
            Err(ReadError::Crm(e)) => return Err(PullStop::Crm(e)),
        };
        self.writer
            .call(move |s| {
                crate::store::settings::set_crm_choices(s.conn(), &choices)
                    .map_err(EngineError::from)
            })
            .await?;
        if !self.dry_run {
            self.emitter.emit(Event::DataChanged(View::Settings));
        }
        Ok(())
    }

    /// The phases: every table read at once, then the saved lists, then
    /// writeback; stops after the reads when one could not go on.
    async fn phases(
        &self,
        have_choices: bool,
        tables: &mut Vec<(Table, TablePull)>,
        saved_counts: &mut ReconcileCounts,
    ) -> Result<WritebackOutcome, PullStop> {
        // All tables and the setting choices in parallel, within the
        // client's one gate (its concurrency, the server's dop hint and
        // Retry-After): a full pull then takes about as long as its largest
        // table instead of the sum of all, and an incremental run as long
        // as one round trip. A table that fails does not stop the others,
        // so the next run has less to do. Phases finish in run order, so
        // the log and the run record read the same every time.
        // A full run reads whole tables: their sizes, one request, give the
        // progress a total (an estimate: Dataverse counts from a snapshot).
        let sizes = if self.mode == RunMode::Full {
            self.source.counts().await
        } else {
            Vec::new()
        };
        let size = |t: Table| sizes.iter().find(|(x, _)| *x == t).map(|(_, n)| *n);
        for (phase, table) in pull::TABLE_PHASES {
            self.phase_started(phase, size(table));
        }
        let reads = pull::TABLE_PHASES.map(|(phase, table)| async move {
            (
                phase,
                table,
                pull::pull_table(self, phase, table, size(table)).await,
            )
        });
        let (choices, reads) = tokio::join!(
            self.refresh_choices(have_choices),
            futures::future::join_all(reads)
        );
        let mut stopped = choices.err();
        for (phase, table, got) in reads {
            match got {
                Ok(got) => {
                    self.phase_finished(phase, got.upserted + got.deleted)
                        .await?;
                    tables.push((table, got));
                }
                Err(stop) => {
                    stopped.get_or_insert(stop);
                }
            }
        }
        if let Some(stop) = stopped {
            return Err(stop);
        }

        self.phase_started(Phase::SavedLists, None);
        let sel = self.settings.selection();
        *saved_counts = self
            .writer
            .tx(move |tx| saved::reconcile(tx, sel).map_err(EngineError::from))
            .await?;
        let c = *saved_counts;
        let changed =
            (c.accounts_added + c.leads_added + c.accounts_removed + c.leads_removed) as u64;
        self.phase_finished(Phase::SavedLists, changed).await?;
        if changed > 0 && !self.dry_run {
            self.emitter.emit(Event::DataChanged(View::Seats));
        }
        if self.cancel.is_cancelled() {
            return Err(PullStop::Cancelled);
        }

        // The pulled pages are freed: writeback's matching index is built
        // in their place rather than on top of them (see `memory`).
        release_after(tables).await;
        self.phase_started(Phase::Writeback, None);
        let wb = writeback_phase::run(self).await?;
        // A cancel (a stop, SIGTERM) that cut the sends short is a cancel,
        // not a CRM failure: what was sent is recorded, the rest stays
        // queued for the next run.
        if self.cancel.is_cancelled() {
            return Err(PullStop::Cancelled);
        }
        self.phase_finished(Phase::Writeback, wb.rows()).await?;
        if let Some((count, code)) = wb.refused() {
            self.emitter.emit(Event::WritesRefused {
                run_id: self.run_id,
                count,
                code,
            });
        }
        Ok(wb)
    }

    fn phase_started(&self, phase: Phase, total: Option<u64>) {
        self.emitter.status(|s| {
            if let Some(r) = s.running.as_mut() {
                r.phase = phase;
                r.done = 0;
                r.total = total;
            }
        });
        self.emitter.emit(Event::PhaseStarted {
            run_id: self.run_id,
            phase,
            total,
        });
    }

    async fn phase_finished(&self, phase: Phase, rows: u64) -> Result<(), EngineError> {
        self.publish_totals();
        let run_id = self.run_id;
        self.writer
            .call(move |s| {
                runs::record_phase(s.conn(), run_id, phase, rows as i64, true)
                    .map_err(EngineError::from)
            })
            .await?;
        self.emitter.emit(Event::PhaseFinished {
            run_id,
            phase,
            rows,
        });
        Ok(())
    }

    /// One page done: a Progress event and the live status.
    pub fn progress(&self, phase: Phase, done: u64, total: Option<u64>, rows_per_sec: f64) {
        let t = self.totals();
        self.emitter.status(|s| {
            if let Some(r) = s.running.as_mut() {
                r.phase = phase;
                r.done = done;
                r.total = total;
                live_counters(r, &t);
                // A page came through: no retry is pending any more.
                r.retry_until = None;
                r.retry_reason = None;
            }
        });
        self.emitter.emit(Event::Progress {
            run_id: self.run_id,
            phase,
            done,
            total,
            rows_per_sec,
        });
    }

    /// Sets the live counters to this run's share of the source's: the
    /// requests of a phase with no pages (writeback, the saved lists) and
    /// the 429s and retries since the last page count too, so the live
    /// line ends on the numbers the history row records.
    fn publish_totals(&self) -> RunTotals {
        let t = self.totals();
        self.emitter.status(|s| {
            if let Some(r) = s.running.as_mut() {
                live_counters(r, &t);
            }
        });
        t
    }

    /// This run's share of the source's counters.
    fn totals(&self) -> RunTotals {
        let now = self.source.totals();
        RunTotals {
            requests: now.requests - self.base_totals.requests,
            retries: now.retries - self.base_totals.retries,
            throttle_waits: now.throttle_waits - self.base_totals.throttle_waits,
        }
    }

    /// Records the run's end and returns what it did. Announcing it
    /// (RunFinished, status, error) is the command loop's job, done after
    /// it has seen this task end, so a SyncNow sent on RunFinished can
    /// never find the old run still registered.
    async fn finish(
        self,
        stop: Result<WritebackOutcome, PullStop>,
        tables: Vec<(Table, TablePull)>,
        saved_counts: ReconcileCounts,
    ) -> RunReport {
        let totals = self.publish_totals();
        let reads_done = stop.is_ok();
        let (outcome, error, from_crm, wb) = match stop {
            Ok(wb) => match wb.problem() {
                Some(e) => (Outcome::Error, Some(e), true, Some(wb)),
                None => (Outcome::Ok, None, false, Some(wb)),
            },
            Err(PullStop::Cancelled) => (Outcome::Cancelled, None, false, None),
            Err(PullStop::Crm(e)) => (Outcome::Error, Some(e), true, None),
            Err(PullStop::Engine(e)) => (Outcome::Error, Some(internal_error(&e)), false, None),
        };
        let summary = summary(self.dry_run, outcome, &tables, &saved_counts, wb, &totals);
        let (run_id, t, err, dry) = (self.run_id, totals.clone(), error.clone(), self.dry_run);
        let recorded = self
            .writer
            .call(move |s| {
                let kind = err.as_ref().map(|e| e.class);
                let rec = err.as_ref().zip(kind).map(|(e, k)| (k, e.detail.as_str()));
                runs::finish(s.conn(), run_id, outcome, &t, rec)?;
                // A failed run records its error on the connection; a clean
                // one clears what an earlier run left there.
                if (from_crm || outcome == Outcome::Ok) && !dry {
                    crate::store::connection::set_error(
                        s.conn(),
                        kind,
                        err.as_ref().map(|e| e.detail.as_str()),
                    )?;
                }
                Ok::<_, EngineError>(())
            })
            .await;
        // A dry run's store is a copy thrown away after.
        if !dry {
            self.writer
                .queue("checkpoint after a run", |s| s.checkpoint());
        }
        let error = match recorded {
            Err(e) if error.is_none() => Some(internal_error(&e)),
            _ => error,
        };
        RunReport {
            run_id,
            mode: self.mode,
            outcome: if error.is_some() && outcome == Outcome::Ok {
                Outcome::Error
            } else {
                outcome
            },
            summary,
            error,
            tables,
            saved: saved_counts,
            totals,
            reads_done,
        }
    }
}

/// The live status's counters from the run's totals (what `sync_runs`
/// records).
fn live_counters(r: &mut RunProgress, t: &RunTotals) {
    r.requests = t.requests as u64;
    r.retries = t.retries as u64;
    r.throttled = t.throttle_waits as u64;
}

/// What RunFinished and `sync --once` summarise.
fn summary(
    dry_run: bool,
    outcome: Outcome,
    tables: &[(Table, TablePull)],
    c: &ReconcileCounts,
    wb: Option<WritebackOutcome>,
    totals: &RunTotals,
) -> RunSummary {
    RunSummary {
        dry_run,
        accounts_added: c.accounts_added as u64,
        leads_added: c.leads_added as u64,
        accounts_removed: c.accounts_removed as u64,
        leads_removed: c.leads_removed as u64,
        rows: tables.iter().map(|(_, t)| t.upserted).sum(),
        requests: totals.requests as u64,
        reread: tables
            .iter()
            .filter(|(_, t)| t.mode == TableMode::FullAfterRejectedToken)
            .map(|(t, _)| t.entity_set().to_string())
            .collect(),
        writeback: wb.map(|wb| wb.summary()),
        outcome,
    }
}
