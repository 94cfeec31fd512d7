//! "If you did not use an integration user at first, you can always
//! disconnect and connect again with the integration user": `navsync
//! connect` under another identity asks first (`--yes` headless), keeps
//! seats, settings, the CRM copy and the outbox, and writes nothing twice.

use std::time::Duration;

use navsync::sim::tenant::{ActivitySeed, ActivityStream, Scale, generate};
use navsync::store::{Store, audit};

use crate::child::{navsync, succeeded};
use crate::support;

/// The config for `sim`: signing in by device code (an admin) or with the
/// integration user's client secret.
fn config(sim: &navsync::sim::SimServer, dir: &std::path::Path, device_code: bool) {
    let auth = if device_code {
        "auth = \"device_code\"\n"
    } else {
        ""
    };
    support::write_config(sim, dir, &format!("{auth}[writeback]\nenabled = true\n"));
}

fn import(
    cfg: &std::path::Path,
    data: &std::path::Path,
    secret: &str,
    file: &std::path::Path,
    items: &[ActivitySeed],
) {
    let lines: String = items
        .iter()
        .map(|a| navsync::commands::demo::activity_line(a) + "\n")
        .collect();
    std::fs::write(file, lines).unwrap();
    succeeded(
        navsync(cfg, data, secret)
            .args(["activities", "import"])
            .arg(file)
            .output()
            .unwrap(),
    );
}

#[test]
fn reconnecting_as_the_integration_user_keeps_everything_and_writes_nothing_twice() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let tenant = generate(Scale::Tiny, 24);
    let seats = tenant.seats.clone();
    let in_crm: Vec<&str> = seats
        .iter()
        .filter(|s| s.crm_systemuserid.is_some())
        .map(|s| s.member_id.as_str())
        .collect();
    // Twenty activities the rules write: "Copy to CRM" on, seat in the CRM.
    let items: Vec<ActivitySeed> = ActivityStream::new(&tenant, 24)
        .filter(|a| a.copy_to_crm && in_crm.contains(&a.seat_member_id.as_str()))
        .take(20)
        .collect();
    assert_eq!(items.len(), 20);
    let sim = rt
        .block_on(navsync::sim::start(
            tenant,
            navsync::sim::SimConfig {
                device_auto_approve: Some(Duration::from_millis(100)),
                device_interval: Duration::from_secs(1),
                ..Default::default()
            },
        ))
        .unwrap();
    let identity = sim.identity().clone();
    let secret = identity.client_secret.clone();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    navsync::commands::demo::seed_seats(&navsync::paths::store_file(&data), &seats).unwrap();
    let run = || navsync(&cfg, &data, &secret);

    // A: the admin, by device code, writes the first ten.
    config(&sim, dir.path(), true);
    import(
        &cfg,
        &data,
        &secret,
        &dir.path().join("first.jsonl"),
        &items[..10],
    );
    succeeded(run().arg("connect").output().unwrap());
    let created_by = |user: &str| {
        sim.control()
            .rows("tasks")
            .iter()
            .filter(|t| t["_createdby_value"] == user)
            .count()
    };
    assert_eq!(created_by(&identity.admin_user_id), 10);

    // B: the integration user. Off a terminal the switch is not made
    // without --yes, and nothing changes.
    config(&sim, dir.path(), false);
    let refused = run().arg("connect").output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    let status = |run: &dyn Fn() -> std::process::Command| {
        let out = run().args(["status", "--json"]).output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(status(&run)["crm_user"]["id"], identity.admin_user_id);
    succeeded(run().args(["connect", "--yes"]).output().unwrap());
    let now = status(&run);
    assert_eq!(now["crm_user"]["id"], identity.application_user_id);
    assert_eq!(now["crm_user"]["integration_user"], true);
    assert!(now["connected_at"].is_string());

    // Ten more and the first ten again: only the new ten are written, by B.
    import(&cfg, &data, &secret, &dir.path().join("all.jsonl"), &items);
    succeeded(run().args(["sync", "--once"]).output().unwrap());
    assert_eq!(sim.control().rows("tasks").len(), 20, "each exactly once");
    assert_eq!(created_by(&identity.admin_user_id), 10);
    assert_eq!(created_by(&identity.application_user_id), 10);

    let store = Store::open_readonly(&navsync::paths::store_file(&data)).unwrap();
    let switch = audit::recent(store.conn(), 1000)
        .unwrap()
        .into_iter()
        .find(|e| e.action == "switch_identity")
        .expect("the switch is in the audit log");
    assert_eq!(switch.crm_id, identity.application_user_id);
    assert_eq!(
        switch.detail.as_deref(),
        Some(identity.admin_user_id.as_str())
    );
    rt.block_on(sim.shutdown());
}
