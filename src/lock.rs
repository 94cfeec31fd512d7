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
    Busy {
        dir: PathBuf,
        pid: String,
        /// The holder is `navsync serve` (not a command or a console that
        /// hosts the engine for a while).
        service: bool,
    },
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

/// Written after the pid in the lock file by `navsync serve`, so another
/// one can tell a service (refused, exit 8) from a command that hosts the
/// engine for a while (waited for).
const SERVICE_MARK: &str = "serve";

impl DataDirLock {
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        Self::take(dir, false)
    }

    /// The lock for `navsync serve`: marked as the service's.
    pub(crate) fn acquire_for_service(dir: &Path) -> Result<Self, LockError> {
        Self::take(dir, true)
    }

    fn take(dir: &Path, service: bool) -> Result<Self, LockError> {
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
                let mut holder = String::new();
                let _ = file.take(256).read_to_string(&mut holder);
                let mut words = holder.split_whitespace();
                let pid = words.next().unwrap_or("unknown").to_string();
                return Err(LockError::Busy {
                    dir: dir.to_path_buf(),
                    pid,
                    service: words.next() == Some(SERVICE_MARK),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        if service {
            write!(file, " {SERVICE_MARK}").map_err(io)?;
        }
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

    #[test]
    fn a_service_is_told_apart_from_a_command() {
        let dir = tempfile::tempdir().unwrap();
        for service in [false, true] {
            let held = DataDirLock::take(dir.path(), service).unwrap();
            match DataDirLock::acquire_for_service(dir.path()) {
                Err(LockError::Busy {
                    service: s, pid, ..
                }) => {
                    assert_eq!(s, service);
                    assert_eq!(pid, std::process::id().to_string());
                }
                other => panic!("expected Busy, got {other:?}"),
            }
            drop(held);
        }
    }
}
