//! One engine per data dir: attach to the one running, or become it.
//! Becoming it means taking the data-dir lock, starting the engine on the
//! real store and publishing it on the socket, so faces that come later
//! attach to this one instead of being refused.

use std::path::Path;
use std::time::Duration;

use super::client::{self, AttachError, Reconnect};
use super::server::{self, Listener};
use crate::config::Config;
use crate::engine::run::dry_run::Snapshot;
use crate::engine::{Engine, EngineError, EngineHandle, Options};
use crate::lock::{DataDirLock, LockError};

/// While the lock is held by a process that has not opened its socket yet
/// (it is starting), look again this often, this many times.
pub(crate) const BUSY_RETRY: Duration = Duration::from_millis(200);
pub(crate) const BUSY_TRIES: u32 = 25;

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error(transparent)]
    Attach(#[from] AttachError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("cannot listen on {path}: {source}")]
    Listen {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl HostError {
    /// Another engine holds the data dir and never answered on its socket.
    pub(crate) fn is_busy(&self) -> bool {
        matches!(self, HostError::Lock(LockError::Busy { .. }))
    }
}

/// What a face talks to.
pub struct Face {
    pub handle: EngineHandle,
    /// Set when the engine runs in this process: drop it only after the
    /// engine stopped (it holds the lock and the socket).
    pub hosting: Option<Hosting>,
    /// The process the engine runs in (this one when hosting).
    pub pid: u32,
}

impl Face {
    pub fn attached(&self) -> bool {
        self.hosting.is_none()
    }
}

/// The lock and the socket of an engine run by this process.
pub struct Hosting {
    // Field order is drop order: stop listening before releasing the lock.
    pub listener: Option<Listener>,
    _lock: DataDirLock,
}

/// Starts the engine here, for `navsync serve` (no attaching: a second
/// service is refused, exit 8). A command or a console that hosts the
/// engine for now is waited for, and the service takes over when it is
/// done, so the service always comes up. The socket is required.
pub async fn serve(config: Config, data_dir: &Path) -> Result<Face, HostError> {
    loop {
        match DataDirLock::acquire_for_service(data_dir) {
            Ok(lock) => return host(config, data_dir, true, swept(lock, data_dir), true),
            Err(LockError::Busy {
                service: false,
                pid,
                ..
            }) => {
                tracing::info!(
                    pid,
                    "a navsync command hosts the engine; serving as soon as it is done"
                );
                until_released(data_dir).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Waits until the engine hosted on `data_dir` goes away: its socket's
/// event stream ends. A holder with no socket (starting, or none) is
/// looked at again after a moment.
async fn until_released(data_dir: &Path) {
    let socket = super::socket_file(data_dir);
    match client::attach(&socket, Reconnect::Never).await {
        Ok(mut h) => {
            use tokio::sync::broadcast::error::RecvError;
            while !matches!(h.events.recv().await, Err(RecvError::Closed)) {}
        }
        Err(_) => tokio::time::sleep(BUSY_RETRY).await,
    }
}

/// Takes the data-dir lock and sweeps the dry-run copies that processes
/// killed mid-run left behind (the next owner of the data dir cleans up).
pub(crate) fn take_data_dir(data_dir: &Path) -> Result<DataDirLock, LockError> {
    DataDirLock::acquire(data_dir).map(|lock| swept(lock, data_dir))
}

/// `lock`, once the dry-run copies a killed process left are removed.
fn swept(lock: DataDirLock, data_dir: &Path) -> DataDirLock {
    match Snapshot::sweep(data_dir) {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            copies = n,
            "removed dry-run copies left by a killed process"
        ),
        Err(e) => tracing::warn!("cannot sweep old dry-run copies: {e}"),
    }
    lock
}

/// Attaches to the data dir's engine, or starts one here when there is
/// none. `scheduled`: whether an engine started here runs the schedule
/// (the console) or only what it is asked (the headless commands).
pub(crate) async fn attach_or_start(
    config: Config,
    data_dir: &Path,
    scheduled: bool,
    reconnect: Reconnect,
) -> Result<Face, HostError> {
    let socket = super::socket_file(data_dir);
    let mut tries = 0;
    loop {
        match client::attach_to(&socket, reconnect).await {
            Ok((handle, pid)) => {
                return Ok(Face {
                    handle,
                    hosting: None,
                    pid,
                });
            }
            Err(AttachError::NoEngine(_)) => {}
            Err(e) => return Err(e.into()),
        }
        match take_data_dir(data_dir) {
            Ok(lock) => return host(config, data_dir, scheduled, lock, false),
            Err(LockError::Busy { .. }) if tries < BUSY_TRIES => {
                tries += 1;
                tokio::time::sleep(BUSY_RETRY).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn host(
    config: Config,
    data_dir: &Path,
    scheduled: bool,
    lock: DataDirLock,
    socket_required: bool,
) -> Result<Face, HostError> {
    let options = Options {
        data_dir: data_dir.to_path_buf(),
        scheduled,
    };
    let handle = Engine::start_with(config, &crate::paths::store_file(data_dir), options)?;
    let path = super::socket_file(data_dir);
    let listener = match server::listen(&path, &handle) {
        Ok(l) => Some(l),
        Err(source) if socket_required => return Err(HostError::Listen { path, source }),
        Err(e) => {
            // The work can still be done; only attaching to it cannot.
            tracing::warn!(socket = %path.display(), "cannot publish the engine: {e}");
            None
        }
    };
    Ok(Face {
        handle,
        hosting: Some(Hosting {
            listener,
            _lock: lock,
        }),
        pid: std::process::id(),
    })
}
