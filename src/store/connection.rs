//! The CRM connection row: what `connect` established and what `status`
//! reports.

use rusqlite::{Connection, OptionalExtension, params};

use chrono::{DateTime, Utc};

use super::{Result, now, opt_time_at, stamp, time_at};

pub use crate::vocab::ConnState;
use crate::vocab::ErrorClass;
use crate::vocab::check::Check;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConnectionRow {
    pub state: ConnState,
    pub instance_url: String,
    pub tenant_id: String,
    pub client_id: String,
    pub auth_method: String,
    pub crm_user_id: Option<String>,
    pub crm_user_name: Option<String>,
    pub is_integration_user: bool,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub org_version: Option<String>,
    /// The prerequisite checks and their verdicts (stored as JSON of
    /// the typed checks).
    pub checks: Vec<Check>,
    pub connected_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub last_error_kind: Option<ErrorClass>,
    pub last_error_detail: Option<String>,
}

pub fn get(conn: &Connection) -> Result<Option<ConnectionRow>> {
    Ok(conn
        .query_row(
            "SELECT state, instance_url, tenant_id, client_id, auth_method, crm_user_id, crm_user_name,
                    is_integration_user, organization_id, organization_name, org_version, checks_json,
                    connected_at, updated_at, last_error_kind, last_error_detail
             FROM connection WHERE id = 1",
            [],
            |r| {
                Ok(ConnectionRow {
                    state: r.get(0)?,
                    instance_url: r.get(1)?,
                    tenant_id: r.get(2)?,
                    client_id: r.get(3)?,
                    auth_method: r.get(4)?,
                    crm_user_id: r.get(5)?,
                    crm_user_name: r.get(6)?,
                    is_integration_user: r.get(7)?,
                    organization_id: r.get(8)?,
                    organization_name: r.get(9)?,
                    org_version: r.get(10)?,
                    checks: checks(&r.get::<_, String>(11)?)?,
                    connected_at: opt_time_at(r, 12)?,
                    updated_at: time_at(r, 13)?,
                    last_error_kind: r.get(14)?,
                    last_error_detail: r.get(15)?,
                })
            },
        )
        .optional()?)
}

/// The stored checks: JSON of [`Check`]s (rows stored before checks were
/// typed read back with their words, see [`Check::detail`]).
fn checks(json: &str) -> rusqlite::Result<Vec<Check>> {
    serde_json::from_str(json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(11, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Replaces the connection row.
pub fn put(conn: &Connection, row: &ConnectionRow) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO connection (id, state, instance_url, tenant_id, client_id, auth_method,
            crm_user_id, crm_user_name, is_integration_user, organization_id, organization_name, org_version,
            checks_json, connected_at, updated_at, last_error_kind, last_error_detail)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            row.state,
            row.instance_url,
            row.tenant_id,
            row.client_id,
            row.auth_method,
            row.crm_user_id,
            row.crm_user_name,
            row.is_integration_user,
            row.organization_id,
            row.organization_name,
            row.org_version,
            serde_json::to_string(&row.checks)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
            row.connected_at.map(stamp),
            stamp(row.updated_at),
            row.last_error_kind,
            row.last_error_detail,
        ],
    )?;
    Ok(())
}

/// Records an error (kind + detail) against the connection, keeping the rest.
pub(crate) fn set_error(
    conn: &Connection,
    kind: Option<ErrorClass>,
    detail: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE connection SET last_error_kind = ?1, last_error_detail = ?2, updated_at = ?3 WHERE id = 1",
        params![kind, detail, now()],
    )?;
    Ok(())
}

pub(crate) fn set_state(conn: &Connection, state: ConnState) -> Result<()> {
    conn.execute(
        "UPDATE connection SET state = ?1, updated_at = ?2 WHERE id = 1",
        params![state, now()],
    )?;
    Ok(())
}
