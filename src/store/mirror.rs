//! Mirrors of the CRM tables the sync reads, plus their change-tracking
//! tokens. Rows are upserted page by page and deleted when the CRM reports
//! them deleted.

use rusqlite::{Connection, OptionalExtension, Statement, params};

use super::{Result, now};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SystemUser {
    pub systemuserid: String,
    pub fullname: String,
    pub email: Option<String>,
    pub isdisabled: bool,
    pub is_application_user: bool,
    pub modifiedon: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub accountid: String,
    pub name: String,
    pub websiteurl: Option<String>,
    pub parentaccountid: Option<String>,
    pub ownerid: Option<String>,
    pub modifiedon: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    pub contactid: String,
    pub fullname: String,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub email: Option<String>,
    pub jobtitle: Option<String>,
    pub parentaccountid: Option<String>,
    pub linkedin_url: Option<String>,
    /// The owning user (or team) id.
    pub ownerid: Option<String>,
    pub createdon: Option<String>,
    pub modifiedon: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Opportunity {
    pub opportunityid: String,
    pub name: String,
    pub ownerid: Option<String>,
    pub accountid: Option<String>,
    pub contactid: Option<String>,
    /// 0 open, 1 won, 2 lost.
    pub statecode: i64,
    /// The pipeline stage (`salesstage` option value).
    pub salesstage: Option<i64>,
    pub stepname: Option<String>,
    /// Money columns by logical name, for the won-value setting.
    pub money_json: String,
    pub modifiedon: Option<String>,
}

/// The three ways a mirror row is written, from one column list: `INSERT`
/// (a first load, while the key index is away), `INSERT ... ON CONFLICT`
/// (pull pages) and `INSERT OR REPLACE` (single rows, which may come while
/// a first load has the key index away).
macro_rules! statements {
    ($insert:ident, $upsert:ident, $(#[$m:meta])* $replace:ident, $into:literal, $conflict:literal) => {
        const $insert: &str = concat!("INSERT ", $into);
        const $upsert: &str = concat!("INSERT ", $into, " ", $conflict);
        $(#[$m])*
        const $replace: &str = concat!("INSERT OR REPLACE ", $into);
    };
}

statements!(
    INSERT_SYSTEMUSER,
    UPSERT_SYSTEMUSER,
    #[cfg(any(test, feature = "testkit"))]
    REPLACE_SYSTEMUSER,
    "INTO crm_systemusers (systemuserid, fullname, email, isdisabled, is_application_user, modifiedon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "ON CONFLICT(systemuserid) DO UPDATE SET fullname = excluded.fullname, email = excluded.email, isdisabled = excluded.isdisabled, is_application_user = excluded.is_application_user, modifiedon = excluded.modifiedon"
);

statements!(
    INSERT_ACCOUNT,
    UPSERT_ACCOUNT,
    #[cfg(any(test, feature = "testkit"))]
    REPLACE_ACCOUNT,
    "INTO crm_accounts (accountid, name, websiteurl, parentaccountid, ownerid, modifiedon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "ON CONFLICT(accountid) DO UPDATE SET name = excluded.name, websiteurl = excluded.websiteurl, parentaccountid = excluded.parentaccountid, ownerid = excluded.ownerid, modifiedon = excluded.modifiedon"
);

statements!(
    INSERT_CONTACT,
    UPSERT_CONTACT,
    REPLACE_CONTACT,
    "INTO crm_contacts (contactid, fullname, firstname, lastname, email, jobtitle, parentaccountid, linkedin_url, ownerid, createdon, modifiedon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "ON CONFLICT(contactid) DO UPDATE SET fullname = excluded.fullname, firstname = excluded.firstname, lastname = excluded.lastname, jobtitle = excluded.jobtitle, linkedin_url = excluded.linkedin_url, ownerid = excluded.ownerid, createdon = excluded.createdon, modifiedon = excluded.modifiedon"
);

statements!(
    INSERT_OPPORTUNITY,
    UPSERT_OPPORTUNITY,
    #[cfg(any(test, feature = "testkit"))]
    REPLACE_OPPORTUNITY,
    "INTO crm_opportunities (opportunityid, name, ownerid, accountid, contactid, statecode, salesstage, stepname, money_json, modifiedon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "ON CONFLICT(opportunityid) DO UPDATE SET name = excluded.name, accountid = excluded.accountid, contactid = excluded.contactid, statecode = excluded.statecode, salesstage = excluded.salesstage, stepname = excluded.stepname, money_json = excluded.money_json, modifiedon = excluded.modifiedon"
);

/// The indexed columns a pull's upsert leaves out (see [`write_all`]),
/// set only where they changed.
const INDEXED_CONTACT: &str = "UPDATE crm_contacts SET email = ?2, parentaccountid = ?3
     WHERE contactid = ?1 AND (email IS NOT ?2 OR parentaccountid IS NOT ?3)";
const INDEXED_OPPORTUNITY: &str =
    "UPDATE crm_opportunities SET ownerid = ?2 WHERE opportunityid = ?1 AND ownerid IS NOT ?2";

#[cfg(any(test, feature = "testkit"))]
pub fn upsert_systemuser(conn: &Connection, u: &SystemUser) -> Result<()> {
    put_systemuser(&mut *conn.prepare_cached(REPLACE_SYSTEMUSER)?, u)
}

#[cfg(any(test, feature = "testkit"))]
pub fn upsert_account(conn: &Connection, a: &Account) -> Result<()> {
    put_account(&mut *conn.prepare_cached(REPLACE_ACCOUNT)?, a)
}

pub fn upsert_contact(conn: &Connection, c: &Contact) -> Result<()> {
    put_contact(&mut *conn.prepare_cached(REPLACE_CONTACT)?, c)
}

#[cfg(any(test, feature = "testkit"))]
pub fn upsert_opportunity(conn: &Connection, o: &Opportunity) -> Result<()> {
    put_opportunity(&mut *conn.prepare_cached(REPLACE_OPPORTUNITY)?, o)
}

fn put_systemuser(stmt: &mut Statement<'_>, u: &SystemUser) -> Result<()> {
    stmt.execute(params![
        u.systemuserid,
        u.fullname,
        u.email,
        u.isdisabled,
        u.is_application_user,
        u.modifiedon
    ])?;
    Ok(())
}

fn put_account(stmt: &mut Statement<'_>, a: &Account) -> Result<()> {
    stmt.execute(params![
        a.accountid,
        a.name,
        a.websiteurl,
        a.parentaccountid,
        a.ownerid,
        a.modifiedon
    ])?;
    Ok(())
}

fn put_contact(stmt: &mut Statement<'_>, c: &Contact) -> Result<()> {
    stmt.execute(params![
        c.contactid,
        c.fullname,
        c.firstname,
        c.lastname,
        c.email,
        c.jobtitle,
        c.parentaccountid,
        c.linkedin_url,
        c.ownerid,
        c.createdon,
        c.modifiedon
    ])?;
    Ok(())
}

fn put_opportunity(stmt: &mut Statement<'_>, o: &Opportunity) -> Result<()> {
    stmt.execute(params![
        o.opportunityid,
        o.name,
        o.ownerid,
        o.accountid,
        o.contactid,
        o.statecode,
        o.salesstage,
        o.stepname,
        o.money_json,
        o.modifiedon
    ])?;
    Ok(())
}

/// The mirrored Dataverse tables, by entity set name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Table {
    SystemUsers,
    Accounts,
    Contacts,
    Opportunities,
}

impl Table {
    pub const ALL: [Table; 4] = [
        Self::SystemUsers,
        Self::Opportunities,
        Self::Accounts,
        Self::Contacts,
    ];

    pub fn entity_set(self) -> &'static str {
        match self {
            Self::SystemUsers => "systemusers",
            Self::Accounts => "accounts",
            Self::Contacts => "contacts",
            Self::Opportunities => "opportunities",
        }
    }

    fn sql_table_and_key(self) -> (&'static str, &'static str) {
        match self {
            Self::SystemUsers => ("crm_systemusers", "systemuserid"),
            Self::Accounts => ("crm_accounts", "accountid"),
            Self::Contacts => ("crm_contacts", "contactid"),
            Self::Opportunities => ("crm_opportunities", "opportunityid"),
        }
    }
}

/// Deletes one mirrored row (a `$deletedEntity` from change tracking).
pub fn delete(conn: &Connection, table: Table, id: &str) -> Result<usize> {
    let (t, k) = table.sql_table_and_key();
    Ok(conn
        .prepare_cached(&format!("DELETE FROM {t} WHERE {k} = ?1"))?
        .execute([id])?)
}

/// A mirror table's indexes (as in the migrations): name, unique or not,
/// what it indexes. The unique one is the CRM key.
pub fn indexes(table: Table) -> &'static [(&'static str, bool, &'static str)] {
    match table {
        Table::SystemUsers => &[("crm_systemusers_key", true, "crm_systemusers(systemuserid)")],
        Table::Accounts => &[("crm_accounts_key", true, "crm_accounts(accountid)")],
        Table::Contacts => &[
            ("crm_contacts_key", true, "crm_contacts(contactid)"),
            (
                "crm_contacts_account",
                false,
                "crm_contacts(parentaccountid)",
            ),
            (
                "crm_contacts_email",
                false,
                "crm_contacts(email COLLATE NOCASE)",
            ),
        ],
        Table::Opportunities => &[
            (
                "crm_opportunities_key",
                true,
                "crm_opportunities(opportunityid)",
            ),
            (
                "crm_opportunities_owner",
                false,
                "crm_opportunities(ownerid)",
            ),
        ],
    }
}

/// Drops `table`'s indexes, the key's too, for a first load into it: its
/// rows are then plain inserts ([`insert_all`]) and each index is built
/// once, sorted, by [`ensure_indexes`].
pub fn drop_indexes(conn: &Connection, table: Table) -> Result<()> {
    for (name, _, _) in indexes(table) {
        conn.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
    }
    Ok(())
}

/// Builds every mirror index that is missing. A key index that finds a
/// row written twice (a first load never reads one twice, but a single
/// row may be mirrored meanwhile) keeps the row written last.
pub fn ensure_indexes(conn: &Connection) -> Result<()> {
    for table in Table::ALL {
        ensure_table_indexes(conn, table)?;
    }
    Ok(())
}

/// Builds `table`'s missing indexes (see [`ensure_indexes`]), leaving the
/// other mirrors alone: one of them may be in the middle of a first load.
pub fn ensure_table_indexes(conn: &Connection, table: Table) -> Result<()> {
    let (t, _) = table.sql_table_and_key();
    // The rows a first load wrote: its rowids count up from one, and the
    // largest is read from the table's last leaf, not counted.
    let rows: i64 = conn.query_row(
        &format!("SELECT coalesce(max(rowid), 0) FROM {t}"),
        [],
        |r| r.get(0),
    )?;
    if rows >= SMALL_SORTS_FROM {
        with_small_sorts(conn, || build_table_indexes(conn, table))
    } else {
        build_table_indexes(conn, table)
    }
}

/// Memory for one sorted run of an index build, in KiB (SQLite's sorter
/// takes the page cache's size for it). Building a million contacts'
/// three indexes took 4.4 s with 32 MB runs and 3.2 s with 8 MB ones
/// (which stay in the CPU's caches better while sorted), and 2.7 s with
/// two helper threads sorting runs beside the main one: 10.8 times the
/// time of 100,000 contacts, where it was 17.6 times. The sorter then
/// holds at most three runs, 24 MB, less than one 32 MB run before.
/// https://sqlite.org/pragma.html#pragma_threads
const SORT_RUN_KIB: i64 = 8_192;
const SORT_THREADS: i64 = 2;

/// Tables from this many rows are indexed with small sorted runs. At
/// xl, 500,000 opportunities' indexes took 0.29 s where they took 0.47 s,
/// and 200,000 accounts' 0.11-0.15 s where 0.15 s. At large (100,000
/// contacts) the sqlite3 shell timed the same either way, but `bench
/// pull`'s whole pull took 0.1 s longer over fourteen pairs of runs
/// (likely the helper threads competing, on two cores, with the tables
/// still loading).
const SMALL_SORTS_FROM: i64 = 200_000;

/// Runs `build` with the sorter's runs small and sorted in parallel, and
/// gives the connection back its page cache and no helper threads after,
/// whatever `build` did.
fn with_small_sorts(conn: &Connection, build: impl FnOnce() -> Result<()>) -> Result<()> {
    conn.pragma_update(None, "cache_size", -SORT_RUN_KIB)?;
    conn.pragma_update(None, "threads", SORT_THREADS)?;
    let built = build();
    let restored = conn
        .pragma_update(None, "threads", 0)
        .and_then(|()| conn.pragma_update(None, "cache_size", -super::CACHE_KIB));
    built?;
    Ok(restored?)
}

fn build_table_indexes(conn: &Connection, table: Table) -> Result<()> {
    let (t, k) = table.sql_table_and_key();
    for (name, unique, on) in indexes(table) {
        let kind = if *unique { "UNIQUE INDEX" } else { "INDEX" };
        let create = format!("CREATE {kind} IF NOT EXISTS {name} ON {on}");
        match conn.execute_batch(&create) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if *unique && e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                conn.execute(
                    &format!(
                        "DELETE FROM {t} WHERE rowid NOT IN (SELECT max(rowid) FROM {t} GROUP BY {k})"
                    ),
                    [],
                )?;
                conn.execute_batch(&create)?;
            }
            other => other?,
        }
    }
    Ok(())
}

/// Whether `table` mirrors no row: one step of an index, where counting
/// would read all of a million-row table on every run.
pub fn is_empty(conn: &Connection, table: Table) -> Result<bool> {
    let (t, _) = table.sql_table_and_key();
    Ok(
        !conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {t})"), [], |r| {
            r.get(0)
        })?,
    )
}

pub fn count(conn: &Connection, table: Table) -> Result<i64> {
    let (t, _) = table.sql_table_and_key();
    Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?)
}

/// Removes every mirrored row and token (disconnect --purge); returns the
/// rows removed per table.
pub fn purge(conn: &Connection) -> Result<Vec<(Table, usize)>> {
    let mut out = Vec::new();
    for table in Table::ALL {
        let (t, _) = table.sql_table_and_key();
        out.push((table, conn.execute(&format!("DELETE FROM {t}"), [])?));
    }
    conn.execute("DELETE FROM sync_tokens", [])?;
    Ok(out)
}

pub fn delta_link(conn: &Connection, table: Table) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT delta_link FROM sync_tokens WHERE entity_set = ?1",
            [table.entity_set()],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn set_delta_link(conn: &Connection, table: Table, link: Option<&str>) -> Result<()> {
    match link {
        Some(l) => conn.execute(
            "INSERT OR REPLACE INTO sync_tokens (entity_set, delta_link, updated_at) VALUES (?1, ?2, ?3)",
            params![table.entity_set(), l, now()],
        )?,
        None => conn.execute("DELETE FROM sync_tokens WHERE entity_set = ?1", [table.entity_set()])?,
    };
    Ok(())
}

pub fn systemusers(conn: &Connection) -> Result<Vec<SystemUser>> {
    let mut stmt = conn.prepare_cached(
        "SELECT systemuserid, fullname, email, isdisabled, is_application_user, modifiedon FROM crm_systemusers ORDER BY fullname",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SystemUser {
            systemuserid: r.get(0)?,
            fullname: r.get(1)?,
            email: r.get(2)?,
            isdisabled: r.get(3)?,
            is_application_user: r.get(4)?,
            modifiedon: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(any(test, feature = "testkit"))]
pub fn contacts(conn: &Connection) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT contactid, fullname, firstname, lastname, email, jobtitle, parentaccountid, linkedin_url, ownerid, createdon, modifiedon FROM crm_contacts",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Contact {
            contactid: r.get(0)?,
            fullname: r.get(1)?,
            firstname: r.get(2)?,
            lastname: r.get(3)?,
            email: r.get(4)?,
            jobtitle: r.get(5)?,
            parentaccountid: r.get(6)?,
            linkedin_url: r.get(7)?,
            ownerid: r.get(8)?,
            createdon: r.get(9)?,
            modifiedon: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn accounts(conn: &Connection) -> Result<Vec<Account>> {
    let mut stmt = conn.prepare_cached(
        "SELECT accountid, name, websiteurl, parentaccountid, ownerid, modifiedon FROM crm_accounts",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Account {
            accountid: r.get(0)?,
            name: r.get(1)?,
            websiteurl: r.get(2)?,
            parentaccountid: r.get(3)?,
            ownerid: r.get(4)?,
            modifiedon: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A mirrored contact's full name, for sentences that name people.
pub fn contact_name(conn: &Connection, contactid: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT fullname FROM crm_contacts WHERE contactid = ?1",
            [contactid],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten()
        .filter(|n| !n.trim().is_empty()))
}

/// A mirrored account's name.
pub(crate) fn account_name(conn: &Connection, accountid: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT name FROM crm_accounts WHERE accountid = ?1",
            [accountid],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// A mirrored row of any table, as a page of the pull delivers it.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    SystemUser(SystemUser),
    Account(Account),
    Contact(Contact),
    Opportunity(Opportunity),
}

impl Row {
    pub fn table(&self) -> Table {
        match self {
            Self::SystemUser(_) => Table::SystemUsers,
            Self::Account(_) => Table::Accounts,
            Self::Contact(_) => Table::Contacts,
            Self::Opportunity(_) => Table::Opportunities,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Self::SystemUser(u) => &u.systemuserid,
            Self::Account(a) => &a.accountid,
            Self::Contact(c) => &c.contactid,
            Self::Opportunity(o) => &o.opportunityid,
        }
    }
}

#[cfg(any(test, feature = "testkit"))]
/// Writes one row (`INSERT OR REPLACE`), with or without its table's key
/// index.
pub fn upsert(conn: &Connection, row: &Row) -> Result<()> {
    match row {
        Row::SystemUser(u) => upsert_systemuser(conn, u),
        Row::Account(a) => upsert_account(conn, a),
        Row::Contact(c) => upsert_contact(conn, c),
        Row::Opportunity(o) => upsert_opportunity(conn, o),
    }
}

/// Upserts `rows`, looking the statement up once per run of rows of one
/// table (a pull's page is one run) rather than once per row.
pub fn upsert_all(conn: &Connection, rows: &[Row]) -> Result<()> {
    write_all(conn, rows, false)
}

/// Inserts `rows` into a mirror whose key index is away for a first load
/// ([`drop_indexes`]); [`ensure_indexes`] settles any row written twice.
pub fn insert_all(conn: &Connection, rows: &[Row]) -> Result<()> {
    write_all(conn, rows, true)
}

/// A pull's upsert sets the indexed columns (a contact's email and
/// account, an opportunity's owner) apart, and only where they changed:
/// SQLite rewrites an index entry whose column is set, even to the same
/// value, and in a million-row mirror every such entry is a page of its
/// own. 1,000 contacts changed at xl: 44 MB of pages written, 17 MB so.
fn write_all(conn: &Connection, rows: &[Row], insert: bool) -> Result<()> {
    for run in rows.chunk_by(|a, b| a.table() == b.table()) {
        if !insert {
            let indexed = match run[0].table() {
                Table::Contacts => Some(INDEXED_CONTACT),
                Table::Opportunities => Some(INDEXED_OPPORTUNITY),
                Table::SystemUsers | Table::Accounts => None,
            };
            if let Some(sql) = indexed {
                let mut stmt = conn.prepare_cached(sql)?;
                for row in run {
                    match row {
                        Row::Contact(c) => {
                            stmt.execute(params![c.contactid, c.email, c.parentaccountid])?
                        }
                        Row::Opportunity(o) => stmt.execute(params![o.opportunityid, o.ownerid])?,
                        Row::SystemUser(_) | Row::Account(_) => 0,
                    };
                }
            }
        }
        let sql = match (run[0].table(), insert) {
            (Table::SystemUsers, false) => UPSERT_SYSTEMUSER,
            (Table::Accounts, false) => UPSERT_ACCOUNT,
            (Table::Contacts, false) => UPSERT_CONTACT,
            (Table::Opportunities, false) => UPSERT_OPPORTUNITY,
            (Table::SystemUsers, true) => INSERT_SYSTEMUSER,
            (Table::Accounts, true) => INSERT_ACCOUNT,
            (Table::Contacts, true) => INSERT_CONTACT,
            (Table::Opportunities, true) => INSERT_OPPORTUNITY,
        };
        let mut stmt = conn.prepare_cached(sql)?;
        for row in run {
            match row {
                Row::SystemUser(u) => put_systemuser(&mut stmt, u)?,
                Row::Account(a) => put_account(&mut stmt, a)?,
                Row::Contact(c) => put_contact(&mut stmt, c)?,
                Row::Opportunity(o) => put_opportunity(&mut stmt, o)?,
            }
        }
    }
    Ok(())
}

/// Every id mirrored for `table`.
pub fn ids(conn: &Connection, table: Table) -> Result<Vec<String>> {
    let (t, k) = table.sql_table_and_key();
    let mut stmt = conn.prepare(&format!("SELECT {k} FROM {t}"))?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Delete reconciliation after a full re-read: removes every mirrored row
/// of `table` whose id is not in `seen`. Returns how many went.
pub(crate) fn delete_unseen(
    conn: &Connection,
    table: Table,
    seen: &std::collections::HashSet<String>,
) -> Result<usize> {
    let mut n = 0;
    for id in ids(conn, table)? {
        if !seen.contains(&id) {
            n += delete(conn, table, &id)?;
        }
    }
    Ok(n)
}
