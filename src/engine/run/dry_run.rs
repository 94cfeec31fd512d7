//! Dry runs: the whole sync against a throw-away copy of the store. The
//! CRM is only read (a run writes nothing to it except in writeback, which
//! plans instead of sending in a dry run), and the real store file is only
//! read: it is copied byte for byte (main file plus WAL) while no write is
//! in flight, and everything else happens on the copy. Opening the real
//! file with SQLite at all could checkpoint its WAL on close and so change
//! its bytes; a copy cannot.

use std::path::{Path, PathBuf};

/// A copy of the store in its own temporary directory, removed on drop.
#[derive(Debug)]
pub struct Snapshot {
    dir: PathBuf,
    path: PathBuf,
}

impl Snapshot {
    /// Copies the store at `db` (and its `-wal`, if any). The caller makes
    /// sure no write is in flight: the engine runs this on its writer
    /// thread; `sync --once --dry-run` holds the data-dir lock.
    pub fn take(db: &Path) -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("navsync-dry-run-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir)?;
        let snap = Self {
            path: dir.join("navsync.db"),
            dir,
        };
        if db.exists() {
            std::fs::copy(db, &snap.path)?;
            let wal = wal_path(db);
            if wal.exists() {
                std::fs::copy(&wal, wal_path(&snap.path))?;
            }
        }
        Ok(snap)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wal_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}
