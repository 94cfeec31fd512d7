//! The audit log of CRM writes: what was written where, and with what result.

use rusqlite::{Connection, params};

use super::{Result, now};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub action: String,
    pub entity_set: String,
    pub crm_id: String,
    pub activity_id: Option<i64>,
    pub result: AuditResult,
    pub detail: Option<String>,
}

/// What the CRM said to a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditResult {
    Ok,
    /// Already written (a re-send after a crash): counted as done.
    Exists,
    Error,
}

impl AuditResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Exists => "exists",
            Self::Error => "error",
        }
    }
}

impl rusqlite::types::ToSql for AuditResult {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for AuditResult {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match v.as_str()? {
            "ok" => Ok(Self::Ok),
            "exists" => Ok(Self::Exists),
            "error" => Ok(Self::Error),
            other => Err(rusqlite::types::FromSqlError::Other(
                format!("unknown audit result {other:?}").into(),
            )),
        }
    }
}

pub fn record(
    conn: &Connection,
    action: &str,
    entity_set: &str,
    crm_id: &str,
    activity_id: Option<i64>,
    result: AuditResult,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, action, entity_set, crm_id, activity_id, result, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![now(), action, entity_set, crm_id, activity_id, result, detail])?;
    Ok(())
}

/// Newest first.
pub fn recent(conn: &Connection, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, action, entity_set, crm_id, activity_id, result, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            action: r.get(1)?,
            entity_set: r.get(2)?,
            crm_id: r.get(3)?,
            activity_id: r.get(4)?,
            result: r.get(5)?,
            detail: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
