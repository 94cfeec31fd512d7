//! The unresolved-activities queue and each entry's ranked candidates.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::activities::ActivityState;
use super::reason::Reason;
use super::{Result, StoreError, now, opt_time_at, time_at};
use crate::vocab::{ActivityKind, ResolveHow};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    pub contactid: String,
    pub score: f64,
    /// Why it is a candidate (a name score at the company or elsewhere).
    pub reason: Reason,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueueEntry {
    pub activity_id: i64,
    pub reason: Reason,
    pub queued_at: DateTime<Utc>,
    pub dismissed: bool,
}

/// Puts an activity in the queue with its candidates (replacing old ones).
pub fn enqueue(
    conn: &Connection,
    activity_id: i64,
    reason: &Reason,
    candidates: &[Candidate],
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO unresolved (activity_id, reason, queued_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(activity_id) DO UPDATE SET reason = excluded.reason",
    )?
    .execute(params![activity_id, reason, now()])?;
    conn.prepare_cached("DELETE FROM unresolved_candidates WHERE activity_id = ?1")?
        .execute([activity_id])?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO unresolved_candidates (activity_id, contactid, score, reason) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for c in candidates {
        ins.execute(params![activity_id, c.contactid, c.score, c.reason])?;
    }
    Ok(())
}

/// Open entries (not resolved), dismissed ones included when asked.
pub fn open(conn: &Connection, include_dismissed: bool) -> Result<Vec<QueueEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT activity_id, reason, queued_at, dismissed_at IS NOT NULL FROM unresolved
         WHERE resolved_at IS NULL AND (?1 OR dismissed_at IS NULL) ORDER BY queued_at, activity_id",
    )?;
    let rows = stmt.query_map([include_dismissed], |r| {
        Ok(QueueEntry {
            activity_id: r.get(0)?,
            reason: r.get(1)?,
            queued_at: time_at(r, 2)?,
            dismissed: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(any(test, feature = "testkit"))]
pub fn candidates(conn: &Connection, activity_id: i64) -> Result<Vec<Candidate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT contactid, score, reason FROM unresolved_candidates WHERE activity_id = ?1 ORDER BY score DESC, contactid",
    )?;
    let rows = stmt.query_map([activity_id], |r| {
        Ok(Candidate {
            contactid: r.get(0)?,
            score: r.get(1)?,
            reason: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Skip (true) or bring back (false) an entry; skipping is reversible.
pub fn set_dismissed(conn: &Connection, activity_id: i64, dismissed: bool) -> Result<()> {
    conn.prepare_cached("UPDATE unresolved SET dismissed_at = CASE WHEN ?1 THEN ?2 ELSE NULL END WHERE activity_id = ?3")?
        .execute(params![dismissed, now(), activity_id])?;
    Ok(())
}

/// Marks an entry resolved, with how and `by` the user who resolved it,
/// when the face said.
pub fn resolve(
    conn: &Connection,
    activity_id: i64,
    how: ResolveHow,
    contactid: &str,
    by: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE unresolved SET resolved_at = ?1, resolution = ?2, resolved_contactid = ?3, resolved_by = ?4
         WHERE activity_id = ?5",
    )?
    .execute(params![now(), how, contactid, by, activity_id])?;
    Ok(())
}

/// One line of the console's queue table: the entry with the activity and
/// seat fields it shows, read in one query so a 100k queue loads at once.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub activity_id: i64,
    pub member_name: String,
    pub member_company: Option<String>,
    pub kind: ActivityKind,
    pub seat_holder: String,
    pub queued_at: DateTime<Utc>,
    pub dismissed: bool,
    /// When the InMail, message or note itself was written (RFC 3339).
    pub occurred_at: DateTime<Utc>,
    /// Why matching found no contact.
    pub reason: Reason,
    /// A conversation: how many messages it holds.
    pub messages: Option<i64>,
    /// The best-ranked candidate's contact id and name, if any (what a
    /// bulk link links to).
    pub top_candidate: Option<(String, Option<String>)>,
    /// How far the CRM has it: queued, written open, closed, refused.
    pub state: ActivityState,
    /// The CRM's refusal of the last try, if it refused.
    pub last_error: Option<String>,
}

/// Open entries joined with their activity and seat, oldest first; skipped
/// entries are included (flagged) so a skip can be taken back.
pub fn queue_rows(conn: &Connection) -> Result<Vec<QueueRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.activity_id, a.member_name, a.member_company, a.kind, s.name, u.queued_at,
                u.dismissed_at IS NOT NULL, a.occurred_at, u.reason, a.state, a.last_error,
                a.messages, t.contactid, k.fullname
         FROM unresolved u JOIN activities a ON a.id = u.activity_id JOIN seats s ON s.id = a.seat_id
         LEFT JOIN unresolved_candidates t ON t.activity_id = u.activity_id AND t.contactid = (
             SELECT c.contactid FROM unresolved_candidates c WHERE c.activity_id = u.activity_id
             ORDER BY c.score DESC, c.contactid LIMIT 1)
         LEFT JOIN crm_contacts k ON k.contactid = t.contactid
         WHERE u.resolved_at IS NULL ORDER BY u.queued_at, u.activity_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            QueueRow {
                activity_id: r.get(0)?,
                member_name: r.get(1)?,
                member_company: r.get(2)?,
                kind: r.get(3)?,
                seat_holder: r.get(4)?,
                queued_at: time_at(r, 5)?,
                dismissed: r.get(6)?,
                occurred_at: time_at(r, 7)?,
                reason: r.get(8)?,
                state: ActivityState::New,
                last_error: r.get(10)?,
                messages: r.get(11)?,
                top_candidate: r
                    .get::<_, Option<String>>(12)?
                    .map(|id| (id, r.get(13).ok().flatten())),
            },
            r.get::<_, String>(9)?,
        ))
    })?;
    rows.map(|r| {
        let (mut row, state) = r?;
        row.state = ActivityState::from_name(&state).ok_or(StoreError::BadValue {
            column: "activities.state",
            value: state,
        })?;
        Ok(row)
    })
    .collect()
}

/// A queue entry that was resolved: the activity, the contact it was
/// linked to (named from the CRM copy when there) and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedRow {
    pub activity_id: i64,
    pub member_name: String,
    pub member_company: Option<String>,
    pub seat_holder: String,
    pub resolved_at: DateTime<Utc>,
    pub how: Option<ResolveHow>,
    pub contactid: Option<String>,
    pub contact_name: Option<String>,
    /// Who resolved it (an OS user name), when it was recorded.
    pub resolved_by: Option<String>,
}

/// Resolved entries, newest first, at most `limit` of them.
pub fn resolved_rows(conn: &Connection, limit: usize) -> Result<Vec<ResolvedRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.activity_id, a.member_name, a.member_company, s.name, u.resolved_at,
                u.resolution, u.resolved_contactid, k.fullname, u.resolved_by
         FROM unresolved u JOIN activities a ON a.id = u.activity_id JOIN seats s ON s.id = a.seat_id
         LEFT JOIN crm_contacts k ON k.contactid = u.resolved_contactid
         WHERE u.resolved_at IS NOT NULL
         ORDER BY u.resolved_at DESC, u.activity_id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(ResolvedRow {
            activity_id: r.get(0)?,
            member_name: r.get(1)?,
            member_company: r.get(2)?,
            seat_holder: r.get(3)?,
            resolved_at: time_at(r, 4)?,
            how: r.get(5)?,
            contactid: r.get(6)?,
            contact_name: r.get(7)?,
            resolved_by: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A candidate with the mirrored contact's name, email, job title,
/// company, owner and creation date, for display.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedCandidate {
    pub candidate: Candidate,
    pub fullname: Option<String>,
    pub email: Option<String>,
    pub jobtitle: Option<String>,
    pub company: Option<String>,
    /// The owning user's name (a team owner, or a user not mirrored, has none).
    pub owner: Option<String>,
    /// When the contact was created in the CRM (RFC 3339).
    pub createdon: Option<DateTime<Utc>>,
}

pub fn candidates_named(conn: &Connection, activity_id: i64) -> Result<Vec<NamedCandidate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.contactid, c.score, c.reason, k.fullname, k.email, k.jobtitle, acc.name,
                u.fullname, k.createdon
         FROM unresolved_candidates c LEFT JOIN crm_contacts k ON k.contactid = c.contactid
         LEFT JOIN crm_accounts acc ON acc.accountid = k.parentaccountid
         LEFT JOIN crm_systemusers u ON u.systemuserid = k.ownerid
         WHERE c.activity_id = ?1 ORDER BY c.score DESC, c.contactid",
    )?;
    let rows = stmt.query_map([activity_id], |r| {
        Ok(NamedCandidate {
            candidate: Candidate {
                contactid: r.get(0)?,
                score: r.get(1)?,
                reason: r.get(2)?,
            },
            fullname: r.get(3)?,
            email: r.get(4)?,
            jobtitle: r.get(5)?,
            company: r.get(6)?,
            owner: r.get(7)?,
            createdon: opt_time_at(r, 8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
