//! The defects of issue 14 ("the console and CLI, tried as a new user
//! would"), one test or more each, driven by keys and engine events on the
//! fixture app at 80x24 (the smallest supported screen).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use navsync::engine::interface::summary::WritebackSummary;
use navsync::engine::{Command, Event, View};
use navsync::ui::App;
use navsync::ui::action::Tab;
use navsync::ui::loader::{Load, Snapshot};
use navsync::ui::popups::Popup;
use navsync::ui::theme::Theme;

use crate::fixture::{app_with, connection, queue, screen, sent};

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The screen's line that contains `needle` (first one).
fn line_with(s: &str, needle: &str) -> String {
    s.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{s}"))
        .to_string()
}

// ---- 1. a skipped item stays "… working" ----

#[test]
fn d01_a_skip_ends_working_once_the_queue_shows_it() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('s'));
    let s = screen(&mut app, 80, 24);
    assert!(line_with(&s, "Lucía Fernández").contains("working"), "{s}");
    app.on_event(Event::ActionResult {
        ok: true,
        reply: navsync::engine::interface::note::Reply::Skipped,
    });
    app.on_event(Event::DataChanged(View::Unresolved));
    let mut rows = queue();
    rows[0].dismissed = true;
    app.on_snapshot(Snapshot::Queue(rows.clone()));
    // A tab switch and back changes nothing either.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('4'));
    let s = screen(&mut app, 80, 24);
    let row = line_with(&s, "Lucía Fernández");
    assert!(row.contains("skipped") && !row.contains("working"), "{s}");
    assert!(!s.contains("skipping…"), "{s}");
    // Bringing it back ends the same way (s moved the cursor on).
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('s'));
    let s = screen(&mut app, 80, 24);
    assert!(line_with(&s, "Lucía Fernández").contains("working"), "{s}");
    rows[0].dismissed = false;
    app.on_snapshot(Snapshot::Queue(rows));
    let s = screen(&mut app, 80, 24);
    assert!(
        !s.contains("bringing back…") && !s.contains("working"),
        "{s}"
    );
    assert_eq!(sent(&mut rx).len(), 2);
}

#[test]
fn d01_a_refused_action_ends_working() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, 80, 24).contains("working"));
    app.on_event(Event::ActionResult {
        ok: false,
        reply: navsync::engine::interface::note::Reply::Refused(
            navsync::engine::interface::note::Refusal::NotDone {
                why: "0x80040265".into(),
            },
        ),
    });
    assert!(!screen(&mut app, 80, 24).contains("working"));
}

// ---- 8. dangerous actions default to no ----

#[test]
fn d08_disconnect_takes_enter_as_no_and_y_as_yes() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('d'));
    assert!(app.popup.is_some());
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none(), "Enter backs out");
    assert!(sent(&mut rx).is_empty(), "Enter sent nothing");
    press(&mut app, KeyCode::Char('d'));
    let s = screen(&mut app, 80, 24);
    // The dialog and the footer name the same keys.
    let footer = s.lines().last().unwrap().to_string();
    assert!(
        footer.contains("y yes") && footer.contains("n/Esc/Enter no"),
        "{s}"
    );
    assert!(s.contains("y yes, do it · n/Esc/Enter no, go back"), "{s}");
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(sent(&mut rx), vec![Command::Disconnect { purge: false }]);
}

#[test]
fn d08_purge_wants_its_word_typed() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('D'));
    app.on_snapshot(Snapshot::Purge(crate::fixture::purge_counts()));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Enter);
    assert!(sent(&mut rx).is_empty(), "neither Enter nor y purges");
    assert!(app.popup.is_some());
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Type purge"), "{s}");
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "purge");
    press(&mut app, KeyCode::Enter);
    assert_eq!(sent(&mut rx), vec![Command::Disconnect { purge: true }]);
    assert!(app.popup.is_none());
}

// ---- 11. the purge confirmation counts a stale snapshot ----

#[test]
fn d11_purge_counts_are_read_when_the_dialog_opens() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    // The counts the tab holds say nothing was imported yet.
    let mut empty = crate::fixture::purge_counts();
    empty.mirrored.iter_mut().for_each(|(_, n)| *n = 0);
    empty.saved_accounts = 0;
    empty.saved_leads = 0;
    app.on_snapshot(Snapshot::Purge(empty));
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('D'));
    assert!(
        app.pending_loads.contains(&Load::Purge),
        "the dialog asks for fresh counts: {:?}",
        app.pending_loads
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("counting"), "{s}");
    assert!(!s.contains("0 saved accounts"), "{s}");
    typed(&mut app, "purge");
    press(&mut app, KeyCode::Enter);
    assert!(sent(&mut rx).is_empty(), "not before the counts are shown");
    app.on_snapshot(Snapshot::Purge(crate::fixture::purge_counts()));
    let Some(Popup::Confirm(c)) = &app.popup else {
        panic!("the dialog stays open");
    };
    assert!(
        c.lines
            .iter()
            .any(|l| l.contains("640 saved accounts and 3,905 saved leads")),
        "{:?}",
        c.lines
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(sent(&mut rx), vec![Command::Disconnect { purge: true }]);
}

#[test]
fn d11_every_finished_run_rereads_the_connection_tab() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.on_event(Event::RunFinished {
        run_id: 9,
        outcome: navsync::store::runs::Outcome::Ok,
        summary: crate::fixture::summary(|s| {
            s.accounts_added = 274;
            s.leads_added = 1_336;
        }),
    });
    assert!(
        app.pending_loads.contains(&Load::View(View::Connection)),
        "{:?}",
        app.pending_loads
    );
    // Counting the mirrors reads a million-row key index at xl: only the
    // purge confirmation asks for it, not a run's end or the start.
    assert!(!app.pending_loads.contains(&Load::Purge));
    assert!(!navsync::ui::loader::ALL_VIEWS.contains(&Load::Purge));
}

// ---- 12. cosmetic ----

#[test]
fn d12_the_activity_box_is_closed_on_all_sides() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.tab = Tab::Unresolved;
    let s = screen(&mut app, 80, 24);
    let top = line_with(&s, "┌ Activity");
    assert!(top.ends_with('┐'), "{s}");
    assert!(
        s.lines().any(|l| l.starts_with('└') && l.ends_with('┘')),
        "{s}"
    );
}

// ---- 9. prompts ----

#[test]
fn d09_esc_clears_an_applied_filter() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "ruiz");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.seats.view.len(), 1);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.seats.view.filter, "");
    assert_eq!(app.seats.view.len(), 4);
}

#[test]
fn d09_tab_completes_and_walks_through_the_matches() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Char('s'));
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains(":sync :seats :saved :settings"),
        "the matches are shown\n{s}"
    );
    let value = |app: &App| match &app.popup {
        Some(Popup::CommandLine(c)) => c.input.value().to_string(),
        _ => panic!("no command line"),
    };
    press(&mut app, KeyCode::Tab);
    assert_eq!(value(&app), "sync");
    press(&mut app, KeyCode::Tab);
    assert_eq!(value(&app), "seats");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Settings, "the fourth match is :settings");
    // A common start is completed first.
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "di");
    press(&mut app, KeyCode::Tab);
    assert_eq!(value(&app), "disconnect");
}

#[test]
fn d09_help_is_a_command() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "help");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.popup, Some(Popup::Help(_))), "{:?}", app.flash);
}

#[test]
fn d09_the_queue_filter_prompt_does_not_look_like_crm_search() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('f'));
    let s = screen(&mut app, 80, 24);
    let prompt = s.lines().rev().nth(2).unwrap();
    assert!(prompt.starts_with("filter:"), "{s}");
    assert!(!s.lines().any(|l| l.starts_with('/')), "{s}");
}

#[test]
fn d09_the_footer_keeps_filter_command_and_quit_at_80_columns() {
    for (tab, filter) in [
        (Tab::Seats, "/ filter"),
        (Tab::Unresolved, "f filter"),
        (Tab::Log, "f filter"),
    ] {
        let (mut app, _rx) = app_with(Theme::MONO, false);
        app.tab = tab;
        let s = screen(&mut app, 80, 24);
        let lines: Vec<&str> = s.lines().collect();
        // The hints take one line, or two when they do not fit in one.
        let footer = lines[lines.len() - 2..].join("\n");
        for want in [filter, ": command", "q quit", "? help"] {
            assert!(footer.contains(want), "{tab:?}: {want:?} missing: {footer}");
        }
    }
}

// ---- 2. the Connection tab at 80x24 ----

/// The app of the fixture, not connected: the engine's last error, if
/// any, and the stored connection row changed by `row`.
fn offline(
    error: Option<navsync::engine::UserError>,
    row: impl FnOnce(&mut navsync::store::connection::ConnectionRow),
) -> App {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut st = crate::fixture::status(false);
    st.connected = false;
    st.last_error = error;
    app.on_status(st);
    let mut c = connection();
    if let Some(r) = c.row.as_mut() {
        row(r);
    }
    app.on_snapshot(Snapshot::Connection(Box::new(c)));
    app
}

fn stored_failure(
    kind: &str,
    detail: &str,
) -> impl FnOnce(&mut navsync::store::connection::ConnectionRow) {
    let (kind, detail) = (kind.to_string(), detail.to_string());
    move |r| {
        r.state = navsync::store::connection::ConnState::Error;
        r.last_error_kind = Some(kind.parse().unwrap());
        r.last_error_detail = Some(detail);
    }
}

/// The eight checks a real connect records, the last one failing.
fn eight_checks_last_failing() -> navsync::ui::loader::ConnectionData {
    let mut c = connection();
    let row = c.row.as_mut().unwrap();
    // As a connect stored them before checks were typed: words, no facts.
    row.checks = serde_json::from_str(r#"[{"id":"sign_in","passed":true,"detail":"signed in (client_secret)"},{"id":"online","passed":true,"detail":"Dynamics 365 online"},{"id":"version","passed":true,"detail":"9.2 (8.2 or later needed)"},{"id":"not_sandbox","passed":true,"detail":"production environment"},{"id":"who_am_i","passed":true,"detail":"navsync integration"},{"id":"objects_readable","passed":true,"detail":"all readable"},{"id":"privileges","passed":true,"detail":"all granted"},{"id":"writeback","passed":false,"detail":"solution NavsyncActivities is not installed"}]"#).unwrap();
    stored_failure(
        "unsupported",
        "writeback needs the solution NavsyncActivities",
    )(row);
    c
}

#[test]
fn d02_connection_tab_names_the_failing_check_and_scrolls_to_it_at_80x24() {
    let mut app = offline(None, |_| {});
    app.on_snapshot(Snapshot::Connection(Box::new(eight_checks_last_failing())));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("1 of 8 checks failed: writeback"), "{s}");
    assert!(s.contains("↓ more below"), "{s}");
    press(&mut app, KeyCode::End);
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("✘ FAIL writeback — solution NavsyncActivities is not installed"),
        "{s}"
    );
    press(&mut app, KeyCode::Home);
    assert!(screen(&mut app, 80, 24).contains("↓ more below"));
}

#[test]
fn d02_connection_tab_shows_last_sync_with_its_date() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let s = screen(&mut app, 80, 24);
    assert!(
        line_with(&s, "Last sync").contains("12 min ago (2026-11-25 06:48 UTC)"),
        "{s}"
    );
}

// ---- 3. stale and inconsistent connection state ----

#[test]
fn d03_after_a_disconnect_no_old_error_and_the_header_agrees() {
    let mut app = offline(None, |r| {
        stored_failure("insufficient_privileges", "403: missing prvReadOpportunity")(r);
        r.state = navsync::store::connection::ConnState::Disconnected;
    });
    let s = screen(&mut app, 80, 24);
    assert!(s.lines().next().unwrap().contains("○ Disconnected"), "{s}");
    assert!(
        s.contains("○ Disconnected — press c to connect again"),
        "{s}"
    );
    assert!(
        !s.contains("prvReadOpportunity"),
        "the old error is gone\n{s}"
    );
}

#[test]
fn d03_a_stored_failure_reads_as_its_class_with_a_next_step() {
    for (kind, title) in [
        ("insufficient_privileges", "✘ Insufficient privileges"),
        (
            "objects_unreadable",
            "✘ Required CRM objects could not be read",
        ),
        ("unsupported", "✘ This CRM cannot be synced"),
        ("crm_api", "✘ CRM API error"),
    ] {
        let mut app = offline(None, stored_failure(kind, "what the CRM said"));
        let s = screen(&mut app, 80, 24);
        assert!(s.contains(title), "{kind}: {s}");
        assert!(!s.contains(&format!("✘ {kind}")), "{kind}: raw class\n{s}");
        assert!(
            line_with(&s, "Next step").len() > "  Next step".len() + 20,
            "{s}"
        );
        assert!(s.lines().next().unwrap().contains("✘ Error"), "{s}");
    }
}

#[test]
fn d03_a_failed_connect_reads_as_an_error_in_header_and_tab() {
    use navsync::crm::CrmProblem;
    use navsync::engine::interface::event::Problem;
    use navsync::engine::{ErrorClass, UserError};
    let mut app = offline(
        Some(UserError::new(
            ErrorClass::Connection,
            Problem::Crm(CrmProblem::Connection),
            "connect timed out",
        )),
        |_| {},
    );
    app.on_snapshot(Snapshot::Connection(Box::default()));
    let s = screen(&mut app, 80, 24);
    assert!(s.lines().next().unwrap().contains("✘ Error"), "{s}");
    assert!(s.contains("✘ Connection error — not connected"), "{s}");
    assert!(!s.contains("Not connected — press c"), "{s}");
}

// ---- 5. truncation: the header's instance ----

#[test]
fn d05_the_header_keeps_an_emulator_address_whole() {
    use navsync::ui::render::instance_label;
    assert_eq!(
        instance_label("http://127.0.0.1:41234/", false),
        "127.0.0.1:41234"
    );
    assert_eq!(
        instance_label("https://contoso.crm4.dynamics.com", false),
        "contoso"
    );
    assert_eq!(
        instance_label("https://contoso.crm4.dynamics.com/", true),
        "contoso.crm4.dynamics.com"
    );
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut st = crate::fixture::status(false);
    st.instance_url = Some("http://127.0.0.1:41234".into());
    app.on_status(st);
    let s = screen(&mut app, 100, 30);
    assert!(s.lines().next().unwrap().contains("127.0.0.1:41234"), "{s}");
}

// ---- 6. settings ----

#[test]
fn d06_q_with_a_change_not_applied_warns_first() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "the first q keeps the console open");
    let flash = app.flash.clone().unwrap();
    assert!(
        !flash.ok && flash.text.contains("Auto-sync all seat holders"),
        "{flash:?}"
    );
    assert!(flash.text.contains("q again quits"), "{flash:?}");
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    assert!(sent(&mut rx).is_empty());
    // Esc discards, and q then quits at once.
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn d06_applying_one_row_keeps_another_rows_pending_change() {
    use navsync::engine::interface::command::SettingChange;
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Right); // auto-sync: No -> Yes, not applied
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right); // stage: 2 - Develop -> 3 - Propose
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        sent(&mut rx),
        vec![Command::SetSetting(SettingChange::PipelineStage(Some(2)))]
    );
    // The engine applied it and the tab reloads.
    let mut data = crate::fixture::settings();
    data.effective.pipeline_stage = Some(2);
    app.on_snapshot(Snapshot::Settings(Box::new(data)));
    let s = screen(&mut app, 80, 24);
    assert!(
        line_with(&s, "Auto-sync all seat holders").contains("◂ Yes ▸"),
        "{s}"
    );
    assert!(
        line_with(&s, "Auto-sync all seat holders").contains("unsaved"),
        "{s}"
    );
    assert!(
        line_with(&s, "Pipeline-entry stage").contains("◂ 3 - Propose ▸"),
        "{s}"
    );
    assert!(
        !line_with(&s, "Pipeline-entry stage").contains("unsaved"),
        "{s}"
    );
}

#[test]
fn d06_the_console_offers_no_interval_the_config_refuses() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::End);
    let mut seen = Vec::new();
    for _ in 0..12 {
        press(&mut app, KeyCode::Right);
        let s = screen(&mut app, 80, 24);
        seen.push(line_with(&s, "Sync interval"));
    }
    assert!(seen.iter().all(|l| !l.contains("◂ 1 min ▸")), "{seen:#?}");
    assert!(seen.iter().any(|l| l.contains("◂ 5 min ▸")), "{seen:#?}");
    // And both read one floor.
    assert_eq!(
        navsync::engine::usecases::settings::MIN_INTERVAL,
        std::time::Duration::from_secs(5 * 60)
    );
    assert!(navsync::config::parse_interval("4m").is_err());
    assert!(navsync::config::parse_interval("5m").is_ok());
}

#[test]
fn d06_each_value_says_where_it_comes_from() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.tab = Tab::Settings;
    let s = screen(&mut app, 80, 24);
    assert!(
        line_with(&s, "Pipeline-entry stage").ends_with("console"),
        "{s}"
    );
    assert!(
        line_with(&s, "Writeback ").ends_with("config.toml:9"),
        "{s}"
    );
    assert!(
        line_with(&s, "Won-value").ends_with("built-in default"),
        "{s}"
    );
    assert!(
        s.contains("console: set here, overrides config.toml"),
        "{s}"
    );
}

// ---- 12. the Settings hint fits at 100 columns ----

#[test]
fn d12_settings_hints_do_not_wrap_at_100_columns() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut data = crate::fixture::settings();
    data.choices = None;
    app.on_snapshot(Snapshot::Settings(Box::new(data)));
    app.tab = Tab::Settings;
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    let s = screen(&mut app, 100, 30);
    assert!(
        line_with(&s, "CRM stages").ends_with("\"Not sure\" is offered."),
        "{s}"
    );
    assert!(line_with(&s, "Unsaved:").ends_with("Esc discards."), "{s}");
}

// ---- 7. unresolved usability ----

#[test]
fn d07_linking_the_last_row_leaves_the_cursor_at_the_end() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::End);
    assert_eq!(app.unresolved.selected_row().unwrap().activity_id, 103);
    app.on_snapshot(Snapshot::Queue(queue()[..2].to_vec()));
    assert_eq!(
        app.unresolved.selected_row().unwrap().activity_id,
        102,
        "the new last row, not the first"
    );
    // A row leaving above the cursor keeps it on the same activity.
    app.on_snapshot(Snapshot::Queue(queue()[1..2].to_vec()));
    assert_eq!(app.unresolved.selected_row().unwrap().activity_id, 102);
}

#[test]
fn d07_the_queue_says_why_nothing_matched_and_when_it_was_sent() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.tab = Tab::Unresolved;
    let s = screen(&mut app, 80, 24);
    assert!(line_with(&s, "Member").contains("Sent"), "{s}");
    // Sven's note was written at 06:35, twenty-five minutes ago.
    assert!(line_with(&s, "Sven Larsen  ").contains(" 25m "), "{s}");
    assert!(s.contains("No match: no contact at Fabrikam S.A."), "{s}");
    assert!(s.contains("Sent 2 d ago (2026-11-22 08:55 UTC)"), "{s}");
}

#[test]
fn d07_the_create_form_has_the_company() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 80, 24);
    assert!(line_with(&s, "│Company ").contains("Fabrikam S.A."), "{s}");
}

#[test]
fn d07_after_a_purge_no_ids_stand_where_names_were() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut seats = crate::fixture::seats_data();
    seats.users.clear();
    app.on_snapshot(Snapshot::Seats(seats));
    let mut d = crate::fixture::detail_101();
    for c in &mut d.candidates {
        c.fullname = None;
        c.email = None;
    }
    app.on_snapshot(Snapshot::Detail(Box::new(d)));
    app.tab = Tab::Seats;
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("u-ana") && !s.contains("u-bruno"), "{s}");
    assert!(line_with(&s, "Ana Pérez").contains("— not synced"), "{s}");
    app.tab = Tab::Unresolved;
    let s = screen(&mut app, 120, 40);
    assert!(!s.contains("c-lucia"), "{s}");
    assert!(s.contains("(no longer in the CRM copy)"), "{s}");
}

// ---- 12. names sort by letters; sorting and views (expected features) ----

#[test]
fn d12_seat_names_sort_by_letters_not_code_points() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut data = crate::fixture::seats_data();
    // As SQLite's ORDER BY name returns them: by code point.
    let names = [
        "Ana Pérez",
        "Bruno Díaz",
        "Zoe Ortiz",
        "bruno Alba",
        "Álvaro Núñez",
    ];
    for (s, n) in data.seats.iter_mut().zip(names) {
        s.name = n.into();
    }
    data.seats.push(crate::fixture::seat(
        5,
        "Álvaro Núñez",
        navsync::store::seats::Licence::Member,
        None,
        false,
    ));
    data.seats[3].name = "bruno Alba".into();
    app.on_snapshot(Snapshot::Seats(data));
    app.tab = Tab::Seats;
    let s = screen(&mut app, 80, 24);
    let order: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with("[ ]"))
        .map(|l| l[4..].split("  ").next().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "Álvaro Núñez",
            "Ana Pérez",
            "bruno Alba",
            "Bruno Díaz",
            "Zoe Ortiz"
        ],
        "{s}"
    );
    assert!(line_with(&s, "Licence").contains("Name ▲"), "{s}");
}

#[test]
fn o_sorts_seats_by_the_next_column_and_shift_o_reverses() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('o'));
    let s = screen(&mut app, 80, 24);
    assert!(line_with(&s, "Name").contains("Licence ▲"), "{s}");
    let first = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("[ ]"))
            .unwrap()
            .to_string()
    };
    assert!(first(&s).contains("Ana Pérez"), "admin before member\n{s}");
    press(&mut app, KeyCode::Char('O'));
    let s = screen(&mut app, 80, 24);
    assert!(line_with(&s, "Name").contains("Licence ▼"), "{s}");
    assert!(!first(&s).contains("Ana Pérez"), "{s}");
    // The cursor stays usable: marking acts on what is shown.
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.seats.marked_ids().len(), 1);
    assert_ne!(app.seats.marked_ids(), vec![1]);
}

#[test]
fn v_shows_skipped_only_and_o_sorts_the_queue() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut rows = queue();
    rows[1].dismissed = true;
    app.on_snapshot(Snapshot::Queue(rows));
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('v'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("skipped only (v): 1 shown"), "{s}");
    assert!(
        s.contains("Marco Rossi") && !s.contains("Sven Larsen"),
        "{s}"
    );
    // Resolved, then all again.
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('o'));
    let s = screen(&mut app, 80, 24);
    assert!(line_with(&s, "Company").contains("Member ▲"), "{s}");
    let rows: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("Member ▲"))
        .skip(1)
        .take(3)
        .collect();
    assert!(
        rows[0].starts_with("Lucía") && rows[2].starts_with("Sven"),
        "{s}"
    );
}

// ---- 5. truncation: a detail view with wrapping and copy ----

const LONG: &str = "CRM API error — check CRM uptime (500 on contacts: the server answered 500 Internal Server Error three times; request id 8f1c2a77-5e0b-4c55-9a41-0d8e3f2b9c10, correlation 1b2c3d4e)";

#[test]
fn d05_enter_on_a_log_line_shows_it_whole_and_y_copies_it() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.on_event(Event::ActionResult {
        ok: false,
        reply: navsync::engine::interface::note::Reply::Refused(
            navsync::engine::interface::note::Refusal::Failed { error: LONG.into() },
        ),
    });
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.popup, Some(Popup::Detail(_))));
    let s = screen(&mut app, 80, 24);
    let joined: String = s
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains("correlation 1b2c3d4e)"),
        "the end is on screen\n{s}"
    );
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.clipboard.as_deref(), Some(LONG));
    press(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
}

#[test]
fn d05_a_dry_run_stays_in_the_history_with_its_full_report() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let report = "would import 274 accounts, 1,336 leads; would remove 3 accounts, 0 leads; read 5,120 CRM rows in 14 requests; would write 12 activities (4 open, unmatched)";
    app.on_event(Event::RunStarted {
        run_id: 5,
        mode: navsync::store::runs::RunMode::DryRun,
    });
    app.on_event(Event::RunFinished {
        run_id: 5,
        outcome: navsync::store::runs::Outcome::Ok,
        summary: crate::fixture::summary(|s| {
            s.dry_run = true;
            s.accounts_added = 274;
            s.leads_added = 1_336;
            s.accounts_removed = 3;
            s.rows = 5_120;
            s.requests = 14;
            s.writeback = Some(WritebackSummary::WouldWrite { count: 12, open: 4 });
        }),
    });
    // The store's history (which never holds a dry run) is read again.
    app.on_snapshot(Snapshot::Sync(crate::fixture::runs()));
    press(&mut app, KeyCode::Char('2'));
    let s = screen(&mut app, 80, 24);
    let row = line_with(&s, "report: Enter");
    assert!(row.contains("dry run"), "{s}");
    // Issue 21: its number is its own; 5 is the next real run's.
    assert!(row.starts_with("d1 "), "{s}");
    // The Now line wraps instead of cutting the report off.
    assert!(s.contains("(4 open, unmatched)"), "{s}");
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    let Some(Popup::Detail(d)) = &app.popup else {
        panic!("no detail");
    };
    assert!(d.text.contains(report), "{}", d.text);
    assert!(
        d.text.contains("dry run: nothing was changed"),
        "{}",
        d.text
    );
}

#[test]
fn d05_enter_on_the_connection_tab_shows_the_error_whole() {
    use navsync::engine::{ErrorClass, UserError};
    let mut app = offline(
        Some(UserError::new(
            ErrorClass::CrmApi,
            navsync::engine::interface::event::Problem::Crm(navsync::crm::CrmProblem::Api),
            LONG,
        )),
        |_| {},
    );
    press(&mut app, KeyCode::Char('1'));
    screen(&mut app, 80, 24);
    press(&mut app, KeyCode::Enter);
    let Some(Popup::Detail(d)) = &app.popup else {
        panic!("no detail");
    };
    assert!(d.text.contains(LONG), "{}", d.text);
    assert!(
        d.text
            .contains("Next step: The CRM API could not be used: check the CRM system's uptime"),
        "{}",
        d.text
    );
}

// ---- 4. live status during retries ----

#[test]
fn d04_a_retry_wait_counts_down_and_phases_show_total_rate_and_eta() {
    let (mut app, _rx) = app_with(Theme::MONO, true);
    let mut st = crate::fixture::status(true);
    if let Some(r) = st.running.as_mut() {
        r.throttled_until = None;
        r.retries = 5;
        r.retry_until = Some(crate::fixture::t("2026-11-25T07:00:08Z"));
        r.retry_reason = Some("attempt 5, contacts: 503 from the CRM".into());
    }
    app.on_status(st);
    app.tab = Tab::Sync;
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("58 requests · 5 retries"), "{s}");
    assert!(
        line_with(&s, "Waiting").contains("⟳ retry in 0:08: attempt 5, contacts: 503 from the CRM"),
        "{s}"
    );
    // 1,500 of 4,000 at 620 rows/s: 38 %, about 5 s to go.
    assert!(
        line_with(&s, "… contacts").contains("1,500/4,000 38% · 620/s · ETA 5 s"),
        "{s}"
    );
    // Without a total the row count and rate, not an empty bar's 0 %.
    assert!(line_with(&s, "accounts").contains("205 rows"), "{s}");
}

// ---- the Saved tab (expected feature) ----

#[test]
fn saved_tab_shows_what_the_sync_brought_in_at_80x24_and_filters_and_sorts() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.on_snapshot(crate::fixture::saved(crate::fixture::saved_rows()));
    press(&mut app, KeyCode::Char('7'));
    assert_eq!(app.tab, Tab::Saved);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("3 accounts · 2 leads · 2 saved by hand"), "{s}");
    assert!(line_with(&s, "Northwind").contains("by hand"), "{s}");
    assert!(
        line_with(&s, "Lucía Fernández").contains("Fabrikam rene…"),
        "{s}"
    );
    assert!(line_with(&s, "Contoso Ltd  ").contains("CRM+hand"), "{s}");
    insta::assert_snapshot!("saved_tab_mono_80x24", s);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "propose");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("filter \"propose\": 2 shown"), "{s}");
    press(&mut app, KeyCode::Esc);
    // Sorted by stage, 3-Propose first when reversed.
    for _ in 0..4 {
        press(&mut app, KeyCode::Char('o'));
    }
    press(&mut app, KeyCode::Char('O'));
    let s = screen(&mut app, 80, 24);
    assert!(line_with(&s, "Stage ▼").contains("Item"), "{s}");
    let first = s
        .lines()
        .skip_while(|l| !l.contains("Stage ▼"))
        .nth(1)
        .unwrap();
    assert!(first.contains("3-Propose"), "{s}");
    // A change in the seats' data reloads it.
    app.pending_loads.clear();
    app.on_event(Event::DataChanged(View::Seats));
    assert!(
        app.pending_loads.contains(&Load::Saved),
        "{:?}",
        app.pending_loads
    );
}

// ---- the user keymap (expected feature) ----

#[test]
fn keys_from_config_toml_patch_the_defaults_in_dispatch_footer_and_help() {
    let path = std::path::Path::new("/etc/navsync/config.toml");
    let config = navsync::config::parse(
        path,
        "[keys]\nsync_now = [\"S\", \"ctrl-r\"]\ndry_run = \"f5\"\n",
    )
    .unwrap();
    let keys = navsync::ui::keymap::from_config(&config).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = App::new(
        tx,
        Theme::MONO,
        navsync::ui::Clock::Fixed(crate::fixture::t(crate::fixture::NOW)),
        navsync::ui::ConsoleOptions {
            keys: std::sync::Arc::new(keys),
            ..Default::default()
        },
    );
    app.tab = Tab::Sync;
    press(&mut app, KeyCode::Char('s'));
    assert!(sent(&mut rx).is_empty(), "s is no longer sync now");
    app.handle_key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT));
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    press(&mut app, KeyCode::F(5));
    assert_eq!(
        sent(&mut rx),
        vec![
            Command::SyncNow { dry_run: false },
            Command::SyncNow { dry_run: false },
            Command::SyncNow { dry_run: true },
        ]
    );
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("S/Ctrl-R sync now") && s.contains("F5 dry run"),
        "the footer follows\n{s}"
    );
    press(&mut app, KeyCode::Char('?'));
    let Some(Popup::Help(h)) = &app.popup else {
        panic!("no help");
    };
    assert!(
        h.rows
            .iter()
            .any(|(k, d)| k == "S/Ctrl-R" && *d == "key-sync-now")
    );
}

#[test]
fn a_clash_in_keys_is_refused_at_start_with_its_place() {
    let path = std::path::Path::new("/etc/navsync/config.toml");
    let config =
        navsync::config::parse(path, "[sync]\ninterval = \"1h\"\n\n[keys]\nquit = \"x\"\n")
            .unwrap();
    let err = navsync::ui::keymap::from_config(&config)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "/etc/navsync/config.toml:5:8: key `keys.quit`: x is bound to both disable_sync and quit in the Seats tab"
    );
    let bad = navsync::config::parse(path, "[keys]\nquit = 3\n")
        .unwrap_err()
        .to_string();
    assert!(bad.contains("key `keys.quit`: allowed: a key"), "{bad}");
}

// ---- undo (expected feature) ----

#[test]
fn u_takes_back_the_last_skip_until_a_sync_starts() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('u'));
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
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("Lucía Fernández Soto")
    );
    press(&mut app, KeyCode::Char('u'));
    assert!(sent(&mut rx).is_empty(), "one undo per change");
    // Once a sync starts, the change is no longer only local.
    press(&mut app, KeyCode::Char('s'));
    app.on_event(Event::RunStarted {
        run_id: 9,
        mode: navsync::store::runs::RunMode::Incremental,
    });
    sent(&mut rx);
    press(&mut app, KeyCode::Char('u'));
    assert!(sent(&mut rx).is_empty());
    assert!(!app.flash.as_ref().unwrap().ok);
}

#[test]
fn u_puts_back_each_seats_own_switch() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('3'));
    // Ana (on) and Bruno (off), switched off together.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        sent(&mut rx),
        vec![
            Command::SetSeatSync {
                seat_ids: vec![1, 2],
                enabled: false
            },
            Command::SetSeatSync {
                seat_ids: vec![1],
                enabled: true
            },
        ],
        "Bruno was off already: only Ana goes back on"
    );
}

#[test]
fn d05_a_cut_message_says_where_to_read_it_whole() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.on_event(Event::ActionResult {
        ok: false,
        reply: navsync::engine::interface::note::Reply::Refused(
            navsync::engine::interface::note::Refusal::Failed { error: LONG.into() },
        ),
    });
    let s = screen(&mut app, 80, 24);
    let line = line_with(&s, "✘ CRM API error");
    assert!(line.ends_with("… (whole: 6 Log, Enter)"), "{s}");
    assert_eq!(line.chars().count(), 80);
}

/// At a million lines the first read takes seconds: until it comes the
/// tab says it is reading, not that nothing is saved.
#[test]
fn the_saved_tab_says_it_is_reading_until_its_lines_come() {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = App::new(
        tx,
        Theme::MONO,
        navsync::ui::app::Clock::System,
        navsync::ui::app::ConsoleOptions::default(),
    );
    app.tab = Tab::Saved;
    assert!(screen(&mut app, 80, 24).contains("Reading the saved lists"));
    app.on_snapshot(crate::fixture::saved(Vec::new()));
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("Nothing saved yet") && !s.contains("Reading"),
        "{s}"
    );
}

#[test]
fn saved_counts_items_by_id_not_by_name() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut rows = crate::fixture::saved_rows();
    // A namesake at the same company is another lead.
    let mut twin = rows[1].clone();
    twin.item_id = "id-twin".into();
    rows.push(twin);
    app.on_snapshot(crate::fixture::saved(rows));
    app.tab = Tab::Saved;
    assert!(screen(&mut app, 80, 24).contains("3 accounts · 3 leads"));
}
