//! Where navsync keeps its files: the config file and the data dir (store,
//! token cache, logs). Both come from `directories` unless overridden, so a
//! systemd unit and an interactive admin find the same files.

use std::path::{Path, PathBuf};

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "navsync")
}

/// `~/.config/navsync/config.toml` on Linux.
pub(crate) fn default_config_file() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// `--data-dir` (or `$NAVSYNC_DATA_DIR`, which clap reads into it), else
/// `~/.local/share/navsync`.
pub fn data_dir(cli: Option<&Path>) -> PathBuf {
    if let Some(p) = cli {
        return p.to_path_buf();
    }
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".navsync-data"))
}

/// The SQLite store inside a data dir.
pub fn store_file(data_dir: &Path) -> PathBuf {
    data_dir.join("navsync.db")
}

/// The OAuth token cache inside a data dir (mode 0600).
pub fn token_cache_file(data_dir: &Path) -> PathBuf {
    data_dir.join("token-cache.json")
}

/// The directory of rolling log files.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// True when only the owner may read or write `path` (no group/other bits).
/// Secrets and tokens may live only in such files.
pub fn is_private_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 == 0)
}

/// Why a data dir was refused or could not be made private.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DataDirError {
    #[error("{dir} is not a directory")]
    NotADirectory { dir: PathBuf },
    /// Its owner could read the store and the token cache, and replace
    /// the lock or the socket under us.
    #[error("{dir} belongs to uid {owner}, not to uid {own} that runs navsync")]
    ForeignOwner { dir: PathBuf, owner: u32, own: u32 },
    /// Others could swap its files (the lock, the socket, the store).
    #[error("{dir} is writable by its group or by everyone (mode {mode:o})")]
    Writable { dir: PathBuf, mode: u32 },
    #[error("cannot create or restrict {dir}: {source}")]
    Io {
        dir: PathBuf,
        source: std::io::Error,
    },
}

impl DataDirError {
    /// Refused as it stands (the admin fixes the dir); the rest are I/O
    /// failures.
    pub(crate) fn is_refusal(&self) -> bool {
        !matches!(self, Self::Io { .. })
    }
}

/// Creates `dir` (and parents) readable by the owner only, since it holds
/// the store and the token cache. An existing one must be ours and not
/// writable by others (else refused: we would be trusting someone else's
/// files); it is then restricted to 0700, and a chmod that fails is an
/// error, not a silent leak.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<(), DataDirError> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    let io = |source| DataDirError::Io {
        dir: dir.to_path_buf(),
        source,
    };
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(io);
        }
        Err(e) => return Err(io(e)),
    };
    // A symlink is judged by where it leads, like any path the user names.
    let meta = if meta.file_type().is_symlink() {
        std::fs::metadata(dir).map_err(io)?
    } else {
        meta
    };
    if !meta.is_dir() {
        return Err(DataDirError::NotADirectory {
            dir: dir.to_path_buf(),
        });
    }
    let own = rustix::process::geteuid().as_raw();
    if meta.uid() != own {
        return Err(DataDirError::ForeignOwner {
            dir: dir.to_path_buf(),
            owner: meta.uid(),
            own,
        });
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(DataDirError::Writable {
            dir: dir.to_path_buf(),
            mode,
        });
    }
    if mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_data_dir_is_0700_and_an_open_one_of_ours_is_restricted() {
        let tmp = tempfile::tempdir().unwrap();
        let new = tmp.path().join("a/b");
        ensure_private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        let open = tmp.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
    }

    #[test]
    fn a_data_dir_others_can_write_or_a_file_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let shared = tmp.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let err = ensure_private_dir(&shared).unwrap_err();
        assert!(
            matches!(err, DataDirError::Writable { mode: 0o1777, .. }),
            "{err:?}"
        );
        assert!(err.is_refusal());
        assert_eq!(mode(&shared), 0o777, "a refused dir is left as it was");
        let file = tmp.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(
            ensure_private_dir(&file),
            Err(DataDirError::NotADirectory { .. })
        ));
    }
}
