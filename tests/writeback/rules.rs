//! Which activities are written and how, decided and queued in the store
//! before anything is sent.

use navsync::config::{ActivityKind, Config};
use navsync::crm::writes::TaskState;
use navsync::crm::{EntityKind, EntityRef};
use navsync::engine::usecases::writeback::{self, Prepared, Queued, Rules, Write};
use navsync::store::activities::{self, ActivityState, NewActivity};
use navsync::store::seats::{Edition, Licence, NewSeat};
use navsync::store::{Store, mirror, outbox, unresolved};
use navsync::vocab::Word;

pub const U_ON: &str = "7a1f0c2e-0000-4000-8000-000000000003";
pub const ACME: &str = "acc00000-0000-4000-8000-00000000ac01";
pub const ANA: &str = "c0000000-0000-4000-8000-00000000a0a0";

pub fn rules() -> Rules {
    Rules {
        enabled: true,
        kinds: ActivityKind::ALL.to_vec(),
        auto_sync_all_seats: false,
        on_behalf_of_seat_holder: false,
        matching: Config::default().matching,
        threads: Default::default(),
    }
}

/// Seats: "on" (sync on, CRM user), "off" (sync off), "nouser" (sync on,
/// no CRM user); the mirror holds Acme and Ana Pérez.
pub fn seeded(dir: &std::path::Path) -> (Store, [i64; 3]) {
    let s = Store::open(&navsync::paths::store_file(dir)).unwrap();
    let mut ids = [0; 3];
    for (i, (member, crm, on)) in [
        ("on", Some(U_ON), true),
        ("off", Some("7a1f0c2e-0000-4000-8000-0000000000ff"), false),
        ("nouser", None, true),
    ]
    .into_iter()
    .enumerate()
    {
        ids[i] = navsync::store::seats::upsert(
            s.conn(),
            &NewSeat {
                member_id: member,
                name: member,
                email: None,
                licence: Licence::Member,
                edition: Edition::Team,
                crm_user_id: crm,
                sync_enabled: on,
            },
        )
        .unwrap();
    }
    mirror::upsert_account(
        s.conn(),
        &mirror::Account {
            accountid: ACME.into(),
            name: "Acme Inc.".into(),
            websiteurl: Some("https://acme.example".into()),
            parentaccountid: None,
            ownerid: None,
            modifiedon: None,
        },
    )
    .unwrap();
    mirror::upsert_contact(
        s.conn(),
        &mirror::Contact {
            contactid: ANA.into(),
            fullname: "Ana Pérez".into(),
            firstname: Some("Ana".into()),
            lastname: Some("Pérez".into()),
            email: Some("ana@acme.example".into()),
            jobtitle: None,
            parentaccountid: Some(ACME.into()),
            linkedin_url: None,
            ownerid: None,
            createdon: None,
            modifiedon: None,
        },
    )
    .unwrap();
    (s, ids)
}

pub fn activity(
    ext: &str,
    seat: i64,
    kind: ActivityKind,
    name: &str,
    company: Option<&str>,
) -> NewActivity {
    NewActivity {
        external_id: ext.into(),
        seat_id: seat,
        kind,
        member_name: name.into(),
        member_company: company.map(Into::into),
        member_title: Some("Buyer".into()),
        member_email: None,
        member_profile_url: None,
        subject: format!("about {ext}"),
        body: "hello".into(),
        occurred_at: "2025-03-01T09:30:00Z".into(),
        copy_to_crm: true,
        thread: None,
        tag: None,
        sender: None,
    }
}

/// The typed write queued for `activity_id`, read back from its row.
fn queued(s: &Store, activity_id: i64) -> Queued {
    let e = outbox::pending(s.conn(), 100)
        .unwrap()
        .into_iter()
        .find(|e| e.activity_id == Some(activity_id))
        .expect("queued in the outbox");
    Queued::of(&e).unwrap()
}

#[test]
fn each_rule_decides_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (s, [on, off, nouser]) = seeded(dir.path());
    let mut opted_out = activity(
        "x-optout",
        on,
        ActivityKind::Note,
        "Ana Pérez",
        Some("Acme"),
    );
    opted_out.copy_to_crm = false;
    for a in [
        activity(
            "x-match",
            on,
            ActivityKind::Inmail,
            "ANA PEREZ",
            Some("Acme"),
        ),
        activity(
            "x-nomatch",
            on,
            ActivityKind::Message,
            "Zed Nobody",
            Some("Initech"),
        ),
        opted_out,
        activity("x-kind", on, ActivityKind::Note, "Ana Pérez", Some("Acme")),
        activity(
            "x-seatoff",
            off,
            ActivityKind::Inmail,
            "Ana Pérez",
            Some("Acme"),
        ),
        activity(
            "x-nouser",
            nouser,
            ActivityKind::Inmail,
            "Ana Pérez",
            Some("Acme"),
        ),
    ] {
        activities::insert(s.conn(), &a).unwrap();
    }
    let id = |ext: &str| {
        activities::by_state(s.conn(), ActivityState::New)
            .unwrap()
            .into_iter()
            .chain(activities::by_state(s.conn(), ActivityState::Queued).unwrap())
            .chain(activities::by_state(s.conn(), ActivityState::Excluded).unwrap())
            .find(|a| a.new.external_id == ext)
            .unwrap()
    };

    // Writeback off: nothing is decided, everything waits.
    let off_rules = Rules {
        enabled: false,
        ..rules()
    };
    assert_eq!(
        writeback::prepare(s.conn(), &off_rules).unwrap(),
        Prepared::default()
    );
    assert_eq!(
        activities::by_state(s.conn(), ActivityState::New)
            .unwrap()
            .len(),
        6
    );

    let r = Rules {
        kinds: vec![ActivityKind::Inmail, ActivityKind::Message],
        on_behalf_of_seat_holder: true,
        ..rules()
    };
    let got = writeback::prepare(s.conn(), &r).unwrap();
    assert_eq!(
        got,
        Prepared {
            closed: 1,
            open: 1,
            copy_off: 1,
            kind_off: 1,
            seat_off: 2
        }
    );
    for ext in ["x-optout", "x-kind", "x-seatoff", "x-nouser"] {
        assert_eq!(id(ext).state, ActivityState::Excluded, "{ext}");
    }

    // Matched: a closed task regarding the contact, owned by the seat
    // holder, id committed with the activity before the send.
    let m = id("x-match");
    assert_eq!(m.state, ActivityState::Queued);
    assert_eq!(m.matched_contactid.as_deref(), Some(ANA));
    assert_eq!(
        m.match_reason,
        Some(navsync::store::reason::Reason::NameCompany { score: 1.0 })
    );
    let task_id = m.crm_activity_id.clone().unwrap();
    assert_eq!(task_id, writeback::task_id(&m));
    let q = queued(&s, m.id);
    let Write::CreateTask(task) = &q.write else {
        panic!("a task: {q:?}")
    };
    assert_eq!(q.v, writeback::FORMAT);
    assert_eq!(task.id.to_string(), task_id);
    assert_eq!(task.state, TaskState::Completed);
    assert_eq!(
        task.regarding,
        Some(EntityRef::new(EntityKind::Contact, ANA.parse().unwrap()))
    );
    assert_eq!(task.owner.to_string(), U_ON);
    assert_eq!(task.at, "2025-03-01T09:30:00Z");
    assert!(
        task.description
            .starts_with("InMail with ANA PEREZ (Buyer, Acme)")
    );
    assert_eq!(q.on_behalf_of.map(|u| u.to_string()).as_deref(), Some(U_ON));

    // Unmatched: an open task regarding nothing, and in the queue.
    let n = id("x-nomatch");
    let Write::CreateTask(task) = queued(&s, n.id).write else {
        panic!("a task")
    };
    assert_eq!(task.state, TaskState::Open);
    assert_eq!(task.regarding, None);
    let queue = unresolved::open(s.conn(), false).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].activity_id, n.id);
    assert_eq!(
        queue[0].reason,
        navsync::store::reason::Reason::NoAccount {
            company: "Initech".into()
        }
    );

    // Deciding again queues nothing twice.
    assert_eq!(
        writeback::prepare(s.conn(), &r).unwrap(),
        Prepared::default()
    );
    assert_eq!(outbox::pending_count(s.conn()).unwrap(), 2);
}

#[test]
fn auto_sync_all_seats_counts_every_matched_seat_as_on() {
    let dir = tempfile::tempdir().unwrap();
    let (s, [_, off, nouser]) = seeded(dir.path());
    activities::insert(
        s.conn(),
        &activity("a", off, ActivityKind::Note, "Ana Pérez", Some("Acme")),
    )
    .unwrap();
    activities::insert(
        s.conn(),
        &activity("b", nouser, ActivityKind::Note, "Ana Pérez", Some("Acme")),
    )
    .unwrap();
    let got = writeback::prepare(
        s.conn(),
        &Rules {
            auto_sync_all_seats: true,
            ..rules()
        },
    )
    .unwrap();
    assert_eq!(
        (got.closed, got.seat_off),
        (1, 1),
        "a seat with no CRM user still has no owner"
    );
}
