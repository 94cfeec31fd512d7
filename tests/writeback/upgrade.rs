//! A store left by a navsync that queued request bodies (outbox format 1)
//! with writes still pending: after the upgrade each is sent exactly once,
//! as the same CRM record.

use navsync::config::ActivityKind;
use navsync::crm::writes::{NewContact, NewRecord, NewTask, TaskState};
use navsync::crm::{ChangeSet, Column, EntityKind, EntityRef, WriteOp};
use navsync::engine::effects::writer::Writer;
use navsync::engine::usecases::writeback::{self, Queued, Write};
use navsync::sim::SimConfig;
use navsync::store::activities::{self, ActivityState};
use navsync::store::outbox::{self, OutboxEntry, OutboxOp};
use navsync::store::{Store, audit};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::e2e::{client, tenant};
use crate::rules::{self, ACME, ANA, U_ON};

/// The last schema before typed writes; opening the store again brings it
/// up to date, converting the outbox.
const SCHEMA_BEFORE: i64 = 6;

fn store_path(dir: &std::path::Path) -> std::path::PathBuf {
    navsync::paths::store_file(dir)
}

/// Marks the store as one of schema 006, so opening it runs the outbox's
/// conversion as it would on an upgraded install.
fn downgrade_schema(s: &Store) {
    s.conn()
        .pragma_update(None, "user_version", SCHEMA_BEFORE)
        .unwrap();
}

fn rows(s: &Store) -> Vec<OutboxEntry> {
    outbox::pending(s.conn(), 100).unwrap()
}

/// The row as an older navsync queued it: the request body it sent,
/// beside what sending needed.
fn as_format_1(q: &Queued) -> Value {
    let body = match &q.write {
        Write::CreateTask(t) => NewRecord::Task(t.clone()).body(),
        other => panic!("not a create: {other:?}"),
    };
    let mut old = json!({ "body": body });
    if let Some(u) = q.on_behalf_of {
        old["on_behalf_of"] = json!(u.to_string());
    }
    old
}

/// A matched and an unmatched activity decided and queued, their rows
/// then rewritten in format 1 and the store closed as schema 006.
fn old_store(dir: &std::path::Path) -> Vec<(OutboxEntry, Queued)> {
    let (s, [on, _, _]) = rules::seeded(dir);
    for a in [
        rules::activity(
            "x-closed",
            on,
            ActivityKind::Inmail,
            "Ana Perez",
            Some("Acme"),
        ),
        rules::activity(
            "x-open",
            on,
            ActivityKind::Note,
            "Zed Nobody",
            Some("Initech"),
        ),
    ] {
        activities::insert(s.conn(), &a).unwrap();
    }
    let r = writeback::Rules {
        on_behalf_of_seat_holder: true,
        ..rules::rules()
    };
    writeback::prepare(s.conn(), &r).unwrap();
    let mut typed = Vec::new();
    for e in rows(&s) {
        let q = Queued::of(&e).unwrap();
        s.conn()
            .execute(
                "UPDATE outbox SET payload_json = ?1 WHERE id = ?2",
                rusqlite::params![as_format_1(&q).to_string(), e.id],
            )
            .unwrap();
        typed.push((e, q));
    }
    assert_eq!(typed.len(), 2);
    downgrade_schema(&s);
    typed
}

#[test]
fn the_upgrade_turns_each_pending_body_into_the_write_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let before = old_store(dir.path());
    let s = Store::open(&store_path(dir.path())).unwrap();
    let after = rows(&s);
    assert_eq!(after.len(), before.len(), "nothing dropped, nothing added");
    for (e, q) in &before {
        let now = after.iter().find(|a| a.id == e.id).unwrap();
        assert_eq!(now.crm_id, e.crm_id, "the same CRM record");
        assert_eq!(&Queued::of(now).unwrap(), q);
    }
}

/// Rows of every operation as an older navsync wrote them (the body it
/// sent, the queue's note), converted as they are.
#[test]
fn every_operation_of_format_1_converts() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    let s = Store::open(&path).unwrap();
    let task = Uuid::from_u128(0x7a5c);
    let contact = Uuid::from_u128(0xc0e7);
    let old = [
        (
            OutboxOp::CreateContact,
            "contacts",
            contact,
            json!({"body": {
                "contactid": contact.to_string(), "firstname": "Zed", "lastname": "Nobody",
                "jobtitle": "CTO",
                "parentcustomerid_account@odata.bind": format!("/accounts({ACME})"),
            }}),
        ),
        (
            OutboxOp::CloseTask,
            "tasks",
            task,
            json!({
                "body": {
                    "regardingobjectid_contact_task@odata.bind": format!("/contacts({contact})"),
                    "statecode": 1, "statuscode": 5,
                },
                "resolve": {"how": "created", "contactid": contact.to_string()},
            }),
        ),
        (
            OutboxOp::UpdateTask,
            "tasks",
            task,
            json!({"body": {"subject": "s", "description": "d"}, "version": 2}),
        ),
    ];
    for (op, set, id, payload) in &old {
        outbox::enqueue(
            s.conn(),
            None,
            *op,
            set,
            &id.to_string(),
            &payload.to_string(),
        )
        .unwrap();
    }
    // A row done before the upgrade is never read again: left as it was.
    let done = json!({"body": {"subject": "done", "description": "d"}}).to_string();
    let done_id = outbox::enqueue(
        s.conn(),
        None,
        OutboxOp::UpdateTask,
        "tasks",
        &Uuid::from_u128(1).to_string(),
        &done,
    )
    .unwrap();
    outbox::mark_done(s.conn(), done_id).unwrap();
    downgrade_schema(&s);
    drop(s);

    let s = Store::open(&path).unwrap();
    let got: Vec<Write> = rows(&s)
        .iter()
        .map(|e| Queued::of(e).unwrap().write)
        .collect();
    assert_eq!(
        got,
        [
            Write::CreateContact(NewContact {
                id: contact,
                firstname: "Zed".into(),
                lastname: "Nobody".into(),
                email: None,
                jobtitle: Some("CTO".into()),
                account: Some(ACME.parse().unwrap()),
            }),
            Write::CloseTask {
                contact,
                how: navsync::vocab::ResolveHow::Created,
                by: None,
            },
            Write::UpdateTask {
                subject: "s".into(),
                description: "d".into(),
            },
        ]
    );
    let version = Queued::of(&rows(&s)[2]).unwrap().version;
    assert_eq!(version, Some(2));
    let kept: String = s
        .conn()
        .query_row(
            "SELECT payload_json FROM outbox WHERE id = ?1",
            [done_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, done);
}

async fn upgraded_and_sent(already_sent: bool) {
    let dir = tempfile::tempdir().unwrap();
    let before = old_store(dir.path());
    let sim = navsync::sim::start(tenant(), SimConfig::default())
        .await
        .unwrap();
    let crm = client(&sim.instance_url(), &sim.authority_url(), dir.path());
    let closed = before
        .iter()
        .find_map(|(e, q)| match &q.write {
            Write::CreateTask(t) if t.state == TaskState::Completed => Some((e.clone(), t.clone())),
            _ => None,
        })
        .expect("the matched task");
    if already_sent {
        // The older navsync sent its body and died before recording the
        // answer.
        let (e, t): (OutboxEntry, NewTask) = closed.clone();
        let body = NewRecord::Task(t.clone()).body();
        let op = WriteOp::Create {
            entity_set: e.entity_set.clone(),
            key: Column::new("activityid").unwrap(),
            id: t.id,
            body,
        };
        let r = crm.write_batch(&[ChangeSet::new(vec![op])]).await.unwrap();
        assert!(r.iter().all(|r| r.is_ok()), "{r:?}");
    }

    let writer = Writer::spawn(Store::open(&store_path(dir.path())).unwrap()).unwrap();
    let sent = writeback::send_pending(&writer, &crm).await.unwrap();
    assert_eq!(sent.failed, 0, "{sent:?}");
    let (written, already) = if already_sent { (1, 1) } else { (2, 0) };
    assert_eq!((sent.written, sent.already), (written, already), "{sent:?}");

    let (e, t) = closed;
    let task = sim
        .control()
        .row("tasks", &e.crm_id)
        .expect("the same record");
    assert_eq!(task["activityid"], t.id.to_string());
    assert_eq!(task["_regardingobjectid_value"], ANA);
    assert_eq!(task["_ownerid_value"], U_ON);
    assert_eq!(
        (task["statecode"].clone(), task["statuscode"].clone()),
        (json!(1), json!(5))
    );
    for (e, _) in &before {
        assert!(sim.control().row("tasks", &e.crm_id).is_some());
    }
    assert_eq!(
        sim.control().rows("tasks").len(),
        before.len(),
        "one record per pending row, none twice"
    );
    assert_eq!(
        t.regarding,
        Some(EntityRef::new(EntityKind::Contact, ANA.parse().unwrap()))
    );

    // Recorded: nothing pending, the activities written, a second pass
    // sends nothing.
    let (pending, states, log) = writer
        .call(|s| {
            Ok::<_, writeback::WritebackError>((
                outbox::pending_count(s.conn())?,
                activities::by_state(s.conn(), ActivityState::WrittenClosed)?.len()
                    + activities::by_state(s.conn(), ActivityState::WrittenOpen)?.len(),
                audit::recent(s.conn(), 10)?,
            ))
        })
        .await
        .unwrap();
    assert_eq!((pending, states), (0, 2));
    assert_eq!(log.len(), 2);
    let again = writeback::send_pending(&writer, &crm).await.unwrap();
    assert_eq!(again.requests, 0);
}

#[tokio::test]
async fn a_pending_body_from_before_the_upgrade_is_sent_once() {
    upgraded_and_sent(false).await;
}

#[tokio::test]
async fn a_body_sent_before_the_upgrade_but_not_recorded_is_not_sent_again() {
    upgraded_and_sent(true).await;
}
