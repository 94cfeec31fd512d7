//! Admin settings changed from the console (stage, won-value field,
//! auto-sync, writeback kinds, interval). Values are JSON; a key that was
//! never set falls back to the config file.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, now};

pub fn get<T: serde::de::DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>> {
    let raw: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    raw.map(|v| {
        serde_json::from_str(&v).map_err(|_| StoreError::BadValue {
            column: "settings.value",
            value: v,
        })
    })
    .transpose()
}

pub fn set<T: serde::Serialize>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    let json = serde_json::to_string(value).map_err(|e| StoreError::BadValue {
        column: "settings.value",
        value: e.to_string(),
    })?;
    conn.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![key, json, now()],
    )?;
    Ok(())
}

pub fn remove(conn: &Connection, key: &str) -> Result<()> {
    conn.execute("DELETE FROM settings WHERE key = ?1", [key])?;
    Ok(())
}
