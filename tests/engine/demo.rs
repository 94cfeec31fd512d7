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

/// A running demo publishes its engine like any other: `status` on its data
/// dir reports it instead of "not running". The emulator is slowed, then
/// cut off, once connected, so the first sync is still going when asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_sees_the_engine_of_a_running_demo() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut demo = tokio::process::Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo", "--scale", "tiny"])
        .env("NAVSYNC_CONFIG", dir.path().join("absent.toml"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(demo.stderr.take().unwrap()).lines();
    let http = reqwest::Client::new();
    let mut sim = String::new();
    tokio::time::timeout(crate::support::WAIT, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.split("emulator serving ").nth(1) {
                sim = url.trim().to_string();
                let faults = format!("{sim}/_sim/faults");
                let slow = serde_json::json!({"latency_ms": 200});
                http.post(&faults).json(&slow).send().await.unwrap();
            }
            if line.contains("Successfully connected") {
                let cut = serde_json::json!({"outage": true});
                http.post(format!("{sim}/_sim/faults"))
                    .json(&cut)
                    .send()
                    .await
                    .unwrap();
                return;
            }
        }
        panic!("the demo ended before connecting");
    })
    .await
    .expect("the demo connects");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--data-dir")
        .arg(dir.path().join("demo"))
        .env("NAVSYNC_CONFIG", dir.path().join("absent.toml"))
        .args(["status", "--json"])
        .output()
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["engine"].is_object(), "{json}");
    assert!(
        json["engine"]["running"].is_object(),
        "the first sync: {json}"
    );
    demo.kill().await.unwrap();
}
