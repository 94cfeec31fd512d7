//! Scripted keys applied to the app state (no terminal): the exact
//! Commands sent and the state that results.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use navsync::engine::interface::command::{NewContact, ResolveHow};
use navsync::engine::interface::event::ContactHit;
use navsync::engine::{Command, Event, View};
use navsync::store::seats::{Edition, Licence};
use navsync::ui::action::Tab;
use navsync::ui::keymap::{Context, Keymap};
use navsync::ui::loader::{Load, Snapshot};
use navsync::ui::popups::Popup;
use navsync::ui::theme::Theme;
use navsync::ui::{App, Clock, ConsoleOptions};
use tokio::sync::mpsc;

use crate::fixture::{app_with, queue, screen, sent, t};

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn popup_text(app: &mut App) -> String {
    screen(app, 120, 40)
}

#[test]
fn marks_seats_in_bulk_through_a_filter_and_disables_them() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Seats);
    // Mark Ana (row 0), then filter to the "Díaz"/"Ruiz" rows and mark all shown.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "member");
    assert_eq!(
        app.seats.view.len(),
        3,
        "Bruno, Carla and Diego hold member seats"
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.seats.marked_ids(), vec![1, 2, 3, 4]);
    press(&mut app, KeyCode::Char('x'));
    let Some(Popup::Confirm(c)) = &app.popup else {
        panic!("no confirmation");
    };
    assert_eq!(
        c.lines[0],
        "Disable CRM sync for 4 marked (1 hidden by filter)?"
    );
    assert!(
        sent(&mut rx).is_empty(),
        "nothing is sent before the confirmation"
    );
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::SetSeatSync {
            seat_ids: vec![1, 2, 3, 4],
            enabled: false
        }]
    );
    assert!(app.popup.is_none());
    assert!(
        app.seats.marked_ids().is_empty(),
        "marks are cleared after the action"
    );
}

#[test]
fn with_nothing_marked_enable_applies_to_the_cursor_row_and_n_cancels() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('e'));
    let Some(Popup::Confirm(c)) = &app.popup else {
        panic!("no confirmation");
    };
    assert_eq!(c.lines[0], "Enable CRM sync for the seat of Bruno Díaz?");
    press(&mut app, KeyCode::Char('n'));
    assert!(app.popup.is_none());
    assert!(sent(&mut rx).is_empty());
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Enter);
    assert!(sent(&mut rx).is_empty(), "Enter means no");
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::SetSeatSync {
            seat_ids: vec![2],
            enabled: true
        }]
    );
}

#[test]
fn assign_lists_only_active_interactive_users_and_skips_seat_holders() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('n'));
    let s = popup_text(&mut app);
    assert!(s.contains("Elena Mora"), "{s}");
    assert!(!s.contains("Old Leaver"), "disabled users are left out");
    assert!(
        !s.contains("navsync integration"),
        "application users are left out"
    );
    // Ana holds a seat: Space on her is refused.
    press(&mut app, KeyCode::Char(' '));
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("already holds a seat")
    );
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Enter);
    // Asked first, as enable and disable are.
    assert!(sent(&mut rx).is_empty());
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::AssignSeats {
            crm_user_ids: vec!["u-elena".into(), "u-fer".into()],
            licence: Licence::Admin,
            edition: Edition::Team,
        }]
    );
}

#[test]
fn resolves_with_the_chosen_candidate_and_the_row_leaves_when_the_crm_confirms() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Right);
    assert_eq!(app.unresolved.candidate, 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&mut rx),
        vec![Command::ResolveWithContact {
            activity_id: 101,
            contactid: "c-lucia2".into(),
            how: ResolveHow::Candidate,
            by: Some(navsync::ui::os_user::name()),
        }]
    );
    assert!(app.unresolved.pending.contains_key(&101));
    assert!(screen(&mut app, 120, 40).contains("… working"));
    app.on_event(Event::ActionResult {
        ok: true,
        reply: navsync::engine::interface::note::Reply::Linked {
            member: "Lucia Soto".into(),
            kind: navsync::vocab::ActivityKind::Inmail,
            contact: Some("Lucía Fernández".into()),
            contactid: "c-lucia".into(),
        },
    });
    app.on_event(Event::DataChanged(View::Unresolved));
    assert_eq!(
        app.pending_loads,
        vec![
            Load::View(View::Unresolved),
            Load::Resolved,
            Load::Detail(101)
        ]
    );
    app.pending_loads.clear();
    app.on_snapshot(Snapshot::Queue(queue()[1..].to_vec()));
    assert_eq!(app.unresolved.rows().len(), 2);
    assert!(app.unresolved.pending.is_empty());
    assert_eq!(app.unresolved.selected_row().unwrap().activity_id, 102);
    assert_eq!(
        app.pending_loads,
        vec![Load::Detail(102)],
        "the new row's detail is asked for"
    );
    assert!(app.flash.as_ref().unwrap().ok);
}

#[test]
fn resolves_through_a_crm_search() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('/'));
    let Some(Popup::Search(p)) = &app.popup else {
        panic!("no search popup");
    };
    assert_eq!(
        p.input.value(),
        "Lucía Fernández Soto",
        "prefilled with the member"
    );
    for _ in 0.." Soto".chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&mut rx),
        vec![Command::SearchContacts {
            request_id: 1,
            query: "Lucía Fernández".into()
        }]
    );
    assert!(popup_text(&mut app).contains("searching the CRM…"));
    let hit = |id: &str, name: &str| ContactHit {
        contactid: id.into(),
        fullname: name.into(),
        email: None,
        company: Some("Fabrikam S.A.".into()),
        jobtitle: None,
        accountid: None,
    };
    // A stale answer is ignored.
    app.on_event(Event::SearchResults {
        request_id: 99,
        contacts: vec![hit("c-stale", "Stale")],
    });
    app.on_event(Event::SearchResults {
        request_id: 1,
        contacts: vec![
            hit("c-a", "Lucía Fernández"),
            hit("c-b", "Lucía Fernández Ortiz"),
        ],
    });
    let s = popup_text(&mut app);
    assert!(s.contains("2 found") && !s.contains("Stale"), "{s}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&mut rx),
        vec![Command::ResolveWithContact {
            activity_id: 101,
            contactid: "c-b".into(),
            how: ResolveHow::Search,
            by: Some(navsync::ui::os_user::name()),
        }]
    );
    assert!(app.popup.is_none());
}

#[test]
fn creates_the_contact_from_a_prefilled_form_after_fixing_a_bad_email() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('c'));
    let Some(Popup::Form(f)) = &app.popup else {
        panic!("no form");
    };
    let values: Vec<&str> = f.fields.iter().map(|i| i.value()).collect();
    assert_eq!(
        values,
        [
            "Lucía Fernández",
            "Soto",
            "lucia.fernandez@fabrikam.example",
            "Head of Procurement",
            "Fabrikam S.A."
        ]
    );
    // Tab to the email field, replace it with a bad one.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0..40 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "lucia@fabrikam");
    press(&mut app, KeyCode::Enter);
    assert!(sent(&mut rx).is_empty(), "an invalid form sends nothing");
    let s = popup_text(&mut app);
    assert!(
        s.contains("✘ \"lucia@fabrikam\" is not an email address (name@company.com)"),
        "{s}"
    );
    typed(&mut app, ".example");
    // Shift-Tab goes back one field: still the email after Tab, Shift-Tab.
    press(&mut app, KeyCode::Tab);
    app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    let Some(Popup::Form(f)) = &app.popup else {
        panic!("form closed");
    };
    assert_eq!(
        (f.focus, f.error.as_deref()),
        (2, None),
        "typing clears the message"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&mut rx),
        vec![Command::CreateContactAndResolve {
            activity_id: 101,
            contact: NewContact {
                firstname: "Lucía Fernández".into(),
                lastname: "Soto".into(),
                email: Some("lucia@fabrikam.example".into()),
                jobtitle: Some("Head of Procurement".into()),
                parentaccountid: None,
                company: Some("Fabrikam S.A.".into()),
            },
            by: Some(navsync::ui::os_user::name()),
        }]
    );
    assert!(app.popup.is_none());
}

#[test]
fn skip_is_reversible() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('s'));
    let mut rows = queue();
    rows[0].dismissed = true;
    app.on_snapshot(Snapshot::Queue(rows));
    assert!(screen(&mut app, 120, 40).contains("skipped"));
    // s moved on to the next entry: back up to bring it back.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(
        sent(&mut rx),
        vec![
            Command::SkipUnresolved {
                activity_id: 101,
                skip: true
            },
            Command::SkipUnresolved {
                activity_id: 101,
                skip: false
            },
        ]
    );
}

#[test]
fn sync_keys_settings_and_command_line_send_their_commands() {
    use navsync::engine::interface::command::SettingChange;
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('2'));
    typed(&mut app, "sdc");
    press(&mut app, KeyCode::Char('5'));
    // Pipeline stage: "2 - Develop" now; → picks "3 - Propose", Enter applies.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    assert!(
        screen(&mut app, 120, 40)
            .contains("Unsaved: Pipeline-entry stage (now 2 - Develop). Enter applies")
    );
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "qu");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Unresolved, ":qu + Tab completes to :queue");
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "sync");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&mut rx),
        vec![
            Command::SyncNow { dry_run: false },
            Command::SyncNow { dry_run: true },
            Command::Cancel,
            Command::SetSetting(SettingChange::PipelineStage(Some(2))),
            Command::SyncNow { dry_run: false },
        ]
    );
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "q");
    press(&mut app, KeyCode::Enter);
    assert!(app.quit);
}

#[test]
fn tabs_switch_by_number_tab_and_shift_tab_and_q_quits() {
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.tab, Tab::Log);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Saved);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Connection);
    app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(app.tab, Tab::Saved);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
    // Ctrl-C is a keymap binding of every context, text fields included.
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char(':'));
    assert!(app.popup.is_some());
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit, "Ctrl-C in the command line quits");
}

#[test]
fn device_code_copies_with_osc52_and_closes_when_connected() {
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    app.on_event(Event::DeviceCode {
        user_code: "FQK7M2XR".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        message: String::new(),
        expires_in: Duration::from_secs(900),
    });
    assert!(app.animating(), "the countdown ticks");
    assert!(screen(&mut app, 80, 24).contains("code expires in 15:00"));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.clipboard.as_deref(), Some("FQK7M2XR"));
    let mut st = crate::fixture::status(false);
    st.connected = false;
    app.on_status(st.clone());
    st.connected = true;
    app.on_status(st);
    assert!(app.popup.is_none());
}

/// `?` lists every key of the current view: exactly the keymap's list.
#[test]
fn help_lists_every_key_of_the_current_view() {
    for tab in Tab::ALL {
        let (mut app, _rx) = app_with(Theme::COLOUR, false);
        app.tab = tab;
        press(&mut app, KeyCode::Char('?'));
        let Some(Popup::Help(h)) = &app.popup else {
            panic!("{tab:?}: no help");
        };
        let keys = Keymap::default();
        let expected = keys.help_rows(Context::Tab(tab));
        assert_eq!(h.rows, expected);
        // Every binding of the context is in some row, by key and meaning.
        for b in keys.all(Context::Tab(tab)) {
            assert!(
                h.rows.iter().any(|(k, d)| *d == b.desc
                    && k.split('/')
                        .any(|l| l == b.label || b.label.split('/').any(|m| m == l))),
                "{tab:?}: {} missing",
                b.label
            );
        }
        let s = screen(&mut app, 120, 40);
        for (k, d) in &expected {
            let d = navsync::i18n::text(d, &[]);
            assert!(
                s.contains(k.as_str()) && s.contains(&d),
                "{tab:?}: {k} {d} not drawn\n{s}"
            );
        }
        press(&mut app, KeyCode::Esc);
        assert!(app.popup.is_none());
    }
}

/// CPU time used by the calling thread so far.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// An engine that never reads its commands must not slow the keys down.
#[test]
fn keys_stay_fast_while_the_engine_never_reads_its_commands() {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut app = App::new(
        tx,
        Theme::COLOUR,
        Clock::Fixed(t(crate::fixture::NOW)),
        ConsoleOptions::default(),
    );
    app.on_snapshot(Snapshot::Queue(navsync::bench::ui::queue_rows(100_000)));
    app.on_snapshot(Snapshot::Seats(navsync::ui::loader::SeatsData {
        seats: navsync::bench::ui::seats(100_000),
        users: Vec::new(),
        auto_sync_all: false,
        waiting: Default::default(),
    }));
    let keys = [
        KeyCode::Char('2'),
        KeyCode::Char('s'),
        KeyCode::Char('3'),
        KeyCode::Char('a'),
        KeyCode::PageDown,
        KeyCode::Char(' '),
        KeyCode::Char('4'),
        KeyCode::Down,
        KeyCode::Char('s'),
        KeyCode::End,
    ];
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    let mut timed = |app: &mut App, k: KeyCode| {
        let (w0, c0) = (Instant::now(), thread_cpu());
        press(app, k);
        wall.push(w0.elapsed());
        cpu.push(thread_cpu() - c0);
    };
    for round in 0..50 {
        for k in keys {
            timed(&mut app, k);
        }
        assert!(!app.quit, "round {round}");
    }
    // How fast is `navsync bench ui`'s business (it holds the frame-time
    // target); here the times are printed for the record only.
    wall.sort();
    println!(
        "p95 key latency {:?}, slowest key's CPU {:?}",
        wall[wall.len() * 95 / 100],
        cpu.iter().max().copied().unwrap_or_default()
    );
    assert!(rx.len() >= 100, "commands queued, unread: {}", rx.len());
    drop(rx);
}

#[test]
fn console_refuses_to_draw_when_stdout_is_not_a_tty() {
    let dir = tempfile::tempdir().unwrap();
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing drawn on stdout");
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(stderr.contains("navsync sync --once"), "{stderr}");
    assert!(stderr.contains("navsync status"), "{stderr}");
}

#[test]
fn settings_send_each_kind_of_change() {
    use navsync::config::ActivityKind;
    use navsync::engine::interface::command::SettingChange;
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('5'));
    // Auto-sync: No -> Yes.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    // Won-value field: Not sure -> Actual Revenue.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    // Writeback: On -> Off.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    // Sync back: all -> InMails only.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    // Interval: 15 min -> 30 min; once sent the row shows the stored
    // 15 min until the reload, and Left from there gives 5 min.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Enter);
    // Enter on an unchanged choice (the stage) sends nothing.
    for _ in 0..4 {
        press(&mut app, KeyCode::Up);
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&mut rx),
        vec![
            Command::SetSetting(SettingChange::AutoSyncAllSeats(true)),
            Command::SetSetting(SettingChange::WonValueField(Some("actualvalue".into()))),
            Command::SetSetting(SettingChange::WritebackEnabled(false)),
            Command::SetSetting(SettingChange::WritebackKinds(vec![ActivityKind::Inmail])),
            Command::SetSetting(SettingChange::SyncInterval(Duration::from_secs(30 * 60))),
            Command::SetSetting(SettingChange::SyncInterval(Duration::from_secs(5 * 60))),
        ]
    );
    assert_eq!(app.flash.as_ref().unwrap().text, "Unchanged");
}

/// Connected as one identity with config.toml naming another sign-in:
/// `c` asks before switching (Enter means no), `y` connects.
#[test]
fn connecting_as_another_identity_asks_first() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    let mut data = crate::fixture::connection();
    data.switch_to = Some("device_code");
    app.on_snapshot(Snapshot::Connection(Box::new(data)));
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('c'));
    let Some(Popup::Confirm(c)) = &app.popup else {
        panic!("no switch confirmation");
    };
    assert!(
        c.lines.iter().any(|l| l.contains(
            "Connected as navsync integration (client_secret). Switch the connection to the device_code sign-in"
        )),
        "{:?}",
        c.lines
    );
    press(&mut app, KeyCode::Enter);
    assert!(
        app.popup.is_none() && sent(&mut rx).is_empty(),
        "Enter means no"
    );
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(sent(&mut rx), vec![Command::Connect]);
}

#[test]
fn connection_keys_and_command_line_connect_and_disconnect() {
    let (mut app, mut rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "connect");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.tab,
        Tab::Connection,
        ":connect shows the Connection tab"
    );
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "disconnect");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('D'));
    let Some(Popup::Confirm(c)) = &app.popup else {
        panic!("no purge confirmation");
    };
    assert!(
        c.lines.iter().any(|l| l.contains("15,022 contacts")),
        "{:?}",
        c.lines
    );
    assert!(
        c.lines
            .iter()
            .any(|l| l.contains("640 saved accounts and 3,905 saved leads"))
    );
    app.on_snapshot(Snapshot::Purge(crate::fixture::purge_counts()));
    typed(&mut app, "purge");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&mut rx),
        vec![
            Command::Connect,
            Command::Recheck,
            Command::Disconnect { purge: false },
            Command::Disconnect { purge: true },
        ]
    );
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "frobnicate");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .starts_with("Unknown command :frobnicate")
    );
}

/// The `dangerous` flag of the `:` table is what really happens: a
/// dangerous command asks first and sends nothing until answered, the
/// others never open a confirmation.
#[test]
fn every_dangerous_colon_command_asks_first_and_no_other_does() {
    for c in navsync::ui::keymap::COMMANDS {
        let (mut app, mut rx) = app_with(Theme::COLOUR, false);
        press(&mut app, KeyCode::Char(':'));
        typed(&mut app, c.name);
        press(&mut app, KeyCode::Enter);
        let asks = matches!(app.popup, Some(Popup::Confirm(_)));
        assert_eq!(asks, c.dangerous, ":{} asks first: {asks}", c.name);
        if c.dangerous {
            assert_eq!(sent(&mut rx), vec![], ":{} sent before the answer", c.name);
        }
    }
}

#[test]
fn log_filters_by_level_and_text_newest_first() {
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('6'));
    let s = screen(&mut app, 80, 24);
    let err = s.find("ERROR").unwrap();
    let info = s.find("sync ok").unwrap();
    assert!(err < info, "newest first");
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('l'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("2 of 3 lines, WARN and worse"), "{s}");
    assert!(!s.contains("sync ok"));
    press(&mut app, KeyCode::Char('f'));
    typed(&mut app, "503");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("1 of 3 lines") && s.contains("retry 1"), "{s}");
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Esc);
    assert!(
        screen(&mut app, 80, 24).contains("1 of 3 lines"),
        "Esc puts the old filter back"
    );
}
