//! One writer per data dir. Two navsync processes writing the same store
//! would each think they own the outbox and could send an activity twice,
//! so a second writer is refused with a message naming the holder; readers
//! (`status`, `seats list`) need no lock because SQLite's WAL gives them a
//! consistent snapshot.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another navsync (pid {pid}) is using the data dir {dir}; stop it first, or use `navsync status` which only reads"
    )]
    Busy { dir: PathBuf, pid: String },
    #[error("cannot lock the data dir {dir}: {source}")]
    Io {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// Held for the life of the process (an exclusive `flock` taken through
/// `File::try_lock`); the OS releases the lock when the
/// process dies, even by SIGKILL, so a crash never leaves a stale lock.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let io = |source| LockError::Io {
            dir: dir.to_path_buf(),
            source,
        };
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join("navsync.lock"))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                return Err(LockError::Busy {
                    dir: dir.to_path_buf(),
                    pid: if pid.is_empty() {
                        "unknown".into()
                    } else {
                        pid.to_string()
                    },
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_naming_the_holder_and_the_lock_ends_with_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let held = DataDirLock::acquire(dir.path()).unwrap();
        // flock belongs to the open file, so a second open in this process
        // is refused just as another process would be.
        match DataDirLock::acquire(dir.path()) {
            Err(LockError::Busy { pid, .. }) => assert_eq!(pid, std::process::id().to_string()),
            other => panic!("expected Busy, got {other:?}"),
        }
        drop(held);
        assert!(DataDirLock::acquire(dir.path()).is_ok());
    }
}
