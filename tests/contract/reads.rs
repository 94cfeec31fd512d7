//! Organisation facts, metadata, paging and change tracking.

use futures::TryStreamExt;
use navsync::crm::rows::Contact;
use navsync::crm::{DeltaToken, Read};
use serde_json::{Value, json};

use crate::harness::{Replay, assert_same_shape, emulator_matches, load, send};
use crate::sim_fixture;

/// The string at `pointer` of a documented body.
fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("the fixture has no string at {pointer}"))
        .to_string()
}

#[tokio::test]
async fn whoami_client_reads_the_documented_answer() {
    let (fx, replay) = Replay::playing("whoami").await;
    let me = replay.client().who_am_i().await.expect("WhoAmI");
    let doc = fx.response(0).json_at(&replay.url);
    assert_eq!(me.user_id, text(&doc, "/UserId"));
    assert_eq!(me.business_unit_id, text(&doc, "/BusinessUnitId"));
    assert_eq!(me.organization_id, text(&doc, "/OrganizationId"));
}

#[tokio::test]
async fn whoami_emulator_answers_the_documented_shape() {
    emulator_matches("whoami", sim_fixture::start().await).await;
}

#[tokio::test]
async fn retrieve_version_client_reads_the_documented_answer() {
    let (_, replay) = Replay::playing("retrieve_version").await;
    let version = replay.client().retrieve_version().await.expect("version");
    assert_eq!(version, "9.2.22074.168");
}

#[tokio::test]
async fn retrieve_version_emulator_answers_the_documented_shape() {
    emulator_matches("retrieve_version", sim_fixture::start().await).await;
}

#[tokio::test]
async fn current_organization_client_reads_the_documented_answer() {
    let (_, replay) = Replay::playing("retrieve_current_organization").await;
    let org = replay
        .client()
        .current_organization()
        .await
        .expect("organization");
    assert_eq!(org.organization_id, "f2c9290b-0806-4d48-bf9c-3814d4286755");
    assert_eq!(org.friendly_name, "[Organization Name]");
    assert_eq!(org.version, "9.2.22074.168");
    assert_eq!(
        org.web_application_url.as_deref(),
        Some(format!("{}/", replay.url).as_str())
    );
    // The documented Detail has no OrganizationType: not a sandbox.
    assert!(!org.is_sandbox());
}

#[tokio::test]
async fn current_organization_emulator_answers_the_documented_shape() {
    emulator_matches("retrieve_current_organization", sim_fixture::start().await).await;
}

#[tokio::test]
async fn salesstage_options_client_reads_values_and_user_localized_labels() {
    let (_, replay) = Replay::playing("metadata_salesstage_options").await;
    let options = replay.client().stage_options().await.expect("options");
    let got: Vec<(i64, &str)> = options
        .iter()
        .map(|o| (o.value, o.label.as_str()))
        .collect();
    assert_eq!(
        got,
        [(0, "Qualify"), (1, "Develop"), (2, "Propose"), (3, "Close")]
    );
}

#[tokio::test]
async fn salesstage_options_client_asks_for_salesstage_not_salesstagecode() {
    let (_, replay) = Replay::playing("metadata_salesstage_options").await;
    replay.client().stage_options().await.expect("options");
    let asked = &replay.seen_api()[0].target;
    assert!(
        asked.contains("Attributes(LogicalName='salesstage')"),
        "{asked}"
    );
}

#[tokio::test]
async fn salesstage_options_emulator_answers_the_documented_shape() {
    emulator_matches("metadata_salesstage_options", sim_fixture::start().await).await;
}

#[tokio::test]
async fn money_attributes_client_reads_names_and_display_names() {
    let (_, replay) = Replay::playing("metadata_money_attributes").await;
    let columns = replay.client().money_columns().await.expect("money");
    let got: Vec<(&str, &str)> = columns
        .iter()
        .map(|c| (c.logical_name.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("estimatedvalue", "Est. Revenue"),
            ("actualvalue", "Actual Revenue")
        ]
    );
}

#[tokio::test]
async fn money_attributes_emulator_answers_the_documented_shape() {
    emulator_matches("metadata_money_attributes", sim_fixture::start().await).await;
}

#[tokio::test]
async fn paging_client_follows_next_link_as_given() {
    let (fx, replay) = Replay::playing("paging").await;
    let client = replay.client();
    let mut pages = std::pin::pin!(client.stream::<Contact>(Read::full()));
    let first = pages.try_next().await.expect("page 1").expect("a page");
    let second = pages.try_next().await.expect("page 2").expect("a page");
    let names = |rows: &[Contact]| -> Vec<String> {
        rows.iter().filter_map(|c| c.fullname.clone()).collect()
    };
    assert_eq!(
        names(&first.rows),
        ["Yvonne McKay (sample)", "Susanna Stubberod (sample)"]
    );
    assert_eq!(
        first.rows[0].contactid,
        "49b0be2e-d01c-ed11-b83e-000d3a572421"
    );
    assert!(!first.last && first.delta.is_none());
    assert_eq!(
        names(&second.rows),
        ["Nancy Anderson (sample)", "Maria Campbell (sample)"]
    );
    // The link is used as given: not re-encoded, nothing appended.
    let next = text(&fx.response(0).json_at(""), "/@odata.nextLink");
    let seen = replay.seen_api();
    assert_eq!(seen[1].target, next);
    let prefer = seen[1].headers["prefer"].to_str().unwrap_or_default();
    assert!(prefer.contains("odata.maxpagesize=2"), "{prefer}");
}

#[tokio::test]
async fn paging_emulator_answers_the_documented_pages() {
    let fx = load("paging");
    let sim = sim_fixture::start().await;
    let first = send(&sim, fx.request(0), None).await;
    assert_same_shape(fx.response(0), &first, &fx.optional);
    let next = first.json()["@odata.nextLink"]
        .as_str()
        .expect("nextLink")
        .to_string();
    let second = send(&sim, fx.request(1), Some(&next)).await;
    assert_same_shape(fx.response(1), &second, &fx.optional);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn delta_client_reads_rows_deletions_and_the_next_delta_link() {
    let (fx, replay) = Replay::playing("delta").await;
    let client = replay.client();
    let mut full = std::pin::pin!(client.stream::<navsync::crm::rows::Account>(Read::full()));
    let page = full.try_next().await.expect("full read").expect("a page");
    assert_eq!(page.rows[0].name.as_deref(), Some("Monte Orton"));
    assert!(page.last && page.full);
    let delta = page.delta.expect("a delta link");
    let docs_link = text(&fx.response(0).json_at(&replay.url), "/@odata.deltaLink");
    assert_eq!(delta.as_str(), docs_link);

    let mut changes =
        std::pin::pin!(client.stream::<navsync::crm::rows::Account>(Read::changes(Some(delta))));
    let page = changes.try_next().await.expect("changes").expect("a page");
    assert_eq!(
        page.rows[0].accountid,
        "60c4e274-0d87-e711-80e5-00155db19e6d"
    );
    assert_eq!(page.deleted, ["2e451703-c686-e711-80e5-00155db19e6d"]);
    assert!(!page.full);
    let next = text(&fx.response(1).json_at(&replay.url), "/@odata.deltaLink");
    assert_eq!(page.delta, Some(DeltaToken::new(next)));
    let seen = replay.seen_api();
    let prefer = seen[0].headers["prefer"].to_str().unwrap_or_default();
    assert!(prefer.contains("odata.track-changes"), "{prefer}");
    assert!(
        seen[1]
            .target
            .contains("$deltatoken=919042%2108%2f22%2f2017")
    );
}

#[tokio::test]
async fn delta_emulator_answers_the_documented_rows_and_deletions() {
    let fx = load("delta");
    let sim = sim_fixture::start().await;
    let control = sim.server.control();
    let account = sim_fixture::row;
    control
        .insert_row(
            "accounts",
            account(
                json!({"accountid": "60c4e274-0d87-e711-80e5-00155db19e6d", "name": "Monte Orton",
                "accountnumber": null, "telephone1": "555000", "fax": "10101"}),
            ),
        )
        .expect("insert");
    control
        .insert_row(
            "accounts",
            account(
                json!({"accountid": "2e451703-c686-e711-80e5-00155db19e6d", "name": "Gone Soon"}),
            ),
        )
        .expect("insert");
    let first = send(&sim, fx.request(0), None).await;
    assert_same_shape(fx.response(0), &first, &fx.optional);
    control
        .update_row(
            "accounts",
            "60c4e274-0d87-e711-80e5-00155db19e6d",
            account(json!({"fax": "10101"})),
        )
        .expect("update");
    assert!(
        control
            .delete_row("accounts", "2e451703-c686-e711-80e5-00155db19e6d")
            .expect("delete")
    );
    let link = first.json()["@odata.deltaLink"]
        .as_str()
        .expect("deltaLink")
        .to_string();
    let second = send(&sim, fx.request(1), Some(&link)).await;
    assert_same_shape(fx.response(1), &second, &fx.optional);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn lookup_annotations_client_reads_the_lookup_values_and_asks_for_the_table_names() {
    let (_, replay) = Replay::playing("lookup_annotations").await;
    let client = replay.client();
    let mut pages = std::pin::pin!(client.stream::<navsync::crm::rows::Account>(Read::full()));
    let page = pages.try_next().await.expect("page").expect("a page");
    let owners: Vec<Option<&str>> = page.rows.iter().map(|a| a.ownerid.as_deref()).collect();
    assert_eq!(
        owners,
        [
            Some("39e0dbe4-131b-e111-ba7e-78e7d1620f5e"),
            Some("4026be43-6b69-e111-8f65-78e7d1620f5e")
        ]
    );
    let sent = &replay.seen_api()[0];
    let prefer = sent.headers["prefer"].to_str().unwrap_or_default();
    assert!(
        prefer.contains("Microsoft.Dynamics.CRM.lookuplogicalname"),
        "{prefer}"
    );
}

#[tokio::test]
async fn lookup_annotations_emulator_answers_both_annotations() {
    emulator_matches("lookup_annotations", sim_fixture::start().await).await;
}
