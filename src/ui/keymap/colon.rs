//! The commands of the `:` prompt, one table for completion, the error
//! message and running them.

use crate::ui::action::{Action, Tab};

/// What a `:` command does: what its key does, a sync asked for from
/// any tab, or something that takes words after the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Does {
    Act(Action),
    /// A sync (or a dry run) asked for from any tab.
    Sync {
        dry_run: bool,
    },
    /// `:seats` goes to the tab; `:seats enable|disable [NAME]` switches
    /// the sync of the seats NAME names (or of the marked ones), asking
    /// first as `e` and `x` do.
    Seats,
    /// `:filter TEXT` filters the current tab's table; alone, clears it.
    Filter,
    /// `:lang en|es`: the console's language from now on.
    Lang,
}

/// The words `:seats` takes first.
pub const SEAT_SWITCHES: [&str; 2] = ["enable", "disable"];

/// The languages `:lang` takes.
pub const LANGS: [&str; 2] = ["en", "es"];

/// A command of the `:` prompt. `dangerous`: it ends or removes
/// something (the connection), so it asks first, as its key does, and the
/// completion line shows it in the error colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColonCommand {
    pub name: &'static str,
    pub does: Does,
    pub dangerous: bool,
}

const fn colon(name: &'static str, does: Does) -> ColonCommand {
    ColonCommand {
        name,
        does,
        dangerous: false,
    }
}

/// The `:` commands in completion order: one table for completion, the
/// error message and running them.
pub const COMMANDS: &[ColonCommand] = &[
    colon("sync", Does::Sync { dry_run: false }),
    colon("dry-run", Does::Sync { dry_run: true }),
    colon("cancel", Does::Act(Action::CancelSync)),
    colon("connect", Does::Act(Action::Connect)),
    colon("recheck", Does::Act(Action::Recheck)),
    ColonCommand {
        dangerous: true,
        ..colon("disconnect", Does::Act(Action::Disconnect))
    },
    colon("seats", Does::Seats),
    colon("filter", Does::Filter),
    colon("lang", Does::Lang),
    colon("queue", Does::Act(Action::GoTab(Tab::Unresolved))),
    colon("saved", Does::Act(Action::GoTab(Tab::Saved))),
    colon("settings", Does::Act(Action::GoTab(Tab::Settings))),
    colon("log", Does::Act(Action::GoTab(Tab::Log))),
    colon("help", Does::Act(Action::Help)),
    colon("quit", Does::Act(Action::Quit)),
    colon("q", Does::Act(Action::Quit)),
];
