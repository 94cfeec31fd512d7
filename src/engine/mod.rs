//! The sync engine: the only writer to the store. The console and the
//! headless commands talk to it only through [`Command`]s in and
//! [`Event`]s plus a [`Status`] snapshot out.

mod client_events;
pub mod command;
mod command_loop;
pub mod connection;
pub(crate) mod crm_source;
pub mod dry_run;
mod emit;
mod error;
pub mod event;
pub mod import;
pub mod matching;
pub mod pull;
pub mod resolve;
pub(crate) mod run;
pub(crate) mod schedule;
pub mod seats;
pub mod settings;
pub mod user_error;
pub mod writeback;
mod writeback_phase;
pub mod writer;

pub use command::Command;
pub use emit::EVENT_BUFFER;
pub use error::EngineError;
pub use event::{ErrorClass, Event, Phase, Status, UserError, View};

use std::path::Path;
use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, watch};

use crate::config::Config;
use crate::crm;
use crate::store::{self, Store, runs};

/// The engine's answer to a workspace command (seats, import, resolve):
/// the sentence for the user and the view whose rows changed, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// False when the command did nothing useful (e.g. no usable line).
    pub ok: bool,
    pub message: String,
    pub changed: Option<View>,
    /// Lines logged one by one before the answer (each bad line of an
    /// import, each seat of an assignment), so the Log tab and a headless
    /// command show all of them where the sentence shows a few.
    pub log: Vec<(tracing::Level, String)>,
}

/// The console's and the headless commands' grip on a running engine.
/// Sending never blocks (unbounded), so a slow engine cannot freeze a key
/// handler; events are broadcast so several faces can listen.
pub struct EngineHandle {
    pub commands: mpsc::UnboundedSender<Command>,
    pub events: broadcast::Receiver<Event>,
    pub status: watch::Receiver<Status>,
}

impl EngineHandle {
    /// Stops the engine (attached: detaches from it) and waits until its
    /// event channel closes, so a run in flight has recorded its end.
    pub async fn shutdown(&mut self) {
        let _ = self.commands.send(Command::Shutdown);
        while !matches!(
            self.events.recv().await,
            Err(broadcast::error::RecvError::Closed)
        ) {}
    }
}

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
        let eff = settings::effective(store.conn(), &config)?;
        // A run cut short (a stop, a crash, a cancel) is resumed at once
        // rather than an interval after it started.
        let last_real = runs::recent(store.conn(), 8)?
            .into_iter()
            .find(|r| r.mode != runs::RunMode::DryRun.as_str());
        let last_start = match last_real {
            Some(r) if r.outcome == runs::Outcome::Cancelled => None,
            _ => runs::last_started(store.conn())?,
        };
        let writer = writer::Writer::spawn(store)?;
        let client = if initial.connected {
            match crm::ClientConfig::from_config(&config, data_dir).and_then(crm::Client::new) {
                Ok(c) => Some(c),
                Err(e) => {
                    initial.last_error = Some(user_error::user_error(&e, config.lang));
                    None
                }
            }
        } else {
            None
        };
        let (emitter, events, status) = emit::Emitter::new(initial);
        let (client_events, client_rx) = mpsc::unbounded_channel();
        tokio::spawn(client_events::forward(client_rx, emitter.clone()));
        let client = client.map(|c| c.with_events(client_events.clone()));
        let (commands, rx) = mpsc::unbounded_channel();
        let now = chrono::Utc::now();
        let core = command_loop::CommandLoop {
            config: Arc::new(config),
            writer,
            emitter,
            store_path: store_path.to_path_buf(),
            client,
            client_events,
            data_dir: data_dir.to_path_buf(),
            scheduled: options.scheduled,
            interval: eff.sync_interval,
            next_sync: schedule::next_due(last_start.as_deref(), eff.sync_interval, now),
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
        ..Status::default()
    })
}
