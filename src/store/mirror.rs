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

const UPSERT_SYSTEMUSER: &str = "INSERT INTO crm_systemusers (systemuserid, fullname, email, isdisabled, is_application_user, modifiedon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(systemuserid) DO UPDATE SET fullname = excluded.fullname, email = excluded.email, isdisabled = excluded.isdisabled, is_application_user = excluded.is_application_user, modifiedon = excluded.modifiedon";

const UPSERT_ACCOUNT: &str = "INSERT INTO crm_accounts (accountid, name, websiteurl, parentaccountid, ownerid, modifiedon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(accountid) DO UPDATE SET name = excluded.name, websiteurl = excluded.websiteurl, parentaccountid = excluded.parentaccountid, ownerid = excluded.ownerid, modifiedon = excluded.modifiedon";

const UPSERT_CONTACT: &str = "INSERT INTO crm_contacts (contactid, fullname, firstname, lastname, email, jobtitle, parentaccountid, linkedin_url, modifiedon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(contactid) DO UPDATE SET fullname = excluded.fullname, firstname = excluded.firstname, lastname = excluded.lastname, email = excluded.email, jobtitle = excluded.jobtitle, parentaccountid = excluded.parentaccountid, linkedin_url = excluded.linkedin_url, modifiedon = excluded.modifiedon";

const UPSERT_OPPORTUNITY: &str = "INSERT INTO crm_opportunities (opportunityid, name, ownerid, accountid, contactid, statecode, salesstage, stepname, money_json, modifiedon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(opportunityid) DO UPDATE SET name = excluded.name, ownerid = excluded.ownerid, accountid = excluded.accountid, contactid = excluded.contactid, statecode = excluded.statecode, salesstage = excluded.salesstage, stepname = excluded.stepname, money_json = excluded.money_json, modifiedon = excluded.modifiedon";

pub fn upsert_systemuser(conn: &Connection, u: &SystemUser) -> Result<()> {
    put_systemuser(&mut *conn.prepare_cached(UPSERT_SYSTEMUSER)?, u)
}

pub fn upsert_account(conn: &Connection, a: &Account) -> Result<()> {
    put_account(&mut *conn.prepare_cached(UPSERT_ACCOUNT)?, a)
}

pub fn upsert_contact(conn: &Connection, c: &Contact) -> Result<()> {
    put_contact(&mut *conn.prepare_cached(UPSERT_CONTACT)?, c)
}

pub fn upsert_opportunity(conn: &Connection, o: &Opportunity) -> Result<()> {
    put_opportunity(&mut *conn.prepare_cached(UPSERT_OPPORTUNITY)?, o)
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

/// The secondary indexes of a mirror table: name and what it indexes
/// (as in the migrations).
pub fn secondary_indexes(table: Table) -> &'static [(&'static str, &'static str)] {
    match table {
        Table::Contacts => &[
            ("crm_contacts_account", "crm_contacts(parentaccountid)"),
            ("crm_contacts_email", "crm_contacts(email COLLATE NOCASE)"),
        ],
        Table::Opportunities => &[("crm_opportunities_owner", "crm_opportunities(ownerid)")],
        Table::SystemUsers | Table::Accounts => &[],
    }
}

/// Drops `table`'s secondary indexes for a bulk load.
pub fn drop_indexes(conn: &Connection, table: Table) -> Result<()> {
    for (name, _) in secondary_indexes(table) {
        conn.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
    }
    Ok(())
}

/// Builds every mirror index that is missing.
pub fn ensure_indexes(conn: &Connection) -> Result<()> {
    for table in Table::ALL {
        for (name, on) in secondary_indexes(table) {
            conn.execute_batch(&format!("CREATE INDEX IF NOT EXISTS {name} ON {on}"))?;
        }
    }
    Ok(())
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

pub fn contacts(conn: &Connection) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT contactid, fullname, firstname, lastname, email, jobtitle, parentaccountid, linkedin_url, modifiedon FROM crm_contacts",
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
            modifiedon: r.get(8)?,
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
pub fn account_name(conn: &Connection, accountid: &str) -> Result<Option<String>> {
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

pub fn upsert(conn: &Connection, row: &Row) -> Result<()> {
    upsert_all(conn, std::slice::from_ref(row))
}

/// Upserts `rows`, looking the statement up once per run of rows of one
/// table (a pull's page is one run) rather than once per row.
pub fn upsert_all(conn: &Connection, rows: &[Row]) -> Result<()> {
    for run in rows.chunk_by(|a, b| a.table() == b.table()) {
        let sql = match run[0].table() {
            Table::SystemUsers => UPSERT_SYSTEMUSER,
            Table::Accounts => UPSERT_ACCOUNT,
            Table::Contacts => UPSERT_CONTACT,
            Table::Opportunities => UPSERT_OPPORTUNITY,
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
pub fn delete_unseen(
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
