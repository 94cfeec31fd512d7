//! Activity files into a real SQLite store: per-line errors, idempotent
//! re-import, CSV quoting, the inbox, the example files and the CLI.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use navsync::config::{ActivityKind, DEFAULT_MAX_IMPORT_BYTES};
use navsync::engine::usecases::import::{self, ImportError};
use navsync::store::{Store, activities, seats};

struct Env {
    dir: tempfile::TempDir,
    store: Store,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&navsync::paths::store_file(dir.path())).unwrap();
    for (member, name, email) in [
        ("seat-ana", "Ana Pérez", "ana.perez@yourcompany.example"),
        ("seat-luis", "Luis Gómez", "luis.gomez@yourcompany.example"),
    ] {
        seats::upsert(
            store.conn(),
            &crate::support::seat(member, name, Some(email), true),
        )
        .unwrap();
    }
    Env { dir, store }
}

impl Env {
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn all(&self) -> Vec<activities::Activity> {
        activities::by_state(self.store.conn(), activities::ActivityState::New).unwrap()
    }
}

const JSONL: &str = r#"{"id":"x-1","kind":"inmail","seat":"seat-ana","member_name":"Emma Brown","member_company":"Acme","subject":"Hi","body":"Hello","occurred_at":"2025-03-01T09:30:00+01:00"}
{"kind":"inmail", "seat": 
{"kind":"message","seat":"seat-nobody","member_name":"X","occurred_at":"2025-03-01T09:30:00Z"}

{"kind":"fax","seat":"seat-ana","member_name":"X","occurred_at":"2025-03-01T09:30:00Z"}
{"kind":"note","seat":"LUIS.GOMEZ@yourcompany.example","member_name":"Jürgen Müller","body":"met at the fair","occurred_at":"2025-03-03T11:00:00Z","copy_to_crm":false}
{"kind":"note","seat":"seat-ana","member_name":"X","occurred_at":"yesterday"}
{"kind":"note","seat":"seat-ana","occurred_at":"2025-03-03T11:00:00Z"}
{"kind":"note","seat":"seat-ana","member_name":"X","occurred_at":"2025-03-03T11:00:00Z","colour":"red"}
"#;

#[test]
fn bad_lines_are_reported_by_number_and_good_lines_kept() {
    let mut e = env();
    let path = e.write("a.jsonl", JSONL);
    let r = import::import_file(&mut e.store, &path).unwrap();
    assert_eq!((r.imported, r.known), (2, 0));
    let lines: Vec<u64> = r.bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, [2, 3, 5, 7, 8, 9]);
    let reason = |line: u64| &r.bad.iter().find(|b| b.line == line).unwrap().reason;
    assert!(reason(2).contains("not valid JSON"), "{}", reason(2));
    assert!(
        reason(3).contains("unknown seat `seat-nobody`"),
        "{}",
        reason(3)
    );
    assert!(reason(5).contains("unknown kind `fax`"), "{}", reason(5));
    assert!(reason(7).contains("occurred_at"), "{}", reason(7));
    assert!(reason(8).contains("missing `member_name`"), "{}", reason(8));
    assert!(
        reason(9).contains("unknown field `colour`"),
        "{}",
        reason(9)
    );
    assert_eq!(
        r.counts().to_string(),
        "imported 2, skipped 0 already known, 6 bad lines"
    );

    let all = e.all();
    assert_eq!(all.len(), 2);
    let inmail = &all[0].new;
    assert_eq!(inmail.external_id, "x-1");
    assert_eq!(inmail.kind, ActivityKind::Inmail);
    assert_eq!(inmail.occurred_at, "2025-03-01T08:30:00Z", "stored in UTC");
    assert!(inmail.copy_to_crm, "copy_to_crm defaults to true");
    let note = &all[1].new;
    assert!(note.external_id.starts_with("v5:"), "{}", note.external_id);
    assert!(!note.copy_to_crm);
    assert_eq!(note.subject, "Note: Jürgen Müller");
    let luis = seats::list(e.store.conn())
        .unwrap()
        .into_iter()
        .find(|s| s.member_id == "seat-luis")
        .unwrap();
    assert_eq!(note.seat_id, luis.id, "seat found by e-mail, any case");
}

#[test]
fn reimport_adds_nothing_twice() {
    let mut e = env();
    let path = e.write("a.jsonl", JSONL);
    import::import_file(&mut e.store, &path).unwrap();
    let again = import::import_file(&mut e.store, &path).unwrap();
    assert_eq!((again.imported, again.known), (0, 2));
    assert_eq!(activities::count(e.store.conn()).unwrap(), 2);
    // The same id-less line in another file and format is the same activity.
    let csv = e.write(
        "b.csv",
        "kind,seat,member_name,body,occurred_at,copy_to_crm\n\
         note,seat-luis,Jürgen Müller,met at the fair,2025-03-03T12:00:00+01:00,true\n",
    );
    let r = import::import_file(&mut e.store, &csv).unwrap();
    assert_eq!((r.imported, r.known), (0, 1), "{:?}", r.bad);
}

#[test]
fn csv_quoted_commas_and_newlines_keep_line_numbers_right() {
    let mut e = env();
    let path = e.write(
        "c.csv",
        "kind,seat,member_name,member_company,subject,body,occurred_at\n\
         inmail,seat-ana,\"Brown, Emma\",\"Acme, Inc.\",Hi,\"line one, with comma\nline two \"\"quoted\"\"\",2025-03-01T09:30:00Z\n\
         message,seat-ana,Bad Time,Acme,Hi,x,not-a-time\n\
         message,seat-ana,Too,Many,Fields,x,2025-03-01T09:30:00Z,extra\n\
         note,seat-luis,Ok Again,,,,2025-03-01T10:00:00Z\n",
    );
    let r = import::import_file(&mut e.store, &path).unwrap();
    assert_eq!(r.imported, 2, "{:?}", r.bad);
    let lines: Vec<u64> = r.bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, [4, 5], "the quoted newline spans lines 2-3");
    assert!(
        r.bad[1].reason.contains("has 8 value(s)"),
        "{}",
        r.bad[1].reason
    );
    let all = e.all();
    assert_eq!(all[0].new.member_name, "Brown, Emma");
    assert_eq!(all[0].new.member_company.as_deref(), Some("Acme, Inc."));
    assert_eq!(all[0].new.body, "line one, with comma\nline two \"quoted\"");
    assert_eq!(all[1].new.member_company, None, "empty cell is absent");
}

#[test]
fn csv_without_required_columns_is_unusable() {
    let mut e = env();
    let path = e.write("h.csv", "kind,seat,name\nnote,seat-ana,X\n");
    match import::import_file(&mut e.store, &path) {
        Err(ImportError::Header { message, .. }) => {
            assert!(message.contains("unknown column `name`"), "{message}")
        }
        other => panic!("expected a header error, got {other:?}"),
    }
    let path = e.write(
        "h2.csv",
        "kind,seat,occurred_at\nnote,seat-ana,2025-03-01T10:00:00Z\n",
    );
    match import::import_file(&mut e.store, &path) {
        Err(ImportError::Header { message, .. }) => {
            assert!(
                message.contains("missing column(s) member_name"),
                "{message}"
            )
        }
        other => panic!("expected a header error, got {other:?}"),
    }
    assert_eq!(activities::count(e.store.conn()).unwrap(), 0);
}

#[test]
fn example_files_in_assets_are_valid_and_describe_the_same_activities() {
    let mut e = env();
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let r = import::import_file(&mut e.store, &assets.join("activities.example.jsonl")).unwrap();
    assert_eq!((r.imported, r.bad.len()), (6, 0), "{:?}", r.bad);
    let r = import::import_file(&mut e.store, &assets.join("activities.example.csv")).unwrap();
    assert_eq!((r.imported, r.known, r.bad.len()), (0, 6, 0), "{:?}", r.bad);
}

#[test]
fn inbox_moves_files_to_done_or_failed_with_a_report() {
    let mut e = env();
    let inbox = e.dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::write(inbox.join("good.jsonl"), JSONL).unwrap();
    std::fs::write(
        inbox.join("bad.csv"),
        "kind,seat,member_name,occurred_at\nfax,seat-ana,X,2025-03-01T10:00:00Z\n",
    )
    .unwrap();
    std::fs::write(inbox.join("header.csv"), "what,is,this\n1,2,3\n").unwrap();
    std::fs::write(inbox.join("half-written.jsonl.part"), "{").unwrap();

    let r = import::import_inbox_once(&mut e.store, &inbox, DEFAULT_MAX_IMPORT_BYTES);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.files.len(), 3);
    let done = inbox.join("done");
    let failed = inbox.join("failed");
    assert!(done.join("good.jsonl").is_file());
    let report = std::fs::read_to_string(done.join("good.jsonl.report.txt")).unwrap();
    assert!(
        report.contains("imported 2, skipped 0 already known, 6 bad lines"),
        "{report}"
    );
    assert!(report.contains("line 3: unknown seat"), "{report}");
    assert!(failed.join("bad.csv").is_file());
    let report = std::fs::read_to_string(failed.join("bad.csv.report.txt")).unwrap();
    assert!(report.contains("line 2: unknown kind `fax`"), "{report}");
    let report = std::fs::read_to_string(failed.join("header.csv.report.txt")).unwrap();
    assert!(report.contains("file not imported"), "{report}");
    assert!(
        inbox.join("half-written.jsonl.part").is_file(),
        "not picked up"
    );
    assert!(!inbox.join("good.jsonl").exists());

    // Nothing left: a second pass does nothing; the same file dropped again
    // imports nothing twice and does not overwrite the first report.
    assert!(
        import::import_inbox_once(&mut e.store, &inbox, DEFAULT_MAX_IMPORT_BYTES)
            .files
            .is_empty()
    );
    std::fs::write(inbox.join("good.jsonl"), JSONL).unwrap();
    let r = import::import_inbox_once(&mut e.store, &inbox, DEFAULT_MAX_IMPORT_BYTES);
    assert_eq!(r.files[0].moved_to, done.join("1-good.jsonl"));
    let again = r.files[0].outcome.as_ref().unwrap();
    assert_eq!((again.imported, again.known), (0, 2));
    assert_eq!(activities::count(e.store.conn()).unwrap(), 2);
}

#[test]
fn cli_prints_the_summary_and_exits_0_or_2() {
    let e = env();
    let data = e.dir.path();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let run = |file: &Path| {
        Command::new(env!("CARGO_BIN_EXE_navsync"))
            .env("LC_ALL", "C")
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(data)
            .args(["activities", "import"])
            .arg(file)
            .output()
            .unwrap()
    };
    drop(e.store);
    let good = data.join("a.jsonl");
    std::fs::write(&good, JSONL).unwrap();
    let out = run(&good);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("imported 2, skipped 0 already known, 6 bad lines"),
        "{stdout}"
    );
    assert!(stderr.contains("a.jsonl:line 3: unknown seat"), "{stderr}");

    let bad = data.join("b.jsonl");
    std::fs::write(&bad, "not json\n").unwrap();
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&data.join("missing.csv"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read activity file"));
}

mod through_the_engine {

    use crate::support::{next, shutdown};
    use navsync::config::Config;
    use navsync::engine::usecases::import_records::{self, Format, FormatFrom};
    use navsync::engine::{Command, Engine, Event};
    use navsync::store::{Store, activities};

    /// The engine's side of `activities import`: batches of records in,
    /// one `ImportBatch` answer each, with the batch's own bad lines.
    #[tokio::test]
    async fn record_batches_are_answered_with_their_counts_and_bad_lines() {
        let e = super::env();
        let path = navsync::paths::store_file(e.dir.path());
        drop(e.store);
        let mut records = Vec::new();
        import_records::read(
            super::JSONL.as_bytes(),
            FormatFrom::Given(Format::JsonLines),
            u64::MAX,
            |item| {
                if let Ok(r) = item {
                    records.push(r);
                }
                Ok::<_, ()>(())
            },
        )
        .unwrap()
        .unwrap();
        let mut h = Engine::start(Config::default(), &path).unwrap();
        let id = uuid::Uuid::new_v4();
        for round in 0..2 {
            h.commands
                .send(Command::ImportRecords {
                    import: id,
                    records: records.clone(),
                })
                .unwrap();
            let report = loop {
                if let Event::ImportBatch { import, report } = next(&mut h).await {
                    assert_eq!(import, id);
                    break report.expect("the store took the batch");
                }
            };
            let want = if round == 0 { (2, 0) } else { (0, 2) };
            assert_eq!((report.imported, report.known), want);
            let lines: Vec<u64> = report.bad.iter().map(|b| b.line).collect();
            // Line 2 is not JSON: the reader keeps it out of any batch.
            assert_eq!(lines, [3, 5, 7, 8, 9], "{:?}", report.bad);
        }
        shutdown(h).await;
        let store = Store::open_readonly(&path).unwrap();
        assert_eq!(activities::count(store.conn()).unwrap(), 2);
    }

    #[tokio::test]
    async fn the_engine_imports_what_is_dropped_in_the_inbox() {
        let e = super::env();
        let path = navsync::paths::store_file(e.dir.path());
        let inbox = e.dir.path().join("inbox");
        std::fs::create_dir(&inbox).unwrap();
        std::fs::write(inbox.join("drop.jsonl"), super::JSONL).unwrap();
        drop(e.store);
        let mut config = Config::default();
        config.writeback.activity_inbox = Some(inbox.clone());
        let mut h = Engine::start(config, &path).unwrap();
        loop {
            if let Event::Log { note, .. } = next(&mut h).await {
                let message = navsync::describe::note(&note).join("\n");
                assert!(message.contains("drop.jsonl"), "{message}");
                assert!(message.contains("imported 2"), "{message}");
                break;
            }
        }
        assert!(inbox.join("done/drop.jsonl").is_file());
        shutdown(h).await;
        let store = Store::open_readonly(&path).unwrap();
        assert_eq!(activities::count(store.conn()).unwrap(), 2);
    }
}

#[test]
fn threads_and_tags_are_checked_line_by_line() {
    let mut e = env();
    let path = e.write(
        "t.jsonl",
        concat!(
            r#"{"kind":"message","seat":"seat-ana","member_name":"Emma Brown","thread":"t-9","sender":"Ana Pérez","body":"Hi","occurred_at":"2025-03-01T09:30:00Z"}"#,
            "\n",
            r#"{"kind":"note","seat":"seat-ana","member_name":"Emma Brown","thread":"t-9","occurred_at":"2025-03-01T09:30:00Z"}"#,
            "\n",
            r#"{"kind":"tag","seat":"seat-ana","member_name":"Emma Brown","occurred_at":"2025-03-01T09:30:00Z"}"#,
            "\n",
            r#"{"kind":"inmail","seat":"seat-ana","member_name":"Emma Brown","tag":"VIP","occurred_at":"2025-03-01T09:30:00Z"}"#,
            "\n",
            r#"{"kind":"tag","seat":"seat-ana","member_name":"Emma Brown","tag":"VIP","occurred_at":"2025-03-01T09:30:00Z"}"#,
            "\n",
            r#"{"kind":"tag","seat":"seat-ana","member_name":"Emma Brown","tag":"VIP","occurred_at":"2026-01-01T00:00:00Z","body":"again"}"#,
            "\n",
        ),
    );
    let r = import::import_file(&mut e.store, &path).unwrap();
    assert_eq!((r.imported, r.known), (2, 1), "{r:?}");
    let reasons: Vec<(u64, &str)> = r.bad.iter().map(|b| (b.line, b.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [
            (2, "`thread` is for InMails and messages, not a note"),
            (3, "a tag needs `tag`, its label"),
            (4, "`tag` is only for kind tag"),
        ]
    );
    let tag = activities::by_state(e.store.conn(), activities::ActivityState::New)
        .unwrap()
        .into_iter()
        .find(|a| a.new.kind == navsync::config::ActivityKind::Tag)
        .unwrap();
    assert_eq!(
        (tag.new.subject.as_str(), tag.new.tag.as_deref()),
        ("Tag: VIP", Some("VIP"))
    );
}
