//! `navsync serve` killed with SIGKILL mid-run, and stopped with SIGTERM
//! mid-run while a `sync --once` follows it, then restarted: the restarted
//! service resumes at once and every activity reaches the CRM exactly once.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use navsync::store::Store;
use navsync::store::runs::{self, Outcome};

use crate::chaos::{Tally, each_activity_once};
use crate::child::CrashWorld;

const ACTIVITIES: usize = 300;
const DEADLINE: Duration = Duration::from_secs(120);

/// The newest run as the store has it, if any.
fn last_run(data: &Path) -> Option<runs::Run> {
    let store = Store::open_readonly(&navsync::paths::store_file(data)).ok()?;
    runs::recent(store.conn(), 1).ok()?.into_iter().next()
}

/// Polls the store until `done` holds for the newest run.
fn wait_for(data: &Path, what: &str, done: impl Fn(&runs::Run) -> bool) -> runs::Run {
    let start = Instant::now();
    loop {
        if let Some(r) = last_run(data).filter(|r| done(r)) {
            return r;
        }
        assert!(start.elapsed() < DEADLINE, "never saw {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn mid_run(r: &runs::Run) -> bool {
    r.outcome == Outcome::Running && !r.phases.is_empty()
}

fn sigterm(child: &Child) {
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
}

#[test]
fn a_service_killed_or_stopped_mid_run_resumes_on_restart_with_nothing_duplicated() {
    let w = CrashWorld::connected(12, ACTIVITIES);
    let data = &w.data;
    let (first, second) = w.activities.split_at(ACTIVITIES / 2);
    w.import(0, first);
    let socket = navsync::service::socket_file(data);
    // A service, once it listens.
    let serve = || {
        let child = w
            .navsync()
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            assert!(start.elapsed() < DEADLINE, "the service never listened");
            std::thread::sleep(Duration::from_millis(10));
        }
        child
    };

    // SIGKILL mid-run: the run is left open in the store.
    let mut service = serve();
    // Asks for a run unless the schedule has started one; it follows it.
    let mut asker = w.navsync().args(["sync", "--once"]).spawn().unwrap();
    let killed = wait_for(data, "a run under way", mid_run);
    service.kill().unwrap();
    service.wait().unwrap();
    asker.wait().unwrap();
    assert_eq!(last_run(data).unwrap().id, killed.id);
    assert_eq!(last_run(data).unwrap().outcome, Outcome::Running);

    // Restarted, it resumes at once by itself (no one asks for a run).
    let mut service = serve();
    wait_for(data, "a clean run after the kill", |r| {
        r.id > killed.id && r.outcome == Outcome::Ok
    });

    // More arrive through the service; SIGTERM while a `sync --once`
    // follows the run it asked for.
    w.import(1, second);
    let follower = w.navsync().args(["sync", "--once"]).spawn().unwrap();
    let stopped = wait_for(data, "the asked-for run under way", |r| {
        r.id > killed.id + 1 && mid_run(r)
    });
    sigterm(&service);
    assert_eq!(service.wait().unwrap().code(), Some(0), "SIGTERM exits 0");
    let out = follower.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("cancelled"), "{said}");
    let after_stop = last_run(data).unwrap();
    assert_eq!(after_stop.id, stopped.id);
    assert_eq!(after_stop.outcome, Outcome::Cancelled, "closed cleanly");

    let mut service = serve();
    wait_for(data, "a clean run after the stop", |r| {
        r.id > stopped.id && r.outcome == Outcome::Ok
    });
    sigterm(&service);
    assert_eq!(service.wait().unwrap().code(), Some(0));
    let Tally { written, .. } = each_activity_once(&w.sim, data, ACTIVITIES);
    assert!(written > ACTIVITIES / 2, "{written}");
    w.rt.block_on(w.sim.shutdown());
}
