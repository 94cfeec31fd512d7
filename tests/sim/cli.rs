//! `navsync sim --json`: one JSON line with working connection details;
//! SIGTERM stops it cleanly.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::fixture::json;

#[tokio::test]
async fn sim_command_prints_one_json_line_that_connects_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .args([
            "--data-dir",
            dir.path().to_str().expect("utf-8 path"),
            "sim",
            "--scale",
            "tiny",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("navsync sim starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("printed in time")
        .expect("readable")
        .expect("one line");
    let v: Value = serde_json::from_str(&line).expect("JSON line");
    let keys: Vec<usize> = [
        "instance_url",
        "tenant",
        "client_id",
        "client_secret",
        "application_user_id",
        "token_url",
        "control_url",
    ]
    .iter()
    .map(|k| line.find(&format!("\"{k}\":")).expect("key printed"))
    .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "keys in documented order: {line}"
    );
    assert_eq!(v.as_object().map(|o| o.len()), Some(7), "{line}");
    for k in [
        "instance_url",
        "tenant",
        "client_id",
        "client_secret",
        "token_url",
        "control_url",
    ] {
        assert!(v[k].is_string(), "{k} in {line}");
    }
    let http = reqwest::Client::new();
    let instance = v["instance_url"].as_str().unwrap_or_default();
    let scope = format!("{instance}/.default");
    let r = http
        .post(v["token_url"].as_str().unwrap_or_default())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", v["client_id"].as_str().unwrap_or_default()),
            (
                "client_secret",
                v["client_secret"].as_str().unwrap_or_default(),
            ),
            ("scope", scope.as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 200);
    let token = json(r).await["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let r = http
        .get(format!("{instance}/api/data/v9.2/WhoAmI"))
        .bearer_auth(token)
        .send()
        .await
        .expect("whoami");
    assert_eq!(r.status(), 200);
    let pid = child.id().expect("running") as i32;
    // SAFETY: plain kill(2) on the child we spawned.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops in time")
        .expect("exit status");
    assert!(status.success(), "{status:?}");
}
