//! The engine's command loop and its store, end to end without a CRM.

use crate::support::{next, shutdown};
use std::time::Duration;

use navsync::config::{ActivityKind, Config};
use navsync::engine::interface::command::{SettingChange, SettingKey};
use navsync::engine::run::dry_run::Snapshot;
use navsync::engine::usecases::settings;
use navsync::engine::{Command, Engine, EngineHandle, ErrorClass, Event, View};
use navsync::store::runs::{self, Outcome, RunMode};
use navsync::store::{Store, seats};

fn start(path: &std::path::Path) -> EngineHandle {
    Engine::start(Config::default(), path).unwrap()
}

/// Unassigning takes the CRM user and the sync off the seat, keeps the
/// seat, says how many changed, and an unknown seat changes nothing.
#[tokio::test]
async fn unassign_takes_the_crm_user_off_a_seat_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let id = {
        let store = Store::open(&path).unwrap();
        seats::upsert(
            store.conn(),
            &seats::NewSeat {
                member_id: "m1",
                name: "Ana Pérez",
                email: Some("ana@contoso.com"),
                licence: seats::Licence::Member,
                edition: seats::Edition::Team,
                crm_user_id: Some("u-ana"),
                sync_enabled: true,
            },
        )
        .unwrap()
    };
    let mut h = start(&path);
    h.commands
        .send(Command::UnassignSeats { seat_ids: vec![id] })
        .unwrap();
    assert_eq!(next(&mut h).await, Event::SeatsUnassigned { seats: 1 });
    assert_eq!(next(&mut h).await, Event::DataChanged(View::Seats));
    h.commands
        .send(Command::UnassignSeats {
            seat_ids: vec![id, 999],
        })
        .unwrap();
    assert!(matches!(
        next(&mut h).await,
        Event::ActionResult { ok: false, .. }
    ));
    shutdown(h).await;
    let store = Store::open_readonly(&path).unwrap();
    let seat = seats::get(store.conn(), id)
        .unwrap()
        .expect("the seat stays");
    assert_eq!((seat.crm_user_id, seat.sync_enabled), (None, false));
}

/// A console change taken back: config.toml's value applies again, the
/// answer says which, and the Settings tab no longer calls it the console's.
#[tokio::test]
async fn a_reset_setting_goes_back_to_the_config_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let mut config = Config::default();
    config.writeback.enabled = false;
    let mut h = Engine::start(config.clone(), &path).unwrap();
    h.commands
        .send(Command::SetSetting(SettingChange::WritebackEnabled(true)))
        .unwrap();
    assert!(matches!(
        next(&mut h).await,
        Event::ActionResult { ok: true, .. }
    ));
    assert_eq!(next(&mut h).await, Event::DataChanged(View::Settings));
    h.commands
        .send(Command::ResetSetting(SettingKey::WritebackEnabled))
        .unwrap();
    match next(&mut h).await {
        Event::ActionResult { ok: true, reply } => {
            let message = navsync::describe::reply(&reply);
            assert!(message.contains("off"), "the file's value: {message}");
        }
        other => panic!("expected ActionResult, got {other:?}"),
    }
    assert_eq!(next(&mut h).await, Event::DataChanged(View::Settings));
    shutdown(h).await;
    let store = Store::open_readonly(&path).unwrap();
    assert!(
        !settings::effective(store.conn(), &config)
            .unwrap()
            .writeback_enabled
    );
    assert!(
        !settings::from_console(store.conn())
            .unwrap()
            .writeback_enabled
    );
}

#[tokio::test]
async fn a_setting_change_is_stored_announced_and_applies_next_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let mut h = start(&path);
    h.commands
        .send(Command::SetSetting(SettingChange::PipelineStage(Some(2))))
        .unwrap();
    match next(&mut h).await {
        Event::ActionResult { ok: true, reply } => {
            let message = navsync::describe::reply(&reply);
            assert!(message.contains("stage 2"), "{message}");
            assert!(message.contains("next sync"), "{message}");
        }
        other => panic!("expected ActionResult, got {other:?}"),
    }
    assert_eq!(next(&mut h).await, Event::DataChanged(View::Settings));
    h.commands
        .send(Command::SetSetting(SettingChange::WritebackKinds(vec![
            ActivityKind::Note,
            ActivityKind::Inmail,
            ActivityKind::Note,
        ])))
        .unwrap();
    assert!(matches!(
        next(&mut h).await,
        Event::ActionResult { ok: true, .. }
    ));
    assert_eq!(next(&mut h).await, Event::DataChanged(View::Settings));
    // Refused changes are said so and change nothing.
    h.commands
        .send(Command::SetSetting(SettingChange::SyncInterval(
            Duration::from_secs(5),
        )))
        .unwrap();
    match next(&mut h).await {
        Event::ActionResult { ok: false, reply } => {
            assert!(navsync::describe::reply(&reply).contains("minute"))
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    shutdown(h).await;

    let store = Store::open_readonly(&path).unwrap();
    let eff = settings::effective(store.conn(), &Config::default()).unwrap();
    assert_eq!(eff.pipeline_stage, Some(2));
    assert_eq!(
        eff.writeback_kinds,
        [ActivityKind::Inmail, ActivityKind::Note]
    );
    assert_eq!(eff.sync_interval, Config::default().sync.interval);
    assert!(
        eff.auto_sync_all_seats,
        "untouched settings fall back to config"
    );
}

#[tokio::test]
async fn sync_now_without_a_crm_says_not_connected_and_records_no_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let mut h = start(&path);
    assert_eq!(
        h.status.borrow().next_sync,
        None,
        "nothing is scheduled without a CRM"
    );
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    let e = loop {
        if let Event::Error(e) = next(&mut h).await {
            break e;
        }
    };
    assert_eq!(e.class, ErrorClass::Connection);
    assert!(navsync::describe::next_step(&e).contains("Connect"));
    assert_eq!(h.status.borrow().last_error.as_ref(), Some(&e));
    shutdown(h).await;
    let store = Store::open_readonly(&path).unwrap();
    assert!(runs::recent(store.conn(), 10).unwrap().is_empty());
}

#[tokio::test]
async fn cancel_without_a_run_is_answered_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let mut h = start(&path);
    h.commands.send(Command::Cancel).unwrap();
    assert!(matches!(
        next(&mut h).await,
        Event::ActionResult { ok: false, .. }
    ));
    shutdown(h).await;
}

#[tokio::test]
async fn runs_left_open_by_a_dead_process_are_closed_and_last_sync_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let ok_end = {
        let s = Store::open(&path).unwrap();
        let ok = runs::start(s.conn(), RunMode::Full).unwrap();
        runs::finish(s.conn(), ok, Outcome::Ok, &Default::default(), None).unwrap();
        runs::start(s.conn(), RunMode::Incremental).unwrap();
        runs::last_success(s.conn()).unwrap()
    };
    let h = start(&path);
    assert_eq!(h.status.borrow().last_sync, ok_end);
    assert!(!h.status.borrow().connected);
    shutdown(h).await;
    let s = Store::open_readonly(&path).unwrap();
    let recent = runs::recent(s.conn(), 10).unwrap();
    assert_eq!(recent[0].outcome, Outcome::Cancelled);
    assert_eq!(recent[1].outcome, Outcome::Ok);
}

#[test]
fn a_dry_run_snapshot_leaves_the_store_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let writer = Store::open(&path).unwrap();
    // Committed but still in the WAL (the writer is open, no checkpoint).
    let ana = seats::upsert(
        writer.conn(),
        &crate::support::seat("m-1", "Ana", None, false),
    )
    .unwrap();
    let read = |p: &std::path::Path| std::fs::read(p).unwrap_or_default();
    let wal = dir.path().join("navsync.db-wal");
    let before = (read(&path), read(&wal));
    let snap = Snapshot::take(&path, dir.path()).unwrap();
    {
        let copy = Store::open(snap.path()).unwrap();
        assert_eq!(
            seats::list(copy.conn()).unwrap().len(),
            1,
            "the copy has the WAL's rows"
        );
        seats::set_sync(copy.conn(), &[ana], true).unwrap();
    }
    assert_eq!(
        (read(&path), read(&wal)),
        before,
        "the store's bytes did not change"
    );
    assert!(
        !seats::get(writer.conn(), ana)
            .unwrap()
            .unwrap()
            .sync_enabled
    );
    let snap_dir = snap.path().parent().unwrap().to_path_buf();
    drop(snap);
    assert!(!snap_dir.exists(), "the copy is removed");
}

#[tokio::test]
async fn seat_commands_reach_the_seats_module_through_the_single_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let seat = {
        let s = Store::open(&path).unwrap();
        seats::upsert(s.conn(), &crate::support::seat("m-1", "Ana", None, false)).unwrap()
    };
    let mut h = start(&path);
    h.commands
        .send(Command::SetSeatSync {
            seat_ids: vec![seat],
            enabled: true,
        })
        .unwrap();
    assert!(matches!(
        next(&mut h).await,
        Event::ActionResult { ok: true, .. }
    ));
    assert_eq!(next(&mut h).await, Event::DataChanged(View::Seats));
    // An unknown seat changes nothing and says which.
    h.commands
        .send(Command::SetSeatSync {
            seat_ids: vec![seat, 999],
            enabled: false,
        })
        .unwrap();
    match next(&mut h).await {
        Event::ActionResult { ok: false, reply } => {
            let message = navsync::describe::reply(&reply);
            assert!(message.contains("999"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    shutdown(h).await;
    let s = Store::open_readonly(&path).unwrap();
    assert!(seats::get(s.conn(), seat).unwrap().unwrap().sync_enabled);
}
