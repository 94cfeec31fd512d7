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
pub enum KeyResult {
    Consumed(Option<Action>),
    NotConsumed,
}

/// A short message under the body: the result of the last action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

/// What handling an Action asks of the app; the app applies these, so
/// components never hold the engine's channel or the terminal.
#[derive(Debug, Default)]
pub struct Effects {
    pub commands: Vec<Command>,
    pub open: Option<Popup>,
    pub close_popup: bool,
    pub loads: Vec<Load>,
    pub flash: Option<Flash>,
    /// Text to put on the user's clipboard (OSC 52).
    pub clipboard: Option<String>,
    /// A follow-up Action for the app (e.g. clear marks after a confirm).
    pub then: Option<Action>,
    /// A CRM contact search the app numbers and sends.
    pub search: Option<String>,
    /// New filter text for the current tab's table.
    pub filter: Option<String>,
    /// New text for the Log tab to find.
    pub find: Option<String>,
    /// How to take back what `commands` do, while it is still local.
    pub undo: Option<Undo>,
    /// A `:` command with words for the app to carry out.
    pub colon: Option<super::popups::command_line::ColonRun>,
}

/// The commands that take back the last local change (a skip, a seat
/// switch) and what to call it.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub what: String,
    pub commands: Vec<Command>,
}

impl Effects {
    pub fn send(&mut self, c: Command) {
        self.commands.push(c);
    }
    pub fn flash(&mut self, ok: bool, text: impl Into<String>) {
        self.flash = Some(Flash {
            ok,
            text: text.into(),
        });
    }
}

/// What every render needs besides the component's own state.
pub struct ViewCtx<'a> {
    pub theme: Theme,
    pub now: DateTime<Utc>,
    pub status: &'a Status,
    /// Spinner frame counter.
    pub tick: usize,
    /// The keys in force, for the key lines popups draw.
    pub keys: &'a Keymap,
}

pub trait Component {
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
