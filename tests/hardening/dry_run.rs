//! Dry-run copies hold every contact: private, inside the data dir, and
//! gone even after the process making them is killed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::child::{CrashWorld, succeeded};

fn copies(data: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("dry-run-"))
        })
        .collect()
}

/// A headless dry run, once `wanted` copies of the store exist (they do
/// while the run reads the CRM, 40 ms per request): the command's own,
/// then the one its engine takes when the run starts. Returns one.
fn dry_run_under_way(w: &CrashWorld, tmp: &Path, wanted: usize) -> (std::process::Child, PathBuf) {
    let mut dry = w
        .navsync()
        .args(["sync", "--once", "--dry-run"])
        .env("TMPDIR", tmp)
        .spawn()
        .unwrap();
    let start = Instant::now();
    let copy = loop {
        let made: Vec<PathBuf> = copies(&w.data)
            .into_iter()
            .map(|d| d.join("navsync.db"))
            .filter(|db| db.exists())
            .collect();
        if made.len() >= wanted {
            break made[0].clone();
        }
        assert!(
            dry.try_wait().unwrap().is_none(),
            "the dry run ended before its copy was seen"
        );
        assert!(start.elapsed() < crate::GUARD, "no copy appeared");
        std::thread::sleep(Duration::from_millis(5));
    };
    (dry, copy)
}

#[test]
fn a_dry_run_copy_is_0600_in_a_0700_dir_and_gone_after_sigkill_and_restart() {
    let w = CrashWorld::connected(22, 0);
    let tmp = w.dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let (mut dry, copy) = dry_run_under_way(&w, &tmp, 1);
    assert_eq!(crate::mode(copy.parent().unwrap()), 0o700);
    assert_eq!(crate::mode(&copy), 0o600);
    dry.kill().unwrap(); // SIGKILL: no destructor runs
    dry.wait().unwrap();
    assert!(!copies(&w.data).is_empty(), "the kill left its copy behind");
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "nothing in $TMPDIR"
    );

    // Whoever takes the data dir next sweeps it; its own copy goes at its end.
    succeeded(
        w.navsync()
            .args(["sync", "--once", "--dry-run"])
            .env("TMPDIR", &tmp)
            .output()
            .unwrap(),
    );
    assert_eq!(copies(&w.data), Vec::<PathBuf>::new());
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
}

#[test]
fn a_dry_run_stopped_by_sigterm_removes_its_copy_on_the_way_out() {
    let w = CrashWorld::connected(27, 0);
    let tmp = w.dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // The run has started: the command listens for SIGTERM by then.
    let (mut dry, _) = dry_run_under_way(&w, &tmp, 2);
    crate::signal(dry.id(), libc::SIGTERM);
    let status = crate::exits(&mut dry);
    assert_eq!(status.code(), Some(1), "a cancelled run is not a success");
    assert_eq!(copies(&w.data), Vec::<PathBuf>::new());
}
