//! Client credentials, the bearer check, token expiry and revocation.

use std::time::Duration;

use navsync::sim::SimConfig;
use serde_json::Value;

use crate::fixture::{self, APP_USER, CLIENT, json};

#[tokio::test]
async fn client_credentials_token_has_entra_shape_and_who_am_i_names_the_app_user() {
    let sim = fixture::start().await;
    let r = sim
        .http
        .post(sim.server.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT),
            ("client_secret", fixture::SECRET),
            ("scope", fixture::scope(&sim.server).as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 200);
    let v = json(r).await;
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    assert!(
        v.get("refresh_token").is_none(),
        "client credentials get no refresh token"
    );
    let who = json(sim.get("WhoAmI").send().await.expect("whoami")).await;
    assert_eq!(who["UserId"], APP_USER);
    assert_eq!(
        who["OrganizationId"],
        "0e90e000-0000-4000-8000-000000000001"
    );
    assert!(
        who["@odata.context"]
            .as_str()
            .unwrap_or_default()
            .ends_with("$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse")
    );
    sim.server.shutdown().await;
}

#[tokio::test]
async fn wrong_secret_is_invalid_client_with_entra_error_json() {
    let sim = fixture::start().await;
    let r = sim
        .http
        .post(sim.server.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT),
            ("client_secret", "wrong"),
            ("scope", fixture::scope(&sim.server).as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 401);
    let v = json(r).await;
    assert_eq!(v["error"], "invalid_client");
    assert_eq!(v["error_codes"], serde_json::json!([7000215]));
    let d = v["error_description"].as_str().unwrap_or_default();
    assert!(
        d.starts_with("AADSTS7000215: Invalid client secret provided."),
        "{d}"
    );
    assert!(
        d.contains("Trace ID: ") && d.contains("Correlation ID: ") && d.contains("Timestamp: ")
    );
    for k in ["timestamp", "trace_id", "correlation_id", "error_uri"] {
        assert!(v[k].is_string(), "{k} missing in {v}");
    }
    sim.server.shutdown().await;
}

#[tokio::test]
async fn scope_of_another_resource_and_unknown_tenant_are_refused() {
    let sim = fixture::start().await;
    let r = sim
        .http
        .post(sim.server.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT),
            ("client_secret", fixture::SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error"], "invalid_scope");
    let wrong_tenant = format!("{}/nope/oauth2/v2.0/token", sim.server.authority_url());
    let r = sim
        .http
        .post(wrong_tenant)
        .form(&[("grant_type", "client_credentials"), ("client_id", CLIENT)])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error_codes"], serde_json::json!([90002]));
    sim.server.shutdown().await;
}

#[tokio::test]
async fn web_api_without_token_is_401_with_bearer_challenge() {
    let sim = fixture::start().await;
    let r = sim.http.get(sim.url("accounts")).send().await.expect("get");
    assert_eq!(r.status(), 401);
    let challenge = r.headers()["www-authenticate"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert_eq!(
        challenge,
        format!(
            "Bearer authorization_uri={}/{}/oauth2/authorize, resource_id={}/",
            sim.server.authority_url(),
            fixture::TENANT,
            sim.server.instance_url()
        )
    );
    let r = sim
        .http
        .get(sim.url("accounts"))
        .bearer_auth("made-up")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap_or_default()
            .contains("error=\"invalid_token\"")
    );
    sim.server.shutdown().await;
}

#[tokio::test]
async fn access_token_expires_after_its_lifetime() {
    let sim = fixture::start_with(SimConfig {
        token_lifetime: Duration::from_millis(300),
        ..SimConfig::default()
    })
    .await;
    assert_eq!(sim.get("WhoAmI").send().await.expect("get").status(), 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = sim.get("WhoAmI").send().await.expect("get");
    assert_eq!(r.status(), 401);
    let h = r.headers()["www-authenticate"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        h.contains("error=\"invalid_token\"") && h.contains("expired"),
        "{h}"
    );
    sim.server.shutdown().await;
}

#[tokio::test]
async fn revoked_tokens_stop_working_and_new_ones_do() {
    let sim = fixture::start().await;
    sim.server.control().revoke_tokens();
    assert_eq!(sim.get("WhoAmI").send().await.expect("get").status(), 401);
    let fresh = fixture::client_credentials(&sim.http, &sim.server).await;
    let r = sim
        .http
        .get(sim.url("WhoAmI"))
        .bearer_auth(fresh)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let v: Value = json(r).await;
    assert_eq!(v["UserId"], APP_USER);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn client_secret_basic_is_accepted_like_the_form_fields() {
    let sim = fixture::start().await;
    let r = sim
        .http
        .post(sim.server.token_url())
        .basic_auth(CLIENT, Some(fixture::SECRET))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", fixture::scope(&sim.server).as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 200);
    assert!(json(r).await["access_token"].is_string());
    sim.server.shutdown().await;
}
