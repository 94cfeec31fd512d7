//! Workspace seats: licence, edition, matched CRM user and sync switch.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, now};

pub use crate::vocab::{Edition, Licence};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Seat {
    pub id: i64,
    pub member_id: String,
    pub name: String,
    pub email: Option<String>,
    pub licence: Licence,
    pub edition: Edition,
    pub crm_user_id: Option<String>,
    pub sync_enabled: bool,
}

impl Seat {
    /// The seed's "In CRM" badge: sync on and matched to a CRM user. With
    /// auto-sync all seat holders, every matched seat counts as on.
    pub fn in_crm(&self, auto_sync_all: bool) -> bool {
        self.crm_user_id.is_some() && (self.sync_enabled || auto_sync_all)
    }
}

/// What a new seat needs.
#[derive(Debug, Clone)]
pub struct NewSeat<'a> {
    pub member_id: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub licence: Licence,
    pub edition: Edition,
    pub crm_user_id: Option<&'a str>,
    pub sync_enabled: bool,
}

fn row_to_seat(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Seat, String, String)> {
    Ok((
        Seat {
            id: r.get(0)?,
            member_id: r.get(1)?,
            name: r.get(2)?,
            email: r.get(3)?,
            licence: Licence::Member,
            edition: Edition::Team,
            crm_user_id: r.get(6)?,
            sync_enabled: r.get(7)?,
        },
        r.get(4)?,
        r.get(5)?,
    ))
}

fn finish((mut seat, licence, edition): (Seat, String, String)) -> Result<Seat> {
    seat.licence = Licence::from_name(&licence).ok_or(StoreError::BadValue {
        column: "seats.licence",
        value: licence,
    })?;
    seat.edition = Edition::from_name(&edition).ok_or(StoreError::BadValue {
        column: "seats.edition",
        value: edition,
    })?;
    Ok(seat)
}

const COLUMNS: &str = "id, member_id, name, email, licence, edition, crm_user_id, sync_enabled";

pub fn list(conn: &Connection) -> Result<Vec<Seat>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM seats ORDER BY name, id"))?;
    let rows = stmt.query_map([], row_to_seat)?;
    rows.map(|r| finish(r?)).collect()
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Seat>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM seats WHERE id = ?1"),
        [id],
        row_to_seat,
    )
    .optional()?
    .map(finish)
    .transpose()
}

/// Inserts a seat, or updates name/email/licence/edition of the seat with
/// the same member id. Returns the seat id.
pub fn upsert(conn: &Connection, s: &NewSeat<'_>) -> Result<i64> {
    conn.query_row(
        "INSERT INTO seats (member_id, name, email, licence, edition, crm_user_id, sync_enabled, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(member_id) DO UPDATE SET name = excluded.name, email = excluded.email,
             licence = excluded.licence, edition = excluded.edition,
             crm_user_id = COALESCE(seats.crm_user_id, excluded.crm_user_id)
         RETURNING id",
        params![
            s.member_id,
            s.name,
            s.email,
            s.licence.as_str(),
            s.edition.as_str(),
            s.crm_user_id,
            s.sync_enabled,
            now()
        ],
        |r| r.get(0),
    )
    .map_err(Into::into)
}

/// Switches sync for the given seats; returns how many changed.
pub fn set_sync(conn: &Connection, ids: &[i64], enabled: bool) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "UPDATE seats SET sync_enabled = ?1 WHERE id = ?2 AND sync_enabled != ?1",
    )?;
    let mut n = 0;
    for id in ids {
        n += stmt.execute(params![enabled, id])?;
    }
    Ok(n)
}

/// Takes the CRM user off these seats and switches their sync off. The
/// seats stay (their activities are theirs); returns how many changed.
pub fn unassign(conn: &Connection, ids: &[i64]) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "UPDATE seats SET crm_user_id = NULL, sync_enabled = 0
         WHERE id = ?1 AND (crm_user_id IS NOT NULL OR sync_enabled != 0)",
    )?;
    let mut n = 0;
    for id in ids {
        n += stmt.execute([id])?;
    }
    Ok(n)
}

/// A seat's activities on their way to the CRM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    /// Not yet decided: left out for good once the seat no longer syncs.
    pub undecided: i64,
    /// Queued in the outbox: they go out as they are.
    pub queued: i64,
}

/// [`Waiting`] per seat id, for seats that have any.
pub fn waiting(conn: &Connection) -> Result<std::collections::HashMap<i64, Waiting>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.seat_id, SUM(a.state = 'new'),
                SUM(EXISTS (SELECT 1 FROM outbox o WHERE o.activity_id = a.id AND o.state = 'pending'))
         FROM activities a GROUP BY a.seat_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Waiting {
                undecided: r.get(1)?,
                queued: r.get(2)?,
            },
        ))
    })?;
    Ok(rows
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|(_, w)| *w != Waiting::default())
        .collect())
}

pub(crate) fn set_crm_user(conn: &Connection, id: i64, crm_user_id: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE seats SET crm_user_id = ?1 WHERE id = ?2",
        params![crm_user_id, id],
    )?;
    Ok(())
}
