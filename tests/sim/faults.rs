//! Service protection limits and every injected fault, through both the
//! in-process control and the `/_sim` HTTP endpoints.

use std::time::{Duration, Instant};

use navsync::sim::{ServiceLimits, SimConfig};
use serde_json::json;

use crate::fixture::{self, APP_USER, assert_error, json};

fn limits(requests: u32, execution_ms: u64, concurrent: u32) -> SimConfig {
    SimConfig {
        limits: ServiceLimits {
            requests,
            window: Duration::from_secs(300),
            execution_time: Duration::from_millis(execution_ms),
            concurrent,
        },
        ..SimConfig::default()
    }
}

#[tokio::test]
async fn request_count_limit_answers_429_with_retry_after_and_0x80072322() {
    let sim = fixture::start_with(limits(3, 600_000, 52)).await;
    for left in (0..3).rev() {
        let r = sim.get("WhoAmI").send().await.expect("get");
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["x-ms-ratelimit-burst-remaining-xrm-requests"],
            left.to_string().as_str()
        );
        assert!(
            r.headers()
                .contains_key("x-ms-ratelimit-time-remaining-xrm-requests")
        );
    }
    let r = sim.get("WhoAmI").send().await.expect("get");
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap_or_default()
        .parse()
        .expect("seconds");
    assert!((299..=300).contains(&retry), "{retry}");
    assert_error(
        r,
        429,
        "0x80072322",
        "Number of requests exceeded the limit of 3 over time window of 300 seconds.",
    )
    .await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn execution_time_limit_answers_0x80072321() {
    let sim = fixture::start_with(limits(6000, 1, 52)).await;
    sim.server.control().set_latency(Duration::from_millis(5));
    // The first request is admitted and spends more than the 1 ms budget;
    // its time is counted before it is answered, so the next is refused.
    let big = sim.get("contacts").send().await.expect("get");
    assert_eq!(big.status(), 200);
    let r = sim.get("contacts").send().await.expect("get");
    assert!(r.headers().contains_key("retry-after"));
    assert_error(r, 429, "0x80072321", "Combined execution time of incoming requests exceeded limit of 1 milliseconds over time window of 300 seconds.").await;
    sim.server.shutdown().await;
}

/// Each operation of a bulk write costs server time, so one
/// CreateMultiple of 20 tasks spends what 20 single creates would
/// (the cost model of `navsync::sim::cost`).
#[tokio::test]
async fn bulk_writes_are_charged_per_operation() {
    let sim = fixture::start_with(limits(6000, 100, 52)).await;
    sim.server.control().set_cost(navsync::sim::CostModel {
        per_write: Duration::from_millis(10),
        ..navsync::sim::CostModel::instant()
    });
    let targets: Vec<_> = (0..20)
        .map(|i| json!({"@odata.type": "Microsoft.Dynamics.CRM.task", "subject": format!("t{i}")}))
        .collect();
    let r = sim
        .post(
            "tasks/Microsoft.Dynamics.CRM.CreateMultiple",
            &json!({ "Targets": targets }),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    // 200 ms of server time against a 100 ms budget: the user is out.
    let r = sim.get("WhoAmI").send().await.expect("get");
    assert_error(r, 429, "0x80072321", "Combined execution time").await;
    sim.server.shutdown().await;
}

/// A read costs per column it returns, as Learn's "Do not retrieve Entity
/// all columns via query APIs" says the amount of data selected drives the
/// cost (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/best-practices/work-with-data/retrieve-specific-columns-entity-via-query-apis>):
/// the same rows read key-only fit an execution budget that reading them
/// with eight columns exhausts.
#[tokio::test]
async fn reads_are_charged_per_column_returned() {
    let cost = navsync::sim::CostModel {
        per_column: Duration::from_millis(5),
        ..navsync::sim::CostModel::instant()
    };
    let read = |select: &'static str| async move {
        let sim = fixture::start_with(limits(6000, 800, 52)).await;
        sim.server.control().set_cost(cost);
        let r = sim
            .get(&format!("contacts?$select={select}"))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 200);
        let rows = json(r).await["value"].as_array().map_or(0, Vec::len);
        let next = sim.get("WhoAmI").send().await.expect("get").status();
        sim.server.shutdown().await;
        (rows, next)
    };
    // The tiny tenant's 25 contacts: 25 values (125 ms) key-only...
    let (rows, next) = read("contactid").await;
    assert_eq!((rows, next.as_u16()), (25, 200));
    // ...200 values (1 s, over the 800 ms budget) with the columns
    // navsync reads.
    let (rows, next) = read(
        "contactid,fullname,firstname,lastname,emailaddress1,jobtitle,_parentcustomerid_value,modifiedon",
    )
    .await;
    assert_eq!((rows, next.as_u16()), (25, 429));
}

#[tokio::test]
async fn concurrency_limit_answers_0x80072326() {
    let sim = fixture::start_with(limits(6000, 600_000, 1)).await;
    // The slow request holds its place for as long as the fast one could
    // possibly take to arrive.
    sim.server.control().set_latency(Duration::from_secs(2));
    let slow = sim.get("accounts").send();
    let fast = async {
        // Sent once the slow one holds the only place.
        sim.server.control().until(|c| c.in_flight() == 1).await;
        sim.get("WhoAmI").send().await
    };
    let (a, b) = tokio::join!(slow, fast);
    assert_eq!(a.expect("slow").status(), 200);
    assert_error(
        b.expect("fast"),
        429,
        "0x80072326",
        "Number of concurrent requests exceeded the limit of 1.",
    )
    .await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn throttle_storm_of_n_then_normal_service() {
    let sim = fixture::start().await;
    sim.server
        .control()
        .throttle_next(2, Duration::from_secs(7));
    for _ in 0..2 {
        let r = sim.get("accounts").send().await.expect("get");
        assert_eq!(r.headers()["retry-after"], "7");
        assert_error(
            r,
            429,
            "0x80072322",
            "Number of requests exceeded the limit of 6000 over time window of 300 seconds.",
        )
        .await;
    }
    assert_eq!(sim.get("accounts").send().await.expect("get").status(), 200);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn bursts_of_500_and_503() {
    let sim = fixture::start().await;
    let ctl = sim.server.control();
    ctl.fail_next(1, 500);
    assert_error(
        sim.get("accounts").send().await.expect("get"),
        500,
        "0x80040216",
        "An unexpected error occurred.",
    )
    .await;
    ctl.fail_next(2, 503);
    for _ in 0..2 {
        assert_eq!(sim.get("accounts").send().await.expect("get").status(), 503);
    }
    assert_eq!(sim.get("accounts").send().await.expect("get").status(), 200);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn truncated_json_body_does_not_parse() {
    let sim = fixture::start().await;
    sim.server.control().truncate_next(1);
    let text = sim
        .get("contacts")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
    let v = json(sim.get("contacts").send().await.expect("get")).await;
    assert_eq!(v["value"].as_array().map(Vec::len), Some(fixture::CONTACTS));
    sim.server.shutdown().await;
}

#[tokio::test]
async fn latency_delays_answers() {
    let sim = fixture::start().await;
    sim.server.control().set_latency(Duration::from_millis(150));
    let t = Instant::now();
    assert_eq!(sim.get("WhoAmI").send().await.expect("get").status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    // An hour of latency, cleared: the answer comes without it (the
    // timeout only guards against a hang).
    sim.server.control().set_latency(Duration::from_secs(3600));
    sim.server.control().clear_faults();
    let answer = tokio::time::timeout(Duration::from_secs(600), sim.get("WhoAmI").send())
        .await
        .expect("cleared latency no longer delays");
    assert_eq!(answer.expect("get").status(), 200);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn outage_drops_connections_but_control_still_answers() {
    let sim = fixture::start().await;
    let ctl_url = sim.server.control_url();
    let on = sim
        .http
        .post(format!("{ctl_url}/faults"))
        .json(&json!({"outage": true}))
        .send()
        .await
        .expect("control");
    assert_eq!(on.status(), 200);
    let err = sim
        .get("WhoAmI")
        .send()
        .await
        .expect_err("connection dropped");
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    assert!(sim.http.post(sim.server.token_url()).send().await.is_err());
    let off = sim
        .http
        .delete(format!("{ctl_url}/faults"))
        .send()
        .await
        .expect("control");
    assert_eq!(off.status(), 200);
    assert_eq!(sim.get("WhoAmI").send().await.expect("get").status(), 200);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn http_control_covers_privileges_org_mode_tables_and_counters() {
    let sim = fixture::start().await;
    let c = sim.server.control_url();
    let r = sim
        .http
        .post(format!("{c}/privileges"))
        .json(&json!({"user_id": APP_USER, "privilege": "prvReadAccount", "granted": false}))
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), 200);
    assert_error(
        sim.get("accounts").send().await.expect("get"),
        403,
        "0x80040220",
        "is missing prvReadAccount privilege",
    )
    .await;
    sim.http
        .post(format!("{c}/privileges"))
        .json(&json!({"user_id": APP_USER, "privilege": "prvReadAccount", "granted": true}))
        .send()
        .await
        .expect("control");
    assert_eq!(sim.get("accounts").send().await.expect("get").status(), 200);
    sim.http
        .post(format!("{c}/org"))
        .json(&json!({"mode": "old_version"}))
        .send()
        .await
        .expect("control");
    assert_eq!(
        json(sim.get("RetrieveVersion()").send().await.expect("get")).await["Version"],
        "8.1.0.359"
    );
    sim.http
        .post(format!("{c}/faults"))
        .json(&json!({"throttle_next": {"count": 1, "retry_after_s": 2}}))
        .send()
        .await
        .expect("control");
    assert_eq!(sim.get("WhoAmI").send().await.expect("get").status(), 429);
    let counters = json(
        sim.http
            .get(format!("{c}/requests"))
            .send()
            .await
            .expect("control"),
    )
    .await;
    assert_eq!(counters["GET accounts"], 2);
    assert_eq!(counters["POST token"], 1);
    let row = json!({"accountid": "acc00000-0000-4000-8000-0000000000f1", "name": "Fabrikam"});
    let r = sim
        .http
        .post(format!("{c}/tables/accounts"))
        .json(&row)
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), 201);
    let r = sim
        .http
        .post(format!("{c}/tables/accounts"))
        .json(&row)
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), 409);
    let got = json(
        sim.http
            .get(format!(
                "{c}/tables/accounts/acc00000-0000-4000-8000-0000000000f1"
            ))
            .send()
            .await
            .expect("control"),
    )
    .await;
    assert_eq!(got["name"], "Fabrikam");
    let r = sim
        .http
        .delete(format!(
            "{c}/tables/accounts/acc00000-0000-4000-8000-0000000000f1"
        ))
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), 200);
    let all = json(
        sim.http
            .get(format!("{c}/tables/accounts"))
            .send()
            .await
            .expect("control"),
    )
    .await;
    assert_eq!(all.as_array().map(Vec::len), Some(3));
    sim.server.shutdown().await;
}
