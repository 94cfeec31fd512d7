//! Change tracking: delta links, changed and deleted rows, expired tokens.

use serde_json::{Value, json};

use crate::fixture::{self, ACCOUNT_OBRIEN, assert_error, json};

async fn tracked(sim: &fixture::Sim, url: &str) -> Value {
    let r = sim
        .http
        .get(url)
        .bearer_auth(&sim.token)
        .header("Prefer", "odata.track-changes,odata.maxpagesize=2")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["preference-applied"],
        "odata.maxpagesize=2,odata.track-changes"
    );
    json(r).await
}

/// Follows next links to the end; returns the rows and the delta link.
async fn drain(sim: &fixture::Sim, first: &str) -> (Vec<Value>, String) {
    let mut rows = Vec::new();
    let mut v = tracked(sim, first).await;
    loop {
        rows.extend(v["value"].as_array().cloned().unwrap_or_default());
        if let Some(next) = v["@odata.nextLink"].as_str() {
            let next = next.to_string();
            v = tracked(sim, &next).await;
            continue;
        }
        let delta = v["@odata.deltaLink"]
            .as_str()
            .expect("delta link on last page")
            .to_string();
        return (rows, delta);
    }
}

#[tokio::test]
async fn delta_returns_changes_and_deleted_rows_in_dataverse_shape() {
    let sim = fixture::start().await;
    let (rows, delta) = drain(&sim, &sim.url("accounts?$select=name")).await;
    assert_eq!(rows.len(), 3);
    assert!(delta.contains("$deltatoken="), "{delta}");
    let ctl = sim.server.control();
    let changes = json!({"name": "O'Brien Ltd"});
    ctl.update_row(
        "accounts",
        ACCOUNT_OBRIEN,
        changes.as_object().cloned().unwrap_or_default(),
    )
    .expect("update");
    assert!(
        ctl.delete_row("accounts", fixture::ACCOUNT_TRICKY)
            .expect("delete")
    );
    let (rows, next_delta) = drain(&sim, &delta).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["accountid"], ACCOUNT_OBRIEN);
    assert_eq!(rows[0]["name"], "O'Brien Ltd");
    let api = sim.url("");
    assert_eq!(
        rows[1],
        json!({
            "@odata.context": format!("{api}$metadata#accounts/$deletedEntity"),
            "id": fixture::ACCOUNT_TRICKY,
            "reason": "deleted",
        })
    );
    let (rows, _) = drain(&sim, &next_delta).await;
    assert!(rows.is_empty(), "nothing changed since: {rows:?}");
    sim.server.shutdown().await;
}

#[tokio::test]
async fn expired_delta_token_answers_the_version_stamp_error() {
    let sim = fixture::start().await;
    let (_, delta) = drain(&sim, &sim.url("contacts?$select=fullname")).await;
    sim.server.control().expire_delta_tokens();
    let r = sim
        .http
        .get(&delta)
        .bearer_auth(&sim.token)
        .header("Prefer", "odata.track-changes")
        .send()
        .await
        .expect("get");
    assert_error(
        r,
        400,
        "0x80044352",
        "Version stamp associated with the client has expired. Please perform a full sync.",
    )
    .await;
    let (rows, _) = drain(&sim, &sim.url("contacts?$select=fullname")).await;
    assert_eq!(rows.len(), fixture::CONTACTS, "a full re-read works again");
    let r = sim
        .get("contacts")
        .query(&[("$deltatoken", "garbage")])
        .send()
        .await
        .expect("get");
    assert_error(r, 400, "0x80060888", "is not valid").await;
    sim.server.shutdown().await;
}

/// "System query options `$filter`, `$orderby`, `$expand` and `$top`
/// aren't supported when using the `Prefer: odata.track-changes` header"
/// (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems#query-options-not-supported-in-change-tracking-web-api-request>),
/// so a tracked read can be neither filtered nor cut short; `$select` is fine.
#[tokio::test]
async fn a_tracked_read_refuses_filter_orderby_expand_and_top() {
    let sim = fixture::start().await;
    for (option, value) in [
        ("$filter", "statecode eq 0"),
        ("$orderby", "createdon"),
        ("$expand", "parentcustomerid_account"),
        ("$top", "1"),
    ] {
        let r = sim
            .get("contacts")
            .query(&[("$select", "fullname"), (option, value)])
            .header("Prefer", "odata.track-changes")
            .send()
            .await
            .expect("get");
        let fragment = format!(
            "The \"{option}\" query parameter isn't supported when Change Tracking is enabled."
        );
        assert_eq!(r.status().as_u16(), 400, "{option}");
        let v = json(r).await;
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(&fragment), "{option}: {msg:?}");
    }
    let (rows, _) = drain(&sim, &sim.url("contacts?$select=fullname")).await;
    assert_eq!(rows.len(), fixture::CONTACTS);
    sim.server.shutdown().await;
}
