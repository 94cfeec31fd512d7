//! The organisation, its system users (people and application users) and
//! the workspace seats, whose overlap with the users is what "In CRM" and
//! "assign seats from CRM" are about.

use std::collections::HashSet;

use serde_json::Value;

use super::names::{LOCALES, ORG_NAMES, OTHER_APPS};
use super::text::slug;
use super::{Gen, row, timestamp};
use crate::tenant::{Identity, Organization, Row, SeatSeed};

/// The tenant's own organisation and the mail domain of its staff.
pub(super) struct Org {
    pub organization: Organization,
    pub domain: &'static str,
}

pub(super) fn organization(g: &mut Gen) -> Org {
    let (name, domain) = g.pick(ORG_NAMES);
    let organization = Organization {
        organization_id: g.guid(),
        name: name.to_owned(),
        version: format!(
            "9.2.{}.{:05}",
            g.between(24_011, 25_123),
            g.between(100, 3_000)
        ),
        is_sandbox: false,
    };
    Org {
        organization,
        domain,
    }
}

/// A person with a mailbox at the organisation.
#[derive(Clone)]
pub(super) struct Person {
    pub id: String,
    pub fullname: String,
    pub email: String,
}

pub(super) struct Staff {
    pub identity: Identity,
    pub rows: Vec<Row>,
    pub admin: Person,
    /// Enabled interactive users who own CRM rows.
    pub sellers: Vec<Person>,
    /// Every mailbox in use, so seat holders outside the CRM get new ones.
    taken: HashSet<String>,
}

/// Invents distinct people with mailboxes at one domain.
struct Mailboxes<'a> {
    domain: &'a str,
    taken: HashSet<String>,
}

impl Mailboxes<'_> {
    /// A new (first, last, email) whose mailbox nobody has yet.
    fn person(&mut self, g: &mut Gen) -> (&'static str, &'static str, String) {
        let locale = &LOCALES[g.index(LOCALES.len())];
        let (first, last) = (g.pick(locale.first), g.pick(locale.last));
        let local = format!("{}.{}", slug(first, ""), slug(last, ""));
        let mut email = format!("{local}@{}", self.domain);
        let mut n = 2;
        while !self.taken.insert(email.clone()) {
            email = format!("{local}{n}@{}", self.domain);
            n += 1;
        }
        (first, last, email)
    }
}

pub(super) fn staff(g: &mut Gen, org: &Org, sellers: usize, disabled: usize) -> Staff {
    let mut boxes = Mailboxes {
        domain: org.domain,
        taken: HashSet::new(),
    };
    let tenant_id = g.guid();
    let client_id = g.guid();
    let client_secret = secret(g);
    let mut rows = Vec::with_capacity(2 + sellers + disabled + OTHER_APPS.len());

    let integration = app_user_row(g, "# navsync integration", &client_id, org.domain);
    let application_user_id = id_of(&integration);
    rows.push(integration);

    let mut person = |g: &mut Gen, rows: &mut Vec<Row>, is_disabled: bool| {
        let (first, last, email) = boxes.person(g);
        let id = g.guid();
        let fullname = format!("{first} {last}");
        rows.push(user_row(g, &id, first, last, &email, is_disabled));
        Person {
            id,
            fullname,
            email,
        }
    };
    let admin = person(g, &mut rows, false);
    let sellers: Vec<Person> = (0..sellers).map(|_| person(g, &mut rows, false)).collect();
    for _ in 0..disabled {
        person(g, &mut rows, true);
    }
    for app in OTHER_APPS {
        let app_id = g.guid();
        rows.push(app_user_row(g, app, &app_id, org.domain));
    }

    Staff {
        identity: Identity {
            tenant_id,
            client_id,
            client_secret,
            application_user_id,
            admin_user_id: admin.id.clone(),
        },
        rows,
        admin,
        sellers,
        taken: boxes.taken,
    }
}

fn id_of(row: &Row) -> String {
    row.get("systemuserid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A client secret shaped like the ones Entra ID issues: 40 characters,
/// a three-character hint then `8Q~`, from the URL-safe alphabet (`~`, `.`,
/// `-` and `_` included, so form encoding is exercised).
fn secret(g: &mut Gen) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const ALL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~.-_";
    let mut s: String = (0..3).map(|_| char::from(g.pick(ALNUM))).collect();
    s.push_str("8Q~");
    s.extend((0..34).map(|_| char::from(g.pick(ALL))));
    s
}

fn user_row(g: &mut Gen, id: &str, first: &str, last: &str, email: &str, disabled: bool) -> Row {
    let (created, modified) = g.lifetime(1_500);
    row([
        ("systemuserid", id.into()),
        ("fullname", format!("{first} {last}").into()),
        ("firstname", first.into()),
        ("lastname", last.into()),
        ("internalemailaddress", email.into()),
        ("domainname", email.into()),
        ("isdisabled", disabled.into()),
        ("accessmode", 0.into()),
        ("applicationid", Value::Null),
        ("azureactivedirectoryobjectid", g.guid().into()),
        ("createdon", timestamp(created).into()),
        ("modifiedon", timestamp(modified).into()),
    ])
}

/// An application user: `#`-prefixed name, access mode 4
/// (non-interactive), bound to an app registration by `applicationid`.
fn app_user_row(g: &mut Gen, fullname: &str, application_id: &str, domain: &str) -> Row {
    let id = g.guid();
    let mailbox = format!("{}@{domain}", slug(fullname, "-"));
    let (created, modified) = g.lifetime(700);
    row([
        ("systemuserid", id.into()),
        ("fullname", fullname.into()),
        ("firstname", "#".into()),
        ("lastname", fullname.trim_start_matches("# ").into()),
        ("internalemailaddress", mailbox.clone().into()),
        ("domainname", mailbox.into()),
        ("isdisabled", false.into()),
        ("accessmode", 4.into()),
        ("applicationid", application_id.into()),
        ("azureactivedirectoryobjectid", g.guid().into()),
        ("createdon", timestamp(created).into()),
        ("modifiedon", timestamp(modified).into()),
    ])
}

/// The share of sellers holding a seat matched to their CRM user; the
/// rest are the candidates for "assign seats from CRM".
const SELLERS_WITH_SEAT: f64 = 0.6;

/// Workspace seats: the admin's (admin licence), ~60% of the sellers
/// (matched by `crm_systemuserid`), and a few holders who are not CRM users
/// at all (about one for ten sellers). At least one seller keeps no seat,
/// and both licences and both editions always occur.
pub(super) fn seats(g: &mut Gen, org: &Org, staff: &Staff) -> Vec<SeatSeed> {
    let n = staff.sellers.len();
    let with_seat = ((n as f64 * SELLERS_WITH_SEAT).round() as usize).clamp(1, n.saturating_sub(1));
    let mut holders: Vec<(Person, bool)> = vec![(staff.admin.clone(), true)];
    holders.extend(
        g.sample(n, with_seat)
            .into_iter()
            .map(|i| (staff.sellers[i].clone(), true)),
    );
    let mut boxes = Mailboxes {
        domain: org.domain,
        taken: staff.taken.clone(),
    };
    for _ in 0..(n / 10).max(1) {
        let (first, last, email) = boxes.person(g);
        let outsider = Person {
            id: String::new(),
            fullname: format!("{first} {last}"),
            email,
        };
        holders.push((outsider, false));
    }
    g.shuffle(&mut holders);

    let mut seats: Vec<SeatSeed> = holders
        .into_iter()
        .enumerate()
        .map(|(i, (p, in_crm))| {
            let is_admin = p.id == staff.admin.id || g.chance(0.08);
            SeatSeed {
                member_id: format!("{}", 100_000_000 + i * 1_000 + g.index(1_000)),
                licence: if is_admin { "admin" } else { "member" },
                edition: if g.chance(0.7) { "enterprise" } else { "team" },
                name: p.fullname,
                email: p.email,
                crm_systemuserid: in_crm.then_some(p.id),
            }
        })
        .collect();
    ensure_both_editions(&mut seats);
    seats
}

/// A tiny tenant may draw one edition only; flip a seat so both show.
fn ensure_both_editions(seats: &mut [SeatSeed]) {
    for edition in ["team", "enterprise"] {
        if !seats.iter().any(|s| s.edition == edition)
            && let Some(seat) = seats.last_mut()
        {
            seat.edition = edition;
        }
    }
}
