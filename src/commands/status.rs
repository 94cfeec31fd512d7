//! `navsync status [--json]`: connection state, CRM user, org version, last
//! sync and last error, read from the store without taking the lock, plus
//! the running engine's live view (its run in progress, its next run) when
//! one runs; status never starts an engine. The JSON schema is documented
//! in README.md ("status --json").

use std::path::Path;

use crate::cli::ExitStatus;
use crate::engine::Status;
use crate::engine::interface::health::{self, Verdict};
use crate::engine::usecases::connection::{self, ConnectionState, ConnectionStatus};
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
    let path = crate::paths::store_file(data_dir);
    let read = if path.exists() {
        Store::open_readonly(&path)
            .map_err(connection::ConnectionError::from)
            .and_then(|s| Ok((connection::status(&s)?, connection::health(&s)?)))
    } else {
        Ok((
            ConnectionStatus::never_connected(None),
            health::verdict(&health::Facts {
                connected: false,
                last_run: None,
                throttled_until: None,
                now: chrono::Utc::now(),
            }),
        ))
    };
    let (mut status, stored_health) = match read {
        Ok(got) => got,
        Err(e) if form == Form::Check => return check(Verdict::OFFLINE, Some(&e.to_string())),
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    if !configured && status.state == ConnectionState::NeverConnected {
        // Scripts still get JSON; the state says what is missing.
        status.state = ConnectionState::Unconfigured;
        eprintln!("navsync: {}", crate::t!("cli-status-no-config"));
    }
    let live = live(data_dir);
    // The running engine knows more (a throttling wait now) than the store.
    let verdict = live
        .as_ref()
        .map_or(stored_health, |st| st.health(chrono::Utc::now()));
    if form == Form::Check {
        return check(verdict, None);
    }
    if form == Form::Json {
        let with_engine = serde_json::to_value(&status).map(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.insert("health".into(), verdict.health.key().into());
                o.insert("health_reason".into(), verdict.reason.key().into());
                o.insert("engine".into(), engine_json(live.as_ref()));
            }
            v
        });
        match with_engine.and_then(|v| serde_json::to_string_pretty(&v)) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("navsync: {e}");
                return ExitStatus::Failure;
            }
        }
    } else {
        field(
            "cli-field-health",
            format!(
                "{} ({})",
                format::health_word(verdict.health),
                format::health_reason(verdict.reason)
            ),
        );
        print_text(&status);
        print_engine(live.as_ref());
    }
    exit_for(&status)
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
    if let Some(why) = why {
        line.push_str(": ");
        line.push_str(why);
    }
    println!("{line}");
    ExitStatus::of_health(verdict.health)
}

/// The running engine's status, asked over its socket; `None` when no
/// engine runs (or it cannot be asked).
fn live(data_dir: &Path) -> Option<Status> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    rt.block_on(async {
        let socket = crate::service::socket_file(data_dir);
        let mut h = client::attach(&socket, Reconnect::Never).await.ok()?;
        let status = h.status.borrow().clone();
        h.shutdown().await;
        Some(status)
    })
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
    })
}

fn print_engine(live: Option<&Status>) {
    let line = match live {
        None => crate::t!("cli-engine-not-running"),
        Some(st) => match &st.running {
            Some(r) => crate::t!(
                "cli-engine-running-sync",
                run = r.run_id.to_string(),
                phase = crate::i18n::stored_word("phase", r.phase.label()),
                rows = r.done
            ),
            None => crate::t!(
                "cli-engine-running-next",
                next = st
                    .next_sync
                    .clone()
                    .unwrap_or_else(|| crate::t!("not-scheduled"))
            ),
        },
    };
    field("cli-field-engine", line);
}

fn print_text(s: &ConnectionStatus) {
    let dash = || "—".to_string();
    let state = crate::t!(match s.state {
        ConnectionState::Connected => "conn-connected-to",
        ConnectionState::Disconnected => "cli-state-disconnected",
        ConnectionState::Error => "cli-state-error",
        ConnectionState::Unconfigured => "cli-state-unconfigured",
        ConnectionState::NeverConnected => "cli-state-never",
    });
    field("cli-field-state", state);
    field(
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
    field("cli-field-crm-user", user);
    field(
        "cli-field-connected-since",
        s.connected_at.clone().unwrap_or_else(dash),
    );
    field(
        "cli-field-org-version",
        s.org_version.clone().unwrap_or_else(dash),
    );
    field(
        "cli-field-last-sync",
        s.last_sync.clone().unwrap_or_else(|| crate::t!("never")),
    );
    let err = s.last_error.as_ref().map_or_else(
        || crate::t!("cli-no-error"),
        |e| format!("{}: {}", e.class, e.detail.as_deref().unwrap_or("")),
    );
    field("cli-field-last-error", err);
}

/// "label:" padded so the values line up, as `status` prints them.
fn field(label_id: &str, value: String) {
    let label = format!("{}:", crate::i18n::text(label_id, &[]));
    println!("{label:<14}{value}");
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
            |e| ExitStatus::of_class_key(&e.class),
        ),
        ConnectionState::Disconnected | ConnectionState::NeverConnected => ExitStatus::NotConnected,
    }
}
