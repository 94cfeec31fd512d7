//! How a face holds an engine, in process or attached through the socket.

use tokio::sync::{broadcast, mpsc, watch};

use super::command::Command;
use super::event::{Event, Status};

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
