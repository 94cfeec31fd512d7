//! Reliability of the store and the data dir: kill -9 during writes, a full
//! disk, and a second navsync process on the same data dir.

#[path = "reliability/chaos.rs"]
mod chaos;
#[path = "reliability/child.rs"]
mod child;
#[path = "reliability/identity.rs"]
mod identity;
#[path = "reliability/secrets.rs"]
mod secrets;
#[path = "reliability/service.rs"]
mod service;
mod support;
#[path = "reliability/terminal.rs"]
mod terminal;

use std::io::{BufRead, BufReader};
use std::process::Command;

use navsync::config::ActivityKind;
use navsync::store::{self, Store, activities, seats};

const CHILD_ENV: &str = "NAVSYNC_TEST_WRITER_DB";
const BATCH: usize = 50;

fn seat(s: &Store) -> i64 {
    seats::upsert(s.conn(), &crate::support::seat("m-1", "Ana", None, true)).unwrap()
}

fn activity(seat_id: i64, ext: String) -> activities::NewActivity {
    activities::NewActivity {
        external_id: ext,
        seat_id,
        kind: ActivityKind::Message,
        member_name: "Zoë O'Brien".into(),
        member_company: Some("Acme GmbH".into()),
        member_title: None,
        member_email: None,
        member_profile_url: None,
        subject: "follow-up".into(),
        body: "x".repeat(400),
        occurred_at: store::now(),
        copy_to_crm: true,
        thread: None,
        tag: None,
        sender: None,
    }
}

/// Runs in the child process: writes batches of BATCH activities, one
/// transaction each, until killed, and says after each commit that it
/// committed (the parent kills it once it has).
#[test]
fn child_writer() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return; // only meaningful as the child of kill_9_during_writes
    };
    let mut s = Store::open(std::path::Path::new(&path)).unwrap();
    let seat_id = seats::list(s.conn()).unwrap()[0].id;
    // Ids of this child's own, so each child's rows are new ones.
    let pid = std::process::id();
    for batch in 0.. {
        s.transaction(|tx| {
            for i in 0..BATCH {
                activities::insert(tx, &activity(seat_id, format!("p{pid}-b{batch}-{i}")))?;
            }
            Ok::<_, store::StoreError>(())
        })
        .unwrap();
        println!("{COMMITTED} {batch}");
    }
}

/// What the child writer prints after each commit.
const COMMITTED: &str = "committed batch";

#[test]
fn kill_9_during_writes_leaves_whole_transactions_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    seat(&Store::open(&path).unwrap());
    let mut before = 0;
    for round in 0..3usize {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Killed while it writes, once it has committed a few batches
        // (more each round, so the kill lands elsewhere).
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let commits = lines
            .map_while(Result::ok)
            .filter(|l| l.starts_with(COMMITTED))
            .take(round + 1)
            .count();
        assert_eq!(
            commits,
            round + 1,
            "the child stopped writing (round {round})"
        );
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let s = Store::open(&path).unwrap();
        assert!(
            s.integrity_ok().unwrap(),
            "integrity after kill -9 (round {round})"
        );
        let n = activities::count(s.conn()).unwrap() as usize;
        assert_eq!(n % BATCH, 0, "a transaction was half applied: {n} rows");
        assert!(
            n >= before + (round + 1) * BATCH,
            "the child's commits are kept (round {round}: {before} then {n})"
        );
        before = n;
    }
}

#[test]
fn a_full_disk_is_a_clear_error_and_corrupts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let mut s = Store::open(&path).unwrap();
    let seat_id = seat(&s);
    s.transaction(|tx| activities::insert(tx, &activity(seat_id, "kept".into())).map(|_| ()))
        .unwrap();
    // SQLite's page cap is how a test makes the disk "full" without root.
    let pages: i64 = s
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    s.conn()
        .pragma_update(None, "max_page_count", pages + 2)
        .unwrap();
    let err = (0..1000)
        .find_map(|b| {
            s.transaction(|tx| {
                for i in 0..BATCH {
                    activities::insert(tx, &activity(seat_id, format!("f{b}-{i}")))?;
                }
                Ok::<_, store::StoreError>(())
            })
            .err()
        })
        .expect("the capped database never filled up");
    assert!(err.to_string().contains("full"), "unclear error: {err}");
    drop(s);
    let s = Store::open(&path).unwrap();
    assert!(s.integrity_ok().unwrap());
    let n = activities::count(s.conn()).unwrap() as usize;
    assert_eq!((n - 1) % BATCH, 0, "a failed transaction left rows: {n}");
    assert!(
        activities::by_state(s.conn(), activities::ActivityState::New)
            .unwrap()
            .iter()
            .any(|a| a.new.external_id == "kept")
    );
}

#[test]
fn a_second_writer_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[crm]\ninstance_url = \"http://127.0.0.1:9\"\ntenant_id = \"t\"\nclient_id = \"c\"\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let held = navsync::lock::DataDirLock::acquire(&data).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(&cfg)
        .arg("--data-dir")
        .arg(&data)
        .args(["sync", "--once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(8), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {}", std::process::id())),
        "{stderr}"
    );
    assert!(stderr.contains("navsync status"), "{stderr}");
    // Readers are not blocked.
    let status = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(&cfg)
        .arg("--data-dir")
        .arg(&data)
        .args(["status"])
        .output()
        .unwrap();
    assert_ne!(status.status.code(), Some(8));
    drop(held);
    // Once the holder is gone, the lock is free again.
    navsync::lock::DataDirLock::acquire(&data).unwrap();
}
