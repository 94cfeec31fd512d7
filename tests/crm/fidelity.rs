//! What the emulator once hid: each test fails against the client as it
//! was before issue 12 and follows a Microsoft Learn page (cited inline).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use navsync::config::Lang;
use navsync::crm::rows::Account;
use navsync::crm::{ChangeSet, Client, Column, CrmError, ErrorClass, Read, WriteOp, WriteResult};
use serde_json::json;
use tokio::time::Instant;
use uuid::Uuid;

use crate::fixture::{self, SELLER, contact_id};

/// "Retry operations": only what can succeed on retry
/// (https://learn.microsoft.com/en-us/power-apps/developer/data-platform/api-limits#retry-operations).
#[tokio::test]
async fn a_501_fails_at_once_without_retries() {
    let env = fixture::start().await;
    let client = env.client();
    client.sign_in().await.unwrap();
    env.sim.control().fail_next(1, 501);
    let err = client
        .stream::<Account>(Read::full())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::CrmApi, "{err}");
    assert_eq!(env.sim.control().request_count("GET accounts"), 1);
    assert_eq!(client.stats().retries, 0);
}

#[tokio::test]
async fn a_500_is_tried_a_bounded_few_times() {
    let env = fixture::start().await;
    let client = env.client();
    client.sign_in().await.unwrap();
    env.sim.control().fail_next(10, 500);
    let err = client
        .stream::<Account>(Read::full())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CrmError::Api {
                status: Some(500),
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(env.sim.control().request_count("GET accounts"), 3);
}

#[tokio::test]
async fn a_passing_5xx_of_the_token_endpoint_is_retried() {
    let server = Scripted::start(|_, _| collection(json!([]), None, None)).await;
    server.token_failures.store(2, Ordering::SeqCst);
    let client = server.client();
    client.sign_in().await.expect("signed in after the 503s");
    assert_eq!(server.token_requests.load(Ordering::SeqCst), 3);
}

/// `Retry-After` is "the time before the server will accept any new
/// request from that user", so a 429 on one read holds back another.
#[tokio::test]
async fn retry_after_holds_every_request_of_the_identity() {
    let server = Scripted::start(|hit, n| {
        if hit == "GET accounts" && n == 0 {
            let mut h = HeaderMap::new();
            h.insert("retry-after", "1".parse().unwrap());
            let body = json!({"error": {"code": "0x80072322", "message": "Number of requests exceeded the limit of 6000 over time window of 300 seconds."}});
            return (StatusCode::TOO_MANY_REQUESTS, h, body.to_string()).into_response();
        }
        collection(json!([]), None, Some("x?$deltatoken=1"))
    })
    .await;
    let (events, mut seen) = tokio::sync::mpsc::unbounded_channel();
    let client = server.client().with_events(events);
    client.sign_in().await.unwrap();
    let throttled = client
        .stream::<Account>(Read::full())
        .try_collect::<Vec<_>>();
    let other = async {
        // Sent once the first read was answered 429.
        while !matches!(
            seen.recv().await,
            Some(navsync::crm::ClientEvent::Throttled { .. }) | None
        ) {}
        client
            .stream::<navsync::crm::rows::Contact>(Read::full())
            .try_collect::<Vec<_>>()
            .await
    };
    let (a, b) = tokio::join!(throttled, other);
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    let hits = server.hits();
    let (throttled_at, _) = hits[0].clone();
    for (at, what) in &hits[1..] {
        assert!(
            *at >= throttled_at + Duration::from_secs(1),
            "{what} went out inside the Retry-After window"
        );
    }
    assert!(hits.iter().any(|(_, w)| w == "GET contacts"));
}

/// OData allows relative next and delta links; they resolve against the
/// request URL (OData v4.01 part 1, 8.1.1 and 11.2.5.7), and the page that
/// carried one is kept.
#[tokio::test]
async fn relative_next_and_delta_links_are_followed() {
    let server = Scripted::start(|_, n| {
        let row = |i: u32| json!({"accountid": format!("a1000000-0000-4000-8000-00000000000{i}"), "name": format!("A{i}")});
        match n {
            0 => collection(json!([row(1)]), Some("accounts?$skiptoken=2"), None),
            _ => collection(json!([row(2)]), None, Some("accounts?$deltatoken=9")),
        }
    })
    .await;
    let client = server.client();
    let pages: Vec<_> = client
        .stream::<Account>(Read::full())
        .try_collect()
        .await
        .expect("both pages");
    assert_eq!(pages.iter().map(|p| p.rows.len()).sum::<usize>(), 2);
    let delta = pages.last().and_then(|p| p.delta.clone()).expect("delta");
    assert_eq!(
        delta.as_str(),
        format!("{}/api/data/v9.2/accounts?$deltatoken=9", server.url)
    );
    assert!(server.hits()[1].1.contains("GET accounts"));
}

/// The stage options come from `salesstage` ("Sales Stage"), not
/// `salesstagecode` ("Process Code"), in the admin's language
/// (https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/opportunity).
#[tokio::test]
async fn stage_options_are_the_sales_stages_in_the_admins_language() {
    let env = fixture::start().await;
    let mut cfg = env.config();
    cfg.lang = Lang::Es;
    let client = Client::new(cfg).unwrap();
    let stages: Vec<(i64, String)> = client
        .stage_options()
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.value, o.label))
        .collect();
    assert_eq!(
        stages,
        [
            (0, "Calificar".to_string()),
            (1, "Desarrollar".to_string()),
            (2, "Proponer".to_string()),
            (3, "Cerrar".to_string()),
        ]
    );
}

fn task(subject: &str) -> serde_json::Value {
    json!({
        "subject": subject,
        "regardingobjectid_contact_task@odata.bind": format!("/contacts({})", contact_id(1)),
        "ownerid@odata.bind": format!("/systemusers({SELLER})"),
    })
}

fn create(id: Uuid, body: serde_json::Value) -> ChangeSet {
    ChangeSet::new(vec![WriteOp::Create {
        entity_set: "tasks".into(),
        key: Column::new("activityid").unwrap(),
        id,
        body,
    }])
}

/// A failed change set answers the `$batch` with its error status around a
/// multipart body ("Handling errors",
/// https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#handling-errors):
/// what was committed before it is done, the failing write is named with
/// its own error, and what came after is sent again, once.
#[tokio::test]
async fn a_failed_change_set_is_reported_and_nothing_committed_is_sent_again() {
    let env = fixture::start().await;
    let client = env.client();
    let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
    let mut bad = task("to nobody");
    bad["regardingobjectid_contact_task@odata.bind"] =
        json!("/contacts(c0000000-0000-4000-8000-999999999999)");
    let sets = vec![
        create(ids[0], task("first")),
        create(ids[1], bad),
        create(ids[2], task("third")),
    ];
    let results = client.write_batch(&sets).await.unwrap();
    assert!(matches!(results[0], WriteResult::Done), "{results:?}");
    let WriteResult::Failed(e) = &results[1] else {
        panic!("{results:?}")
    };
    let detail = e.detail();
    assert!(
        detail.contains(&ids[1].to_string()),
        "names the write: {detail}"
    );
    assert!(detail.contains("Content-ID 2"), "{detail}");
    assert!(
        matches!(e, CrmError::Api { status: Some(404), code: Some(c), .. } if c == "0x80040217"),
        "{e:?}"
    );
    assert!(matches!(results[2], WriteResult::Done), "{results:?}");
    let ctl = env.sim.control();
    assert_eq!(ctl.rows("tasks").len(), 2);
    assert_eq!(
        ctl.request_count("POST $batch"),
        2,
        "the rest went once more"
    );
}

/// One long InMail must not fail its change set: values are fitted to the
/// column's MaxLength read from the metadata.
#[tokio::test]
async fn text_longer_than_its_column_is_fitted_before_it_is_sent() {
    let env = fixture::start().await;
    let client = env.client();
    let id = Uuid::new_v4();
    let results = client
        .write_batch(&[create(id, task(&"ä".repeat(500)))])
        .await
        .unwrap();
    assert!(matches!(results[0], WriteResult::Done), "{results:?}");
    let row = env.sim.control().row("tasks", &id.to_string()).unwrap();
    let subject = row["subject"].as_str().unwrap();
    assert_eq!(subject.chars().count(), 200);
    assert!(subject.ends_with('…'));
}

// A scripted Web API: a token endpoint and a handler per request, which
// records what arrived and when.

type Handler = dyn Fn(String, usize) -> Response + Send + Sync;

struct Scripted {
    url: String,
    log: Arc<Mutex<Vec<(Instant, String)>>>,
    /// Token requests still to answer 503 (Entra ID having a bad moment).
    token_failures: Arc<AtomicUsize>,
    token_requests: Arc<AtomicUsize>,
    dir: tempfile::TempDir,
}

#[derive(Clone)]
struct ScriptState {
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<(Instant, String)>>>,
    token_failures: Arc<AtomicUsize>,
    token_requests: Arc<AtomicUsize>,
}

fn collection(rows: serde_json::Value, next: Option<&str>, delta: Option<&str>) -> Response {
    let mut body = json!({"@odata.context": "ctx", "value": rows});
    if let Some(n) = next {
        body["@odata.nextLink"] = json!(n);
    }
    if let Some(d) = delta {
        body["@odata.deltaLink"] = json!(d);
    }
    (
        [("content-type", "application/json; odata.metadata=minimal")],
        body.to_string(),
    )
        .into_response()
}

async fn script(State(s): State<ScriptState>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if path.ends_with("/oauth2/v2.0/token") {
        s.token_requests.fetch_add(1, Ordering::SeqCst);
        let failing = s
            .token_failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
        }
        let body =
            json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "scripted-token"});
        return ([("content-type", "application/json")], body.to_string()).into_response();
    }
    let set = path.trim_start_matches("/api/data/v9.2/");
    let what = format!(
        "{} {}",
        req.method(),
        set.split(['(', '/']).next().unwrap_or("")
    );
    let n = {
        let mut log = s.log.lock().unwrap();
        let n = log.iter().filter(|(_, w)| *w == what).count();
        log.push((Instant::now(), what.clone()));
        n
    };
    (s.handler)(what, n)
}

impl Scripted {
    async fn start(handler: impl Fn(String, usize) -> Response + Send + Sync + 'static) -> Self {
        let log = Arc::new(Mutex::new(Vec::new()));
        let token_failures = Arc::new(AtomicUsize::new(0));
        let token_requests = Arc::new(AtomicUsize::new(0));
        let state = ScriptState {
            handler: Arc::new(handler),
            log: log.clone(),
            token_failures: token_failures.clone(),
            token_requests: token_requests.clone(),
        };
        let app = axum::Router::new().fallback(script).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url,
            log,
            token_failures,
            token_requests,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn client(&self) -> Client {
        let cfg = fixture::config_for(&self.url, "tenant", "client", "secret", self.dir.path());
        Client::new(cfg).unwrap()
    }

    /// What arrived at the Web API, in order, with when.
    fn hits(&self) -> Vec<(Instant, String)> {
        self.log.lock().unwrap().clone()
    }
}
