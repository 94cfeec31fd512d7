//! `$batch` writes: idempotent creates, updates with lookups bound,
//! impersonation, per-change-set results.

use navsync::crm::{Caller, ChangeSet, Column, WriteOp, WriteResult};
use serde_json::json;
use uuid::Uuid;

use crate::fixture::{self, APP_USER, SELLER, contact_id};

fn task(subject: &str) -> serde_json::Value {
    json!({
        "subject": subject,
        "description": "InMail body",
        "regardingobjectid_contact_task@odata.bind": format!("/contacts({})", contact_id(1)),
        "ownerid@odata.bind": format!("/systemusers({SELLER})"),
    })
}

#[tokio::test]
async fn creates_are_idempotent_by_client_generated_id() {
    let env = fixture::start().await;
    let client = env.client();
    let key = Column::new("activityid").unwrap();
    let rows: Vec<(Uuid, serde_json::Value)> = (0..3)
        .map(|i| (Uuid::new_v4(), task(&format!("InMail {i}"))))
        .collect();
    let first = client
        .create_batch("tasks", &key, rows.clone())
        .await
        .unwrap();
    assert!(
        first.iter().all(|r| matches!(r, WriteResult::Done)),
        "{first:?}"
    );
    assert_eq!(
        env.sim.control().request_count("POST $batch"),
        1,
        "one request for all"
    );
    let again = client
        .create_batch("tasks", &key, rows.clone())
        .await
        .unwrap();
    assert!(
        again
            .iter()
            .all(|r| matches!(r, WriteResult::AlreadyExists)),
        "{again:?}"
    );
    assert_eq!(env.sim.control().rows("tasks").len(), 3);
    let row = env
        .sim
        .control()
        .row("tasks", &rows[0].0.to_string())
        .unwrap();
    assert_eq!(row["_regardingobjectid_value"], json!(contact_id(1)));
    assert_eq!(row["_ownerid_value"], json!(SELLER));
    assert_eq!(
        row["_createdby_value"],
        json!(APP_USER),
        "the integration user is the creator"
    );
}

#[tokio::test]
async fn updates_bind_lookups_and_report_failures_per_change_set() {
    let env = fixture::start().await;
    let client = env.client();
    let key = Column::new("activityid").unwrap();
    let id = Uuid::new_v4();
    client
        .create_batch("tasks", &key, vec![(id, task("open"))])
        .await
        .unwrap();
    client
        .update(
            "tasks",
            id,
            json!({"regardingobjectid_contact_task@odata.bind": format!("/contacts({})", contact_id(2)), "statecode": 1, "statuscode": 5}),
        )
        .await
        .unwrap();
    let row = env.sim.control().row("tasks", &id.to_string()).unwrap();
    assert_eq!(row["_regardingobjectid_value"], json!(contact_id(2)));
    assert_eq!(row["statecode"], json!(1));

    let missing = Uuid::new_v4();
    let results = client
        .write_batch(&[
            ChangeSet::new(vec![WriteOp::Update {
                entity_set: "tasks".into(),
                id: missing,
                body: json!({"subject": "x"}),
            }]),
            // The task is closed, so read-only: reopened first, in the
            // same change set.
            ChangeSet::new(vec![
                WriteOp::Update {
                    entity_set: "tasks".into(),
                    id,
                    body: json!({"statecode": 0}),
                },
                WriteOp::Update {
                    entity_set: "tasks".into(),
                    id,
                    body: json!({"subject": "renamed"}),
                },
            ]),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        matches!(&results[0], WriteResult::Failed(e) if e.detail().contains("404")),
        "{results:?}"
    );
    assert!(results[1].is_ok(), "{results:?}");
    assert_eq!(
        env.sim.control().row("tasks", &id.to_string()).unwrap()["subject"],
        json!("renamed")
    );
}

#[tokio::test]
async fn impersonation_writes_on_behalf_of_the_seat_holder() {
    let env = fixture::start().await;
    let client = env.client();
    let seller_entra: Uuid = "aad10000-0000-4000-8000-000000000003".parse().unwrap();
    for caller in [
        Caller::SystemUser(SELLER.parse().unwrap()),
        Caller::EntraObjectId(seller_entra),
    ] {
        let id = Uuid::new_v4();
        let set = ChangeSet {
            ops: vec![WriteOp::Create {
                entity_set: "tasks".into(),
                key: Column::new("activityid").unwrap(),
                id,
                body: task("as seller"),
            }],
            caller: Some(caller),
        };
        let results = client.write_batch(&[set]).await.unwrap();
        assert!(results[0].is_ok(), "{caller:?}: {results:?}");
        let row = env.sim.control().row("tasks", &id.to_string()).unwrap();
        assert_eq!(row["_createdby_value"], json!(SELLER), "{caller:?}");
        assert_eq!(
            row["_createdonbehalfby_value"],
            json!(APP_USER),
            "{caller:?}"
        );
    }
}

#[tokio::test]
async fn more_than_a_thousand_writes_go_in_several_batches() {
    let env = fixture::start().await;
    let client = env.client();
    let key = Column::new("activityid").unwrap();
    let rows: Vec<(Uuid, serde_json::Value)> = (0..1001)
        .map(|i| (Uuid::new_v4(), json!({"subject": format!("t{i}")})))
        .collect();
    let results = client.create_batch("tasks", &key, rows).await.unwrap();
    assert_eq!(results.len(), 1001);
    assert!(results.iter().all(WriteResult::is_ok));
    assert_eq!(env.sim.control().request_count("POST $batch"), 2);
    assert_eq!(env.sim.control().rows("tasks").len(), 1001);
}
