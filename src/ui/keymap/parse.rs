//! Keys as `[keys]` in config.toml writes them.

use crossterm::event::{KeyCode, KeyModifiers};

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
