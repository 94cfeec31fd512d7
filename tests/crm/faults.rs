//! Retry policy and the four error classes, each from the matching
//! emulator fault.

use crate::words::Said;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use navsync::config::Lang;
use navsync::crm::rows::{Account, Contact, Opportunity};
use navsync::crm::{ClientEvent, CrmError, ErrorClass, Read, RefreshReason};

use crate::fixture::{self, APP_USER, CONTACTS, drain};

#[tokio::test]
async fn a_429_storm_is_ridden_out_waiting_exactly_retry_after() {
    let env = fixture::start().await;
    let (client, mut events) = env.client_with_events();
    client.sign_in().await.unwrap();
    env.sim.control().throttle_next(2, Duration::from_secs(1));
    let started = Instant::now();
    let pages: Vec<_> = client
        .stream::<Account>(Read::full())
        .try_collect()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(pages.iter().map(|p| p.rows.len()).sum::<usize>(), 3);
    let seen = drain(&mut events);
    let waits: Vec<Duration> = seen
        .iter()
        .filter_map(|e| match e {
            ClientEvent::Throttled { retry_after, .. } => Some(*retry_after),
            _ => None,
        })
        .collect();
    assert_eq!(
        waits,
        vec![Duration::from_secs(1); 2],
        "waited what the server asked"
    );
    // A lower bound only: the waits were sat out; no backoff on top.
    assert!(took >= Duration::from_secs(2), "took {took:?}");
    assert!(
        !seen.iter().any(|e| matches!(e, ClientEvent::Retry { .. })),
        "no extra backoff on top of Retry-After: {seen:?}"
    );
    assert_eq!(client.stats().throttle_waits, 2);
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_then_reported_as_api_errors() {
    let env = fixture::start().await;
    let (client, mut events) = env.client_with_events();
    client.sign_in().await.unwrap();
    env.sim.control().fail_next(2, 503);
    let pages: Vec<_> = client
        .stream::<Account>(Read::full())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(|p| p.rows.len()).sum::<usize>(), 3);
    let retries = drain(&mut events)
        .into_iter()
        .filter(|e| matches!(e, ClientEvent::Retry { .. }))
        .count();
    assert_eq!(retries, 2);
    assert_eq!(client.stats().retries, 2);

    env.sim.control().fail_next(10, 500);
    let err = client
        .stream::<Account>(Read::full())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::CrmApi, "{err:?}");
    assert_eq!(
        err.message(Lang::En),
        "An error occurred with the CRM API. Try again later."
    );
    assert!(err.next_step(Lang::En).contains("uptime"));
    assert!(err.detail().contains("500"), "{}", err.detail());
}

#[tokio::test]
async fn a_truncated_body_is_retried_and_a_lasting_one_is_an_api_error() {
    let env = fixture::start().await;
    let client = env.client();
    client.sign_in().await.unwrap();
    env.sim.control().truncate_next(1);
    let pages: Vec<_> = client
        .stream::<Account>(Read::full())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(|p| p.rows.len()).sum::<usize>(), 3);
    env.sim.control().truncate_next(10);
    let err = client
        .stream::<Account>(Read::full())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::CrmApi, "{err:?}");
}

#[tokio::test]
async fn an_unreachable_crm_is_a_connection_error() {
    let env = fixture::start().await;
    let client = env.client();
    client.sign_in().await.unwrap();
    env.sim.control().set_outage(true);
    let err = client
        .stream::<Account>(Read::full())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Connection, "{err:?}");
    assert_eq!(
        err.message(Lang::Es),
        "Error de conexión con el CRM. Vuelve a intentarlo más tarde."
    );
    // "Try again later" is said once, by the message, not again by the
    // next step shown after it.
    let both = format!("{} — {}", err.message(Lang::En), err.next_step(Lang::En));
    assert_eq!(both.matches("Try again later").count(), 1, "{both}");
    assert!(
        err.next_step(Lang::En)
            .contains("Check this machine's network")
    );
}

#[tokio::test]
async fn a_missing_privilege_is_named() {
    let env = fixture::start().await;
    let client = env.client();
    env.sim
        .control()
        .remove_privilege(APP_USER, "prvReadOpportunity");
    let err = client
        .stream::<Opportunity>(Read::full())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::ObjectsUnreadable, "{err:?}");
    assert!(
        err.next_step(Lang::En).contains("opportunities"),
        "{}",
        err.next_step(Lang::En)
    );
    assert!(err.detail().contains("prvReadOpportunity"));
    match err {
        CrmError::ObjectsUnreadable { objects, .. } => assert_eq!(objects, vec!["opportunities"]),
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn a_token_revoked_mid_pull_is_renewed_once_and_no_page_is_lost() {
    let env = fixture::start().await;
    let (client, mut events) = env.client_with_events();
    let mut stream = std::pin::pin!(client.stream::<Contact>(Read::full()));
    let mut rows = stream.next().await.unwrap().unwrap().rows.len();
    env.sim.control().revoke_tokens();
    while let Some(page) = stream.next().await {
        rows += page.unwrap().rows.len();
    }
    assert_eq!(rows, CONTACTS + 2);
    let refreshes: Vec<RefreshReason> = drain(&mut events)
        .into_iter()
        .filter_map(|e| match e {
            ClientEvent::TokenRefreshed { reason } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(
        refreshes.len(),
        2,
        "first token, then one renewal: {refreshes:?}"
    );
    assert_eq!(refreshes, [RefreshReason::First, RefreshReason::Rejected]);
}

#[tokio::test]
async fn a_token_expiring_mid_pull_is_renewed_before_use() {
    let env = fixture::start().await;
    // Every token says it expires as it is issued (the emulator honours
    // it for longer), so each page finds the one it holds expiring: no
    // clock decides whether the pull outlives a token.
    env.sim.control().claim_expires_in(Some(0));
    let (client, mut events) = env.client_with_events();
    let mut stream = std::pin::pin!(client.stream::<Contact>(Read::full()));
    let mut rows = 0;
    while let Some(page) = stream.next().await {
        rows += page.unwrap().rows.len();
    }
    assert_eq!(rows, CONTACTS + 2);
    let renewals = drain(&mut events)
        .into_iter()
        .filter(
            |e| matches!(e, ClientEvent::TokenRefreshed { reason } if *reason == RefreshReason::Expiring),
        )
        .count();
    assert!(renewals >= 1, "renewed before expiry");
}

#[tokio::test]
async fn a_retry_after_beyond_the_bound_fails_at_once_and_a_wait_can_be_cancelled() {
    let env = fixture::start().await;
    let client = env.client();
    client.sign_in().await.unwrap();
    env.sim.control().throttle_next(1, Duration::from_secs(30));
    // Past the bound, the client refuses to wait at all (a hang here would
    // be the 30 s wait).
    let err = client.who_am_i().await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::CrmApi, "{err:?}");
    assert!(err.detail().contains("429"), "{}", err.detail());
    assert_eq!(client.stats().throttle_waits, 0, "did not sit out 30 s");
    // The server takes nothing from this identity for 30 s: the next
    // request fails at once too, without being sent to be refused again.
    let sent = env.sim.control().request_count("GET WhoAmI");
    let again = client.who_am_i().await.unwrap_err();
    assert!(again.detail().contains("try again after"), "{again:?}");
    assert_eq!(env.sim.control().request_count("GET WhoAmI"), sent);

    // A fresh client (a gate of its own) waits out a short Retry-After,
    // and that wait can be cancelled.
    let (client, mut events) = env.client_with_events();
    client.sign_in().await.unwrap();
    env.sim.control().throttle_next(1, Duration::from_secs(4));
    let cancel = tokio_util::sync::CancellationToken::new();
    let waiting = client.with_cancel(cancel.clone());
    let call = tokio::spawn(async move { waiting.who_am_i().await });
    // The 429 has come: the client is sitting out its Retry-After.
    while !matches!(
        events.recv().await,
        Some(ClientEvent::Throttled { .. }) | None
    ) {}
    cancel.cancel();
    // Cancelled inside the 4 s wait: the answer is Cancelled, not a success
    // after the wait.
    let err = call.await.unwrap().unwrap_err();
    assert!(matches!(err, CrmError::Cancelled), "{err:?}");
}

#[tokio::test]
async fn concurrency_is_capped() {
    let env = fixture::start().await;
    env.sim.control().set_latency(Duration::from_millis(150));
    let mut cfg = env.config();
    cfg.max_concurrency = 2;
    let client = navsync::crm::Client::new(cfg).unwrap();
    client.sign_in().await.unwrap();
    let started = Instant::now();
    let calls: Vec<_> = (0..6).map(|_| client.who_am_i()).collect();
    for r in futures::future::join_all(calls).await {
        r.unwrap();
    }
    let capped = started.elapsed();
    assert!(
        capped >= Duration::from_millis(450),
        "6 calls, 2 at a time, 150 ms each: {capped:?}"
    );
}

/// Issue 21: Entra's `temporarily_unavailable` and `server_error` are
/// passing faults its guidance says to retry
/// (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application):
/// retried with backoff, named as Entra's, and the read goes through.
#[tokio::test]
async fn a_temporarily_unavailable_sign_in_server_is_retried() {
    for error in ["temporarily_unavailable", "server_error"] {
        let env = fixture::start().await;
        let (client, mut events) = env.client_with_events();
        env.sim.control().token_error_next(2, error);
        let pages: Vec<_> = client
            .stream::<Account>(Read::full())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.iter().map(|p| p.rows.len()).sum::<usize>(), 3);
        let reasons: Vec<String> = drain(&mut events)
            .into_iter()
            .filter_map(|e| match e {
                ClientEvent::Retry { reason, .. } => Some(reason),
                _ => None,
            })
            .collect();
        assert_eq!(reasons.len(), 2, "{error}: {reasons:?}");
        assert!(
            reasons.iter().all(|r| r.contains("Microsoft Entra ID")),
            "{reasons:?}"
        );
        assert_eq!(env.sim.control().request_count("POST token"), 3);
    }
}

/// ... and when it lasts, the run fails as a connection error (try again
/// later), not as a sign-in refusal that blames the tenant or the secret.
#[tokio::test]
async fn a_lasting_entra_outage_is_a_connection_error() {
    let env = fixture::start().await;
    env.sim
        .control()
        .token_error_next(100, "temporarily_unavailable");
    let err = env.client().who_am_i().await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::Connection, "{err:?}");
    assert!(
        err.detail()
            .contains("Microsoft Entra ID is temporarily unavailable"),
        "{}",
        err.detail()
    );
}
