//! Sync run history: one row per run and per-phase row counts, so "last
//! sync" and the history table are exact.

use rusqlite::{Connection, OptionalExtension, params};

use chrono::{DateTime, Utc};

use super::{Result, now, opt_time_at, time_at};

use crate::vocab::{ErrorClass, Phase};
pub use crate::vocab::{Outcome, RunMode};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Run {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub mode: RunMode,
    pub outcome: Outcome,
    pub requests: i64,
    pub retries: i64,
    pub throttle_waits: i64,
    pub error_kind: Option<ErrorClass>,
    pub error_detail: Option<String>,
    pub phases: Vec<(Phase, i64)>,
}

/// Counters a finished run reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunTotals {
    pub requests: i64,
    pub retries: i64,
    pub throttle_waits: i64,
}

pub fn start(conn: &Connection, mode: RunMode) -> Result<i64> {
    conn.execute(
        "INSERT INTO sync_runs (started_at, mode) VALUES (?1, ?2)",
        params![now(), mode],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn record_phase(
    conn: &Connection,
    run_id: i64,
    phase: Phase,
    rows: i64,
    finished: bool,
) -> Result<()> {
    let ts = now();
    conn.prepare_cached(
        "INSERT INTO sync_run_phases (run_id, phase, rows, started_at, finished_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(run_id, phase) DO UPDATE SET rows = excluded.rows, finished_at = excluded.finished_at",
    )?
    .execute(params![run_id, phase, rows, ts, finished.then_some(&ts)])?;
    Ok(())
}

pub fn finish(
    conn: &Connection,
    run_id: i64,
    outcome: Outcome,
    totals: &RunTotals,
    error: Option<(ErrorClass, &str)>,
) -> Result<()> {
    conn.execute(
        "UPDATE sync_runs SET finished_at = ?1, outcome = ?2, requests = ?3, retries = ?4, throttle_waits = ?5,
            error_kind = ?6, error_detail = ?7 WHERE id = ?8",
        params![
            now(),
            outcome,
            totals.requests,
            totals.retries,
            totals.throttle_waits,
            error.map(|e| e.0),
            error.map(|e| e.1),
            run_id
        ],
    )?;
    Ok(())
}

/// Runs left `running` by a process that died are closed as cancelled.
pub(crate) fn close_abandoned(conn: &Connection) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE sync_runs SET outcome = 'cancelled', finished_at = COALESCE(finished_at, ?1),
            error_detail = COALESCE(error_detail, 'process ended during the run')
         WHERE outcome = 'running'",
        [now()],
    )?)
}

/// Newest first.
pub fn recent(conn: &Connection, limit: usize) -> Result<Vec<Run>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, started_at, finished_at, mode, outcome, requests, retries, throttle_waits, error_kind, error_detail
         FROM sync_runs ORDER BY id DESC LIMIT ?1",
    )?;
    let runs = stmt
        .query_map([limit as i64], |r| {
            Ok(Run {
                id: r.get(0)?,
                started_at: time_at(r, 1)?,
                finished_at: opt_time_at(r, 2)?,
                mode: r.get(3)?,
                outcome: r.get(4)?,
                requests: r.get(5)?,
                retries: r.get(6)?,
                throttle_waits: r.get(7)?,
                error_kind: r.get(8)?,
                error_detail: r.get(9)?,
                phases: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut phases = conn.prepare_cached(
        "SELECT phase, rows FROM sync_run_phases WHERE run_id = ?1 ORDER BY started_at, phase",
    )?;
    runs.into_iter()
        .map(|mut run| {
            run.phases = phases
                .query_map([run.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(run)
        })
        .collect()
}

/// How the newest finished run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub id: i64,
    pub outcome: Outcome,
    /// The error class, if it failed.
    pub error_kind: Option<ErrorClass>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Every read finished (its saved lists phase did): a failure came
    /// from its writes alone.
    pub reads_done: bool,
}

/// The newest finished run that was not a dry run.
pub(crate) fn last_finished(conn: &Connection) -> Result<Option<Finished>> {
    Ok(conn
        .query_row(
            "SELECT r.id, r.outcome, r.error_kind, r.finished_at,
                EXISTS (SELECT 1 FROM sync_run_phases p
                        WHERE p.run_id = r.id AND p.phase = 'saved_lists' AND p.finished_at IS NOT NULL)
             FROM sync_runs r WHERE r.outcome != 'running' AND r.mode != 'dry_run'
             ORDER BY r.id DESC LIMIT 1",
            [],
            |r| {
                Ok(Finished {
                    id: r.get(0)?,
                    outcome: r.get(1)?,
                    error_kind: r.get(2)?,
                    finished_at: opt_time_at(r, 3)?,
                    reads_done: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// When a run started and (once it ended) finished.
pub(crate) type Span = (DateTime<Utc>, Option<DateTime<Utc>>);

/// When run `id` started and (once it ended) finished.
pub(crate) fn span(conn: &Connection, id: i64) -> Result<Option<Span>> {
    Ok(conn
        .prepare_cached("SELECT started_at, finished_at FROM sync_runs WHERE id = ?1")?
        .query_row([id], |r| Ok((time_at(r, 0)?, opt_time_at(r, 1)?)))
        .optional()?)
}

/// End time of the newest successful run: the seed's "date of last sync".
pub fn last_success(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row(
            "SELECT finished_at FROM sync_runs WHERE outcome = 'ok' AND mode != 'dry_run' ORDER BY id DESC LIMIT 1",
            [],
            |r| opt_time_at(r, 0),
        )
        .optional()?
        .flatten())
}

/// Changes a running run's mode (an incremental run that had to read a
/// table in full is recorded as full).
pub(crate) fn set_mode(conn: &Connection, run_id: i64, mode: RunMode) -> Result<()> {
    conn.execute(
        "UPDATE sync_runs SET mode = ?1 WHERE id = ?2",
        params![mode, run_id],
    )?;
    Ok(())
}

/// Start time of the newest run that was not a dry run: the schedule
/// counts from it.
pub(crate) fn last_started(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row(
            "SELECT started_at FROM sync_runs WHERE mode != 'dry_run' ORDER BY id DESC LIMIT 1",
            [],
            |r| time_at(r, 0),
        )
        .optional()?)
}
