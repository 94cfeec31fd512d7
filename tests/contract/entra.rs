//! Microsoft Entra ID: client credentials, device code, refresh, and the
//! token endpoint's errors.

use std::time::Duration;

use navsync::crm::{ClientEvent, CrmError};
use navsync::sim::SimConfig;

use crate::harness::{
    Answer, DocRequest, DocResponse, Replay, assert_same_shape, events, load, send,
};
use crate::sim_fixture::{self, CLIENT, SECRET, Sim, TENANT};

/// The documented token request with the emulator's tenant, app and secret.
fn for_emulator(req: &DocRequest, device_code: Option<&str>) -> DocRequest {
    let mut req = req.clone();
    req.path = req.path.replace("{tenant}", TENANT);
    for v in req.form.values_mut() {
        *v = v
            .replace("{client_id}", CLIENT)
            .replace("{client_secret}", SECRET)
            .replace("{device_code}", device_code.unwrap_or_default());
    }
    req
}

/// Asserts the emulator answered the documented shape and the same OAuth
/// `error`, when there is one.
fn assert_entra_answer(doc: &DocResponse, got: &Answer, optional: &[String]) {
    assert_same_shape(doc, got, optional);
    if let Some(error) = doc.body.as_ref().and_then(|b| b.get("error")) {
        assert_eq!(&got.json()["error"], error);
    }
}

fn sign_in_error(e: CrmError) -> (String, String) {
    match e {
        CrmError::SignIn { code, detail } => (code, detail),
        other => panic!("expected a sign-in error, got {other:?}"),
    }
}

#[tokio::test]
async fn client_credentials_token_is_used_as_the_bearer() {
    let replay = Replay::start().await;
    let whoami = load("whoami");
    replay.answer(&[whoami.response(0)]);
    replay.client().who_am_i().await.expect("WhoAmI");
    let seen = replay.seen();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(seen[0].body.as_bytes())
        .into_owned()
        .collect();
    let field = |k: &str| form.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
    assert_eq!(field("grant_type"), Some("client_credentials"));
    assert_eq!(
        field("scope"),
        Some(format!("{}/.default", replay.url).as_str())
    );
    let token = load("entra_token_client_credentials")
        .response(0)
        .json_at("")["access_token"]
        .as_str()
        .expect("documented token")
        .to_string();
    assert_eq!(
        seen[1].headers["authorization"]
            .to_str()
            .unwrap_or_default(),
        format!("Bearer {token}")
    );
}

#[tokio::test]
async fn client_credentials_emulator_answers_the_documented_shape() {
    let fx = load("entra_token_client_credentials");
    let sim = sim_fixture::start().await;
    let got = send(&sim, &for_emulator(fx.request(0), None), None).await;
    assert_entra_answer(fx.response(0), &got, &fx.optional);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn invalid_client_is_a_sign_in_error_naming_aadsts7000215() {
    let fx = load("entra_token_invalid_client");
    let replay = Replay::start().await;
    replay.answer_token(&[fx.response(0)]);
    let (code, detail) = sign_in_error(replay.client().sign_in().await.expect_err("refused"));
    assert_eq!(code, "invalid_client");
    assert_eq!(detail, "AADSTS7000215: Invalid client secret is provided.");
}

#[tokio::test]
async fn invalid_client_emulator_answers_the_documented_shape() {
    let fx = load("entra_token_invalid_client");
    let sim = sim_fixture::start().await;
    let got = send(&sim, &for_emulator(fx.request(0), None), None).await;
    assert_entra_answer(fx.response(0), &got, &fx.optional);
    assert_eq!(got.json()["error_codes"][0], 7000215);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn invalid_scope_is_a_sign_in_error_with_the_first_line_only() {
    let fx = load("entra_token_invalid_scope");
    let replay = Replay::start().await;
    replay.answer_token(&[fx.response(0)]);
    let (code, detail) = sign_in_error(replay.client().sign_in().await.expect_err("refused"));
    assert_eq!(code, "invalid_scope");
    assert!(detail.starts_with("AADSTS70011: "), "{detail}");
    assert!(!detail.contains("Trace ID"), "{detail}");
}

#[tokio::test]
async fn invalid_scope_emulator_answers_the_documented_shape() {
    let fx = load("entra_token_invalid_scope");
    let sim = sim_fixture::start().await;
    let got = send(&sim, &for_emulator(fx.request(0), None), None).await;
    assert_entra_answer(fx.response(0), &got, &fx.optional);
    assert_eq!(got.json()["error_codes"][0], 70011);
    sim.server.shutdown().await;
}

/// The device-code exchange: the prompt, then the documented polling answers.
async fn device_sign_in(
    replay: &Replay,
    polls: &[&DocResponse],
) -> (Result<(), CrmError>, Vec<ClientEvent>) {
    replay.answer_devicecode(load("entra_devicecode").response(0));
    replay.answer_token(polls);
    let (client, mut rx) = replay.client_with_events(true);
    let result = client.sign_in_device_code().await;
    (result, events(&mut rx))
}

#[tokio::test]
async fn device_code_prompt_pending_then_success() {
    let replay = Replay::start().await;
    let pending = load("entra_device_pending");
    let success = load("entra_device_success");
    let (result, events) =
        device_sign_in(&replay, &[pending.response(0), success.response(0)]).await;
    result.expect("signed in");
    let prompt = events
        .iter()
        .find_map(|e| match e {
            ClientEvent::DeviceCode(p) => Some(p.clone()),
            _ => None,
        })
        .expect("the prompt was shown");
    assert_eq!(prompt.user_code, "ABCD1234E");
    assert_eq!(prompt.verification_uri, "https://microsoft.com/devicelogin");
    assert_eq!(prompt.expires_in, Duration::from_secs(900));
    assert!(prompt.message.contains("ABCD1234E"), "{}", prompt.message);
    let polls: Vec<String> = replay
        .seen()
        .into_iter()
        .filter(|s| s.target.ends_with("/token"))
        .map(|s| s.body)
        .collect();
    assert_eq!(polls.len(), 2, "one pending poll, one success");
    assert!(
        polls
            .iter()
            .all(|b| b.contains("device_code=GMMhmHCXhWEzkobqIHGG_EnNYYsAkukHspeYUk9E8"))
    );
    // A refresh token is issued only when `offline_access` was asked for.
    let start = &replay.seen()[0];
    assert!(start.target.ends_with("/oauth2/v2.0/devicecode"));
    assert!(start.body.contains("offline_access"), "{}", start.body);
}

#[tokio::test]
async fn device_code_expired_token_ends_the_sign_in() {
    let replay = Replay::start().await;
    let expired = load("entra_device_expired");
    let (result, _) = device_sign_in(&replay, &[expired.response(0)]).await;
    assert!(
        matches!(result, Err(CrmError::DeviceCodeExpired)),
        "{result:?}"
    );
}

#[tokio::test]
async fn refresh_token_refused_with_invalid_grant_asks_for_a_new_sign_in() {
    let replay = Replay::start().await;
    let success = load("entra_device_success");
    let invalid = load("entra_token_invalid_grant");
    let (result, _) = device_sign_in(&replay, &[success.response(0), invalid.response(0)]).await;
    result.expect("signed in");
    let expired_token = DocResponse {
        status: 401,
        headers: Default::default(),
        body: None,
        body_lines: None,
    };
    replay.answer(&[&expired_token]);
    // A fresh client reads the refresh token from the cache file.
    let (client, _) = replay.client_with_events(true);
    match client.who_am_i().await {
        Err(CrmError::NotSignedIn { detail }) => {
            assert!(detail.contains("invalid_grant"), "{detail}")
        }
        other => panic!("expected NotSignedIn, got {other:?}"),
    }
    let refresh = replay.seen().pop().expect("the refresh request").body;
    assert!(refresh.contains("grant_type=refresh_token"), "{refresh}");
    assert!(
        refresh.contains("refresh_token=AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4"),
        "{refresh}"
    );
}

#[tokio::test]
async fn invalid_grant_emulator_answers_the_documented_shape() {
    let fx = load("entra_token_invalid_grant");
    let sim = sim_fixture::start().await;
    let got = send(&sim, &for_emulator(fx.request(0), None), None).await;
    assert_entra_answer(fx.response(0), &got, &fx.optional);
    assert_eq!(got.json()["error_codes"][0], 70000);
    sim.server.shutdown().await;
}

/// Starts a device login on the emulator and returns its device code.
async fn start_device(sim: &Sim) -> String {
    let fx = load("entra_devicecode");
    let got = send(sim, &for_emulator(fx.request(0), None), None).await;
    assert_same_shape(fx.response(0), &got, &fx.optional);
    got.json()["device_code"]
        .as_str()
        .expect("device_code")
        .to_string()
}

async fn poll_emulator(cfg: SimConfig, fixture: &str) {
    let sim = sim_fixture::start_with(cfg).await;
    let device_code = start_device(&sim).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let fx = load(fixture);
    let got = send(&sim, &for_emulator(fx.request(0), Some(&device_code)), None).await;
    assert_entra_answer(fx.response(0), &got, &fx.optional);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn device_code_emulator_answers_pending_in_the_documented_shape() {
    let cfg = SimConfig {
        device_interval: Duration::from_millis(1),
        ..SimConfig::default()
    };
    poll_emulator(cfg, "entra_device_pending").await;
}

#[tokio::test]
async fn device_code_emulator_answers_expired_token_in_the_documented_shape() {
    let cfg = SimConfig {
        device_interval: Duration::from_millis(1),
        device_code_lifetime: Duration::from_millis(1),
        ..SimConfig::default()
    };
    poll_emulator(cfg, "entra_device_expired").await;
}

#[tokio::test]
async fn device_code_emulator_answers_success_in_the_documented_shape() {
    let cfg = SimConfig {
        device_interval: Duration::from_millis(1),
        device_auto_approve: Some(Duration::ZERO),
        ..SimConfig::default()
    };
    poll_emulator(cfg, "entra_device_success").await;
}
