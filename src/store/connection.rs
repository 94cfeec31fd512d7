//! The CRM connection row: what `connect` established and what `status`
//! reports.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, now};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnState {
    Connected,
    Disconnected,
    Error,
}

impl ConnState {
    fn as_str(&self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Disconnected => "disconnected",
            Self::Error => "error",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "connected" => Self::Connected,
            "error" => Self::Error,
            _ => Self::Disconnected,
        }
    }
}

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
    /// JSON array of the prerequisite checks and their verdicts.
    pub checks_json: String,
    pub connected_at: Option<String>,
    pub updated_at: String,
    pub last_error_kind: Option<String>,
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
                    state: ConnState::parse(&r.get::<_, String>(0)?),
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
                    checks_json: r.get(11)?,
                    connected_at: r.get(12)?,
                    updated_at: r.get(13)?,
                    last_error_kind: r.get(14)?,
                    last_error_detail: r.get(15)?,
                })
            },
        )
        .optional()?)
}

/// Replaces the connection row.
pub fn put(conn: &Connection, row: &ConnectionRow) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO connection (id, state, instance_url, tenant_id, client_id, auth_method,
            crm_user_id, crm_user_name, is_integration_user, organization_id, organization_name, org_version,
            checks_json, connected_at, updated_at, last_error_kind, last_error_detail)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            row.state.as_str(),
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
            row.checks_json,
            row.connected_at,
            row.updated_at,
            row.last_error_kind,
            row.last_error_detail,
        ],
    )?;
    Ok(())
}

/// Records an error (kind + detail) against the connection, keeping the rest.
pub fn set_error(conn: &Connection, kind: Option<&str>, detail: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE connection SET last_error_kind = ?1, last_error_detail = ?2, updated_at = ?3 WHERE id = 1",
        params![kind, detail, now()],
    )?;
    Ok(())
}

pub fn set_state(conn: &Connection, state: ConnState) -> Result<()> {
    conn.execute(
        "UPDATE connection SET state = ?1, updated_at = ?2 WHERE id = 1",
        params![state.as_str(), now()],
    )?;
    Ok(())
}
