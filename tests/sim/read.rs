//! Entity-set reads: paging, query options, GET by id, privileges.

use std::collections::HashSet;

use serde_json::Value;

use crate::fixture::{
    self, ACCOUNT_OBRIEN, ACCOUNT_TRICKY, APP_USER, CONTACTS, assert_error, json,
};

#[tokio::test]
async fn paging_returns_every_row_once_with_next_links_and_preference_applied() {
    let sim = fixture::start().await;
    let mut seen = HashSet::new();
    let mut url = sim.url("contacts?$select=fullname,emailaddress1");
    let mut pages = 0;
    loop {
        let r = sim
            .http
            .get(&url)
            .bearer_auth(&sim.token)
            .header("Prefer", "odata.maxpagesize=10")
            .send()
            .await
            .expect("page");
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["preference-applied"], "odata.maxpagesize=10");
        assert_eq!(r.headers()["odata-version"], "4.0");
        let v = json(r).await;
        assert!(
            v["@odata.context"]
                .as_str()
                .unwrap_or_default()
                .ends_with("$metadata#contacts(fullname,emailaddress1)")
        );
        let rows = v["value"].as_array().expect("value");
        pages += 1;
        for row in rows {
            assert!(
                row["@odata.etag"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("W/\"")
            );
            assert!(
                row.get("jobtitle").is_none(),
                "only selected columns: {row}"
            );
            assert!(
                seen.insert(row["contactid"].as_str().expect("id").to_string()),
                "row twice: {row}"
            );
        }
        match v["@odata.nextLink"].as_str() {
            Some(next) => {
                assert_eq!(rows.len(), 10);
                assert!(next.contains("$skiptoken="));
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), CONTACTS);
    assert_eq!(sim.server.control().request_count("GET contacts"), 3);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn filter_with_doubled_quotes_is_one_literal_and_cannot_widen_the_query() {
    let sim = fixture::start().await;
    let r = sim
        .get("accounts")
        .query(&[
            ("$select", "name"),
            ("$filter", "name eq 'O''Brien'' or 1 eq 1'"),
        ])
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let v = json(r).await;
    let rows = v["value"].as_array().expect("value");
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["accountid"], ACCOUNT_TRICKY);
    let r = sim
        .get("accounts")
        .query(&[("$filter", "name eq 'O''Brien'")])
        .send()
        .await
        .expect("get");
    let v = json(r).await;
    assert_eq!(v["value"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["value"][0]["accountid"], ACCOUNT_OBRIEN);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn filter_operators_orderby_top_and_count() {
    let sim = fixture::start().await;
    let r = sim
        .get("opportunities")
        .query(&[
            ("$select", "name,estimatedvalue,salesstage"),
            ("$filter", "statecode eq 0 and (salesstage ge 1 or contains(name,'deal 0')) and not startswith(name,'x')"),
            ("$orderby", "estimatedvalue desc"),
            ("$count", "true"),
        ])
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let v = json(r).await;
    assert_eq!(v["@odata.count"], 3);
    let names: Vec<&str> = v["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["Deal 2", "Deal 1", "Deal 0"]);
    let r = sim
        .get("contacts")
        .query(&[
            ("$select", "lastname"),
            ("$orderby", "lastname desc"),
            ("$top", "2"),
        ])
        .send()
        .await
        .expect("get");
    let v = json(r).await;
    assert!(v.get("@odata.nextLink").is_none());
    let names: Vec<&str> = v["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|r| r["lastname"].as_str())
        .collect();
    assert_eq!(names, ["Last24", "Last23"]);
    let r = sim
        .get("contacts")
        .query(&[("$filter", "_parentcustomerid_value eq ACC00000-0000-4000-8000-000000000001 and jobtitle ne null and jobtitle eq 'cto'")])
        .send()
        .await
        .expect("get");
    let v = json(r).await;
    assert_eq!(v["value"].as_array().map(Vec::len), Some(CONTACTS / 2));
    sim.server.shutdown().await;
}

#[tokio::test]
async fn bad_filter_and_unknown_column_answer_0x80060888() {
    let sim = fixture::start().await;
    let r = sim
        .get("accounts")
        .query(&[("$filter", "name eq 'x")])
        .send()
        .await
        .expect("get");
    assert_error(r, 400, "0x80060888", "Syntax error").await;
    let r = sim
        .get("accounts")
        .query(&[("$select", "name,nosuch")])
        .send()
        .await
        .expect("get");
    assert_error(
        r,
        400,
        "0x80060888",
        "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'.",
    )
    .await;
    let r = sim.get("widgets").send().await.expect("get");
    assert_error(
        r,
        404,
        "0x8006088a",
        "Resource not found for the segment 'widgets'.",
    )
    .await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn get_by_id_with_expand_of_a_lookup() {
    let sim = fixture::start().await;
    let id = fixture::contact_id(3);
    let r = sim
        .get(&format!("contacts({id})"))
        .query(&[
            ("$select", "fullname,_parentcustomerid_value"),
            ("$expand", "parentcustomerid_account($select=name)"),
        ])
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let v = json(r).await;
    assert_eq!(v["fullname"], "First03 Last03");
    assert_eq!(v["_parentcustomerid_value"], ACCOUNT_OBRIEN);
    assert!(
        v.get("_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname")
            .is_none(),
        "annotations only when asked for: {v}"
    );
    assert_eq!(v["parentcustomerid_account"]["name"], "O'Brien");
    let r = sim
        .get(&format!("contacts({id})"))
        .query(&[("$select", "_parentcustomerid_value")])
        .header("Prefer", "odata.include-annotations=\"*\"")
        .send()
        .await
        .expect("get");
    let v = json(r).await;
    assert_eq!(
        v["_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"],
        "account"
    );
    // The navigation property of a polymorphic lookup depends on the table.
    assert_eq!(
        v["_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"],
        "parentcustomerid_account"
    );
    assert!(
        v["@odata.context"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/$entity")
    );
    let missing = "c0000000-0000-4000-8000-999999999999";
    let r = sim
        .get(&format!("contacts({missing})"))
        .send()
        .await
        .expect("get");
    assert_error(
        r,
        404,
        "0x80040217",
        &format!("contact With Id = {missing} Does Not Exist"),
    )
    .await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn missing_read_privilege_is_403_naming_it_until_restored() {
    let sim = fixture::start().await;
    let ctl = sim.server.control();
    ctl.remove_privilege(APP_USER, "prvReadOpportunity");
    let r = sim.get("opportunities").send().await.expect("get");
    assert_error(
        r,
        403,
        "0x80040220",
        "is missing prvReadOpportunity privilege",
    )
    .await;
    let r = sim.get("opportunities").send().await.expect("get");
    let v: Value = json(r).await;
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(
        msg.starts_with(&format!("Principal user (Id={APP_USER}, type=8")),
        "{msg}"
    );
    assert!(msg.contains("on OTC=3 for entity 'opportunity'"), "{msg}");
    assert_eq!(sim.get("accounts").send().await.expect("get").status(), 200);
    ctl.restore_privilege(APP_USER, "prvReadOpportunity");
    assert_eq!(
        sim.get("opportunities").send().await.expect("get").status(),
        200
    );
    sim.server.shutdown().await;
}

/// Dataverse compresses answers for a client that accepts gzip; the
/// emulator does too, and says how parallel a client may go
/// (https://learn.microsoft.com/en-us/power-apps/developer/data-platform/send-parallel-requests).
#[tokio::test]
async fn answers_are_gzipped_when_asked_and_carry_the_dop_hint() {
    let sim = fixture::start().await;
    let raw = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("client");
    let r = raw
        .get(sim.url("contacts"))
        .bearer_auth(&sim.token)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["x-ms-dop-hint"], "8");
    let plain = raw
        .get(sim.url("contacts"))
        .bearer_auth(&sim.token)
        .send()
        .await
        .expect("get");
    assert!(plain.headers().get("content-encoding").is_none());
    sim.server.shutdown().await;
}
