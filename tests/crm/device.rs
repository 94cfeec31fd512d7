//! Device-code sign-in: pending then approved, slow_down honoured,
//! expired_token reported clearly.

use crate::words::Said;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use navsync::config::Lang;
use navsync::crm::{AuthConfig, Client, ClientEvent, CrmError};
use navsync::sim::SimConfig;

use crate::fixture::{self, ADMIN};

async fn prompt(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<ClientEvent>,
) -> navsync::crm::DeviceCodePrompt {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(ClientEvent::DeviceCode(p))) => return p,
            Ok(Some(_)) => continue,
            other => panic!("no device-code prompt: {other:?}"),
        }
    }
}

#[tokio::test]
async fn pending_then_approved_signs_the_admin_in_and_caches_a_refresh_token() {
    let env = fixture::start_with(SimConfig {
        device_interval: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let mut cfg = env.config();
    cfg.auth = AuthConfig::DeviceCode;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let client = Client::new(cfg.clone()).unwrap().with_events(tx);
    let signing_in = tokio::spawn({
        let client = client.clone();
        async move { client.sign_in().await }
    });
    let p = prompt(&mut rx).await;
    assert!(!p.user_code.is_empty() && p.verification_uri.starts_with("http"));
    assert!(p.message.contains(&p.user_code), "{}", p.message);
    // Polled while pending (the code is not approved yet, so the sign-in
    // cannot have ended).
    env.sim
        .control()
        .until(|c| c.request_count("POST token") >= 1)
        .await;
    assert!(!signing_in.is_finished());
    assert!(env.sim.control().approve_device_code(&p.user_code));
    signing_in.await.unwrap().unwrap();
    assert_eq!(client.who_am_i().await.unwrap().user_id, ADMIN);

    // The next run signs in from the cached refresh token, no prompt.
    env.sim.control().revoke_tokens();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let later = Client::new(cfg).unwrap().with_events(tx);
    let err = later.who_am_i().await.unwrap_err();
    assert!(
        matches!(err, CrmError::NotSignedIn { .. }),
        "revoked refresh token: {err:?}"
    );
    assert!(err.next_step(Lang::En).contains("navsync connect"));
    assert!(
        !crate::fixture::drain(&mut rx)
            .iter()
            .any(|e| matches!(e, ClientEvent::DeviceCode(_)))
    );
}

#[tokio::test]
async fn a_refresh_token_signs_the_next_run_in_without_a_prompt() {
    let env = fixture::start_with(SimConfig {
        device_interval: Duration::from_secs(1),
        device_auto_approve: Some(Duration::from_millis(100)),
        ..Default::default()
    })
    .await;
    let mut cfg = env.config();
    cfg.auth = AuthConfig::DeviceCode;
    Client::new(cfg.clone()).unwrap().sign_in().await.unwrap();
    // Expire the cached access token by forcing renewal on every use.
    cfg.refresh_margin = Duration::from_secs(24 * 3600);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let later = Client::new(cfg).unwrap().with_events(tx);
    assert_eq!(later.who_am_i().await.unwrap().user_id, ADMIN);
    let events = crate::fixture::drain(&mut rx);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ClientEvent::TokenRefreshed { .. }))
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, ClientEvent::DeviceCode(_)))
    );
}

#[tokio::test]
async fn an_expired_device_code_gives_up_clearly() {
    let env = fixture::start_with(SimConfig {
        device_interval: Duration::from_secs(1),
        device_code_lifetime: Duration::from_secs(2),
        ..Default::default()
    })
    .await;
    let mut cfg = env.config();
    cfg.auth = AuthConfig::DeviceCode;
    let err = Client::new(cfg).unwrap().sign_in().await.unwrap_err();
    assert!(matches!(err, CrmError::DeviceCodeExpired), "{err:?}");
    assert_eq!(
        err.message(Lang::En),
        "The sign-in code expired before it was used."
    );
    assert!(err.next_step(Lang::En).contains("navsync connect"));
}

/// The emulator never needs to say slow_down to a client that keeps the
/// interval, so a two-route stand-in for the sign-in server says it once.
#[tokio::test]
async fn slow_down_adds_five_seconds_to_the_interval() {
    use axum::routing::post;
    let polls: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let app = axum::Router::new()
        .route(
            "/t/oauth2/v2.0/devicecode",
            post(|| async {
                axum::Json(serde_json::json!({
                    "device_code": "dc", "user_code": "ABCD-EFGH", "verification_uri": "https://microsoft.com/devicelogin",
                    "expires_in": 60, "interval": 1, "message": "To sign in, enter ABCD-EFGH"
                }))
            }),
        )
        .route(
            "/t/oauth2/v2.0/token",
            post({
                let polls = polls.clone();
                move || {
                    let polls = polls.clone();
                    async move {
                        let n = {
                            let mut p = polls.lock().unwrap();
                            p.push(Instant::now());
                            p.len()
                        };
                        if n == 1 {
                            (axum::http::StatusCode::BAD_REQUEST, axum::Json(serde_json::json!({"error": "slow_down"})))
                        } else {
                            (axum::http::StatusCode::OK, axum::Json(serde_json::json!({
                                "access_token": "at", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt"
                            })))
                        }
                    }
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let env = fixture::start().await;
    let mut cfg = env.config();
    cfg.auth = AuthConfig::DeviceCode;
    cfg.tenant_id = "t".into();
    cfg.authority_url = url::Url::parse(&format!("http://{addr}")).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    Client::new(cfg)
        .unwrap()
        .with_events(tx)
        .sign_in_device_code()
        .await
        .unwrap();
    let polls = polls.lock().unwrap().clone();
    assert_eq!(polls.len(), 2);
    assert!(
        polls[1] - polls[0] >= Duration::from_secs(6),
        "waited {:?}",
        polls[1] - polls[0]
    );
    assert!(crate::fixture::drain(&mut rx)
        .iter()
        .any(|e| matches!(e, ClientEvent::DevicePollSlowedDown { interval } if *interval == Duration::from_secs(6))));
}

/// Issue 21: a refresh token Entra refuses with `invalid_grant` (here
/// AADSTS50076, MFA now required) is sent once, however many requests
/// want a token: `invalid_grant` needs a new sign-in, not a retry
/// (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application).
#[tokio::test]
async fn a_refused_refresh_token_is_sent_once_and_says_sign_in_needed() {
    let env = fixture::start_with(SimConfig {
        device_interval: Duration::from_secs(1),
        device_auto_approve: Some(Duration::from_millis(100)),
        ..Default::default()
    })
    .await;
    let mut cfg = env.config();
    cfg.auth = AuthConfig::DeviceCode;
    Client::new(cfg.clone()).unwrap().sign_in().await.unwrap();
    // Every use needs a renewal from the refresh token.
    cfg.refresh_margin = Duration::from_secs(24 * 3600);
    let later = Client::new(cfg).unwrap();
    env.sim.control().reset_counters();
    env.sim.control().token_error_next(1, "invalid_grant");
    let tries = futures::future::join_all((0..6).map(|_| later.who_am_i())).await;
    for got in tries {
        let err = got.unwrap_err();
        assert!(matches!(err, CrmError::NotSignedIn { .. }), "{err:?}");
        assert!(err.detail().contains("AADSTS50076"), "{}", err.detail());
        assert!(err.next_step(Lang::En).contains("navsync connect"));
    }
    assert_eq!(env.sim.control().request_count("POST token"), 1);
}
