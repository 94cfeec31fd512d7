//! Durations and counts in the config are range-checked, located like
//! every other key, instead of overflowing.

use std::path::Path;

use navsync::config::{self, ConfigError};

fn refused(text: &str) -> String {
    match config::parse(Path::new("/etc/navsync/config.toml"), text) {
        Err(e @ ConfigError::Invalid { .. }) => e.to_string(),
        other => panic!("expected a located error, got {other:?}"),
    }
}

#[test]
fn an_interval_that_would_overflow_is_refused_with_file_line_and_column() {
    let e = refused("[sync]\ninterval = \"142620660199513663d\"\n");
    assert!(
        e.starts_with("/etc/navsync/config.toml:2:12: key `sync.interval`"),
        "{e}"
    );
    assert!(e.contains("maximum 365d"), "{e}");
    let e = refused("[sync]\ninterval = \"18446744073709551616m\"\n");
    assert!(e.contains("config.toml:2:12"), "{e}");
    let e = refused("[sync]\ninterval = \"366d\"\n");
    assert!(e.contains("config.toml:2:12"), "{e}");
}

#[test]
fn max_import_bytes_is_range_checked() {
    for bad in ["0", "-1", "17179869185"] {
        let e = refused(&format!("[writeback]\nmax_import_bytes = {bad}\n"));
        assert!(
            e.starts_with("/etc/navsync/config.toml:2:20: key `writeback.max_import_bytes`"),
            "{e}"
        );
    }
    let c = config::parse(
        Path::new("/etc/navsync/config.toml"),
        "[writeback]\nmax_import_bytes = 1048576\n",
    )
    .unwrap();
    assert_eq!(c.writeback.max_import_bytes, 1_048_576);
}
