//! A workspace command's outcome as the faces show it.

use super::event::View;
use super::note::{Note, Reply};

/// The engine's answer to a workspace command (seats, import, resolve):
/// what it did and the view whose rows changed, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// False when the command did nothing useful (e.g. no usable line).
    pub ok: bool,
    pub reply: Reply,
    pub changed: Option<View>,
    /// Lines logged one by one before the answer (each seat of an
    /// assignment), so the Log tab and a headless command show all of them
    /// where the reply shows a few.
    pub log: Vec<(tracing::Level, Note)>,
}
