//! Service protection (429 with Retry-After), missing privileges (403) and
//! records that already exist (412).

use std::time::Duration;

use futures::TryStreamExt;
use navsync::crm::{ClientEvent, Column, CrmError, Read, WriteResult};
use navsync::sim::{ServiceLimits, SimConfig};
use serde_json::json;

use crate::harness::{
    Answer, DocResponse, Replay, SAMPLE_ID, assert_same_shape, emulator_matches,
    emulator_with_sample_account, events, load, send,
};
use crate::sim_fixture::{self, APP_USER};

/// The client waits exactly the documented Retry-After, then succeeds.
async fn client_waits_retry_after(fixture: &str) {
    let fx = load(fixture);
    let replay = Replay::start().await;
    replay.answer(&[fx.response(0), load("whoami").response(0)]);
    let (client, mut rx) = replay.client_with_events(false);
    client.who_am_i().await.expect("WhoAmI after the wait");
    let waits: Vec<Duration> = events(&mut rx)
        .into_iter()
        .filter_map(|e| match e {
            ClientEvent::Throttled { retry_after, .. } => Some(retry_after),
            _ => None,
        })
        .collect();
    assert_eq!(waits, [fx.response(0).retry_after()]);
    assert_eq!(replay.seen_api().len(), 2);
}

fn limits(requests: u32, execution: Duration, concurrent: u32) -> SimConfig {
    SimConfig {
        limits: ServiceLimits {
            requests,
            window: Duration::from_secs(300),
            execution_time: execution,
            concurrent,
        },
        ..SimConfig::default()
    }
}

/// The emulator's 429 has the documented shape and error code.
fn assert_throttled_like(fixture: &str, got: &Answer) {
    let fx = load(fixture);
    assert_same_shape(fx.response(0), got, &fx.optional);
    let doc = fx.response(0).json_at("");
    assert_eq!(got.json()["error"]["code"], doc["error"]["code"]);
}

#[tokio::test]
async fn request_count_limit_client_waits_retry_after() {
    client_waits_retry_after("limit_requests").await;
}

#[tokio::test]
async fn request_count_limit_emulator_answers_the_documented_shape() {
    let sim = sim_fixture::start_with(limits(1, Duration::from_secs(1200), 52)).await;
    let req = load("limit_requests").request(0).clone();
    assert_eq!(send(&sim, &req, None).await.status, 200);
    assert_throttled_like("limit_requests", &send(&sim, &req, None).await);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn execution_time_limit_client_waits_retry_after() {
    client_waits_retry_after("limit_execution_time").await;
}

#[tokio::test]
async fn execution_time_limit_emulator_answers_the_documented_shape() {
    let sim = sim_fixture::start_with(limits(6000, Duration::from_millis(1), 52)).await;
    sim.server.control().set_latency(Duration::from_millis(5));
    let req = load("limit_execution_time").request(0).clone();
    // The first request is admitted and spends more than the budget.
    assert_eq!(send(&sim, &req, None).await.status, 200);
    let mut throttled = None;
    for _ in 0..5 {
        let got = send(&sim, &req, None).await;
        if got.status == 429 {
            throttled = Some(got);
            break;
        }
    }
    assert_throttled_like("limit_execution_time", &throttled.expect("a 429"));
    sim.server.shutdown().await;
}

#[tokio::test]
async fn concurrency_limit_client_waits_retry_after() {
    client_waits_retry_after("limit_concurrent").await;
}

#[tokio::test]
async fn concurrency_limit_emulator_answers_the_documented_shape() {
    let sim = sim_fixture::start_with(limits(6000, Duration::from_secs(1200), 1)).await;
    sim.server.control().set_latency(Duration::from_millis(300));
    let req = load("limit_concurrent").request(0).clone();
    let (a, b) = tokio::join!(send(&sim, &req, None), send(&sim, &req, None));
    let throttled = [a, b]
        .into_iter()
        .find(|r| r.status == 429)
        .expect("one of two concurrent requests is refused");
    assert_throttled_like("limit_concurrent", &throttled);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn missing_read_privilege_client_names_the_table_and_the_privilege() {
    let (_, replay) = Replay::playing("forbidden_missing_privilege").await;
    let client = replay.client();
    let mut pages = std::pin::pin!(client.stream::<navsync::crm::rows::Opportunity>(Read::full()));
    match pages.try_next().await {
        Err(CrmError::ObjectsUnreadable { objects, detail }) => {
            assert_eq!(objects, ["opportunities"]);
            assert!(detail.contains("prvReadOpportunity"), "{detail}");
        }
        other => panic!("expected ObjectsUnreadable, got {other:?}"),
    }
    assert_eq!(replay.seen_api().len(), 1, "a 403 is not retried");
}

#[tokio::test]
async fn missing_privilege_emulator_answers_the_documented_shape() {
    let fx = load("forbidden_missing_privilege");
    let sim = sim_fixture::start().await;
    sim.server
        .control()
        .remove_privilege(APP_USER, "prvReadOpportunity");
    let got = send(&sim, fx.request(0), None).await;
    assert_same_shape(fx.response(0), &got, &fx.optional);
    assert_eq!(got.json()["error"]["code"], "0x80040220");
    let message = got.json()["error"]["message"].to_string();
    assert!(
        message.contains("is missing prvReadOpportunity privilege"),
        "{message}"
    );
    sim.server.shutdown().await;
}

/// navsync writes only through `$batch`: the documented answer of one
/// operation, as the one part of a `$batch` answer
/// (`Prefer: odata.continue-on-error`, as in
/// https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#handling-errors).
fn in_batch(doc: &DocResponse) -> DocResponse {
    let boundary = "batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139";
    let mut lines = vec![
        format!("--{boundary}"),
        "Content-Type: application/http".into(),
        "Content-Transfer-Encoding: binary".into(),
        String::new(),
        format!("HTTP/1.1 {} Precondition Failed", doc.status),
    ];
    lines.extend(doc.headers.iter().map(|(k, v)| format!("{k}: {v}")));
    lines.extend([
        String::new(),
        doc.body_at(""),
        format!("--{boundary}--"),
        String::new(),
    ]);
    DocResponse {
        status: 200,
        headers: [
            ("OData-Version".to_string(), "4.0".to_string()),
            (
                "Content-Type".to_string(),
                format!("multipart/mixed; boundary={boundary}"),
            ),
        ]
        .into(),
        body: None,
        body_lines: Some(lines),
    }
}

/// A create with a client-chosen id answered with the fixture's 412 is
/// recognised as written before.
async fn client_sees_already_exists(fixture: &str) {
    let fx = load(fixture);
    let replay = Replay::start().await;
    replay.answer(&[&in_batch(fx.response(0))]);
    let id = uuid::Uuid::parse_str(SAMPLE_ID).expect("uuid");
    let key = Column::new("accountid").expect("column");
    let results = replay
        .client()
        .create_batch(
            "accounts",
            &key,
            vec![(id, json!({"name": "Sample Account"}))],
        )
        .await
        .expect("batch answered");
    assert!(
        matches!(results.as_slice(), [WriteResult::AlreadyExists]),
        "{results:?}"
    );
}

#[tokio::test]
async fn if_none_match_412_client_sees_already_exists() {
    client_sees_already_exists("precondition_if_none_match").await;
}

#[tokio::test]
async fn if_none_match_412_emulator_answers_the_documented_shape() {
    emulator_matches(
        "precondition_if_none_match",
        emulator_with_sample_account().await,
    )
    .await;
}

#[tokio::test]
async fn duplicate_key_client_sees_already_exists() {
    client_sees_already_exists("duplicate_key_create").await;
}

#[tokio::test]
async fn duplicate_key_emulator_answers_the_documented_shape() {
    let fx = load("duplicate_key_create");
    let sim = emulator_with_sample_account().await;
    let got = send(&sim, fx.request(0), None).await;
    assert_same_shape(fx.response(0), &got, &fx.optional);
    assert_eq!(got.json()["error"]["code"], "0x80040237");
    sim.server.shutdown().await;
}

#[tokio::test]
async fn user_privilege_client_reads_role_privileges_as_held() {
    let (_, replay) = Replay::playing("retrieve_user_privilege").await;
    let held = replay
        .client()
        .user_has_privilege(SAMPLE_ID, "prvReadAuditSummary")
        .await
        .expect("answered");
    assert!(held);
    let asked = &replay.seen_api()[0].target;
    assert!(
        asked
            .contains("Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName="),
        "{asked}"
    );
}

#[tokio::test]
async fn user_privilege_emulator_answers_the_documented_shape() {
    let fx = load("retrieve_user_privilege");
    let sim = sim_fixture::start().await;
    // The documented request, for a user the emulator's tenant has.
    let path = fx.request(0).path.replace(SAMPLE_ID, APP_USER);
    let got = send(&sim, fx.request(0), Some(&path)).await;
    assert_same_shape(fx.response(0), &got, &fx.optional);
    sim.server.shutdown().await;
}
