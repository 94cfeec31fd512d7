//! Headless subcommands, one module each; `cli` parses and dispatches here.

pub mod activities;
pub mod connect;
pub mod console;
pub mod demo;
pub mod disconnect;
pub mod doctor;
pub mod init;
pub mod logs;
pub mod man;
pub mod seats;
pub mod serve;
pub mod sim;
pub mod status;
pub mod sync;
pub mod tar;

use crate::exit::ExitStatus;
use crate::service::client::Reconnect;
use crate::service::host::{Face, HostError};

/// The exit code when the data dir's engine can be neither reached nor
/// started: 8 only when another engine holds it.
pub(crate) fn host_exit(e: &HostError) -> ExitStatus {
    if e.is_busy() {
        ExitStatus::Busy
    } else {
        ExitStatus::Failure
    }
}

/// The data dir's engine for a face (the console or a headless command):
/// the running service's when there is one, else one started here,
/// which runs the schedule when `scheduled`. Why there is none is printed
/// here, with the exit code to end on.
async fn engine_for(
    config: crate::config::Config,
    data_dir: &std::path::Path,
    scheduled: bool,
    reconnect: Reconnect,
) -> Result<Face, ExitStatus> {
    crate::service::host::attach_or_start(config, data_dir, scheduled, reconnect)
        .await
        .map_err(|e| {
            eprintln!("navsync: {e}");
            host_exit(&e)
        })
}

/// Runs a headless command against the data dir's engine: the running
/// service when there is one, else an engine started here for the time
/// the command runs (not scheduled). The engine is stopped, or detached
/// from, before this returns.
pub(crate) fn with_engine<F>(
    config: crate::config::Config,
    data_dir: &std::path::Path,
    f: F,
) -> ExitStatus
where
    F: AsyncFnOnce(&mut crate::engine::EngineHandle, bool) -> ExitStatus,
{
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(async {
        let face = match engine_for(config, data_dir, false, Reconnect::Never).await {
            Ok(f) => f,
            Err(status) => return status,
        };
        let attached = face.attached();
        let mut handle = face.handle;
        let status = f(&mut handle, attached).await;
        handle.shutdown().await;
        drop(face.hosting);
        status
    })
}

/// Sends a workspace command and prints the engine's answer: the lines
/// it logs on the way (warnings on stderr), then its sentence. Exit 0 when
/// it did something useful, `refused` when it did not.
pub async fn ask(
    h: &mut crate::engine::EngineHandle,
    command: crate::engine::Command,
    refused: ExitStatus,
) -> ExitStatus {
    use crate::engine::Event;
    use tokio::sync::broadcast::error::RecvError;
    let _ = h.commands.send(command);
    loop {
        match h.events.recv().await {
            Ok(Event::Log { level, note }) if level <= tracing::Level::WARN => {
                for line in crate::describe::note(&note) {
                    eprintln!("{line}")
                }
            }
            Ok(Event::Log { note, .. }) => {
                for line in crate::describe::note(&note) {
                    println!("{line}")
                }
            }
            Ok(Event::ActionResult { ok: true, reply }) => {
                println!("{}", crate::describe::reply(&reply));
                return ExitStatus::Ok;
            }
            Ok(Event::ActionResult { ok: false, reply }) => {
                eprintln!("navsync: {}", crate::describe::reply(&reply));
                return refused;
            }
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return ExitStatus::Failure,
        }
    }
}
