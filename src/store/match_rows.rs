//! The mirrors' columns that matching reads, handed over a chunk at a
//! time: at a million contacts the full rows would outweigh the index
//! built from them.

use rusqlite::types::Type;
use rusqlite::{Connection, Row};

use super::Result;

/// The columns of a mirrored contact that matching compares.
#[derive(Debug, Clone, Default)]
pub struct ContactKeys {
    pub contactid: String,
    pub fullname: String,
    pub email: Option<String>,
    pub parentaccountid: Option<String>,
    pub linkedin_url: Option<String>,
}

/// Calls `each` with every mirrored account's id, name and website, in
/// the mirror's order, borrowing them from SQLite's row.
pub fn accounts(conn: &Connection, mut each: impl FnMut(&str, &str, Option<&str>)) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT accountid, name, websiteurl FROM crm_accounts")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(text(r, 0)?, text(r, 1)?, text_or_null(r, 2)?);
    }
    Ok(())
}

/// Calls `each` with the mirrored contacts `chunk` at a time, in the
/// mirror's order; the buffer is reused, so memory stays at one chunk.
pub fn contacts(
    conn: &Connection,
    chunk: usize,
    mut each: impl FnMut(&[ContactKeys]),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT contactid, fullname, email, parentaccountid, linkedin_url FROM crm_contacts",
    )?;
    let mut rows = stmt.query([])?;
    let mut buf: Vec<ContactKeys> = Vec::with_capacity(chunk);
    let mut n = 0;
    let set = |s: &mut String, v: &str| {
        s.clear();
        s.push_str(v);
    };
    let set_opt = |s: &mut Option<String>, v: Option<&str>| match v {
        Some(v) => set(s.get_or_insert_default(), v),
        None => *s = None,
    };
    while let Some(r) = rows.next()? {
        if n == buf.len() {
            buf.push(ContactKeys::default());
        }
        let c = &mut buf[n];
        set(&mut c.contactid, text(r, 0)?);
        set(&mut c.fullname, text(r, 1)?);
        set_opt(&mut c.email, text_or_null(r, 2)?);
        set_opt(&mut c.parentaccountid, text_or_null(r, 3)?);
        set_opt(&mut c.linkedin_url, text_or_null(r, 4)?);
        n += 1;
        if n == chunk {
            each(&buf[..n]);
            n = 0;
        }
    }
    if n > 0 {
        each(&buf[..n]);
    }
    Ok(())
}

/// Column `i` as text borrowed from SQLite's row, without a copy.
fn text_or_null<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?
        .as_str_or_null()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    text_or_null(r, i)?.ok_or(rusqlite::Error::InvalidColumnType(
        i,
        String::new(),
        Type::Null,
    ))
}
