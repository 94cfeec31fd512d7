//! The headless commands as a user runs them: `connect`, `status [--json]`,
//! `disconnect --purge`, with their exit codes.

use std::path::Path;
use std::process::Output;

use crate::fixture::{self, SECRET};

async fn navsync(config: &Path, data: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env(crate::support::SECRET_ENV, SECRET)
        .env_remove("RUST_LOG")
        .output()
        .await
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_status_and_disconnect_from_the_command_line() {
    let env = fixture::start().await;
    let config = crate::support::write_config(&env.sim, env.dir.path(), "");
    let data = env.dir.path().join("data");

    let out = navsync(&config, &data, &["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["state"], "never_connected");
    let out = navsync(&config, &data, &["disconnect"]).await;
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));

    let out = navsync(&config, &data, &["connect"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown
            .contains("Connected to Microsoft Dynamics — Successfully connected, sync in progress"),
        "{shown}"
    );
    assert!(
        shown.contains("[ ok ] required objects readable"),
        "{shown}"
    );
    assert!(shown.contains("will appear as the creator"), "{shown}");

    let out = navsync(&config, &data, &["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["state"], "connected");
    assert_eq!(json["crm_user"]["id"], fixture::APP_USER);
    assert_eq!(json["checks"].as_array().unwrap().len(), 8);
    // "sync in progress" was true: with no service to carry it on, the
    // command followed the first sync to its end.
    assert!(json["last_sync"].is_string(), "{json}");
    assert!(shown.contains("imported"), "{shown}");

    let out = navsync(&config, &data, &["disconnect", "--purge"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("Removed imported CRM data"));
    assert!(!data.join("token-cache.json").exists(), "tokens forgotten");
    let out = navsync(&config, &data, &["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(7));

    env.sim.control().set_outage(true);
    let out = navsync(&config, &data, &["connect"]).await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "connection error exit code: {}",
        text(&out)
    );
    assert!(text(&out).contains("CRM connection error. Try again later."));
    let out = navsync(&config, &data, &["status", "--json"]).await;
    assert_eq!(out.status.code(), Some(3));

    let log: String = std::fs::read_dir(data.join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(!log.contains(SECRET), "the secret reached the log");
}
