//! Matching a LinkedIn member to a CRM contact: each rule in order, ties,
//! accents, legal suffixes, domains and configurable thresholds.

use navsync::config::MatchingConfig;
use navsync::engine::usecases::matching::{Matcher, Member};
use navsync::store::mirror::{Account, Contact};
use navsync::store::reason::Reason;

/// A reason in English words, as the console shows it.
fn said(r: &Reason) -> String {
    navsync::ui::format::reason(r)
}

fn account(id: &str, name: &str, web: Option<&str>) -> Account {
    Account {
        accountid: id.into(),
        name: name.into(),
        websiteurl: web.map(Into::into),
        parentaccountid: None,
        ownerid: None,
        modifiedon: None,
    }
}

fn contact(id: &str, name: &str, account: Option<&str>) -> Contact {
    Contact {
        contactid: id.into(),
        fullname: name.into(),
        parentaccountid: account.map(Into::into),
        ..Default::default()
    }
}

fn cfg() -> MatchingConfig {
    MatchingConfig {
        name_threshold: 0.90,
        tie_margin: 0.02,
    }
}

fn accounts() -> Vec<Account> {
    vec![
        account("a-acme", "Acme, Inc.", Some("https://www.acme.com/")),
        account("a-vert", "Vértice S.A.", Some("vertice.es")),
        account("a-glob", "Globex GmbH", None),
    ]
}

fn member<'a>(name: &'a str, company: Option<&'a str>) -> Member<'a> {
    Member {
        name,
        company,
        ..Member::default()
    }
}

#[test]
fn exact_email_ignores_case_and_comes_first() {
    let mut c1 = contact("c-1", "Ana Pérez", Some("a-acme"));
    c1.email = Some("Ana.Perez@Acme.com".into());
    // Same name at the same company: the e-mail decides before names tie.
    let c2 = contact("c-2", "Ana Perez", Some("a-acme"));
    let m = Matcher::new(&[c1, c2], &accounts(), cfg());
    let d = m.decide(&Member {
        email: Some("  ANA.PEREZ@acme.COM "),
        ..member("Someone Else", Some("Acme"))
    });
    assert_eq!(d.contactid.as_deref(), Some("c-1"));
    assert_eq!(d.reason, Reason::Email);
    assert_eq!(d.accountid.as_deref(), Some("a-acme"));
    assert_eq!(d.candidates.len(), 1);
    assert_eq!(d.candidates[0].score, 1.0);
}

#[test]
fn one_email_on_two_contacts_is_a_tie_not_a_guess() {
    let mut c1 = contact("c-1", "Ana Pérez", Some("a-acme"));
    c1.email = Some("info@acme.com".into());
    let mut c2 = contact("c-2", "Luis Gómez", Some("a-acme"));
    c2.email = Some("INFO@acme.com".into());
    let m = Matcher::new(&[c1, c2], &accounts(), cfg());
    let d = m.decide(&Member {
        email: Some("info@acme.com"),
        ..member("Ana Pérez", None)
    });
    assert_eq!(d.contactid, None);
    assert!(
        said(&d.reason).starts_with("tie: 2 contacts"),
        "{}",
        said(&d.reason)
    );
    let ids: Vec<&str> = d.candidates.iter().map(|c| c.contactid.as_str()).collect();
    assert_eq!(ids, ["c-1", "c-2"]);
}

#[test]
fn profile_url_matches_whatever_the_url_decoration() {
    let mut c1 = contact("c-1", "Ana Pérez", None);
    c1.linkedin_url = Some("https://www.linkedin.com/in/ana-perez-77/".into());
    let m = Matcher::new(&[c1], &accounts(), cfg());
    let d = m.decide(&Member {
        profile_url: Some("http://es.linkedin.com/in/Ana-Perez-77?trk=abc"),
        ..member("A. P.", None)
    });
    assert_eq!(d.contactid.as_deref(), Some("c-1"));
    assert_eq!(d.reason, Reason::ProfileUrl);
}

#[test]
fn tenant_without_profile_column_falls_through_to_name_and_company() {
    let m = Matcher::new(
        &[contact("c-1", "Ana Pérez", Some("a-acme"))],
        &accounts(),
        cfg(),
    );
    let d = m.decide(&Member {
        profile_url: Some("https://www.linkedin.com/in/ana-perez-77"),
        ..member("Ana Perez", Some("ACME Inc"))
    });
    assert_eq!(d.contactid.as_deref(), Some("c-1"));
    assert_eq!(said(&d.reason), "name+company 1.00");
}

#[test]
fn accents_case_punctuation_and_legal_suffixes_are_ignored() {
    let m = Matcher::new(
        &[
            contact("c-1", "José María Núñez", Some("a-vert")),
            contact("c-2", "Luis Gómez", Some("a-vert")),
        ],
        &accounts(),
        cfg(),
    );
    let d = m.decide(&member("JOSE-MARIA NUNEZ", Some("vertice sa")));
    assert_eq!(d.contactid.as_deref(), Some("c-1"));
    assert_eq!(said(&d.reason), "name+company 1.00");
    assert_eq!(d.accountid.as_deref(), Some("a-vert"));
}

#[test]
fn fuzzy_name_scores_above_threshold_and_says_so() {
    let m = Matcher::new(
        &[
            contact("c-1", "John Smith", Some("a-glob")),
            contact("c-2", "Mary Jones", Some("a-glob")),
        ],
        &accounts(),
        cfg(),
    );
    let d = m.decide(&member("Jonh Smith", Some("Globex")));
    assert_eq!(d.contactid.as_deref(), Some("c-1"));
    let Reason::NameCompany { score } = d.reason else {
        panic!("a name+company match: {:?}", said(&d.reason))
    };
    assert!((0.90..1.0).contains(&score), "{score}");
    assert_eq!(d.candidates[0].contactid, "c-1");
    // A shared first name does not carry a different surname over.
    let d = m.decide(&member("John Smythe-Brown", Some("Globex")));
    assert_eq!(d.contactid, None);
}

#[test]
fn thresholds_come_from_config() {
    let contacts = [contact("c-1", "John Smith", Some("a-glob"))];
    let strict = Matcher::new(
        &contacts,
        &accounts(),
        MatchingConfig {
            name_threshold: 0.99,
            tie_margin: 0.02,
        },
    );
    let d = strict.decide(&member("Jonh Smith", Some("Globex")));
    assert_eq!(d.contactid, None);
    assert_eq!(
        said(&d.reason),
        "closest name at Globex GmbH scores 0.93, below the threshold 0.99"
    );
    assert_eq!(d.candidates.len(), 1, "the near miss is still a candidate");
}

#[test]
fn two_equally_good_contacts_are_a_tie() {
    let m = Matcher::new(
        &[
            contact("c-1", "Ana Pérez", Some("a-acme")),
            contact("c-2", "Ana Perez", Some("a-acme")),
            contact("c-3", "Pedro Ruiz", Some("a-acme")),
        ],
        &accounts(),
        cfg(),
    );
    let d = m.decide(&member("Ana Pérez", Some("Acme")));
    assert_eq!(d.contactid, None);
    assert!(
        said(&d.reason).starts_with("tie: 2 contacts named like Ana Pérez at Acme"),
        "{}",
        said(&d.reason)
    );
    assert_eq!(d.candidates.len(), 2);
    assert!(d.candidates.iter().all(|c| c.score == 1.0));
}

#[test]
fn tie_margin_separates_a_clear_winner() {
    let contacts = [
        contact("c-1", "Jon Smith", Some("a-glob")),
        contact("c-2", "John Smith", Some("a-glob")),
    ];
    // "John Smith" exact (1.0) vs "Jon Smith" (~0.93): a clear winner.
    let m = Matcher::new(&contacts, &accounts(), cfg());
    assert_eq!(
        m.decide(&member("John Smith", Some("Globex")))
            .contactid
            .as_deref(),
        Some("c-2")
    );
    // With a wide margin the same pair is a tie.
    let wide = Matcher::new(
        &contacts,
        &accounts(),
        MatchingConfig {
            name_threshold: 0.90,
            tie_margin: 0.10,
        },
    );
    let d = wide.decide(&member("John Smith", Some("Globex")));
    assert_eq!(d.contactid, None);
    assert!(said(&d.reason).starts_with("tie: 2"), "{}", said(&d.reason));
}

#[test]
fn company_by_website_domain_from_company_or_email() {
    let m = Matcher::new(
        &[contact("c-1", "Ana Pérez", Some("a-acme"))],
        &accounts(),
        cfg(),
    );
    let d = m.decide(&member("Ana Perez", Some("acme.com")));
    assert_eq!(d.contactid.as_deref(), Some("c-1"));
    // E-mail unknown to the CRM, but its domain is Acme's website.
    let d = m.decide(&Member {
        email: Some("ana@acme.com"),
        ..member("Ana Perez", Some("Some Old Name"))
    });
    assert_eq!(d.contactid.as_deref(), Some("c-1"));
    assert!(
        said(&d.reason).starts_with("name+company"),
        "{}",
        said(&d.reason)
    );
    // A free-mail domain says nothing about the employer.
    let d = m.decide(&Member {
        email: Some("ana@gmail.com"),
        ..member("Ana Perez", None)
    });
    assert_eq!(d.contactid, None);
}

#[test]
fn unmatched_decisions_say_why_and_rank_look_alikes() {
    let m = Matcher::new(
        &[
            contact("c-1", "Ana Pérez", Some("a-glob")),
            contact("c-2", "Ana Perea", Some("a-glob")),
            contact("c-3", "Luis Gómez", Some("a-acme")),
        ],
        &accounts(),
        cfg(),
    );
    let d = m.decide(&member("Luisa Ramos", Some("Acme")));
    assert_eq!(d.contactid, None);
    assert_eq!(
        said(&d.reason),
        "closest name at Acme, Inc. scores 0.47, below the threshold 0.90"
    );
    assert_eq!(d.accountid.as_deref(), Some("a-acme"));

    let d = m.decide(&member("Ana Pérez", Some("Initech")));
    assert_eq!(d.contactid, None);
    assert_eq!(said(&d.reason), "no CRM account for Initech");
    assert_eq!(d.accountid, None);
    assert_eq!(d.candidates[0].contactid, "c-1");
    assert!(
        said(&d.candidates[0].reason).starts_with("name 1.00, at Globex GmbH"),
        "{}",
        said(&d.candidates[0].reason)
    );

    let d = m.decide(&member("Ana Pérez", None));
    assert_eq!(d.contactid, None);
    assert!(
        said(&d.reason).contains("no company"),
        "{}",
        said(&d.reason)
    );
}

/// Writeback builds the matcher from the store, a chunk of contacts at a
/// time; it must decide exactly as one built from the rows in memory.
#[test]
fn a_matcher_read_from_the_store_decides_as_one_built_from_rows() {
    use navsync::store::Store;
    use navsync::store::mirror::{self, Row};

    let mut contacts = vec![
        contact("c-1", "Ana Pérez", Some("a-acme")),
        contact("c-2", "Ana Perez", Some("a-acme")),
        contact("c-3", "Luis Gómez", Some("a-vert")),
        contact("c-4", "Jon Smith", Some("a-glob")),
        contact("c-5", "John Smith", None),
        contact("c-6", "Ana Pérez", Some("a-gone")),
    ];
    contacts[2].email = Some("Luis@Vertice.es".into());
    contacts[3].linkedin_url = Some("https://www.linkedin.com/in/jon-smith/".into());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("navsync.db")).unwrap();
    let rows: Vec<Row> = accounts()
        .into_iter()
        .map(Row::Account)
        .chain(contacts.iter().cloned().map(Row::Contact))
        .collect();
    mirror::upsert_all(store.conn(), &rows).unwrap();

    let in_memory = Matcher::new(&contacts, &accounts(), cfg());
    let from_store = Matcher::from_store(store.conn(), cfg()).unwrap();
    let members = [
        member("Ana Perez", Some("Acme")),
        member("Ana Pérez", Some("Nobody Ltd")),
        member("John Smith", Some("globex.com")),
        member("Jon Smyth", None),
        Member {
            email: Some("luis@vertice.es"),
            ..member("L. Gómez", None)
        },
        Member {
            profile_url: Some("linkedin.com/in/Jon-Smith"),
            ..member("J. S.", None)
        },
    ];
    for m in &members {
        assert_eq!(from_store.decide(m), in_memory.decide(m), "{m:?}");
    }
}
