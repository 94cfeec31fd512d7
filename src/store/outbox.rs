//! The writeback outbox: every CRM write is committed here, with its
//! client-generated id, before the request goes out, and marked done only
//! after the CRM confirms. A restart re-sends what is still pending.

use rusqlite::{Connection, params};

use super::{Result, now};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub activity_id: Option<i64>,
    pub operation: OutboxOp,
    pub entity_set: String,
    pub crm_id: String,
    pub payload_json: String,
    pub attempts: i64,
}

crate::vocab::words! {
    /// What an outbox row asks of the CRM, by its stored name.
    pub enum OutboxOp in "outbox-op" {
        /// An activity as a task.
        CreateTask = "create_task",
        /// A contact made from a member's profile (the unresolved queue).
        CreateContact = "create_contact",
        /// Link an open task to a contact and close it.
        CloseTask = "close_task",
        /// A new version of a written conversation's text (see
        /// [`enqueue_version`]).
        UpdateTask = "update_task",
    }
}

/// Queues a write. The same (operation, crm_id) is one row, so deciding
/// twice never sends twice; a row not yet done takes the newer payload and
/// is pending again (a user who re-resolves after the CRM refused the first
/// target means the new one), while a done row is left as it is.
/// Returns the row id.
pub fn enqueue(
    conn: &Connection,
    activity_id: Option<i64>,
    operation: OutboxOp,
    entity_set: &str,
    crm_id: &str,
    payload_json: &str,
) -> Result<i64> {
    let ts = now();
    conn.prepare_cached(
        "INSERT INTO outbox (activity_id, operation, entity_set, crm_id, payload_json, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT(operation, crm_id) DO UPDATE SET
             payload_json = CASE WHEN outbox.state = 'done' THEN outbox.payload_json ELSE excluded.payload_json END,
             attempts = CASE WHEN outbox.state = 'failed' THEN 0 ELSE outbox.attempts END,
             last_error = CASE WHEN outbox.state = 'failed' THEN NULL ELSE outbox.last_error END,
             state = CASE WHEN outbox.state = 'done' THEN 'done' ELSE 'pending' END,
             updated_at = CASE WHEN outbox.state = 'done' THEN outbox.updated_at ELSE excluded.updated_at END
         RETURNING id",
    )?
    .query_row(params![activity_id, operation, entity_set, crm_id, payload_json, ts], |r| r.get(0))
    .map_err(Into::into)
}

/// Queues a new version of a record's text: one row per (operation,
/// record), armed again by each version, done or not. Versions only grow,
/// so the row always holds the newest; one not yet sent is replaced, never
/// sent as well, and one sent is sent again only as a newer version.
pub(crate) fn enqueue_version(
    conn: &Connection,
    activity_id: i64,
    operation: OutboxOp,
    entity_set: &str,
    crm_id: &str,
    payload_json: &str,
) -> Result<i64> {
    let ts = now();
    conn.prepare_cached(
        "INSERT INTO outbox (activity_id, operation, entity_set, crm_id, payload_json, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT(operation, crm_id) DO UPDATE SET
             payload_json = excluded.payload_json, state = 'pending', attempts = 0,
             last_error = NULL, updated_at = excluded.updated_at
         RETURNING id",
    )?
    .query_row(params![activity_id, operation, entity_set, crm_id, payload_json, ts], |r| r.get(0))
    .map_err(Into::into)
}

pub fn pending(conn: &Connection, limit: usize) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, activity_id, operation, entity_set, crm_id, payload_json, attempts
         FROM outbox WHERE state = 'pending' ORDER BY id LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(OutboxEntry {
            id: r.get(0)?,
            activity_id: r.get(1)?,
            operation: r.get(2)?,
            entity_set: r.get(3)?,
            crm_id: r.get(4)?,
            payload_json: r.get(5)?,
            attempts: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn mark_done(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE outbox SET state = 'done', updated_at = ?1 WHERE id = ?2")?
        .execute(params![now(), id])?;
    Ok(())
}

/// Marks a row done unless a newer payload replaced it meanwhile.
pub(crate) fn mark_done_if_unchanged(conn: &Connection, id: i64, payload_json: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET state = 'done', updated_at = ?1 WHERE id = ?2 AND payload_json = ?3",
    )?
    .execute(params![now(), id, payload_json])?;
    Ok(())
}

/// Counts a failed attempt; after `max_attempts` the entry is failed for good.
pub fn mark_attempt_failed(
    conn: &Connection,
    id: i64,
    error: &str,
    max_attempts: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?1, updated_at = ?2,
            state = CASE WHEN attempts + 1 >= ?3 THEN 'failed' ELSE state END
         WHERE id = ?4",
    )?
    .execute(params![error, now(), max_attempts, id])?;
    Ok(())
}

pub fn pending_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM outbox WHERE state = 'pending'",
        [],
        |r| r.get(0),
    )?)
}
