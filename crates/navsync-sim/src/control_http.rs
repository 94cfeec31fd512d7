//! `/_sim/*`: the HTTP twin of [`SimControl`] (JSON in, JSON out), outside
//! the Web API path and untouched by faults, so a demo or an external test
//! can steer the emulator. Endpoints are listed in the `sim` module docs.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::control::{ControlError, SimControl};
use super::state::{OrgMode, Shared};

type St = State<Arc<Shared>>;

fn ctl(shared: &Arc<Shared>) -> SimControl {
    SimControl {
        shared: shared.clone(),
    }
}

fn ok() -> Response {
    Json(json!({"ok": true})).into_response()
}

fn refused(e: ControlError) -> Response {
    let status = match e {
        ControlError::UnknownSet(_) | ControlError::NotFound(_) => StatusCode::NOT_FOUND,
        ControlError::MissingKey(_) => StatusCode::BAD_REQUEST,
        ControlError::Duplicate(_) => StatusCode::CONFLICT,
    };
    (status, Json(json!({"error": e.to_string()}))).into_response()
}

#[derive(Deserialize)]
struct Burst {
    count: u32,
    #[serde(default = "default_burst_status")]
    status: u16,
}

fn default_burst_status() -> u16 {
    503
}

#[derive(Deserialize)]
struct Throttle {
    count: u32,
    retry_after_s: u64,
}

#[derive(Deserialize, Default)]
struct FaultsBody {
    latency_ms: Option<u64>,
    outage: Option<bool>,
    fail_next: Option<Burst>,
    truncate_next: Option<u32>,
    throttle_next: Option<Throttle>,
    token_error_next: Option<TokenError>,
    claimed_expires_in: Option<u64>,
    clock_skew_s: Option<i64>,
}

#[derive(Deserialize)]
struct TokenError {
    count: u32,
    error: String,
}

async fn set_faults(State(s): St, Json(b): Json<FaultsBody>) -> Response {
    let c = ctl(&s);
    if let Some(ms) = b.latency_ms {
        c.set_latency(Duration::from_millis(ms));
    }
    if let Some(o) = b.outage {
        c.set_outage(o);
    }
    if let Some(f) = b.fail_next {
        c.fail_next(f.count, f.status);
    }
    if let Some(n) = b.truncate_next {
        c.truncate_next(n);
    }
    if let Some(t) = b.throttle_next {
        c.throttle_next(t.count, Duration::from_secs(t.retry_after_s));
    }
    if let Some(t) = b.token_error_next {
        c.token_error_next(t.count, &t.error);
    }
    if let Some(secs) = b.claimed_expires_in {
        c.claim_expires_in(Some(secs));
    }
    if let Some(secs) = b.clock_skew_s {
        c.set_clock_skew(secs);
    }
    ok()
}

async fn clear_faults(State(s): St) -> Response {
    ctl(&s).clear_faults();
    ok()
}

async fn revoke(State(s): St) -> Response {
    ctl(&s).revoke_tokens();
    ok()
}

#[derive(Deserialize)]
struct PrivilegeBody {
    user_id: String,
    privilege: String,
    granted: bool,
}

async fn privileges(State(s): St, Json(b): Json<PrivilegeBody>) -> Response {
    let c = ctl(&s);
    if b.granted {
        c.restore_privilege(&b.user_id, &b.privilege);
    } else {
        c.remove_privilege(&b.user_id, &b.privilege);
    }
    ok()
}

#[derive(Deserialize)]
struct OrgBody {
    mode: OrgMode,
}

async fn org(State(s): St, Json(b): Json<OrgBody>) -> Response {
    ctl(&s).set_org_mode(b.mode);
    ok()
}

#[derive(Deserialize)]
struct ApproveBody {
    user_code: String,
}

async fn approve(State(s): St, Json(b): Json<ApproveBody>) -> Response {
    let approved = ctl(&s).approve_device_code(&b.user_code);
    let status = if approved {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    (status, Json(json!({"approved": approved}))).into_response()
}

async fn requests(State(s): St) -> Response {
    Json(ctl(&s).requests()).into_response()
}

async fn reset_requests(State(s): St) -> Response {
    ctl(&s).reset_counters();
    ok()
}

async fn cost(State(s): St, Json(b): Json<super::cost::CostModel>) -> Response {
    ctl(&s).set_cost(b);
    ok()
}

#[derive(Deserialize)]
struct TrackingBody {
    entity_set: String,
    enabled: bool,
}

async fn tracking(State(s): St, Json(b): Json<TrackingBody>) -> Response {
    ctl(&s).set_change_tracking(&b.entity_set, b.enabled);
    ok()
}

async fn bulk(State(s): St, Json(b): Json<TrackingBody>) -> Response {
    ctl(&s).set_bulk_messages(&b.entity_set, b.enabled);
    ok()
}

async fn expire_delta(State(s): St) -> Response {
    ctl(&s).expire_delta_tokens();
    ok()
}

async fn rows(State(s): St, Path(set): Path<String>) -> Response {
    Json(ctl(&s).rows(&set)).into_response()
}

async fn insert(
    State(s): St,
    Path(set): Path<String>,
    Json(row): Json<Map<String, Value>>,
) -> Response {
    match ctl(&s).insert_row(&set, row) {
        Ok(()) => (StatusCode::CREATED, Json(json!({"ok": true}))).into_response(),
        Err(e) => refused(e),
    }
}

async fn row(State(s): St, Path((set, id)): Path<(String, String)>) -> Response {
    match ctl(&s).row(&set, &id) {
        Some(r) => Json(r).into_response(),
        None => refused(ControlError::NotFound(id)),
    }
}

async fn update(
    State(s): St,
    Path((set, id)): Path<(String, String)>,
    Json(changes): Json<Map<String, Value>>,
) -> Response {
    match ctl(&s).update_row(&set, &id, changes) {
        Ok(()) => ok(),
        Err(e) => refused(e),
    }
}

async fn remove(State(s): St, Path((set, id)): Path<(String, String)>) -> Response {
    match ctl(&s).delete_row(&set, &id) {
        Ok(true) => ok(),
        Ok(false) => refused(ControlError::NotFound(id)),
        Err(e) => refused(e),
    }
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sim/faults", post(set_faults).delete(clear_faults))
        .route("/_sim/tokens/revoke", post(revoke))
        .route("/_sim/privileges", post(privileges))
        .route("/_sim/org", post(org))
        .route("/_sim/device/approve", post(approve))
        .route("/_sim/requests", get(requests).delete(reset_requests))
        .route("/_sim/delta/expire", post(expire_delta))
        .route("/_sim/tracking", post(tracking))
        .route("/_sim/bulk", post(bulk))
        .route("/_sim/cost", post(cost))
        .route("/_sim/tables/{set}", get(rows).post(insert))
        .route(
            "/_sim/tables/{set}/{id}",
            get(row).patch(update).delete(remove),
        )
}
