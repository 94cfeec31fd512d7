//! The user's `[keys]`: patched on the defaults, refused with the reason
//! when a name, a key or a clash is wrong.

use crossterm::event::{KeyCode, KeyModifiers};

use super::defaults::ANYWHERE;
use super::names::action_name;
use super::parse::parse_key;
use super::{Binding, CONTEXTS, Context, Keymap};
use crate::ui::action::Action;

/// A user's change to one action's keys (`[keys]` in config.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub action: String,
    pub keys: Vec<String>,
}

impl Keymap {
    /// The defaults with `overrides` applied: each names an action and
    /// the keys that replace all of its keys, wherever the action is bound.
    /// Refused with the reason: an unknown action, a key that is not one,
    /// and two actions on one key in any view.
    pub(crate) fn with_overrides(overrides: &[Override]) -> Result<Self, (usize, String)> {
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
                let mut names: Vec<&str> = km
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
                .rposition(|o| names.contains(&o.action.as_str()))
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
                            place = place(ctx)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Where a key is read, as the reader names it: "in the Sync tab", "at
/// the : prompt" (a clash names the view it happens in).
fn place(ctx: Context) -> String {
    let popup = match ctx {
        Context::Tab(tab) => return crate::t!("keys-in-tab", tab = tab.title()),
        Context::Confirm => "confirm",
        Context::ConfirmTyped => "confirm-typed",
        Context::Detail => "detail",
        Context::Form => "form",
        Context::Search => "search",
        Context::Help => "help",
        Context::CommandLine => "command-line",
        Context::FilterLine => "filter-line",
        Context::FindLine => "find-line",
        Context::DeviceCode => "device-code",
        Context::Assign => "assign",
    };
    crate::t!("keys-in-popup", popup = popup)
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

#[cfg(test)]
mod tests {
    use crossterm::event::KeyEvent;

    use super::*;
    use crate::ui::action::Tab;
    use crate::ui::keymap::Context;

    fn km() -> Keymap {
        Keymap::default()
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
            clash.ends_with("c is bound to both sync_now and cancel_sync in the Sync tab"),
            "{clash}"
        );
        // A clash in a popup names it in words, not as the code's enum.
        let popup = err(&[over("confirm", &["n"])]);
        assert!(
            popup.ends_with("n is bound to both confirm and back in the yes/no questions"),
            "{popup}"
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
