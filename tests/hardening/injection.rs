//! A peer's words cannot forge a log line: a client name carrying a
//! newline, a journal priority and terminal codes stays on its own line,
//! escaped, in the journal (stderr) and the log file.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::process::Stdio;

use crate::child::CrashWorld;

#[test]
fn a_forged_log_line_in_a_client_name_is_escaped_in_the_journal_and_the_log_file() {
    let w = CrashWorld::connected(25, 0);
    let mut service = crate::serve(&w, |c| {
        c.stderr(Stdio::piped());
    });
    let socket = navsync::service::socket_file(&w.data);
    let forged = "x\n<0>FAKE EMERGENCY LINE\u{1b}[31m";
    let hello = serde_json::json!({"type": "hello", "protocol": navsync::service::protocol::PROTOCOL, "client": forged});
    let mut s = UnixStream::connect(&socket).unwrap();
    writeln!(s, "{hello}").unwrap();
    let mut answer = String::new();
    BufReader::new(&s).read_line(&mut answer).unwrap();
    assert!(answer.contains("\"hello\""), "{answer}");
    drop(s);
    // Its detach is logged too; then stop, so stderr ends.
    crate::engine_answers_status(&w);
    crate::signal(service.id(), libc::SIGTERM);
    let mut journal = String::new();
    service
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut journal)
        .unwrap();
    assert!(crate::exits(&mut service).success());

    let escaped = r"x\n<0>FAKE EMERGENCY LINE\u{1b}[31m";
    let logs = navsync::paths::log_dir(&w.data);
    let mut file_log = String::new();
    for e in std::fs::read_dir(logs).unwrap() {
        file_log.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    for (what, text) in [("journal", &journal), ("log file", &file_log)] {
        assert!(text.contains(escaped), "{what}: {text}");
        assert!(
            !text
                .lines()
                .any(|l| l.contains("FAKE") && !l.contains(r"x\n<0>FAKE")),
            "{what} has a forged line: {text}"
        );
        assert!(!text.contains('\u{1b}'), "{what} has a raw escape");
    }
}
