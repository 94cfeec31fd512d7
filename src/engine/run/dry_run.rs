//! Dry runs: the whole sync against a throw-away copy of the store. The
//! CRM is only read (a run writes nothing to it except in writeback, which
//! plans instead of sending in a dry run), and the real store file is only
//! read: it is copied byte for byte (main file plus WAL) while no write is
//! in flight, and everything else happens on the copy. Opening the real
//! file with SQLite at all could checkpoint its WAL on close and so change
//! its bytes; a copy cannot.
//!
//! The copy holds every contact the store holds, so it is as private as
//! the store: a 0700 directory inside the (0700) data dir, files 0600.
//! It is removed when the run ends; a process killed meanwhile leaves it
//! behind, so whoever takes the data dir next sweeps copies no live
//! process holds (each copy's directory keeps an `flock`ed file for the
//! life of its owner, and the kernel releases it even on SIGKILL).

use std::fs::{DirBuilder, File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Copies live in `<data dir>/dry-run-<uuid>/`.
const PREFIX: &str = "dry-run-";
/// Held (flock) by the process that owns the copy.
const OWNER: &str = "owner.lock";

/// A copy of the store in its own private directory, removed on drop.
#[derive(Debug)]
pub struct Snapshot {
    dir: PathBuf,
    path: PathBuf,
    _owner: File,
}

impl Snapshot {
    /// Copies the store at `db` (and its `-wal`, if any) into a new private
    /// directory in `data_dir`. The caller makes sure no write is in
    /// flight: the engine runs this on its writer thread; `sync --once
    /// --dry-run` holds the data-dir lock.
    pub fn take(db: &Path, data_dir: &Path) -> std::io::Result<Self> {
        let dir = data_dir.join(format!("{PREFIX}{}", uuid::Uuid::new_v4()));
        DirBuilder::new().mode(0o700).create(&dir)?;
        let owner = match private_file(&dir.join(OWNER)) {
            Ok(f) => f,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        // From here on, dropping `snap` removes the directory.
        let snap = Self {
            path: dir.join("navsync.db"),
            dir,
            _owner: owner,
        };
        snap._owner.try_lock().map_err(std::io::Error::other)?;
        if db.exists() {
            copy_private(db, &snap.path)?;
            let wal = wal_path(db);
            if wal.exists() {
                copy_private(&wal, &wal_path(&snap.path))?;
            }
        }
        Ok(snap)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the copies in `data_dir` that no live process owns (left by
    /// a process that was killed); returns how many.
    pub(crate) fn sweep(data_dir: &Path) -> std::io::Result<usize> {
        let mut removed = 0;
        for entry in std::fs::read_dir(data_dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if !name.to_string_lossy().starts_with(PREFIX) || !entry.file_type()?.is_dir() {
                continue;
            }
            let dir = entry.path();
            let orphan = match File::open(dir.join(OWNER)) {
                Ok(f) => f.try_lock().is_ok(),
                // Killed before its lock file existed.
                Err(e) => e.kind() == std::io::ErrorKind::NotFound,
            };
            if orphan {
                std::fs::remove_dir_all(&dir)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A new file only the owner may read.
fn private_file(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

fn copy_private(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut src = File::open(from)?;
    let mut dst = private_file(to)?;
    std::io::copy(&mut src, &mut dst)?;
    Ok(())
}

fn wal_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_copy_is_private_and_only_orphans_are_swept() {
        let data = tempfile::tempdir().unwrap();
        let db = data.path().join("navsync.db");
        std::fs::write(&db, "main").unwrap();
        std::fs::write(wal_path(&db), "wal").unwrap();
        let live = Snapshot::take(&db, data.path()).unwrap();
        let dir = live.path().parent().unwrap().to_path_buf();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(live.path()), 0o600);
        assert_eq!(mode(&wal_path(live.path())), 0o600);
        assert_eq!(
            std::fs::read_to_string(wal_path(live.path())).unwrap(),
            "wal"
        );
        // A live copy is left alone; one whose owner is gone is removed.
        let orphan = data.path().join(format!("{PREFIX}left-by-a-kill"));
        std::fs::create_dir(&orphan).unwrap();
        std::fs::write(orphan.join(OWNER), "").unwrap();
        assert_eq!(Snapshot::sweep(data.path()).unwrap(), 1);
        assert!(!orphan.exists());
        assert!(live.path().exists());
        drop(live);
        assert!(!dir.exists());
        assert!(db.exists());
    }
}
