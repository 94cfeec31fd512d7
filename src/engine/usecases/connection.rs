//! Connect, re-check, disconnect (with purge) and status: the connection
//! logic shared by the headless commands and the engine's command loop.
//! Plain functions over the config, the store and a CRM client; progress
//! (each check, the device-code prompt) goes to the caller's callback and
//! the client's event channel.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::crm::Client;
use crate::crm::ErrorClass;
#[cfg(any(test, feature = "testkit"))]
use crate::crm::checks::run_checks;
use crate::crm::checks::{CheckFailure, CheckOptions, CheckReport};
use crate::engine::interface::health::{Facts, LastRun, Verdict, verdict};
use crate::engine::interface::note::PurgeCounts;
use crate::store::audit::{self, AuditResult};
use crate::store::connection::{self, ConnState, ConnectionRow};
use crate::store::mirror::Table;
use crate::store::{Store, StoreError, mirror, runs, saved};
use crate::vocab::check::Check;

#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The checks to run for this configuration.
pub(crate) fn check_options(config: &Config) -> CheckOptions {
    CheckOptions {
        writeback_enabled: config.writeback.enabled,
        on_behalf_of_seat_holder: config.writeback.on_behalf_of_seat_holder,
        required_solution: config.writeback.required_solution.clone(),
    }
}

#[cfg(any(test, feature = "testkit"))]
/// Signs in, runs the prerequisite checks and stores the connection:
/// `connected` when all pass, `error` with the failure otherwise.
pub async fn connect(
    config: &Config,
    client: &Client,
    store: &mut Store,
    on_check: impl FnMut(&Check),
) -> Result<CheckReport, ConnectionError> {
    let report = run_checks(client, &check_options(config), on_check).await;
    record(client, store, &report)?;
    Ok(report)
}

/// Stores the verdict of a connect's checks. The engine runs the checks
/// (network, maybe a device-code wait) off the store writer and only this
/// on it.
pub fn record(client: &Client, store: &mut Store, report: &CheckReport) -> Result<(), StoreError> {
    let now = crate::engine::run::schedule::to_second(chrono::Utc::now());
    let previous = connection::get(store.conn())?;
    let (kind, detail) = match &report.failure {
        None => (None, None),
        Some(f) => (Some(failure_kind(f)), failure_detail(f)),
    };
    let row = ConnectionRow {
        state: if report.passed() {
            ConnState::Connected
        } else {
            ConnState::Error
        },
        instance_url: client
            .config()
            .instance_url
            .as_str()
            .trim_end_matches('/')
            .to_string(),
        tenant_id: client.config().tenant_id.clone(),
        client_id: client.config().client_id.clone(),
        auth_method: client.config().auth_method_name().to_string(),
        crm_user_id: report.who.as_ref().map(|w| w.user_id.clone()),
        crm_user_name: report.user.as_ref().and_then(|u| u.fullname.clone()),
        is_integration_user: report
            .user
            .as_ref()
            .is_some_and(|u| u.is_application_user()),
        organization_id: report
            .organization
            .as_ref()
            .map(|o| o.organization_id.clone()),
        organization_name: report
            .organization
            .as_ref()
            .map(|o| o.friendly_name.clone()),
        org_version: report.version.clone(),
        checks: report.checks.clone(),
        connected_at: if report.passed() {
            Some(now)
        } else {
            previous.as_ref().and_then(|p| p.connected_at)
        },
        updated_at: now,
        last_error_kind: kind,
        last_error_detail: detail,
    };
    // Another identity than the one connected before: writes queued from
    // now on are made by it, so the switch is audited.
    let switched = previous
        .as_ref()
        .and_then(|p| p.crm_user_id.clone())
        .filter(|old| report.passed() && row.crm_user_id.as_ref().is_some_and(|new| new != old));
    store.transaction(|tx| {
        connection::put(tx, &row)?;
        if let (Some(old), Some(new)) = (switched, &row.crm_user_id) {
            audit::record(
                tx,
                "switch_identity",
                "systemusers",
                new,
                None,
                AuditResult::Ok,
                Some(&old),
            )?;
        }
        Ok::<_, StoreError>(())
    })
}

/// The sign-in config.toml names now (method, app, tenant), when it is not
/// the one the stored connection was made with: a connect would switch the
/// identity navsync writes as. (Two admins signing in by device code with
/// the same app are told apart only after the sign-in; the audit log
/// records that switch too.)
pub(crate) fn other_sign_in(row: &ConnectionRow, config: &Config) -> Option<&'static str> {
    let method = match config.crm.auth {
        crate::config::AuthMethod::ClientSecret => "client_secret",
        crate::config::AuthMethod::DeviceCode => "device_code",
    };
    let same = row.auth_method == method
        && row.client_id == config.crm.client_id
        && row.tenant_id == config.crm.tenant_id;
    (row.state == ConnState::Connected && row.crm_user_id.is_some() && !same).then_some(method)
}

/// Whether there is a stored connection to re-check (not disconnected).
pub(crate) fn can_recheck(store: &Store) -> Result<bool, StoreError> {
    Ok(connection::get(store.conn())?.is_some_and(|row| row.state != ConnState::Disconnected))
}

/// Stops syncing. With `purge`, every row imported from the CRM goes in
/// the same transaction (mirrors, delta links, CRM-made saves); seats,
/// activities and manual saves stay.
pub fn disconnect(store: &mut Store, purge: bool) -> Result<Option<PurgeCounts>, ConnectionError> {
    store.transaction(|tx| {
        connection::set_state(tx, ConnState::Disconnected)?;
        if !purge {
            return Ok(None);
        }
        let mut counts = PurgeCounts::default();
        for (table, n) in mirror::purge(tx)? {
            match table {
                Table::SystemUsers => counts.systemusers = n,
                Table::Accounts => counts.accounts = n,
                Table::Contacts => counts.contacts = n,
                Table::Opportunities => counts.opportunities = n,
            }
        }
        (counts.saved_accounts, counts.saved_leads) = saved::purge_from_crm(tx)?;
        Ok::<_, ConnectionError>(Some(counts))
    })
}

/// Where the connection stands, as `status --json` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    Connected,
    /// Stopped by `disconnect`.
    Disconnected,
    /// The last connect failed.
    Error,
    NeverConnected,
    /// No config file: nothing to connect with.
    Unconfigured,
}

/// `navsync status --json`, schema 1 (documented in README.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionStatus {
    pub schema: u32,
    pub state: ConnectionState,
    pub instance_url: Option<String>,
    pub auth_method: Option<String>,
    pub crm_user: Option<CrmUser>,
    pub organization: Option<OrgInfo>,
    pub org_version: Option<String>,
    pub connected_at: Option<DateTime<Utc>>,
    pub last_sync: Option<DateTime<Utc>>,
    pub last_error: Option<LastError>,
    pub checks: Vec<Check>,
}

impl ConnectionStatus {
    /// The status before any connect: `status` reports it both when the
    /// data directory has no store yet and when the store has no
    /// connection row, and the two must print the same JSON.
    pub fn never_connected(last_sync: Option<DateTime<Utc>>) -> Self {
        Self {
            schema: 1,
            state: ConnectionState::NeverConnected,
            instance_url: None,
            auth_method: None,
            crm_user: None,
            organization: None,
            org_version: None,
            connected_at: None,
            last_sync,
            last_error: None,
            checks: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrmUser {
    pub id: String,
    pub name: Option<String>,
    pub integration_user: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgInfo {
    pub id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastError {
    pub class: ErrorClass,
    pub detail: Option<String>,
}

impl ConnectionStatus {
    pub fn is_connected(&self) -> bool {
        self.state == ConnectionState::Connected
    }
}

/// The connection as stored, with the last successful sync.
pub fn status(store: &Store) -> Result<ConnectionStatus, ConnectionError> {
    let row = connection::get(store.conn())?;
    let last_sync = runs::last_success(store.conn())?;
    let Some(row) = row else {
        return Ok(ConnectionStatus::never_connected(last_sync));
    };
    Ok(ConnectionStatus {
        schema: 1,
        state: match row.state {
            ConnState::Connected => ConnectionState::Connected,
            ConnState::Disconnected => ConnectionState::Disconnected,
            ConnState::Error => ConnectionState::Error,
        },
        instance_url: Some(row.instance_url),
        auth_method: Some(row.auth_method),
        crm_user: row.crm_user_id.map(|id| CrmUser {
            id,
            name: row.crm_user_name,
            integration_user: row.is_integration_user,
        }),
        organization: (row.organization_id.is_some() || row.organization_name.is_some()).then_some(
            OrgInfo {
                id: row.organization_id,
                name: row.organization_name,
            },
        ),
        org_version: row.org_version,
        connected_at: row.connected_at,
        last_sync,
        last_error: row.last_error_kind.map(|class| LastError {
            class,
            detail: row.last_error_detail,
        }),
        checks: row.checks,
    })
}

/// How the last real run ended, as the store recorded it.
pub fn last_run(store: &Store) -> Result<Option<LastRun>, StoreError> {
    Ok(runs::last_finished(store.conn())?.map(|r| LastRun {
        run_id: r.id,
        outcome: r.outcome,
        class: r.error_kind,
        reads_done: r.reads_done,
        finished_at: r.finished_at,
    }))
}

/// The health verdict from the store alone (no engine to ask): the
/// connection and the last run.
pub fn health(store: &Store) -> Result<Verdict, StoreError> {
    let connected = connection::get(store.conn())?.is_some_and(|c| c.state == ConnState::Connected);
    let last = last_run(store)?;
    Ok(verdict(&Facts {
        connected,
        last_run: last.as_ref(),
        throttled_until: None,
        now: chrono::Utc::now(),
    }))
}

/// The stored error class: the seed's four, `unsupported` (on-premise,
/// old, sandbox, writeback prerequisites) or `other`.
fn failure_kind(f: &CheckFailure) -> ErrorClass {
    match f {
        CheckFailure::Unsupported { .. } => ErrorClass::Unsupported,
        CheckFailure::Crm(e) => e.class(),
    }
}

/// What the CRM said (in English, as the log has it); an unsupported
/// organisation has its failed check instead, which the faces put in
/// words.
fn failure_detail(f: &CheckFailure) -> Option<String> {
    match f {
        CheckFailure::Unsupported { .. } => None,
        CheckFailure::Crm(e) => Some(e.to_string()),
    }
}
