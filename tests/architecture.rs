//! Rules of the source tree that the compiler cannot see.
//!
//! Words are made in the faces only: the engine, the crm client and the
//! store speak in types (`navsync::vocab`, the engine's events and
//! answers), and the console and the commands put them in the reader's
//! language (`navsync::describe`, `navsync::i18n`). A translation call below
//! the faces would make a service started under one locale speak it to
//! every console attached to it.

use std::path::{Path, PathBuf};

/// The layers below the faces.
const BELOW_THE_FACES: [&str; 3] = ["src/engine", "src/crm", "src/store"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `needle` at `i` of `line` starts a word (so `t!(` is found, but not
/// the end of `format!(` or `assert!(`).
fn starts_word(line: &str, i: usize) -> bool {
    line[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
}

/// Every `file:line` below the faces where `pattern` (a macro call or a
/// path) starts a word, comments included (a commented-out call is one
/// edit from coming back).
fn found(patterns: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in BELOW_THE_FACES {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut hits = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let hit = patterns
                .iter()
                .any(|p| line.match_indices(p).any(|(i, _)| starts_word(line, i)));
            if hit {
                let shown = file.strip_prefix(root).unwrap_or(&file).display();
                hits.push(format!("{shown}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    hits
}

#[test]
fn no_translation_call_below_the_faces() {
    let hits = found(&["t!(", "t_in!(", "i18n::text", "i18n::text_in"]);
    assert!(
        hits.is_empty(),
        "words are made in the faces (src/ui, src/commands, src/describe); \
         these are below them:\n{}",
        hits.join("\n")
    );
}

#[test]
fn nothing_below_the_faces_reaches_up_for_words() {
    let hits = found(&[
        "crate::i18n",
        "crate::describe",
        "crate::ui",
        "crate::commands",
    ]);
    assert!(
        hits.is_empty(),
        "the engine, crm and store do not use the faces' modules:\n{}",
        hits.join("\n")
    );
}

/// The rule's own scanner: a word boundary, so `format!(` and `assert!(`
/// are not translation calls, and a real call is found with its place.
#[test]
fn the_scanner_finds_calls_and_only_calls() {
    let line = r#"let a = format!("x"); assert!(ok); let b = crate::t!("id");"#;
    let calls: Vec<_> = line
        .match_indices("t!(")
        .filter(|(i, _)| starts_word(line, *i))
        .collect();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(line[calls[0].0 - 7..].starts_with("crate::t!("));
}
