//! The pull: CRM tables into the store's mirrors, page by page. Pages are
//! whole (each in a savepoint) and share transactions of up to some tens
//! of thousands of rows (`Store::rereadable`), so a cancelled or failed
//! run keeps what it committed and the next run carries on.
//!
//! First run (no delta link stored for a table): a full read with change
//! tracking requested, streamed page by page; the last page carries the
//! delta link, committed with that page and every one before it. Later runs
//! read only the changes since that link (no change = one request per
//! table). A delta token the CRM rejects (expired: the organisation keeps
//! them for a limited number of days) is answered by exactly one full
//! re-read of that table, reported as such, followed by delete
//! reconciliation: a row the full read did not return no longer exists in
//! the CRM, and change tracking will never report its deletion to us now.
//!
//! A cancelled or failed full read keeps the pages it committed (each is
//! whole, upserts are idempotent) but stores no delta link, so the next run
//! reads that table in full again and ends with delete reconciliation;
//! tables already finished keep their links and go incremental. Resuming
//! from the last `@odata.nextLink` instead is deliberately not done: paging
//! cookies are short-lived, and a delta link obtained at the end of a read
//! resumed hours later could miss changes made to pages read before.
//!
//! Why the reads are not filtered (e.g. to open opportunities only):
//! Dataverse change tracking accepts `$select` but not `$filter`, and even
//! if it did, an opportunity that became won or lost would fall out of the
//! filter and never be reported again, so what it brought into saved
//! lists would stay forever. The pull therefore mirrors every row of the
//! four tables with a narrow `$select`, and the selection rule (open, at
//! or past the stage, owned by a syncing seat) is applied afterwards in
//! SQL by the reconciliation, where a close or reassignment is just a row
//! update.

use crate::engine::EngineError;
use std::collections::HashSet;
use std::time::Instant;

use crate::engine::interface::event::{Event, Phase, UserError};
use crate::engine::ports::ReadError;
use crate::engine::run::RunCtx;
use crate::store::StoreError;
use crate::store::mirror::{self, Table};

/// How a table was read this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableMode {
    Full,
    Incremental,
    /// The delta token was rejected, so the table was read in full.
    FullAfterRejectedToken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TablePull {
    pub mode: TableMode,
    pub upserted: u64,
    pub deleted: u64,
}

/// Why a table pull stopped early.
#[derive(Debug)]
pub(crate) enum PullStop {
    Cancelled,
    Crm(UserError),
    Engine(EngineError),
}

impl From<EngineError> for PullStop {
    fn from(e: EngineError) -> Self {
        Self::Engine(e)
    }
}

/// The phase that reads each table, in run order: users first (owners),
/// then opportunities (what selects), then what they point at.
pub const TABLE_PHASES: [(Phase, Table); 4] = [
    (Phase::Users, Table::SystemUsers),
    (Phase::Opportunities, Table::Opportunities),
    (Phase::Accounts, Table::Accounts),
    (Phase::Contacts, Table::Contacts),
];

type PendingWrite =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<u64, EngineError>> + Send>>;

/// Reads one table into its mirror.
///
/// A first load into an empty mirror writes without the table's indexes,
/// its key's too (plain inserts), and builds them once at the end (sorted,
/// in one pass), which costs far less than keeping them up to date row by
/// row in random key order; however the read ends they are built again
/// (and `Store::open` rebuilds any a crash left out).
pub(crate) async fn pull_table(
    ctx: &RunCtx,
    phase: Phase,
    table: Table,
    total: Option<u64>,
) -> Result<TablePull, PullStop> {
    let (delta, empty, lost) = ctx
        .writer
        .call(move |s| {
            let delta = mirror::delta_link(s.conn(), table)?;
            let empty = mirror::is_empty(s.conn(), table)?;
            Ok::<_, EngineError>((delta, empty, s.lost_commits()))
        })
        .await?;
    let bulk = delta.is_none() && empty;
    if bulk {
        ctx.writer
            .call(move |s| mirror::drop_indexes(s.conn(), table).map_err(EngineError::from))
            .await?;
    }
    let into = match (bulk, empty) {
        (true, _) => Mirror::Bulk,
        (false, true) => Mirror::Empty,
        (false, false) => Mirror::Filled,
    };
    let read = read_table(ctx, phase, table, delta, into, total, lost).await;
    if bulk {
        ctx.writer
            .call(move |s| mirror::ensure_table_indexes(s.conn(), table).map_err(EngineError::from))
            .await?;
    }
    read
}

/// The mirror a read goes into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mirror {
    /// Empty, for a full read, with its indexes away: plain inserts.
    Bulk,
    /// Empty, for changes: upserts.
    Empty,
    /// Holding rows: upserts, and a full read reconciles deletions (rows
    /// it did not see are gone from the CRM; an empty mirror has none).
    Filled,
}

async fn read_table(
    ctx: &RunCtx,
    phase: Phase,
    table: Table,
    delta: Option<String>,
    mut into: Mirror,
    total: Option<u64>,
    lost: u64,
) -> Result<TablePull, PullStop> {
    let mut mode = if delta.is_some() {
        TableMode::Incremental
    } else {
        TableMode::Full
    };
    let mut reader = ctx.source.read(table, delta, total);
    // Ids a full read returned, for delete reconciliation at its end.
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = TablePull {
        mode,
        upserted: 0,
        deleted: 0,
    };
    let started = Instant::now();
    // The page being written while the next one downloads: at most one
    // page in flight each way, so memory stays at two pages and SQLite's
    // time hides behind the network's. Pages are committed in order (the
    // writer is one FIFO thread).
    let mut pending: Option<(PendingWrite, u64)> = None;
    loop {
        let next = tokio::select! {
            biased;
            _ = ctx.cancel.cancelled() => Err(ReadError::Cancelled),
            page = reader.next_page() => page,
        };
        if let Some((write, rows)) = pending.take() {
            let deleted = write.await?;
            out.upserted += rows;
            out.deleted += deleted;
            let done = out.upserted + out.deleted;
            let secs = started.elapsed().as_secs_f64();
            ctx.progress(
                phase,
                done,
                total,
                if secs > 0.0 { done as f64 / secs } else { 0.0 },
            );
        }
        let page = match next {
            Ok(Some(page)) => page,
            Ok(None) => break,
            Err(ReadError::Cancelled) => return Err(PullStop::Cancelled),
            Err(ReadError::Crm(e)) => return Err(PullStop::Crm(e)),
        };
        // An empty page before the last: a split read has every row in and
        // waits for its key-only read's link alone. A first load builds
        // its indexes now rather than after that link (which comes last:
        // at a million contacts the builds took seconds at the very end);
        // anything after is upserted.
        if into == Mirror::Bulk && page.rows.is_empty() && page.deleted.is_empty() && !page.last {
            ctx.writer
                .call(move |s| {
                    mirror::ensure_table_indexes(s.conn(), table).map_err(EngineError::from)
                })
                .await?;
            into = Mirror::Empty;
            continue;
        }
        if page.full && mode == TableMode::Incremental {
            mode = TableMode::FullAfterRejectedToken;
            out.mode = mode;
            ctx.delta_rejected(table).await?;
        }
        let reconcile = mode != TableMode::Incremental && into == Mirror::Filled;
        if reconcile {
            seen.extend(page.rows.iter().map(|r| r.id().to_string()));
        }
        let last = page.last;
        let bulk = into == Mirror::Bulk;
        let n_rows = page.rows.len() as u64;
        let unseen = if reconcile && last {
            Some(std::mem::take(&mut seen))
        } else {
            None
        };
        let write = ctx.writer.submit_rereadable(move |s| {
            // A page of this read may have gone with a failed commit:
            // then the read is not complete and must not say so.
            if last && s.lost_commits() != lost {
                return Err(StoreError::LostPages.into());
            }
            s.rereadable(page.rows.len(), last, |tx| {
                if bulk {
                    mirror::insert_all(tx, &page.rows)?;
                } else {
                    mirror::upsert_all(tx, &page.rows)?;
                }
                let mut deleted = 0;
                for id in &page.deleted {
                    deleted += mirror::delete(tx, table, id)? as u64;
                }
                if let Some(seen) = &unseen {
                    deleted += mirror::delete_unseen(tx, table, seen)? as u64;
                }
                // A complete read stores where the next one starts; one
                // that ended without a link forgets any older link, so the
                // next run reads in full (and reconciles) again.
                if last {
                    mirror::set_delta_link(tx, table, page.delta_link.as_deref())?;
                }
                Ok::<_, EngineError>(deleted)
            })
        });
        pending = Some((Box::pin(write), n_rows));
    }
    Ok(out)
}

impl RunCtx {
    /// Reports a rejected token: an event, a log line and the run's mode.
    async fn delta_rejected(&self, table: Table) -> Result<(), EngineError> {
        let run_id = self.run_id;
        self.emitter.emit(Event::DeltaRejected {
            run_id,
            table: table.entity_set().to_string(),
        });
        tracing::warn!(
            table = table.entity_set(),
            "change-tracking token rejected; reading the table in full once"
        );
        if self.dry_run {
            return Ok(());
        }
        self.writer
            .call(move |s| {
                crate::store::runs::set_mode(s.conn(), run_id, crate::store::runs::RunMode::Full)
                    .map_err(EngineError::from)
            })
            .await?;
        self.emitter.status(|s| {
            if let Some(r) = s.running.as_mut() {
                r.mode = crate::store::runs::RunMode::Full;
            }
        });
        Ok(())
    }
}
