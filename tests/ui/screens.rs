//! Insta snapshots of every tab and popup at 80x24 and 120x40, in colour
//! and monochrome (NO_COLOR), from fixed state and a fixed clock.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use navsync::engine::Event;
use navsync::engine::interface::event::ContactHit;
use navsync::engine::interface::summary::WritebackSummary;
use navsync::ui::App;
use navsync::ui::action::Tab;
use navsync::ui::theme::Theme;
use ratatui::style::Color;

use crate::fixture::{app_with, draw, screen, text};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn slug(tab: Tab) -> String {
    tab.id().to_string()
}

fn snap_all_sizes(name: &str, mut setup: impl FnMut() -> App) {
    for (w, h) in SIZES {
        let mut app = setup();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&mut app, w, h));
    }
}

#[test]
fn every_tab_in_colour_at_both_sizes() {
    for tab in Tab::ALL {
        snap_all_sizes(&format!("tab_{}", slug(tab)), || {
            let (mut app, _rx) = app_with(Theme::COLOUR, tab == Tab::Sync);
            app.tab = tab;
            app
        });
    }
}

/// In the monochrome theme no cell carries a colour; states still read
/// as words and glyphs (the snapshot shows them).
#[test]
fn every_tab_and_popup_in_monochrome_has_no_colour() {
    let mut screens: Vec<(String, App)> = Vec::new();
    for tab in Tab::ALL {
        let (mut app, _rx) = app_with(Theme::MONO, true);
        app.tab = tab;
        screens.push((format!("mono_tab_{}", slug(tab)), app));
    }
    for (name, keys) in popup_scripts() {
        let (mut app, _rx) = app_with(Theme::MONO, false);
        keys(&mut app);
        screens.push((format!("mono_popup_{name}"), app));
    }
    for (name, mut app) in screens {
        let buf = draw(&mut app, 80, 24);
        for cell in buf.content() {
            assert_eq!(
                (cell.fg, cell.bg, cell.underline_color),
                (Color::Reset, Color::Reset, Color::Reset),
                "{name}: coloured cell {:?}",
                cell.symbol()
            );
        }
        insta::assert_snapshot!(format!("{name}_80x24"), text(&buf));
    }
}

pub type Script = fn(&mut App);

/// Every popup, opened as a user would (the Spanish and pseudo-locale
/// tests in i18n.rs draw the same ones).
pub fn popup_scripts() -> Vec<(&'static str, Script)> {
    vec![
        ("confirm_disable_seats", |app| {
            press(app, KeyCode::Char('3'));
            press(app, KeyCode::Char(' '));
            press(app, KeyCode::Char(' '));
            press(app, KeyCode::Char('x'));
        }),
        ("confirm_purge", |app| {
            press(app, KeyCode::Char('1'));
            press(app, KeyCode::Char('D'));
            // The counts the dialog asked for when it opened.
            app.on_snapshot(navsync::ui::loader::Snapshot::Purge(
                crate::fixture::purge_counts(),
            ));
            for c in "pur".chars() {
                press(app, KeyCode::Char(c));
            }
        }),
        ("create_contact_form", |app| {
            press(app, KeyCode::Char('4'));
            press(app, KeyCode::Char('c'));
        }),
        ("crm_search", |app| {
            press(app, KeyCode::Char('4'));
            press(app, KeyCode::Char('/'));
            press(app, KeyCode::Enter);
            app.on_event(Event::SearchResults {
                request_id: 1,
                contacts: vec![
                    ContactHit {
                        contactid: "c-1".into(),
                        fullname: "Lucía Fernández".into(),
                        email: Some("lfernandez@fabrikam.example".into()),
                        company: Some("Fabrikam S.A.".into()),
                        jobtitle: Some("Procurement".into()),
                        accountid: None,
                    },
                    ContactHit {
                        contactid: "c-2".into(),
                        fullname: "Lucía Fernández Soto".into(),
                        email: None,
                        company: None,
                        jobtitle: None,
                        accountid: None,
                    },
                ],
            });
        }),
        ("help_seats", |app| {
            press(app, KeyCode::Char('3'));
            press(app, KeyCode::Char('?'));
        }),
        ("command_line", |app| {
            press(app, KeyCode::Char(':'));
            for c in "sy".chars() {
                press(app, KeyCode::Char(c));
            }
        }),
        ("filter_seats", |app| {
            press(app, KeyCode::Char('3'));
            press(app, KeyCode::Char('/'));
            for c in "ruiz".chars() {
                press(app, KeyCode::Char(c));
            }
        }),
        ("device_code", |app| {
            app.on_event(Event::DeviceCode {
                user_code: "FQK7M2XR".into(),
                verification_uri: "https://microsoft.com/devicelogin".into(),
                message: "To sign in, use a web browser".into(),
                expires_in: std::time::Duration::from_secs(900),
            });
        }),
        ("confirm_disconnect", |app| {
            press(app, KeyCode::Char('1'));
            press(app, KeyCode::Char('d'));
        }),
        ("command_line_completion", |app| {
            press(app, KeyCode::Char(':'));
            press(app, KeyCode::Char('s'));
            press(app, KeyCode::Tab);
        }),
        ("detail_log_line", |app| {
            press(app, KeyCode::Char('6'));
            press(app, KeyCode::Enter);
        }),
        ("assign_seats", |app| {
            press(app, KeyCode::Char('3'));
            press(app, KeyCode::Char('n'));
            press(app, KeyCode::Down);
            press(app, KeyCode::Down);
            press(app, KeyCode::Down);
            press(app, KeyCode::Char(' '));
        }),
    ]
}

#[test]
fn every_popup_in_colour_at_both_sizes() {
    for (name, keys) in popup_scripts() {
        snap_all_sizes(&format!("popup_{name}"), || {
            let (mut app, _rx) = app_with(Theme::COLOUR, false);
            keys(&mut app);
            assert!(app.popup.is_some(), "{name}: no popup open");
            app
        });
    }
}

#[test]
fn demo_banner_and_flash_line() {
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    app.options.demo = true;
    app.on_event(Event::ActionResult {
        ok: true,
        reply: crate::fixture::said("2 seats switched off"),
    });
    let s = screen(&mut app, 80, 24);
    assert!(
        s.starts_with("DEMO — connected to a local Dynamics 365 emulator"),
        "{s}"
    );
    assert!(s.contains("✔ 2 seats switched off"), "{s}");
    insta::assert_snapshot!("demo_banner_80x24", s);
}

#[test]
fn terminal_too_small_below_80x24_and_recovers_on_resize() {
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    for (w, h) in [(79, 24), (80, 23), (40, 10)] {
        let s = screen(&mut app, w, h);
        assert!(s.contains("Terminal too small"), "{w}x{h}: {s}");
        assert!(s.contains(&format!("{w}x{h}, need 80x24")), "{s}");
    }
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("Terminal too small"));
    assert!(s.contains("navsync"));
}

#[test]
fn header_shows_last_sync_relative_and_absolute() {
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    let s = screen(&mut app, 120, 40);
    let header = s.lines().next().unwrap();
    assert!(header.contains("contoso.crm4.dynamics.com"), "{header}");
    assert!(header.contains("● Connected"), "{header}");
    assert!(
        header.contains("last sync 12 min ago (2026-11-25 06:48 UTC)"),
        "{header}"
    );
}

/// The seed's errors show with their detail and next step, and the badge
/// says so in words.
#[test]
fn connection_error_shows_detail_and_next_step() {
    use navsync::engine::{ErrorClass, UserError};
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut st = crate::fixture::status(false);
    st.connected = false;
    st.last_error = Some(UserError::new(
        ErrorClass::InsufficientPrivileges,
        navsync::engine::interface::event::Problem::Crm(navsync::crm::CrmProblem::Privileges {
            privilege: Some("prvReadOpportunity".into()),
        }),
        "403: missing prvReadOpportunity",
    ));
    app.on_status(st);
    app.on_snapshot(navsync::ui::loader::Snapshot::Connection(Box::default()));
    let s = screen(&mut app, 80, 24);
    for want in [
        "✘ Error",
        "✘ Insufficient privileges — not connected",
        "Detail: 403: missing prvReadOpportunity",
        "Next step: Contact your internal CRM administrator to get the missing",
        "none run yet",
    ] {
        assert!(s.contains(want), "{want}\n{s}");
    }
    insta::assert_snapshot!("connection_error_80x24", s);
}

#[test]
fn settings_without_cached_crm_choices_offer_not_sure() {
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    let mut data = crate::fixture::settings();
    data.choices = None;
    data.effective.pipeline_stage = None;
    app.on_snapshot(navsync::ui::loader::Snapshot::Settings(Box::new(data)));
    app.tab = Tab::Settings;
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("◂ Not sure (all open opportunities) ▸"), "{s}");
    assert!(s.contains("until then only \"Not sure\" is offered"), "{s}");
}

/// Issue 21: the header tells the health verdict: after a failed run it
/// says `failing`, how long ago, and the cause (never "synced"); refused
/// writes read `degraded`; a console that lost its engine says `offline`;
/// the next good run gives back the plain "Connected".
#[test]
fn the_header_tells_the_health_verdict() {
    use navsync::engine::ErrorClass;
    use navsync::engine::interface::health::LastRun;
    use navsync::store::runs::Outcome;
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let header = |app: &mut App, st: navsync::engine::Status| {
        app.on_status(st);
        let s = screen(app, 120, 40);
        s.lines().next().unwrap_or_default().to_string()
    };
    let ended = |outcome, class, reads_done| LastRun {
        run_id: 6,
        outcome,
        class,
        reads_done,
        finished_at: Some(crate::fixture::t("2026-11-25T06:57:00Z")),
    };
    let mut st = crate::fixture::status(false);
    st.last_run = Some(ended(Outcome::Error, Some(ErrorClass::Connection), false));
    let failing = header(&mut app, st.clone());
    st.last_run = Some(ended(
        Outcome::Error,
        Some(ErrorClass::InsufficientPrivileges),
        true,
    ));
    let degraded = header(&mut app, st.clone());
    st.engine_lost = true;
    let offline = header(&mut app, st.clone());
    st.engine_lost = false;
    st.last_run = Some(ended(Outcome::Ok, None, true));
    let ok = header(&mut app, st);
    assert!(
        failing.contains("✘ sync failing · 3 min ago · Connection error"),
        "{failing}"
    );
    assert!(!failing.contains("synced"), "{failing}");
    assert!(failing.contains("last good sync 12 min ago"), "{failing}");
    assert!(
        degraded.contains("▲ sync degraded · 3 min ago · Insufficient privileges"),
        "{degraded}"
    );
    assert!(
        offline.contains("✘ offline · the engine cannot be reached"),
        "{offline}"
    );
    assert!(ok.contains("● Connected │ last sync 12 min ago"), "{ok}");
    insta::assert_snapshot!("header_health", [failing, degraded, offline, ok].join("\n"));
}

/// Issue 21: a run that fails ends every phase visibly (the one under way
/// ✘, not left "…"), and the footer's "Sync requested" is replaced by the
/// run's outcome; a cancelled run marks its phases ■ cancelled.
#[test]
fn a_failed_or_cancelled_run_ends_every_phase_visibly() {
    use navsync::store::runs::Outcome;
    for (outcome, mark) in [(Outcome::Error, "✘"), (Outcome::Cancelled, "■")] {
        let (mut app, _rx) = app_with(Theme::MONO, true);
        app.tab = Tab::Sync;
        press(&mut app, KeyCode::Char('s'));
        assert!(screen(&mut app, 120, 40).contains("Sync requested"));
        app.on_event(Event::RunFinished {
            run_id: 5,
            outcome,
            summary: crate::fixture::summary(|s| s.outcome = outcome),
        });
        app.on_status(crate::fixture::status(false));
        let s = screen(&mut app, 120, 40);
        let contacts = s
            .lines()
            .find(|l| l.contains("contacts") && l.contains("1,500/4,000"))
            .unwrap_or_else(|| panic!("no contacts gauge\n{s}"));
        assert!(contacts.contains(mark), "{outcome:?}: {contacts}");
        assert!(!s.contains("… contacts"), "{s}");
        assert!(!s.contains("Sync requested"), "{s}");
        assert!(s.contains("imported 0 accounts, 0 leads"), "{s}");
        if outcome == Outcome::Error {
            insta::assert_snapshot!("sync_tab_after_a_failed_run_120x40", s);
        }
    }
}

/// Issue 21: `p` on the Sync tab pauses the schedule (and resumes it once
/// the status says paused); the next run then reads as paused.
#[test]
fn p_pauses_and_resumes_the_schedule() {
    use navsync::engine::Command;
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    app.tab = Tab::Sync;
    screen(&mut app, 120, 40);
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(
        crate::fixture::sent(&mut rx),
        vec![Command::PauseSchedule { paused: true }]
    );
    let mut st = crate::fixture::status(false);
    st.schedule_paused = true;
    app.on_status(st);
    let s = screen(&mut app, 120, 40);
    assert!(
        line_of(&s, "Next run").contains("paused (was in 3 min"),
        "{s}"
    );
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(
        crate::fixture::sent(&mut rx),
        vec![Command::PauseSchedule { paused: false }]
    );
}

fn line_of<'a>(s: &'a str, needle: &str) -> &'a str {
    s.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} in\n{s}"))
}

/// Issue 21: a refresh token Entra refused (sign-in needed) reads
/// `failing` in the header with its own cause and the next step, in
/// both languages, not "the last sync failed".
#[test]
fn the_header_says_sign_in_needed_with_the_next_step() {
    use navsync::config::Lang;
    use navsync::engine::ErrorClass;
    use navsync::engine::interface::health::LastRun;
    use navsync::i18n::{self, Locale};
    use navsync::store::runs::Outcome;
    for (lang, expected) in [
        (
            Lang::En,
            "✘ sync failing · 3 min ago · sign-in needed (1, c: sign in again)",
        ),
        (Lang::Es, "falta iniciar sesión (1, c: iniciarla)"),
    ] {
        i18n::set_for_thread(Some(Locale::Lang(lang)));
        let (mut app, _rx) = app_with(Theme::MONO, false);
        let mut st = crate::fixture::status(false);
        st.last_run = Some(LastRun {
            run_id: 6,
            outcome: Outcome::Error,
            class: Some(ErrorClass::SignInNeeded),
            reads_done: false,
            finished_at: Some(crate::fixture::t("2026-11-25T06:57:00Z")),
        });
        app.on_status(st);
        let s = screen(&mut app, 120, 40);
        let header = s.lines().next().unwrap_or_default();
        assert!(header.contains(expected), "{lang:?}: {header}");
    }
    i18n::set_for_thread(None);
}

/// Issue 21: writes the CRM refused end the writeback row ✘ with their
/// count and the CRM's code, not "✔ writeback 0 rows", at 80x24 in both
/// languages.
#[test]
fn refused_writes_end_the_writeback_row_with_their_count_and_code() {
    use navsync::config::Lang;
    use navsync::engine::interface::event::Phase;
    use navsync::i18n::{self, Locale};
    use navsync::store::runs::Outcome;
    for (lang, expected) in [
        (Lang::En, "✘ writeback     2 refused (0x80040220)"),
        (Lang::Es, "2 rechazadas (0x80040220)"),
    ] {
        i18n::set_for_thread(Some(Locale::Lang(lang)));
        let (mut app, _rx) = app_with(Theme::MONO, true);
        app.tab = Tab::Sync;
        for phase in [Phase::Contacts, Phase::SavedLists, Phase::Writeback] {
            app.on_event(Event::PhaseFinished {
                run_id: 5,
                phase,
                rows: if phase == Phase::Writeback { 0 } else { 40 },
            });
        }
        app.on_event(Event::WritesRefused {
            run_id: 5,
            count: 2,
            code: Some("0x80040220".into()),
        });
        app.on_event(Event::RunFinished {
            run_id: 5,
            outcome: Outcome::Error,
            summary: crate::fixture::summary(|s| {
                s.outcome = Outcome::Error;
                s.writeback = Some(WritebackSummary::Wrote {
                    count: 0,
                    open: 0,
                    refused: 2,
                    as_integration: 0,
                    paused: None,
                });
            }),
        });
        app.on_status(crate::fixture::status(false));
        let s = screen(&mut app, 80, 24);
        let row = s
            .lines()
            .find(|l| l.contains("0x80040220"))
            .unwrap_or_else(|| panic!("{lang:?}: no writeback row\n{s}"));
        assert!(row.contains(expected), "{lang:?}: {row}");
        assert!(!s.contains("✔ writeback"), "{s}");
        insta::assert_snapshot!(format!("writeback_refused_{lang:?}_80x24"), s);
    }
    i18n::set_for_thread(None);
}

/// Issue 21: while the client renews its token the run's requests wait,
/// and the Sync tab says so with how long they have waited, at 80x24 in
/// both languages.
#[test]
fn a_token_renewal_shows_as_a_wait_with_how_long_it_has_waited() {
    use navsync::config::Lang;
    use navsync::i18n::{self, Locale};
    for (lang, expected) in [
        (
            Lang::En,
            "waiting 4.00 s: renewing the sign-in with Microsoft Entra ID",
        ),
        (Lang::Es, "esperando 4,00 s: renovando el inicio de sesión"),
    ] {
        i18n::set_for_thread(Some(Locale::Lang(lang)));
        let (mut app, _rx) = app_with(Theme::MONO, true);
        app.tab = Tab::Sync;
        let mut st = crate::fixture::status(true);
        if let Some(r) = st.running.as_mut() {
            r.throttled_until = None;
            r.renewing_since = Some(crate::fixture::t("2026-11-25T06:59:56Z"));
        }
        app.on_status(st);
        let s = screen(&mut app, 80, 24);
        assert!(s.contains(expected), "{lang:?}\n{s}");
        insta::assert_snapshot!(format!("renewing_sign_in_{lang:?}_80x24"), s);
    }
    i18n::set_for_thread(None);
}
