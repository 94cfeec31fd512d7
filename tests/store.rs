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
        thread: None,
        tag: None,
        sender: None,
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

/// A candidate is named with its owner (the mirrored user's name) and
/// creation date; a contact owned by a team or an unknown user has none.
#[test]
fn a_candidate_carries_its_owners_name_and_creation_date() {
    use store::mirror::{self, SystemUser};
    use store::reason::Reason;
    use store::unresolved::{self, Candidate};
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("navsync.db")).unwrap();
    let c = s.conn();
    let seat = seats::upsert(c, &new_seat("m-1", "Ana")).unwrap();
    activities::insert(c, &activity(seat, "e1")).unwrap();
    let aid: i64 = c
        .query_row(
            "SELECT id FROM activities WHERE external_id = 'e1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    mirror::upsert_systemuser(
        c,
        &SystemUser {
            systemuserid: "u1".into(),
            fullname: "Bruno Díaz".into(),
            email: None,
            isdisabled: false,
            is_application_user: false,
            modifiedon: None,
        },
    )
    .unwrap();
    for (id, owner) in [("k1", "u1"), ("k2", "team-1")] {
        mirror::upsert_contact(
            c,
            &mirror::Contact {
                contactid: id.into(),
                fullname: format!("Contact {id}"),
                firstname: None,
                lastname: None,
                email: None,
                jobtitle: None,
                parentaccountid: None,
                linkedin_url: None,
                ownerid: Some(owner.into()),
                createdon: Some("2024-03-12T09:30:00Z".into()),
                modifiedon: None,
            },
        )
        .unwrap();
    }
    let cand = |id: &str, score| Candidate {
        contactid: id.into(),
        score,
        reason: Reason::Email,
    };
    unresolved::enqueue(c, aid, &Reason::Email, &[cand("k1", 0.9), cand("k2", 0.8)]).unwrap();
    let named: Vec<(Option<String>, Option<String>)> = unresolved::candidates_named(c, aid)
        .unwrap()
        .into_iter()
        .map(|n| (n.owner, n.createdon.map(navsync::store::stamp)))
        .collect();
    assert_eq!(
        named,
        [
            (
                Some("Bruno Díaz".into()),
                Some("2024-03-12T09:30:00Z".into())
            ),
            (None, Some("2024-03-12T09:30:00Z".into())),
        ]
    );
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

/// Migration 005 gives the CRM copy of contacts their owner and creation
/// date, and forgets the contacts' delta link (only theirs): an incremental
/// read would not bring the new columns for rows that did not change.
#[test]
fn migration_005_reads_the_contacts_in_full_once_for_owner_and_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in [
            include_str!("../src/store/migrations/001_initial.sql"),
            include_str!("../src/store/migrations/002_salesstage.sql"),
            include_str!("../src/store/migrations/003_mirror_keys_as_indexes.sql"),
            include_str!("../src/store/migrations/004_threads_and_tags.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            r#"PRAGMA user_version = 4;
            INSERT INTO crm_contacts (contactid, fullname) VALUES ('c1', 'Ana');
            INSERT INTO sync_tokens (entity_set, delta_link, updated_at)
                VALUES ('contacts', 'https://x/api/data/v9.2/contacts?$deltatoken=1', 'now'),
                       ('accounts', 'https://x/api/data/v9.2/accounts?$deltatoken=1', 'now');"#,
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let c = s.conn();
    let tokens: Vec<String> = c
        .prepare("SELECT entity_set FROM sync_tokens")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tokens, ["accounts"]);
    let kept = &store::mirror::contacts(c).unwrap()[0];
    assert_eq!(
        (
            kept.fullname.as_str(),
            kept.ownerid.as_deref(),
            kept.createdon.as_deref()
        ),
        ("Ana", None, None)
    );
}

/// A bulk load drops a mirror's indexes and builds them at its end; a
/// process killed in between must not leave them missing.
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
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('crm_contacts_key', 'crm_contacts_account', 'crm_contacts_email')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 3);
}

fn contact(id: &str, name: &str) -> store::mirror::Contact {
    store::mirror::Contact {
        contactid: id.into(),
        fullname: name.into(),
        ..Default::default()
    }
}

/// The one number `sql` reads.
fn number(s: &Store, sql: &str) -> i64 {
    s.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// While a first load has the key index away, a contact may be mirrored
/// by another write and then come with the load too: building the key
/// index keeps the row written last, and upserts work again after.
#[test]
fn the_key_index_is_built_over_a_row_written_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let s = Store::open(&path).unwrap();
    let mirror = |id: &str, name: &str| store::mirror::Row::Contact(contact(id, name));
    store::mirror::drop_indexes(s.conn(), store::mirror::Table::Contacts).unwrap();
    store::mirror::upsert(s.conn(), &mirror("c1", "Created meanwhile")).unwrap();
    store::mirror::insert_all(
        s.conn(),
        &[mirror("c1", "From the load"), mirror("c2", "Other")],
    )
    .unwrap();
    store::mirror::ensure_indexes(s.conn()).unwrap();
    let names: Vec<(String, String)> = store::mirror::contacts(s.conn())
        .unwrap()
        .into_iter()
        .map(|c| (c.contactid, c.fullname))
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&("c1".into(), "From the load".into())));
    store::mirror::upsert(s.conn(), &mirror("c2", "Renamed")).unwrap();
    store::mirror::upsert_all(s.conn(), &[mirror("c2", "Renamed again")]).unwrap();
    assert_eq!(store::mirror::contacts(s.conn()).unwrap().len(), 2);
}

/// Migration 003 keeps every mirrored row and its key unique.
#[test]
fn migration_003_keeps_the_mirrors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../src/store/migrations/001_initial.sql"))
            .unwrap();
        conn.execute_batch(include_str!("../src/store/migrations/002_salesstage.sql"))
            .unwrap();
        conn.execute_batch(
            r#"PRAGMA user_version = 2;
            INSERT INTO crm_contacts (contactid, fullname, email) VALUES ('c1', 'Ana', 'a@x.test');
            INSERT INTO crm_accounts (accountid, name) VALUES ('a1', 'Contoso');
            INSERT INTO crm_opportunities (opportunityid, name, statecode, salesstage) VALUES ('o1', 'Deal', 0, 2);
            INSERT INTO crm_systemusers (systemuserid, fullname) VALUES ('u1', 'Ben');"#,
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let c = s.conn();
    for t in store::mirror::Table::ALL {
        assert_eq!(store::mirror::count(c, t).unwrap(), 1, "{t:?}");
    }
    assert!(
        c.execute(
            "INSERT INTO crm_contacts (contactid, fullname) VALUES ('c1', 'Twice')",
            []
        )
        .is_err(),
        "the key stays unique"
    );
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

/// Tables load side by side: the end of one first load builds its own
/// indexes, not those of a table still loading.
#[test]
fn a_finished_load_builds_only_its_own_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("navsync.db")).unwrap();
    let contacts_indexes = || -> i64 {
        s.conn()
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'crm_contacts'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    use store::mirror::{Table, drop_indexes, ensure_table_indexes};
    drop_indexes(s.conn(), Table::Contacts).unwrap();
    drop_indexes(s.conn(), Table::Accounts).unwrap();
    ensure_table_indexes(s.conn(), Table::Accounts).unwrap();
    assert_eq!(contacts_indexes(), 0);
    ensure_table_indexes(s.conn(), Table::Contacts).unwrap();
    assert_eq!(contacts_indexes(), 3);
}

/// An index build sorts in small runs on helper threads, and the writer
/// gets its page cache back after: a first load that left it at the
/// sorter's size would spill every later page of rows mid-transaction.
#[test]
fn an_index_build_gives_the_writer_its_page_cache_back() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("navsync.db")).unwrap();
    let pragma = |name: &str| -> i64 {
        s.conn()
            .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .unwrap()
    };
    let before = (pragma("cache_size"), pragma("threads"));
    assert_eq!(before, (-32_768, 0));
    use store::mirror::{Table, drop_indexes, ensure_table_indexes};
    drop_indexes(s.conn(), Table::Contacts).unwrap();
    // A table of 200,000 rows, as its rowids tell: its build sorts in
    // small runs.
    s.conn()
        .execute(
            "INSERT INTO crm_contacts (rowid, contactid, fullname) VALUES (200000, 'c-1', 'Ana')",
            [],
        )
        .unwrap();
    ensure_table_indexes(s.conn(), Table::Contacts).unwrap();
    assert_eq!((pragma("cache_size"), pragma("threads")), before);
}

/// A pull page into mirrors that hold rows: a changed row is updated in
/// place (its indexes moved only where their column changed), a new one
/// inserted, and a key twice in one page keeps the later row; the indexes
/// agree with the tables after (`integrity_check` compares every entry).
#[test]
fn a_pull_page_updates_mirrored_rows_and_moves_their_index_entries() {
    use store::mirror::{Opportunity, Row, upsert_all};
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("navsync.db")).unwrap();
    let with = |id: &str, name: &str, email: &str, account: &str| {
        Row::Contact(store::mirror::Contact {
            email: Some(email.into()),
            parentaccountid: Some(account.into()),
            ..contact(id, name)
        })
    };
    let deal = |owner: &str, stage: i64| {
        Row::Opportunity(Opportunity {
            opportunityid: "o-1".into(),
            name: "Deal".into(),
            ownerid: Some(owner.into()),
            accountid: None,
            contactid: None,
            statecode: 0,
            salesstage: Some(stage),
            stepname: None,
            money_json: "{}".into(),
            modifiedon: None,
        })
    };
    upsert_all(
        s.conn(),
        &[
            with("c-1", "Ana", "ana@old.test", "a-1"),
            with("c-2", "Ben", "ben@x.test", "a-2"),
            deal("u-1", 1),
        ],
    )
    .unwrap();
    upsert_all(
        s.conn(),
        &[
            with("c-1", "Ana Pérez", "ana@new.test", "a-1"),
            with("c-2", "Ben Ruiz", "ben@x.test", "a-3"),
            with("c-3", "Carla", "carla@x.test", "a-1"),
            with("c-2", "Benjamín Ruiz", "ben@x.test", "a-3"),
            deal("u-2", 2),
        ],
    )
    .unwrap();
    let ids = |sql: &str| -> Vec<String> {
        let mut stmt = s.conn().prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(
        ids("SELECT contactid || ' ' || fullname FROM crm_contacts ORDER BY contactid"),
        ["c-1 Ana Pérez", "c-2 Benjamín Ruiz", "c-3 Carla"]
    );
    assert_eq!(
        ids(
            "SELECT contactid FROM crm_contacts INDEXED BY crm_contacts_email WHERE email = 'ANA@new.test' COLLATE NOCASE"
        ),
        ["c-1"]
    );
    assert!(ids("SELECT contactid FROM crm_contacts INDEXED BY crm_contacts_email WHERE email = 'ana@old.test' COLLATE NOCASE").is_empty());
    assert_eq!(
        ids(
            "SELECT contactid FROM crm_contacts INDEXED BY crm_contacts_account WHERE parentaccountid = 'a-3'"
        ),
        ["c-2"]
    );
    assert_eq!(
        ids(
            "SELECT opportunityid || ' ' || salesstage FROM crm_opportunities INDEXED BY crm_opportunities_owner WHERE ownerid = 'u-2'"
        ),
        ["o-1 2"]
    );
    assert!(s.integrity_ok().unwrap());
}

/// A pull page finds its rows' keys through the mapped file, not the page
/// cache: at a million contacts each scattered key read a key-index page
/// into a fresh buffer of its own, the part of an incremental run that
/// grew with the table. Here every table page is cached first, so the
/// only pages a page of updates could read through the cache are the key
/// index's. The connection reads unmapped again after.
#[test]
fn a_pull_page_reads_its_keys_without_the_page_cache() {
    use store::mirror::{Row, upsert_all};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync.db");
    let key = |i: usize| {
        format!(
            "{:08x}-0000-4000-8000-{i:012}",
            i.wrapping_mul(2_654_435_761) % (1 << 32)
        )
    };
    {
        let s = Store::open(&path).unwrap();
        let all: Vec<Row> = (0..20_000)
            .map(|i| Row::Contact(contact(&key(i), &format!("Contact {i}"))))
            .collect();
        let tx = s.conn().unchecked_transaction().unwrap();
        upsert_all(&tx, &all).unwrap();
        tx.commit().unwrap();
        s.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert!(number(&s, "SELECT sum(length(fullname)) FROM crm_contacts") > 0);
    let misses = || {
        let (mut now, mut high) = (0, 0);
        // SAFETY: the handle is the open connection's own, used on this
        // thread while `s` lives; the call only reads (and resets) a counter.
        let rc = unsafe {
            rusqlite::ffi::sqlite3_db_status(
                s.conn().handle(),
                rusqlite::ffi::SQLITE_DBSTATUS_CACHE_MISS,
                &mut now,
                &mut high,
                1,
            )
        };
        assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
        now
    };
    misses();
    let tx = s.conn().unchecked_transaction().unwrap();
    let renamed: Vec<Row> = (7..20_000)
        .step_by(40)
        .map(|i| Row::Contact(contact(&key(i), &format!("Renamed {i}"))))
        .collect();
    upsert_all(&tx, &renamed).unwrap();
    tx.commit().unwrap();
    assert!(
        misses() <= 2,
        "a page of updates read key-index pages into the page cache"
    );
    assert_eq!(number(&s, "PRAGMA mmap_size"), 0);
    assert_eq!(
        number(
            &s,
            "SELECT count(*) FROM crm_contacts WHERE fullname LIKE 'Renamed %'"
        ),
        500
    );
}
