//! The commands for scripts and support, as a user runs them against the
//! emulator: `sync --once --json`, `status --watch`, `logs`, `doctor`.

use std::path::Path;
use std::process::{Output, Stdio};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::fixture::{self, SECRET};

fn navsync(config: &Path, data: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_navsync"));
    cmd.env("LC_ALL", "C")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .env(crate::support::SECRET_ENV, SECRET)
        .env_remove("RUST_LOG")
        .kill_on_drop(true);
    cmd
}

async fn run(config: &Path, data: &Path, args: &[&str]) -> Output {
    navsync(config, data).args(args).output().await.unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Reads stdout lines until one satisfies `want` (the child's own pace,
/// bounded by the test harness's WAIT).
async fn line_where(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    want: impl Fn(&str) -> bool,
) -> String {
    tokio::time::timeout(crate::support::WAIT, async {
        loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("output ended early");
            if want(&line) {
                return line;
            }
        }
    })
    .await
    .expect("the line never came")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_json_prints_one_typed_summary_object() {
    let env = fixture::start().await;
    let config = crate::support::write_config(&env.sim, env.dir.path(), "");
    let data = env.dir.path().join("data");
    // Another engine holds the data dir: exit 8, and still one object.
    std::fs::create_dir_all(&data).unwrap();
    let held = navsync::lock::DataDirLock::acquire(&data).unwrap();
    let out = run(&config, &data, &["sync", "--once", "--json"]).await;
    assert_eq!(out.status.code(), Some(8), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["exit_code"], 8, "{v}");
    drop(held);

    let out = run(&config, &data, &["sync", "--once", "--json"]).await;
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(
        (v["exit_code"].as_u64(), v["run_id"].is_null()),
        (Some(7), true)
    );

    let out = run(&config, &data, &["connect"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run(&config, &data, &["sync", "--once", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(
        stdout.lines().count(),
        1,
        "one object, nothing else: {stdout}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["outcome"], "ok");
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["dry_run"], false);
    assert_eq!(v["mode"], "incremental");
    assert!(v["run_id"].as_i64().unwrap() >= 2, "{v}");
    assert!(v["requests"].as_i64().unwrap() > 0, "{v}");
    assert!(
        v["error_class"].is_null() && v["finished_at"].is_string(),
        "{v}"
    );
    assert!(v["rows"].is_object(), "{v}");

    env.sim.control().set_outage(true);
    let out = run(&config, &data, &["sync", "--once", "--json"]).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("still one object");
    assert_eq!(v["exit_code"].as_i64(), out.status.code().map(i64::from));
    assert_eq!(v["error_class"], "connection", "{v}");
    assert_ne!(v["outcome"], "ok", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_watch_prints_again_on_a_change_and_ends_with_its_input() {
    let env = fixture::start().await;
    let config = crate::support::write_config(&env.sim, env.dir.path(), "");
    let data = env.dir.path().join("data");
    let mut watch = navsync(&config, &data)
        .args(["status", "--watch", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    let first = line_where(&mut lines, |_| true).await;
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["state"], "never_connected");

    let out = run(&config, &data, &["connect"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let later = line_where(&mut lines, |l| l.contains("\"state\":\"connected\"")).await;
    assert!(serde_json::from_str::<serde_json::Value>(&later).is_ok());

    // End of input ends the watch, cleanly.
    let mut stdin = watch.stdin.take().unwrap();
    stdin.flush().await.unwrap();
    drop(stdin);
    let status = tokio::time::timeout(crate::support::WAIT, watch.wait())
        .await
        .expect("the watch ends")
        .unwrap();
    assert_eq!(status.code(), Some(0), "connected, no error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_print_the_tail_a_run_and_follow_until_ctrl_c() {
    let env = fixture::start().await;
    let config = crate::support::write_config(&env.sim, env.dir.path(), "");
    let data = env.dir.path().join("data");
    let out = run(&config, &data, &["connect"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = run(&config, &data, &["logs", "-n", "3"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);

    // A line from long after the first run: in the tail, not in the run.
    let newest = std::fs::read_dir(data.join("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .max()
        .unwrap();
    let append = |line: &str| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&newest)
            .unwrap();
        writeln!(f, "{line}").unwrap();
    };
    append("2099-01-01T00:00:00.000000Z  INFO navsync: long after");
    let out = run(&config, &data, &["logs", "--run", "1"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let run1 = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        run1.contains("run=1 outcome=Ok"),
        "the run's summary: {run1}"
    );
    assert!(!run1.contains("long after"), "only the run's lines: {run1}");
    let out = run(&config, &data, &["logs", "--run", "999"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no run 999"), "{}", text(&out));

    let mut follow = navsync(&config, &data)
        .args(["logs", "-f", "-n", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(follow.stdout.take().unwrap()).lines();
    line_where(&mut lines, |_| true).await;
    append("2026-12-07T06:00:00.000000Z  INFO navsync: a line written later");
    line_where(&mut lines, |l| l.contains("a line written later")).await;
    let pid = follow.id().unwrap() as i32;
    // SAFETY: signalling our own child.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let status = tokio::time::timeout(crate::support::WAIT, follow.wait())
        .await
        .expect("Ctrl-C ends the follow")
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_a_skewed_clock_and_its_bundle_holds_no_secret_or_token() {
    use std::os::unix::fs::PermissionsExt;
    let env = fixture::start().await;
    let id = env.sim.identity();
    // The secret inline, so the config copy must lose it.
    let config = env.dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[crm]\ninstance_url = \"{}\"\nauthority_url = \"{}\"\ntenant_id = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"{SECRET}\"\n",
            env.sim.instance_url(),
            env.sim.authority_url(),
            id.tenant_id,
            id.client_id
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let data = env.dir.path().join("data");
    let out = run(&config, &data, &["connect"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = run(&config, &data, &["doctor"]).await;
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    for want in [
        "[ ok ] clock: within",
        "/api/data/v9.2/ answers (HTTP 401)",
        "/oauth2/v2.0/token answers (HTTP",
        "token-cache.json: yours, mode 0600",
        "no problem",
    ] {
        assert!(said.contains(want), "{want}\n{said}");
    }
    assert!(
        said.contains("service navsync.service:") || said.contains("systemctl"),
        "the service is looked at, whatever the host: {said}"
    );

    env.sim.control().set_clock_skew(3600);
    let bundle = env.dir.path().join("support.tar");
    let out = run(
        &config,
        &data,
        &["doctor", "--bundle", bundle.to_str().unwrap()],
    )
    .await;
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("[FAIL] clock: 3,"), "{said}");
    assert!(
        said.contains(" s behind the CRM's (Date header); beyond 300 s sign-in fails"),
        "{said}"
    );
    assert!(said.contains("1 problem"), "{said}");

    let bytes = std::fs::read(&bundle).unwrap();
    let mode = std::fs::metadata(&bundle).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let files = navsync::commands::tar::read(&bytes);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "navsync-support/doctor.txt",
        "navsync-support/versions.txt",
        "navsync-support/config.toml",
        "navsync-support/status.json",
        "navsync-support/runs.json",
        "navsync-support/log.txt",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
    assert!(all.contains("client_secret = \"<removed>\""), "{all}");
    assert!(
        all.contains("\"state\": \"connected\""),
        "status.json is there"
    );
    assert!(!all.contains(SECRET), "the secret is in the bundle");
    let raw = String::from_utf8_lossy(&bytes);
    assert!(!raw.contains(SECRET));
    let cache: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("token-cache.json")).unwrap())
            .unwrap();
    let mut tokens = Vec::new();
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) if s.len() >= 20 => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    strings(&cache, &mut tokens);
    assert!(!tokens.is_empty(), "a token was cached to look for");
    for t in tokens {
        assert!(!raw.contains(&t), "a cached token is in the bundle");
    }
}
