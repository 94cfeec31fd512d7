//! Workspace activities (InMails, messages, notes, tags, and the
//! conversations that gather a thread's messages) and their writeback
//! state.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, now};
use crate::vocab::ActivityKind;

pub use crate::vocab::ActivityState;

/// An activity as imported, before it has a row id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    /// Stable id from the source, so re-importing adds nothing twice.
    pub external_id: String,
    pub seat_id: i64,
    pub kind: ActivityKind,
    pub member_name: String,
    pub member_company: Option<String>,
    pub member_title: Option<String>,
    pub member_email: Option<String>,
    pub member_profile_url: Option<String>,
    pub subject: String,
    pub body: String,
    pub occurred_at: String,
    pub copy_to_crm: bool,
    /// The conversation's id in the source, for InMails and messages.
    pub thread: Option<String>,
    /// The label of a `tag` activity.
    pub tag: Option<String>,
    /// Who wrote a message, when not the member.
    pub sender: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub id: i64,
    pub new: NewActivity,
    pub state: ActivityState,
    pub crm_activity_id: Option<String>,
    pub matched_contactid: Option<String>,
    pub match_reason: Option<super::reason::Reason>,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// A message in a thread: the conversation row written in its place.
    pub conversation_id: Option<i64>,
    /// A conversation: how many messages it holds.
    pub messages: Option<i64>,
    /// A conversation: how many versions of its text were queued.
    pub version: i64,
}

/// Inserts unless the external id is known; true when it was new.
pub fn insert(conn: &Connection, a: &NewActivity) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO activities (external_id, seat_id, kind, member_name, member_company, member_title,
                member_email, member_profile_url, subject, body, occurred_at, copy_to_crm, imported_at,
                thread, tag, sender)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?
        .execute(params![
            a.external_id,
            a.seat_id,
            a.kind.as_str(),
            a.member_name,
            a.member_company,
            a.member_title,
            a.member_email,
            a.member_profile_url,
            a.subject,
            a.body,
            a.occurred_at,
            a.copy_to_crm,
            now(),
            a.thread,
            a.tag,
            a.sender
        ])?;
    Ok(n == 1)
}

const COLUMNS: &str = "id, external_id, seat_id, kind, member_name, member_company, member_title, member_email,
    member_profile_url, subject, body, occurred_at, copy_to_crm, state, crm_activity_id, matched_contactid,
    match_reason, attempts, last_error, thread, tag, sender, conversation_id, messages, version";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Activity, String, String)> {
    Ok((
        Activity {
            id: r.get(0)?,
            new: NewActivity {
                external_id: r.get(1)?,
                seat_id: r.get(2)?,
                kind: ActivityKind::Note,
                member_name: r.get(4)?,
                member_company: r.get(5)?,
                member_title: r.get(6)?,
                member_email: r.get(7)?,
                member_profile_url: r.get(8)?,
                subject: r.get(9)?,
                body: r.get(10)?,
                occurred_at: r.get(11)?,
                copy_to_crm: r.get(12)?,
                thread: r.get(19)?,
                tag: r.get(20)?,
                sender: r.get(21)?,
            },
            state: ActivityState::New,
            crm_activity_id: r.get(14)?,
            matched_contactid: r.get(15)?,
            match_reason: r.get(16)?,
            attempts: r.get(17)?,
            last_error: r.get(18)?,
            conversation_id: r.get(22)?,
            messages: r.get(23)?,
            version: r.get(24)?,
        },
        r.get(3)?,
        r.get(13)?,
    ))
}

fn finish((mut a, kind, state): (Activity, String, String)) -> Result<Activity> {
    a.new.kind = ActivityKind::from_name(&kind).ok_or(StoreError::BadValue {
        column: "activities.kind",
        value: kind,
    })?;
    a.state = ActivityState::from_name(&state).ok_or(StoreError::BadValue {
        column: "activities.state",
        value: state,
    })?;
    Ok(a)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Activity>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM activities WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .map(finish)
    .transpose()
}

#[cfg(any(test, feature = "testkit"))]
pub fn by_state(conn: &Connection, state: ActivityState) -> Result<Vec<Activity>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM activities WHERE state = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([state.as_str()], from_row)?;
    rows.map(|r| finish(r?)).collect()
}

/// At most `limit` activities in `state` whose id is above `after`, by id:
/// one batch of a walk that holds no transaction open for long.
pub(crate) fn by_state_after(
    conn: &Connection,
    state: ActivityState,
    after: i64,
    limit: usize,
) -> Result<Vec<Activity>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM activities WHERE state = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![state.as_str(), after, limit], from_row)?;
    rows.map(|r| finish(r?)).collect()
}

pub(crate) fn set_state(conn: &Connection, id: i64, state: ActivityState) -> Result<()> {
    conn.prepare_cached("UPDATE activities SET state = ?1 WHERE id = ?2")?
        .execute(params![state.as_str(), id])?;
    Ok(())
}

/// Records the match decision and the client-generated CRM id before the
/// write is sent.
pub(crate) fn assign_crm_id(
    conn: &Connection,
    id: i64,
    crm_activity_id: &str,
    matched_contactid: Option<&str>,
    match_reason: &super::reason::Reason,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE activities SET crm_activity_id = ?1, matched_contactid = ?2, match_reason = ?3, state = 'queued' WHERE id = ?4",
    )?
    .execute(params![crm_activity_id, matched_contactid, match_reason, id])?;
    Ok(())
}

pub(crate) fn record_attempt(conn: &Connection, id: i64, error: Option<&str>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE activities SET attempts = attempts + 1, last_error = ?1 WHERE id = ?2",
    )?
    .execute(params![error, id])?;
    Ok(())
}

#[cfg(any(test, feature = "testkit"))]
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM activities", [], |r| r.get(0))?)
}

pub(crate) fn by_external_id(conn: &Connection, external_id: &str) -> Result<Option<Activity>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM activities WHERE external_id = ?1"),
        [external_id],
        from_row,
    )
    .optional()?
    .map(finish)
    .transpose()
}

/// Whether new messages of a thread wait to be decided.
pub(crate) fn threads_waiting(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM activities WHERE state = 'new' AND thread IS NOT NULL)",
        [],
        |r| r.get(0),
    )?)
}

/// Puts a message into its conversation, which is written in its place.
pub(crate) fn join_conversation(
    conn: &Connection,
    message_id: i64,
    conversation_id: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE activities SET state = 'in_thread', conversation_id = ?1 WHERE id = ?2",
    )?
    .execute(params![conversation_id, message_id])?;
    Ok(())
}

/// A conversation's messages, oldest first.
pub(crate) fn conversation_messages(
    conn: &Connection,
    conversation_id: i64,
) -> Result<Vec<Activity>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM activities WHERE conversation_id = ?1 ORDER BY occurred_at, id"
    ))?;
    let rows = stmt.query_map([conversation_id], from_row)?;
    rows.map(|r| finish(r?)).collect()
}

/// A conversation's text as last queued, how many messages it holds and
/// which version of it that is.
pub(crate) fn set_conversation_text(
    conn: &Connection,
    id: i64,
    body: &str,
    messages: i64,
    version: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE activities SET body = ?1, messages = ?2, version = ?3 WHERE id = ?4",
    )?
    .execute(params![body, messages, version, id])?;
    Ok(())
}
