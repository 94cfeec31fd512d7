//! The one shape every tab and popup has (after gitui's components):
//! keys in, Actions out, state updated by Actions, drawn from state.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Action;
use super::keymap::{Context, Keymap};
use super::loader::Load;
use super::popups::Popup;
use super::table::Filtered;
use super::theme::Theme;
use crate::engine::{Command, Status};

/// Whether a component used a key, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyResult {
    Consumed(Option<Action>),
    NotConsumed,
}

/// A short message under the body: the result of the last action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

/// One thing handling an Action asks of the app.
#[derive(Debug)]
pub enum Effect {
    Send(Command),
    /// A CRM contact search the app numbers and sends.
    Search(String),
    /// New filter text for the current tab's table.
    Filter(String),
    /// New text for the Log tab to find.
    Find(String),
    ClosePopup,
    Open(Box<Popup>),
    Load(Load),
    Flash(Flash),
    /// Text to put on the user's clipboard (OSC 52).
    Copy(String),
    /// How to take back the commands sent, while it is still local.
    Undo(Undo),
    /// A `:` command with words for the app to carry out.
    Colon(super::popups::command_line::ColonRun),
    /// A follow-up Action for the app (e.g. clear marks after a confirm).
    Then(Action),
}

/// What handling an Action asks of the app, in the order asked; the app
/// applies them in that order, so components never hold the engine's
/// channel or the terminal.
#[derive(Debug, Default)]
pub struct Effects(Vec<Effect>);

/// The commands that take back the last local change (a skip, a seat
/// switch) and what to call it.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub what: String,
    pub commands: Vec<Command>,
}

impl Effects {
    pub fn send(&mut self, c: Command) {
        self.0.push(Effect::Send(c));
    }
    pub(crate) fn send_all(&mut self, cs: impl IntoIterator<Item = Command>) {
        self.0.extend(cs.into_iter().map(Effect::Send));
    }
    pub fn flash(&mut self, ok: bool, text: impl Into<String>) {
        self.0.push(Effect::Flash(Flash {
            ok,
            text: text.into(),
        }));
    }
    pub fn search(&mut self, query: String) {
        self.0.push(Effect::Search(query));
    }
    pub fn filter(&mut self, text: String) {
        self.0.push(Effect::Filter(text));
    }
    pub fn find(&mut self, text: String) {
        self.0.push(Effect::Find(text));
    }
    pub(crate) fn close_popup(&mut self) {
        self.0.push(Effect::ClosePopup);
    }
    pub fn open(&mut self, p: Popup) {
        self.0.push(Effect::Open(Box::new(p)));
    }
    pub fn load(&mut self, l: Load) {
        self.0.push(Effect::Load(l));
    }
    pub fn copy(&mut self, text: String) {
        self.0.push(Effect::Copy(text));
    }
    pub fn undo(&mut self, u: Undo) {
        self.0.push(Effect::Undo(u));
    }
    pub(crate) fn colon(&mut self, run: super::popups::command_line::ColonRun) {
        self.0.push(Effect::Colon(run));
    }
    pub fn then(&mut self, a: Action) {
        self.0.push(Effect::Then(a));
    }

    /// Whether the command line is left (a filter or find to keep, or the
    /// popup closed), so it no longer acts as the user types.
    pub(crate) fn leaves_the_line(&self) -> bool {
        self.0
            .iter()
            .any(|e| matches!(e, Effect::Filter(_) | Effect::Find(_) | Effect::ClosePopup))
    }
}

impl IntoIterator for Effects {
    type Item = Effect;
    type IntoIter = std::vec::IntoIter<Effect>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// What every render needs besides the component's own state.
pub(crate) struct ViewCtx<'a> {
    pub theme: Theme,
    pub now: DateTime<Utc>,
    pub status: &'a Status,
    /// The keys in force, for the key lines popups draw.
    pub keys: &'a Keymap,
}

pub(crate) trait Component {
    fn context(&self) -> Context;

    /// A key and what the keymap binds it to in this component's context
    /// (`bound`); text-entry popups override this to feed unbound keys to
    /// their input.
    fn handle_key(&mut self, _key: &KeyEvent, bound: Option<Action>) -> KeyResult {
        match bound {
            Some(a) => KeyResult::Consumed(Some(a)),
            None => KeyResult::NotConsumed,
        }
    }

    fn update(&mut self, action: Action, fx: &mut Effects);

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx);

    /// The table the filter line narrows, for tabs that have one.
    fn filtered(&mut self) -> Option<&mut dyn Filtered> {
        None
    }
}
