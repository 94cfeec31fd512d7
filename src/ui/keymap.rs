//! Named key bindings per context. The same table dispatches keys, draws the
//! footer hints and fills the `?` help, so the three can never disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Tab};

/// Where a key is read: a tab or an open popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Tab(Tab),
    Confirm,
    ConfirmDanger,
    ConfirmTyped,
    Detail,
    Form,
    Search,
    Help,
    CommandLine,
    FilterLine,
    DeviceCode,
    Assign,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    /// How the key is written in hints and help.
    pub label: &'static str,
    pub desc: &'static str,
    pub action: Action,
    /// Shown in the footer (the help lists every binding).
    pub hint: bool,
}

const fn key(c: char, label: &'static str, desc: &'static str, action: Action) -> Binding {
    Binding {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
        label,
        desc,
        action,
        hint: true,
    }
}

const fn special(
    code: KeyCode,
    label: &'static str,
    desc: &'static str,
    action: Action,
) -> Binding {
    Binding {
        code,
        mods: KeyModifiers::NONE,
        label,
        desc,
        action,
        hint: true,
    }
}

const fn quiet(b: Binding) -> Binding {
    Binding { hint: false, ..b }
}

const fn ctrl(b: Binding) -> Binding {
    Binding {
        mods: KeyModifiers::CONTROL,
        ..b
    }
}

/// Keys that work on every tab (not inside popups).
const GLOBAL: &[Binding] = &[
    key('?', "?", "help: every key of this view", Action::Help),
    key(
        ':',
        ":",
        "command: :sync :seats :queue :help :q … (Tab completes)",
        Action::CommandLine,
    ),
    key('q', "q", "quit", Action::Quit),
    quiet(ctrl(key('c', "Ctrl-C", "quit", Action::Quit))),
    quiet(special(KeyCode::Tab, "Tab", "next tab", Action::NextTab)),
    quiet(special(
        KeyCode::BackTab,
        "Shift-Tab",
        "previous tab",
        Action::PrevTab,
    )),
    quiet(key(
        '1',
        "1",
        "Connection tab",
        Action::GoTab(Tab::Connection),
    )),
    quiet(key('2', "2", "Sync tab", Action::GoTab(Tab::Sync))),
    quiet(key('3', "3", "Seats tab", Action::GoTab(Tab::Seats))),
    quiet(key(
        '4',
        "4",
        "Unresolved tab",
        Action::GoTab(Tab::Unresolved),
    )),
    quiet(key('5', "5", "Settings tab", Action::GoTab(Tab::Settings))),
    quiet(key('6', "6", "Log tab", Action::GoTab(Tab::Log))),
    quiet(key('7', "7", "Saved tab", Action::GoTab(Tab::Saved))),
];

/// Cursor movement shared by every list.
const MOVE: &[Binding] = &[
    quiet(special(KeyCode::Up, "↑/k", "move up", Action::Up)),
    quiet(key('k', "k", "move up", Action::Up)),
    quiet(special(KeyCode::Down, "↓/j", "move down", Action::Down)),
    quiet(key('j', "j", "move down", Action::Down)),
    quiet(special(KeyCode::PageUp, "PgUp", "page up", Action::PageUp)),
    quiet(special(
        KeyCode::PageDown,
        "PgDn",
        "page down",
        Action::PageDown,
    )),
    quiet(special(KeyCode::Home, "Home/g", "first row", Action::Top)),
    quiet(key('g', "g", "first row", Action::Top)),
    quiet(special(KeyCode::End, "End/G", "last row", Action::Bottom)),
    quiet(key('G', "G", "last row", Action::Bottom)),
];

const CONNECTION: &[Binding] = &[
    key(
        'c',
        "c",
        "connect: device code or client secret",
        Action::Connect,
    ),
    key(
        'r',
        "r",
        "re-check: run the prerequisite checks again",
        Action::Recheck,
    ),
    key('d', "d", "disconnect", Action::Disconnect),
    key(
        'D',
        "D",
        "purge: disconnect and clean up all imported CRM data",
        Action::DisconnectPurge,
    ),
    DETAILS,
];

/// Enter on a row or error: its whole text, wrapped, with copy.
const DETAILS: Binding = special(
    KeyCode::Enter,
    "Enter",
    "details: the whole text, y copies it",
    Action::Details,
);

const DETAIL: &[Binding] = &[
    key('y', "y", "copy (OSC 52, works over SSH)", Action::Copy),
    special(KeyCode::Up, "↑/↓", "scroll", Action::Up),
    quiet(special(KeyCode::Down, "↓", "scroll", Action::Down)),
    quiet(key('k', "k", "scroll", Action::Up)),
    quiet(key('j', "j", "scroll", Action::Down)),
    special(KeyCode::Esc, "Esc", "close", Action::Back),
    quiet(key('q', "q", "close", Action::Back)),
];

const SYNC: &[Binding] = &[
    key('s', "s", "sync now", Action::SyncNow),
    key(
        'c',
        "c",
        "cancel: stop the running sync",
        Action::CancelSync,
    ),
    key(
        'd',
        "d",
        "dry run: show what a sync would change",
        Action::DryRun,
    ),
    DETAILS,
];

const SEATS: &[Binding] = &[
    key(' ', "Space", "mark: toggle the row", Action::Mark),
    key(
        'a',
        "a",
        "mark all: every row the filter shows",
        Action::MarkAll,
    ),
    key('A', "A", "clear marks", Action::ClearMarks),
    key(
        'e',
        "e",
        "enable: CRM sync on for the marked rows or this one",
        Action::EnableSync,
    ),
    key(
        'x',
        "x",
        "disable: CRM sync off for the marked rows or this one",
        Action::DisableSync,
    ),
    key(
        'n',
        "n",
        "assign: seats from CRM users",
        Action::AssignSeats,
    ),
    key('/', "/", "filter", Action::Filter),
    CLEAR_FILTER,
    SORT_NEXT,
    SORT_REVERSE,
];

/// k9s-style sorting of a table.
const SORT_NEXT: Binding = key('o', "o", "order: sort by the next column", Action::SortNext);
const SORT_REVERSE: Binding = key('O', "O", "reverse: the sort order", Action::SortReverse);

const UNRESOLVED: &[Binding] = &[
    special(
        KeyCode::Enter,
        "Enter",
        "link: to the chosen candidate",
        Action::Resolve,
    ),
    special(
        KeyCode::Right,
        "←/→",
        "pick: another candidate",
        Action::Right,
    ),
    quiet(special(
        KeyCode::Left,
        "←",
        "pick: another candidate",
        Action::Left,
    )),
    key('/', "/", "search: the CRM for a contact", Action::SearchCrm),
    key(
        'c',
        "c",
        "create: the contact in the CRM",
        Action::CreateContact,
    ),
    key('s', "s", "skip: or bring back", Action::Skip),
    key('f', "f", "filter: the queue", Action::Filter),
    key(
        'v',
        "v",
        "view: all, open only, skipped only",
        Action::CycleView,
    ),
    CLEAR_FILTER,
    SORT_NEXT,
    SORT_REVERSE,
];

const SETTINGS: &[Binding] = &[
    special(
        KeyCode::Right,
        "←/→",
        "choose: another value",
        Action::Right,
    ),
    quiet(special(
        KeyCode::Left,
        "←",
        "choose: another value",
        Action::Left,
    )),
    quiet(key(' ', "Space", "choose: another value", Action::Right)),
    special(KeyCode::Enter, "Enter", "apply: the change", Action::Apply),
    quiet(special(
        KeyCode::Esc,
        "Esc",
        "discard: the change not applied",
        Action::Back,
    )),
];

const LOG: &[Binding] = &[
    key(
        'l',
        "l",
        "level: cycle the level filter",
        Action::CycleLevel,
    ),
    key('/', "/", "filter", Action::Filter),
    DETAILS,
    CLEAR_FILTER,
];

const SAVED: &[Binding] = &[
    key('/', "/", "filter", Action::Filter),
    SORT_NEXT,
    SORT_REVERSE,
    CLEAR_FILTER,
];

/// Esc on a filtered table: the whole table again.
const CLEAR_FILTER: Binding = quiet(special(
    KeyCode::Esc,
    "Esc",
    "clear: the filter",
    Action::Back,
));

const CONFIRM: &[Binding] = &[
    key('y', "y/Enter", "yes, do it", Action::Confirm),
    quiet(special(
        KeyCode::Enter,
        "Enter",
        "yes, do it",
        Action::Confirm,
    )),
    key('n', "n/Esc", "no, go back", Action::Back),
    quiet(special(KeyCode::Esc, "Esc", "no, go back", Action::Back)),
];

/// Disconnect and the like: no is the default, so a stray Enter is safe.
const CONFIRM_DANGER: &[Binding] = &[
    key('y', "y", "yes, do it", Action::Confirm),
    key('n', "n/Esc/Enter", "no, go back", Action::Back),
    quiet(special(KeyCode::Esc, "Esc", "no, go back", Action::Back)),
    quiet(special(
        KeyCode::Enter,
        "Enter",
        "no, go back",
        Action::Back,
    )),
];

/// The purge: the word typed out, then Enter.
const CONFIRM_TYPED: &[Binding] = &[
    special(
        KeyCode::Enter,
        "Enter",
        "yes, once the word is typed",
        Action::Confirm,
    ),
    special(KeyCode::Esc, "Esc", "no, go back", Action::Back),
];

const FORM: &[Binding] = &[
    special(KeyCode::Tab, "Tab", "next field", Action::NextField),
    special(
        KeyCode::BackTab,
        "Shift-Tab",
        "previous field",
        Action::PrevField,
    ),
    special(
        KeyCode::Enter,
        "Enter",
        "create the contact and link",
        Action::Confirm,
    ),
    special(KeyCode::Esc, "Esc", "cancel", Action::Back),
];

const SEARCH: &[Binding] = &[
    special(
        KeyCode::Enter,
        "Enter",
        "search / link the chosen contact",
        Action::Confirm,
    ),
    special(KeyCode::Up, "↑", "previous result", Action::Up),
    special(KeyCode::Down, "↓", "next result", Action::Down),
    special(KeyCode::Esc, "Esc", "close", Action::Back),
];

const HELP: &[Binding] = &[
    special(KeyCode::Esc, "Esc/?", "close help", Action::Back),
    quiet(key('?', "?", "close help", Action::Back)),
    quiet(key('q', "q", "close help", Action::Back)),
    special(KeyCode::Up, "↑/↓", "scroll", Action::Up),
    quiet(special(KeyCode::Down, "↓", "scroll", Action::Down)),
];

const COMMAND_LINE: &[Binding] = &[
    special(KeyCode::Enter, "Enter", "run the command", Action::Confirm),
    special(
        KeyCode::Tab,
        "Tab",
        "complete: again for the next match",
        Action::NextField,
    ),
    special(KeyCode::Esc, "Esc", "cancel", Action::Back),
];

const FILTER_LINE: &[Binding] = &[
    special(KeyCode::Enter, "Enter", "keep the filter", Action::Confirm),
    special(
        KeyCode::Esc,
        "Esc",
        "cancel: put the old filter back",
        Action::Back,
    ),
];

const DEVICE_CODE: &[Binding] = &[
    key(
        'y',
        "y",
        "copy the code (OSC 52, works over SSH)",
        Action::Copy,
    ),
    special(
        KeyCode::Esc,
        "Esc",
        "hide (sign-in keeps waiting)",
        Action::Back,
    ),
];

const ASSIGN: &[Binding] = &[
    key(' ', "Space", "mark / unmark", Action::Mark),
    key('a', "a", "mark all (visible)", Action::MarkAll),
    key('A', "A", "clear marks", Action::ClearMarks),
    key('l', "l", "licence", Action::CycleLicence),
    key('e', "e", "edition", Action::CycleEdition),
    key('/', "/", "filter", Action::Filter),
    special(
        KeyCode::Enter,
        "Enter",
        "assign the marked users",
        Action::Confirm,
    ),
    special(KeyCode::Esc, "Esc", "close", Action::Back),
];

/// The bindings of one context, own keys first.
pub fn own(ctx: Context) -> Vec<Binding> {
    let lists: &[&[Binding]] = match ctx {
        Context::Tab(Tab::Connection) => &[CONNECTION, MOVE],
        Context::Tab(Tab::Sync) => &[SYNC, MOVE],
        Context::Tab(Tab::Seats) => &[SEATS, MOVE],
        Context::Tab(Tab::Unresolved) => &[UNRESOLVED, MOVE],
        Context::Tab(Tab::Settings) => &[SETTINGS, MOVE],
        Context::Tab(Tab::Log) => &[LOG, MOVE],
        Context::Tab(Tab::Saved) => &[SAVED, MOVE],
        Context::Confirm => &[CONFIRM],
        Context::ConfirmDanger => &[CONFIRM_DANGER],
        Context::ConfirmTyped => &[CONFIRM_TYPED],
        Context::Detail => &[DETAIL],
        Context::Form => &[FORM],
        Context::Search => &[SEARCH],
        Context::Help => &[HELP],
        Context::CommandLine => &[COMMAND_LINE],
        Context::FilterLine => &[FILTER_LINE],
        Context::DeviceCode => &[DEVICE_CODE],
        Context::Assign => &[ASSIGN, MOVE],
    };
    lists.iter().flat_map(|l| l.iter().copied()).collect()
}

/// Every binding that works in `ctx`: its own, then the global ones on tabs.
pub fn all(ctx: Context) -> Vec<Binding> {
    let mut out = own(ctx);
    if matches!(ctx, Context::Tab(_)) {
        out.extend_from_slice(GLOBAL);
    }
    out
}

/// The footer's hints for `ctx`.
pub fn hints(ctx: Context) -> Vec<Binding> {
    all(ctx).into_iter().filter(|b| b.hint).collect()
}

/// Shift is part of the character for letters and symbols, and some
/// terminals report it with Shift-Tab, some without: ignore it there.
fn matches(b: &Binding, ev: &KeyEvent) -> bool {
    let mods = match ev.code {
        KeyCode::Char(_) | KeyCode::BackTab => ev.modifiers - KeyModifiers::SHIFT,
        _ => ev.modifiers,
    };
    b.code == ev.code && b.mods == mods
}

pub fn lookup(ctx: Context, ev: &KeyEvent) -> Option<Action> {
    all(ctx).iter().find(|b| matches(b, ev)).map(|b| b.action)
}

/// Rows of the `?` help: key and what it does, one per distinct action and
/// key label (the quiet aliases such as `k` for ↑ are folded into the label).
pub fn help_rows(ctx: Context) -> Vec<(String, &'static str)> {
    let mut rows: Vec<(String, &'static str)> = Vec::new();
    for b in all(ctx) {
        match rows.iter_mut().find(|(_, d)| *d == b.desc) {
            Some((label, _)) if !label.split('/').any(|l| b.label.split('/').any(|m| m == l)) => {
                label.push('/');
                label.push_str(b.label);
            }
            Some(_) => {}
            None => rows.push((b.label.to_string(), b.desc)),
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXTS: [Context; 18] = [
        Context::Tab(Tab::Connection),
        Context::Tab(Tab::Sync),
        Context::Tab(Tab::Seats),
        Context::Tab(Tab::Unresolved),
        Context::Tab(Tab::Settings),
        Context::Tab(Tab::Log),
        Context::Tab(Tab::Saved),
        Context::Confirm,
        Context::ConfirmDanger,
        Context::ConfirmTyped,
        Context::Detail,
        Context::Form,
        Context::Search,
        Context::Help,
        Context::CommandLine,
        Context::FilterLine,
        Context::DeviceCode,
        Context::Assign,
    ];

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for ctx in CONTEXTS {
            let all = all(ctx);
            for (i, a) in all.iter().enumerate() {
                for b in &all[i + 1..] {
                    assert!(
                        !(a.code == b.code && a.mods == b.mods),
                        "{ctx:?}: {} bound twice",
                        a.label
                    );
                }
            }
        }
    }

    #[test]
    fn shifted_letters_and_backtab_match() {
        let ev = KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT);
        assert_eq!(
            lookup(Context::Tab(Tab::Seats), &ev),
            Some(Action::ClearMarks)
        );
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(lookup(Context::Tab(Tab::Seats), &ev), Some(Action::PrevTab));
        let ev = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(Context::Tab(Tab::Sync), &ev), Some(Action::Quit));
    }

    /// Every key appears in one help row only (the candidate keys were
    /// listed twice on the Unresolved tab).
    #[test]
    fn help_names_each_key_once() {
        for ctx in CONTEXTS {
            let rows = help_rows(ctx);
            let mut seen = std::collections::HashSet::new();
            for (label, _) in &rows {
                let keys: Vec<&str> = if label == "/" {
                    vec!["/"]
                } else {
                    label.split('/').collect()
                };
                for k in keys {
                    assert!(
                        seen.insert(k.to_string()),
                        "{ctx:?}: {k} in two rows: {rows:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn help_folds_aliases_into_one_row() {
        let rows = help_rows(Context::Tab(Tab::Log));
        let up: Vec<_> = rows.iter().filter(|(_, d)| *d == "move up").collect();
        assert_eq!(up.len(), 1);
        assert_eq!(up[0].0, "↑/k");
    }
}
