//! POST / PATCH / DELETE: client ids, duplicates, binds, task states,
//! upsert preconditions and impersonation.

use serde_json::{Value, json};

use crate::fixture::{self, APP_USER, DISABLED_AAD, SELLER, SELLER_AAD, assert_error, json};

const TASK: &str = "7a5c0000-0000-4000-8000-000000000001";

fn task_body(id: &str) -> Value {
    json!({
        "activityid": id,
        "subject": "InMail: hello",
        "description": "body",
        "regardingobjectid_contact_task@odata.bind": format!("/contacts({})", fixture::contact_id(1)),
        "ownerid@odata.bind": format!("/systemusers({SELLER})"),
    })
}

#[tokio::test]
async fn post_task_honours_client_id_binds_and_sets_creator_and_owner() {
    let sim = fixture::start().await;
    let r = sim
        .post("tasks", &task_body(TASK))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 204);
    assert_eq!(
        r.headers()["odata-entityid"].to_str().unwrap_or_default(),
        sim.url(&format!("tasks({TASK})"))
    );
    let row = sim.server.control().row("tasks", TASK).expect("created");
    assert_eq!(
        row["_regardingobjectid_value"],
        fixture::contact_id(1).as_str()
    );
    assert_eq!(
        row["_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"],
        "contact"
    );
    assert_eq!(row["_ownerid_value"], SELLER);
    assert_eq!(row["_createdby_value"], APP_USER);
    assert_eq!(row["_createdonbehalfby_value"], Value::Null);
    assert_eq!(row["statecode"], 0);
    assert_eq!(row["statuscode"], 2);
    assert_eq!(row["activitytypecode"], "task");
    let r = sim
        .post("tasks", &task_body(TASK))
        .send()
        .await
        .expect("post");
    assert_error(r, 412, "0x80040237", "Cannot insert duplicate key.").await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn task_state_pairs_are_enforced_and_closing_sets_actual_end() {
    let sim = fixture::start().await;
    assert_eq!(
        sim.post("tasks", &task_body(TASK))
            .send()
            .await
            .expect("post")
            .status(),
        204
    );
    let path = format!("tasks({TASK})");
    let r = sim
        .patch(&path, &json!({"statecode": 1, "statuscode": 3}))
        .send()
        .await
        .expect("patch");
    assert_error(
        r,
        400,
        "0x80040203",
        "3 is not a valid status code for state code TaskState.Completed",
    )
    .await;
    let r = sim
        .patch(&path, &json!({"statecode": 1, "statuscode": 5}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 204);
    let row = sim.server.control().row("tasks", TASK).expect("row");
    assert_eq!(
        (row["statecode"].clone(), row["statuscode"].clone()),
        (json!(1), json!(5))
    );
    assert!(row["actualend"].is_string());
    let r = sim
        .patch(&path, &json!({"statecode": 2}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 204);
    assert_eq!(
        sim.server.control().row("tasks", TASK).expect("row")["statuscode"],
        6
    );
    sim.server.shutdown().await;
}

/// A completed activity is read-only: its text changes only after it is
/// reopened (SetState is a PATCH of statecode and statuscode).
#[tokio::test]
async fn a_closed_task_takes_state_changes_only_until_it_is_reopened() {
    let sim = fixture::start().await;
    sim.post("tasks", &task_body(TASK))
        .send()
        .await
        .expect("post");
    let path = format!("tasks({TASK})");
    let patch = |body: serde_json::Value| sim.patch(&path, &body).send();
    assert_eq!(
        patch(json!({"statecode": 1, "statuscode": 5}))
            .await
            .unwrap()
            .status(),
        204
    );
    let r = patch(json!({"description": "edited"})).await.unwrap();
    assert_error(
        r,
        400,
        "0x80040203",
        "is closed or canceled and cannot be updated",
    )
    .await;
    let r = patch(json!({"statecode": 0, "description": "edited"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "reopening comes first, on its own");
    assert_eq!(patch(json!({"statecode": 0})).await.unwrap().status(), 204);
    assert_eq!(
        patch(json!({"description": "edited"}))
            .await
            .unwrap()
            .status(),
        204
    );
    let row = sim.server.control().row("tasks", TASK).expect("row");
    assert_eq!(
        (row["statecode"].clone(), row["description"].clone()),
        (json!(0), json!("edited"))
    );
    sim.server.shutdown().await;
}

#[tokio::test]
async fn if_match_and_if_none_match_give_upsert_semantics() {
    let sim = fixture::start().await;
    let path = format!("tasks({TASK})");
    let r = sim
        .patch(&path, &json!({"subject": "x"}))
        .header("If-Match", "*")
        .send()
        .await
        .expect("patch");
    assert_error(
        r,
        404,
        "0x80040217",
        &format!("task With Id = {TASK} Does Not Exist"),
    )
    .await;
    let r = sim
        .patch(&path, &json!({"subject": "created"}))
        .header("If-None-Match", "*")
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 204);
    let r = sim
        .patch(&path, &json!({"subject": "again"}))
        .header("If-None-Match", "*")
        .send()
        .await
        .expect("patch");
    assert_error(
        r,
        412,
        "0x80040237",
        "A record with matching key values already exists.",
    )
    .await;
    let r = sim
        .patch(&path, &json!({"subject": "updated"}))
        .header("If-Match", "*")
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 204);
    assert_eq!(
        sim.server.control().row("tasks", TASK).expect("row")["subject"],
        "updated"
    );
    let r = sim.delete(&path).send().await.expect("delete");
    assert_eq!(r.status(), 204);
    let r = sim.delete(&path).send().await.expect("delete");
    assert_error(r, 404, "0x80040217", "Does Not Exist").await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn contact_create_with_parent_bind_and_bad_payloads() {
    let sim = fixture::start().await;
    let id = "c0000000-0000-4000-8000-100000000001";
    let body = json!({"contactid": id, "firstname": "Ana", "lastname": "Ruiz",
        "new_linkedinprofileurl": "https://www.linkedin.com/in/ana",
        "parentcustomerid_account@odata.bind": format!("/accounts({})", fixture::ACCOUNT_OBRIEN)});
    let r = sim
        .post("contacts", &body)
        .header("Prefer", "return=representation")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    let v = json(r).await;
    assert_eq!(v["fullname"], "Ana Ruiz");
    assert_eq!(v["_parentcustomerid_value"], fixture::ACCOUNT_OBRIEN);
    let r = sim
        .post("contacts", &json!({"nosuch": 1}))
        .send()
        .await
        .expect("post");
    assert_error(
        r,
        400,
        "0x80060888",
        "The property 'nosuch' does not exist on type 'Microsoft.Dynamics.CRM.contact'",
    )
    .await;
    let missing = "acc00000-0000-4000-8000-999999999999";
    let r = sim
        .post(
            "contacts",
            &json!({"parentcustomerid_account@odata.bind": format!("/accounts({missing})")}),
        )
        .send()
        .await
        .expect("post");
    assert_error(
        r,
        404,
        "0x80040217",
        &format!("account With Id = {missing} Does Not Exist"),
    )
    .await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn impersonation_sets_creator_and_delegate_or_is_refused() {
    let sim = fixture::start().await;
    let r = sim
        .post("tasks", &task_body(TASK))
        .header("CallerObjectId", SELLER_AAD)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 204);
    let row = sim.server.control().row("tasks", TASK).expect("row");
    assert_eq!(row["_createdby_value"], SELLER);
    assert_eq!(row["_createdonbehalfby_value"], APP_USER);
    let who = json(
        sim.get("WhoAmI")
            .header("CallerObjectId", SELLER_AAD)
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(who["UserId"], SELLER);
    let r = sim
        .get("WhoAmI")
        .header("CallerObjectId", DISABLED_AAD)
        .send()
        .await
        .expect("get");
    assert_error(r, 400, "0x80040225", "is disabled").await;
    sim.server
        .control()
        .remove_privilege(APP_USER, "prvActOnBehalfOfAnotherUser");
    let r = sim
        .get("WhoAmI")
        .header("CallerObjectId", SELLER_AAD)
        .send()
        .await
        .expect("get");
    assert_error(
        r,
        403,
        "0x80040220",
        "is missing prvActOnBehalfOfAnotherUser privilege",
    )
    .await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn create_multiple_creates_all_or_none() {
    let sim = fixture::start().await;
    let target = |id: &str| json!({"@odata.type": "Microsoft.Dynamics.CRM.task", "activityid": id, "subject": "bulk"});
    let ids = [
        "7a5c0000-0000-4000-8000-0000000000d1",
        "7a5c0000-0000-4000-8000-0000000000d2",
    ];
    let r = sim
        .post(
            "tasks/Microsoft.Dynamics.CRM.CreateMultiple",
            &json!({"Targets": [target(ids[0]), target(ids[1])]}),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    assert_eq!(json(r).await["Ids"], json!(ids));
    let third = "7a5c0000-0000-4000-8000-0000000000d3";
    let r = sim
        .post(
            "tasks/Microsoft.Dynamics.CRM.CreateMultiple",
            &json!({"Targets": [target(third), target(ids[0])]}),
        )
        .send()
        .await
        .expect("post");
    assert_error(r, 412, "0x80040237", "Cannot insert duplicate key.").await;
    assert!(
        sim.server.control().row("tasks", third).is_none(),
        "the good target was rolled back"
    );
    assert_eq!(sim.server.control().rows("tasks").len(), 2);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn if_match_with_a_stale_etag_is_refused() {
    let sim = fixture::start().await;
    let path = format!("contacts({})", fixture::contact_id(0));
    let etag = json(
        sim.get(&path)
            .query(&[("$select", "fullname")])
            .send()
            .await
            .expect("get"),
    )
    .await["@odata.etag"]
        .as_str()
        .expect("etag")
        .to_string();
    let r = sim
        .patch(&path, &json!({"jobtitle": "CEO"}))
        .header("If-Match", etag.as_str())
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 204);
    let r = sim
        .patch(&path, &json!({"jobtitle": "CFO"}))
        .header("If-Match", etag.as_str())
        .send()
        .await
        .expect("patch");
    assert_error(r, 412, "0x80060882", "doesn't match the RowVersion").await;
    sim.server.shutdown().await;
}
