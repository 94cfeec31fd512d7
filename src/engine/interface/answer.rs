//! A workspace command's outcome as the faces show it.

use super::event::View;

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
