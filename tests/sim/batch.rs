//! `$batch`: change sets (atomic, Content-ID references), plain requests,
//! continue-on-error, and the multipart answer layout.

use serde_json::json;

use crate::fixture::{self, SELLER};

const T1: &str = "7a5c0000-0000-4000-8000-0000000000b1";
const T2: &str = "7a5c0000-0000-4000-8000-0000000000b2";

fn op(
    method: &str,
    url: &str,
    body: Option<&serde_json::Value>,
    content_id: Option<u32>,
) -> String {
    let cid = content_id
        .map(|c| format!("Content-ID: {c}\r\n"))
        .unwrap_or_default();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let ct = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/json\r\n"
    };
    format!(
        "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n{cid}\r\n{method} {url} HTTP/1.1\r\n{ct}\r\n{body}\r\n"
    )
}

fn batch(parts: &[String]) -> String {
    let mut s = String::new();
    for p in parts {
        s.push_str("--batch_AAA\r\n");
        s.push_str(p);
    }
    s.push_str("--batch_AAA--\r\n");
    s
}

fn changeset(ops: &[String]) -> String {
    let mut s = String::from("Content-Type: multipart/mixed; boundary=changeset_BBB\r\n\r\n");
    for o in ops {
        s.push_str("--changeset_BBB\r\n");
        s.push_str(o);
    }
    s.push_str("--changeset_BBB--\r\n");
    s
}

async fn send(sim: &fixture::Sim, body: String, prefer: Option<&str>) -> (u16, String, String) {
    let mut req = sim
        .http
        .post(sim.url("$batch"))
        .bearer_auth(&sim.token)
        .header("Content-Type", "multipart/mixed; boundary=batch_AAA")
        .body(body);
    if let Some(p) = prefer {
        req = req.header("Prefer", p);
    }
    let r = req.send().await.expect("batch");
    let status = r.status().as_u16();
    let ct = r.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    (status, ct, r.text().await.expect("body"))
}

fn task(id: &str) -> serde_json::Value {
    json!({"activityid": id, "subject": "s", "ownerid@odata.bind": format!("/systemusers({SELLER})")})
}

#[tokio::test]
async fn change_set_commits_together_and_answers_in_dataverse_layout() {
    let sim = fixture::start().await;
    let api = sim.url("");
    let body = batch(&[
        changeset(&[
            op("POST", &format!("{api}tasks"), Some(&task(T1)), Some(1)),
            op(
                "PATCH",
                "$1",
                Some(&json!({"subject": "via reference"})),
                Some(2),
            ),
        ]),
        op("GET", &format!("{api}tasks?$select=subject"), None, None),
    ]);
    let (status, ct, text) = send(&sim, body, None).await;
    assert_eq!(status, 200);
    let boundary = ct
        .strip_prefix("multipart/mixed; boundary=")
        .expect("boundary")
        .to_string();
    assert!(boundary.starts_with("batchresponse_"), "{ct}");
    assert!(
        text.starts_with(&format!(
            "--{boundary}\r\nContent-Type: multipart/mixed; boundary=changesetresponse_"
        )),
        "{text}"
    );
    assert!(
        text.contains("Content-ID: 1\r\n\r\nHTTP/1.1 204 No Content\r\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("OData-EntityId: {api}tasks({T1})")),
        "{text}"
    );
    assert!(text.contains("\r\nHTTP/1.1 200 OK\r\n"));
    assert!(
        text.contains("\"subject\":\"via reference\""),
        "the GET after the change set sees it: {text}"
    );
    assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    assert_eq!(
        sim.server.control().row("tasks", T1).expect("row")["subject"],
        "via reference"
    );
    assert_eq!(sim.server.control().request_count("POST $batch"), 1);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn a_failing_request_rolls_the_whole_change_set_back() {
    let sim = fixture::start().await;
    let api = sim.url("");
    let missing = "c0000000-0000-4000-8000-999999999999";
    let body = batch(&[changeset(&[
        op("POST", &format!("{api}tasks"), Some(&task(T1)), Some(1)),
        op("POST", &format!("{api}tasks"), Some(&task(T2)), Some(2)),
        op(
            "POST",
            &format!("{api}tasks"),
            Some(
                &json!({"regardingobjectid_contact_task@odata.bind": format!("/contacts({missing})")}),
            ),
            Some(3),
        ),
    ])]);
    let (status, ct, text) = send(&sim, body, None).await;
    // The batch takes the failing request's status around a multipart body
    // ("Handling errors", https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#handling-errors).
    assert_eq!(status, 404);
    assert!(ct.starts_with("multipart/mixed"), "{ct}");
    assert!(text.contains("HTTP/1.1 404 Not Found"), "{text}");
    assert!(
        text.contains("Content-ID: 3\r\n"),
        "names the failing operation: {text}"
    );
    assert!(text.contains("\"code\":\"0x80040217\""), "{text}");
    assert!(
        !text.contains("changesetresponse_"),
        "a failed change set answers only its error: {text}"
    );
    let ctl = sim.server.control();
    assert!(ctl.row("tasks", T1).is_none() && ctl.row("tasks", T2).is_none());
    assert!(ctl.rows("tasks").is_empty());
    sim.server.shutdown().await;
}

#[tokio::test]
async fn batch_stops_at_first_error_unless_continue_on_error() {
    let sim = fixture::start().await;
    let api = sim.url("");
    let parts = || {
        vec![
            op("GET", &format!("{api}nosuch"), None, None),
            op("POST", &format!("{api}tasks"), Some(&task(T1)), None),
        ]
    };
    let (status, _, text) = send(&sim, batch(&parts()), None).await;
    assert_eq!(status, 404);
    assert_eq!(text.matches("HTTP/1.1 ").count(), 1, "{text}");
    assert!(sim.server.control().row("tasks", T1).is_none());
    let r = sim
        .http
        .post(sim.url("$batch"))
        .bearer_auth(&sim.token)
        .header("Content-Type", "multipart/mixed; boundary=batch_AAA")
        .header("Prefer", "odata.continue-on-error")
        .body(batch(&parts()))
        .send()
        .await
        .expect("batch");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["preference-applied"], "odata.continue-on-error");
    let text = r.text().await.expect("text");
    assert!(
        text.contains("HTTP/1.1 404 Not Found") && text.contains("HTTP/1.1 204 No Content"),
        "{text}"
    );
    assert!(sim.server.control().row("tasks", T1).is_some());
    sim.server.shutdown().await;
}

#[tokio::test]
async fn more_than_1000_requests_are_refused() {
    let sim = fixture::start().await;
    let api = sim.url("");
    let parts: Vec<String> = (0..1001)
        .map(|_| op("GET", &format!("{api}WhoAmI"), None, None))
        .collect();
    let (status, _, text) = send(&sim, batch(&parts), None).await;
    assert_eq!(status, 400);
    assert!(
        text.contains("0x80060888") && text.contains("exceeds the maximum of 1000"),
        "{text}"
    );
    sim.server.shutdown().await;
}

/// Change sets before a failing one stay committed and are answered; the
/// failing one rolls back; those after it never run, even under
/// continue-on-error. A value over the column's MaxLength fails with
/// Dataverse's 0x80044331 (the "Handling errors" example).
#[tokio::test]
async fn a_failed_change_set_stops_the_batch_after_what_was_committed() {
    let sim = fixture::start().await;
    let api = sim.url("");
    let t3 = "7a5c0000-0000-4000-8000-0000000000b3";
    let mut long = task(T2);
    long["subject"] = json!("x".repeat(201));
    let body = batch(&[
        changeset(&[op("POST", &format!("{api}tasks"), Some(&task(T1)), Some(1))]),
        changeset(&[op("POST", &format!("{api}tasks"), Some(&long), Some(2))]),
        changeset(&[op("POST", &format!("{api}tasks"), Some(&task(t3)), Some(3))]),
    ]);
    let (status, _, text) = send(&sim, body, Some("odata.continue-on-error")).await;
    assert_eq!(status, 400, "{text}");
    assert!(
        text.contains("changesetresponse_"),
        "the committed set is answered: {text}"
    );
    assert!(text.contains("Content-ID: 2\r\n"), "{text}");
    assert!(text.contains("0x80044331"), "{text}");
    assert!(
        text.contains("exceeded the maximum allowed length of '200'"),
        "{text}"
    );
    let ctl = sim.server.control();
    assert!(ctl.row("tasks", T1).is_some());
    assert!(ctl.row("tasks", T2).is_none() && ctl.row("tasks", t3).is_none());
    sim.server.shutdown().await;
}
