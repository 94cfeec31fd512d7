//! Device-code sign-in and refresh tokens.

use std::time::Duration;

use navsync::sim::SimConfig;
use serde_json::Value;

use crate::fixture::{self, ADMIN, CLIENT, json};

fn cfg(interval_ms: u64, lifetime_ms: u64, auto: Option<Duration>) -> SimConfig {
    SimConfig {
        device_interval: Duration::from_millis(interval_ms),
        device_code_lifetime: Duration::from_millis(lifetime_ms),
        device_auto_approve: auto,
        ..SimConfig::default()
    }
}

async fn device_code(sim: &fixture::Sim) -> Value {
    let scope = format!("{} offline_access", fixture::scope(&sim.server));
    let r = sim
        .http
        .post(sim.server.device_code_url())
        .form(&[("client_id", CLIENT), ("scope", scope.as_str())])
        .send()
        .await
        .expect("devicecode");
    assert_eq!(r.status(), 200);
    json(r).await
}

async fn poll(sim: &fixture::Sim, device_code: &str) -> (u16, Value) {
    let r = sim
        .http
        .post(sim.server.token_url())
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", CLIENT),
            ("device_code", device_code),
        ])
        .send()
        .await
        .expect("poll");
    (r.status().as_u16(), json(r).await)
}

#[tokio::test]
async fn device_code_goes_pending_slow_down_then_approved_with_refresh() {
    let sim = fixture::start_with(cfg(100, 60_000, None)).await;
    let dc = device_code(&sim).await;
    for k in ["device_code", "user_code", "verification_uri", "message"] {
        assert!(dc[k].is_string(), "{k} in {dc}");
    }
    assert_eq!(dc["expires_in"], 60);
    assert_eq!(dc["interval"], 1);
    let code = dc["device_code"].as_str().expect("code").to_string();
    let (status, v) = poll(&sim, &code).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("slow_down")));
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (status, v) = poll(&sim, &code).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    assert_eq!(v["error_codes"], serde_json::json!([70016]));
    assert!(
        sim.server
            .control()
            .approve_device_code(dc["user_code"].as_str().expect("user code"))
    );
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (status, v) = poll(&sim, &code).await;
    assert_eq!(status, 200, "{v}");
    let access = v["access_token"].as_str().expect("access").to_string();
    let refresh = v["refresh_token"].as_str().expect("refresh").to_string();
    let who = json(
        sim.http
            .get(sim.url("WhoAmI"))
            .bearer_auth(&access)
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(who["UserId"], ADMIN);
    let scope = fixture::scope(&sim.server);
    let refreshed = |rt: String| {
        sim.http
            .post(sim.server.token_url())
            .form(&[
                ("grant_type", "refresh_token".to_string()),
                ("client_id", CLIENT.to_string()),
                ("refresh_token", rt),
                ("scope", scope.clone()),
            ])
            .send()
    };
    let r = refreshed(refresh.clone()).await.expect("refresh");
    assert_eq!(r.status(), 200);
    let next = json(r).await["refresh_token"]
        .as_str()
        .expect("a new refresh token")
        .to_string();
    let r = refreshed(refresh).await.expect("refresh again");
    assert_eq!(r.status(), 400);
    let v = json(r).await;
    assert_eq!(v["error"], "invalid_grant", "a refresh token is single-use");
    assert_eq!(v["error_codes"], serde_json::json!([70000]), "{v}");
    sim.server.control().revoke_tokens();
    let v = json(refreshed(next).await.expect("refresh revoked")).await;
    assert_eq!(v["error"], "invalid_grant");
    assert_eq!(v["error_codes"], serde_json::json!([50173]), "revoked: {v}");
    sim.server.shutdown().await;
}

#[tokio::test]
async fn device_code_expires() {
    let sim = fixture::start_with(cfg(10, 150, None)).await;
    let dc = device_code(&sim).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, v) = poll(&sim, dc["device_code"].as_str().expect("code")).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("expired_token")));
    let (status, v) = poll(&sim, "unknown").await;
    assert_eq!((status, v["error"].as_str()), (400, Some("invalid_grant")));
    sim.server.shutdown().await;
}

#[tokio::test]
async fn device_code_auto_approves_in_demo_mode() {
    let sim = fixture::start_with(cfg(10, 60_000, Some(Duration::from_millis(50)))).await;
    let dc = device_code(&sim).await;
    tokio::time::sleep(Duration::from_millis(80)).await;
    let (status, v) = poll(&sim, dc["device_code"].as_str().expect("code")).await;
    assert_eq!(status, 200, "{v}");
    sim.server.shutdown().await;
}
