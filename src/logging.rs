//! Logging goes to a daily-rolling file in the data dir: the console owns the
//! terminal, and headless runs keep stdout for their summary. `RUST_LOG`
//! overrides the configured level.

use std::path::Path;

use tracing_subscriber::EnvFilter;

/// Keeps the background log writer alive; drop it last so the tail of the
/// log is flushed.
pub struct LogGuard {
    _worker: tracing_appender::non_blocking::WorkerGuard,
}

/// Installs the global subscriber writing to `<data_dir>/logs/navsync.log.DATE`.
pub fn init(data_dir: &Path, level: &str) -> std::io::Result<LogGuard> {
    let dir = crate::paths::log_dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("navsync.log")
        .max_log_files(14)
        .build(&dir)
        .map_err(std::io::Error::other)?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("navsync={level},warn")));
    // A second init (tests, demo re-entry) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(LogGuard { _worker: guard })
}
