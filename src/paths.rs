//! Where navsync keeps its files: the config file and the data dir (store,
//! token cache, logs). Both come from `directories` unless overridden, so a
//! systemd unit and an interactive admin find the same files.

use std::path::{Path, PathBuf};

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "navsync")
}

/// `~/.config/navsync/config.toml` on Linux.
pub fn default_config_file() -> Option<PathBuf> {
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

/// Creates `dir` (and parents) readable by the owner only: it holds the
/// store and the token cache.
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    } else if !dir.is_dir() {
        return Err(std::io::Error::other(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    Ok(())
}
