//! Contacts: people at the accounts, mostly named after the account's
//! country, with unique mailboxes and (for ~40%) a LinkedIn profile URL in
//! the custom column `new_linkedinprofileurl`.
//!
//! Names are unique per account under the matching key, except for the
//! deliberate duplicate pairs (about one contact in a hundred, at least
//! one pair): two contacts with the same normalised name at the same
//! account, which a name + company match must report as ambiguous.

use std::collections::HashSet;

use serde_json::Value;

use super::accounts::Company;
use super::names::{JOB_TITLES, LOCALES};
use super::text::{drop_accents, name_key, slug};
use super::{Gen, put_owner, put_polymorphic, row, timestamp};
use crate::tenant::Row;

pub(super) struct People {
    pub rows: Vec<Row>,
    pub ids: Vec<String>,
    /// Index of each contact's parent account, if any.
    pub account_of: Vec<Option<usize>>,
    /// Contacts of each account, by account index.
    pub by_account: Vec<Vec<usize>>,
}

const WITH_PROFILE_URL: f64 = 0.4;
const WITH_EMAIL: f64 = 0.9;
const WITHOUT_ACCOUNT: f64 = 0.03;
/// Draws of a taken name before a contact gets a compound surname: far
/// more than a tenant up to `large` ever needs, so their names stay as
/// they were.
const COMPOUND_AFTER: u32 = 1_000;
/// Accounts in the first tenth get this share of contacts on top of their
/// uniform share: a few big customers with many people.
const BIG_CUSTOMER_SKEW: f64 = 0.3;
/// Mailbox providers of contacts with no company.
const FREEMAIL: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "web.de",
    "yahoo.es",
    "hotmail.fr",
];

/// One contact as drawn, before it becomes a row.
struct Draft {
    first: String,
    last: String,
    email: Option<String>,
    profile_url: Option<String>,
    account: Option<usize>,
}

pub(super) fn generate(g: &mut Gen, n: usize, companies: &[Company], owners: &[String]) -> People {
    let pairs = (n / 100).max(1).min(n / 2);
    let mut twinned = vec![false; n - pairs];
    for i in g.sample(n - pairs, pairs) {
        twinned[i] = true;
    }
    let mut taken = Taken::default();
    let mut people = People {
        rows: Vec::with_capacity(n),
        ids: Vec::with_capacity(n),
        account_of: Vec::with_capacity(n),
        by_account: vec![Vec::new(); companies.len()],
    };
    for (k, has_twin) in twinned.into_iter().enumerate() {
        let account = if has_twin || !g.chance(WITHOUT_ACCOUNT) {
            Some(pick_account(g, companies.len()))
        } else {
            None
        };
        let draft = taken.new_person(g, companies, account, k == 0);
        let twin = has_twin.then(|| taken.twin_of(g, companies, &draft));
        people.push(g, draft, companies, owners);
        if let Some(twin) = twin {
            people.push(g, twin, companies, owners);
        }
    }
    people
}

fn pick_account(g: &mut Gen, n: usize) -> usize {
    if g.chance(BIG_CUSTOMER_SKEW) {
        g.index(n.div_ceil(10))
    } else {
        g.index(n)
    }
}

/// Names per account, mailboxes and profile URLs already handed out.
#[derive(Default)]
struct Taken {
    names: HashSet<(Option<usize>, String)>,
    emails: HashSet<String>,
    urls: HashSet<String>,
}

impl Taken {
    /// A contact whose name is new at `account`; with `quoted` the surname
    /// has an apostrophe (see `accounts::Names::independent`).
    fn new_person(
        &mut self,
        g: &mut Gen,
        companies: &[Company],
        account: Option<usize>,
        quoted: bool,
    ) -> Draft {
        let home = account.map(|a| companies[a].locale);
        let mut tries = 0u32;
        let (first, last) = loop {
            let locale = match home {
                Some(l) if g.chance(0.8) => l,
                _ => g.index(LOCALES.len()),
            };
            let l = &LOCALES[locale];
            let (first, mut last) = (g.pick(l.first), g.pick(l.last).to_owned());
            if quoted && !last.contains('\'') {
                continue;
            }
            // A bucket that has used up the single surnames (the contacts
            // without an account of an xl tenant: tens of thousands against
            // a few thousand names) takes two, as Spanish names do.
            tries += 1;
            if tries > COMPOUND_AFTER {
                last = format!("{last} {}", g.pick(l.last));
            }
            if self
                .names
                .insert((account, name_key(&format!("{first} {last}"))))
            {
                break (first.to_owned(), last);
            }
        };
        let email = g.chance(WITH_EMAIL).then(|| {
            let domain = domain_of(g, companies, account);
            self.mailbox(g, &first, &last, domain)
        });
        let profile_url = g
            .chance(WITH_PROFILE_URL)
            .then(|| self.profile_url(g, &first, &last));
        Draft {
            first,
            last,
            email,
            profile_url,
            account,
        }
    }

    /// A second contact with the same normalised name at the same account:
    /// written identically or with the accents dropped, with its own
    /// mailbox (or none) and no profile URL.
    fn twin_of(&mut self, g: &mut Gen, companies: &[Company], draft: &Draft) -> Draft {
        let (first, last) = if g.chance(0.5) {
            (draft.first.clone(), draft.last.clone())
        } else {
            (drop_accents(&draft.first), drop_accents(&draft.last))
        };
        let email = g.chance(0.5).then(|| {
            let domain = domain_of(g, companies, draft.account);
            self.mailbox(g, &first, &last, domain)
        });
        Draft {
            first,
            last,
            email,
            profile_url: None,
            account: draft.account,
        }
    }

    fn mailbox(&mut self, g: &mut Gen, first: &str, last: &str, domain: String) -> String {
        let (f, l) = (slug(first, ""), slug(last, ""));
        let initial = f.chars().next().map(String::from).unwrap_or_default();
        let local = match g.weighted(&[60, 20, 10, 10]) {
            0 => format!("{f}.{l}"),
            1 => format!("{initial}.{l}"),
            2 => format!("{f}{l}"),
            _ => format!("{f}.{}", l.chars().next().unwrap_or('x')),
        };
        let mut email = format!("{local}@{domain}");
        let mut n = 2;
        while !self.emails.insert(email.clone()) {
            email = format!("{local}{n}@{domain}");
            n += 1;
        }
        email
    }

    fn profile_url(&mut self, g: &mut Gen, first: &str, last: &str) -> String {
        let name = slug(&format!("{first} {last}"), "-");
        loop {
            let url = format!(
                "https://www.linkedin.com/in/{name}-{:08x}",
                g.between(0, 1 << 32)
            );
            if self.urls.insert(url.clone()) {
                return url;
            }
        }
    }
}

fn domain_of(g: &mut Gen, companies: &[Company], account: Option<usize>) -> String {
    match account {
        Some(a) => companies[a].domain.clone(),
        None => g.pick(FREEMAIL).to_owned(),
    }
}

impl People {
    fn push(&mut self, g: &mut Gen, d: Draft, companies: &[Company], owners: &[String]) {
        let id = g.guid();
        let owner = match d.account {
            Some(a) if g.chance(0.7) => companies[a].owner.clone(),
            _ => owners[g.index(owners.len())].clone(),
        };
        let title = g.chance(0.9).then(|| g.pick(JOB_TITLES));
        let (created, modified) = g.lifetime(1_200);
        let mut r = row([
            ("contactid", id.clone().into()),
            ("firstname", d.first.as_str().into()),
            ("lastname", d.last.as_str().into()),
            ("fullname", format!("{} {}", d.first, d.last).into()),
            ("emailaddress1", d.email.map_or(Value::Null, Into::into)),
            ("jobtitle", title.map_or(Value::Null, Into::into)),
        ]);
        put_polymorphic(
            &mut r,
            "parentcustomerid",
            d.account.map(|a| ("account", companies[a].id.as_str())),
        );
        r.insert(
            "new_linkedinprofileurl".into(),
            d.profile_url.map_or(Value::Null, Into::into),
        );
        put_owner(&mut r, &owner);
        r.insert("statecode".into(), 0.into());
        r.insert("statuscode".into(), 1.into());
        r.insert("createdon".into(), timestamp(created).into());
        r.insert("modifiedon".into(), timestamp(modified).into());

        if let Some(a) = d.account {
            self.by_account[a].push(self.ids.len());
        }
        self.rows.push(r);
        self.ids.push(id);
        self.account_of.push(d.account);
    }
}
