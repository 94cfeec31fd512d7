//! `navsync status [--json]`: connection state, CRM user, org version, last
//! sync and last error, read from the store without taking the lock, plus
//! the running engine's live view (its run in progress, its next run) when
//! one runs; status never starts an engine. The JSON schema is documented
//! in README.md ("status --json").

use std::path::Path;

use crate::cli::ExitStatus;
use crate::engine::Status;
use crate::engine::usecases::connection::{self, ConnectionState, ConnectionStatus};
use crate::service::client::{self, Reconnect};
use crate::store::Store;

pub fn run(json: bool, data_dir: &Path, configured: bool) -> ExitStatus {
    let path = crate::paths::store_file(data_dir);
    let mut status = if path.exists() {
        match Store::open_readonly(&path)
            .map_err(connection::ConnectionError::from)
            .and_then(|s| connection::status(&s))
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!("navsync: {e}");
                return ExitStatus::Failure;
            }
        }
    } else {
        ConnectionStatus::never_connected(None)
    };
    if !configured && status.state == ConnectionState::NeverConnected {
        // Scripts still get JSON; the state says what is missing.
        status.state = ConnectionState::Unconfigured;
        eprintln!(
            "navsync: no config file (looked at --config, $NAVSYNC_CONFIG, ~/.config/navsync/config.toml); see config.example.toml"
        );
    }
    let live = live(data_dir);
    if json {
        let with_engine = serde_json::to_value(&status).map(|mut v| {
            if let Some(o) = v.as_object_mut() {
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
        print_text(&status);
        print_engine(live.as_ref());
    }
    exit_for(&status)
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
    })
}

fn print_engine(live: Option<&Status>) {
    let line = match live {
        None => "not running (commands start one for their own time)".to_string(),
        Some(st) => match &st.running {
            Some(r) => format!(
                "running; sync {} in progress: {} ({} rows)",
                r.run_id,
                r.phase.label(),
                r.done
            ),
            None => format!(
                "running; next sync {}",
                st.next_sync.as_deref().unwrap_or("not scheduled")
            ),
        },
    };
    println!("engine:       {line}");
}

fn print_text(s: &ConnectionStatus) {
    let dash = || "—".to_string();
    let state = match s.state {
        ConnectionState::Connected => "Connected to Microsoft Dynamics",
        ConnectionState::Disconnected => "Disconnected (not syncing)",
        ConnectionState::Error => "Connection failed",
        ConnectionState::Unconfigured => "Not configured (no config file; see config.example.toml)",
        ConnectionState::NeverConnected => "Not connected (run `navsync connect`)",
    };
    println!("state:        {state}");
    println!(
        "instance:     {}",
        s.instance_url.clone().unwrap_or_else(dash)
    );
    let user = s.crm_user.as_ref().map_or_else(dash, |u| {
        format!(
            "{} ({}{})",
            u.name.as_deref().unwrap_or("?"),
            u.id,
            if u.integration_user {
                ", integration user"
            } else {
                ""
            }
        )
    });
    println!("CRM user:     {user}");
    println!(
        "org version:  {}",
        s.org_version.clone().unwrap_or_else(dash)
    );
    println!(
        "last sync:    {}",
        s.last_sync.clone().unwrap_or_else(|| "never".into())
    );
    let err = s.last_error.as_ref().map_or_else(
        || "none".to_string(),
        |e| format!("{}: {}", e.class, e.detail.as_deref().unwrap_or("")),
    );
    println!("last error:   {err}");
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
