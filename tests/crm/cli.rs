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

/// `navsync` in a Spanish locale (`LANG=es_ES.UTF-8`, nothing above it).
async fn navsync_es(config: &Path, data: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "es_ES.UTF-8")
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

/// Every string a script reads, in order (object keys included).
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

/// Issue 23: `status --json` is English and typed under any locale: a
/// connect made in Spanish, read in Spanish, gives the very JSON a C
/// locale gives, check details included ("signed in", not "sesión
/// iniciada"), while the text form is Spanish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_json_is_english_under_a_spanish_locale() {
    let env = fixture::start().await;
    let config = crate::support::write_config(&env.sim, env.dir.path(), "");
    let data = env.dir.path().join("data");
    let out = navsync_es(&config, &data, &["connect"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("sesión iniciada"), "{}", text(&out));

    let es = navsync_es(&config, &data, &["status", "--json"]).await;
    assert_eq!(es.status.code(), Some(0), "{}", text(&es));
    let es: serde_json::Value = serde_json::from_slice(&es.stdout).unwrap();
    let c = navsync(&config, &data, &["status", "--json"]).await;
    let c: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    assert_eq!(es, c, "the same JSON in Spanish as in C");

    assert_eq!(es["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(es["health"], "ok");
    let checks = es["checks"].as_array().unwrap();
    assert_eq!(checks[0]["id"], "sign_in");
    assert_eq!(checks[0]["detail"], "signed in (client_secret)");
    assert_eq!(checks[0]["facts"]["fact"], "signed_in");
    let who = checks.iter().find(|c| c["id"] == "who_am_i").unwrap();
    assert_eq!(who["facts"]["kind"], "application");
    assert!(
        who["detail"]
            .as_str()
            .unwrap()
            .ends_with("application user)"),
        "{who}"
    );
    let mut all = Vec::new();
    strings(&es, &mut all);
    for s in &all {
        assert!(
            !s.chars().any(|c| "áéíóúñ¿¡".contains(c)),
            "a Spanish word in status --json: {s:?}"
        );
    }

    let text_es = navsync_es(&config, &data, &["status"]).await;
    let shown = String::from_utf8_lossy(&text_es.stdout);
    assert!(
        shown.contains("estado:"),
        "the text form is Spanish: {shown}"
    );
}
