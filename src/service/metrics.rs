//! `navsync serve --metrics ADDR`: Prometheus (OpenMetrics text) metrics
//! for operators on a loopback address: rows read and written per table,
//! requests, 429s and the seconds waited on them, retries, runs by outcome,
//! the last run's duration, the last successful sync, the outbox queue and
//! the engine's health verdict and what the CRM says is left of its
//! service-protection budget.
//!
//! Counters come from the engine's events and, per finished run, from the
//! run's own row in the store (exact request, retry and 429 counts); the
//! gauges are read from the store at each scrape, so they hold across
//! restarts.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::engine::interface::health::Verdict;
use crate::engine::{Event, Phase, Status};
use crate::store::runs::RunMode;
use crate::store::{Store, outbox, runs};

type Labels = Vec<(&'static str, String)>;

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error(
        "--metrics {0}: only a loopback address (127.0.0.1, ::1) is served; put a proxy in front for more"
    )]
    NotLoopback(SocketAddr),
    #[error("cannot serve metrics on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// The families, shared by the event task and the scrape handler.
#[derive(Clone, Default)]
struct Families {
    rows_read: Family<Labels, Counter>,
    rows_written: Family<Labels, Counter>,
    requests: Counter,
    throttled: Counter,
    throttle_wait: Counter<f64, AtomicU64>,
    retries: Counter,
    runs: Family<Labels, Counter>,
    run_duration: Gauge<f64, AtomicU64>,
    last_success: Gauge<f64, AtomicU64>,
    outbox: Gauge,
    health: Gauge,
    /// Absent until an answer reported them (a 0 would read as exhausted).
    budget_requests: Family<Labels, Gauge<f64, AtomicU64>>,
    budget_seconds: Family<Labels, Gauge<f64, AtomicU64>>,
}

/// The metrics endpoint; dropping it stops serving.
pub struct Endpoint {
    pub addr: SocketAddr,
    tasks: [JoinHandle<()>; 2],
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Serves the metrics of the engine whose events and status these are on
/// `addr` (loopback only; port 0 picks one).
pub async fn serve(
    addr: SocketAddr,
    data_dir: PathBuf,
    events: broadcast::Receiver<Event>,
    status: watch::Receiver<Status>,
) -> Result<Endpoint, MetricsError> {
    check_loopback(addr)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| MetricsError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| MetricsError::Bind { addr, source })?;
    let families = Families::default();
    let registry = Arc::new(registry(&families));
    let store = crate::paths::store_file(&data_dir);
    let feed = tokio::spawn(feed(events, families.clone(), store.clone()));
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let health = status.borrow().health(chrono::Utc::now());
            budget(&families, &status.borrow());
            scrape(registry.clone(), families.clone(), store.clone(), health)
        }),
    );
    let http = tokio::spawn(async move {
        let listener = super::metrics_listener::CappedListener::new(listener);
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("metrics endpoint stopped: {e}");
        }
    });
    Ok(Endpoint {
        addr,
        tasks: [feed, http],
    })
}

fn check_loopback(addr: SocketAddr) -> Result<(), MetricsError> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(MetricsError::NotLoopback(addr))
    }
}

fn registry(f: &Families) -> Registry {
    let mut r = Registry::with_prefix("navsync");
    r.register("rows_read", "CRM rows read, per table", f.rows_read.clone());
    r.register(
        "rows_written",
        "Rows written to the CRM, per table",
        f.rows_written.clone(),
    );
    r.register("requests", "Requests sent to the CRM", f.requests.clone());
    r.register(
        "throttled",
        "429 answers (service protection limits) waited out",
        f.throttled.clone(),
    );
    r.register(
        "throttle_wait_seconds",
        "Seconds waited on Retry-After",
        f.throttle_wait.clone(),
    );
    r.register("retries", "Requests retried", f.retries.clone());
    r.register("runs", "Sync runs, by outcome", f.runs.clone());
    r.register(
        "last_run_duration_seconds",
        "Duration of the last finished run",
        f.run_duration.clone(),
    );
    r.register(
        "last_success_timestamp_seconds",
        "End of the last successful sync (Unix time)",
        f.last_success.clone(),
    );
    r.register(
        "outbox_pending",
        "Writes queued for the CRM",
        f.outbox.clone(),
    );
    r.register(
        "health",
        "The health verdict: 0 ok, 1 degraded, 2 failing, 3 offline",
        f.health.clone(),
    );
    r.register(
        "api_requests_remaining",
        "Requests left in the CRM's service-protection window, as its last answer said",
        f.budget_requests.clone(),
    );
    r.register(
        "api_execution_seconds_remaining",
        "Execution time left in the CRM's service-protection window, as its last answer said",
        f.budget_seconds.clone(),
    );
    r
}

/// The budget gauges from the engine's status, labelled with the window.
fn budget(f: &Families, status: &Status) {
    let Some(b) = status.api_budget else {
        return;
    };
    let window = vec![(
        "window",
        format!("{}s", crate::crm::budget::WINDOW.as_secs()),
    )];
    if let Some(n) = b.requests_left {
        f.budget_requests.get_or_create(&window).set(n as f64);
    }
    if let Some(ms) = b.execution_ms_left {
        f.budget_seconds
            .get_or_create(&window)
            .set(ms as f64 / 1000.0);
    }
}

async fn feed(mut events: broadcast::Receiver<Event>, f: Families, store: PathBuf) {
    let mut dry = false;
    loop {
        match events.recv().await {
            Ok(Event::RunStarted { mode, .. }) => dry = mode == RunMode::DryRun,
            Ok(Event::PhaseFinished { phase, rows, .. }) if !dry => match phase {
                Phase::Writeback => {
                    f.rows_written.get_or_create(&table("tasks")).inc_by(rows);
                }
                Phase::SavedLists => {}
                other => {
                    f.rows_read
                        .get_or_create(&table(other.as_str()))
                        .inc_by(rows);
                }
            },
            Ok(Event::Throttled { retry_after }) => {
                f.throttle_wait.inc_by(retry_after.as_secs_f64());
            }
            Ok(Event::RunFinished {
                run_id, outcome, ..
            }) => {
                // A dry run's row lives in its throw-away copy.
                if !dry {
                    let store = store.clone();
                    let run = tokio::task::spawn_blocking(move || finished_run(&store, run_id))
                        .await
                        .ok()
                        .flatten();
                    if let Some(r) = run {
                        f.requests.inc_by(r.requests.max(0) as u64);
                        f.retries.inc_by(r.retries.max(0) as u64);
                        f.throttled.inc_by(r.throttle_waits.max(0) as u64);
                        if let Some(d) = duration(&r) {
                            f.run_duration.set(d);
                        }
                    }
                }
                // Last, so a scrape that sees the run sees its counts.
                f.runs
                    .get_or_create(&vec![("outcome", outcome.as_str().to_string())])
                    .inc();
            }
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return,
        }
    }
}

fn table(name: &str) -> Labels {
    vec![("table", name.to_string())]
}

fn finished_run(store: &std::path::Path, run_id: i64) -> Option<runs::Run> {
    let s = Store::open_readonly(store).ok()?;
    runs::recent(s.conn(), 8)
        .ok()?
        .into_iter()
        .find(|r| r.id == run_id)
}

fn duration(r: &runs::Run) -> Option<f64> {
    Some((r.finished_at? - r.started_at).as_seconds_f64())
}

async fn scrape(
    registry: Arc<Registry>,
    f: Families,
    store: PathBuf,
    health: Verdict,
) -> impl axum::response::IntoResponse {
    f.health.set(i64::from(health.health.level()));
    let gauges = tokio::task::spawn_blocking(move || {
        let s = Store::open_readonly(&store).ok()?;
        let pending = outbox::pending_count(s.conn()).ok()?;
        let last = runs::last_success(s.conn()).ok()?;
        Some((pending, last))
    })
    .await
    .ok()
    .flatten();
    if let Some((pending, last)) = gauges {
        f.outbox.set(pending);
        if let Some(t) = last {
            f.last_success.set(t.timestamp() as f64);
        }
    }
    let mut body = String::new();
    match prometheus_client::encoding::text::encode(&mut body, &registry) {
        Ok(()) => (
            axum::http::StatusCode::OK,
            [(
                axum::http::header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            body,
        ),
        Err(e) => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            [(axum::http::header::CONTENT_TYPE, "text/plain")],
            e.to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_served() {
        for ok in ["127.0.0.1:9464", "[::1]:9464", "127.0.0.2:0"] {
            assert!(check_loopback(ok.parse().unwrap()).is_ok(), "{ok}");
        }
        for refused in ["0.0.0.0:9464", "192.168.1.10:9464", "[::]:9464"] {
            let e = check_loopback(refused.parse().unwrap()).unwrap_err();
            assert!(e.to_string().contains("loopback"), "{e}");
        }
    }
}
