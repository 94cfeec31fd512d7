//! The SQLite store: one file in the data dir, opened by the engine as the
//! only writer and by the console as read-only snapshots. Every SQL string
//! of the project lives under this module.

pub mod activities;
pub mod audit;
pub mod connection;
pub mod match_rows;
pub mod mirror;
pub mod outbox;
pub mod reason;
pub mod runs;
pub mod saved;
pub mod seats;
pub mod settings;
pub mod unresolved;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("store {path}: cannot apply schema migrations: {source}")]
    Migrate {
        path: PathBuf,
        source: rusqlite_migration::Error,
    },
    #[error("store: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("store: bad value in column {column}: {value}")]
    BadValue { column: &'static str, value: String },
    #[error(
        "store: pages read earlier were not committed; the table is read again at the next sync"
    )]
    LostPages,
}

pub type Result<T> = std::result::Result<T, StoreError>;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("migrations/001_initial.sql")),
        M::up(include_str!("migrations/002_salesstage.sql")),
        M::up(include_str!("migrations/003_mirror_keys_as_indexes.sql")),
        M::up(include_str!("migrations/004_threads_and_tags.sql")).foreign_key_check(),
        M::up(include_str!("migrations/005_contact_owner_and_created.sql")),
        M::up(include_str!("migrations/006_resolved_by.sql")),
        M::up(include_str!("migrations/007_phase_names.sql")),
        M::up(include_str!("migrations/008_outbox_typed_writes.sql")),
    ])
});

/// A connection to the store file. `open` gives the engine's writer,
/// `open_readonly` a reader for the console or `status`.
pub struct Store {
    conn: Connection,
    /// Rows re-readable writes left uncommitted (see [`Store::rereadable`]);
    /// `None` when no such transaction is open.
    pending: Option<usize>,
    /// Commits of re-readable writes that failed, so a read that spans one
    /// knows some of its pages are gone.
    lost_commits: u64,
}

/// Re-readable rows that may wait uncommitted: a transaction per this many
/// rows instead of per page. Keys are random GUIDs, so a page of 5,000
/// rows touches most leaves of a table's key index; each commit writes
/// every page it touched to the WAL again, and fewer commits write (and
/// checkpoint) far less.
const PENDING_ROWS: usize = 40_000;

/// Pages of write-ahead log after which a commit copies it into the
/// file itself: 32 MB (the page cache's size). A run that changes up to
/// about 1,800 scattered rows (a page each) stays under it and is copied
/// after it ends; a full pull's log is copied whenever it passes it.
const AUTO_CHECKPOINT_PAGES: i64 = 2_048;

/// The page cache, in KiB (SQLite's negative `cache_size`): it holds a
/// whole page of a bulk pull (5,000 rows and their index entries)
/// without spilling mid-transaction.
pub(crate) const CACHE_KIB: i64 = 32_768;

/// How much of the file a connection maps while it reads mapped.
const MAP_BYTES: i64 = 2 << 30;

/// Runs `read` with the store file mapped: read-only statements then take
/// pages where the kernel holds them, where otherwise each page read is a
/// read call into a fresh page-cache buffer. Unmapped again after, so a
/// long-lived connection does not keep the file's pages resident (they
/// would count in its memory). Write statements still read through the
/// page cache: SQLite maps only for reading.
/// https://sqlite.org/mmap.html
pub(crate) fn with_mapped_reads<T>(
    conn: &Connection,
    read: impl FnOnce() -> Result<T>,
) -> Result<T> {
    with_pragmas(conn, &[("mmap_size", MAP_BYTES)], &[("mmap_size", 0)], read)
}

/// Runs `work` with the pragmas of `during` set, and sets those of
/// `after` whatever `work` did: a long-lived connection must not keep a
/// setting meant for one piece of work.
fn with_pragmas<T>(
    conn: &Connection,
    during: &[(&str, i64)],
    after: &[(&str, i64)],
    work: impl FnOnce() -> Result<T>,
) -> Result<T> {
    for (name, value) in during {
        conn.pragma_update(None, name, value)?;
    }
    let out = work();
    let restored = after
        .iter()
        .try_for_each(|(name, value)| conn.pragma_update(None, name, value));
    let out = out?;
    restored?;
    Ok(out)
}

impl Store {
    /// Opens (creating if needed) the store and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        // WAL lets the console read snapshots while the engine writes.
        // synchronous=FULL (not WAL's usual NORMAL) because the outbox is the
        // record that a CRM write was decided: with NORMAL a power cut can
        // undo a committed outbox row after its request has gone out, and the
        // restart would then mint a new id and write the activity twice.
        // 16 KiB pages for a new store (an existing one keeps its own):
        // the mirrors' random-GUID key indexes take a third less CPU to
        // fill than with 4 KiB pages (fewer levels and page splits;
        // measured on 172k rows). Only takes effect before the first write.
        conn.pragma_update(None, "page_size", 16_384)
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)
            .map_err(open_err)?;
        // The write-ahead log keeps the size of its biggest transaction (a
        // mirror's index built at the end of a first load: 55 MB at a
        // million contacts) until the last connection closes; truncated
        // to this after each checkpoint instead. Twice the checkpoint
        // mark, so a full pull reuses its log rather than cutting it back
        // and growing it again after every checkpoint: with 16 MB, that
        // took bench pull's large pull from 1.15-1.27 to 1.34-1.37 times
        // its download.
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)
            .map_err(open_err)?;
        // SQLite copies the log into the file inside the commit that takes
        // it past this many pages (1,000 by default: 16 MB of our pages).
        // An incremental run of 1,000 changed contacts commits about 1,100
        // pages, so that copy and its two fsyncs (the log's, the file's)
        // fell inside the run: 30-45 ms of an 80-100 ms run, growing with
        // the file, since its pages lie farther apart. A run's own writes
        // are copied just after it ends instead ([`Store::checkpoint`]);
        // this mark only bounds the log of a long run (a full pull).
        // https://sqlite.org/c3ref/wal_autocheckpoint.html
        conn.pragma_update(None, "wal_autocheckpoint", AUTO_CHECKPOINT_PAGES)
            .map_err(open_err)?;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|source| StoreError::Migrate {
                path: path.to_path_buf(),
                source,
            })?;
        // Foreign keys are enforced from here on; migrations run without
        // them, so one can rebuild a table others refer to (SQLite's
        // ALTER TABLE procedure) and check the keys after.
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        // A process killed during a bulk load leaves its table's indexes
        // dropped; they are rebuilt before anyone reads.
        mirror::ensure_indexes(&conn)?;
        Ok(Self {
            conn,
            pending: None,
            lost_commits: 0,
        })
    }

    /// A read-only connection for a reader beside the engine. The file must
    /// exist and be migrated already.
    pub fn open_readonly(path: &Path) -> Result<Self> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        Ok(Self {
            conn,
            pending: None,
            lost_commits: 0,
        })
    }

    #[cfg(any(test, feature = "testkit"))]
    pub fn path(&self) -> &Path {
        Path::new(self.conn.path().unwrap_or_default())
    }

    /// The connection, for the typed functions of the table modules.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one transaction: committed when it returns Ok, rolled back
    /// otherwise (and by SQLite if the process dies first).
    pub fn transaction<T, E>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        self.commit_pending_or_warn();
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `f`, a write of data the CRM can give again (`rows` mirror
    /// rows of a pull), inside a transaction that stays open for the next
    /// such writes: it is committed once [`PENDING_ROWS`] rows wait, when
    /// `durable` (the page that ends a table read and stores its delta
    /// link), or by [`commit_pending`](Self::commit_pending) before any
    /// other write (the writer thread calls it first). A failed `f` rolls
    /// back the writes waiting with it (counted as a lost commit). The commit uses `synchronous=NORMAL`:
    /// under WAL a power cut may lose it but never corrupts the file, and
    /// the next FULL commit (every outbox write) syncs it with its own, so
    /// the outbox keeps its guarantee.
    ///
    /// Rows lost before their commit (a crash, a failed commit) are read
    /// again: a table's delta link is committed with its last page, after
    /// every page before it, and a failed commit is counted in
    /// [`lost_commits`](Self::lost_commits) for the reads it spans.
    pub fn rereadable<T, E>(
        &mut self,
        rows: usize,
        durable: bool,
        f: impl FnOnce(&Connection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        if self.pending.is_none() {
            self.conn
                .pragma_update(None, "synchronous", "NORMAL")
                .map_err(StoreError::from)?;
            self.conn.execute_batch("BEGIN").map_err(StoreError::from)?;
            self.pending = Some(0);
        }
        let out = match f(&self.conn) {
            Ok(v) => v,
            Err(e) => {
                // No savepoint per write (each would copy every page it
                // touches to a sub-journal first): a failed write undoes
                // the writes waiting with it, counted as a lost commit.
                self.pending = None;
                self.lost_commits += 1;
                let _ = self.conn.execute_batch("ROLLBACK");
                self.conn
                    .pragma_update(None, "synchronous", "FULL")
                    .map_err(StoreError::from)?;
                return Err(e);
            }
        };
        let waiting = self.pending.unwrap_or(0) + rows;
        self.pending = Some(waiting);
        if durable || waiting >= PENDING_ROWS {
            self.commit_pending()?;
        }
        Ok(out)
    }

    /// Commits what [`rereadable`](Self::rereadable) left open. On failure
    /// it is rolled back and counted in `lost_commits`.
    pub(crate) fn commit_pending(&mut self) -> Result<()> {
        if self.pending.take().is_none() {
            return Ok(());
        }
        let out = self.conn.execute_batch("COMMIT");
        if out.is_err() {
            self.lost_commits += 1;
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(out?)
    }

    /// [`commit_pending`](Self::commit_pending) before another write,
    /// which must not fail for it: the failure is logged and counted.
    pub(crate) fn commit_pending_or_warn(&mut self) {
        if let Err(e) = self.commit_pending() {
            tracing::warn!(error = %e, "mirror pages were not committed; their tables are read again");
        }
    }

    /// How many commits of re-readable writes have failed: a table read
    /// that sees this change has lost pages and must not store its delta
    /// link.
    pub fn lost_commits(&self) -> u64 {
        self.lost_commits
    }

    /// Copies the pages the write-ahead log holds into the database file,
    /// without waiting for readers (a reader's pages stay in the log for
    /// a later checkpoint). Queued as a run ends, so between runs the file
    /// alone is the whole store: an operator who copies `navsync.db` for a
    /// backup, without its `-wal`, gets the last run, where SQLite's own
    /// checkpoint (at [`AUTO_CHECKPOINT_PAGES`]) could leave a small run's
    /// writes in the log for days. The run does not wait for it: its
    /// writes are durable once its last commit has synced the log.
    pub(crate) fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    #[cfg(any(test, feature = "testkit"))]
    /// `PRAGMA integrity_check` == "ok".
    pub fn integrity_ok(&self) -> Result<bool> {
        let s: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(s == "ok")
    }
}

/// Current time as stored: RFC 3339 UTC with seconds.
pub fn now() -> String {
    stamp(chrono::Utc::now())
}

/// A time as the store keeps it: RFC 3339 UTC, to the second.
pub fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A stored time read back as a time (the store writes them all with
/// [`stamp`]; a damaged one is a column error, not a panic).
pub(crate) fn time(text: &str) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

/// Column `i` of a row as a time.
pub(crate) fn time_at(
    r: &rusqlite::Row<'_>,
    i: usize,
) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    time(&r.get::<_, String>(i)?)
}

/// Column `i` of a row as a time, if it has one.
pub(crate) fn opt_time_at(
    r: &rusqlite::Row<'_>,
    i: usize,
) -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
    r.get::<_, Option<String>>(i)?
        .as_deref()
        .map(time)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().unwrap();
    }

    /// A store whose runs recorded the "saved lists" phase under its old
    /// name reads it back as the phase, after the migration.
    #[test]
    fn old_phase_names_read_back_as_phases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("navsync.db");
        let mut conn = Connection::open(&path).unwrap();
        MIGRATIONS.to_version(&mut conn, 6).unwrap();
        conn.execute_batch(
            "INSERT INTO sync_runs (id, started_at, finished_at, mode, outcome)
                 VALUES (1, '2026-11-25T07:00:00Z', '2026-11-25T07:00:09Z', 'full', 'ok');
             INSERT INTO sync_run_phases (run_id, phase, rows, started_at, finished_at)
                 VALUES (1, 'saved lists', 4, '2026-11-25T07:00:05Z', '2026-11-25T07:00:06Z'),
                        (1, 'contacts', 9, '2026-11-25T07:00:01Z', '2026-11-25T07:00:04Z');",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let run = &runs::recent(store.conn(), 1).unwrap()[0];
        assert_eq!(
            run.phases,
            vec![
                (crate::vocab::Phase::Contacts, 9),
                (crate::vocab::Phase::SavedLists, 4)
            ]
        );
        let last = runs::last_finished(store.conn()).unwrap().unwrap();
        assert!(
            last.reads_done,
            "the saved lists phase is found by its name"
        );
    }
    /// A connection stored before checks were typed keeps its checks' words
    /// (in the language of the connect); the rest of the row is typed.
    #[test]
    fn a_connection_stored_with_worded_checks_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("navsync.db")).unwrap();
        store
            .conn()
            .execute_batch(
                r#"INSERT INTO connection (id, state, instance_url, tenant_id, client_id, auth_method,
                       checks_json, connected_at, updated_at, last_error_kind)
                   VALUES (1, 'error', 'https://x.crm.dynamics.com', 't', 'c', 'client_secret',
                       '[{"id":"sign_in","passed":true,"detail":"sesión iniciada (client_secret)"},
                         {"id":"version","passed":false,"detail":"8.1"}]',
                       '2026-11-20T10:00:00Z', '2026-11-25T06:48:00Z', 'unsupported')"#,
            )
            .unwrap();
        let row = connection::get(store.conn()).unwrap().unwrap();
        assert_eq!(
            row.last_error_kind,
            Some(crate::vocab::ErrorClass::Unsupported)
        );
        assert_eq!(row.checks.len(), 2);
        assert_eq!(row.checks[0].id, crate::vocab::CheckId::SignIn);
        assert_eq!(
            row.checks[0].detail.as_deref(),
            Some("sesión iniciada (client_secret)")
        );
        assert!(!row.checks[1].passed);
        // Written again, it stays readable.
        connection::put(store.conn(), &row).unwrap();
        assert_eq!(connection::get(store.conn()).unwrap().unwrap(), row);
    }
}
