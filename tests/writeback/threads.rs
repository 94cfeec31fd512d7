//! "Copy thread to CRM" and tags against the emulator over HTTP: a thread
//! is one activity updated in place (closed or open), exactly once across
//! a crash between the update's send and its record; the same tag twice is
//! one activity.

use navsync::config::{ActivityKind, ThreadMode};
use navsync::engine::usecases::conversation::ThreadRules;
use navsync::engine::usecases::import;
use navsync::engine::usecases::writeback::{self, Rules};
use navsync::store::activities::{self, Activity, ActivityState, NewActivity};
use navsync::store::{Store, outbox};

use crate::e2e::{DieAfter, DieAfterSend, World, client, world};
use crate::rules;

/// Message `n` of thread `t-1` with `member`; messages 1..=3 come in the
/// first file, 4 and 5 in the next.
fn message(seat: i64, member: (&str, Option<&str>), n: u32) -> NewActivity {
    NewActivity {
        thread: Some("t-1".into()),
        body: format!("message number {n}"),
        occurred_at: format!("2025-03-0{n}T09:30:00Z"),
        sender: n.is_multiple_of(2).then(|| "Seller".to_string()),
        ..rules::activity(
            &format!("m{n}"),
            seat,
            ActivityKind::Message,
            member.0,
            member.1,
        )
    }
}

const MATCHED: (&str, Option<&str>) = ("Ana Pérez", Some("Acme"));
const UNMATCHED: (&str, Option<&str>) = ("Zed Nobody", Some("Initech"));

async fn conversation(w: &World) -> Activity {
    let id = w.activity("m1").await.conversation_id.expect("gathered");
    w.store(move |s| activities::get(s.conn(), id).unwrap().unwrap())
        .await
}

/// Every message's text, oldest first, and nothing twice.
fn assert_holds(description: &str, messages: u32) {
    let mut at = 0;
    for n in 1..=messages {
        let text = format!("message number {n}");
        let found = description[at..]
            .find(&text)
            .unwrap_or_else(|| panic!("{text} in order in {description}"));
        at += found + text.len();
        assert_eq!(description.matches(&text).count(), 1, "{description}");
    }
}

async fn three_then_two(member: (&str, Option<&str>), closed: i64) {
    let w = world().await;
    let first = (1..=3).map(|n| message(w.seat_on, member, n)).collect();
    w.import(first, rules::rules()).await;
    writeback::send_pending(&w.writer, &w.crm).await.unwrap();
    let c = conversation(&w).await;
    assert_eq!((c.messages, c.version), (Some(3), 1));
    let task = c.crm_activity_id.clone().unwrap();
    assert_holds(w.task(&task)["description"].as_str().unwrap(), 3);

    let more = (4..=5).map(|n| message(w.seat_on, member, n)).collect();
    w.import(more, rules::rules()).await;
    let sent = writeback::send_pending(&w.writer, &w.crm).await.unwrap();
    assert_eq!((sent.written, sent.failed), (1, 0), "{sent:?}");

    assert_eq!(w.sim.control().rows("tasks").len(), 1, "one activity");
    let t = w.task(&task);
    let description = t["description"].as_str().unwrap();
    assert_holds(description, 5);
    assert!(description.contains("Seller · 2025-03-04 09:30 UTC"));
    assert!(description.starts_with(member.0), "{description}");
    assert_eq!(t["subject"], format!("Conversation with {}", member.0));
    assert_eq!(t["statecode"], closed, "{t:?}");
    let c = conversation(&w).await;
    assert_eq!((c.messages, c.version), (Some(5), 2));
    let in_thread = w
        .store(|s| {
            activities::by_state(s.conn(), ActivityState::InThread)
                .unwrap()
                .len()
        })
        .await;
    assert_eq!(in_thread, 5);
}

#[tokio::test]
async fn a_closed_conversation_is_reopened_updated_and_closed_again_with_all_five_messages() {
    three_then_two(MATCHED, 1).await;
}

#[tokio::test]
async fn an_open_conversation_is_updated_in_place_with_all_five_messages() {
    three_then_two(UNMATCHED, 0).await;
}

/// An open conversation is one item in the queue: resolved as one, and a
/// later message updates the now closed task, which stays closed and
/// regarding the contact.
#[tokio::test]
async fn a_resolved_conversation_takes_later_messages_and_stays_closed() {
    use navsync::engine::interface::command::ResolveHow;
    use navsync::engine::usecases::resolve;
    let w = world().await;
    let first = (1..=3).map(|n| message(w.seat_on, UNMATCHED, n)).collect();
    w.import(first, rules::rules()).await;
    writeback::send_pending(&w.writer, &w.crm).await.unwrap();
    let c = conversation(&w).await;
    let queue = w
        .store(|s| navsync::store::unresolved::queue_rows(s.conn()).unwrap())
        .await;
    assert_eq!(queue.len(), 1, "one item for the thread");
    assert_eq!((queue[0].activity_id, queue[0].messages), (c.id, Some(3)));
    let answer = resolve::resolve_with_contact(
        &w.writer,
        &w.crm,
        c.id,
        rules::ANA.into(),
        ResolveHow::Candidate,
        None,
    )
    .await
    .unwrap();
    assert!(answer.ok, "{answer:?}");

    let more = (4..=5).map(|n| message(w.seat_on, UNMATCHED, n)).collect();
    w.import(more, rules::rules()).await;
    let sent = writeback::send_pending(&w.writer, &w.crm).await.unwrap();
    assert_eq!((sent.written, sent.failed), (1, 0), "{sent:?}");
    let t = w.task(c.crm_activity_id.as_deref().unwrap());
    assert_holds(t["description"].as_str().unwrap(), 5);
    assert_eq!(
        (
            t["statecode"].clone(),
            t["_regardingobjectid_value"].clone()
        ),
        (serde_json::json!(1), serde_json::json!(rules::ANA))
    );
    assert_eq!(w.sim.control().rows("tasks").len(), 1);
}

#[tokio::test]
async fn per_message_writes_each_message_of_a_thread_on_its_own() {
    let w = world().await;
    let r = Rules {
        threads: ThreadRules {
            mode: ThreadMode::PerMessage,
            ..ThreadRules::default()
        },
        ..rules::rules()
    };
    let all = (1..=3).map(|n| message(w.seat_on, UNMATCHED, n)).collect();
    w.import(all, r).await;
    writeback::send_pending(&w.writer, &w.crm).await.unwrap();
    assert_eq!(w.sim.control().rows("tasks").len(), 3);
    assert_eq!(w.activity("m1").await.conversation_id, None);
}

#[tokio::test]
async fn a_conversation_too_long_for_the_column_drops_its_oldest_messages_and_says_how_many() {
    let w = world().await;
    let r = Rules {
        threads: ThreadRules {
            description_limit: 160,
            ..ThreadRules::default()
        },
        ..rules::rules()
    };
    let all = (1..=5).map(|n| message(w.seat_on, UNMATCHED, n)).collect();
    w.import(all, r).await;
    writeback::send_pending(&w.writer, &w.crm).await.unwrap();
    let c = conversation(&w).await;
    let d = w.task(c.crm_activity_id.as_deref().unwrap())["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(d.chars().count() <= 160, "{d}");
    assert!(d.contains("… 3 earlier messages"), "{d}");
    assert!(!d.contains("message number 3") && d.contains("message number 5"));
}

#[tokio::test]
async fn the_same_tag_imported_twice_is_one_activity() {
    let w = world().await;
    let seat = w.seat_on;
    let file = w.dir_path.join("tags.jsonl");
    let line = |at: &str| {
        format!(
            r#"{{"kind":"tag","seat":"{seat}","member_name":"Ana Pérez","member_company":"Acme","tag":"Decision maker","occurred_at":"{at}"}}"#
        )
    };
    std::fs::write(&file, line("2025-03-01T09:30:00Z") + "\n").unwrap();
    let again = w.dir_path.join("tags-later.csv");
    std::fs::write(
        &again,
        format!(
            "kind,seat,member_name,member_company,tag,occurred_at\ntag,{seat},Ana Pérez,Acme,Decision maker,2025-04-02T10:00:00Z\n"
        ),
    )
    .unwrap();
    let reports = w
        .writer
        .call(move |s: &mut Store| {
            let a = import::import_file(s, &file).map_err(|e| e.to_string());
            let b = import::import_file(s, &again).map_err(|e| e.to_string());
            Ok::<_, writeback::WritebackError>((a.unwrap(), b.unwrap()))
        })
        .await
        .unwrap();
    assert_eq!((reports.0.imported, reports.1.known), (1, 1), "{reports:?}");
    w.import(Vec::new(), rules::rules()).await;
    writeback::send_pending(&w.writer, &w.crm).await.unwrap();
    let tasks = w.sim.control().rows("tasks");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["subject"], "Tag: Decision maker");
    assert_eq!(tasks[0]["statecode"], 1, "matched: closed");
}

/// Env var naming the store dir of a child run that must die between the
/// CRM's answer to a conversation's update and the store commit.
const CHILD: &str = "NAVSYNC_THREAD_CRASH_CHILD";

#[tokio::test]
async fn a_crash_between_an_updates_send_and_its_record_resends_nothing() {
    let w = world().await;
    let first = (1..=3).map(|n| message(w.seat_on, MATCHED, n)).collect();
    w.import(first, rules::rules()).await;
    writeback::send_pending(&w.writer, &w.crm).await.unwrap();
    let more = (4..=5).map(|n| message(w.seat_on, MATCHED, n)).collect();
    w.import(more, rules::rules()).await;
    let task = conversation(&w).await.crm_activity_id.unwrap();
    let World {
        writer,
        sim,
        dir_path: dir,
        ..
    } = w;
    // The writer thread closes the store once its last handle is gone.
    writer
        .call(|_| Ok::<_, writeback::WritebackError>(()))
        .await
        .unwrap();
    drop(writer);

    let out = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "threads::update_crash_child",
            "--nocapture",
        ])
        .env(CHILD, &dir)
        .env("SIM_URL", sim.instance_url())
        .env("SIM_AUTHORITY", sim.authority_url())
        .output()
        .await
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGKILL),
        "the child must be killed mid-send: {out:?}"
    );
    let held = sim.control().row("tasks", &task).unwrap();
    assert_holds(held["description"].as_str().unwrap(), 5);

    let store = Store::open(&navsync::paths::store_file(&dir)).unwrap();
    assert_eq!(
        outbox::pending_count(store.conn()).unwrap(),
        1,
        "the update's record never happened"
    );
    let writer = navsync::engine::effects::writer::Writer::spawn(store).unwrap();
    let crm = client(&sim.instance_url(), &sim.authority_url(), &dir);
    let before = sim.control().request_count("POST $batch");
    let sent = writeback::send_pending(&writer, &crm).await.unwrap();
    assert_eq!(
        (sent.written, sent.already, sent.failed),
        (0, 1, 0),
        "{sent:?}"
    );
    assert_eq!(
        sim.control().request_count("POST $batch"),
        before,
        "nothing sent again"
    );
    let tasks = sim.control().rows("tasks");
    assert_eq!(tasks.len(), 1, "still one activity");
    assert_holds(tasks[0]["description"].as_str().unwrap(), 5);
    assert_eq!(tasks[0]["statecode"], 1);
    let pending = writer
        .call(|s| Ok::<_, writeback::WritebackError>(outbox::pending_count(s.conn())?))
        .await
        .unwrap();
    assert_eq!(pending, 0);
}

#[tokio::test]
#[ignore = "child process of a_crash_between_an_updates_send_and_its_record_resends_nothing"]
async fn update_crash_child() {
    let dir = std::env::var_os(CHILD).expect("run only by its parent test");
    let url = std::env::var("SIM_URL").unwrap();
    let authority = std::env::var("SIM_AUTHORITY").unwrap();
    let dir = std::path::Path::new(&dir);
    let store = Store::open(&navsync::paths::store_file(dir)).unwrap();
    let writer = navsync::engine::effects::writer::Writer::spawn(store).unwrap();
    let crm = DieAfterSend(client(&url, &authority, dir), DieAfter::Update);
    let _ = writeback::send_pending(&writer, &crm).await;
    unreachable!("the wrapper aborts the process");
}

/// Through a sync run: the words written into the CRM are in the
/// configured language, and the description's length is the CRM's.
#[tokio::test]
async fn a_sync_run_writes_a_conversation_in_the_configured_language() {
    let dir = tempfile::tempdir().unwrap();
    let (store, [on, _, _]) = rules::seeded(dir.path());
    let sim = navsync::sim::start(crate::e2e::tenant(), navsync::sim::SimConfig::default())
        .await
        .unwrap();
    let mut config = crate::e2e::connected(&sim, &store);
    config.lang = navsync::config::Lang::Es;
    for n in 1..=5 {
        let mut m = message(on, UNMATCHED, n);
        m.body = format!("message number {n} {}", "x".repeat(580));
        activities::insert(store.conn(), &m).unwrap();
    }
    drop(store);
    let path = navsync::paths::store_file(dir.path());
    let mut h = navsync::engine::Engine::start(config, &path).unwrap();
    crate::e2e::sync(&mut h, false).await;
    let tasks = sim.control().rows("tasks");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["subject"], "Conversación con Zed Nobody");
    let d = tasks[0]["description"].as_str().unwrap();
    assert!(d.chars().count() <= 2000, "{}", d.chars().count());
    assert!(d.contains("… 2 mensajes anteriores"), "{d}");
    assert!(d.contains("message number 3") && !d.contains("message number 2 "));
    h.commands.send(navsync::engine::Command::Shutdown).unwrap();
}
