//! What an operator is shown: the service-protection budget Dataverse
//! reports on its answers, and text compared as the environment's
//! collation compares it.

use navsync::crm::budget::{REQUESTS_HEADER, TIME_HEADER};
use navsync::crm::{ApiBudget, ClientEvent, ContactSearch};

use crate::harness::{Replay, assert_same_shape, events, load, send};
use crate::sim_fixture;

#[tokio::test]
async fn ratelimit_headers_client_keeps_the_budget_they_report() {
    let (_, replay) = Replay::playing("ratelimit_headers").await;
    let (client, mut rx) = replay.client_with_events(false);
    client.who_am_i().await.expect("WhoAmI");
    let budget = client.budget().expect("a budget");
    assert_eq!(budget.requests_left, Some(5993));
    assert_eq!(budget.execution_ms_left, Some(1_199_460));
    assert!(
        events(&mut rx)
            .iter()
            .any(|e| matches!(e, ClientEvent::Budget(b) if b.requests_left == Some(5993))),
        "the budget is reported to the engine"
    );
}

#[tokio::test]
async fn ratelimit_headers_emulator_sends_both_in_the_same_form() {
    let fx = load("ratelimit_headers");
    let sim = sim_fixture::start().await;
    let got = send(&sim, fx.request(0), None).await;
    assert_same_shape(fx.response(0), &got, &fx.optional);
    for h in [REQUESTS_HEADER, TIME_HEADER] {
        assert!(got.headers.contains_key(h), "{h} missing");
    }
    let b = ApiBudget::from_headers(&got.headers, chrono::Utc::now()).expect("parseable");
    let requests = b.requests_left.expect("requests left");
    assert!(requests > 0 && requests < 6000, "{requests}");
    let ms = b.execution_ms_left.expect("time left");
    assert!(ms > 0 && ms <= 1_200_000, "{ms}");
    sim.server.shutdown().await;
}

#[tokio::test]
async fn collation_client_sends_the_term_as_typed_and_reads_the_accented_row() {
    let (fx, replay) = Replay::playing("collation_accent_insensitive").await;
    let found = replay
        .client()
        .search_contacts(&ContactSearch {
            name: Some("joaquin munoz".into()),
            ..Default::default()
        })
        .await
        .expect("search");
    let names: Vec<_> = found.iter().filter_map(|c| c.fullname.clone()).collect();
    assert_eq!(names, ["Joaquín Muñoz"]);
    let seen = replay.seen_api();
    let target = seen.last().expect("a request").target.clone();
    assert!(
        target.contains("contains(fullname,%27joaquin%20munoz%27)"),
        "the server compares; the client sends what was typed: {target}"
    );
    assert_eq!(fx.exchanges.len(), 1);
}

#[tokio::test]
async fn collation_emulator_finds_the_accented_row_without_accents() {
    let fx = load("collation_accent_insensitive");
    let sim = sim_fixture::start().await;
    let doc = fx.response(0).json_at("");
    let row = &doc["value"][0];
    sim.server
        .control()
        .insert_row(
            "contacts",
            sim_fixture::row(serde_json::json!({
                "contactid": row["contactid"], "fullname": row["fullname"]
            })),
        )
        .expect("insert");
    let got = send(&sim, fx.request(0), None).await;
    assert_same_shape(fx.response(0), &got, &fx.optional);
    let names: Vec<String> = got.json()["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|c| c["fullname"].as_str().map(str::to_string))
        .collect();
    assert_eq!(names, ["Joaquín Muñoz"]);
    sim.server.shutdown().await;
}
