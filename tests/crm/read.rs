//! Paged, change-tracked reads; filters that cannot be injected.

use futures::TryStreamExt;
use navsync::crm::rows::{Account, Contact, Opportunity};
use navsync::crm::{ClientEvent, Column, Filter, Page, Read};
use serde_json::json;

use crate::fixture::{self, CONTACTS, TRICKY_NAME, contact_id, drain, row};

async fn collect<T: navsync::crm::rows::Table>(
    client: &navsync::crm::Client,
    read: Read,
) -> Vec<Page<T>> {
    client.stream::<T>(read).try_collect().await.expect("read")
}

#[tokio::test]
async fn full_read_pages_through_next_links_and_ends_with_a_delta_link() {
    let env = fixture::start().await;
    let client = env.client();
    let pages = collect::<Contact>(&client, Read::full()).await;
    let rows: usize = pages.iter().map(|p| p.rows.len()).sum();
    assert_eq!(rows, CONTACTS + 2);
    assert_eq!(
        pages.len(),
        (CONTACTS + 2).div_ceil(5),
        "page size 5 honoured"
    );
    assert!(pages.iter().all(|p| p.full && p.rows.len() <= 5));
    let last = pages.last().unwrap();
    assert!(last.last && last.delta.is_some());
    assert!(
        pages[..pages.len() - 1]
            .iter()
            .all(|p| p.delta.is_none() && !p.last)
    );
    let c = &pages[0].rows[0];
    assert_eq!(c.parentcustomer_type.as_deref(), Some("account"));
    assert_eq!(c.parent_account(), Some(fixture::account_id(0).as_str()));
    assert_eq!(
        env.sim.control().request_count("GET contacts") as usize,
        pages.len()
    );
    assert_eq!(client.stats().requests as usize, pages.len());
}

#[tokio::test]
async fn changes_since_a_delta_link_bring_updates_and_deletions() {
    let env = fixture::start().await;
    let client = env.client();
    let pages = collect::<Contact>(&client, Read::full()).await;
    let delta = pages.last().unwrap().delta.clone().unwrap();
    let control = env.sim.control();
    control
        .update_row("contacts", &contact_id(1), row(json!({"jobtitle": "CEO"})))
        .unwrap();
    assert!(control.delete_row("contacts", &contact_id(2)).unwrap());
    control
        .insert_row("contacts", fixture::contact(200, "New Person"))
        .unwrap();

    let pages = collect::<Contact>(&client, Read::changes(Some(delta))).await;
    assert!(pages.iter().all(|p| !p.full));
    let rows: Vec<&Contact> = pages.iter().flat_map(|p| &p.rows).collect();
    let deleted: Vec<&String> = pages.iter().flat_map(|p| &p.deleted).collect();
    assert_eq!(deleted, vec![&contact_id(2)]);
    assert!(
        rows.iter()
            .any(|c| c.contactid == contact_id(1) && c.jobtitle.as_deref() == Some("CEO"))
    );
    assert!(rows.iter().any(|c| c.contactid == contact_id(200)));
    assert_eq!(rows.len(), 2, "only the changed rows come back");
    assert!(pages.last().unwrap().delta.is_some());
}

#[tokio::test]
async fn an_expired_delta_link_falls_back_to_a_full_read() {
    let env = fixture::start().await;
    let (client, mut events) = env.client_with_events();
    let pages = collect::<Account>(&client, Read::full()).await;
    let delta = pages.last().unwrap().delta.clone().unwrap();
    env.sim.control().expire_delta_tokens();
    let pages = collect::<Account>(&client, Read::changes(Some(delta))).await;
    assert!(
        pages.iter().all(|p| p.full),
        "flagged full so deletions are reconciled"
    );
    assert_eq!(pages.iter().map(|p| p.rows.len()).sum::<usize>(), 3);
    assert!(pages.last().unwrap().delta.is_some());
    assert!(drain(&mut events).iter().any(
        |e| matches!(e, ClientEvent::DeltaFallback { entity_set, .. } if entity_set == "accounts")
    ));
}

#[tokio::test]
async fn a_filter_built_from_a_hostile_name_matches_only_that_literal_name() {
    let env = fixture::start().await;
    let client = env.client();
    let fullname = Column::new("fullname").unwrap();
    let rows: Vec<Contact> = client
        .query(Some(Filter::eq(&fullname, TRICKY_NAME)), 50, &[])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].fullname.as_deref(), Some(TRICKY_NAME));
    let rows: Vec<Contact> = client
        .query(Some(Filter::eq(&fullname, "O'Brien")), 50, &[])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].contactid, contact_id(100));
    let pages = collect::<Contact>(
        &client,
        Read::filtered(Filter::contains(&fullname, "Brien' or '1' eq '1")),
    )
    .await;
    assert_eq!(pages.iter().map(|p| p.rows.len()).sum::<usize>(), 0);
    assert!(
        pages.last().unwrap().delta.is_none(),
        "filtered reads are not tracked"
    );
}

#[tokio::test]
async fn opportunities_carry_money_and_customer_lookups() {
    let env = fixture::start().await;
    let client = env.client();
    let pages = collect::<Opportunity>(&client, Read::full()).await;
    let opp = pages
        .iter()
        .flat_map(|p| &p.rows)
        .find(|o| o.name.as_deref() == Some("Deal 1"))
        .unwrap();
    assert_eq!(opp.account_id(), Some(fixture::account_id(0).as_str()));
    assert_eq!(opp.contact_id(), Some(contact_id(1).as_str()));
    assert_eq!(opp.money().get("estimatedvalue"), Some(&2000.0));
    assert_eq!(opp.salesstage, Some(1));
}

#[tokio::test]
async fn contacts_are_found_by_name_email_and_company() {
    use navsync::crm::ContactSearch;
    let env = fixture::start().await;
    let client = env.client();
    let by_name = client
        .search_contacts(&ContactSearch {
            name: Some("O'Brien".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut names: Vec<_> = by_name.iter().filter_map(|c| c.fullname.clone()).collect();
    names.sort();
    assert_eq!(names, vec!["O'Brien".to_string(), TRICKY_NAME.to_string()]);
    let by_email = client
        .search_contacts(&ContactSearch {
            email: Some("p3@example.test".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_email.len(), 1);
    assert_eq!(by_email[0].contactid, contact_id(3));
    let by_company = client
        .search_contacts(&ContactSearch {
            name: Some("Person 0".into()),
            company: Some("Account 0".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_company.len(), 10, "Person 00..09 of Account 0");
    let nowhere = client
        .search_contacts(&ContactSearch {
            company: Some("No such company".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(nowhere.is_empty());
}

/// Dataverse compares text case- and accent-insensitively (an English
/// environment's collation is _CI_AI:
/// https://learn.microsoft.com/power-platform/admin/language-collations),
/// so the search for what the matcher offered, typed without accents, finds
/// the contact; the client sends the term as typed.
#[tokio::test]
async fn a_search_without_accents_finds_the_contact_with_them() {
    use navsync::crm::ContactSearch;
    let env = fixture::start().await;
    env.sim
        .control()
        .insert_row("contacts", fixture::contact(90, "Joaquín Muñoz"))
        .unwrap();
    let client = env.client();
    for typed in ["Joaquin Munoz", "JOAQUÍN MUÑOZ", "joaquin"] {
        let found = client
            .search_contacts(&ContactSearch {
                name: Some(typed.into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let names: Vec<_> = found.iter().filter_map(|c| c.fullname.clone()).collect();
        assert_eq!(names, ["Joaquín Muñoz"], "{typed}");
    }
    let nothing = client
        .search_contacts(&ContactSearch {
            name: Some("Joaquin Nunez".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        nothing.is_empty(),
        "accents aside, other letters still count"
    );
}

#[tokio::test]
async fn optional_columns_are_read_when_the_tenant_has_them() {
    let env = fixture::start().await;
    let client = env.client();
    let linkedin = Column::new("new_linkedinprofileurl").unwrap();
    assert!(client.has_column("contacts", &linkedin).await.unwrap());
    env.sim
        .control()
        .update_row(
            "contacts",
            &contact_id(4),
            row(json!({"new_linkedinprofileurl": "https://www.linkedin.com/in/p4"})),
        )
        .unwrap();
    let pages = collect::<Contact>(&client, Read::full().column(linkedin)).await;
    let c = pages
        .iter()
        .flat_map(|p| &p.rows)
        .find(|c| c.contactid == contact_id(4))
        .unwrap();
    assert_eq!(
        c.new_linkedinprofileurl.as_deref(),
        Some("https://www.linkedin.com/in/p4")
    );

    let won = client
        .money_columns()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.logical_name != "estimatedvalue" && m.logical_name != "actualvalue")
        .expect("a third money column");
    let id = "0b100000-0000-4000-8000-000000000002";
    env.sim
        .control()
        .update_row(
            "opportunities",
            id,
            row(json!({ won.logical_name.clone(): 1234.5 })),
        )
        .unwrap();
    let pages = collect::<Opportunity>(
        &client,
        Read::full().column(Column::new(&won.logical_name).unwrap()),
    )
    .await;
    let opp = pages
        .iter()
        .flat_map(|p| &p.rows)
        .find(|o| o.opportunityid == id)
        .unwrap();
    assert_eq!(opp.money().get(&won.logical_name), Some(&1234.5));
}

/// The same promise end to end: contacts with hostile names are stored in
/// the emulator, and an equality filter on each name finds exactly the
/// contacts carrying that literal name, over real HTTP.
#[tokio::test]
async fn hostile_names_match_only_themselves_in_the_emulator() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = "\\PC{1,24}|[' ()=&#%+/?a-z]{1,20}";
    let mut names: Vec<String> = (0..60)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    names.extend(
        [
            "O'Brien' or 1 eq 1",
            "a' or fullname ne 'x",
            "'; drop",
            "%27 or 1 eq 1",
            "&$top=1000",
            "#",
        ]
        .map(String::from),
    );

    {
        let env = fixture::start().await;
        for (i, name) in names.iter().enumerate() {
            env.sim
                .control()
                .insert_row("contacts", fixture::contact(1000 + i, name))
                .unwrap();
        }
        let client = env.client();
        let col = Column::new("fullname").unwrap();
        for name in &names {
            let rows: Vec<Contact> = client
                .query(Some(Filter::eq(&col, name.as_str())), 500, &[])
                .await
                .unwrap();
            let expected = env
                .sim
                .control()
                .rows("contacts")
                .iter()
                .filter(|r| r.get("fullname").and_then(|v| v.as_str()) == Some(name.as_str()))
                .count();
            assert!(expected >= 1);
            assert_eq!(
                rows.len(),
                expected,
                "filter on {name:?} found {} rows",
                rows.len()
            );
            assert!(
                rows.iter()
                    .all(|r| r.fullname.as_deref() == Some(name.as_str())),
                "{name:?}"
            );
        }
    }
}

/// A client that splits full reads of tables of 10 rows or more.
fn splitting(env: &fixture::Env) -> navsync::crm::Client {
    let mut cfg = env.config();
    cfg.split_rows = 10;
    navsync::crm::Client::new(cfg).expect("client")
}

/// Contacts created a day apart in 2021, beside the fixture's ones that
/// have no `createdon` at all.
fn add_dated_contacts(env: &fixture::Env) {
    for i in 0..20 {
        let mut c = fixture::contact(300 + i, &format!("Dated {i}"));
        c.insert(
            "createdon".into(),
            json!(format!("2021-01-{:02}T08:00:00Z", i + 1)),
        );
        env.sim.control().insert_row("contacts", c).unwrap();
    }
}

fn by_id(pages: &[Page<Contact>]) -> Vec<Contact> {
    let mut rows: Vec<Contact> = pages.iter().flat_map(|p| p.rows.clone()).collect();
    rows.sort_by(|a, b| a.contactid.cmp(&b.contactid));
    rows
}

#[tokio::test]
async fn a_split_full_read_returns_exactly_the_rows_of_an_unsplit_one() {
    let env = fixture::start().await;
    add_dated_contacts(&env);
    let unsplit = collect::<Contact>(&env.client(), Read::full()).await;
    env.sim.control().reset_counters();
    let split = collect::<Contact>(&splitting(&env), Read::full().sized(Some(46))).await;
    let rows = by_id(&split);
    assert_eq!(rows.len(), CONTACTS + 2 + 20);
    assert_eq!(rows, by_id(&unsplit), "same rows, none twice");
    assert!(split.iter().all(|p| p.full));
    let last = split.last().unwrap();
    assert!(last.last && last.delta.is_some());
    // The key-only spine, the two edges and the ranges: more requests
    // than the unsplit read's pages.
    assert!(env.sim.control().request_count("GET contacts") as usize > unsplit.len() + 2);
}

#[tokio::test]
async fn a_refused_link_of_a_split_read_reads_the_table_split_again() {
    let env = fixture::start().await;
    add_dated_contacts(&env);
    let client = splitting(&env);
    let first = collect::<Contact>(&client, Read::full().sized(Some(46))).await;
    let delta = first.last().unwrap().delta.clone().unwrap();
    env.sim.control().expire_delta_tokens();
    let again = collect::<Contact>(&client, Read::changes(Some(delta))).await;
    assert!(
        again.iter().all(|p| p.full),
        "flagged full: deletions reconciled"
    );
    assert_eq!(by_id(&again), by_id(&first));
    assert!(again.last().unwrap().delta.is_some());
}

/// The default `[crm] split_rows`, told by the requests the emulator sees:
/// a table one row short of it is one page chain (one request per page),
/// a table at it is split (the key-only spine, the two `createdon` edges
/// and the ranges), over a link where round trips cost; a server that
/// answers within a few milliseconds is read unsplit whatever the size.
/// The spine is a tracked read (`Prefer: odata.track-changes`, the delta
/// link on its last page:
/// <https://learn.microsoft.com/en-us/training/modules/dataverse-web-api/change-tracking>),
/// the edges and ranges untracked, since a tracked read refuses `$filter`,
/// `$orderby` and `$top`
/// (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems#query-options-not-supported-in-change-tracking-web-api-request>).
#[tokio::test]
async fn the_default_threshold_splits_a_table_at_it_and_not_one_row_below() {
    let env = fixture::start().await;
    add_dated_contacts(&env);
    let ctl = env.sim.control();
    let at = navsync::config::Config::default().crm.split_rows;
    assert_eq!(at, navsync::config::DEFAULT_SPLIT_ROWS);
    let client = |env: &fixture::Env| {
        let mut cfg = env.config();
        cfg.split_rows = at;
        navsync::crm::Client::new(cfg).expect("client")
    };
    let requests = |ctl: &navsync::sim::SimControl| ctl.request_count("GET contacts") as usize;

    ctl.set_latency(std::time::Duration::from_millis(15));
    let remote = client(&env);
    ctl.reset_counters();
    let below = collect::<Contact>(&remote, Read::full().sized(Some(at - 1))).await;
    assert_eq!(
        requests(&ctl),
        below.len(),
        "a page chain: {:?}",
        ctl.requests()
    );
    ctl.reset_counters();
    let split = collect::<Contact>(&remote, Read::full().sized(Some(at))).await;
    assert!(
        requests(&ctl) >= below.len() + 2 + below.len() - 1,
        "spine, edges and ranges: {:?}",
        ctl.requests()
    );
    assert_eq!(by_id(&split), by_id(&below));

    ctl.set_latency(std::time::Duration::ZERO);
    let local = client(&env);
    let _ = collect::<Contact>(&local, Read::full().sized(Some(at - 1))).await;
    ctl.reset_counters();
    let near = collect::<Contact>(&local, Read::full().sized(Some(at))).await;
    assert_eq!(requests(&ctl), near.len(), "answers within 10 ms: unsplit");
}
