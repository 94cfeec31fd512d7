//! Full-pull speed: every table read with `Prefer: odata.maxpagesize=5000`,
//! each row exactly once. CI runs the demo size; the large tenant's figure
//! is measured by hand with `SIM_PULL_SCALE=large cargo test --test sim perf`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use navsync::sim::tenant::Row;
use serde_json::{Value, json};

use crate::fixture::{self, json};

fn row(v: Value) -> Row {
    v.as_object().cloned().unwrap_or_default()
}

fn guid(kind: u32, i: usize) -> String {
    format!("{kind:08x}-0000-4000-8000-{i:012}")
}

/// (users, accounts, contacts, opportunities) of the chosen scale.
fn sizes() -> (usize, usize, usize, usize) {
    match std::env::var("SIM_PULL_SCALE").as_deref() {
        Ok("large") => (2_000, 20_000, 100_000, 50_000),
        _ => (50, 500, 2_000, 800),
    }
}

fn bulk_tenant() -> navsync::sim::tenant::Tenant {
    let (users, accounts, contacts, opps) = sizes();
    let mut t = fixture::tenant();
    t.systemusers.extend((0..users).map(|i| {
        row(json!({"systemuserid": guid(1, i), "fullname": format!("User {i}"), "firstname": "User", "lastname": i.to_string(),
            "internalemailaddress": format!("u{i}@contoso.test"), "domainname": format!("u{i}@contoso.test"), "isdisabled": false,
            "accessmode": 0, "azureactivedirectoryobjectid": guid(2, i), "modifiedon": "2026-01-01T00:00:00Z"}))
    }));
    t.accounts.extend((0..accounts).map(|i| {
        row(json!({"accountid": guid(3, i), "name": format!("Account {i} Holdings"), "websiteurl": format!("https://a{i}.example"),
            "_parentaccountid_value": null, "_ownerid_value": guid(1, i % users),
            "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser", "statecode": 0, "modifiedon": "2026-01-01T00:00:00Z"}))
    }));
    t.contacts.extend((0..contacts).map(|i| {
        row(json!({"contactid": guid(4, i), "firstname": format!("First{i}"), "lastname": format!("Last{i}"), "fullname": format!("First{i} Last{i}"),
            "emailaddress1": format!("c{i}@example.test"), "jobtitle": "Head of Procurement",
            "_parentcustomerid_value": guid(3, i % accounts), "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
            "new_linkedinprofileurl": format!("https://www.linkedin.com/in/c{i}"), "_ownerid_value": guid(1, i % users),
            "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser", "statecode": 0, "modifiedon": "2026-01-01T00:00:00Z"}))
    }));
    t.opportunities.extend((0..opps).map(|i| {
        row(json!({"opportunityid": guid(5, i), "name": format!("Opportunity {i}"), "_ownerid_value": guid(1, i % users),
            "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser", "_customerid_value": guid(3, i % accounts),
            "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account", "_parentaccountid_value": guid(3, i % accounts),
            "_parentcontactid_value": guid(4, i % contacts), "statecode": 0, "statuscode": 1, "salesstage": (i % 4) as i64,
            "stepname": "2-Develop", "estimatedvalue": 12500.0, "actualvalue": null, "totalamount": null, "modifiedon": "2026-01-01T00:00:00Z"}))
    }));
    t
}

#[tokio::test]
async fn full_pull_of_every_table_is_fast_and_returns_each_row_once() {
    let tenant = bulk_tenant();
    let expected = [
        ("systemusers", tenant.systemusers.len()),
        ("accounts", tenant.accounts.len()),
        ("contacts", tenant.contacts.len()),
        ("opportunities", tenant.opportunities.len()),
    ];
    let server = navsync::sim::start(tenant, Default::default())
        .await
        .expect("start");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let token = fixture::client_credentials(&http, &server).await;
    let started = Instant::now();
    for (set, count) in expected {
        let mut ids = HashSet::new();
        let mut url = format!("{}/api/data/v9.2/{set}", server.instance_url());
        loop {
            let r = http
                .get(&url)
                .bearer_auth(&token)
                .header("Prefer", "odata.track-changes,odata.maxpagesize=5000")
                .send()
                .await
                .expect("page");
            assert_eq!(r.status(), 200);
            let v = json(r).await;
            for row in v["value"].as_array().expect("value") {
                let key = row.as_object().and_then(|o| {
                    o.iter()
                        .find(|(k, _)| k.ends_with("id") && !k.starts_with('_'))
                        .map(|(_, v)| v.clone())
                });
                assert!(
                    ids.insert(key.expect("primary key").to_string()),
                    "{set}: row twice"
                );
            }
            match v["@odata.nextLink"].as_str() {
                Some(n) => url = n.to_string(),
                None => {
                    assert!(v["@odata.deltaLink"].is_string());
                    break;
                }
            }
        }
        assert_eq!(ids.len(), count, "{set}");
    }
    let took = started.elapsed();
    // How long is `navsync bench pull`'s business; printed for the record.
    println!("full pull of {expected:?} took {took:?}");
    server.shutdown().await;
}
