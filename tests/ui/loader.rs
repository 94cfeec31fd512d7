//! The console's reader on a real SQLite file: what each view loads, and
//! the reader thread answering requests beside the writer's connection.

use std::sync::Arc;

use navsync::config::{ActivityKind, Config};
use navsync::engine::View;
use navsync::store::Store;
use navsync::store::activities::{self, ActivityState, NewActivity};
use navsync::store::mirror::{self, Contact, SystemUser, Table};
use navsync::store::saved::{self, ItemKind};
use navsync::store::seats::{self, Edition, Licence, NewSeat};
use navsync::store::unresolved::{self, Candidate};
use navsync::ui::loader::{self, Load, Snapshot};
use navsync::ui::tabs::saved::{SavedAsk, SavedQuery, Source};

pub struct Env {
    _dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub store: Store,
    pub activity: i64,
}

/// A real store with one seat, one CRM user and contact, and one queued
/// activity with two candidates.
pub fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let store = Store::open(&path).unwrap();
    let c = store.conn();
    let seat = seats::upsert(
        c,
        &NewSeat {
            member_id: "m1",
            name: "Ana Pérez",
            email: None,
            licence: Licence::Admin,
            edition: Edition::Team,
            crm_user_id: Some("u-ana"),
            sync_enabled: true,
        },
    )
    .unwrap();
    mirror::upsert_systemuser(
        c,
        &SystemUser {
            systemuserid: "u-ana".into(),
            fullname: "Ana Pérez".into(),
            email: None,
            isdisabled: false,
            is_application_user: false,
            modifiedon: None,
        },
    )
    .unwrap();
    mirror::upsert_contact(
        c,
        &Contact {
            contactid: "c-1".into(),
            fullname: "Lucía Fernández".into(),
            firstname: Some("Lucía".into()),
            lastname: Some("Fernández".into()),
            email: Some("lf@fabrikam.example".into()),
            jobtitle: None,
            parentaccountid: None,
            linkedin_url: None,
            ownerid: None,
            createdon: None,
            modifiedon: None,
        },
    )
    .unwrap();
    activities::insert(
        c,
        &NewActivity {
            external_id: "x-1".into(),
            seat_id: seat,
            kind: ActivityKind::Inmail,
            member_name: "Lucía Fernández Soto".into(),
            member_company: Some("Fabrikam".into()),
            member_title: None,
            member_email: None,
            member_profile_url: None,
            subject: "Renewal".into(),
            body: "Hello".into(),
            occurred_at: "2026-11-22T08:55:00Z".into(),
            copy_to_crm: true,
            thread: None,
            tag: None,
            sender: None,
        },
    )
    .unwrap();
    let activity = activities::by_state(c, ActivityState::New).unwrap()[0].id;
    unresolved::enqueue(
        c,
        activity,
        &navsync::store::reason::Reason::NoContactAt { account: None },
        &[
            Candidate {
                contactid: "c-1".into(),
                score: 0.9,
                reason: navsync::store::reason::Reason::NameCompany { score: 0.9 },
            },
            Candidate {
                contactid: "c-gone".into(),
                score: 0.5,
                reason: navsync::store::reason::Reason::NameElsewhere {
                    score: 0.5,
                    account: None,
                },
            },
        ],
    )
    .unwrap();
    saved::link_from_crm(c, ItemKind::Contact, seat, "c-1", "o-1").unwrap();
    saved::save_manual(c, ItemKind::Account, seat, "a-manual").unwrap();
    Env {
        _dir: dir,
        path,
        store,
        activity,
    }
}

#[test]
fn each_view_reads_its_rows_from_the_store() {
    let e = env();
    let reader = Store::open_readonly(&e.path).unwrap();
    let config = Config::default();
    let mut loader = loader::Reader::default();
    let mut read = |l| loader.read(reader.conn(), &config, l).unwrap();

    let Snapshot::Queue(rows) = read(Load::View(View::Unresolved)) else {
        panic!()
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].member_name.as_str(),
            rows[0].seat_holder.as_str(),
            rows[0].kind.as_str()
        ),
        ("Lucía Fernández Soto", "Ana Pérez", "inmail")
    );
    let Snapshot::Detail(d) = read(Load::Detail(e.activity)) else {
        panic!()
    };
    assert_eq!(d.activity.new.subject, "Renewal");
    let names: Vec<_> = d.candidates.iter().map(|c| c.fullname.clone()).collect();
    assert_eq!(
        names,
        [Some("Lucía Fernández".into()), None],
        "a candidate gone from the mirror keeps its row"
    );

    let Snapshot::Connection(c) = read(Load::View(View::Connection)) else {
        panic!()
    };
    assert!(c.row.is_none());
    let Snapshot::Purge(p) = read(Load::Purge) else {
        panic!()
    };
    assert_eq!(
        (p.saved_accounts, p.saved_leads),
        (0, 1),
        "manual saves are not counted"
    );
    assert!(p.mirrored.contains(&(Table::Contacts, 1)));
    assert!(p.mirrored.contains(&(Table::SystemUsers, 1)));

    let Snapshot::Seats(s) = read(Load::View(View::Seats)) else {
        panic!()
    };
    assert_eq!((s.seats.len(), s.users.len()), (1, 1));

    // Skipped entries stay listed (flagged) so the skip can be taken back;
    // resolved ones leave.
    unresolved::set_dismissed(e.store.conn(), e.activity, true).unwrap();
    let Snapshot::Queue(rows) = read(Load::View(View::Unresolved)) else {
        panic!()
    };
    assert!(rows[0].dismissed);
    unresolved::resolve(
        e.store.conn(),
        e.activity,
        navsync::vocab::ResolveHow::Candidate,
        "c-1",
        None,
    )
    .unwrap();
    let Snapshot::Queue(rows) = read(Load::View(View::Unresolved)) else {
        panic!()
    };
    assert!(rows.is_empty());

    let Snapshot::Failed(msg) = read(Load::Detail(999)) else {
        panic!()
    };
    assert!(msg.contains("999"));
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_reader_thread_answers_requests_while_the_writer_holds_the_store() {
    let e = env();
    let rt = current_thread();
    rt.block_on(async {
        let (tx, mut rx) = loader::spawn(e.path.clone(), Arc::new(Config::default()));
        for l in loader::ALL_VIEWS {
            tx.send(l).unwrap();
        }
        tx.send(Load::Detail(e.activity)).unwrap();
        let mut got = Vec::new();
        while got.len() < loader::ALL_VIEWS.len() + 1 {
            let snap = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
                .await
                .expect("reader answers")
                .expect("reader alive");
            assert!(!matches!(snap, Snapshot::Failed(_)), "{snap:?}");
            got.push(std::mem::discriminant(&snap));
        }
        drop(tx);
        assert!(
            rx.recv().await.is_none(),
            "the reader stops when the console drops its sender"
        );
    });
}

/// However the reader batches a burst of Saved requests, what reaches
/// the console last answers the newest query, on the newest lines.
#[test]
fn the_reader_answers_the_newest_saved_query_last() {
    let e = env();
    let seat = seats::list(e.store.conn()).unwrap()[0].id;
    saved::save_manual(e.store.conn(), ItemKind::Account, seat, "acc-9").unwrap();
    let rt = current_thread();
    rt.block_on(async {
        let (tx, mut rx) = loader::spawn(e.path.clone(), Arc::new(Config::default()));
        for (generation, filter) in [(1, "nothing like it"), (2, "")] {
            let query = SavedQuery {
                generation,
                filter: filter.into(),
                sort: Default::default(),
            };
            let ask = SavedAsk {
                query,
                ..SavedAsk::default()
            };
            tx.send(Load::SavedView(ask)).unwrap();
        }
        tx.send(Load::Saved).unwrap();
        drop(tx);
        let (mut last, mut index) = (None, None);
        while let Some(snap) = rx.recv().await {
            match snap {
                Snapshot::Saved(data) => {
                    last = Some(data.view);
                    index = Some(data.index);
                }
                Snapshot::SavedView(v) => last = Some(v),
                other => panic!("{other:?}"),
            }
        }
        let (last, index) = (last.expect("an answer"), index.expect("the lines"));
        assert_eq!((last.generation, last.index), (2, index.id()));
        assert!(!index.is_empty());
        assert_eq!(last.total, index.len(), "the empty filter shows all");
    });
}

/// The Saved tab's rows: each saved item with the opportunity, stage and
/// owner that brought it in; a manual save marked as such.
#[test]
fn saved_rows_carry_their_opportunity_stage_and_owner() {
    let e = env();
    let c = e.store.conn();
    let seat = seats::list(c).unwrap()[0].id;
    for (id, name) in [("acc-1", "Fabrikam S.A."), ("acc-2", "Northwind")] {
        mirror::upsert_account(
            c,
            &mirror::Account {
                accountid: id.into(),
                name: name.into(),
                websiteurl: None,
                parentaccountid: None,
                ownerid: None,
                modifiedon: None,
            },
        )
        .unwrap();
    }
    // Written without the stage column, which issue 12 renames.
    c.execute(
        "INSERT INTO crm_opportunities (opportunityid, name, ownerid, accountid, statecode, stepname)
         VALUES ('o-1', 'Fabrikam renewal', 'u-ana', 'acc-1', 0, '2-Develop')",
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE crm_contacts SET parentaccountid = 'acc-1' WHERE contactid = 'c-1'",
        [],
    )
    .unwrap();
    saved::link_from_crm(c, ItemKind::Account, seat, "acc-1", "o-1").unwrap();
    saved::link_from_crm(c, ItemKind::Contact, seat, "c-1", "o-1").unwrap();
    saved::save_manual(c, ItemKind::Account, seat, "acc-2").unwrap();
    let mut reader = loader::Reader::default();
    let config = Config::default();
    let Snapshot::Saved(data) = reader.read(c, &config, Load::Saved).unwrap() else {
        panic!("not the saved lines");
    };
    let index = &data.index;
    let lines: Vec<_> = data
        .view
        .lines
        .iter()
        .map(|&i| index.line(i as usize).unwrap())
        .collect();
    assert_eq!(
        (lines.len(), data.view.total),
        (index.len(), index.len()),
        "the first window holds every line of a few"
    );
    let line = |name: &str| *lines.iter().find(|l| l.name == name).unwrap();
    let fab = line("Fabrikam S.A.");
    assert_eq!(
        (
            fab.seat_holder,
            fab.opportunity,
            fab.stage,
            fab.owner,
            fab.source
        ),
        (
            "Ana Pérez",
            Some("Fabrikam renewal"),
            Some("2-Develop"),
            Some("Ana Pérez"),
            Source::Crm
        )
    );
    let lead = line("Lucía Fernández");
    assert_eq!(lead.kind, ItemKind::Contact);
    assert_eq!(lead.company, Some("Fabrikam S.A."));
    let manual = line("Northwind");
    assert!(manual.source == Source::Hand && manual.opportunity.is_none());
    assert_eq!(
        lines.iter().filter(|l| l.name == "Fabrikam S.A.").count(),
        1,
        "one line per item and opportunity"
    );
    // A filter is worked out by the reader, on the lines it sent.
    let ask = SavedAsk {
        query: SavedQuery {
            generation: 7,
            filter: "LUCIA".into(),
            sort: Default::default(),
        },
        ..SavedAsk::default()
    };
    let Snapshot::SavedView(view) = reader.read(c, &config, Load::SavedView(ask)).unwrap() else {
        panic!("not a view");
    };
    assert_eq!((view.generation, view.index), (7, index.id()));
    let names: Vec<_> = view
        .lines
        .iter()
        .map(|&i| index.line(i as usize).unwrap().name)
        .collect();
    assert_eq!(names, ["Lucía Fernández"]);
}
