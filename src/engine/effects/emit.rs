//! Publishing: events on the broadcast channel and the status snapshot on
//! the watch channel. A face that lags or is gone never slows the engine
//! (a full broadcast drops the oldest events for that receiver only).

use std::sync::Arc;

use tokio::sync::{broadcast, watch};

use crate::engine::interface::event::{Event, Status, UserError};
use crate::engine::interface::note::{Note, Reply};

/// How many events a slow receiver may fall behind before it loses the
/// oldest ones; a full pull emits about one Progress per page.
pub const EVENT_BUFFER: usize = 4096;

#[derive(Clone)]
pub struct Emitter {
    events: broadcast::Sender<Event>,
    status: Arc<watch::Sender<Status>>,
}

impl Emitter {
    pub fn new(initial: Status) -> (Self, broadcast::Receiver<Event>, watch::Receiver<Status>) {
        let (events, events_rx) = broadcast::channel(EVENT_BUFFER);
        let (status, status_rx) = watch::channel(initial);
        (
            Self {
                events,
                status: Arc::new(status),
            },
            events_rx,
            status_rx,
        )
    }

    pub(crate) fn emit(&self, event: Event) {
        // No receiver is fine: a headless run may not listen.
        let _ = self.events.send(event);
    }

    /// Updates the snapshot and announces it, only when it changed.
    pub fn status(&self, f: impl FnOnce(&mut Status)) {
        let changed = self.status.send_if_modified(|s| {
            let before = s.clone();
            f(s);
            *s != before
        });
        if changed {
            self.emit(Event::StatusChanged);
        }
    }

    pub fn action(&self, ok: bool, reply: Reply) {
        self.emit(Event::ActionResult { ok, reply });
    }

    /// A line for the faces' Log tab.
    pub fn note(&self, level: tracing::Level, note: Note) {
        self.emit(Event::Log { level, note });
    }

    pub fn error(&self, e: UserError) {
        self.status(|s| s.last_error = Some(e.clone()));
        self.emit(Event::Error(e));
    }
}
