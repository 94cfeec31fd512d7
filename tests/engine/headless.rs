//! `navsync sync --once` as cron runs it: no terminal, exit codes.

use std::process::Command;

fn config(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        "[crm]\ninstance_url = \"https://contoso.crm.dynamics.com\"\ntenant_id = \"t\"\nclient_id = \"c\"\n",
    )
    .unwrap();
    path
}

fn sync(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(config(dir))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["sync", "--once"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn sync_once_without_a_connection_exits_7_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = sync(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(7));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("navsync connect"), "{err}");
    assert!(
        !err.contains('\r'),
        "no progress line when stderr is not a terminal"
    );
}

#[test]
fn a_dry_run_without_a_connection_leaves_no_store_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = sync(dir.path(), &["--dry-run"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(
        !dir.path().join("data").join("navsync.db").exists(),
        "a dry run only ever works on a copy"
    );
}

#[test]
fn status_json_without_a_config_is_still_json_and_says_unconfigured() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(dir.path().join("missing.toml"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["status", "--json"])
        .env_remove("NAVSYNC_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a config problem");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["state"], "unconfigured");
    assert!(json["engine"].is_null(), "no engine runs: {json}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("config"));
}
