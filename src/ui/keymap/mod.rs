//! Named key bindings per context. The same table dispatches keys, draws the
//! footer hints and fills the `?` help, so the three can never disagree.
//!
//! `defaults` holds the built-in tables, `colon` the `:` commands, `parse`
//! reads a key as `[keys]` writes it, and `overrides` patches the user's
//! `[keys]` on the defaults and refuses clashes.

mod colon;
mod defaults;
mod names;
mod overrides;
mod parse;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Tab};

pub use colon::{COMMANDS, ColonCommand, Does, LANGS, SEAT_SWITCHES};
pub use names::action_name;
pub use overrides::{Override, from_config};
pub use parse::parse_key;

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

/// Every context, for building a keymap and checking it.
pub(crate) const CONTEXTS: [Context; 18] = [
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
            by_context: CONTEXTS
                .iter()
                .map(|&c| (c, defaults::defaults(c)))
                .collect(),
        }
    }
}

impl Keymap {
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
}
