//! Crash recovery: a real `navsync sync --once` child is killed with
//! SIGKILL at seeded random moments while it pulls, matches and writes
//! 1,000 activities back, then restarted until it finishes. The emulator
//! must then hold every activity exactly once, closed and regarding its
//! contact when matched, open otherwise, owned by the seat holder; the
//! outbox must be empty and no activity stuck half-way.
//!
//! CI runs `KILLS` kill points; `NAVSYNC_CHAOS_KILLS=200 cargo test --test
//! reliability chaos -- --nocapture` is the longer run.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use navsync::store::Store;
use navsync::store::activities::ActivityState;
use rand::{Rng, SeedableRng};

const KILLS: usize = 24;
const ACTIVITIES: usize = 1000;
use crate::child::CrashWorld;

#[test]
fn sigkill_at_random_points_then_restart_writes_each_activity_exactly_once() {
    let kills: usize = std::env::var("NAVSYNC_CHAOS_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(KILLS);
    let w = CrashWorld::connected(11, ACTIVITIES);
    let (sim, data) = (&w.sim, &w.data);
    // The activities arrive in chunks, one before each killed run, so that
    // every run has something to match and send when the kill comes.
    let chunk = ACTIVITIES.div_ceil(kills.max(1));
    let mut chunks = w.activities.chunks(chunk);

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let mut phases_hit: HashMap<String, usize> = HashMap::new();
    let mut run_ms: u64 = 600;
    for n in 0..kills {
        if let Some(items) = chunks.next() {
            w.import(n, items);
        }
        let started = std::time::Instant::now();
        let mut child = w
            .navsync()
            .args(["sync", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(5..=run_ms)));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        if finished {
            // Aim the next kills inside a run: runs take about this long.
            run_ms = (started.elapsed().as_millis() as u64).clamp(20, 2000);
        }
        *phases_hit
            .entry(if finished {
                "finished".into()
            } else {
                kill_point(data)
            })
            .or_default() += 1;
    }
    for (n, items) in chunks.enumerate() {
        w.import(kills + n, items);
    }
    // Restart until a run completes.
    let mut restarts = 0;
    loop {
        restarts += 1;
        let out = w.navsync().args(["sync", "--once"]).output().unwrap();
        if out.status.success() {
            break;
        }
        assert!(
            restarts < 5,
            "no clean run: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let Tally {
        written,
        closed,
        excluded,
    } = each_activity_once(sim, data, ACTIVITIES);
    println!(
        "chaos: {kills} SIGKILLs (by phase reached: {phases_hit:?}), {restarts} restart(s) to finish; \
         {written} activities in the CRM exactly once ({closed} closed, {} open), {excluded} kept out by rule; outbox empty",
        written - closed
    );
    w.rt.block_on(w.sim.shutdown());
}

/// What the CRM holds after a crash test.
pub struct Tally {
    pub written: usize,
    pub closed: usize,
    pub excluded: usize,
}

/// The exactly-once verdict: outbox empty, nothing stuck, every written
/// activity in the CRM once with the right state, regarding and owner, no
/// task navsync does not know of, and all `total` accounted for.
pub fn each_activity_once(sim: &navsync::sim::SimServer, data: &Path, total: usize) -> Tally {
    let store = Store::open_readonly(&navsync::paths::store_file(data)).unwrap();
    let conn = store.conn();
    assert_eq!(
        navsync::store::outbox::pending_count(conn).unwrap(),
        0,
        "outbox not empty"
    );
    for stuck in [
        ActivityState::New,
        ActivityState::Queued,
        ActivityState::Failed,
    ] {
        let n = navsync::store::activities::by_state(conn, stuck)
            .unwrap()
            .len();
        assert_eq!(n, 0, "{n} activities left {stuck:?}");
    }
    let seat_owner: HashMap<i64, String> = navsync::store::seats::list(conn)
        .unwrap()
        .into_iter()
        .filter_map(|s| Some((s.id, s.crm_user_id?)))
        .collect();
    let tasks: HashMap<String, serde_json::Map<String, serde_json::Value>> = sim
        .control()
        .rows("tasks")
        .into_iter()
        .filter_map(|r| Some((r.get("activityid")?.as_str()?.to_string(), r)))
        .collect();
    let mut written = 0;
    let mut closed = 0;
    for state in [ActivityState::WrittenClosed, ActivityState::WrittenOpen] {
        for a in navsync::store::activities::by_state(conn, state).unwrap() {
            written += 1;
            let id = a
                .crm_activity_id
                .clone()
                .expect("written activities carry their CRM id");
            let task = tasks
                .get(&id)
                .unwrap_or_else(|| panic!("activity {} missing in the CRM", a.id));
            let text = |k: &str| task.get(k).and_then(|v| v.as_str()).map(String::from);
            assert_eq!(
                text("_ownerid_value"),
                seat_owner.get(&a.new.seat_id).cloned(),
                "owner of {id}"
            );
            match state {
                ActivityState::WrittenClosed => {
                    closed += 1;
                    assert_eq!(
                        task.get("statecode").and_then(|v| v.as_i64()),
                        Some(1),
                        "{id} closed"
                    );
                    assert_eq!(
                        text("_regardingobjectid_value"),
                        a.matched_contactid,
                        "{id} regarding"
                    );
                }
                _ => {
                    assert_eq!(
                        task.get("statecode").and_then(|v| v.as_i64()),
                        Some(0),
                        "{id} open"
                    );
                    assert_eq!(
                        text("_regardingobjectid_value"),
                        None,
                        "{id} regards nothing"
                    );
                }
            }
        }
    }
    assert_eq!(
        tasks.len(),
        written,
        "the CRM holds tasks navsync does not know of (duplicates)"
    );
    let excluded = navsync::store::activities::by_state(conn, ActivityState::Excluded)
        .unwrap()
        .len();
    assert_eq!(written + excluded, total, "every activity is accounted for");
    assert!(
        written > total / 2,
        "too few written to mean anything: {written}"
    );
    Tally {
        written,
        closed,
        excluded,
    }
}

/// Where a killed run stood: with writes decided but not yet confirmed in
/// the outbox ("writes pending", the window exactly-once is about), else
/// after the last phase it finished.
fn kill_point(data: &Path) -> String {
    let Ok(store) = Store::open_readonly(&navsync::paths::store_file(data)) else {
        return "start".into();
    };
    if navsync::store::outbox::pending_count(store.conn()).unwrap_or(0) > 0 {
        return "writes pending".into();
    }
    match navsync::store::runs::recent(store.conn(), 1) {
        Ok(runs) => runs
            .first()
            .and_then(|r| r.phases.last().map(|(p, _)| format!("after {p}")))
            .unwrap_or_else(|| "start".into()),
        Err(_) => "start".into(),
    }
}
