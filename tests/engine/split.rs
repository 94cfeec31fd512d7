//! A first full read of a big table split into `createdon` ranges read
//! side by side, with the CRM changing under it: after the next
//! (incremental) run the mirror holds exactly what the CRM holds.

use std::time::Duration;

use navsync::engine::{Command, Event, Phase};
use navsync::store::mirror;
use navsync::store::runs::{Outcome, RunMode};
use serde_json::{Value, json};

use crate::pull::{self, CONTACTS, contact_id, finished, run, setup};
use crate::support::{next, shutdown};

fn row(v: Value) -> navsync::sim::tenant::Row {
    match v {
        Value::Object(m) => m,
        _ => navsync::sim::tenant::Row::new(),
    }
}

/// Contact ids and full names, sorted by id.
fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

fn in_crm(s: &pull::Setup) -> Vec<(String, String)> {
    sorted(
        s.sim
            .control()
            .rows("contacts")
            .iter()
            .map(|r| {
                let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                (text("contactid"), text("fullname"))
            })
            .collect(),
    )
}

fn in_mirror(s: &pull::Setup) -> Vec<(String, String)> {
    sorted(
        mirror::contacts(s.store().conn())
            .unwrap()
            .into_iter()
            .map(|c| (c.contactid, c.fullname))
            .collect(),
    )
}

#[tokio::test]
async fn rows_changed_during_a_split_first_read_are_right_after_the_next_run() {
    let mut s = setup(2).await;
    // 24 contacts are "big" here: split into ranges of their creation
    // times, one a day.
    s.config.crm.split_rows = 10;
    let ctl = s.sim.control();
    for i in 0..CONTACTS {
        let created = format!("2025-01-{:02}T09:00:00Z", i + 1);
        ctl.update_row(
            "contacts",
            &contact_id(i),
            row(json!({"createdon": created})),
        )
        .unwrap();
    }
    // Each answer takes a while, so the changes below land while pages
    // are still being read.
    ctl.set_latency(Duration::from_millis(15));
    ctl.reset_counters();
    let mut h = s.start();
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    let mut events = Vec::new();
    loop {
        let ev = next(&mut h).await;
        if matches!(ev, Event::StatusChanged | Event::Log { .. }) {
            continue;
        }
        let contacts_page = matches!(
            ev,
            Event::Progress {
                phase: Phase::Contacts,
                ..
            }
        );
        events.push(ev);
        if contacts_page {
            break;
        }
    }
    // The first contacts have been stored: the ranges are being read.
    // Created (today, after every range's edge), renamed and deleted now.
    let mut new = ctl.row("contacts", &contact_id(0)).unwrap();
    new.insert("contactid".into(), json!(contact_id(900)));
    new.insert("fullname".into(), json!("Created During"));
    new.remove("createdon");
    ctl.insert_row("contacts", new).unwrap();
    for (i, name) in [
        (1, "Renamed First"),
        (23, "Renamed Last"),
        (12, "Renamed Middle"),
    ] {
        ctl.update_row("contacts", &contact_id(i), row(json!({"fullname": name})))
            .unwrap();
    }
    for i in [2, 13, 22] {
        assert!(ctl.delete_row("contacts", &contact_id(i)).unwrap());
    }
    let events = pull::rest_of_run(&mut h, events).await;
    assert_eq!(finished(&events).0, Outcome::Ok, "{events:?}");
    // Split: the key-only spine (12 pages of 2, read from its snapshot),
    // the two createdon edges and the ranges instead of 12 pages. The
    // ranges read what is there when they get to it: 22 rows at the least
    // (3 deleted, 1 created meanwhile), so 11 pages at the least.
    assert!(
        ctl.request_count("GET contacts") >= 12 + 2 + 11,
        "{:?}",
        ctl.requests()
    );
    ctl.set_latency(Duration::ZERO);

    let events = run(&mut h, false).await;
    assert_eq!(
        events[0],
        Event::RunStarted {
            run_id: 2,
            mode: RunMode::Incremental
        }
    );
    assert_eq!(finished(&events).0, Outcome::Ok, "{events:?}");
    let crm = in_crm(&s);
    assert_eq!(crm.len(), CONTACTS + 1 - 3);
    assert!(crm.contains(&(contact_id(900), "Created During".into())));
    assert!(crm.contains(&(contact_id(23), "Renamed Last".into())));
    assert_eq!(in_mirror(&s), crm);

    // Changes after a split read come from its key-only delta link, the
    // rows read by id; nothing else is read again.
    ctl.reset_counters();
    ctl.update_row(
        "contacts",
        &contact_id(5),
        row(json!({"fullname": "Later"})),
    )
    .unwrap();
    assert!(ctl.delete_row("contacts", &contact_id(6)).unwrap());
    let events = run(&mut h, false).await;
    assert_eq!(finished(&events).0, Outcome::Ok, "{events:?}");
    assert_eq!(in_mirror(&s), in_crm(&s));
    assert_eq!(ctl.request_count("GET contacts"), 2, "{:?}", ctl.requests());
    shutdown(h).await;
}
