//! The sync engine: the only writer to the store. The console and the
//! headless commands talk to it only through [`Command`]s in and
//! [`Event`]s plus a [`Status`] snapshot out.

pub mod bench_match;
pub mod command;
pub mod event;
pub mod import;
pub mod matching;
pub mod seats;

pub use command::Command;
pub use event::{ErrorClass, Event, Phase, Status, UserError, View};

use tokio::sync::{broadcast, mpsc, watch};

/// The console's and the headless commands' grip on a running engine.
/// Sending never blocks (unbounded), so a slow engine cannot freeze a key
/// handler; events are broadcast so several faces can listen.
pub struct EngineHandle {
    pub commands: mpsc::UnboundedSender<Command>,
    pub events: broadcast::Receiver<Event>,
    pub status: watch::Receiver<Status>,
}
