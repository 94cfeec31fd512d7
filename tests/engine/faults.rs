//! A whole run (pull and writeback) under each fault the emulator injects
//! (`navsync::sim` control): the store stays consistent, the run's outcome,
//! error class and `last_error` say what happened, and the next run without
//! the fault finishes the work with every activity in the CRM once.

use std::time::Duration;

use navsync::config::ActivityKind;
use navsync::engine::usecases::connection;
use navsync::engine::{Command, EngineHandle, ErrorClass, Event, UserError};
use navsync::store::activities::{self, ActivityState, NewActivity};
use navsync::store::outbox;
use navsync::store::runs::Outcome;

use crate::pull::{ANA, APP, CONTACTS, Setup, navsync, setup};

const WAIT: Duration = Duration::from_secs(30);
/// Activities matched to a contact (closed tasks) and unmatched (open).
const MATCHED: usize = 6;
const UNMATCHED: usize = 2;

/// A setup with writeback on and activities waiting for it.
pub async fn world() -> Setup {
    let mut s = setup(5).await;
    s.config.writeback.enabled = true;
    let store = navsync::store::Store::open(&s.store_path()).unwrap();
    let activity = |i: usize, email: Option<String>, name: String| NewActivity {
        external_id: format!("fault-{i}"),
        seat_id: s.ana_seat,
        kind: ActivityKind::Message,
        member_name: name,
        member_company: None,
        member_title: None,
        member_email: email,
        member_profile_url: None,
        subject: format!("follow-up {i}"),
        body: "hello".into(),
        occurred_at: navsync::store::now(),
        copy_to_crm: true,
        thread: None,
        tag: None,
        sender: None,
    };
    for i in 0..MATCHED {
        let n = i % CONTACTS;
        activities::insert(
            store.conn(),
            &activity(i, Some(format!("p{n}@example.test")), format!("F{n} L{n}")),
        )
        .unwrap();
    }
    for i in MATCHED..MATCHED + UNMATCHED {
        activities::insert(
            store.conn(),
            &activity(i, None, format!("Nobody Known {i}")),
        )
        .unwrap();
    }
    s
}

/// One run: its outcome and the error it reported, if any.
async fn run(h: &mut EngineHandle) -> (Outcome, Option<UserError>) {
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    let mut error = None;
    loop {
        match tokio::time::timeout(WAIT, h.events.recv())
            .await
            .expect("the run ends in time")
            .unwrap()
        {
            Event::Error(e) => error = Some(e),
            Event::RunFinished { outcome, .. } => return (outcome, error),
            _ => {}
        }
    }
}

/// The store after a run: nothing half-done, whatever the fault.
fn consistent(s: &Setup) {
    let st = s.store();
    assert!(st.integrity_ok().unwrap());
    let c = st.conn();
    for a in activities::by_state(c, ActivityState::WrittenClosed)
        .unwrap()
        .into_iter()
        .chain(activities::by_state(c, ActivityState::WrittenOpen).unwrap())
    {
        let id = a
            .crm_activity_id
            .expect("a written activity has its CRM id");
        assert!(
            s.sim.control().row("tasks", &id).is_some(),
            "{id} marked written but not in the CRM"
        );
    }
}

/// After the fault: the next run finishes, everything is written once, the
/// outbox is empty and `last_error` is cleared (engine and store).
async fn next_run_finishes(s: &Setup, h: &mut EngineHandle) {
    let (outcome, error) = run(h).await;
    assert_eq!(outcome, Outcome::Ok, "{error:?}");
    assert_eq!(h.status.borrow().last_error, None);
    let st = s.store();
    let c = st.conn();
    assert_eq!(outbox::pending_count(c).unwrap(), 0);
    let written = activities::by_state(c, ActivityState::WrittenClosed)
        .unwrap()
        .len()
        + activities::by_state(c, ActivityState::WrittenOpen)
            .unwrap()
            .len();
    assert_eq!(written, MATCHED + UNMATCHED);
    assert_eq!(s.sim.control().rows("tasks").len(), written, "each once");
    let status = connection::status(&st).unwrap();
    assert_eq!(status.last_error, None, "a clean run clears last_error");
    consistent(s);
}

/// Runs with `fault` switched on, checks the outcome, then without it.
async fn under(
    fault: impl FnOnce(&navsync::sim::SimControl),
    expect: Outcome,
    class: Option<ErrorClass>,
) -> (Setup, Option<UserError>) {
    under_then(fault, |c| c.clear_faults(), expect, class).await
}

/// [`under`] with its own way back to health.
async fn under_then(
    fault: impl FnOnce(&navsync::sim::SimControl),
    heal: impl FnOnce(&navsync::sim::SimControl),
    expect: Outcome,
    class: Option<ErrorClass>,
) -> (Setup, Option<UserError>) {
    let s = world().await;
    let mut h = s.start();
    fault(&s.sim.control());
    let (outcome, error) = run(&mut h).await;
    assert_eq!(outcome, expect, "{error:?}");
    assert_eq!(error.as_ref().map(|e| e.class), class, "{error:?}");
    if let Some(e) = &error {
        assert_eq!(h.status.borrow().last_error.as_ref(), Some(e));
        let st = s.store();
        let stored = connection::status(&st).unwrap().last_error;
        assert!(stored.is_some(), "status --json shows the run's error");
    }
    consistent(&s);
    heal(&s.sim.control());
    next_run_finishes(&s, &mut h).await;
    crate::support::shutdown(h).await;
    (s, error)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_fails_the_run_as_a_connection_error_and_the_next_run_finishes() {
    let (_, e) = under(
        |c| c.set_outage(true),
        Outcome::Error,
        Some(ErrorClass::Connection),
    )
    .await;
    let e = e.unwrap();
    assert!(
        navsync::describe::message(&e).contains("connection error"),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_burst_longer_than_the_retries_is_a_crm_api_error_not_unreachable() {
    let (_, e) = under(
        |c| c.fail_next(50, 503),
        Outcome::Error,
        Some(ErrorClass::CrmApi),
    )
    .await;
    let e = e.unwrap();
    assert!(
        !navsync::describe::message(&e).contains("could not be reached"),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_503_burst_is_retried_and_the_run_succeeds() {
    under(|c| c.fail_next(1, 503), Outcome::Ok, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_renewed_and_the_run_succeeds() {
    under(|c| c.revoke_tokens(), Outcome::Ok, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_body_is_read_again_and_the_run_succeeds() {
    under(|c| c.truncate_next(1), Outcome::Ok, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_waited_out_and_the_run_succeeds() {
    under(
        |c| c.throttle_next(2, Duration::from_secs(1)),
        Outcome::Ok,
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_privilege_lost_before_writeback_fails_the_run_with_the_crms_own_message() {
    let (_, e) = under_then(
        no_task_writes,
        task_writes_back,
        Outcome::Error,
        Some(ErrorClass::InsufficientPrivileges),
    )
    .await;
    let e = e.unwrap();
    assert!(e.detail.contains(TASK_WRITES), "{e:?}");
}

/// Tasks are activities: creating one needs prvCreateActivity
/// (https://learn.microsoft.com/power-platform/admin/security-roles-privileges).
const TASK_WRITES: &str = "prvCreateActivity";

/// Neither the integration user nor the seat holder it acts for may create
/// tasks any more; reading is untouched, so the pull still succeeds.
fn no_task_writes(c: &navsync::sim::SimControl) {
    for user in [APP, ANA] {
        c.remove_privilege(user, TASK_WRITES);
    }
}

fn task_writes_back(c: &navsync::sim::SimControl) {
    for user in [APP, ANA] {
        c.restore_privilege(user, TASK_WRITES);
    }
}

/// The same through `navsync sync --once` and `navsync status --json`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_writes_exit_non_zero_with_last_error_and_a_clean_run_clears_it() {
    let s = world().await;
    no_task_writes(&s.sim.control());
    let out = navsync(&s, &["sync", "--once"]).output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains(TASK_WRITES), "{err}");
    // Issue 21: the writeback phase ends ✘ with the count and the CRM's
    // code (0x80040220 = -2147220960, "Principal user is missing privilege":
    // https://learn.microsoft.com/en-us/troubleshoot/power-platform/power-apps/dataverse/client-errors).
    assert!(
        err.contains(&format!(
            "✘ writeback {} refused (0x80040220)",
            MATCHED + UNMATCHED
        )),
        "{err}"
    );
    let status = navsync(&s, &["status", "--json"]).output().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["last_error"]["class"], "insufficient_privileges");
    assert!(
        json["last_error"]["detail"]
            .as_str()
            .unwrap()
            .contains(TASK_WRITES)
    );
    assert_eq!(
        status.status.code(),
        Some(5),
        "status exits with the error's code"
    );

    task_writes_back(&s.sim.control());
    let out = navsync(&s, &["sync", "--once"]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(0));
    let status = navsync(&s, &["status", "--json"]).output().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["last_error"], serde_json::Value::Null);
    assert_eq!(status.status.code(), Some(0));
}

/// The next event that is an error or an answer (skipping progress).
async fn verdict(h: &mut EngineHandle) -> Event {
    loop {
        let ev = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .expect("an answer in time")
            .unwrap();
        if matches!(ev, Event::Error(_) | Event::ActionResult { .. }) {
            return ev;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_connect_and_a_disconnect_clear_the_last_error() {
    let s = world().await;
    let mut h = s.start();
    s.sim.control().set_outage(true);
    h.commands.send(Command::Connect).unwrap();
    assert!(matches!(verdict(&mut h).await, Event::Error(_)));
    assert!(h.status.borrow().last_error.is_some());
    s.sim.control().set_outage(false);
    h.commands.send(Command::Connect).unwrap();
    match verdict(&mut h).await {
        Event::ActionResult { ok: true, reply } => {
            let message = navsync::describe::reply(&reply);
            assert!(message.contains("sync in progress"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.status.borrow().last_error, None, "the checks passed");
    // The first sync fails on an outage; a disconnect is not an error.
    s.sim.control().set_outage(true);
    let outcome = loop {
        if let Event::RunFinished { outcome, .. } = h.events.recv().await.unwrap() {
            break outcome;
        }
    };
    assert_eq!(outcome, Outcome::Error);
    assert!(h.status.borrow().last_error.is_some());
    h.commands
        .send(Command::Disconnect { purge: false })
        .unwrap();
    assert!(matches!(
        verdict(&mut h).await,
        Event::ActionResult { ok: true, .. }
    ));
    assert_eq!(h.status.borrow().last_error, None);
    crate::support::shutdown(h).await;
}

/// Issue 21: a `Retry-After` beyond any duration (u64::MAX seconds) is no
/// panic and no wait: longer than the 5-minute service-protection window
/// (https://learn.microsoft.com/en-us/power-apps/developer/data-platform/api-limits#retry-operations),
/// it ends `sync --once` as a CRM API error (exit 4) saying when to try
/// again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_retry_after_ends_sync_once_with_exit_4_and_when_to_try_again() {
    let s = world().await;
    s.sim
        .control()
        .throttle_next(1, Duration::from_secs(u64::MAX));
    let out = tokio::time::timeout(WAIT, navsync(&s, &["sync", "--once"]).output())
        .await
        .expect("sync --once ends instead of waiting")
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("try again after"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Issue 21: a token answer claiming `expires_in: 10000000000000` used to
/// overflow the expiry date; capped, it still gives a good run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_expires_in_still_gives_a_good_run() {
    let s = world().await;
    std::fs::remove_file(navsync::paths::token_cache_file(s.dir.path())).ok();
    s.sim.control().claim_expires_in(Some(10_000_000_000_000));
    let out = navsync(&s, &["sync", "--once"]).output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
}

/// Issue 21: a run whose task panics (the test hook) is recorded as
/// failed with the reason, `RunFinished` is sent, and `sync --once` exits
/// non-zero instead of waiting for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_run_is_recorded_failed_and_sync_once_exits_non_zero() {
    let s = world().await;
    let out = tokio::time::timeout(
        WAIT,
        navsync(&s, &["sync", "--once"])
            .env("NAVSYNC_TEST_PANIC_IN_RUN", "1")
            .output(),
    )
    .await
    .expect("sync --once ends")
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let st = s.store();
    let runs = navsync::store::runs::recent(st.conn(), 5).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcome, Outcome::Error);
    assert!(runs[0].finished_at.is_some());
    assert!(
        runs[0]
            .error_detail
            .as_deref()
            .is_some_and(|d| d.contains("NAVSYNC_TEST_PANIC_IN_RUN")),
        "{:?}",
        runs[0]
    );
}

/// The next RunFinished, skipping everything else.
async fn finished(h: &mut EngineHandle) -> Outcome {
    loop {
        if let Event::RunFinished { outcome, .. } = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .expect("a run ends in time")
            .unwrap()
        {
            return outcome;
        }
    }
}

/// Issue 21: under an outage the scheduled engine (as `serve` runs it)
/// says `failing` and names the cause, in its status and in `status
/// --json`; it tries again after the back-off, not a whole interval (24 h)
/// later, and once the CRM is back the run succeeds and the verdict is `ok`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_run_is_retried_after_the_back_off_and_health_follows() {
    use navsync::engine::interface::health::{Health, HealthReason};
    let mut s = world().await;
    s.config.sync.retry_after_failure = Duration::from_secs(1);
    s.sim.control().set_outage(true);
    let options = navsync::engine::Options {
        data_dir: s.dir.path().to_path_buf(),
        scheduled: true,
    };
    let mut h =
        navsync::engine::Engine::start_with(s.config.clone(), &s.store_path(), options).unwrap();
    assert_eq!(finished(&mut h).await, Outcome::Error);
    let st = h.status.borrow().clone();
    let verdict = st.health(chrono::Utc::now());
    assert_eq!(verdict.health, Health::Failing);
    assert_eq!(verdict.reason, HealthReason::RunFailed);
    assert_eq!(
        st.last_run.as_ref().and_then(|r| r.class),
        Some(ErrorClass::Connection)
    );
    assert!(st.next_after_failure, "{st:?}");
    let next = st.next_sync.unwrap();
    assert!(
        next <= chrono::Utc::now() + chrono::Duration::minutes(1),
        "the next try is within a minute, not an interval away: {next}"
    );

    let status = navsync(&s, &["status", "--json"]).output().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["health"], "failing", "{json}");
    assert_eq!(json["health_reason"], "run_failed", "{json}");
    let check = navsync(&s, &["status", "--check"]).output().await.unwrap();
    assert_eq!(check.status.code(), Some(2));
    let line = String::from_utf8_lossy(&check.stdout);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains("failing"), "{line}");

    s.sim.control().set_outage(false);
    assert_eq!(finished(&mut h).await, Outcome::Ok, "the retry succeeds");
    let st = h.status.borrow().clone();
    assert_eq!(st.health(chrono::Utc::now()).health, Health::Ok);
    assert!(!st.next_after_failure);
    crate::support::shutdown(h).await;
    let status = navsync(&s, &["status", "--json"]).output().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["health"], "ok", "{json}");
    let check = navsync(&s, &["status", "--check"]).output().await.unwrap();
    assert_eq!(check.status.code(), Some(0));
}

/// Issue 21: a 403 on writeback leaves the unmatched activities refused
/// (with the CRM's code), not `open`: the CRM never received them. The
/// reads went through, so the verdict is `degraded`, not `failing`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_on_writeback_leaves_the_activities_refused_and_the_health_degraded() {
    use navsync::engine::interface::health::{Health, HealthReason};
    let s = world().await;
    let mut h = s.start();
    no_task_writes(&s.sim.control());
    let (outcome, _) = run(&mut h).await;
    assert_eq!(outcome, Outcome::Error);
    let verdict = h.status.borrow().health(chrono::Utc::now());
    assert_eq!(verdict.health, Health::Degraded);
    assert_eq!(verdict.reason, HealthReason::WritesHeld);
    let st = s.store();
    let queue = navsync::store::unresolved::queue_rows(st.conn()).unwrap();
    assert_eq!(queue.len(), UNMATCHED);
    for row in &queue {
        assert_eq!(row.state, ActivityState::Queued, "{row:?}");
        let why = row.last_error.as_deref().unwrap_or_default();
        assert!(why.contains("403") && why.contains(TASK_WRITES), "{row:?}");
    }
    crate::support::shutdown(h).await;
}

/// Issue 21: a 429 with `Retry-After: 30` shows in the live status as a
/// wait with its end as soon as the client reads it (no page has to come
/// through first), and the 429 is counted at once, as the history row
/// will count it; a cancel ends the wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_wait_shows_in_the_live_status_at_once() {
    let s = world().await;
    let mut h = s.start();
    s.sim.control().throttle_next(1, Duration::from_secs(30));
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    loop {
        let ev = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .expect("the 429 comes")
            .unwrap();
        if let Event::Throttled { retry_after } = ev {
            assert_eq!(retry_after, Duration::from_secs(30));
            break;
        }
    }
    let live = h.status.borrow().running.clone().expect("the run goes on");
    let until = live.throttled_until.expect("the wait is shown");
    assert!(
        until > chrono::Utc::now() + chrono::Duration::seconds(20),
        "the 30 s asked, counted down from the 429: {until}"
    );
    assert_eq!(live.throttled, 1);
    assert!(live.requests >= 1, "{live:?}");
    h.commands.send(Command::Cancel).unwrap();
    assert_eq!(finished(&mut h).await, Outcome::Cancelled);
    crate::support::shutdown(h).await;
}

/// Issue 21: a `Retry-After` beyond what the client waits ends the run,
/// and the scheduled engine (as `serve` runs it) puts its next try after
/// that time, not before it (where it would only be refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_try_comes_after_a_retry_after_too_long_to_wait() {
    let mut s = world().await;
    s.config.sync.retry_after_failure = Duration::from_secs(1);
    s.sim
        .control()
        .throttle_next(1, Duration::from_secs(20 * 60));
    let options = navsync::engine::Options {
        data_dir: s.dir.path().to_path_buf(),
        scheduled: true,
    };
    let mut h =
        navsync::engine::Engine::start_with(s.config.clone(), &s.store_path(), options).unwrap();
    assert_eq!(finished(&mut h).await, Outcome::Error);
    let st = h.status.borrow().clone();
    let next = st.next_sync.unwrap();
    assert!(
        next > chrono::Utc::now() + chrono::Duration::minutes(19),
        "not before the CRM takes requests again: {next}"
    );
    assert!(st.next_after_failure);
    crate::support::shutdown(h).await;
}

/// Issue 21: a refresh token Entra refuses with `invalid_grant`
/// (AADSTS50076, MFA now required) is a sign-in to renew, not a failed
/// run like any other: the run records the class `sign_in_needed`, the
/// verdict is `failing` for that reason, and `status --json` and `status
/// --check` name it with the next step. The refused token is sent once.
/// Handling as in
/// <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application>.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_refresh_token_makes_the_health_failing_with_sign_in_needed() {
    use navsync::engine::interface::health::{Health, HealthReason};
    let mut s = world().await;
    s.config.crm.auth = navsync::config::AuthMethod::DeviceCode;
    let mut h = s.start();
    h.commands.send(Command::Connect).unwrap();
    let code = loop {
        if let Event::DeviceCode { user_code, .. } = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .expect("the device code comes")
            .unwrap()
        {
            break user_code;
        }
    };
    assert!(s.sim.control().approve_device_code(&code));
    assert_eq!(finished(&mut h).await, Outcome::Ok, "the connect's sync");

    // The access token stops working; the refresh is refused for MFA.
    s.sim.control().revoke_tokens();
    s.sim.control().reset_counters();
    s.sim.control().token_error_next(1, "invalid_grant");
    let (outcome, error) = run(&mut h).await;
    assert_eq!(outcome, Outcome::Error);
    assert_eq!(error.map(|e| e.class), Some(ErrorClass::SignInNeeded));
    assert_eq!(s.sim.control().request_count("POST token"), 1);
    let verdict = h.status.borrow().health(chrono::Utc::now());
    assert_eq!(verdict.health, Health::Failing);
    assert_eq!(verdict.reason, HealthReason::SignInNeeded);
    crate::support::shutdown(h).await;

    let status = navsync(&s, &["status", "--json"]).output().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["health"], "failing", "{json}");
    assert_eq!(json["health_reason"], "sign_in_needed", "{json}");
    assert_eq!(json["last_error"]["class"], "sign_in_needed", "{json}");
    let check = navsync(&s, &["status", "--check"]).output().await.unwrap();
    assert_eq!(check.status.code(), Some(2));
    let line = String::from_utf8_lossy(&check.stdout);
    assert!(line.contains("sign-in needed"), "{line}");
    assert!(line.contains("navsync connect"), "{line}");
    let text = navsync(&s, &["status"]).output().await.unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("failing (sign-in needed;"), "{text}");
}

/// Issue 21: a run held by 429s (`throttle_next`, here with a 1 s
/// `Retry-After`) shows its counters live, and the live line ends on the
/// numbers its history row records: requests, retries and 429s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_counters_end_on_the_numbers_of_the_history_row() {
    let s = world().await;
    let mut h = s.start();
    // Every live snapshot of the run, as a watching face sees them.
    let mut watch = h.status.clone();
    let seen = tokio::spawn(async move {
        let mut seen = Vec::new();
        while watch.changed().await.is_ok() {
            if let Some(r) = watch.borrow_and_update().running.clone() {
                seen.push(r);
            }
        }
        seen
    });
    s.sim.control().throttle_next(3, Duration::from_secs(1));
    let (outcome, error) = run(&mut h).await;
    assert_eq!(outcome, Outcome::Ok, "{error:?}");
    crate::support::shutdown(h).await;
    let seen = seen.await.unwrap();
    let last = seen.last().expect("the run was shown live");
    assert!(
        seen.iter()
            .any(|r| r.throttled > 0 && r.throttled_until.is_some()),
        "the 429 wait was shown while it lasted"
    );
    let st = s.store();
    let row = navsync::store::runs::recent(st.conn(), 1)
        .unwrap()
        .remove(0);
    assert_eq!(row.id, last.run_id);
    assert_eq!(
        (last.requests, last.retries, last.throttled),
        (
            row.requests as u64,
            row.retries as u64,
            row.throttle_waits as u64
        ),
        "live {last:?} vs history {row:?}"
    );
    assert_eq!(row.throttle_waits, 3);
}

/// Issue 21: while the client renews its token at a slow token endpoint
/// (the emulator's latency applies to it), the run's requests wait, and
/// the live status and `sync --once` say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_renewal_shows_as_a_wait_live_and_in_sync_once() {
    let s = world().await;
    let cache = navsync::paths::token_cache_file(s.dir.path());
    std::fs::remove_file(&cache).ok();
    s.sim.control().set_latency(Duration::from_millis(300));
    let mut h = s.start();
    h.commands
        .send(Command::SyncNow { dry_run: false })
        .unwrap();
    loop {
        let ev = tokio::time::timeout(WAIT, h.events.recv())
            .await
            .expect("the renewal comes")
            .unwrap();
        if ev == Event::RenewingSignIn {
            break;
        }
    }
    let live = h.status.borrow().running.clone().expect("the run goes on");
    assert!(live.renewing_since.is_some(), "{live:?}");
    assert_eq!(finished(&mut h).await, Outcome::Ok);
    crate::support::shutdown(h).await;

    std::fs::remove_file(&cache).ok();
    let out = navsync(&s, &["sync", "--once"]).output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("waiting: renewing the sign-in with Microsoft Entra ID"),
        "{err}"
    );
}
