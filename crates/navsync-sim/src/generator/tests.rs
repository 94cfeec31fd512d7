use std::collections::{HashMap, HashSet};
use std::time::Instant;

use serde_json::Value;

use super::activity::without_suffix;
use super::names;
use super::opportunities::STEP_NAMES;
use super::text::{self, name_key};
use super::*;
use crate::tenant::ActivitySeed;

fn s<'a>(row: &'a Row, key: &str) -> Option<&'a str> {
    row.get(key).and_then(Value::as_str)
}

fn i(row: &Row, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or(-1)
}

fn ids<'a>(rows: &'a [Row], key: &str) -> HashSet<&'a str> {
    rows.iter().filter_map(|r| s(r, key)).collect()
}

fn debug(t: &Tenant) -> String {
    format!("{t:?}")
}

#[test]
fn same_seed_same_tenant_and_stream_other_seed_differs() {
    let a = generate(Scale::Tiny, 7);
    let b = generate(Scale::Tiny, 7);
    assert_eq!(debug(&a), debug(&b));
    assert_eq!(a.activities(3, 200), b.activities(3, 200));
    let c = generate(Scale::Tiny, 8);
    assert_ne!(debug(&a), debug(&c));
    assert_ne!(a.activities(3, 50), a.activities(4, 50));
}

#[test]
fn sizes_follow_the_scale() {
    let t = generate(Scale::Tiny, 1);
    assert_eq!(
        (t.accounts.len(), t.contacts.len(), t.opportunities.len()),
        (10, 30, 15)
    );
    let people = t
        .systemusers
        .iter()
        .filter(|u| u["applicationid"].is_null())
        .count();
    assert!((5..=8).contains(&people), "{people} interactive users");
    let d = generate(Scale::Demo, 1);
    assert_eq!(
        (d.accounts.len(), d.contacts.len(), d.opportunities.len()),
        (500, 2_000, 800)
    );
    assert!((50..=60).contains(&d.systemusers.len()));
}

#[test]
fn every_row_has_a_unique_guid_primary_key() {
    let t = generate(Scale::Demo, 2);
    for (rows, key) in [
        (&t.systemusers, "systemuserid"),
        (&t.accounts, "accountid"),
        (&t.contacts, "contactid"),
        (&t.opportunities, "opportunityid"),
    ] {
        let keys = ids(rows, key);
        assert_eq!(keys.len(), rows.len(), "{key} repeats or is missing");
        assert!(keys.iter().all(|k| uuid::Uuid::parse_str(k).is_ok()));
    }
}

#[test]
fn identity_names_the_integration_user_and_the_admin() {
    let t = generate(Scale::Tiny, 3);
    let by_id: HashMap<&str, &Row> = t
        .systemusers
        .iter()
        .filter_map(|u| Some((s(u, "systemuserid")?, u)))
        .collect();
    let app = by_id[t.identity.application_user_id.as_str()];
    assert_eq!(s(app, "applicationid"), Some(t.identity.client_id.as_str()));
    assert_eq!(i(app, "accessmode"), 4);
    assert_eq!(s(app, "fullname"), Some("# navsync integration"));
    let admin = by_id[t.identity.admin_user_id.as_str()];
    assert!(admin["applicationid"].is_null());
    assert_eq!(admin["isdisabled"], false);
    assert_eq!(t.identity.client_secret.len(), 40);
    assert!(uuid::Uuid::parse_str(&t.identity.tenant_id).is_ok());
    let other_apps = t
        .systemusers
        .iter()
        .filter(|u| i(u, "accessmode") == 4 && s(u, "applicationid") != Some(&t.identity.client_id))
        .count();
    assert!(other_apps >= 2);
    assert!(t.systemusers.iter().any(|u| u["isdisabled"] == true));
    assert!(t.org.version.starts_with("9.2.") && !t.org.is_sandbox);
}

#[test]
fn lookups_point_at_rows_of_the_right_table() {
    let t = generate(Scale::Demo, 4);
    let users = ids(&t.systemusers, "systemuserid");
    let accounts = ids(&t.accounts, "accountid");
    let contacts = ids(&t.contacts, "contactid");
    let sellers: HashSet<&str> = t
        .systemusers
        .iter()
        .filter(|u| u["isdisabled"] == false && u["applicationid"].is_null())
        .filter_map(|u| s(u, "systemuserid"))
        .collect();
    let table = |name: &str| -> &HashSet<&str> {
        match name {
            "account" => &accounts,
            "contact" => &contacts,
            "systemuser" => &users,
            other => panic!("unexpected lookup table {other}"),
        }
    };
    let check = |row: &Row, lookup: &str, fixed: Option<&str>| {
        let Some(id) = s(row, &format!("_{lookup}_value")) else {
            return;
        };
        let target = fixed
            .or_else(|| {
                s(
                    row,
                    &format!("_{lookup}_value@Microsoft.Dynamics.CRM.lookuplogicalname"),
                )
            })
            .unwrap_or_else(|| panic!("{lookup} has no lookuplogicalname"));
        assert!(
            table(target).contains(id),
            "{lookup} -> missing {target} {id}"
        );
    };
    for r in &t.accounts {
        check(r, "parentaccountid", Some("account"));
        check(r, "ownerid", None);
        assert_ne!(s(r, "_parentaccountid_value"), s(r, "accountid"));
    }
    for r in &t.contacts {
        check(r, "parentcustomerid", None);
        check(r, "ownerid", None);
    }
    for r in &t.opportunities {
        check(r, "customerid", None);
        check(r, "parentaccountid", Some("account"));
        check(r, "parentcontactid", Some("contact"));
        let owner = s(r, "_ownerid_value").unwrap_or_default();
        assert!(sellers.contains(owner), "opportunity owned by a non-seller");
    }
    assert!(
        t.accounts
            .iter()
            .any(|r| !r["_parentaccountid_value"].is_null())
    );
    let customer_tables: HashSet<&str> = t
        .opportunities
        .iter()
        .filter_map(|r| {
            s(
                r,
                "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname",
            )
        })
        .collect();
    assert_eq!(customer_tables, HashSet::from(["account", "contact"]));
}

#[test]
fn opportunity_state_status_and_stage_agree() {
    let t = generate(Scale::Demo, 5);
    let mut states = [0usize; 3];
    for r in &t.opportunities {
        let (state, status, stage) = (i(r, "statecode"), i(r, "statuscode"), i(r, "salesstage"));
        assert_eq!(
            i(r, "salesstagecode"),
            1,
            "Process Code is always Default Value"
        );
        let valid: &[i64] = match state {
            0 => &[1, 2],
            1 => &[3],
            2 => &[4, 5],
            _ => panic!("statecode {state}"),
        };
        assert!(
            valid.contains(&status),
            "state {state} with status {status}"
        );
        assert_eq!(s(r, "stepname"), STEP_NAMES.get(stage as usize).copied());
        assert_eq!(r["actualvalue"].is_null(), state != 1);
        assert!(r["estimatedvalue"].as_f64().is_some_and(|v| v > 0.0));
        assert!(s(r, "createdon") <= s(r, "modifiedon"));
        assert_eq!(s(r, "estimatedclosedate").map(str::len), Some(10));
        states[state as usize] += 1;
    }
    let share = |n: usize| n * 100 / t.opportunities.len();
    assert!((50..=70).contains(&share(states[0])), "{states:?}");
    assert!((17..=33).contains(&share(states[1])), "{states:?}");
    assert!((8..=22).contains(&share(states[2])), "{states:?}");
}

#[test]
fn contacts_carry_duplicate_pairs_profile_urls_and_apostrophes() {
    let t = generate(Scale::Tiny, 6);
    let mut seen = HashSet::new();
    let pairs = t
        .contacts
        .iter()
        .filter_map(|c| {
            let account = s(c, "_parentcustomerid_value")?;
            Some((account, name_key(s(c, "fullname")?)))
        })
        .filter(|k| !seen.insert(k.clone()))
        .count();
    assert!(pairs >= 1, "no duplicate name at one account");

    let d = generate(Scale::Demo, 6);
    let urls: Vec<&str> = d
        .contacts
        .iter()
        .filter_map(|c| s(c, "new_linkedinprofileurl"))
        .collect();
    let share = urls.len() * 100 / d.contacts.len();
    assert!((33..=47).contains(&share), "{share}% with a profile URL");
    assert!(
        urls.iter()
            .all(|u| u.starts_with("https://www.linkedin.com/in/"))
    );
    assert!(
        d.contacts
            .iter()
            .any(|c| s(c, "lastname").is_some_and(|n| n.contains('\'')))
    );
    assert!(
        d.accounts
            .iter()
            .any(|a| s(a, "name").is_some_and(|n| n.contains('\'')))
    );
    assert!(
        d.contacts
            .iter()
            .any(|c| s(c, "fullname").is_some_and(|n| !n.is_ascii()))
    );
    let emails = ids(&d.contacts, "emailaddress1");
    let with_email = d
        .contacts
        .iter()
        .filter(|c| s(c, "emailaddress1").is_some())
        .count();
    assert_eq!(emails.len(), with_email, "a mailbox is shared");
}

#[test]
fn even_a_tiny_tenant_has_apostrophes_to_escape() {
    for seed in 0..10 {
        let t = generate(Scale::Tiny, seed);
        let quoted = |rows: &[Row], key: &str| {
            rows.iter()
                .any(|r| s(r, key).is_some_and(|v| v.contains('\'')))
        };
        assert!(
            quoted(&t.accounts, "name"),
            "seed {seed}: no account name with an apostrophe"
        );
        assert!(
            quoted(&t.contacts, "lastname"),
            "seed {seed}: no surname with an apostrophe"
        );
    }
}

#[test]
fn seats_cover_every_case_even_in_a_tiny_tenant() {
    for seed in 0..20 {
        let t = generate(Scale::Tiny, seed);
        let users = ids(&t.systemusers, "systemuserid");
        let seated: HashSet<&str> = t
            .seats
            .iter()
            .filter_map(|s| s.crm_systemuserid.as_deref())
            .collect();
        assert!(seated.iter().all(|id| users.contains(id)));
        assert!(seated.contains(t.identity.admin_user_id.as_str()));
        assert!(
            t.seats.iter().any(|s| s.crm_systemuserid.is_none()),
            "no outsider"
        );
        let unseated_sellers = t
            .systemusers
            .iter()
            .filter(|u| u["isdisabled"] == false && u["applicationid"].is_null())
            .filter(|u| !seated.contains(s(u, "systemuserid").unwrap_or_default()))
            .count();
        assert!(unseated_sellers >= 1, "every user has a seat");
        for want in ["admin", "member"] {
            assert!(
                t.seats.iter().any(|s| s.licence == want),
                "no {want} licence"
            );
        }
        for want in ["team", "enterprise"] {
            assert!(
                t.seats.iter().any(|s| s.edition == want),
                "no {want} edition"
            );
        }
        let members = t.seats.iter().map(|s| &s.member_id).collect::<HashSet<_>>();
        assert_eq!(members.len(), t.seats.len());
    }
}

#[test]
fn stream_mix_covers_every_case_and_variation() {
    let t = generate(Scale::Demo, 9);
    let labelled: Vec<LabelledActivity> = {
        let mut stream = ActivityStream::new(&t, 11);
        (0..3_000).map(|_| stream.next_labelled()).collect()
    };
    let mut cases = HashMap::new();
    let mut variations = HashSet::new();
    for l in &labelled {
        let case = match &l.truth {
            Truth::ExactEmail { .. } => "email",
            Truth::ProfileUrl { .. } => "url",
            Truth::NameCompany { variation, .. } => {
                variations.insert(*variation);
                "name"
            }
            Truth::Ambiguous { .. } => "ambiguous",
            Truth::NotInCrm { accountid: Some(_) } => "new person, known company",
            Truth::NotInCrm { accountid: None } => "unknown",
        };
        *cases.entry(case).or_insert(0usize) += 1;
    }
    assert_eq!(cases.len(), 6, "{cases:?}");
    assert_eq!(variations.len(), 6, "{variations:?}");
    let kept_out = labelled.iter().filter(|l| !l.activity.copy_to_crm).count();
    assert!(
        (150..=450).contains(&kept_out),
        "{kept_out} kept out of the CRM"
    );
    let kinds: HashSet<&str> = labelled.iter().map(|l| l.activity.kind).collect();
    assert_eq!(kinds.len(), 3);
}

#[test]
fn stream_truth_agrees_with_the_crm() {
    let t = generate(Scale::Demo, 12);
    let by_id: HashMap<&str, &Row> = t
        .contacts
        .iter()
        .filter_map(|c| Some((s(c, "contactid")?, c)))
        .collect();
    let emails = ids(&t.contacts, "emailaddress1");
    let urls = ids(&t.contacts, "new_linkedinprofileurl");
    let account_names: HashMap<&str, &str> = t
        .accounts
        .iter()
        .filter_map(|r| Some((s(r, "accountid")?, s(r, "name")?)))
        .collect();
    let account_bases: HashSet<String> = account_names
        .values()
        .map(|n| name_key(without_suffix(n)))
        .collect();
    let mut stream = ActivityStream::new(&t, 1);
    for _ in 0..2_000 {
        let LabelledActivity { activity: a, truth } = stream.next_labelled();
        match truth {
            Truth::ExactEmail { contactid } => {
                assert_eq!(
                    a.member_email.as_deref(),
                    s(by_id[contactid.as_str()], "emailaddress1")
                );
            }
            Truth::ProfileUrl { contactid } => {
                assert!(a.member_email.is_none());
                let url = s(by_id[contactid.as_str()], "new_linkedinprofileurl");
                assert_eq!(a.member_profile_url.as_deref(), url);
            }
            Truth::NameCompany {
                contactid,
                variation,
            } => {
                assert!(a.member_email.is_none() && a.member_profile_url.is_none());
                let contact = by_id[contactid.as_str()];
                let crm_name = s(contact, "fullname").unwrap_or_default();
                let crm_company = s(contact, "_parentcustomerid_value")
                    .map(|id| account_names[id])
                    .unwrap_or_default();
                let company = a.member_company.as_deref().unwrap_or_default();
                check_variation(
                    variation,
                    (&a.member_name, company),
                    (crm_name, crm_company),
                );
            }
            Truth::Ambiguous { contactids: [x, y] } => {
                let key = |id: &str| name_key(s(by_id[id], "fullname").unwrap_or_default());
                assert_eq!(key(&x), key(&y));
                assert_ne!(x, y);
                assert_eq!(name_key(&a.member_name), key(&x));
            }
            Truth::NotInCrm { accountid } => {
                let company = a.member_company.as_deref().unwrap_or_default();
                match accountid {
                    Some(id) => assert_eq!(company, account_names[id.as_str()]),
                    None => assert!(!account_bases.contains(&name_key(without_suffix(company)))),
                }
                assert!(
                    a.member_email
                        .as_deref()
                        .is_none_or(|e| !emails.contains(e))
                );
                assert!(
                    a.member_profile_url
                        .as_deref()
                        .is_none_or(|u| !urls.contains(u))
                );
            }
        }
    }
}

/// Lowercase ASCII letters and digits only: what is left when every
/// difference of punctuation, accents and case is ignored.
fn bare(s: &str) -> String {
    text::words(s).concat()
}

/// The member's (name, company) differs from the CRM's exactly as `v` says.
fn check_variation(v: Variation, member: (&str, &str), crm: (&str, &str)) {
    let same_name = name_key(member.0) == name_key(crm.0);
    let same_company = member.1 == crm.1;
    match v {
        Variation::Case => {
            assert!(same_name && same_company && member.0 != crm.0);
            assert!(member.0 == crm.0.to_uppercase() || member.0 == crm.0.to_lowercase());
        }
        Variation::AccentsDropped => {
            assert!(same_name && member.0.is_ascii() && member.1.is_ascii());
            assert!(member != crm, "nothing to drop in {crm:?}");
        }
        Variation::SuffixPunctuation => {
            assert!(same_name && !same_company && bare(member.1) == bare(crm.1));
        }
        Variation::Typo => {
            let (m, c): (Vec<char>, Vec<char>) =
                (member.0.chars().collect(), crm.0.chars().collect());
            assert_eq!(m.len(), c.len());
            assert_eq!(
                m.iter().zip(&c).filter(|(x, y)| x != y).count(),
                1,
                "{member:?}"
            );
            assert!(same_company);
        }
        Variation::RenamedCompany => {
            assert!(same_name && !same_company);
            assert!(bare(crm.1).starts_with(&bare(without_suffix(member.1))[..3]));
        }
        Variation::WebsiteDomain => {
            assert!(same_name && member.1.contains('.') && !member.1.contains(' '));
        }
    }
}

#[test]
fn stream_ids_are_unique_and_times_increase() {
    let t = generate(Scale::Tiny, 13);
    let acts: Vec<ActivitySeed> = ActivityStream::new(&t, 2).take(500).collect();
    let seats: HashSet<&str> = t.seats.iter().map(|s| s.member_id.as_str()).collect();
    for (n, pair) in acts.windows(2).enumerate() {
        assert!(pair[0].occurred_at < pair[1].occurred_at);
        assert_eq!(pair[0].external_id, format!("ws-act-{}", n + 1));
    }
    assert!(
        acts.iter()
            .all(|a| seats.contains(a.seat_member_id.as_str()))
    );
    assert!(acts.iter().all(|a| a.occurred_at.ends_with('Z')));
    assert!(acts.iter().any(|a| a.member_name.contains('\'')));
}

/// Measures the large tenant: `cargo test --lib sim::generator -- --ignored --nocapture`.
#[test]
#[ignore = "slow; measures generation of the large tenant"]
fn large_tenant_generates_in_seconds() {
    let start = Instant::now();
    let t = generate(Scale::Large, 42);
    let elapsed = start.elapsed();
    let start = Instant::now();
    let acts = t.activities(42, 10_000);
    println!(
        "large tenant in {elapsed:?}, 10k activities in {:?}",
        start.elapsed()
    );
    assert_eq!(t.contacts.len(), 100_000);
    assert_eq!(acts.len(), 10_000);
}

/// The stream's unknown companies must never be able to hit an account,
/// however many names a large tenant uses up.
#[test]
fn outside_brands_are_no_account_words() {
    for brand in names::OUTSIDE_BRANDS {
        for l in names::LOCALES {
            let words = l.brand.iter().chain(l.last).chain(l.trade);
            assert!(words.clone().all(|w| !w.contains(brand)), "{brand}");
        }
    }
}

#[test]
fn seats_alone_are_the_seats_of_the_whole_tenant() {
    for scale in [Scale::Tiny, Scale::Demo] {
        assert_eq!(super::seats(scale, 11), generate(scale, 11).seats);
    }
}
