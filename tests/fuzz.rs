//! Property tests for parsers fed by users: no input panics, and every
//! rejection is a located, readable error.

use std::path::Path;

use navsync::config::{self, ConfigError};
use proptest::prelude::*;

/// Lines that are each plausible config, so the generator reaches deep
/// into validation instead of stopping at the first syntax error.
fn config_line() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "instance_url",
        "tenant_id",
        "client_id",
        "auth",
        "interval",
        "kinds",
        "pipeline_stage",
        "won_value_field",
        "max_concurrency",
        "page_size",
        "split_rows",
        "level",
        "name_threshold",
        "client_secret",
        "enabled",
        "bogus",
    ]);
    let values = prop_oneof![
        "[a-z:/.0-9'\" -]{0,30}".prop_map(|s| format!("\"{}\"", s.replace(['"', '\\'], ""))),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        (0.0f64..2.0).prop_map(|f| format!("{f:.3}")),
        Just("[\"inmail\", \"fax\"]".to_string()),
        Just("https://contoso.crm.dynamics.com".to_string()).prop_map(|s| format!("\"{s}\"")),
        Just("\"http://10.0.0.1\"".to_string()),
        "\\PC{0,12}",
    ];
    let tables = prop::sample::select(vec![
        "[crm]",
        "[sync]",
        "[writeback]",
        "[matching]",
        "[log]",
        "[other]",
    ]);
    prop_oneof![
        (keys, values).prop_map(|(k, v)| format!("{k} = {v}")),
        tables.prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn config_parser_never_panics_and_locates_errors(lines in prop::collection::vec(config_line(), 0..12)) {
        let text = lines.join("\n");
        match config::parse(Path::new("fuzz.toml"), &text) {
            Ok(_) => {}
            Err(ConfigError::Invalid { line, column, key, message, .. }) => {
                prop_assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "line {line} out of range");
                prop_assert!(column >= 1);
                prop_assert!(!key.is_empty());
                prop_assert!(!message.is_empty());
            }
            Err(other) => prop_assert!(false, "unexpected error kind: {other}"),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(text in "\\PC{0,200}") {
        let _ = config::parse(Path::new("fuzz.toml"), &text);
    }
}

// ---- OData filter builder: no value can change a filter's meaning ----

use navsync::crm::{Column, Filter};

/// Reads one quoted OData string literal at the start of `s`; returns the
/// value and what follows the closing quote.
fn read_literal(s: &str) -> Option<(String, &str)> {
    let mut rest = s.strip_prefix('\'')?;
    let mut value = String::new();
    loop {
        let i = rest.find('\'')?;
        value.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        match rest.strip_prefix('\'') {
            Some(after) => {
                value.push('\'');
                rest = after;
            }
            None => return Some((value, rest)),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn a_value_stays_one_literal_whatever_it_holds(value in "\\PC{0,40}|[' ()=a-z]{0,30}") {
        let col = Column::new("fullname").unwrap();
        let eq = Filter::eq(&col, value.as_str());
        let lit = eq.as_str().strip_prefix("fullname eq ").expect("column and operator first");
        let (read, rest) = read_literal(lit).expect("a well-formed literal");
        prop_assert_eq!(&read, &value);
        prop_assert_eq!(rest, "", "nothing may follow the literal: {}", eq.as_str());

        for (f, name) in [(Filter::contains(&col, &value), "contains"), (Filter::startswith(&col, &value), "startswith")] {
            let inner = f.as_str().strip_prefix(&format!("{name}(fullname,")).expect("function form");
            let (read, rest) = read_literal(inner).expect("a well-formed literal");
            prop_assert_eq!(&read, &value);
            prop_assert_eq!(rest, ")");
        }
    }
}

// ---- activity import: bad lines are reported by number, good lines kept ----

use navsync::engine::usecases::import::{self, Format, SeatLookup};
use navsync::store::seats::{Edition, Licence, Seat};

fn seat_lookup() -> SeatLookup {
    SeatLookup::new(&[Seat {
        id: 7,
        member_id: "seat-ana".into(),
        name: "Ana".into(),
        email: Some("ana@example.com".into()),
        licence: Licence::Member,
        edition: Edition::Team,
        crm_user_id: None,
        sync_enabled: true,
    }])
}

fn good_line(i: usize, name: &str, body: &str) -> String {
    let kind = ["inmail", "message", "note"][i % 3];
    serde_json::json!({
        "id": format!("fuzz-{i}"),
        "kind": kind,
        "seat": if i.is_multiple_of(2) { "seat-ana" } else { "ANA@example.com" },
        "member_name": name,
        "body": body,
        "occurred_at": "2025-03-01T09:30:00Z",
    })
    .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn jsonl_import_keeps_every_good_line_and_numbers_every_bad_one(
        lines in prop::collection::vec(
            prop_oneof![
                ("[A-Za-zÀ-ÿ' ]{1,20}", "\\PC{0,40}").prop_map(|(n, b)| (true, n, b)),
                "\\PC{1,60}".prop_map(|junk| (false, junk, String::new())),
            ],
            0..40,
        )
    ) {
        let seats = seat_lookup();
        let mut text = String::new();
        let mut want_good = Vec::new();
        for (i, (good, a, b)) in lines.iter().enumerate() {
            if *good && !a.trim().is_empty() {
                text.push_str(&good_line(i, a, b));
                want_good.push(i as u64 + 1);
            } else {
                // Junk never parses as a JSON object line.
                text.push_str(&format!("not json {a}"));
            }
            text.push('\n');
        }
        let parsed = import::parse(&text, Format::JsonLines, &seats).expect("JSON Lines always parse per line");
        let got_good: Vec<u64> = parsed.good.iter().map(|(n, _)| *n).collect();
        prop_assert_eq!(&got_good, &want_good);
        for e in &parsed.bad {
            prop_assert!(!want_good.contains(&e.line), "a good line was reported bad: {}", e.line);
            prop_assert!(!e.reason.is_empty());
        }
        prop_assert_eq!(parsed.good.len() + parsed.bad.len(), lines.len());
    }

    #[test]
    fn csv_import_never_panics_and_every_error_has_a_line(text in "\\PC{0,300}") {
        let header = "kind,seat,member_name,occurred_at,body\n";
        if let Ok(parsed) = import::parse(&format!("{header}{text}"), Format::Csv, &seat_lookup()) {
            for e in &parsed.bad {
                prop_assert!(e.line >= 2, "line {} is the header or before it", e.line);
                prop_assert!(!e.reason.is_empty());
            }
        }
    }
}
