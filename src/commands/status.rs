//! `navsync status [--json]`: connection state, CRM user, org version, last
//! sync and last error, read from the store without taking the lock, plus
//! the running engine's live view (its run in progress, its next run) when
//! one runs; status never starts an engine. The JSON schema is documented
//! in README.md ("status --json").

use std::path::Path;

use crate::describe;
use crate::engine::Status;
use crate::engine::interface::health::{self, Verdict};
use crate::engine::usecases::connection::{self, ConnectionState, ConnectionStatus};
use crate::exit::ExitStatus;
use crate::service::client::{self, Reconnect};
use crate::store::Store;
use crate::ui::format;

/// What `status` reports: `--json` for scripts, `--check` (one line, the
/// monitoring-plugin exit code of the health verdict) for monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Text,
    Json,
    Check,
}

pub fn run(form: Form, data_dir: &Path, configured: bool) -> ExitStatus {
    let (status, live) = match read(data_dir, configured) {
        Ok(r) => r,
        Err(e) if form == Form::Check => return check(Verdict::OFFLINE, Some(&e.to_string())),
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    if form == Form::Check {
        return check(status.verdict(live.as_ref()), None);
    }
    if status.connection.state == ConnectionState::Unconfigured {
        eprintln!("navsync: {}", crate::t!("cli-status-no-config"));
    }
    match render(form == Form::Json, true, &status, live.as_ref()) {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    }
    exit_for(&status.connection)
}

/// `status --check`: one line and the verdict's monitoring-plugin code
/// (0 ok, 1 degraded, 2 failing, 3 offline); `why` adds what made the
/// store unreadable.
fn check(verdict: Verdict, why: Option<&str>) -> ExitStatus {
    let mut line = crate::t!(
        "cli-health-check",
        health = format::health_word(verdict.health),
        reason = format::health_reason(verdict.reason)
    );
    if let Some(step) = format::health_next_step(verdict.reason) {
        line.push_str("; ");
        line.push_str(&step);
    }
    if let Some(why) = why {
        line.push_str(": ");
        line.push_str(why);
    }
    println!("{line}");
    ExitStatus::of_health(verdict.health)
}

/// What the store says: the connection and the health verdict of its
/// facts.
struct Stored {
    connection: ConnectionStatus,
    health: Verdict,
}

impl Stored {
    /// The running engine knows more (a throttling wait now) than the
    /// store.
    fn verdict(&self, live: Option<&Status>) -> Verdict {
        live.map_or(self.health, |st| st.health(chrono::Utc::now()))
    }
}

/// `status --json`'s object, for a support bundle (an error in its place
/// when the store cannot be read).
pub(crate) fn json_text(data_dir: &Path, configured: bool) -> String {
    match read(data_dir, configured) {
        Ok((status, live)) => render(true, true, &status, live.as_ref())
            .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string()),
        Err(e) => serde_json::json!({ "error": e.to_string() }).to_string(),
    }
}

/// The stored connection state and the running engine's live view.
fn read(
    data_dir: &Path,
    configured: bool,
) -> Result<(Stored, Option<Status>), connection::ConnectionError> {
    Ok((stored(data_dir, configured)?, live(data_dir)))
}

/// The connection state and health as the store has them (read-only, no
/// lock).
fn stored(data_dir: &Path, configured: bool) -> Result<Stored, connection::ConnectionError> {
    let path = crate::paths::store_file(data_dir);
    let (mut connection, health) = if path.exists() {
        let store = Store::open_readonly(&path).map_err(connection::ConnectionError::from)?;
        (connection::status(&store)?, connection::health(&store)?)
    } else {
        (
            ConnectionStatus::never_connected(None),
            health::verdict(&health::Facts {
                connected: false,
                last_run: None,
                throttled_until: None,
                now: chrono::Utc::now(),
            }),
        )
    };
    if !configured && connection.state == ConnectionState::NeverConnected {
        // Scripts still get JSON; the state says what is missing.
        connection.state = ConnectionState::Unconfigured;
    }
    Ok(Stored { connection, health })
}

/// The text `status` prints: pretty JSON, one JSON line (`pretty` off, for
/// `--watch`), or the labelled fields.
fn render(
    json: bool,
    pretty: bool,
    status: &Stored,
    live: Option<&Status>,
) -> Result<String, serde_json::Error> {
    let verdict = status.verdict(live);
    if json {
        let v = status_json(&status.connection, verdict, live)?;
        let text = if pretty {
            serde_json::to_string_pretty(&v)?
        } else {
            serde_json::to_string(&v)?
        };
        return Ok(format!("{text}\n"));
    }
    let mut out = String::new();
    field(
        &mut out,
        "cli-field-health",
        format!(
            "{} ({})",
            format::health_word(verdict.health),
            [
                Some(format::health_reason(verdict.reason)),
                format::health_next_step(verdict.reason)
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ")
        ),
    );
    print_text(&mut out, &status.connection);
    print_engine(&mut out, live);
    Ok(out)
}

/// `status --json`'s object: the stored connection, the health verdict and
/// the engine's live view, in English whatever the locale (scripts read
/// it), each check with its facts and their words.
fn status_json(
    c: &ConnectionStatus,
    verdict: Verdict,
    live: Option<&Status>,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut v = serde_json::to_value(c)?;
    let Some(o) = v.as_object_mut() else {
        return Ok(v);
    };
    o.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    o.insert("health".into(), serde_json::to_value(verdict.health)?);
    o.insert(
        "health_reason".into(),
        serde_json::to_value(verdict.reason)?,
    );
    o.insert("engine".into(), engine_json(live));
    let checks = describe::english(|| {
        c.checks
            .iter()
            .map(|check| {
                serde_json::json!({
                    "id": check.id,
                    "passed": check.passed,
                    "detail": describe::check_detail(check),
                    "facts": check.facts,
                })
            })
            .collect::<Vec<_>>()
    });
    o.insert("checks".into(), checks.into());
    // An unsupported organisation is told by its failed check.
    if let Some(e) = o.get_mut("last_error").and_then(|e| e.as_object_mut())
        && e.get("detail").is_none_or(serde_json::Value::is_null)
        && let Some(failed) = c.checks.iter().find(|c| !c.passed)
    {
        let words = describe::english(|| describe::check_detail(failed));
        e.insert("detail".into(), words.into());
    }
    Ok(v)
}

/// `status --watch`: prints the status, then again each time it changes
/// (looked at every second), until Ctrl-C, SIGTERM, the end of the input
/// (Ctrl-D, or a pipe closed) or the end of the output (`| head`).
pub fn watch(json: bool, data_dir: &Path, configured: bool) -> ExitStatus {
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        // Both listened to from the start, so a signal is never missed
        // between two looks.
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return ExitStatus::Failure;
        };
        let mut input_ended = std::pin::pin!(input_ends());
        let mut tick = tokio::time::interval(WATCH_EVERY);
        // One attachment kept while the engine runs (not one a second,
        // which the engine would log each time).
        let mut engine: Option<crate::engine::EngineHandle> = None;
        let socket = crate::service::socket_file(data_dir);
        let mut shown = String::new();
        let mut exit = ExitStatus::Ok;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = int.recv() => break,
                _ = term.recv() => break,
                () = &mut input_ended => break,
            }
            let dir = data_dir.to_path_buf();
            let status = match tokio::task::spawn_blocking(move || stored(&dir, configured)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    eprintln!("navsync: {e}");
                    exit = ExitStatus::Failure;
                    break;
                }
                Err(_) => {
                    exit = ExitStatus::Failure;
                    break;
                }
            };
            if engine
                .as_ref()
                .is_some_and(|h| h.status.has_changed().is_err())
            {
                engine = None; // it went away
            }
            if engine.is_none() {
                engine = client::attach(&socket, Reconnect::Never).await.ok();
            }
            let live = engine.as_ref().map(|h| h.status.borrow().clone());
            let text = match render(json, false, &status, live.as_ref()) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("navsync: {e}");
                    exit = ExitStatus::Failure;
                    break;
                }
            };
            exit = exit_for(&status.connection);
            if text == shown {
                continue;
            }
            let mut out = std::io::stdout().lock();
            let separator = if shown.is_empty() || json { "" } else { "\n" };
            use std::io::Write;
            if write!(out, "{separator}{text}")
                .and_then(|()| out.flush())
                .is_err()
            {
                break; // nobody reads any more
            }
            shown = text;
        }
        if let Some(mut h) = engine {
            h.shutdown().await;
        }
        exit
    })
}

/// How often `--watch` looks again.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Resolves when the input ends: Ctrl-D on a terminal, or the writer of a
/// pipe closing it. Input that is neither (a file, /dev/null under cron or
/// systemd) never ends the watch.
async fn input_ends() {
    use std::io::IsTerminal;
    use std::os::unix::fs::FileTypeExt;
    let stdin = std::io::stdin();
    let watched = stdin.is_terminal()
        || std::fs::metadata("/dev/stdin").is_ok_and(|m| m.file_type().is_fifo());
    if !watched {
        return std::future::pending().await;
    }
    let ended = tokio::task::spawn_blocking(move || {
        use std::io::{BufRead, Read};
        let mut lock = stdin.lock();
        let mut line = String::new();
        // Lines typed meanwhile are read and ignored; a line longer
        // than this is read in parts.
        loop {
            line.clear();
            match (&mut lock).take(4096).read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    });
    let _ = ended.await;
}

/// The running engine's status, asked over its socket; `None` when no
/// engine runs (or it cannot be asked).
fn live(data_dir: &Path) -> Option<Status> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    rt.block_on(ask_engine(data_dir))
}

async fn ask_engine(data_dir: &Path) -> Option<Status> {
    let socket = crate::service::socket_file(data_dir);
    let mut h = client::attach(&socket, Reconnect::Never).await.ok()?;
    let status = h.status.borrow().clone();
    h.shutdown().await;
    Some(status)
}

/// `engine` in `status --json`: null when no engine runs.
fn engine_json(live: Option<&Status>) -> serde_json::Value {
    let Some(st) = live else {
        return serde_json::Value::Null;
    };
    serde_json::json!({
        "running": st.running.as_ref().map(|r| serde_json::json!({
            "run_id": r.run_id,
            "mode": r.mode,
            "phase": r.phase,
            "done": r.done,
            "total": r.total,
        })),
        "next_sync": st.next_sync,
        "schedule_paused": st.schedule_paused,
        "api_budget": st.api_budget.map(|b| serde_json::json!({
            "requests_left": b.requests_left,
            "execution_seconds_left": b.execution_ms_left.map(|ms| ms as f64 / 1000.0),
            "window_seconds": crate::crm::budget::WINDOW.as_secs(),
            "observed_at": b.observed_at,
        })),
    })
}

fn print_engine(out: &mut String, live: Option<&Status>) {
    let line = match live {
        None => crate::t!("cli-engine-not-running"),
        Some(st) => match &st.running {
            Some(r) => crate::t!(
                "cli-engine-running-sync",
                run = r.run_id.to_string(),
                phase = crate::i18n::word(r.phase),
                rows = r.done
            ),
            None => crate::t!(
                "cli-engine-running-next",
                next = st
                    .next_sync
                    .map(crate::store::stamp)
                    .unwrap_or_else(|| crate::t!("not-scheduled"))
            ),
        },
    };
    field(out, "cli-field-engine", line);
    if let Some(b) = live.and_then(|st| st.api_budget) {
        field(out, "cli-field-api-budget", budget_line(&b));
    }
}

/// "5,993 requests and 1,199 s of execution time left of the 5-minute
/// window (2026-11-26 07:01:02 UTC)";
/// a figure the CRM did not send is shown as unknown.
pub(crate) fn budget_line(b: &crate::crm::ApiBudget) -> String {
    let unknown = || crate::t!("api-budget-unknown");
    crate::t!(
        "api-budget-line",
        requests = b
            .requests_left
            .map_or_else(unknown, |n| crate::i18n::number(n as f64)),
        seconds = b
            .execution_ms_left
            .map_or_else(unknown, |ms| crate::i18n::number((ms / 1000) as f64)),
        minutes = crate::crm::budget::WINDOW.as_secs() / 60,
        at = crate::i18n::date_time_seconds(b.observed_at)
    )
}

fn print_text(out: &mut String, s: &ConnectionStatus) {
    let dash = || "—".to_string();
    let state = crate::t!(match s.state {
        ConnectionState::Connected => "conn-connected-to",
        ConnectionState::Disconnected => "cli-state-disconnected",
        ConnectionState::Error => "cli-state-error",
        ConnectionState::Unconfigured => "cli-state-unconfigured",
        ConnectionState::NeverConnected => "cli-state-never",
    });
    field(out, "cli-field-state", state);
    field(
        out,
        "cli-field-instance",
        s.instance_url.clone().unwrap_or_else(dash),
    );
    let user = s.crm_user.as_ref().map_or_else(dash, |u| {
        format!(
            "{} ({}{})",
            u.name.as_deref().unwrap_or("?"),
            u.id,
            if u.integration_user {
                format!(", {}", crate::t!("cli-integration-user"))
            } else {
                String::new()
            }
        )
    });
    field(out, "cli-field-crm-user", user);
    field(
        out,
        "cli-field-connected-since",
        s.connected_at.map(crate::store::stamp).unwrap_or_else(dash),
    );
    field(
        out,
        "cli-field-org-version",
        s.org_version.clone().unwrap_or_else(dash),
    );
    field(
        out,
        "cli-field-last-sync",
        s.last_sync
            .map(crate::store::stamp)
            .unwrap_or_else(|| crate::t!("never")),
    );
    let err = s.last_error.as_ref().map_or_else(
        || crate::t!("cli-no-error"),
        |e| {
            let failed = || {
                s.checks
                    .iter()
                    .find(|c| !c.passed)
                    .map(describe::check_detail)
            };
            let detail = e.detail.clone().or_else(failed).unwrap_or_default();
            format!("{}: {detail}", e.class)
        },
    );
    field(out, "cli-field-last-error", err);
}

/// "label:" padded so the values line up, as `status` prints them.
fn field(out: &mut String, label_id: &str, value: String) {
    let label = format!("{}:", crate::i18n::text(label_id, &[]));
    out.push_str(&format!("{label:<14}{value}\n"));
}

/// 0 connected and the last run clean, 2 unconfigured, 7 not connected,
/// else the code of the stored error class (a failed connect, or the last
/// run's error).
fn exit_for(s: &ConnectionStatus) -> ExitStatus {
    match s.state {
        ConnectionState::Unconfigured => ExitStatus::Usage,
        ConnectionState::Connected | ConnectionState::Error => s.last_error.as_ref().map_or(
            if s.is_connected() {
                ExitStatus::Ok
            } else {
                ExitStatus::Failure
            },
            |e| ExitStatus::from(e.class),
        ),
        ConnectionState::Disconnected | ConnectionState::NeverConnected => ExitStatus::NotConnected,
    }
}
