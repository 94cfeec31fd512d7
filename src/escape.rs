//! Text from outside (a file, a peer, the CRM) put into a line a person
//! or a log reader reads. A control character there could end the line
//! and forge the next one (`\n<0>FAKE EMERGENCY`) or drive the terminal
//! (`\e[31m`), and a 10 MB value would flood both; so every message, log
//! line and report passes such text through [`value`] (or [`controls`]
//! when it is already short), the one place this is decided.

use std::borrow::Cow;
use std::fmt::Write;

/// How many characters of one value a message shows before cutting it.
pub(crate) const VALUE_CHARS: usize = 200;

/// Control characters (and the Unicode line separators and direction
/// overrides, which reorder or break a line as well) written as Rust
/// escapes: `\n`, `\t`, `\u{1b}`. Everything else is left as it is.
pub(crate) fn controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The first `max` characters of `s`, then `…(SIZE)` naming the size of
/// the whole value when it was longer.
pub fn cut(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((end, _)) => {
            let mut out = s[..end].to_string();
            let _ = write!(out, "…({})", size(s.len() as u64));
            Cow::Owned(out)
        }
    }
}

/// A value as messages show it: cut to [`VALUE_CHARS`], controls escaped.
pub fn value(s: &str) -> String {
    controls(&cut(s, VALUE_CHARS)).into_owned()
}

/// Bytes in the unit a person reads at a glance (`512 B`, `12 kB`, `10 MB`).
pub fn size(bytes: u64) -> String {
    const K: u64 = 1_000;
    match bytes {
        b if b < K => format!("{b} B"),
        b if b < K * K => format!("{} kB", b / K),
        b if b < K * K * K => format!("{} MB", b / (K * K)),
        b => format!("{} GB", b / (K * K * K)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forged_line_and_terminal_codes_stay_on_one_visible_line() {
        let forged = "acme\n<0>FAKE EMERGENCY LINE\u{1b}[31m\r\t\u{2028}";
        let shown = controls(forged);
        assert_eq!(
            shown,
            "acme\\n<0>FAKE EMERGENCY LINE\\u{1b}[31m\\r\\t\\u{2028}"
        );
        assert!(!shown.chars().any(needs_escape));
        assert!(matches!(controls("Zoë O'Brien"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_long_value_is_cut_with_the_size_of_the_whole() {
        let big = "x".repeat(10_000_000);
        let shown = value(&big);
        assert!(
            shown.ends_with("…(10 MB)"),
            "{}",
            &shown[shown.len() - 20..]
        );
        assert_eq!(
            shown.chars().count(),
            VALUE_CHARS + "…(10 MB)".chars().count()
        );
        assert_eq!(cut("ñandú", 5), "ñandú");
        assert_eq!(cut("ñandú!", 5), "ñandú…(8 B)");
    }
}
