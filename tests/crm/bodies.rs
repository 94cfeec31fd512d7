//! The request bodies the client makes of navsync's typed writes, each
//! against the shape Microsoft documents, and what the emulator holds
//! after they are sent.
//!
//! Shapes: "Create a table row using the Web API"
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/create-entity-web-api>:
//! a POST of the columns, the primary key may be set by the client, and
//! "Associate table rows on create" sets a lookup as
//! `"<navigation property>@odata.bind": "/<entity set>(<id>)"`);
//! "Associate and disassociate table rows using the Web API"
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api>:
//! the same annotation in a PATCH); the task EntityType reference
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/task>:
//! `regardingobjectid_contact_task`, `ownerid`, statecode 0 Open, 1
//! Completed with statuscode 5 Completed) and the contact's
//! (`parentcustomerid_account`).

use navsync::crm::writes::{NewContact, NewRecord, NewTask, TaskState, TaskStep};
use navsync::crm::{EntityKind, EntityRef};
use navsync::engine::ports::{Create, CrmWrites};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::fixture::{self, SELLER, account_id, contact_id};

const TASK: &str = "7a5c0000-0000-4000-8000-000000000001";
const NEW_CONTACT: &str = "c0e70000-0000-4000-8000-000000000001";

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

fn task(state: TaskState, regarding: Option<EntityRef>) -> NewTask {
    NewTask {
        id: uuid(TASK),
        subject: "InMail: pricing".into(),
        description: "InMail with Ana\n\nHello".into(),
        at: "2025-03-01T09:30:00Z".into(),
        owner: uuid(SELLER),
        regarding,
        state,
    }
}

fn contact(account: Option<Uuid>) -> NewContact {
    NewContact {
        id: uuid(NEW_CONTACT),
        firstname: "Zed".into(),
        lastname: "Nobody".into(),
        email: Some("zed@initech.example".into()),
        jobtitle: None,
        account,
    }
}

#[test]
fn a_completed_task_binds_its_owner_and_the_contact_it_is_about() {
    let regarding = EntityRef::new(EntityKind::Contact, uuid(&contact_id(1)));
    let body = NewRecord::Task(task(TaskState::Completed, Some(regarding))).body();
    assert_eq!(
        body,
        json!({
            "activityid": TASK,
            "subject": "InMail: pricing",
            "description": "InMail with Ana\n\nHello",
            "scheduledend": "2025-03-01T09:30:00Z",
            "actualend": "2025-03-01T09:30:00Z",
            "ownerid@odata.bind": format!("/systemusers({SELLER})"),
            "regardingobjectid_contact_task@odata.bind": format!("/contacts({})", contact_id(1)),
            "statecode": 1,
            "statuscode": 5,
        })
    );
}

#[test]
fn an_open_task_is_about_nothing_and_keeps_its_default_status() {
    let body = NewRecord::Task(task(TaskState::Open, None)).body();
    assert_eq!(
        body,
        json!({
            "activityid": TASK,
            "subject": "InMail: pricing",
            "description": "InMail with Ana\n\nHello",
            "scheduledend": "2025-03-01T09:30:00Z",
            "ownerid@odata.bind": format!("/systemusers({SELLER})"),
            "statecode": 0,
        })
    );
}

#[test]
fn a_task_about_an_account_binds_the_accounts_navigation_property() {
    let regarding = EntityRef::new(EntityKind::Account, uuid(&account_id(1)));
    let body = NewRecord::Task(task(TaskState::Open, Some(regarding))).body();
    assert_eq!(
        body["regardingobjectid_account_task@odata.bind"],
        format!("/accounts({})", account_id(1))
    );
}

#[test]
fn a_contact_binds_its_company_as_parent_customer() {
    let body = NewRecord::Contact(contact(Some(uuid(&account_id(1))))).body();
    assert_eq!(
        body,
        json!({
            "contactid": NEW_CONTACT,
            "firstname": "Zed",
            "lastname": "Nobody",
            "emailaddress1": "zed@initech.example",
            "parentcustomerid_account@odata.bind": format!("/accounts({})", account_id(1)),
        })
    );
    let alone = NewRecord::Contact(contact(None)).body();
    assert!(
        alone
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.ends_with("@odata.bind"))
    );
}

#[test]
fn a_change_to_a_task_is_reopen_text_complete() {
    let steps: Vec<Value> = [
        TaskStep::Reopen,
        TaskStep::Text {
            subject: "s".into(),
            description: "new text".into(),
        },
        TaskStep::Complete {
            regarding: Some(EntityRef::new(EntityKind::Contact, uuid(&contact_id(2)))),
        },
        TaskStep::Complete { regarding: None },
    ]
    .iter()
    .map(TaskStep::body)
    .collect();
    assert_eq!(
        steps,
        [
            json!({ "statecode": 0 }),
            json!({ "subject": "s", "description": "new text" }),
            json!({
                "regardingobjectid_contact_task@odata.bind": format!("/contacts({})", contact_id(2)),
                "statecode": 1,
                "statuscode": 5,
            }),
            json!({ "statecode": 1, "statuscode": 5 }),
        ]
    );
}

/// The typed writes sent through the client: the emulator (which follows
/// the same pages) takes each body and holds the lookups they bind.
#[tokio::test]
async fn each_typed_write_lands_as_the_record_it_describes() {
    let env = fixture::start().await;
    let client = env.client();
    let creates = [
        Create {
            record: NewRecord::Task(task(TaskState::Open, None)),
            on_behalf_of: None,
        },
        Create {
            record: NewRecord::Contact(contact(Some(uuid(&account_id(1))))),
            on_behalf_of: None,
        },
    ];
    for c in &creates {
        CrmWrites::create_all(&client, std::slice::from_ref(c))
            .await
            .unwrap();
    }
    let steps = [
        TaskStep::Reopen,
        TaskStep::Complete {
            regarding: Some(EntityRef::new(EntityKind::Contact, uuid(NEW_CONTACT))),
        },
    ];
    CrmWrites::update_task(&client, uuid(TASK), &steps)
        .await
        .unwrap();

    let t = env.sim.control().row("tasks", TASK).expect("the task");
    assert_eq!(t["_ownerid_value"], SELLER);
    assert_eq!(t["_regardingobjectid_value"], NEW_CONTACT);
    assert_eq!(
        (t["statecode"].clone(), t["statuscode"].clone()),
        (json!(1), json!(5))
    );
    let c = env
        .sim
        .control()
        .row("contacts", NEW_CONTACT)
        .expect("the contact");
    assert_eq!(c["_parentcustomerid_value"], account_id(1));
    assert_eq!(
        CrmWrites::description_of(&client, uuid(TASK))
            .await
            .unwrap()
            .as_deref(),
        Some("InMail with Ana\n\nHello")
    );
}
