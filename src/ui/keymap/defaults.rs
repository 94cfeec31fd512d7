//! The built-in bindings of every context: data, one table per tab or
//! popup, and which tables make up each context.

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Binding, Context};
use crate::ui::action::{Action, Tab};

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
    key('?', "?", "key-help-every-key-view", Action::Help),
    key(
        ':',
        ":",
        "key-command-sync-seats-queue",
        Action::CommandLine,
    ),
    key('q', "q", "key-quit", Action::Quit),
    quiet(key('u', "u", "key-undo-last-skip-seat", Action::Undo)),
    quiet(special(
        KeyCode::Tab,
        "Tab",
        "key-next-tab",
        Action::NextTab,
    )),
    quiet(special(
        KeyCode::BackTab,
        "Shift-Tab",
        "key-previous-tab",
        Action::PrevTab,
    )),
    go_tab('1', "1", "key-connection-tab", Tab::Connection),
    go_tab('2', "2", "key-sync-tab", Tab::Sync),
    go_tab('3', "3", "key-seats-tab", Tab::Seats),
    go_tab('4', "4", "key-unresolved-tab", Tab::Unresolved),
    go_tab('5', "5", "key-settings-tab", Tab::Settings),
    go_tab('6', "6", "key-log-tab", Tab::Log),
    go_tab('7', "7", "key-saved-tab", Tab::Saved),
];

/// A tab's number key: not in the footer (the tab bar shows the numbers).
const fn go_tab(c: char, label: &'static str, desc: &'static str, tab: Tab) -> Binding {
    quiet(key(c, label, desc, Action::GoTab(tab)))
}

/// Keys that work in every view and popup, text fields included, so
/// they must carry a modifier (`with_overrides` keeps it so).
pub(super) const ANYWHERE: &[Binding] = &[quiet(ctrl(key(
    'c',
    "Ctrl-C",
    "key-force-quit",
    Action::ForceQuit,
)))];

/// Cursor movement shared by every list.
const MOVE: &[Binding] = &[
    quiet(special(KeyCode::Up, "↑/k", "key-move-up", Action::Up)),
    quiet(key('k', "k", "key-move-up", Action::Up)),
    quiet(special(KeyCode::Down, "↓/j", "key-move-down", Action::Down)),
    quiet(key('j', "j", "key-move-down", Action::Down)),
    quiet(special(
        KeyCode::PageUp,
        "PgUp",
        "key-page-up",
        Action::PageUp,
    )),
    quiet(special(
        KeyCode::PageDown,
        "PgDn",
        "key-page-down",
        Action::PageDown,
    )),
    quiet(special(
        KeyCode::Home,
        "Home/g",
        "key-first-row",
        Action::Top,
    )),
    quiet(key('g', "g", "key-first-row", Action::Top)),
    quiet(special(
        KeyCode::End,
        "End/G",
        "key-last-row",
        Action::Bottom,
    )),
    quiet(key('G', "G", "key-last-row", Action::Bottom)),
];

const CONNECTION: &[Binding] = &[
    key('c', "c", "key-connect-device-code-client", Action::Connect),
    key('r', "r", "key-re-check-run-prerequisite", Action::Recheck),
    key('d', "d", "key-disconnect", Action::Disconnect),
    key(
        'D',
        "D",
        "key-purge-disconnect-clean-up",
        Action::DisconnectPurge,
    ),
    DETAILS,
];

/// Enter on a row or error: its whole text, wrapped, with copy.
const DETAILS: Binding = special(
    KeyCode::Enter,
    "Enter",
    "key-details-whole-text-y",
    Action::Details,
);

const DETAIL: &[Binding] = &[
    key('y', "y", "key-copy-osc-52-works", Action::Copy),
    special(KeyCode::Up, "↑/↓", "key-scroll", Action::Up),
    quiet(special(KeyCode::Down, "↓", "key-scroll", Action::Down)),
    quiet(key('k', "k", "key-scroll", Action::Up)),
    quiet(key('j', "j", "key-scroll", Action::Down)),
    special(KeyCode::Esc, "Esc", "key-close", Action::Back),
    quiet(key('q', "q", "key-close", Action::Back)),
];

const SYNC: &[Binding] = &[
    key('s', "s", "key-sync-now", Action::SyncNow),
    key('c', "c", "key-cancel-stop-running-sync", Action::CancelSync),
    key('d', "d", "key-dry-run-show-what", Action::DryRun),
    key('p', "p", "key-pause-schedule", Action::PauseSchedule),
    key('v', "v", "key-view-outcome", Action::CycleView),
    special(
        KeyCode::Enter,
        "Enter",
        "key-run-report-log",
        Action::Details,
    ),
];

const SEATS: &[Binding] = &[
    key(' ', "Space", "key-mark-toggle-row", Action::Mark),
    key('a', "a", "key-mark-all-every-row", Action::MarkAll),
    key('A', "A", "key-clear-marks", Action::ClearMarks),
    key('e', "e", "key-enable-crm-sync-marked", Action::EnableSync),
    key('x', "x", "key-disable-crm-sync-off", Action::DisableSync),
    key('n', "n", "key-assign-seats-from-crm", Action::AssignSeats),
    quiet(key('U', "U", "key-unassign-seats", Action::UnassignSeats)),
    key('/', "/", "key-filter", Action::Filter),
    CLEAR_FILTER,
    SORT_NEXT,
    SORT_REVERSE,
];

/// k9s-style sorting of a table.
const SORT_NEXT: Binding = key('o', "o", "key-order-sort-by-next", Action::SortNext);
const SORT_REVERSE: Binding = key('O', "O", "key-reverse-sort-order", Action::SortReverse);

const UNRESOLVED: &[Binding] = &[
    special(
        KeyCode::Enter,
        "Enter",
        "key-link-chosen-candidate",
        Action::Resolve,
    ),
    special(
        KeyCode::Right,
        "←/→",
        "key-pick-another-candidate",
        Action::Right,
    ),
    quiet(special(
        KeyCode::Left,
        "←",
        "key-pick-another-candidate",
        Action::Left,
    )),
    key('/', "/", "key-search-crm-contact", Action::SearchCrm),
    key('c', "c", "key-create-contact-in-crm", Action::CreateContact),
    key('s', "s", "key-skip-bring-back", Action::Skip),
    key('L', "L", "key-link-top-candidate", Action::LinkTop),
    quiet(key(' ', "Space", "key-mark-toggle-row", Action::Mark)),
    quiet(key('a', "a", "key-mark-all-every-row", Action::MarkAll)),
    quiet(key('A', "A", "key-clear-marks", Action::ClearMarks)),
    key('f', "f", "key-filter-queue", Action::Filter),
    key('v', "v", "key-view-all-open-only", Action::CycleView),
    CLEAR_FILTER,
    SORT_NEXT,
    SORT_REVERSE,
];

const SETTINGS: &[Binding] = &[
    special(
        KeyCode::Right,
        "←/→",
        "key-choose-another-value",
        Action::Right,
    ),
    quiet(special(
        KeyCode::Left,
        "←",
        "key-choose-another-value",
        Action::Left,
    )),
    quiet(key(' ', "Space", "key-choose-another-value", Action::Right)),
    special(KeyCode::Enter, "Enter", "key-apply-change", Action::Apply),
    key('r', "r", "key-reset-to-file", Action::ResetSetting),
    quiet(special(
        KeyCode::Esc,
        "Esc",
        "key-discard-change-not-applied",
        Action::Back,
    )),
];

const LOG: &[Binding] = &[
    key('l', "l", "key-level-cycle-level-filter", Action::CycleLevel),
    key('/', "/", "key-find-text", Action::Find),
    key('n', "n", "key-find-next", Action::FindNext),
    quiet(key('N', "N", "key-find-previous", Action::FindPrev)),
    key('F', "F", "key-follow-newest", Action::Follow),
    key('w', "w", "key-wrap-lines", Action::Wrap),
    special(KeyCode::Right, "←/→", "key-scroll-sideways", Action::Right),
    quiet(special(
        KeyCode::Left,
        "←",
        "key-scroll-sideways",
        Action::Left,
    )),
    key('f', "f", "key-filter", Action::Filter),
    DETAILS,
    CLEAR_FILTER,
];

const SAVED: &[Binding] = &[
    special(
        KeyCode::Enter,
        "Enter",
        "key-saved-item-whole",
        Action::Details,
    ),
    key('/', "/", "key-filter", Action::Filter),
    SORT_NEXT,
    SORT_REVERSE,
    CLEAR_FILTER,
];

/// Esc on a filtered table: the whole table again.
const CLEAR_FILTER: Binding = quiet(special(
    KeyCode::Esc,
    "Esc",
    "key-clear-filter",
    Action::Back,
));

/// Every yes/no dialog: only y confirms; Enter means no, as n and Esc,
/// in all of them alike, so a stray Enter is always safe.
const CONFIRM: &[Binding] = &[
    key('y', "y", "key-yes-do", Action::Confirm),
    key('n', "n/Esc/Enter", "key-no-go-back", Action::Back),
    quiet(special(KeyCode::Esc, "Esc", "key-no-go-back", Action::Back)),
    quiet(special(
        KeyCode::Enter,
        "Enter",
        "key-no-go-back",
        Action::Back,
    )),
];

/// The purge: the word typed out, then Enter.
const CONFIRM_TYPED: &[Binding] = &[
    special(
        KeyCode::Enter,
        "Enter",
        "key-yes-once-word-is",
        Action::Confirm,
    ),
    special(KeyCode::Esc, "Esc", "key-no-go-back", Action::Back),
];

const FORM: &[Binding] = &[
    special(KeyCode::Tab, "Tab", "key-next-field", Action::NextField),
    special(
        KeyCode::BackTab,
        "Shift-Tab",
        "key-previous-field",
        Action::PrevField,
    ),
    special(
        KeyCode::Enter,
        "Enter",
        "key-create-contact-link",
        Action::Confirm,
    ),
    special(KeyCode::Esc, "Esc", "key-cancel", Action::Back),
];

const SEARCH: &[Binding] = &[
    special(
        KeyCode::Enter,
        "Enter",
        "key-search-link-chosen-contact",
        Action::Confirm,
    ),
    special(KeyCode::Up, "↑", "key-previous-result", Action::Up),
    special(KeyCode::Down, "↓", "key-next-result", Action::Down),
    special(KeyCode::Esc, "Esc", "key-close", Action::Back),
];

const HELP: &[Binding] = &[
    special(KeyCode::Esc, "Esc/?", "key-close-help", Action::Back),
    quiet(key('?', "?", "key-close-help", Action::Back)),
    quiet(key('q', "q", "key-close-help", Action::Back)),
    special(KeyCode::Up, "↑/↓", "key-scroll", Action::Up),
    quiet(special(KeyCode::Down, "↓", "key-scroll", Action::Down)),
    quiet(special(
        KeyCode::Home,
        "Home/g",
        "key-help-top",
        Action::Top,
    )),
    quiet(key('g', "g", "key-help-top", Action::Top)),
    quiet(special(
        KeyCode::End,
        "End/G",
        "key-help-end",
        Action::Bottom,
    )),
    quiet(key('G', "G", "key-help-end", Action::Bottom)),
];

const COMMAND_LINE: &[Binding] = &[
    special(KeyCode::Enter, "Enter", "key-run-command", Action::Confirm),
    special(
        KeyCode::Tab,
        "Tab",
        "key-complete-again-next-match",
        Action::NextField,
    ),
    special(KeyCode::Esc, "Esc", "key-cancel", Action::Back),
];

const FILTER_LINE: &[Binding] = &[
    special(KeyCode::Enter, "Enter", "key-keep-filter", Action::Confirm),
    special(
        KeyCode::Esc,
        "Esc",
        "key-cancel-put-old-filter",
        Action::Back,
    ),
];

const FIND_LINE: &[Binding] = &[
    special(KeyCode::Enter, "Enter", "key-keep-find", Action::Confirm),
    special(KeyCode::Esc, "Esc", "key-cancel-put-old-find", Action::Back),
];

const DEVICE_CODE: &[Binding] = &[
    key('y', "y", "key-copy-code-osc-52", Action::Copy),
    special(KeyCode::Esc, "Esc", "key-hide-sign-in-keeps", Action::Back),
];

const ASSIGN: &[Binding] = &[
    key(' ', "Space", "key-mark-unmark", Action::Mark),
    key('a', "a", "key-mark-all-visible", Action::MarkAll),
    key('A', "A", "key-clear-marks", Action::ClearMarks),
    key('l', "l", "key-licence", Action::CycleLicence),
    key('e', "e", "key-edition", Action::CycleEdition),
    key('/', "/", "key-filter", Action::Filter),
    special(
        KeyCode::Enter,
        "Enter",
        "key-assign-marked-users",
        Action::Confirm,
    ),
    special(KeyCode::Esc, "Esc", "key-close", Action::Back),
];

/// The default bindings of one context, own keys first, then the global
/// ones on tabs.
pub(super) fn defaults(ctx: Context) -> Vec<Binding> {
    let lists: &[&[Binding]] = match ctx {
        Context::Tab(Tab::Connection) => &[CONNECTION, MOVE, GLOBAL],
        Context::Tab(Tab::Sync) => &[SYNC, MOVE, GLOBAL],
        Context::Tab(Tab::Seats) => &[SEATS, MOVE, GLOBAL],
        Context::Tab(Tab::Unresolved) => &[UNRESOLVED, MOVE, GLOBAL],
        Context::Tab(Tab::Settings) => &[SETTINGS, MOVE, GLOBAL],
        Context::Tab(Tab::Log) => &[LOG, MOVE, GLOBAL],
        Context::Tab(Tab::Saved) => &[SAVED, MOVE, GLOBAL],
        Context::Confirm => &[CONFIRM],
        Context::ConfirmTyped => &[CONFIRM_TYPED],
        Context::Detail => &[DETAIL],
        Context::Form => &[FORM],
        Context::Search => &[SEARCH],
        Context::Help => &[HELP],
        Context::CommandLine => &[COMMAND_LINE],
        Context::FilterLine => &[FILTER_LINE],
        Context::FindLine => &[FIND_LINE],
        Context::DeviceCode => &[DEVICE_CODE],
        Context::Assign => &[ASSIGN, MOVE],
    };
    lists
        .iter()
        .chain([&ANYWHERE])
        .flat_map(|l| l.iter().copied())
        .collect()
}
