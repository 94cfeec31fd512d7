//! Where in the file a problem is: byte offsets turned into line, column
//! and the dotted key they belong to.

use std::path::Path;

use super::ConfigError;

/// Turns byte spans into line/column and the key they belong to.
pub(super) struct Locator<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
}

impl Locator<'_> {
    pub(super) fn at(
        &self,
        key: &str,
        span: std::ops::Range<usize>,
        message: String,
    ) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            key: key.to_string(),
            message,
        }
    }

    pub(super) fn locate_toml_error(&self, e: &toml::de::Error) -> ConfigError {
        let span = e.span().unwrap_or(0..0);
        let key = key_at(self.text, span.start).unwrap_or_else(|| "(document)".into());
        let message = plain_words(&e.message().trim().replace('\n', " "));
        self.at(&key, span, message)
    }
}

/// serde's type names in an admin's words: "expected i64" means nothing
/// to someone fixing a file over SSH.
fn plain_words(message: &str) -> String {
    [
        ("expected i64", "expected a whole number, without quotes"),
        ("expected u64", "expected a whole number, without quotes"),
        (
            "expected f64",
            "expected a number such as 0.9, without quotes",
        ),
        (
            "expected a boolean",
            "expected true or false, without quotes",
        ),
        ("expected a string", "expected text in double quotes"),
        (
            "expected a sequence",
            "expected a list in brackets, e.g. [\"inmail\", \"note\"]",
        ),
    ]
    .iter()
    .fold(message.to_string(), |m, (from, to)| m.replace(from, to))
}

pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The dotted key of the line holding `offset`, found from the line's
/// `key =` and the nearest `[table]` header above it.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    let trimmed = line.trim();
    if trimmed.starts_with('[') {
        return Some(trimmed.trim_matches(['[', ']']).trim().to_string());
    }
    let key = trimmed.split('=').next()?.trim().trim_matches('"');
    if key.is_empty() {
        return table;
    }
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// The line (from 1) where `dotted` (`sync.interval`) is set in a config
/// file's `text`, under its `[table]` or written out dotted; `None` when
/// the file does not set it (the built-in default applies). For saying
/// where a value comes from.
pub fn key_line(text: &str, dotted: &str) -> Option<usize> {
    let mut table = String::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            table = line.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        let full = if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        };
        if full == dotted {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn key_line_finds_a_key_under_its_table_or_dotted() {
        let text =
            "lang = \"es\"\n[sync]\n# every\ninterval = \"15m\"\n[writeback]\nenabled = false\n";
        assert_eq!(super::key_line(text, "sync.interval"), Some(4));
        assert_eq!(super::key_line(text, "writeback.enabled"), Some(6));
        assert_eq!(super::key_line(text, "sync.pipeline_stage"), None);
        assert_eq!(
            super::key_line("sync.interval = \"1h\"", "sync.interval"),
            Some(1)
        );
    }

    #[test]
    fn key_lookup_uses_table_header() {
        let t = "[crm]\nx = 1\n[sync]\ninterval = true\n";
        let off = t.find("true").unwrap();
        assert_eq!(super::key_at(t, off).as_deref(), Some("sync.interval"));
    }
}
