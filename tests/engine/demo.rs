//! `navsync demo` end to end without a terminal: emulator, connect, seeded
//! seats, inbox activities, first sync with writeback, summary, exit 0.

use std::process::Command;

#[test]
fn demo_without_a_terminal_runs_the_first_sync_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo", "--scale", "tiny"])
        .env("NAVSYNC_CONFIG", dir.path().join("absent.toml"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stderr
            .contains("Connected to Microsoft Dynamics — Successfully connected, sync in progress"),
        "{stderr}"
    );
    assert!(stdout.contains("demo sync ok: imported"), "{stdout}");
    assert!(stdout.contains("activities"), "writeback ran: {stdout}");
    assert!(stdout.contains("console was not opened"), "{stdout}");
    // The demo keeps to its own corner of the data dir.
    assert!(dir.path().join("demo").join("navsync.db").exists());
    assert!(!dir.path().join("navsync.db").exists());
}
