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

/// One choice the console offers for a setting read from the CRM: a value
/// (`None` is the seed's "Not sure") and the label shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Choice<T> {
    pub value: Option<T>,
    pub label: String,
}

/// The choices read from the CRM's metadata at the last sync, so the
/// console can offer them without a round trip.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CrmChoices {
    /// Pipeline-entry stages (sales stage option-set values and labels).
    pub stages: Vec<Choice<i64>>,
    /// Money columns of the opportunity, by logical name.
    pub won_value_fields: Vec<Choice<String>>,
    pub read_at: String,
}

const CHOICES_KEY: &str = "crm_choices";

pub(crate) fn set_crm_choices(conn: &Connection, choices: &CrmChoices) -> Result<()> {
    set(conn, CHOICES_KEY, choices)
}

pub fn crm_choices(conn: &Connection) -> Result<Option<CrmChoices>> {
    get(conn, CHOICES_KEY)
}
