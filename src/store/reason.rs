//! Why the matcher linked a member to a contact, or could not: kept with
//! the activity, the unresolved queue and each candidate. Stored as JSON,
//! not as a sentence, so it is put in words in the reader's language when
//! shown (`ui::format::reason`), not in the language of the process that
//! matched.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

use crate::vocab::ResolveHow;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Reason {
    /// The member's e-mail is one contact's.
    Email,
    /// The member's LinkedIn profile URL is one contact's.
    ProfileUrl,
    /// `count` contacts share the member's e-mail.
    SameEmail { count: usize, email: String },
    /// `count` contacts share the member's profile URL.
    SameProfileUrl { count: usize },
    /// Name similarity among the contacts of the member's company.
    NameCompany { score: f64 },
    /// `count` contacts at the company are named alike, within the margin.
    NameTie {
        count: usize,
        name: String,
        account: Option<String>,
    },
    /// No e-mail or profile match, and the member names no company.
    NoCompany,
    /// The member's company is no CRM account.
    NoAccount { company: String },
    /// The closest name at the company stays under the threshold.
    BelowThreshold {
        account: Option<String>,
        best: f64,
        threshold: f64,
    },
    /// The company's account has no contacts.
    NoContactAt { account: Option<String> },
    /// A look-alike name at another account (or none), as a candidate.
    NameElsewhere { score: f64, account: Option<String> },
    /// Linked by hand from the unresolved queue.
    Resolved { how: ResolveHow },
    /// Text stored before reasons were typed (English), shown as it is.
    #[serde(skip)]
    Written(String),
}

impl ToSql for Reason {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Self::Written(text) => Ok(text.as_str().into()),
            typed => serde_json::to_string(typed)
                .map(Into::into)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e))),
        }
    }
}

impl FromSql for Reason {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = v.as_str()?;
        Ok(serde_json::from_str(text).unwrap_or_else(|_| Self::Written(text.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_reads_back_as_stored_and_old_text_stays_readable() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for r in [
            Reason::Email,
            Reason::NameTie {
                count: 2,
                name: "Ana Pérez".into(),
                account: None,
            },
            Reason::BelowThreshold {
                account: Some("Contoso".into()),
                best: 0.81,
                threshold: 0.9,
            },
            Reason::Written("no CRM account for Initech".into()),
        ] {
            let back: Reason = conn.query_row("SELECT ?1", [&r], |row| row.get(0)).unwrap();
            assert_eq!(back, r);
        }
    }
}
