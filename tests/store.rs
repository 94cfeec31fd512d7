//! The store on a real SQLite file: migrations, durability, atomicity.

use navsync::config::ActivityKind;
use navsync::store::{self, Store, activities, seats};

fn new_seat<'a>(member: &'a str, name: &'a str) -> seats::NewSeat<'a> {
    seats::NewSeat {
        member_id: member,
        name,
        email: None,
        licence: seats::Licence::Member,
        edition: seats::Edition::Team,
        crm_user_id: None,
        sync_enabled: true,
    }
}

#[test]
fn migrates_from_empty_and_reopen_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    {
        let s = Store::open(&path).unwrap();
        let id = seats::upsert(s.conn(), &new_seat("m-1", "Ana Pérez")).unwrap();
        assert!(id > 0);
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = s
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }
    let s = Store::open(&path).unwrap();
    let all = seats::list(s.conn()).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Ana Pérez");
    assert!(s.integrity_ok().unwrap());
    let ro = Store::open_readonly(&path).unwrap();
    assert_eq!(seats::list(ro.conn()).unwrap().len(), 1);
    assert!(
        seats::upsert(ro.conn(), &new_seat("m-2", "x")).is_err(),
        "readers cannot write"
    );
}

#[test]
fn a_transaction_cut_by_a_dropped_connection_leaves_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let seat = {
        let s = Store::open(&path).unwrap();
        seats::upsert(s.conn(), &new_seat("m-1", "Ana")).unwrap()
    };
    {
        // A raw connection so the transaction can be left neither committed
        // nor rolled back, then the connection closed: what a crash does.
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        for i in 0..10 {
            activities::insert(&tx, &activity(seat, &format!("ext-{i}"))).unwrap();
        }
        std::mem::forget(tx);
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(activities::count(s.conn()).unwrap(), 0);
    assert!(s.integrity_ok().unwrap());
}

fn activity(seat_id: i64, ext: &str) -> activities::NewActivity {
    activities::NewActivity {
        external_id: ext.into(),
        seat_id,
        kind: ActivityKind::Inmail,
        member_name: "Bob".into(),
        member_company: Some("Acme".into()),
        member_title: None,
        member_email: None,
        member_profile_url: None,
        subject: "hi".into(),
        body: "hello".into(),
        occurred_at: store::now(),
        copy_to_crm: true,
    }
}

#[test]
fn typed_transaction_rolls_back_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("navsync.db")).unwrap();
    let r: Result<(), store::StoreError> = s.transaction(|tx| {
        seats::upsert(tx, &new_seat("m-1", "Ana"))?;
        seats::upsert(tx, &new_seat("m-2", "Bea"))?;
        Err(store::StoreError::BadValue {
            column: "test",
            value: "boom".into(),
        })
    });
    assert!(r.is_err());
    assert!(seats::list(s.conn()).unwrap().is_empty());
}

#[test]
fn reimport_adds_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("navsync.db")).unwrap();
    let seat = seats::upsert(s.conn(), &new_seat("m-1", "Ana")).unwrap();
    assert!(activities::insert(s.conn(), &activity(seat, "e1")).unwrap());
    assert!(!activities::insert(s.conn(), &activity(seat, "e1")).unwrap());
    assert_eq!(activities::count(s.conn()).unwrap(), 1);
}

#[test]
fn the_outbox_keeps_one_row_per_write_and_takes_the_newest_undone_payload() {
    use navsync::store::outbox;
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("navsync.db")).unwrap();
    let id = outbox::enqueue(
        s.conn(),
        None,
        outbox::OutboxOp::CloseTask,
        "tasks",
        "t-1",
        "{\"to\":\"a\"}",
    )
    .unwrap();
    outbox::mark_attempt_failed(s.conn(), id, "refused", 1).unwrap();
    assert!(
        outbox::pending(s.conn(), 10).unwrap().is_empty(),
        "failed for good"
    );
    // The user picks another contact: the same row, pending, new target.
    let again = outbox::enqueue(
        s.conn(),
        None,
        outbox::OutboxOp::CloseTask,
        "tasks",
        "t-1",
        "{\"to\":\"b\"}",
    )
    .unwrap();
    assert_eq!(again, id);
    let pending = outbox::pending(s.conn(), 10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].payload_json, "{\"to\":\"b\"}");
    assert_eq!(pending[0].attempts, 0);
    // Once done, nothing brings it back.
    outbox::mark_done(s.conn(), id).unwrap();
    outbox::enqueue(
        s.conn(),
        None,
        outbox::OutboxOp::CloseTask,
        "tasks",
        "t-1",
        "{\"to\":\"c\"}",
    )
    .unwrap();
    assert!(outbox::pending(s.conn(), 10).unwrap().is_empty());
}

/// A store written before the pipeline stage moved to `salesstage`: the
/// column is renamed, values read from `salesstagecode` ("Process Code")
/// are dropped, the opportunities are read in full again, and a stage
/// picked from the Process Code list is forgotten.
#[test]
fn migration_002_moves_the_stage_to_salesstage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../src/store/migrations/001_initial.sql"))
            .unwrap();
        conn.execute_batch(
            r#"PRAGMA user_version = 1;
            INSERT INTO crm_opportunities (opportunityid, name, statecode, salesstagecode)
                VALUES ('o1', 'Deal', 0, 1);
            INSERT INTO sync_tokens (entity_set, delta_link, updated_at)
                VALUES ('opportunities', 'https://x/api/data/v9.2/opportunities?$deltatoken=1', 'now'),
                       ('accounts', 'https://x/api/data/v9.2/accounts?$deltatoken=1', 'now');
            INSERT INTO settings (key, value, updated_at) VALUES
                ('pipeline_stage', '1', 'now'),
                ('crm_choices', '{"stages":[{"value":null,"label":"Not sure"},{"value":1,"label":"Default Value"}],"won_value_fields":[],"read_at":"now"}', 'now');"#,
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let c = s.conn();
    let stage: Option<i64> = c
        .query_row(
            "SELECT salesstage FROM crm_opportunities WHERE opportunityid = 'o1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stage, None);
    let tokens: Vec<String> = c
        .prepare("SELECT entity_set FROM sync_tokens")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tokens, ["accounts"]);
    let settings: i64 = c
        .query_row("SELECT COUNT(*) FROM settings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(settings, 0);
}

/// A bulk load drops a mirror's secondary indexes and builds them at its
/// end; a process killed in between must not leave them missing.
#[test]
fn reopening_rebuilds_indexes_a_killed_bulk_load_left_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    {
        let s = Store::open(&path).unwrap();
        store::mirror::drop_indexes(s.conn(), store::mirror::Table::Contacts).unwrap();
    }
    let s = Store::open(&path).unwrap();
    let n: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('crm_contacts_account', 'crm_contacts_email')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2);
}

fn mirrored_account(id: &str) -> store::mirror::Row {
    store::mirror::Row::Account(store::mirror::Account {
        accountid: id.into(),
        name: format!("Account {id}"),
        websiteurl: None,
        parentaccountid: None,
        ownerid: None,
        modifiedon: None,
    })
}

fn committed_accounts(path: &std::path::Path) -> usize {
    let reader = Store::open_readonly(path).unwrap();
    store::mirror::accounts(reader.conn()).unwrap().len()
}

/// Mirror pages share a transaction until a durable page or any other
/// write commits them; a page that fails undoes the pages waiting with it,
/// counted as a lost commit (a read spanning it stores no delta link).
#[test]
fn rereadable_pages_wait_for_a_durable_page_or_another_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let mut s = Store::open(&path).unwrap();
    let page = |s: &mut Store, id: &str, durable: bool| {
        let row = mirrored_account(id);
        s.rereadable(1, durable, |c| store::mirror::upsert(c, &row))
    };
    page(&mut s, "a1", false).unwrap();
    page(&mut s, "a2", true).unwrap();
    page(&mut s, "a3", false).unwrap();
    assert_eq!(committed_accounts(&path), 2, "a3 not committed yet");
    let failed: Result<(), store::StoreError> = s.rereadable(1, false, |c| {
        store::mirror::upsert(c, &mirrored_account("a4"))?;
        Err(store::StoreError::LostPages)
    });
    assert!(failed.is_err());
    assert_eq!(s.lost_commits(), 1);
    page(&mut s, "a5", true).unwrap();
    assert_eq!(
        committed_accounts(&path),
        3,
        "a1, a2 and a5; a3 and a4 undone"
    );

    page(&mut s, "a6", false).unwrap();
    s.transaction(|tx| seats::upsert(tx, &new_seat("m1", "Member")).map(|_| ()))
        .unwrap();
    assert_eq!(
        committed_accounts(&path),
        4,
        "committed before the other write"
    );
    assert_eq!(s.lost_commits(), 1);
    let page_size: i64 = s
        .conn()
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(page_size, 16_384, "a new store");
}
