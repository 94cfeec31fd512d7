//! Named key bindings per context. The same table dispatches keys, draws the
//! footer hints and fills the `?` help, so the three can never disagree.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Tab};

/// Where a key is read: a tab or an open popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Tab(Tab),
    Confirm,
    ConfirmTyped,
    Detail,
    Form,
    Search,
    Help,
    CommandLine,
    FilterLine,
    FindLine,
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
const ANYWHERE: &[Binding] = &[quiet(ctrl(key(
    'c',
    "Ctrl-C",
    "key-force-quit",
    Action::ForceQuit,
)))];

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

/// Every context, for building a keymap and checking it.
pub const CONTEXTS: [Context; 18] = [
    Context::Tab(Tab::Connection),
    Context::Tab(Tab::Sync),
    Context::Tab(Tab::Seats),
    Context::Tab(Tab::Unresolved),
    Context::Tab(Tab::Settings),
    Context::Tab(Tab::Log),
    Context::Tab(Tab::Saved),
    Context::Confirm,
    Context::ConfirmTyped,
    Context::Detail,
    Context::Form,
    Context::Search,
    Context::Help,
    Context::CommandLine,
    Context::FilterLine,
    Context::FindLine,
    Context::DeviceCode,
    Context::Assign,
];

/// The default bindings of one context, own keys first, then the global
/// ones on tabs.
fn defaults(ctx: Context) -> Vec<Binding> {
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

/// A binding's keys as the user's language names them on screen ("Enter"
/// is "Intro" on a Spanish keyboard); `[keys]` keeps the English names.
pub fn shown(label: &str) -> String {
    if label == "/" {
        return label.to_string();
    }
    label
        .split('/')
        .map(|part| {
            let name = part.trim_start_matches("Ctrl-").trim_start_matches("Alt-");
            let mods = &part[..part.len() - name.len()];
            let id = format!("keycap-{}", name.to_ascii_lowercase());
            if crate::i18n::has(&id) {
                format!("{mods}{}", crate::i18n::text(&id, &[]))
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The name an action has in `[keys]` of config.toml: its variant in
/// snake case ("sync_now", "disconnect_purge"), tabs as "tab_seats".
pub fn action_name(a: Action) -> String {
    if let Action::GoTab(t) = a {
        return format!("tab_{}", t.id());
    }
    let debug = format!("{a:?}");
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A key as `[keys]` writes it: "x", "X", "?", "ctrl-r", "alt-x",
/// "enter", "esc", "tab", "shift-tab", "space", "up", "down", "left",
/// "right", "pgup", "pgdn", "home", "end", "backspace", "delete", "f1".."f12".
/// Returns the key, its modifiers and how hints write it.
pub fn parse_key(spec: &str) -> Result<(KeyCode, KeyModifiers, String), String> {
    let mut rest = spec.trim();
    let mut mods = KeyModifiers::NONE;
    let mut label = String::new();
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
            mods |= KeyModifiers::CONTROL;
            label.push_str("Ctrl-");
            rest = &rest[rest.len() - r.len()..];
        } else if let Some(r) = lower.strip_prefix("alt-").filter(|r| !r.is_empty()) {
            mods |= KeyModifiers::ALT;
            label.push_str("Alt-");
            rest = &rest[rest.len() - r.len()..];
        } else {
            break;
        }
    }
    let named = |code: KeyCode, name: &str| (code, name.to_string());
    let (code, name) = match rest.to_ascii_lowercase().as_str() {
        "enter" | "return" => named(KeyCode::Enter, "Enter"),
        "esc" | "escape" => named(KeyCode::Esc, "Esc"),
        "tab" => named(KeyCode::Tab, "Tab"),
        "shift-tab" | "backtab" => named(KeyCode::BackTab, "Shift-Tab"),
        "space" => named(KeyCode::Char(' '), "Space"),
        "up" => named(KeyCode::Up, "↑"),
        "down" => named(KeyCode::Down, "↓"),
        "left" => named(KeyCode::Left, "←"),
        "right" => named(KeyCode::Right, "→"),
        "pgup" | "pageup" => named(KeyCode::PageUp, "PgUp"),
        "pgdn" | "pagedown" => named(KeyCode::PageDown, "PgDn"),
        "home" => named(KeyCode::Home, "Home"),
        "end" => named(KeyCode::End, "End"),
        "backspace" => named(KeyCode::Backspace, "Backspace"),
        "delete" | "del" => named(KeyCode::Delete, "Del"),
        f if f.len() > 1
            && f.starts_with('f')
            && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
        {
            let n: u8 = f[1..].parse().unwrap_or(1);
            named(KeyCode::F(n), &format!("F{n}"))
        }
        _ => {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => {
                    let c = if mods.contains(KeyModifiers::CONTROL) {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    };
                    // "Ctrl-R", as the defaults write Ctrl-C.
                    let shown = if mods.contains(KeyModifiers::CONTROL) {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    };
                    (KeyCode::Char(c), shown.to_string())
                }
                _ => {
                    return Err(crate::t!("keys-not-a-key", spec = format!("{spec:?}")));
                }
            }
        }
    };
    label.push_str(&name);
    Ok((code, mods, label))
}

/// A user's change to one action's keys (`[keys]` in config.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub action: String,
    pub keys: Vec<String>,
}

/// The key bindings in force: the defaults, with the user's `[keys]`
/// patched on top (gitui's key_list), checked for clashes. The same
/// bindings dispatch keys, draw the footer and fill the `?` help.
#[derive(Debug, Clone)]
pub struct Keymap {
    by_context: HashMap<Context, Vec<Binding>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            by_context: CONTEXTS.iter().map(|&c| (c, defaults(c))).collect(),
        }
    }
}

impl Keymap {
    /// The defaults with `overrides` applied: each names an action and
    /// the keys that replace all of its keys, wherever the action is bound.
    /// Refused with the reason: an unknown action, a key that is not one,
    /// and two actions on one key in any view.
    pub fn with_overrides(overrides: &[Override]) -> Result<Self, (usize, String)> {
        let mut km = Self::default();
        for (i, o) in overrides.iter().enumerate() {
            let mut keys = Vec::new();
            for spec in &o.keys {
                keys.push(parse_key(spec).map_err(|m| (i, m))?);
            }
            if keys.is_empty() {
                return Err((i, crate::t!("keys-give-one")));
            }
            let anywhere = ANYWHERE.iter().any(|b| action_name(b.action) == o.action);
            if anywhere
                && let Some((_, _, label)) = keys.iter().find(|(code, mods, _)| {
                    matches!(code, KeyCode::Char(_))
                        && !mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                })
            {
                return Err((
                    i,
                    crate::t!(
                        "keys-needs-modifier",
                        action = o.action.clone(),
                        label = label.clone()
                    ),
                ));
            }
            // Labels are made once, at start, and live as long as the
            // console (they sit in the `&'static str` of every binding).
            let label: &'static str = Box::leak(
                keys.iter()
                    .map(|(_, _, l)| l.as_str())
                    .collect::<Vec<_>>()
                    .join("/")
                    .into_boxed_str(),
            );
            let mut found = false;
            for bindings in km.by_context.values_mut() {
                let Some(first) = bindings
                    .iter()
                    .position(|b| action_name(b.action) == o.action)
                else {
                    continue;
                };
                found = true;
                let template = bindings[first];
                bindings.retain(|b| action_name(b.action) != o.action);
                let new = keys.iter().enumerate().map(|(k, (code, mods, _))| Binding {
                    code: *code,
                    mods: *mods,
                    label,
                    hint: template.hint && k == 0,
                    ..template
                });
                let at = first.min(bindings.len());
                bindings.splice(at..at, new);
            }
            if !found {
                let mut names: Vec<String> = km
                    .by_context
                    .values()
                    .flatten()
                    .map(|b| action_name(b.action))
                    .collect();
                names.sort();
                names.dedup();
                return Err((
                    i,
                    crate::t!(
                        "keys-no-action",
                        action = format!("{:?}", o.action),
                        names = names.join(", ")
                    ),
                ));
            }
        }
        // Checked once all are applied, so two actions can swap keys; the
        // error points at the user's entry for one of the two.
        km.clashes().map_err(|(a, b, m)| {
            let names = [action_name(a), action_name(b)];
            let at = overrides
                .iter()
                .rposition(|o| names.contains(&o.action))
                .unwrap_or(0);
            (at, m)
        })?;
        Ok(km)
    }

    /// Two actions on one key in one view would make one of them
    /// unreachable (trippy checks its bindings the same way).
    fn clashes(&self) -> Result<(), (Action, Action, String)> {
        for ctx in CONTEXTS {
            let all = self.all(ctx);
            for (i, a) in all.iter().enumerate() {
                if let Some(b) = all[i + 1..]
                    .iter()
                    .find(|b| b.code == a.code && b.mods == a.mods && b.action != a.action)
                {
                    return Err((
                        a.action,
                        b.action,
                        crate::t!(
                            "keys-clash",
                            key = a.label,
                            a = action_name(a.action),
                            b = action_name(b.action),
                            view = format!("{ctx:?}")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every binding that works in `ctx`.
    pub fn all(&self, ctx: Context) -> &[Binding] {
        self.by_context.get(&ctx).map_or(&[], Vec::as_slice)
    }

    /// The footer's hints for `ctx`.
    pub fn hints(&self, ctx: Context) -> Vec<Binding> {
        self.all(ctx).iter().copied().filter(|b| b.hint).collect()
    }

    pub fn lookup(&self, ctx: Context, ev: &KeyEvent) -> Option<Action> {
        self.all(ctx)
            .iter()
            .find(|b| matches(b, ev))
            .map(|b| b.action)
    }

    /// Rows of the `?` help: key and what it does, one per distinct
    /// meaning (the quiet aliases such as `k` for ↑ are folded into the
    /// label).
    pub fn help_rows(&self, ctx: Context) -> Vec<(String, &'static str)> {
        let mut rows: Vec<(String, &'static str)> = Vec::new();
        for b in self.all(ctx) {
            match rows.iter_mut().find(|(_, d)| *d == b.desc) {
                Some((label, _))
                    if !label.split('/').any(|l| b.label.split('/').any(|m| m == l)) =>
                {
                    label.push('/');
                    label.push_str(b.label);
                }
                Some(_) => {}
                None => rows.push((b.label.to_string(), b.desc)),
            }
        }
        rows
    }
}

/// The console's keymap for `config`: its `[keys]` patched on the
/// defaults, refused at start (with file, line and column) when a name,
/// a key or a clash is wrong.
pub fn from_config(config: &crate::config::Config) -> Result<Keymap, crate::config::ConfigError> {
    let overrides: Vec<Override> = config
        .keys
        .iter()
        .map(|k| Override {
            action: k.action.clone(),
            keys: k.keys.clone(),
        })
        .collect();
    Keymap::with_overrides(&overrides).map_err(|(i, message)| {
        let entry = &config.keys[i.min(config.keys.len().saturating_sub(1))];
        crate::config::ConfigError::Invalid {
            path: config.source.clone().unwrap_or_default(),
            line: entry.line,
            column: entry.column,
            key: format!("keys.{}", entry.action),
            message,
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn km() -> Keymap {
        Keymap::default()
    }

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for ctx in CONTEXTS {
            let km = km();
            let all = km.all(ctx);
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
            km().lookup(Context::Tab(Tab::Seats), &ev),
            Some(Action::ClearMarks)
        );
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            km().lookup(Context::Tab(Tab::Seats), &ev),
            Some(Action::PrevTab)
        );
        let ev = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            km().lookup(Context::Tab(Tab::Sync), &ev),
            Some(Action::ForceQuit)
        );
    }

    /// Every key appears in one help row only (the candidate keys were
    /// listed twice on the Unresolved tab).
    #[test]
    fn help_names_each_key_once() {
        for ctx in CONTEXTS {
            let rows = km().help_rows(ctx);
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
        let rows = km().help_rows(Context::Tab(Tab::Log));
        let up: Vec<_> = rows.iter().filter(|(_, d)| *d == "key-move-up").collect();
        assert_eq!(up.len(), 1);
        assert_eq!(up[0].0, "↑/k");
    }

    fn over(action: &str, keys: &[&str]) -> Override {
        Override {
            action: action.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    /// `[keys]` patches the defaults: the action moves to the new keys in
    /// every view it is bound in, hints and help follow, the old key is free.
    #[test]
    fn user_keys_patch_the_defaults() {
        let km = Keymap::with_overrides(&[
            over("sync_now", &["S", "ctrl-r"]),
            over("quit", &["ctrl-q"]),
        ])
        .unwrap();
        let sync = Context::Tab(Tab::Sync);
        let ev = |c, m| KeyEvent::new(c, m);
        assert_eq!(
            km.lookup(sync, &ev(KeyCode::Char('S'), KeyModifiers::SHIFT)),
            Some(Action::SyncNow)
        );
        assert_eq!(
            km.lookup(sync, &ev(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Action::SyncNow)
        );
        assert_eq!(
            km.lookup(sync, &ev(KeyCode::Char('s'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            km.lookup(sync, &ev(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert!(
            km.hints(sync)
                .iter()
                .any(|b| b.label == "S/Ctrl-R" && b.action == Action::SyncNow)
        );
        assert!(
            km.help_rows(sync)
                .iter()
                .any(|(k, d)| k == "S/Ctrl-R" && *d == "key-sync-now")
        );
    }

    #[test]
    fn ctrl_c_quits_from_every_view_and_popup_and_keeps_a_modifier_when_rebound() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let km = km();
        for ctx in CONTEXTS {
            assert_eq!(km.lookup(ctx, &ctrl_c), Some(Action::ForceQuit), "{ctx:?}");
        }
        let why = Keymap::with_overrides(&[over("force_quit", &["x"])])
            .unwrap_err()
            .1;
        assert!(why.contains("needs ctrl- or alt-"), "{why}");
        let moved = Keymap::with_overrides(&[over("force_quit", &["ctrl-q"])]).unwrap();
        let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(
            moved.lookup(Context::Form, &ctrl_q),
            Some(Action::ForceQuit)
        );
        assert_eq!(moved.lookup(Context::Form, &ctrl_c), None);
    }

    #[test]
    fn clashes_unknown_actions_and_bad_keys_are_refused_with_the_reason() {
        let err = |o: &[Override]| Keymap::with_overrides(o).unwrap_err().1;
        let clash = err(&[over("sync_now", &["c"])]);
        assert!(
            clash.contains("c is bound to both sync_now and cancel_sync"),
            "{clash}"
        );
        let unknown = err(&[over("synk_now", &["x"])]);
        assert!(
            unknown.contains("no action \"synk_now\"") && unknown.contains("sync_now"),
            "{unknown}"
        );
        let bad = err(&[over("sync_now", &["ctrl-"])]);
        assert!(bad.contains("is not a key"), "{bad}");
        let (at, why) = Keymap::with_overrides(&[over("tab_seats", &["F3"]), over("quit", &["x"])])
            .unwrap_err();
        assert_eq!(at, 1, "the entry that made the clash: {why}");
        // Two actions may swap keys.
        assert!(
            Keymap::with_overrides(&[over("enable_sync", &["x"]), over("disable_sync", &["e"])])
                .is_ok()
        );
    }
}
