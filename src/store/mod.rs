//! The SQLite store: one file in the data dir, opened by the engine as the
//! only writer and by the console as read-only snapshots. Every SQL string
//! of the project lives under this module.

pub mod activities;
pub mod audit;
pub mod connection;
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
}

pub type Result<T> = std::result::Result<T, StoreError>;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("migrations/001_initial.sql")),
        M::up(include_str!("migrations/002_salesstage.sql")),
    ])
});

/// A connection to the store file. `open` gives the engine's writer,
/// `open_readonly` a reader for the console or `status`.
pub struct Store {
    conn: Connection,
    path: PathBuf,
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
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        // A page cache that holds a whole page of a bulk pull (5,000 rows
        // and their index entries) without spilling mid-transaction.
        conn.pragma_update(None, "cache_size", -32_768)
            .map_err(open_err)?;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|source| StoreError::Migrate {
                path: path.to_path_buf(),
                source,
            })?;
        // A process killed during a bulk load leaves its table's indexes
        // dropped; they are rebuilt before anyone reads.
        mirror::ensure_indexes(&conn)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
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
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
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
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// [`transaction`](Self::transaction) committed with
    /// `synchronous=NORMAL`: for data the CRM can give again (mirror pages
    /// of a pull). Under WAL a power cut may lose such a commit but never
    /// corrupts the file, and the next FULL commit (every outbox write)
    /// syncs it with its own, so the outbox keeps its guarantee while a
    /// bulk pull is not held to one fsync per page. A lost page is read
    /// again: its table's delta link is stored with its last page.
    pub fn rereadable_transaction<T, E>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(StoreError::from)?;
        let out = self.transaction(f);
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(StoreError::from)?;
        out
    }

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
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().unwrap();
    }
}
