//! Accounts: companies with a country, a legal suffix and a website made
//! from their name; about one in ten is a subsidiary of an earlier account.

use std::collections::HashSet;

use super::names::{LOCALES, Locale};
use super::text::{name_key, slug, words};
use super::{Gen, put_lookup, put_owner, row, timestamp};
use crate::tenant::Row;

/// What later generators need to know about an account.
pub(super) struct Company {
    pub id: String,
    /// Full name, legal suffix included ("Nordlicht Logistik GmbH").
    pub name: String,
    /// The name without its legal suffix ("Nordlicht Logistik").
    pub base: String,
    /// Index into [`LOCALES`].
    pub locale: usize,
    /// Web host without `www.` ("nordlicht-logistik.de").
    pub domain: String,
    pub owner: String,
}

pub(super) struct Companies {
    pub rows: Vec<Row>,
    pub list: Vec<Company>,
}

const SUBSIDIARY_SHARE: f64 = 0.1;

/// Words that tell apart two companies that drew the same name.
const QUALIFIERS: &[&str] = &["Group", "Partners", "Holding", "International", "Solutions"];

pub(super) fn generate(g: &mut Gen, n: usize, owners: &[String]) -> Companies {
    let mut names = Names::default();
    let mut list: Vec<Company> = Vec::with_capacity(n);
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(n);
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let parent = (i >= 4 && g.chance(SUBSIDIARY_SHARE))
            .then(|| g.index(i))
            .filter(|&p| parents[p].is_none());
        let (locale, base, parent) = match parent.and_then(|p| names.subsidiary(g, &list[p])) {
            Some((locale, base)) => (locale, base, parent),
            None => {
                let (locale, base) = names.independent(g, i == 0);
                (locale, base, None)
            }
        };
        let l = &LOCALES[locale];
        let suffix = g.pick(l.suffixes);
        let domain = names.domain(&base, l);
        let owner = owners[g.index(owners.len())].clone();
        let company = Company {
            id: g.guid(),
            name: format!("{base} {suffix}"),
            base,
            locale,
            domain,
            owner,
        };
        let (created, modified) = g.lifetime(1_400);
        let mut r = row([
            ("accountid", company.id.clone().into()),
            ("name", company.name.clone().into()),
            (
                "websiteurl",
                format!("https://www.{}", company.domain).into(),
            ),
        ]);
        put_lookup(
            &mut r,
            "parentaccountid",
            parent.map(|p| list[p].id.as_str()),
        );
        put_owner(&mut r, &company.owner);
        r.insert("statecode".into(), 0.into());
        r.insert("statuscode".into(), 1.into());
        r.insert("createdon".into(), timestamp(created).into());
        r.insert("modifiedon".into(), timestamp(modified).into());
        rows.push(r);
        parents.push(parent);
        list.push(company);
    }
    Companies { rows, list }
}

/// Company names and domains handed out so far, so none repeats under the
/// matching key (a repeat would be an unintended ambiguity).
#[derive(Default)]
struct Names {
    keys: HashSet<String>,
    domains: HashSet<String>,
}

impl Names {
    fn claim(&mut self, base: &str) -> bool {
        self.keys.insert(name_key(base))
    }

    /// A new independent company: "<brand> <trade>", "<last> & <last>" or
    /// "<last> <trade>", qualified when the plain forms are used up. With
    /// `quoted` the name has an apostrophe, so that even the tiny tenant
    /// exercises quote doubling in OData `$filter` strings.
    fn independent(&mut self, g: &mut Gen, quoted: bool) -> (usize, String) {
        let mut attempt = 0;
        loop {
            let locale = g.index(LOCALES.len());
            let l = &LOCALES[locale];
            let mut base = match g.weighted(&[50, 20, 30]) {
                0 => format!("{} {}", g.pick(l.brand), g.pick(l.trade)),
                1 => format!("{} & {}", g.pick(l.last), g.pick(l.last)),
                _ => format!("{} {}", g.pick(l.last), g.pick(l.trade)),
            };
            if attempt >= 8 {
                base = format!("{base} {}", g.pick(QUALIFIERS));
            }
            if attempt >= 30 {
                base = format!("{base} {attempt}");
            }
            if quoted && !base.contains('\'') {
                continue;
            }
            if self.claim(&base) {
                return (locale, base);
            }
            attempt += 1;
        }
    }

    /// The parent's name plus the region of another country, if not taken.
    fn subsidiary(&mut self, g: &mut Gen, parent: &Company) -> Option<(usize, String)> {
        let locale = g.index(LOCALES.len());
        (locale != parent.locale)
            .then(|| format!("{} {}", parent.base, LOCALES[locale].region))
            .filter(|base| self.claim(base))
            .map(|base| (locale, base))
    }

    /// The web host: the name's words run together when short, hyphenated
    /// when long, and a country-code top-level domain.
    fn domain(&mut self, base: &str, l: &Locale) -> String {
        let joined = words(base).concat();
        let label = if joined.len() <= 16 {
            joined
        } else {
            slug(base, "-")
        };
        let mut domain = format!("{label}.{}", l.tld);
        let mut n = 2;
        while !self.domains.insert(domain.clone()) {
            domain = format!("{label}{n}.{}", l.tld);
            n += 1;
        }
        domain
    }
}
