//! Which CRM contact a LinkedIn member is. Rules, first decisive one wins:
//! exact e-mail; LinkedIn profile URL (when the tenant keeps one on
//! contacts); normalised full name among the contacts of the account the
//! member's company points to (by account name or website domain).
//!
//! Name similarity is Jaro-Winkler (strsim), taken on the given and the
//! family name separately and keeping the lower of the two. Jaro-Winkler
//! suits short person names: it tolerates transpositions and dropped
//! letters ("Jonh", "Jon" vs "John") and weighs the shared start that names
//! usually keep, where normalised Levenshtein over-penalises any edit in a
//! four-letter word. Scoring each part on its own stops a shared first name
//! from carrying a different surname over the threshold ("Maria Lopez" vs
//! "Maria Lorenzo" scores ~0.93 as one string, 0.78 here).
//!
//! A decision never guesses: several contacts within `tie_margin` of the
//! best (all above `name_threshold`), or one e-mail on several contacts, is
//! a tie and stays unmatched with every candidate recorded.

mod index;
pub mod normalise;

use index::{AccountFields, BlockingIndex, ContactFields, Idx, IndexBuilder};
use rusqlite::Connection;
use strsim::jaro_winkler;

use crate::config::MatchingConfig;
use crate::store::StoreError;
use crate::store::activities::NewActivity;
use crate::store::match_rows;
use crate::store::mirror::{Account, Contact};
use crate::store::reason::Reason;
use crate::store::unresolved::Candidate;

/// How many ranked candidates a decision keeps for the unresolved queue.
pub(crate) const MAX_CANDIDATES: usize = 5;

/// Contacts read from the store per chunk: enough to keep every core
/// busy normalising, small next to the index. A chunk's rows and keys
/// are resident while the index grows: at 16,384 they added 7 MB to the
/// peak of indexing a million contacts, and the build was no faster.
const STORE_CHUNK: usize = 4_096;

/// Below this a look-alike is not worth showing as a candidate.
const CANDIDATE_FLOOR: f64 = 0.75;

/// The member side of a match: what the workspace knows about the person.
#[derive(Debug, Clone, Copy, Default)]
pub struct Member<'a> {
    pub name: &'a str,
    pub company: Option<&'a str>,
    pub email: Option<&'a str>,
    pub profile_url: Option<&'a str>,
}

impl<'a> From<&'a NewActivity> for Member<'a> {
    fn from(a: &'a NewActivity) -> Self {
        Member {
            name: &a.member_name,
            company: a.member_company.as_deref(),
            email: a.member_email.as_deref(),
            profile_url: a.member_profile_url.as_deref(),
        }
    }
}

/// The outcome for one member, kept with the activity and the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub contactid: Option<String>,
    /// The account the member belongs to when exactly one was found (by the
    /// matched contact or the company); prefills a contact created later.
    pub accountid: Option<String>,
    pub reason: Reason,
    /// Best first, at most [`MAX_CANDIDATES`].
    pub candidates: Vec<Candidate>,
}

/// Scores are kept to three decimals: what the queue shows and stores.
fn round3(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

/// The contacts and accounts of a tenant, indexed once for many decisions.
pub struct Matcher {
    ix: BlockingIndex,
    cfg: MatchingConfig,
}

impl Matcher {
    pub fn new(contacts: &[Contact], accounts: &[Account], cfg: MatchingConfig) -> Self {
        let mut b = IndexBuilder::default();
        for a in accounts {
            b.account(AccountFields {
                accountid: &a.accountid,
                name: &a.name,
                websiteurl: a.websiteurl.as_deref(),
            });
        }
        let fields: Vec<ContactFields<'_>> = contacts
            .iter()
            .map(|c| ContactFields {
                contactid: &c.contactid,
                fullname: &c.fullname,
                email: c.email.as_deref(),
                parentaccountid: c.parentaccountid.as_deref(),
                linkedin_url: c.linkedin_url.as_deref(),
            })
            .collect();
        b.contacts(&fields);
        Matcher {
            ix: b.finish(),
            cfg,
        }
    }

    /// The matcher of the mirrored tenant, read from the store a chunk
    /// at a time: it never holds the contacts' rows, only their keys.
    pub fn from_store(conn: &Connection, cfg: MatchingConfig) -> Result<Self, StoreError> {
        let mut b = IndexBuilder::default();
        match_rows::accounts(conn, |accountid, name, websiteurl| {
            b.account(AccountFields {
                accountid,
                name,
                websiteurl,
            });
        })?;
        match_rows::contacts(conn, STORE_CHUNK, |chunk| {
            let fields: Vec<ContactFields<'_>> = chunk
                .iter()
                .map(|c| ContactFields {
                    contactid: &c.contactid,
                    fullname: &c.fullname,
                    email: c.email.as_deref(),
                    parentaccountid: c.parentaccountid.as_deref(),
                    linkedin_url: c.linkedin_url.as_deref(),
                })
                .collect();
            b.contacts(&fields);
        })?;
        Ok(Matcher {
            ix: b.finish(),
            cfg,
        })
    }

    pub fn decide(&self, m: &Member<'_>) -> Decision {
        if let Some(e) = m.email.and_then(normalise::email)
            && let hits = self.ix.by_email.get(&e).collect::<Vec<_>>()
            && !hits.is_empty()
        {
            let tie = Reason::SameEmail {
                count: hits.len(),
                email: e.clone(),
            };
            return self.exact(&hits, Reason::Email, tie);
        }
        if let Some(slug) = m.profile_url.and_then(normalise::profile_slug)
            && let hits = self.ix.by_profile.get(&slug).collect::<Vec<_>>()
            && !hits.is_empty()
        {
            let tie = Reason::SameProfileUrl { count: hits.len() };
            return self.exact(&hits, Reason::ProfileUrl, tie);
        }
        self.by_name_and_company(m)
    }

    /// One hit is a match; several sharing the same key are a tie.
    fn exact(&self, hits: &[Idx], reason: Reason, tie: Reason) -> Decision {
        let candidates: Vec<Candidate> = hits
            .iter()
            .take(MAX_CANDIDATES)
            .map(|&i| self.candidate(i, 1.0, reason.clone()))
            .collect();
        if let [only] = hits {
            Decision {
                contactid: Some(self.ix.contact_id(*only)),
                accountid: self.account_id(self.ix.contact_account(*only)),
                reason,
                candidates,
            }
        } else {
            Decision {
                contactid: None,
                accountid: None,
                reason: tie,
                candidates,
            }
        }
    }

    fn by_name_and_company(&self, m: &Member<'_>) -> Decision {
        let name = normalise::person_name(m.name);
        let accounts = self.accounts_of(m);
        let company_label = m.company.map(str::trim).filter(|c| !c.is_empty());

        // Contacts of the member's account(s), scored by name.
        let mut at_company: Vec<(Idx, f64)> = accounts
            .iter()
            .flat_map(|&a| self.ix.at_account(a))
            .map(|&i| (i, name_score(&name, self.ix.contact_name(i))))
            .collect();
        at_company.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

        let single_account = match accounts.as_slice() {
            [a] => self.account_id(Some(*a)),
            _ => None,
        };
        let account_label = match accounts.as_slice() {
            [a] => Some(self.ix.account_name(*a).to_string()),
            _ => company_label.map(str::to_string),
        };

        let threshold = self.cfg.name_threshold;
        if let Some(&(best, best_score)) = at_company.first()
            && best_score >= threshold
        {
            let close = at_company
                .iter()
                .take_while(|(_, s)| *s >= threshold && best_score - *s <= self.cfg.tie_margin)
                .count();
            let candidates = self.ranked(&at_company, |score| Reason::NameCompany { score });
            if close > 1 {
                return Decision {
                    contactid: None,
                    accountid: single_account,
                    reason: Reason::NameTie {
                        count: close,
                        name: m.name.trim().to_string(),
                        account: account_label,
                    },
                    candidates,
                };
            }
            return Decision {
                contactid: Some(self.ix.contact_id(best)),
                accountid: self.account_id(self.ix.contact_account(best)),
                reason: Reason::NameCompany {
                    score: round3(best_score),
                },
                candidates,
            };
        }

        // Unmatched: say why, and suggest look-alikes from the company and,
        // failing that, people with the same family name elsewhere.
        let reason = match (company_label, accounts.is_empty(), at_company.first()) {
            (None, _, _) => Reason::NoCompany,
            (Some(c), true, _) => Reason::NoAccount {
                company: c.to_string(),
            },
            (Some(_), false, Some((_, best))) => Reason::BelowThreshold {
                account: account_label,
                best: round3(*best),
                threshold,
            },
            (Some(_), false, None) => Reason::NoContactAt {
                account: account_label,
            },
        };
        let mut scored = at_company;
        let block = self.ix.family_block(&name);
        if !block.is_empty() {
            // The pool at the company is small: a linear look is cheapest.
            let seen: Vec<Idx> = scored.iter().map(|(i, _)| *i).collect();
            // Blocks are sorted by name (see the index), so equal names are
            // neighbours and each distinct name is scored once.
            let mut last: Option<(u32, f64)> = None;
            for &(other, i) in block.iter().filter(|(_, i)| !seen.contains(i)) {
                let score = match last {
                    Some((n, s)) if n == other => s,
                    _ => name_score(&name, self.ix.name(other)),
                };
                last = Some((other, score));
                if score >= CANDIDATE_FLOOR {
                    scored.push((i, score));
                }
            }
        }
        scored.retain(|(_, s)| *s >= CANDIDATE_FLOOR);
        best_first(&mut scored, MAX_CANDIDATES);
        let candidates = scored
            .iter()
            .take(MAX_CANDIDATES)
            .map(|&(i, s)| {
                let account = self.ix.contact_account(i);
                let score = round3(s);
                let why = if account.is_some_and(|a| accounts.contains(&a)) {
                    Reason::NameCompany { score }
                } else {
                    Reason::NameElsewhere {
                        score,
                        account: account.map(|a| self.ix.account_name(a).to_string()),
                    }
                };
                self.candidate(i, s, why)
            })
            .collect();
        Decision {
            contactid: None,
            accountid: single_account,
            reason,
            candidates,
        }
    }

    /// Accounts the member's company names: by normalised name, by the
    /// company written as a domain ("acme.com"), by the e-mail's domain.
    fn accounts_of(&self, m: &Member<'_>) -> Vec<Idx> {
        let mut out: Vec<Idx> = Vec::new();
        let mut add = |hits: &mut dyn Iterator<Item = Idx>| {
            for a in hits {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        };
        if let Some(company) = m.company.filter(|c| !c.trim().is_empty()) {
            add(&mut self.ix.account_by_key.get(&normalise::company_key(company)));
            if let Some(d) = normalise::website_domain(company) {
                add(&mut self.ix.account_by_domain.get(&d));
            }
        }
        if let Some(d) = m.email.and_then(normalise::email_domain) {
            add(&mut self.ix.account_by_domain.get(&d));
        }
        out
    }

    fn ranked(&self, scored: &[(Idx, f64)], why: impl Fn(f64) -> Reason) -> Vec<Candidate> {
        scored
            .iter()
            .filter(|(_, s)| *s >= CANDIDATE_FLOOR)
            .take(MAX_CANDIDATES)
            .map(|&(i, s)| self.candidate(i, s, why(round3(s))))
            .collect()
    }

    /// The contact's name is not part of the reason: the queue shows it
    /// from the CRM copy next to the reason.
    fn candidate(&self, i: Idx, score: f64, reason: Reason) -> Candidate {
        Candidate {
            contactid: self.ix.contact_id(i),
            score: round3(score),
            reason,
        }
    }

    fn account_id(&self, a: Option<Idx>) -> Option<String> {
        a.map(|a| self.ix.account_id(a))
    }
}

/// `items.iter().map(f)` split across the machine's cores, same order.
/// Below a few thousand items one thread is faster than starting more.
fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 2048 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Puts the `n` best (highest score, then lowest index) first, sorted,
/// without sorting the whole list.
fn best_first(scored: &mut [(Idx, f64)], n: usize) {
    let order = |a: &(Idx, f64), b: &(Idx, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if scored.len() > n {
        scored.select_nth_unstable_by(n, order);
    }
    let head = scored.len().min(n);
    scored[..head].sort_by(order);
}

/// Similarity of two normalised names in [0, 1]: the weaker of given-name
/// and family-name Jaro-Winkler; one-word names compare whole. A swapped
/// order ("Perez Ana" = "Ana Perez") is tried when the initials cross.
///
/// Below [`CANDIDATE_FLOOR`] the value is only an upper bound: the family
/// names are compared first and, when they are already too far apart, the
/// given names are not compared at all. That keeps most pairs of a block
/// to one Jaro-Winkler call.
pub(crate) fn name_score(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if !a.contains(' ') || !b.contains(' ') {
        return jaro_winkler(a, b);
    }
    let (ag, af) = normalise::given_and_family(a);
    let (bg, bf) = normalise::given_and_family(b);
    let both = |g1: &str, g2: &str, f1: &str, f2: &str| {
        let family = jaro_winkler(f1, f2);
        if family < CANDIDATE_FLOOR {
            family
        } else {
            family.min(jaro_winkler(g1, g2))
        }
    };
    let straight = both(ag, bg, af, bf);
    let initial = |s: &str| s.as_bytes().first().copied();
    if straight < 1.0 && initial(ag) == initial(bf) && initial(af) == initial(bg) {
        straight.max(both(ag, bf, af, bg))
    } else {
        straight
    }
}

#[cfg(test)]
mod tests {
    use super::name_score;

    #[test]
    fn name_score_keeps_surnames_apart() {
        assert_eq!(name_score("ana perez", "ana perez"), 1.0);
        assert!(name_score("jon smith", "john smith") > 0.9);
        assert!(name_score("maria lopez", "maria lorenzo") < 0.85);
        assert_eq!(name_score("perez ana", "ana perez"), 1.0);
        assert!(name_score("maria jose garcia", "maria garcia") > 0.99);
    }
}
