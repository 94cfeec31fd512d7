//! Imports cannot freeze the engine (the command reads its own file, a
//! FIFO included), and bad input is reported line by line, every line
//! counted, none of it able to drive the terminal.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use navsync::config::DEFAULT_MAX_IMPORT_BYTES;
use navsync::engine::usecases::import;
use navsync::store::{Store, activities, seats};

use crate::child::CrashWorld;

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path and a mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn a_fifo_import_blocks_neither_seats_enable_nor_sigterm() {
    let w = CrashWorld::connected(24, 1);
    let mut service = crate::serve(&w, |_| {});
    let fifo = w.dir.path().join("feed.jsonl");
    mkfifo(&fifo);
    let mut importer = w
        .navsync()
        .args(["activities", "import"])
        .arg(&fifo)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Opening the write end waits for the importer to open the read end.
    let mut feed = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    writeln!(
        feed,
        "{}",
        navsync::commands::demo::activity_line(&w.activities[0])
    )
    .unwrap();
    feed.flush().unwrap();

    // The feed stays open: the importer waits on it, the engine does not.
    crate::engine_answers_status(&w);
    crate::seats_enable(&w);
    crate::signal(service.id(), libc::SIGTERM);
    assert!(
        crate::exits(&mut service).success(),
        "SIGTERM stops the service"
    );

    drop(feed);
    let _ = importer.kill();
    importer.wait().unwrap();
}

#[test]
fn a_million_lines_with_bad_utf8_import_the_good_lines_and_report_every_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    {
        let store = Store::open(&navsync::paths::store_file(&data)).unwrap();
        seats::upsert(
            store.conn(),
            &crate::support::seat("m-1", "Ana", None, true),
        )
        .unwrap();
    }
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[crm]\ninstance_url = \"http://127.0.0.1:9\"\ntenant_id = \"t\"\nclient_id = \"c\"\n",
    )
    .unwrap();
    const LINES: usize = 1_000_000;
    let file = dir.path().join("big.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    let mut good = 0;
    for n in 1..=LINES {
        match n {
            // A forged log line and terminal codes in a value.
            2 => writeln!(
                out,
                r#"{{"kind":"\u001b[31mfax\n<0>FAKE EMERGENCY","seat":"m-1","member_name":"X","occurred_at":"2025-03-01T09:30:00Z"}}"#
            ),
            // A 10 MB value.
            3 => writeln!(
                out,
                r#"{{"kind":"note","seat":"m-1","member_name":"X","occurred_at":"{}"}}"#,
                "9".repeat(10_000_000)
            ),
            4 => out.write_all(b"{\"kind\":\"note\",\"seat\":\"m-1\",\"member_name\":\"\xff\xfe\",\"occurred_at\":\"2025-03-01T09:30:00Z\"}\n"),
            n if n % 100_000 == 0 => {
                good += 1;
                writeln!(
                    out,
                    r#"{{"id":"good-{n}","kind":"note","seat":"m-1","member_name":"Ana {n}","occurred_at":"2025-03-01T09:30:00Z"}}"#
                )
            }
            n => writeln!(
                out,
                r#"{{"id":"{n}","kind":"note","seat":"nobody","member_name":"X","occurred_at":"2025-03-01T09:30:00Z"}}"#
            ),
        }
        .unwrap();
    }
    out.flush().unwrap();
    drop(out);

    let mut cmd = crate::child::navsync(&cfg, &data, "unused");
    cmd.args(["activities", "import"]).arg(&file);
    let result = crate::finish(cmd);
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(
        result.status.code(),
        Some(0),
        "{stdout}{}",
        &stderr[..stderr.len().min(4000)]
    );
    assert!(stdout.contains(&format!("imported {good}, ")), "{stdout}");
    let bad = LINES - good;
    assert!(stdout.contains("999,990 bad lines"), "{stdout}");

    // The first 100 bad lines, cut and escaped, then where all of them are.
    let shown: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with(&format!("{}:line ", file.display())))
        .collect();
    assert_eq!(shown.len(), 100, "{}", &stderr[..stderr.len().min(4000)]);
    assert!(
        !stderr.contains('\u{1b}'),
        "a raw escape reached the terminal"
    );
    assert!(
        stderr.contains(r"unknown kind `\u{1b}[31mfax\n<0>FAKE EMERGENCY`"),
        "{}",
        &stderr[..stderr.len().min(4000)]
    );
    assert!(!stderr.lines().any(|l| l.starts_with("<0>")));
    assert!(
        stderr.contains("line 3: the line is 10 MB long"),
        "{stderr:.4000}"
    );
    assert!(stderr.contains("line 4: not UTF-8"), "{stderr:.4000}");
    assert!(
        stderr.len() < 100_000,
        "stderr holds {} bytes",
        stderr.len()
    );
    assert!(stderr.contains("999,890 more bad lines"), "{stderr:.4000}");

    let reports: Vec<_> = std::fs::read_dir(data.join("import-reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(reports.len(), 1);
    assert_eq!(crate::mode(&reports[0]), 0o600);
    let listed = std::io::BufRead::lines(std::io::BufReader::new(
        std::fs::File::open(&reports[0]).unwrap(),
    ))
    .count();
    assert_eq!(listed, bad, "every bad line is in the report");

    let store = Store::open_readonly(&navsync::paths::store_file(&data)).unwrap();
    assert_eq!(activities::count(store.conn()).unwrap() as usize, good);
}

#[test]
fn the_inbox_refuses_symlinks_and_fifos_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&navsync::paths::store_file(dir.path())).unwrap();
    seats::upsert(
        store.conn(),
        &crate::support::seat("m-1", "Ana", None, true),
    )
    .unwrap();
    let secret = dir.path().join("someone-elses.jsonl");
    std::fs::write(
        &secret,
        r#"{"kind":"note","seat":"m-1","member_name":"X","occurred_at":"2025-03-01T09:30:00Z"}"#,
    )
    .unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::os::unix::fs::symlink(&secret, inbox.join("link.jsonl")).unwrap();
    mkfifo(&inbox.join("pipe.jsonl"));

    let r = import::import_inbox_once(&mut store, &inbox, DEFAULT_MAX_IMPORT_BYTES);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.files.len(), 2);
    for name in ["link.jsonl", "pipe.jsonl"] {
        let moved = inbox.join("failed").join(name);
        assert!(moved.symlink_metadata().is_ok(), "{name} is in failed/");
        let report =
            std::fs::read_to_string(inbox.join("failed").join(format!("{name}.report.txt")))
                .unwrap();
        assert!(report.contains("is not a regular file"), "{report}");
    }
    assert_eq!(activities::count(store.conn()).unwrap(), 0);
}
