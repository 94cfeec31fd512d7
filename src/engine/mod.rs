//! The sync engine: the only writer to the store. The console and the
//! headless commands talk to it only through [`Command`]s in and
//! [`Event`]s plus a [`Status`] snapshot out.
//!
//! - `interface`: what the faces see (commands, events, the handle, errors);
//! - `effects`: the single store writer and the emitter, below everything
//!   that decides, so use cases and runs never reach up into the loop;
//! - `service_loop`: the engine while it runs (command loop, the crm
//!   client's reports);
//! - `run`: one sync run and its phases (pull, writeback, dry run, schedule);
//! - `usecases`: what a user asks of the workspace (connection, seats,
//!   import, matching, resolve, settings, exactly-once writeback);
//! - `ports`: what the engine needs from the CRM (`CrmSource`, `CrmWrites`)
//!   and the crm client plugged into them.
//!
//! This file starts an engine: it wires the parts together.

pub mod effects;
pub mod interface;
pub mod ports;
pub mod run;
pub mod service_loop;
pub mod usecases;

pub use effects::emit::EVENT_BUFFER;
pub use interface::answer::Answer;
pub use interface::command::Command;
pub use interface::error::EngineError;
pub use interface::event::{ErrorClass, Event, Phase, Status, UserError, View};
pub use interface::handle::EngineHandle;

use std::path::Path;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::config::Config;
use crate::crm;
use crate::store::{self, Store, runs};

pub struct Engine;

/// How an engine runs, besides its config and store.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the token cache lives. A dry run works on a copy of the store
    /// in a temporary directory but signs in with the real cache.
    pub data_dir: std::path::PathBuf,
    /// Run by the schedule (every sync interval; at once when overdue).
    /// Off for one-shot runs (`sync --once`, benchmarks), which only run
    /// what they ask for.
    pub scheduled: bool,
}

impl Engine {
    /// Opens the store at `store_path` as the single writer, closes runs a
    /// dead process left open, and starts the command loop on the current
    /// tokio runtime (call it inside one). The data dir (token cache) is the
    /// store's directory. The engine stops on `Command::Shutdown` (or when
    /// every command sender is dropped); the event channel then closes.
    pub fn start(config: Config, store_path: &Path) -> Result<EngineHandle, EngineError> {
        let options = Options {
            data_dir: store_path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            scheduled: true,
        };
        Self::start_with(config, store_path, options)
    }

    /// [`start`](Self::start) with explicit [`Options`].
    pub fn start_with(
        config: Config,
        store_path: &Path,
        options: Options,
    ) -> Result<EngineHandle, EngineError> {
        let data_dir = options.data_dir.as_path();
        let store = Store::open(store_path)?;
        let abandoned = runs::close_abandoned(store.conn())?;
        if abandoned > 0 {
            tracing::warn!(
                abandoned,
                "closed sync runs left open by a process that ended"
            );
        }
        let mut initial = initial_status(&store)?;
        let eff = usecases::settings::effective(store.conn(), &config)?;
        // A run cut short (a stop, a crash, a cancel) is resumed at once
        // rather than an interval after it started.
        let last_real = runs::recent(store.conn(), 8)?
            .into_iter()
            .find(|r| r.mode != runs::RunMode::DryRun);
        let last_start = match last_real {
            Some(r) if r.outcome == runs::Outcome::Cancelled => None,
            _ => runs::last_started(store.conn())?,
        };
        let writer = effects::writer::Writer::spawn(store)?;
        let client = if initial.connected {
            match crate::engine::ports::client_config(&config, data_dir).and_then(crm::Client::new)
            {
                Ok(c) => Some(c),
                Err(e) => {
                    initial.last_error = Some(interface::user_error::user_error(&e));
                    None
                }
            }
        } else {
            None
        };
        let (emitter, events, status) = effects::emit::Emitter::new(initial);
        let (client_events, client_rx) = mpsc::unbounded_channel();
        tokio::spawn(service_loop::client_events::forward(
            client_rx,
            emitter.clone(),
        ));
        let client = client.map(|c| c.with_events(client_events.clone()));
        let (commands, rx) = mpsc::unbounded_channel();
        let now = chrono::Utc::now();
        let core = service_loop::command_loop::CommandLoop {
            config: Arc::new(config),
            writer,
            emitter,
            store_path: store_path.to_path_buf(),
            client,
            client_events,
            data_dir: data_dir.to_path_buf(),
            scheduled: options.scheduled,
            interval: eff.sync_interval,
            next_sync: run::schedule::next_due(last_start, eff.sync_interval, now),
            failures: 0,
            paused: false,
            connecting: None,
        };
        tokio::spawn(core.run(rx));
        Ok(EngineHandle {
            commands,
            events,
            status,
        })
    }
}

/// The status a fresh engine starts from, read from the store.
fn initial_status(store: &Store) -> store::Result<Status> {
    let conn = store::connection::get(store.conn())?;
    let connected = conn
        .as_ref()
        .is_some_and(|c| c.state == store::connection::ConnState::Connected);
    Ok(Status {
        connected,
        instance_url: conn.as_ref().map(|c| c.instance_url.clone()),
        crm_user: conn.as_ref().and_then(|c| c.crm_user_name.clone()),
        org_version: conn.as_ref().and_then(|c| c.org_version.clone()),
        last_sync: runs::last_success(store.conn())?,
        last_run: usecases::connection::last_run(store)?,
        ..Status::default()
    })
}
