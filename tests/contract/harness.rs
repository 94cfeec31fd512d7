//! The fixtures, a replay server that plays them to the real client, and
//! the comparison of an emulator answer with a documented one.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use navsync::crm::{AuthConfig, Client, ClientConfig, ClientEvent, RetryPolicy};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::sim_fixture::{self, Sim};

/// A documented exchange sequence, as transcribed from one Learn page.
#[derive(Debug, Clone, Deserialize)]
pub struct Fixture {
    pub source: String,
    /// Keys the page marks as conditional (e.g. `id_token` only with `openid`).
    #[serde(default)]
    pub optional: Vec<String>,
    pub exchanges: Vec<Exchange>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Exchange {
    pub request: DocRequest,
    pub response: DocResponse,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocRequest {
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    pub body: Option<Value>,
    /// A multipart body, one entry per line (CRLF on the wire).
    pub body_lines: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocResponse {
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub body: Option<Value>,
    pub body_lines: Option<Vec<String>>,
}

/// `tests/contract/fixtures/{name}.json`; every fixture must cite a Learn page.
pub fn load(name: &str) -> Fixture {
    let path = format!(
        "{}/tests/contract/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let fx: Fixture = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        fx.source.starts_with("https://learn.microsoft.com/"),
        "{path}: the source must be a Microsoft Learn page"
    );
    fx
}

/// The docs write the organisation URL as a placeholder; `base` is the
/// server under test.
pub fn at(text: &str, base: &str) -> String {
    text.replace("[Organization URI]", base)
        .replace("[Organization Uri]", base)
}

fn body_text(body: &Option<Value>, lines: &Option<Vec<String>>, base: &str) -> String {
    match (body, lines) {
        (Some(v), _) => at(&v.to_string(), base),
        (None, Some(lines)) => at(&lines.join("\r\n"), base),
        (None, None) => String::new(),
    }
}

impl Fixture {
    pub fn request(&self, i: usize) -> &DocRequest {
        &self.exchanges[i].request
    }

    pub fn response(&self, i: usize) -> &DocResponse {
        &self.exchanges[i].response
    }
}

impl DocResponse {
    pub fn body_at(&self, base: &str) -> String {
        body_text(&self.body, &self.body_lines, base)
    }

    /// The JSON body as a server at `base` sends it.
    pub fn json_at(&self, base: &str) -> Value {
        serde_json::from_str(&self.body_at(base)).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `Retry-After` in whole seconds.
    pub fn retry_after(&self) -> Duration {
        let secs = self.header("Retry-After").and_then(|v| v.parse().ok());
        Duration::from_secs(secs.expect("the fixture has a Retry-After in seconds"))
    }
}

/// One request the replay server received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Path and query as sent.
    pub target: String,
    pub headers: HeaderMap,
    pub body: String,
}

#[derive(Default)]
struct Queues {
    base: String,
    api: VecDeque<DocResponse>,
    token: VecDeque<DocResponse>,
    devicecode: VecDeque<DocResponse>,
    seen: Vec<Seen>,
}

/// An HTTP server on 127.0.0.1 answering with queued documented responses:
/// the Entra token and device-code endpoints from their own queues (the
/// token endpoint with the documented client-credentials success when
/// nothing is queued), everything else from the Web API queue, in order.
pub struct Replay {
    pub url: String,
    queues: Arc<Mutex<Queues>>,
    dir: tempfile::TempDir,
}

fn lock(q: &Mutex<Queues>) -> MutexGuard<'_, Queues> {
    q.lock().unwrap_or_else(|p| p.into_inner())
}

/// A String / Memo attribute look-up (`.../Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata`).
fn is_column_lengths(path: &str) -> bool {
    path.contains("/Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata")
        || path.contains("/Attributes/Microsoft.Dynamics.CRM.MemoAttributeMetadata")
}

async fn replay(
    State(queues): State<Arc<Mutex<Queues>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let path = uri.path().to_string();
    let (answer, base) = {
        let mut q = lock(&queues);
        q.seen.push(Seen {
            target: uri
                .path_and_query()
                .map_or(path.clone(), |p| p.as_str().to_string()),
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        let answer = if is_column_lengths(&path) {
            // The lengths the client reads before its first write of a
            // table (to fit text to them): answered from their own
            // fixture, so the queued answers stay in step.
            Some(load("metadata_text_lengths").response(0).clone())
        } else if path.ends_with("/oauth2/v2.0/token") {
            q.token
                .pop_front()
                .or_else(|| Some(load("entra_token_client_credentials").response(0).clone()))
        } else if path.ends_with("/oauth2/v2.0/devicecode") {
            q.devicecode.pop_front()
        } else {
            q.api.pop_front()
        };
        (answer, q.base.clone())
    };
    let Some(doc) = answer else {
        return axum::response::Response::builder()
            .status(418)
            .body(Body::from(format!("replay: nothing queued for {path}")))
            .unwrap_or_default();
    };
    let mut b = axum::response::Response::builder().status(doc.status);
    for (k, v) in &doc.headers {
        b = b.header(k.as_str(), at(v, &base));
    }
    b.body(Body::from(doc.body_at(&base))).unwrap_or_default()
}

impl Replay {
    pub async fn start() -> Replay {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1");
        let url = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("local addr").port()
        );
        let queues = Arc::new(Mutex::new(Queues {
            base: url.clone(),
            ..Queues::default()
        }));
        let app = axum::Router::new()
            .fallback(replay)
            .with_state(queues.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Replay {
            url,
            queues,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A replay server with every documented answer of `name` queued for
    /// the Web API, in order.
    pub async fn playing(name: &str) -> (Fixture, Replay) {
        let fx = load(name);
        let replay = Replay::start().await;
        replay.answer(&fx.exchanges.iter().map(|e| &e.response).collect::<Vec<_>>());
        (fx, replay)
    }

    /// Queues the next Web API answers.
    pub fn answer(&self, docs: &[&DocResponse]) {
        lock(&self.queues)
            .api
            .extend(docs.iter().map(|d| (*d).clone()));
    }

    /// Queues the next answers of the token endpoint.
    pub fn answer_token(&self, docs: &[&DocResponse]) {
        lock(&self.queues)
            .token
            .extend(docs.iter().map(|d| (*d).clone()));
    }

    pub fn answer_devicecode(&self, doc: &DocResponse) {
        lock(&self.queues).devicecode.push_back(doc.clone());
    }

    /// Every request received so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.queues).seen.clone()
    }

    /// The requests to the Web API (not to the sign-in endpoints, nor
    /// the column-length look-ups that come before a write).
    pub fn seen_api(&self) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.target.starts_with("/api/") && !is_column_lengths(&s.target))
            .collect()
    }

    /// navsync's settings for this server, as a config file would give
    /// them, with test-sized retry waits.
    pub fn config(&self, device_code: bool) -> ClientConfig {
        let url = url::Url::parse(&self.url).expect("replay URL");
        let mut file = navsync::config::Config::default();
        file.crm.instance_url = Some(url.clone());
        file.crm.authority_url = url;
        // The ids of the Entra and Dataverse pages the fixtures come from.
        file.crm.tenant_id = "f6976b02-5a42-4e90-ac3d-8bf516ce0859".into();
        file.crm.client_id = "535fb089-9ff3-47b6-9bfb-4f1264799865".into();
        file.crm.secret = navsync::config::SecretSource::Inline("sampleCredentials".into());
        file.crm.page_size = 2;
        let mut cfg =
            navsync::engine::ports::client_config(&file, self.dir.path()).expect("client config");
        if device_code {
            cfg.auth = AuthConfig::DeviceCode;
        }
        cfg.retry = RetryPolicy {
            max_retries: 2,
            min_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            max_throttle_wait: Duration::from_secs(5),
            max_throttle_waits: 3,
        };
        cfg.request_timeout = Duration::from_secs(10);
        cfg
    }

    pub fn client(&self) -> Client {
        Client::new(self.config(false)).expect("client")
    }

    pub fn client_with_events(
        &self,
        device_code: bool,
    ) -> (Client, UnboundedReceiver<ClientEvent>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let client = Client::new(self.config(device_code)).expect("client");
        (client.with_events(tx), rx)
    }
}

/// Every event received so far.
pub fn events(rx: &mut UnboundedReceiver<ClientEvent>) -> Vec<ClientEvent> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

/// An answer of the emulator.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

/// Sends a documented request to the emulator: the docs' headers, body and
/// form, the organisation placeholder replaced by the emulator's URL, and
/// the app user's token on Web API requests. `target` replaces the path
/// (a link an earlier answer gave, or a documented path with ids the
/// emulator's tenant has). The emulator serves v9.2 only, the version
/// navsync uses; a documented v9.0 path is sent as v9.2.
pub async fn send(sim: &Sim, req: &DocRequest, target: Option<&str>) -> Answer {
    let base = sim.server.instance_url();
    let path = target
        .unwrap_or(&req.path)
        .replace("/api/data/v9.0/", "/api/data/v9.2/");
    let url = if path.starts_with("http") {
        path
    } else {
        format!("{base}{}", at(&path, &base))
    };
    let method = Method::from_bytes(req.method.as_bytes()).expect("method");
    let mut rb = sim.http.request(method, url.as_str());
    for (k, v) in &req.headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    if url.contains("/api/data/") {
        rb = rb.bearer_auth(&sim.token);
    }
    if !req.form.is_empty() {
        let form: Vec<(String, String)> = req
            .form
            .iter()
            .map(|(k, v)| (k.clone(), at(v, &base)))
            .collect();
        rb = rb.form(&form);
    } else {
        let body = body_text(&req.body, &req.body_lines, &base);
        if !body.is_empty() {
            rb = rb.body(body);
        }
    }
    let r = rb.send().await.expect("the emulator answers");
    Answer {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        text: r.text().await.expect("body"),
    }
}

/// Where `got` departs from the documented `doc`: every documented key must
/// be there (unless `optional`) with a value of the same JSON type; a
/// documented `null` accepts any value; every documented array element must
/// match some element of the answer's array. Property-level
/// `x@odata.context` annotations are not compared.
pub fn shape_diffs(doc: &Value, got: &Value, optional: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    walk(doc, got, "$", optional, &mut out);
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn walk(doc: &Value, got: &Value, path: &str, optional: &[String], out: &mut Vec<String>) {
    match (doc, got) {
        (Value::Null, _) => {}
        (Value::Object(d), Value::Object(g)) => {
            for (k, dv) in d {
                if k != "@odata.context" && k.ends_with("@odata.context") {
                    continue;
                }
                match g.get(k) {
                    Some(gv) => walk(dv, gv, &format!("{path}.{k}"), optional, out),
                    None if optional.contains(k) => {}
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(d), Value::Array(g)) => {
            for (i, dv) in d.iter().enumerate() {
                let tries: Vec<Vec<String>> =
                    g.iter().map(|gv| shape_diffs(dv, gv, optional)).collect();
                if !tries.iter().any(Vec::is_empty) {
                    let why = tries.into_iter().next().map_or_else(
                        || "the answer's array is empty".to_string(),
                        |d| d.join("; "),
                    );
                    out.push(format!("{path}[{i}]: no element of that shape ({why})"));
                }
            }
        }
        _ if type_name(doc) == type_name(got) => {}
        _ => out.push(format!(
            "{path}: documented {}, answered {}",
            type_name(doc),
            type_name(got)
        )),
    }
}

/// The documented headers a client acts on, compared by `lookup` in the
/// answer: OData-Version and Preference-Applied by value, Content-Type by
/// media type, Retry-After as whole seconds, OData-EntityId and Location by
/// presence. Others (REQ_ID, Content-Length) are incidental.
pub fn header_diffs(
    doc: &BTreeMap<String, String>,
    lookup: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let media = |v: &str| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    let mut out = Vec::new();
    for (name, want) in doc {
        let got = lookup(name);
        let ok = match (name.to_ascii_lowercase().as_str(), &got) {
            ("odata-version" | "preference-applied", Some(g)) => g.eq_ignore_ascii_case(want),
            ("content-type", Some(g)) => media(g) == media(want),
            ("retry-after", Some(g)) => g.trim().parse::<u64>().is_ok(),
            ("odata-entityid" | "location", Some(_)) => true,
            (
                "odata-version" | "preference-applied" | "content-type" | "retry-after"
                | "odata-entityid" | "location",
                None,
            ) => false,
            _ => true,
        };
        if !ok {
            out.push(format!(
                "header {name}: documented {want:?}, answered {got:?}"
            ));
        }
    }
    out
}

/// Asserts the emulator's answer has the documented status, headers and
/// body shape (JSON, or multipart parts with their own status, Content-ID,
/// headers and JSON shape).
pub fn assert_same_shape(doc: &DocResponse, got: &Answer, optional: &[String]) {
    let mut diffs = Vec::new();
    if doc.status != got.status {
        diffs.push(format!(
            "status: documented {}, answered {}",
            doc.status, got.status
        ));
    }
    diffs.extend(header_diffs(&doc.headers, |n| {
        got.headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }));
    if let Some(body) = &doc.body {
        match serde_json::from_str::<Value>(&got.text) {
            Ok(g) => diffs.extend(shape_diffs(body, &g, optional)),
            Err(e) => diffs.push(format!("body is not JSON ({e}): {}", got.text)),
        }
    }
    if doc.body_lines.is_some() {
        let ct = got
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let documented = multipart(
            doc.header("Content-Type").unwrap_or_default(),
            &doc.body_at("B"),
        );
        diffs.extend(multipart_diffs(
            &documented,
            &multipart(ct, &got.text),
            optional,
        ));
    }
    assert!(
        diffs.is_empty(),
        "the emulator departs from the docs:\n{}\nanswer: {}",
        diffs.join("\n"),
        got.text
    );
}

/// Sends the documented request of a one-exchange fixture to `sim` and
/// asserts the answer's shape.
pub async fn emulator_matches(name: &str, sim: Sim) {
    let fx = load(name);
    let got = send(&sim, fx.request(0), None).await;
    assert_same_shape(fx.response(0), &got, &fx.optional);
    sim.server.shutdown().await;
}

/// One HTTP response inside a `$batch` answer.
#[derive(Debug)]
pub struct Inner {
    pub content_id: Option<String>,
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// A top-level part of a `$batch` answer.
#[derive(Debug)]
pub enum Part {
    Single(Inner),
    ChangeSet(Vec<Inner>),
}

fn boundary(content_type: &str) -> Option<&str> {
    content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .next()
}

/// Header lines up to the first blank line, and what follows it.
fn head(text: &str) -> (BTreeMap<String, String>, &str) {
    let text = text.trim_start_matches("\r\n");
    let (block, rest) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    let headers = block
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (headers, rest)
}

/// The segments between `--boundary` delimiters, up to the closing one.
fn segments<'a>(body: &'a str, boundary: &str) -> Vec<&'a str> {
    let delimiter = format!("--{boundary}");
    body.split(delimiter.as_str())
        .skip(1)
        .take_while(|s| !s.starts_with("--"))
        .collect()
}

fn inner(segment: &str) -> Inner {
    let (part_headers, http) = head(segment);
    let http = http.trim_start_matches("\r\n");
    let (status_line, rest) = http.split_once("\r\n").unwrap_or((http, ""));
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (headers, body) = head(rest);
    Inner {
        content_id: part_headers.get("content-id").cloned(),
        status,
        headers,
        body: body.trim().to_string(),
    }
}

/// Parses a `$batch` answer body (CRLF line ends, as on the wire).
pub fn multipart(content_type: &str, body: &str) -> Vec<Part> {
    let Some(outer) = boundary(content_type) else {
        return Vec::new();
    };
    segments(body, outer)
        .into_iter()
        .map(|segment| {
            let (headers, rest) = head(segment);
            let ct = headers
                .get("content-type")
                .map(String::as_str)
                .unwrap_or_default();
            match boundary(ct) {
                Some(cs) if ct.starts_with("multipart/mixed") => {
                    Part::ChangeSet(segments(rest, cs).into_iter().map(inner).collect())
                }
                _ => Part::Single(inner(segment)),
            }
        })
        .collect()
}

fn inner_diffs(i: usize, doc: &Inner, got: &Inner, optional: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if doc.status != got.status {
        out.push(format!(
            "part {i}: documented status {}, answered {}",
            doc.status, got.status
        ));
    }
    if doc.content_id.is_some() != got.content_id.is_some() {
        out.push(format!(
            "part {i}: documented Content-ID {:?}, answered {:?}",
            doc.content_id, got.content_id
        ));
    }
    out.extend(
        header_diffs(&doc.headers, |n| {
            got.headers.get(&n.to_ascii_lowercase()).cloned()
        })
        .into_iter()
        .map(|d| format!("part {i}: {d}")),
    );
    if let Ok(d) = serde_json::from_str::<Value>(&doc.body) {
        match serde_json::from_str::<Value>(&got.body) {
            Ok(g) => out.extend(
                shape_diffs(&d, &g, optional)
                    .into_iter()
                    .map(|d| format!("part {i}: {d}")),
            ),
            Err(_) => out.push(format!(
                "part {i}: documented a JSON body, answered {:?}",
                got.body
            )),
        }
    }
    out
}

/// Where a `$batch` answer departs from the documented parts.
pub fn multipart_diffs(doc: &[Part], got: &[Part], optional: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if doc.len() != got.len() {
        out.push(format!(
            "documented {} top-level parts, answered {}",
            doc.len(),
            got.len()
        ));
    }
    for (i, pair) in doc.iter().zip(got).enumerate() {
        match pair {
            (Part::Single(d), Part::Single(g)) => out.extend(inner_diffs(i, d, g, optional)),
            (Part::ChangeSet(d), Part::ChangeSet(g)) => {
                if d.len() != g.len() {
                    out.push(format!(
                        "part {i}: documented {} responses in the change set, answered {}",
                        d.len(),
                        g.len()
                    ));
                }
                for (j, (d, g)) in d.iter().zip(g).enumerate() {
                    out.extend(
                        inner_diffs(j, d, g, optional)
                            .into_iter()
                            .map(|x| format!("change set {i}, {x}")),
                    );
                }
            }
            (d, g) => out.push(format!("part {i}: documented {d:?}, answered {g:?}")),
        }
    }
    out
}

/// The id Learn's Dataverse samples give a record (an account, a user).
pub const SAMPLE_ID: &str = "00000000-0000-0000-0000-000000000001";

/// The emulator, with the documented sample account in it.
pub async fn emulator_with_sample_account() -> Sim {
    let sim = sim_fixture::start().await;
    let row =
        sim_fixture::row(serde_json::json!({"accountid": SAMPLE_ID, "name": "Sample Account"}));
    sim.server
        .control()
        .insert_row("accounts", row)
        .expect("insert");
    sim
}

#[test]
fn shape_compare_reports_missing_keys_type_changes_and_unmatched_elements() {
    let doc = serde_json::json!({
        "a": "x", "n": null, "o": {"k": 1}, "v": [{"id": "1"}, {"reason": "deleted"}],
        "p@odata.context": "ignored"
    });
    let same = serde_json::json!({"a": "y", "n": 5, "o": {"k": 2, "extra": true}, "v": [{"reason": "deleted"}, {"id": "2"}]});
    assert_eq!(shape_diffs(&doc, &same, &[]), Vec::<String>::new());
    let off = serde_json::json!({"a": 1, "o": {}, "v": [{"id": "2"}]});
    assert_eq!(
        shape_diffs(&doc, &off, &[]),
        [
            "$.a: documented string, answered number",
            "$.n: missing",
            "$.o.k: missing",
            "$.v[1]: no element of that shape ($.reason: missing)",
        ]
    );
    assert!(shape_diffs(&doc, &off, &["n".into()]).len() == 3);
}
