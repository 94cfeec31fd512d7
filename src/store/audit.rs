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

pub use crate::vocab::AuditResult;

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
