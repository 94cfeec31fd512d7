//! The HTTP side: routes, the per-request fault/limit pipeline, and an
//! accept loop of our own so an "outage" can drop live keep-alive
//! connections (axum's `serve` gives no handle on a single connection).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use base64::Engine;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::batch;
use super::control_http;
use super::cost::{COLUMNS_HEADER, ROWS_HEADER, WRITES_HEADER, Work};
use super::limits::requests_exceeded;
use super::response::{ApiError, OpResponse};
use super::state::{Shared, lock};
use super::webapi::{OpRequest, parse_query, percent_decode};

/// Cancelling it drops the connection the request arrived on.
#[derive(Clone)]
struct ConnKill(CancellationToken);

fn to_response(r: OpResponse) -> Response {
    let mut b = Response::builder()
        .status(StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (k, v) in &r.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    b.body(Body::from(r.body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Outage applies to every route but `/_sim`; so does latency, which the
/// Web API adds after admission instead (it is server time there, counted
/// against the execution-time and concurrency limits).
async fn faults_layer(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (latency, outage, skew) = {
        let f = lock(&shared.faults);
        (f.latency, f.outage, f.clock_skew_secs)
    };
    if outage {
        if let Some(k) = req.extensions().get::<ConnKill>() {
            k.0.cancel();
        }
        return std::future::pending().await;
    }
    if !latency.is_zero() && !req.uri().path().starts_with("/api/") {
        tokio::time::sleep(latency).await;
    }
    let mut resp = next.run(req).await;
    if skew != 0 {
        // The HTTP-date of RFC 9110 (hyper adds the true one otherwise).
        let at = chrono::Utc::now() + chrono::Duration::seconds(skew);
        let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        if let Ok(v) = axum::http::HeaderValue::from_str(&date) {
            resp.headers_mut().insert(axum::http::header::DATE, v);
        }
    }
    resp
}

/// The form fields, with client credentials sent as HTTP Basic
/// (`client_secret_basic`, what OAuth libraries send by default) folded in.
fn form(headers: &HeaderMap, body: &Bytes) -> HashMap<String, String> {
    let mut f: HashMap<String, String> = parse_query(&String::from_utf8_lossy(body))
        .into_iter()
        .collect();
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok());
    if let Some((id, secret)) = basic.as_deref().and_then(|s| s.split_once(':')) {
        let decode = |s: &str| {
            parse_query(&format!("v={s}"))
                .pop()
                .map(|(_, v)| v)
                .unwrap_or_default()
        };
        f.entry("client_id".into()).or_insert_with(|| decode(id));
        f.entry("client_secret".into())
            .or_insert_with(|| decode(secret));
    }
    f
}

async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.count("POST token".into());
    to_response(shared.token(&tenant, &form(&headers, &body)))
}

async fn devicecode(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.count("POST devicecode".into());
    to_response(shared.devicecode(&tenant, &form(&headers, &body)))
}

async fn devicelogin() -> &'static str {
    "navsync emulator: device logins are approved with POST /_sim/device/approve {\"user_code\": \"...\"} or automatically in demo mode.\n"
}

/// Removes an internal work-count header and reads it.
fn take_count(resp: &mut OpResponse, name: &str) -> Option<u64> {
    let i = resp.headers.iter().position(|(k, _)| k == name)?;
    resp.headers.remove(i).1.parse().ok()
}

/// Takes the next injected failure, if one is pending.
fn injected(shared: &Shared) -> Option<OpResponse> {
    let mut f = lock(&shared.faults);
    if f.throttle_remaining > 0 {
        f.throttle_remaining -= 1;
        return Some(requests_exceeded(
            &shared.cfg.limits,
            f.throttle_retry_after,
        ));
    }
    if f.burst_remaining > 0 {
        f.burst_remaining -= 1;
        return Some(if f.burst_status == 503 {
            let mut r = OpResponse::no_content();
            r.status = 503;
            r.headers = vec![("Content-Type".into(), "text/plain".into())];
            r.body = b"Service Unavailable".to_vec();
            r
        } else {
            ApiError::new(
                f.burst_status,
                "0x80040216",
                "An unexpected error occurred.",
            )
            .into_response()
        });
    }
    None
}

fn truncate(shared: &Shared, mut r: OpResponse) -> OpResponse {
    let mut f = lock(&shared.faults);
    if f.truncate_remaining > 0 && r.is_json() && !r.body.is_empty() {
        f.truncate_remaining -= 1;
        let half = r.body.len() / 2;
        r.body.truncate(half);
    }
    r
}

async fn webapi(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri
        .path()
        .strip_prefix("/api/data/v9.2/")
        .unwrap_or_default();
    let req = OpRequest {
        method: method.as_str().to_string(),
        path: percent_decode(path),
        query: parse_query(uri.query().unwrap_or_default()),
        headers: headers
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().ok()?.to_string(),
                ))
            })
            .collect(),
        body: body.to_vec(),
    };
    shared.count(req.kind());
    if let Some(r) = injected(&shared) {
        return to_response(truncate(&shared, r));
    }
    let user = match shared.authenticate(req.header("authorization")) {
        Ok(u) => u,
        Err(r) => return to_response(r),
    };
    let limits = shared.cfg.limits.clone();
    let remaining = match lock(&shared.limiter).admit(&user, &limits) {
        Ok(r) => r,
        Err(r) => return to_response(r),
    };
    shared.seen.notify_waiters();
    let started = Instant::now();
    let latency = lock(&shared.faults).latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let write = req.method != "GET";
    let annotations = req.prefer().include_annotations;
    let worker = {
        let shared = shared.clone();
        let user = user.clone();
        tokio::task::spawn_blocking(move || {
            if req.path == "$batch" && req.method == "POST" {
                batch::run(&shared, &user, &req)
            } else if req.method == "GET" {
                shared.execute_read(&shared.read_db(), &user, &req)
            } else {
                shared.execute_write(&mut shared.write_db(), &user, &req, &HashMap::new())
            }
        })
    };
    let mut resp = worker.await.unwrap_or_else(|_| {
        ApiError::new(500, "0x80040216", "An unexpected error occurred.").into_response()
    });
    // Server time: what the answer's work costs, spent while the request
    // holds its place among the user's concurrent requests.
    let work = Work {
        rows: take_count(&mut resp, ROWS_HEADER).unwrap_or(0),
        columns: take_count(&mut resp, COLUMNS_HEADER).unwrap_or(0),
        bytes: resp.body.len() as u64,
        writes: take_count(&mut resp, WRITES_HEADER).unwrap_or(u64::from(write)),
    };
    let cost = *lock(&shared.cost);
    let charge = cost.charge(work);
    if !charge.is_zero() {
        tokio::time::sleep(charge).await;
    }
    resp.headers
        .push(("x-ms-dop-hint".into(), cost.dop_hint.to_string()));
    // The annotations asked for are echoed as applied, as Dataverse does
    // for any answer (collections add their own preferences).
    if let Some(a) = &annotations
        && (200..300).contains(&resp.status)
        && !resp
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("Preference-Applied"))
    {
        resp.headers.push((
            "Preference-Applied".into(),
            format!("odata.include-annotations={a}"),
        ));
    }
    resp.headers.extend(remaining.headers());
    lock(&shared.limiter).finish(&user, started.elapsed());
    to_response(truncate(&shared, resp))
}

pub fn router(shared: Arc<Shared>) -> Router {
    let faulty = Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(devicecode))
        .route("/devicelogin", get(devicelogin))
        .route("/api/data/v9.2/{*rest}", any(webapi))
        .route("/api/data/v9.2/", any(webapi))
        // gzip when the client sends `Accept-Encoding: gzip`, as Dataverse
        // does; faults act on the plain answer first. At the fastest
        // level: the emulator shares its machine with the client (tests,
        // benchmarks), where Dataverse compresses on its own servers.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .layer(middleware::from_fn_with_state(shared.clone(), faults_layer));
    faulty.merge(control_http::routes()).with_state(shared)
}

/// Serves until `stop` is cancelled.
pub async fn serve(listener: TcpListener, app: Router, stop: CancellationToken) {
    loop {
        let stream = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((s, _)) => s,
                Err(_) => continue,
            },
        };
        let kill = CancellationToken::new();
        let svc =
            TowerToHyperService::new(app.clone().layer(axum::Extension(ConnKill(kill.clone()))));
        let stop = stop.clone();
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {},
                _ = kill.cancelled() => {},
                _ = stop.cancelled() => {},
            }
        });
    }
}
