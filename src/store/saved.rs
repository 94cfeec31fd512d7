//! Saved accounts and saved leads per seat, and which opportunities brought
//! each CRM-saved item in.

use rusqlite::{Connection, params};

use super::{Result, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    Account,
    Contact,
}

impl ItemKind {
    fn table_and_key(self) -> (&'static str, &'static str) {
        match self {
            Self::Account => ("saved_accounts", "accountid"),
            Self::Contact => ("saved_leads", "contactid"),
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Contact => "contact",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedItem {
    pub seat_id: i64,
    pub item_id: String,
    pub manual: bool,
    pub from_crm: bool,
}

/// Saves an item by hand (the seat holder's own choice; never removed by sync).
pub fn save_manual(conn: &Connection, kind: ItemKind, seat_id: i64, item_id: &str) -> Result<()> {
    let (t, k) = kind.table_and_key();
    conn.execute(
        &format!(
            "INSERT INTO {t} (seat_id, {k}, manual, from_crm, saved_at) VALUES (?1, ?2, 1, 0, ?3)
             ON CONFLICT DO UPDATE SET manual = 1"
        ),
        params![seat_id, item_id, now()],
    )?;
    Ok(())
}

/// Records that `opportunityid` brings `item_id` into `seat_id`'s list.
pub fn link_from_crm(
    conn: &Connection,
    kind: ItemKind,
    seat_id: i64,
    item_id: &str,
    opportunityid: &str,
) -> Result<()> {
    let (t, k) = kind.table_and_key();
    conn.prepare_cached(&format!(
        "INSERT INTO {t} (seat_id, {k}, manual, from_crm, saved_at) VALUES (?1, ?2, 0, 1, ?3)
         ON CONFLICT DO UPDATE SET from_crm = 1"
    ))?
    .execute(params![seat_id, item_id, now()])?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO saved_provenance (seat_id, item_kind, item_id, opportunityid) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![seat_id, kind.as_str(), item_id, opportunityid])?;
    Ok(())
}

/// Drops every link of `opportunityid` for `seat_id`, then un-saves the
/// CRM items no other opportunity still brings (manual saves stay).
/// Returns (accounts removed, leads removed).
pub fn unlink_opportunity(
    conn: &Connection,
    seat_id: i64,
    opportunityid: &str,
) -> Result<(usize, usize)> {
    conn.prepare_cached("DELETE FROM saved_provenance WHERE seat_id = ?1 AND opportunityid = ?2")?
        .execute(params![seat_id, opportunityid])?;
    let mut removed = [0usize; 2];
    for (i, kind) in [ItemKind::Account, ItemKind::Contact]
        .into_iter()
        .enumerate()
    {
        let (t, k) = kind.table_and_key();
        conn.prepare_cached(&format!(
            "UPDATE {t} SET from_crm = 0 WHERE seat_id = ?1 AND from_crm = 1 AND NOT EXISTS (
                SELECT 1 FROM saved_provenance p WHERE p.seat_id = {t}.seat_id AND p.item_kind = ?2 AND p.item_id = {t}.{k})"
        ))?
        .execute(params![seat_id, kind.as_str()])?;
        removed[i] = conn
            .prepare_cached(&format!(
                "DELETE FROM {t} WHERE seat_id = ?1 AND manual = 0 AND from_crm = 0"
            ))?
            .execute([seat_id])?;
    }
    Ok((removed[0], removed[1]))
}

/// The opportunities currently bringing items into `seat_id`'s lists.
pub fn linked_opportunities(conn: &Connection, seat_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT DISTINCT opportunityid FROM saved_provenance WHERE seat_id = ?1")?;
    let rows = stmt.query_map([seat_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list(conn: &Connection, kind: ItemKind, seat_id: i64) -> Result<Vec<SavedItem>> {
    let (t, k) = kind.table_and_key();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT seat_id, {k}, manual, from_crm FROM {t} WHERE seat_id = ?1 ORDER BY {k}"
    ))?;
    let rows = stmt.query_map([seat_id], |r| {
        Ok(SavedItem {
            seat_id: r.get(0)?,
            item_id: r.get(1)?,
            manual: r.get(2)?,
            from_crm: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes every CRM-sourced save (disconnect --purge), keeping manual ones.
/// Returns (accounts removed, leads removed).
pub fn purge_from_crm(conn: &Connection) -> Result<(usize, usize)> {
    conn.execute("DELETE FROM saved_provenance", [])?;
    let mut out = [0usize; 2];
    for (i, kind) in [ItemKind::Account, ItemKind::Contact]
        .into_iter()
        .enumerate()
    {
        let (t, _) = kind.table_and_key();
        out[i] = conn.execute(&format!("DELETE FROM {t} WHERE manual = 0"), [])?;
        conn.execute(&format!("UPDATE {t} SET from_crm = 0"), [])?;
    }
    Ok((out[0], out[1]))
}
