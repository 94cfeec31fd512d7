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
