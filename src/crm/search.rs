//! Contact search for the unresolved-activities queue: by name, email and
//! company, every term escaped through [`Filter`].

use super::client::Client;
use super::error::CrmError;
use super::odata::{Column, Filter};
use super::rows::{Account, Contact};

/// What to look for; empty terms are ignored, given ones must all match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactSearch {
    /// Part of the full name.
    pub name: Option<String>,
    /// The exact primary email address.
    pub email: Option<String>,
    /// Part of the parent account's name.
    pub company: Option<String>,
}

/// Most contacts one search returns.
const LIMIT: u32 = 25;
/// Most accounts a company term expands to.
const ACCOUNT_LIMIT: u32 = 50;

impl Client {
    /// Contacts matching every given term, at most 25. A company term is
    /// looked up among accounts first, then contacts of those accounts.
    pub async fn search_contacts(&self, q: &ContactSearch) -> Result<Vec<Contact>, CrmError> {
        let term = |t: &Option<String>| {
            t.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let mut filters = Vec::new();
        if let Some(name) = term(&q.name) {
            filters.push(Filter::contains(&Column::new("fullname")?, &name));
        }
        if let Some(email) = term(&q.email) {
            filters.push(Filter::eq(&Column::new("emailaddress1")?, email));
        }
        if let Some(company) = term(&q.company) {
            let accounts: Vec<Account> = self
                .query(
                    Some(Filter::contains(&Column::new("name")?, &company)),
                    ACCOUNT_LIMIT,
                    &[],
                )
                .await?;
            let parent = Column::new("_parentcustomerid_value")?;
            let ids = accounts
                .iter()
                .filter_map(|a| uuid::Uuid::parse_str(&a.accountid).ok());
            match Filter::any_of(&parent, ids) {
                Some(f) => filters.push(f),
                None => return Ok(Vec::new()),
            }
        }
        match filters.into_iter().reduce(Filter::and) {
            Some(filter) => self.query(Some(filter), LIMIT, &[]).await,
            None => Ok(Vec::new()),
        }
    }
}
