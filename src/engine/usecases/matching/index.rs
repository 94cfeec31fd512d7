//! The blocking index: every CRM contact and account reduced once to the
//! keys the rules look up, so matching one member touches only the few
//! contacts that share a key with it instead of all of them.

use std::collections::HashMap;

use super::normalise;
use crate::store::mirror::{Account, Contact};

/// Position of a contact or account in the index's vectors.
pub type Idx = u32;

/// A contact with its comparison keys computed once.
#[derive(Debug)]
pub struct IndexedContact {
    pub contactid: String,
    /// Normalised full name ("jose maria nunez").
    pub name: String,
    pub account: Option<Idx>,
}

#[derive(Debug)]
pub struct IndexedAccount {
    pub accountid: String,
    pub name: String,
}

/// Hash maps from each key to the contacts or accounts holding it.
#[derive(Debug, Default)]
pub struct BlockingIndex {
    pub contacts: Vec<IndexedContact>,
    pub accounts: Vec<IndexedAccount>,
    pub by_email: HashMap<String, Vec<Idx>>,
    pub by_profile: HashMap<String, Vec<Idx>>,
    /// Family name plus given-name initial -> contacts: the block for
    /// suggesting look-alikes outside the member's company. The initial
    /// keeps a common surname's block small; a typo in the first letter of
    /// a surname is the price.
    pub by_family: HashMap<String, Vec<Idx>>,
    pub by_account: HashMap<Idx, Vec<Idx>>,
    pub account_by_key: HashMap<String, Vec<Idx>>,
    pub account_by_domain: HashMap<String, Vec<Idx>>,
}

impl BlockingIndex {
    pub fn build(contacts: &[Contact], accounts: &[Account]) -> Self {
        let mut ix = BlockingIndex {
            contacts: Vec::with_capacity(contacts.len()),
            accounts: Vec::with_capacity(accounts.len()),
            ..Default::default()
        };
        let mut account_pos: HashMap<&str, Idx> = HashMap::with_capacity(accounts.len());
        for a in accounts {
            let i = ix.accounts.len() as Idx;
            account_pos.insert(a.accountid.as_str(), i);
            ix.account_by_key
                .entry(normalise::company_key(&a.name))
                .or_default()
                .push(i);
            if let Some(d) = a.websiteurl.as_deref().and_then(normalise::website_domain) {
                ix.account_by_domain.entry(d).or_default().push(i);
            }
            ix.accounts.push(IndexedAccount {
                accountid: a.accountid.clone(),
                name: a.name.clone(),
            });
        }
        // Normalising is the costly part and independent per contact:
        // done on every core, then the maps are filled in order.
        for (c, keys) in contacts.iter().zip(contact_keys(contacts)) {
            let i = ix.contacts.len() as Idx;
            let account = c
                .parentaccountid
                .as_deref()
                .and_then(|id| account_pos.get(id).copied());
            if let Some(e) = keys.email {
                ix.by_email.entry(e).or_default().push(i);
            }
            if let Some(p) = keys.profile {
                ix.by_profile.entry(p).or_default().push(i);
            }
            if let Some(key) = family_key(&keys.name) {
                ix.by_family.entry(key).or_default().push(i);
            }
            if let Some(a) = account {
                ix.by_account.entry(a).or_default().push(i);
            }
            ix.contacts.push(IndexedContact {
                contactid: c.contactid.clone(),
                name: keys.name,
                account,
            });
        }
        // Equal names side by side: a scan scores each distinct name once.
        for block in ix.by_family.values_mut() {
            block.sort_by(|a, b| {
                ix.contacts[*a as usize]
                    .name
                    .cmp(&ix.contacts[*b as usize].name)
            });
        }
        ix
    }
}

/// The `by_family` key of a normalised name: "perez a" for "ana perez".
pub fn family_key(name: &str) -> Option<String> {
    let (given, family) = normalise::given_and_family(name);
    let initial = given.chars().next()?;
    (!family.is_empty()).then(|| format!("{family} {initial}"))
}

struct ContactKeys {
    name: String,
    email: Option<String>,
    profile: Option<String>,
}

fn contact_keys(contacts: &[Contact]) -> Vec<ContactKeys> {
    super::par_map(contacts, |c| ContactKeys {
        name: normalise::person_name(&c.fullname),
        email: c.email.as_deref().and_then(normalise::email),
        profile: c.linkedin_url.as_deref().and_then(normalise::profile_slug),
    })
}
