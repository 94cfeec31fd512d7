//! The endless, seeded stream of InMails, messages and notes that seat
//! holders write to members, each labelled with how its member relates to
//! the CRM (the ground truth a matcher is judged against).
//!
//! Intended member mix ([`CASE_WEIGHTS`]):
//! - 35% exact e-mail of a CRM contact;
//! - 15% no e-mail, but the profile URL in a contact's `new_linkedinprofileurl`;
//! - 25% name + company only, written with one [`Variation`];
//! - 5% ambiguous: the name + company of a duplicate pair of contacts;
//! - 20% not in the CRM (half of them at a company that is a CRM account).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::names::{EVENTS, JOB_TITLES, LOCALES, OUTSIDE_BRANDS};
use super::text::{drop_accents, has_accent, name_key, slug, words};
use super::{Gen, NOW, timestamp};
use crate::tenant::{ActivitySeed, Row, Tenant};

/// Exact e-mail, profile URL, name + company, ambiguous, not in CRM.
const CASE_WEIGHTS: [u32; 5] = [35, 15, 25, 5, 20];
/// InMail, message, note.
const KIND_WEIGHTS: [u32; 3] = [40, 40, 20];
const KINDS: [&str; 3] = ["inmail", "message", "note"];
/// Share of items the seat holder keeps out of the CRM.
const KEPT_OUT: f64 = 0.1;
/// Mixed into the seed so the stream does not replay the tenant's draws.
const STREAM_SALT: u64 = 0x0AC7_1D17_5EED_0001;

/// How the member behind an activity relates to the CRM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    /// `member_email` is exactly this contact's `emailaddress1`.
    ExactEmail { contactid: String },
    /// No e-mail; `member_profile_url` is this contact's `new_linkedinprofileurl`.
    ProfileUrl { contactid: String },
    /// Only name + company point at this contact, written with `variation`.
    NameCompany {
        contactid: String,
        variation: Variation,
    },
    /// Name + company fit both contacts of a duplicate pair equally.
    Ambiguous { contactids: [String; 2] },
    /// Nobody in the CRM; `accountid` when the member's company is an account.
    NotInCrm { accountid: Option<String> },
}

/// How a name + company member differs from the CRM's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variation {
    /// Name in upper or lower case.
    Case,
    /// Accents dropped from name and company ("Jose Garcia").
    AccentsDropped,
    /// Legal suffix punctuated differently ("Inc." vs "Inc", "S.L." vs "SL").
    SuffixPunctuation,
    /// One letter of the surname wrong.
    Typo,
    /// The company under a close variant of its name (suffix dropped or
    /// spelled out, "&" written "and").
    RenamedCompany,
    /// The company given as its web domain only ("nordlicht-logistik.de").
    WebsiteDomain,
}

const VARIATIONS: [Variation; 6] = [
    Variation::Case,
    Variation::AccentsDropped,
    Variation::SuffixPunctuation,
    Variation::Typo,
    Variation::RenamedCompany,
    Variation::WebsiteDomain,
];

/// An activity and the truth about its member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledActivity {
    pub activity: ActivitySeed,
    pub truth: Truth,
}

/// A CRM contact as the stream needs it.
struct Known {
    id: String,
    first: String,
    last: String,
    email: Option<String>,
    url: Option<String>,
    title: Option<String>,
    account: Option<usize>,
}

/// A CRM account as the stream needs it.
struct KnownCompany {
    id: String,
    name: String,
    domain: String,
}

/// What a generated member looks like, before it becomes an activity.
struct Member {
    name: String,
    first: String,
    company: Option<String>,
    title: Option<String>,
    email: Option<String>,
    url: Option<String>,
    truth: Truth,
}

/// Endless, deterministic from the seed and the tenant it was built from.
pub struct ActivityStream {
    g: Gen,
    n: u64,
    clock: i64,
    seats: Vec<String>,
    contacts: Vec<Known>,
    companies: Vec<KnownCompany>,
    with_email: Vec<usize>,
    with_url: Vec<usize>,
    /// Contacts with an account that are not half of a duplicate pair.
    unique_at_account: Vec<usize>,
    pairs: Vec<[usize; 2]>,
    /// (account, name key) of every contact, to keep variants unambiguous.
    names: HashSet<(usize, String)>,
    emails: HashSet<String>,
    urls: HashSet<String>,
}

fn text(row: &Row, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_owned)
}

impl ActivityStream {
    pub fn new(tenant: &Tenant, seed: u64) -> Self {
        let companies: Vec<KnownCompany> = tenant
            .accounts
            .iter()
            .map(|r| KnownCompany {
                id: text(r, "accountid").unwrap_or_default(),
                name: text(r, "name").unwrap_or_default(),
                domain: text(r, "websiteurl")
                    .unwrap_or_default()
                    .trim_start_matches("https://")
                    .trim_start_matches("www.")
                    .to_owned(),
            })
            .collect();
        let account_index: HashMap<&str, usize> = companies
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let contacts: Vec<Known> = tenant
            .contacts
            .iter()
            .map(|r| Known {
                id: text(r, "contactid").unwrap_or_default(),
                first: text(r, "firstname").unwrap_or_default(),
                last: text(r, "lastname").unwrap_or_default(),
                email: text(r, "emailaddress1"),
                url: text(r, "new_linkedinprofileurl"),
                title: text(r, "jobtitle"),
                account: text(r, "_parentcustomerid_value")
                    .and_then(|id| account_index.get(id.as_str()).copied()),
            })
            .collect();

        let mut first_with_name: HashMap<(usize, String), usize> = HashMap::new();
        let mut pairs = Vec::new();
        let mut in_pair = vec![false; contacts.len()];
        for (i, c) in contacts.iter().enumerate() {
            let Some(a) = c.account else { continue };
            let key = (a, name_key(&format!("{} {}", c.first, c.last)));
            if let Some(&j) = first_with_name.get(&key) {
                pairs.push([j, i]);
                in_pair[i] = true;
                in_pair[j] = true;
            } else {
                first_with_name.insert(key, i);
            }
        }
        let indices = |keep: &dyn Fn(usize, &Known) -> bool| -> Vec<usize> {
            contacts
                .iter()
                .enumerate()
                .filter(|(i, c)| keep(*i, c))
                .map(|(i, _)| i)
                .collect()
        };
        let with_email = indices(&|_, c| c.email.is_some());
        let with_url = indices(&|_, c| c.url.is_some());
        let unique_at_account = indices(&|i, c| c.account.is_some() && !in_pair[i]);

        Self {
            g: Gen::new(seed ^ STREAM_SALT),
            n: 0,
            clock: NOW + 3_600,
            seats: tenant.seats.iter().map(|s| s.member_id.clone()).collect(),
            emails: contacts.iter().filter_map(|c| c.email.clone()).collect(),
            urls: contacts.iter().filter_map(|c| c.url.clone()).collect(),
            names: first_with_name.into_keys().collect(),
            with_email,
            with_url,
            unique_at_account,
            pairs,
            contacts,
            companies,
        }
    }

    /// The next activity with the truth about its member.
    pub fn next_labelled(&mut self) -> LabelledActivity {
        self.n += 1;
        self.clock += self.g.between(30, 900);
        let member = match self.g.weighted(&CASE_WEIGHTS) {
            0 => self.exact_email(),
            1 => self.profile_url(),
            2 => self.name_company(),
            3 => self.ambiguous(),
            _ => None,
        };
        let member = member.unwrap_or_else(|| self.not_in_crm());
        let kind = KINDS[self.g.weighted(&KIND_WEIGHTS)];
        let (subject, body) = self.texts(kind, &member);
        LabelledActivity {
            activity: ActivitySeed {
                external_id: format!("ws-act-{}", self.n),
                seat_member_id: self.seats[self.g.index(self.seats.len())].clone(),
                kind,
                member_name: member.name,
                member_company: member.company,
                member_title: member.title,
                member_email: member.email,
                member_profile_url: member.url,
                subject,
                body,
                occurred_at: timestamp(self.clock),
                copy_to_crm: !self.g.chance(KEPT_OUT),
            },
            truth: member.truth,
        }
    }

    fn pick_from(&mut self, pool: &[usize]) -> Option<usize> {
        (!pool.is_empty()).then(|| pool[self.g.index(pool.len())])
    }

    /// The member exactly as the CRM has the contact.
    fn as_in_crm(&self, i: usize, truth: Truth) -> Member {
        let c = &self.contacts[i];
        Member {
            name: format!("{} {}", c.first, c.last),
            first: c.first.clone(),
            company: c.account.map(|a| self.companies[a].name.clone()),
            title: c.title.clone(),
            email: None,
            url: None,
            truth,
        }
    }

    fn exact_email(&mut self) -> Option<Member> {
        let pool = std::mem::take(&mut self.with_email);
        let i = self.pick_from(&pool);
        self.with_email = pool;
        let i = i?;
        let c = &self.contacts[i];
        let mut m = self.as_in_crm(
            i,
            Truth::ExactEmail {
                contactid: c.id.clone(),
            },
        );
        m.email = c.email.clone();
        m.url = c.url.clone();
        Some(m)
    }

    fn profile_url(&mut self) -> Option<Member> {
        let pool = std::mem::take(&mut self.with_url);
        let i = self.pick_from(&pool);
        self.with_url = pool;
        let i = i?;
        let c = &self.contacts[i];
        let mut m = self.as_in_crm(
            i,
            Truth::ProfileUrl {
                contactid: c.id.clone(),
            },
        );
        m.url = c.url.clone();
        Some(m)
    }

    fn ambiguous(&mut self) -> Option<Member> {
        if self.pairs.is_empty() {
            return None;
        }
        let pair = self.pairs[self.g.index(self.pairs.len())];
        let i = pair[self.g.index(2)];
        let contactids = pair.map(|j| self.contacts[j].id.clone());
        Some(self.as_in_crm(i, Truth::Ambiguous { contactids }))
    }

    /// Name + company of a contact, written with a variation the contact
    /// supports (an accent to drop, a suffix to punctuate differently);
    /// falls back to a change of case when a few draws find none.
    fn name_company(&mut self) -> Option<Member> {
        let pool = std::mem::take(&mut self.unique_at_account);
        let wanted = VARIATIONS[self.g.index(VARIATIONS.len())];
        let mut found = None;
        for _ in 0..40 {
            let Some(i) = self.pick_from(&pool) else {
                break;
            };
            if let Some(m) = self.vary(i, wanted) {
                found = Some(m);
                break;
            }
        }
        if found.is_none()
            && let Some(i) = self.pick_from(&pool)
        {
            found = self.vary(i, Variation::Case);
        }
        self.unique_at_account = pool;
        found
    }

    fn vary(&mut self, i: usize, variation: Variation) -> Option<Member> {
        let c = &self.contacts[i];
        let a = c.account?;
        let company = &self.companies[a];
        let (mut first, mut last, mut company_name) =
            (c.first.clone(), c.last.clone(), company.name.clone());
        match variation {
            Variation::Case => {
                let upper = self.g.chance(0.5);
                let change = |s: &str| {
                    if upper {
                        s.to_uppercase()
                    } else {
                        s.to_lowercase()
                    }
                };
                (first, last) = (change(&first), change(&last));
            }
            Variation::AccentsDropped => {
                if !has_accent(&format!("{first} {last} {company_name}")) {
                    return None;
                }
                (first, last, company_name) = (
                    drop_accents(&first),
                    drop_accents(&last),
                    drop_accents(&company_name),
                );
            }
            Variation::SuffixPunctuation => company_name = repunctuate(&company_name)?,
            Variation::Typo => {
                last = self.typo(&last)?;
                let key = name_key(&format!("{first} {last}"));
                if self.names.contains(&(a, key)) {
                    return None;
                }
            }
            Variation::RenamedCompany => company_name = self.rename(&company_name)?,
            Variation::WebsiteDomain => company_name = company.domain.clone(),
        }
        let contactid = self.contacts[i].id.clone();
        let mut m = self.as_in_crm(
            i,
            Truth::NameCompany {
                contactid,
                variation,
            },
        );
        m.name = format!("{first} {last}");
        m.first = first;
        m.company = Some(company_name);
        Some(m)
    }

    /// `s` with one ASCII lowercase letter (not the first) replaced.
    fn typo(&mut self, s: &str) -> Option<String> {
        let mut chars: Vec<char> = s.chars().collect();
        let spots: Vec<usize> = (1..chars.len())
            .filter(|&k| chars[k].is_ascii_lowercase())
            .collect();
        let k = *spots.get(self.g.index(spots.len().max(1)))?;
        let shift = self.g.between(1, 26) as u8;
        chars[k] = char::from(b'a' + (chars[k] as u8 - b'a' + shift) % 26);
        Some(chars.into_iter().collect())
    }

    /// A close variant of a company name: legal suffix dropped or spelled
    /// out, or "&" written "and".
    fn rename(&mut self, name: &str) -> Option<String> {
        let mut options = Vec::new();
        if let Some(suffix) = legal_suffix(name) {
            let base = without_suffix(name);
            options.push(base.to_owned());
            if let Some(long) = long_form(suffix) {
                options.push(format!("{base} {long}"));
            }
        }
        if name.contains(" & ") {
            options.push(name.replace(" & ", " and "));
        }
        self.pick_from(&(0..options.len()).collect::<Vec<_>>())
            .map(|k| options.swap_remove(k))
    }

    /// Someone the CRM does not have: at an account (a new person there)
    /// or at a company the CRM does not know either.
    fn not_in_crm(&mut self) -> Member {
        let locale = &LOCALES[self.g.index(LOCALES.len())];
        let known = (!self.companies.is_empty() && self.g.chance(0.5))
            .then(|| self.g.index(self.companies.len()));
        let (company, domain) = match known {
            Some(a) => (
                self.companies[a].name.clone(),
                self.companies[a].domain.clone(),
            ),
            None => self.unknown_company(),
        };
        let (first, last) = loop {
            let (f, l) = (self.g.pick(locale.first), self.g.pick(locale.last));
            let key = name_key(&format!("{f} {l}"));
            if known.is_none_or(|a| !self.names.contains(&(a, key))) {
                break (f, l);
            }
        };
        let email = self.g.chance(0.5).then(|| {
            let local = format!("{}.{}", slug(first, ""), slug(last, ""));
            let mut email = format!("{local}@{domain}");
            while self.emails.contains(&email) {
                email = format!("{local}{}@{domain}", self.g.between(2, 100));
            }
            email
        });
        let url = self.g.chance(0.5).then(|| self.fresh_url(first, last));
        Member {
            name: format!("{first} {last}"),
            first: first.to_owned(),
            company: Some(company),
            title: Some(self.g.pick(JOB_TITLES).to_owned()),
            email,
            url,
            truth: Truth::NotInCrm {
                accountid: known.map(|a| self.companies[a].id.clone()),
            },
        }
    }

    /// A company no account is, whatever the legal suffix ("Nordsee
    /// Beratung KG" would be the account "Nordsee Beratung GmbH" under
    /// another form): its brand comes from [`OUTSIDE_BRANDS`], which the
    /// account generator never uses, so no draw can hit an account even
    /// when a large tenant has used up every ordinary name.
    fn unknown_company(&mut self) -> (String, String) {
        let l = &LOCALES[self.g.index(LOCALES.len())];
        let base = format!("{} {}", self.g.pick(OUTSIDE_BRANDS), self.g.pick(l.trade));
        let name = format!("{base} {}", self.g.pick(l.suffixes));
        (name, format!("{}.{}", words(&base).join("-"), l.tld))
    }

    fn fresh_url(&mut self, first: &str, last: &str) -> String {
        let name = slug(&format!("{first} {last}"), "-");
        loop {
            let url = format!(
                "https://www.linkedin.com/in/{name}-{:08x}",
                self.g.between(0, 1 << 32)
            );
            if !self.urls.contains(&url) {
                return url;
            }
        }
    }

    fn texts(&mut self, kind: &str, m: &Member) -> (String, String) {
        let (subjects, bodies): (&[&str], &[&str]) = match kind {
            "inmail" => (
                &[
                    "Quick question, {first}",
                    "Idea for {company}",
                    "{company} and your plans for next year",
                    "Introduction",
                    "Following up after {event}",
                ],
                &[
                    "Hi {first}, I noticed {company} is growing its team. Open to a 15-minute call next week?",
                    "Hello {first}, we help teams like {company} cut onboarding time in half. Worth a chat?",
                    "Hi {first}, great to see you at {event}. Could I send over a short proposal?",
                ],
            ),
            "message" => (
                &[
                    "Re: our call",
                    "Thanks for connecting",
                    "Next steps",
                    "Re: pricing",
                    "Demo follow-up",
                ],
                &[
                    "Thanks {first}, I'll send the pricing for {company} by Friday.",
                    "Good talking today, {first}. Shall we book the demo for Tuesday?",
                    "Hi {first}, just checking the proposal reached you.",
                ],
            ),
            _ => (
                &[
                    "Met at {event}",
                    "Call notes",
                    "Budget confirmed",
                    "Referral from a customer",
                    "Decision maker?",
                ],
                &[
                    "{first} owns the budget at {company}; decision expected this quarter.",
                    "Spoke with {first}: interested, wants references from their industry.",
                    "{first} is moving to a new role; ask for the successor at {company}.",
                ],
            ),
        };
        let event = self.g.pick(EVENTS);
        let company = m.company.as_deref().unwrap_or("your team");
        let fill = |t: &str| {
            t.replace("{first}", &m.first)
                .replace("{company}", company)
                .replace("{event}", event)
        };
        (fill(self.g.pick(subjects)), fill(self.g.pick(bodies)))
    }
}

impl Iterator for ActivityStream {
    type Item = ActivitySeed;

    fn next(&mut self) -> Option<ActivitySeed> {
        Some(self.next_labelled().activity)
    }
}

impl Tenant {
    /// The first `n` activities of the stream for `seed`.
    pub fn activities(&self, seed: u64, n: usize) -> Vec<ActivitySeed> {
        ActivityStream::new(self, seed).take(n).collect()
    }
}

/// The legal suffix `name` ends with, the longest one that fits.
fn legal_suffix(name: &str) -> Option<&'static str> {
    LOCALES
        .iter()
        .flat_map(|l| l.suffixes.iter().copied())
        .filter(|s| name.ends_with(&format!(" {s}")))
        .max_by_key(|s| s.len())
}

/// `name` without its legal suffix.
pub(super) fn without_suffix(name: &str) -> &str {
    legal_suffix(name).map_or(name, |s| &name[..name.len() - s.len() - 1])
}

/// The name with its legal suffix punctuated the other way.
fn repunctuate(name: &str) -> Option<String> {
    let suffix = legal_suffix(name)?;
    let other = if suffix.contains('.') {
        suffix.replace('.', "")
    } else if matches!(suffix, "Ltd" | "Inc" | "Co" | "Corp") {
        format!("{suffix}.")
    } else if matches!(suffix, "SA" | "SAS" | "SARL" | "LLC" | "BV" | "NV") {
        suffix.chars().map(|c| format!("{c}.")).collect()
    } else {
        return None;
    };
    (other != suffix).then(|| format!("{} {other}", without_suffix(name)))
}

fn long_form(suffix: &str) -> Option<&'static str> {
    Some(match suffix {
        "Inc." => "Incorporated",
        "Ltd" => "Limited",
        "Corp." => "Corporation",
        "Co." => "Company",
        "LLC" => "Limited Liability Company",
        "S.A." | "SA" => "Sociedad Anónima",
        "S.L." => "Sociedad Limitada",
        "Ltda." => "Limitada",
        _ => return None,
    })
}
