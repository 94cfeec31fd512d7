//! Seats: bulk sync switches in one transaction, assignment from CRM users
//! without duplicates, and the `navsync seats` command.

use navsync::engine::interface::note::{Note, Reply};
use std::path::Path;
use std::process::Command;

use navsync::engine::usecases::seats::{self, SeatsError};
use navsync::store::seats::{Edition, Licence, NewSeat};
use navsync::store::{Store, mirror};

fn user(id: &str, name: &str, email: &str, disabled: bool, app: bool) -> mirror::SystemUser {
    mirror::SystemUser {
        systemuserid: id.into(),
        fullname: name.into(),
        email: Some(email.into()),
        isdisabled: disabled,
        is_application_user: app,
        modifiedon: None,
    }
}

fn store(dir: &Path) -> Store {
    let s = Store::open(&navsync::paths::store_file(dir)).unwrap();
    for u in [
        user("u-ana", "Ana Pérez", "ana@contoso.example", false, false),
        user("u-luis", "Luis Gómez", "luis@contoso.example", false, false),
        user("u-old", "Old Timer", "old@contoso.example", true, false),
        user(
            "u-app",
            "# navsync integration",
            "app@contoso.example",
            false,
            true,
        ),
        user("u-eva", "Eva Ruiz", "Eva@Contoso.example", false, false),
    ] {
        mirror::upsert_systemuser(s.conn(), &u).unwrap();
    }
    for (member, name, email, crm) in [
        (
            "m-ana",
            "Ana Pérez",
            Some("ana@contoso.example"),
            Some("u-ana"),
        ),
        ("m-eva", "Eva Ruiz", Some("eva@contoso.example"), None),
        ("m-bob", "Bob Stone", None, None),
    ] {
        navsync::store::seats::upsert(
            s.conn(),
            &NewSeat {
                member_id: member,
                name,
                email,
                licence: Licence::Member,
                edition: Edition::Team,
                crm_user_id: crm,
                sync_enabled: false,
            },
        )
        .unwrap();
    }
    s
}

fn by_member(s: &Store, member: &str) -> navsync::store::seats::Seat {
    navsync::store::seats::list(s.conn())
        .unwrap()
        .into_iter()
        .find(|x| x.member_id == member)
        .unwrap()
}

#[test]
fn bulk_switch_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let all = navsync::store::seats::list(s.conn()).unwrap();
    let ids = seats::resolve_refs(
        &all,
        &["m-ana".into(), by_member(&s, "m-bob").id.to_string()],
    )
    .unwrap();
    assert_eq!(seats::set_sync(&mut s, &ids, true).unwrap(), 2);
    assert!(by_member(&s, "m-ana").sync_enabled && by_member(&s, "m-bob").sync_enabled);
    assert!(by_member(&s, "m-ana").in_crm(false), "matched and on");
    assert!(!by_member(&s, "m-bob").in_crm(false), "on but not matched");
    // Switching again changes nothing.
    assert_eq!(seats::set_sync(&mut s, &ids, true).unwrap(), 0);
    // One unknown id aborts the whole switch.
    let err = seats::set_sync(&mut s, &[ids[0], 9999], false).unwrap_err();
    assert!(matches!(err, SeatsError::UnknownSeat(_)), "{err}");
    assert!(by_member(&s, "m-ana").sync_enabled, "rolled back");
    assert!(matches!(
        seats::resolve_refs(&all, &["nobody".into()]),
        Err(SeatsError::UnknownSeat(_))
    ));
}

#[test]
fn assignable_users_exclude_disabled_and_application_users_and_show_holders() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path());
    let users = seats::assignable_users(s.conn()).unwrap();
    let ids: Vec<&str> = users.iter().map(|u| u.user.systemuserid.as_str()).collect();
    assert_eq!(ids, ["u-ana", "u-eva", "u-luis"]);
    let holder = |id: &str| {
        users
            .iter()
            .find(|u| u.user.systemuserid == id)
            .unwrap()
            .holder
            .as_ref()
            .map(|h| h.member_id.clone())
    };
    assert_eq!(holder("u-ana").as_deref(), Some("m-ana"));
    assert_eq!(
        holder("u-eva").as_deref(),
        Some("m-eva"),
        "by e-mail, any case"
    );
    assert_eq!(holder("u-luis"), None);
}

#[test]
fn assign_never_duplicates_a_seat() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    let before = navsync::store::seats::list(s.conn()).unwrap().len();
    let out = seats::assign(
        &mut s,
        &[
            "u-ana".into(),
            "EVA@contoso.example".into(),
            "luis@contoso.example".into(),
            "u-luis".into(),
        ],
        Licence::Admin,
        Edition::Enterprise,
    )
    .unwrap();
    assert_eq!(out.already.len(), 1);
    assert_eq!(out.already[0].member_id, "m-ana");
    assert_eq!(out.linked.len(), 1);
    assert_eq!(out.linked[0].crm_user_id.as_deref(), Some("u-eva"));
    assert_eq!(out.created.len(), 1, "u-luis named twice, created once");
    let luis = &out.created[0];
    assert_eq!(luis.crm_user_id.as_deref(), Some("u-luis"));
    assert_eq!(
        (luis.licence, luis.edition),
        (Licence::Admin, Edition::Enterprise)
    );
    assert!(luis.sync_enabled);
    assert_eq!(
        navsync::store::seats::list(s.conn()).unwrap().len(),
        before + 1
    );

    // Assigning again creates nothing.
    let again = seats::assign(&mut s, &["u-luis".into()], Licence::Member, Edition::Team).unwrap();
    assert_eq!((again.created.len(), again.already.len()), (0, 1));

    // A disabled, application or unknown user is refused with its reason;
    // the others in the same list are still handled.
    let out = seats::assign(
        &mut s,
        &[
            "u-old".into(),
            "u-app".into(),
            "nobody@x".into(),
            "u-ana".into(),
        ],
        Licence::Member,
        Edition::Team,
    )
    .unwrap();
    assert_eq!(out.already.len(), 1, "u-ana was still looked at");
    assert_eq!(out.refused.len(), 3, "{:?}", out.refused);
    let said: Vec<String> = out.refused.iter().map(navsync::describe::refusal).collect();
    assert!(said[0].contains("disabled"), "{said:?}");
    assert!(said[1].contains("application"), "{said:?}");
    assert!(said[2].contains("no CRM user \"nobody@x\""), "{said:?}");
    assert_eq!(
        navsync::store::seats::list(s.conn()).unwrap().len(),
        before + 1
    );
}

#[test]
fn seats_command_lists_switches_and_assigns() {
    let dir = tempfile::tempdir().unwrap();
    drop(store(dir.path()));
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
            .env("LC_ALL", "C")
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(dir.path())
            .arg("seats")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = run(&["enable", "m-ana", "m-bob"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("sync on for 2 seats; 2 changed"), "{out}");
    let (code, _, err) = run(&["disable", "m-nobody"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no seat \"m-nobody\""), "{err}");
    let (code, out, err) = run(&["assign", "luis@contoso.example", "--licence", "admin"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("created seat"), "{out}");
    assert!(out.contains("1 seat created"), "{out}");
    let (code, _, err) = run(&["assign", "u-luis", "--edition", "gold"]);
    assert_eq!(code, Some(2), "{err}");

    let (code, out, _) = run(&["list", "--json"]);
    assert_eq!(code, Some(0));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), 4);
    let row = |member: &str| {
        rows.iter()
            .find(|r| r["member_id"] == member)
            .unwrap()
            .clone()
    };
    assert_eq!(row("m-ana")["in_crm"], true);
    assert_eq!(row("m-ana")["crm_user_name"], "Ana Pérez");
    assert_eq!(row("m-bob")["in_crm"], false);
    assert_eq!(row("crm:u-luis")["licence"], "admin");
    let (code, out, _) = run(&["list"]);
    assert_eq!(code, Some(0));
    assert!(
        out.lines()
            .any(|l| l.contains("Ana Pérez") && l.contains("In CRM")),
        "{out}"
    );
}

#[tokio::test]
async fn engine_switches_many_seats_with_one_event() {
    use navsync::engine::{Command, Engine, Event, View};
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path());
    let ids: Vec<i64> = navsync::store::seats::list(s.conn())
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    drop(s);
    let path = navsync::paths::store_file(dir.path());
    let mut h = Engine::start(navsync::config::Config::default(), &path).unwrap();
    let wait = std::time::Duration::from_secs(5);
    let mut next = async || {
        tokio::time::timeout(wait, h.events.recv())
            .await
            .unwrap()
            .unwrap()
    };
    h.commands
        .send(Command::SetSeatSync {
            seat_ids: ids.clone(),
            enabled: true,
        })
        .unwrap();
    assert_eq!(
        next().await,
        Event::ActionResult {
            ok: true,
            reply: Reply::SeatSync {
                on: true,
                count: 3,
                changed: 3
            }
        }
    );
    assert_eq!(next().await, Event::DataChanged(View::Seats));
    h.commands
        .send(Command::AssignSeats {
            crm_user_ids: vec!["u-luis".into(), "u-ana".into()],
            licence: Licence::Member,
            edition: Edition::Team,
        })
        .unwrap();
    // Each seat is logged, then the answer comes.
    assert_eq!(
        next().await,
        Event::Log {
            level: tracing::Level::INFO,
            note: Note::SeatCreated {
                id: 4,
                name: "Luis Gómez".into()
            }
        }
    );
    assert!(matches!(next().await, Event::Log { .. }), "u-ana's line");
    match next().await {
        Event::ActionResult { ok: true, reply } => {
            let message = navsync::describe::reply(&reply);
            assert!(message.starts_with("1 seat created"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(next().await, Event::DataChanged(View::Seats));
    h.commands
        .send(Command::SetSeatSync {
            seat_ids: vec![ids[0], 999],
            enabled: false,
        })
        .unwrap();
    assert!(matches!(
        next().await,
        Event::ActionResult { ok: false, .. }
    ));
    h.commands.send(Command::Shutdown).unwrap();
    drop(h);
    let s = Store::open(&path).unwrap();
    assert!(
        navsync::store::seats::list(s.conn())
            .unwrap()
            .iter()
            .all(|x| x.sync_enabled),
        "the refused switch changed nothing"
    );
}
