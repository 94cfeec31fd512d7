//! Saved accounts and saved leads per seat, and which opportunities brought
//! each CRM-saved item in.

use rusqlite::{Connection, params};

use super::{Result, now};

crate::vocab::words! {
    /// What a seat saved: an account or a lead (a CRM contact).
    pub enum ItemKind in "item" {
        Account = "account",
        Contact = "contact",
    }
}

impl ItemKind {
    fn table_and_key(self) -> (&'static str, &'static str) {
        match self {
            Self::Account => ("saved_accounts", "accountid"),
            Self::Contact => ("saved_leads", "contactid"),
        }
    }
}

#[cfg(any(test, feature = "testkit"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedItem {
    pub seat_id: i64,
    pub item_id: String,
    pub manual: bool,
    pub from_crm: bool,
}

#[cfg(any(test, feature = "testkit"))]
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

#[cfg(any(test, feature = "testkit"))]
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
    .execute(params![seat_id, kind, item_id, opportunityid])?;
    Ok(())
}

#[cfg(any(test, feature = "testkit"))]
/// The opportunities currently bringing items into `seat_id`'s lists.
pub fn linked_opportunities(conn: &Connection, seat_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT DISTINCT opportunityid FROM saved_provenance WHERE seat_id = ?1")?;
    let rows = stmt.query_map([seat_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(any(test, feature = "testkit"))]
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
pub(crate) fn purge_from_crm(conn: &Connection) -> Result<(usize, usize)> {
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

/// Which opportunities bring items into saved lists: the seed's selection
/// rule, with the admin's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// Every seat matched to a CRM user syncs, whatever its own switch.
    pub auto_sync_all_seats: bool,
    /// Open opportunities at or past this sales stage; `None` = "Not sure"
    /// (every open opportunity).
    pub min_stage: Option<i64>,
}

/// What one reconciliation changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileCounts {
    pub accounts_added: usize,
    pub leads_added: usize,
    pub accounts_removed: usize,
    pub leads_removed: usize,
    pub links_added: usize,
    pub links_removed: usize,
}

/// The reconciliation's scratch table of the links the mirrors call for.
const DESIRED_TABLE: &str = "CREATE TEMP TABLE IF NOT EXISTS desired_links (
             seat_id INTEGER NOT NULL, item_kind TEXT NOT NULL, item_id TEXT NOT NULL, opportunityid TEXT NOT NULL,
             PRIMARY KEY (seat_id, item_kind, item_id, opportunityid)) WITHOUT ROWID;
         DELETE FROM temp.desired_links;";

/// MATERIALIZED: the syncing seats first, then their opportunities by
/// the owner index, once. Left to itself SQLite 3.53 flattened both
/// into each of the three branches and scanned every opportunity three
/// times, looking each one's owner up among the seats: 200 ms a run at
/// the xl tenant's 500,000 opportunities, with no seat at all.
const DESIRED_LINKS: &str = "WITH syncing AS MATERIALIZED (
         SELECT id AS seat_id, crm_user_id FROM seats
         WHERE crm_user_id IS NOT NULL AND (sync_enabled = 1 OR ?1)),
     opps AS MATERIALIZED (
         SELECT s.seat_id, o.opportunityid, o.accountid, o.contactid
         FROM syncing s JOIN crm_opportunities o ON o.ownerid = s.crm_user_id
         WHERE o.statecode = 0 AND (?2 IS NULL OR o.salesstage >= ?2))
     INSERT OR IGNORE INTO temp.desired_links (seat_id, item_kind, item_id, opportunityid)
     SELECT o.seat_id, 'account', o.accountid, o.opportunityid
         FROM opps o JOIN crm_accounts a ON a.accountid = o.accountid
     UNION ALL
     SELECT o.seat_id, 'contact', o.contactid, o.opportunityid
         FROM opps o JOIN crm_contacts c ON c.contactid = o.contactid
     UNION ALL
     SELECT o.seat_id, 'contact', c.contactid, o.opportunityid
         FROM opps o JOIN crm_accounts a ON a.accountid = o.accountid
         JOIN crm_contacts c ON c.parentaccountid = o.accountid";

/// Brings `saved_provenance` and the CRM-sourced saves in line with the
/// mirrors under `sel`, set-based: the desired links are computed in one
/// query into a temp table, then only the difference with the current
/// links is written. An opportunity that was won, lost, deleted,
/// reassigned or fell below the stage simply is not desired any more, so
/// its links go and so does every item it alone brought in; manual saves
/// are never deleted. Run it inside the caller's transaction.
pub fn reconcile(conn: &Connection, sel: Selection) -> Result<ReconcileCounts> {
    conn.execute_batch(DESIRED_TABLE)?;
    conn.prepare_cached(DESIRED_LINKS)?
        .execute(params![sel.auto_sync_all_seats, sel.min_stage])?;

    let mut counts = ReconcileCounts {
        links_removed: conn
            .prepare_cached(
                "DELETE FROM saved_provenance WHERE NOT EXISTS (
                     SELECT 1 FROM temp.desired_links d WHERE d.seat_id = saved_provenance.seat_id
                       AND d.item_kind = saved_provenance.item_kind AND d.item_id = saved_provenance.item_id
                       AND d.opportunityid = saved_provenance.opportunityid)",
            )?
            .execute([])?,
        links_added: conn
            .prepare_cached(
                "INSERT OR IGNORE INTO saved_provenance (seat_id, item_kind, item_id, opportunityid)
                 SELECT seat_id, item_kind, item_id, opportunityid FROM temp.desired_links",
            )?
            .execute([])?,
        ..ReconcileCounts::default()
    };
    let ts = now();
    for kind in [ItemKind::Account, ItemKind::Contact] {
        let (t, k) = kind.table_and_key();
        // Items newly brought in: a fresh row, or a manual save that the CRM
        // now also brings (flagged, not counted as added).
        let added = conn
            .prepare_cached(&format!(
                "INSERT INTO {t} (seat_id, {k}, manual, from_crm, saved_at)
                 SELECT DISTINCT seat_id, item_id, 0, 1, ?2 FROM temp.desired_links d
                 WHERE d.item_kind = ?1 AND NOT EXISTS (
                     SELECT 1 FROM {t} s WHERE s.seat_id = d.seat_id AND s.{k} = d.item_id)"
            ))?
            .execute(params![kind, ts])?;
        conn.prepare_cached(&format!(
            "UPDATE {t} SET from_crm = 1 WHERE from_crm = 0 AND EXISTS (
                 SELECT 1 FROM temp.desired_links d WHERE d.item_kind = ?1
                   AND d.seat_id = {t}.seat_id AND d.item_id = {t}.{k})"
        ))?
        .execute([kind])?;
        let removed = conn
            .prepare_cached(&format!(
                "DELETE FROM {t} WHERE from_crm = 1 AND manual = 0 AND NOT EXISTS (
                     SELECT 1 FROM saved_provenance p WHERE p.item_kind = ?1
                       AND p.seat_id = {t}.seat_id AND p.item_id = {t}.{k})"
            ))?
            .execute([kind])?;
        conn.prepare_cached(&format!(
            "UPDATE {t} SET from_crm = 0 WHERE from_crm = 1 AND NOT EXISTS (
                 SELECT 1 FROM saved_provenance p WHERE p.item_kind = ?1
                   AND p.seat_id = {t}.seat_id AND p.item_id = {t}.{k})"
        ))?
        .execute([kind])?;
        match kind {
            ItemKind::Account => {
                (counts.accounts_added, counts.accounts_removed) = (added, removed)
            }
            ItemKind::Contact => (counts.leads_added, counts.leads_removed) = (added, removed),
        }
    }
    conn.execute("DELETE FROM temp.desired_links", [])?;
    Ok(counts)
}

/// Saves the pull brought in and a purge would remove (manual saves stay):
/// (accounts, leads), for the disconnect confirmation.
pub(crate) fn count_from_crm(conn: &Connection) -> Result<(i64, i64)> {
    conn.query_row(
        "SELECT (SELECT COUNT(*) FROM saved_accounts WHERE manual = 0),
                (SELECT COUNT(*) FROM saved_leads WHERE manual = 0)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(Into::into)
}

/// One line of the console's Saved tab: a saved item of a seat, and the
/// opportunity that brought it in (an item two opportunities bring has
/// two lines; a manual save without one has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRow {
    pub seat_id: i64,
    pub seat_holder: String,
    pub kind: ItemKind,
    /// The account's or the contact's id.
    pub item_id: String,
    /// The account's or the lead's name (empty once the CRM copy is purged).
    pub name: String,
    /// A lead's company (its parent account).
    pub company: Option<String>,
    pub manual: bool,
    pub from_crm: bool,
    pub opportunity: Option<String>,
    /// The opportunity's pipeline phase as the CRM names it.
    pub stage: Option<String>,
    pub owner: Option<String>,
}

/// Every saved account and lead of every seat, with provenance, in one
/// query, handed to `each` one by one (seat, kind, item, then the
/// opportunity's name), so the console's reader can keep them as it likes
/// rather than as a million rows of strings.
pub(crate) fn for_each_workspace_row(
    conn: &Connection,
    mut each: impl FnMut(WorkspaceRow),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT x.seat_id, s.name, x.kind, x.name, x.company, x.manual, x.from_crm,
                o.name, o.stepname, u.fullname, x.item_id
         FROM (
             SELECT a.seat_id, 'account' AS kind, a.accountid AS item_id, COALESCE(c.name, '') AS name,
                    NULL AS company, a.manual, a.from_crm
             FROM saved_accounts a LEFT JOIN crm_accounts c ON c.accountid = a.accountid
             UNION ALL
             SELECT l.seat_id, 'contact', l.contactid, COALESCE(k.fullname, ''), pa.name, l.manual, l.from_crm
             FROM saved_leads l LEFT JOIN crm_contacts k ON k.contactid = l.contactid
             LEFT JOIN crm_accounts pa ON pa.accountid = k.parentaccountid
         ) x
         JOIN seats s ON s.id = x.seat_id
         LEFT JOIN saved_provenance p
             ON p.seat_id = x.seat_id AND p.item_kind = x.kind AND p.item_id = x.item_id
         LEFT JOIN crm_opportunities o ON o.opportunityid = p.opportunityid
         LEFT JOIN crm_systemusers u ON u.systemuserid = o.ownerid
         ORDER BY x.seat_id, x.kind, x.item_id, o.name",
    )?;
    // The query looks up every line's contact, account, opportunity and
    // owner at random across the whole file: through a 2 MB page cache
    // that is a read call per page (16 s at the xl tenant's 1.1M lines,
    // half of it in the kernel); mapped, 8.8 s. Unmapped again after, so
    // the console does not keep the file's pages resident.
    super::with_mapped_reads(conn, || {
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            each(WorkspaceRow {
                seat_id: r.get(0)?,
                seat_holder: r.get(1)?,
                kind: r.get(2)?,
                name: r.get(3)?,
                company: r.get(4)?,
                manual: r.get(5)?,
                from_crm: r.get(6)?,
                opportunity: r.get(7)?,
                stage: r.get(8)?,
                owner: r.get(9)?,
                item_id: r.get(10)?,
            });
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use rusqlite::{StatementStatus, params};

    use super::{DESIRED_LINKS, DESIRED_TABLE};

    /// The links are found from the syncing seats, by the owner index: a
    /// tenant's opportunities that no seat owns are never scanned (SQLite
    /// chooses its plan from defaults here, as on a real store, which has
    /// no statistics).
    #[test]
    fn the_desired_links_scan_no_opportunity_when_no_seat_syncs() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = crate::store::Store::open(&dir.path().join("s.db")).expect("a store");
        let c = store.conn();
        for i in 0..2_000 {
            c.execute(
                "INSERT INTO crm_opportunities (opportunityid, name, ownerid, statecode)
                 VALUES (?1, 'Deal', ?2, 0)",
                params![format!("o{i}"), format!("u{}", i % 50)],
            )
            .expect("an opportunity");
        }
        c.execute_batch(DESIRED_TABLE).expect("the scratch table");
        let mut stmt = c.prepare(DESIRED_LINKS).expect("the query");
        stmt.execute(params![true, Option::<i64>::None])
            .expect("the links");
        assert_eq!(stmt.get_status(StatementStatus::FullscanStep), 0);
    }
}
