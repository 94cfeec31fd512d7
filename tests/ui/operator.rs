//! Issue 26, the operator's console: nothing cut without "…", wider
//! tables on wider screens, accent-blind filters, `:` commands with
//! words, bulk actions on the queue, and dialogs where Enter is always no.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use navsync::engine::Command;
use navsync::engine::interface::command::ResolveHow;
use navsync::i18n::Locale;
use navsync::store::seats::{Edition, Licence};
use navsync::ui::action::Tab;
use navsync::ui::loader::Snapshot;
use navsync::ui::popups::Popup;
use navsync::ui::theme::Theme;
use navsync::ui::{App, EngineLink};

use crate::fixture::{app_with, queue, saved_rows, screen, seat, seats_data, sent};

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn command_line(app: &App) -> String {
    match &app.popup {
        Some(Popup::CommandLine(c)) => c.input.value().to_string(),
        other => panic!("no command line: {other:?}"),
    }
}

/// Names longer than any column has room for at 80 columns.
const LONG: [&str; 4] = [
    "Brittany Washington-Carrasco",
    "Anouk Johansson van der Berg",
    "Joaquín Muñoz de la Fuente",
    "Navarro Industrias Alimentarias del Mediterráneo S.L.",
];

/// The fixture's console with long names in every table.
fn long_names_app(theme: Theme) -> App {
    let (mut app, _rx) = app_with(theme, false);
    let mut seats = seats_data();
    seats
        .seats
        .push(seat(5, LONG[0], Licence::Member, None, false));
    app.on_snapshot(Snapshot::Seats(seats));
    let mut saved = saved_rows();
    saved[0].seat_holder = LONG[1].into();
    saved[1].name = LONG[2].into();
    saved[1].company = Some(LONG[3].into());
    app.on_snapshot(crate::fixture::saved(saved));
    let mut q = queue();
    q[0].member_name = LONG[2].into();
    q[0].member_company = Some(LONG[3].into());
    app.on_snapshot(Snapshot::Queue(q));
    app.pending_loads.clear();
    app
}

/// Every place the screen shows the start of `name` either shows the
/// whole of it or ends the cut with "…".
fn cut_only_with_mark(screen: &str, name: &str) -> Result<(), String> {
    let head: String = name.chars().take(6).collect();
    for line in screen.lines() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(&head) {
            let at = from + pos;
            let rest: Vec<char> = line[at..].chars().collect();
            let want: Vec<char> = name.chars().collect();
            let same = rest.iter().zip(&want).take_while(|(a, b)| a == b).count();
            if same < want.len() {
                let marked = rest.get(same) == Some(&'…');
                // Wrapped text breaks between words, the line ends there
                // (the space may be matched by the padding after it).
                let at_space = want[same] == ' ' || (same > 0 && want[same - 1] == ' ');
                let wrapped = at_space && rest[same..].iter().all(|c| *c == ' ' || *c == '│');
                if !marked && !wrapped {
                    return Err(format!("{name:?} cut bare in {line:?}"));
                }
            }
            from = at + head.len();
        }
    }
    Ok(())
}

fn in_locale<T>(locale: Locale, f: impl FnOnce() -> T) -> T {
    navsync::i18n::set_for_thread(Some(locale));
    let out = f();
    navsync::i18n::set_for_thread(None);
    out
}

const LOCALES: [(&str, Locale); 2] = [
    ("en", Locale::Lang(navsync::config::Lang::En)),
    ("es", Locale::Lang(navsync::config::Lang::Es)),
];

#[test]
fn no_tab_cuts_a_name_without_the_mark_in_either_language_or_size() {
    for (lang, locale) in LOCALES {
        in_locale(locale, || {
            for tab in Tab::ALL {
                for (w, h) in [(80, 24), (120, 40)] {
                    let mut app = long_names_app(Theme::MONO);
                    app.tab = tab;
                    let s = screen(&mut app, w, h);
                    for name in LONG {
                        if let Err(e) = cut_only_with_mark(&s, name) {
                            panic!("{lang} {} {w}x{h}: {e}\n{s}", tab.id());
                        }
                    }
                    if matches!(tab, Tab::Seats | Tab::Saved | Tab::Unresolved) {
                        insta::assert_snapshot!(
                            format!("long_names_{lang}_{}_{w}x{h}", tab.id()),
                            s
                        );
                    }
                }
            }
            // The popups too: their lines end at the box, never bare.
            for (popup, open) in long_name_popups() {
                for (w, h) in [(80, 24), (120, 40)] {
                    let mut app = long_names_app(Theme::MONO);
                    open(&mut app);
                    assert!(app.popup.is_some(), "{popup}: no popup open");
                    let s = screen(&mut app, w, h);
                    for name in LONG.iter().chain([&LONG_TITLE]) {
                        if let Err(e) = cut_only_with_mark(&s, name) {
                            panic!("{lang} {popup} {w}x{h}: {e}\n{s}");
                        }
                    }
                }
            }
        });
    }
}

/// A job title longer than a popup line has room for beside a long name.
const LONG_TITLE: &str = "Chief Procurement and Strategic Sourcing Officer";

/// The popups that show names, opened on the long names' rows.
fn long_name_popups() -> Vec<(&'static str, crate::screens::Script)> {
    vec![
        ("crm_search", |app| {
            press(app, KeyCode::Char('4'));
            press(app, KeyCode::Char('/'));
            press(app, KeyCode::Enter);
            app.on_event(navsync::engine::Event::SearchResults {
                request_id: 1,
                contacts: vec![navsync::engine::interface::event::ContactHit {
                    contactid: "c-1".into(),
                    fullname: LONG[2].into(),
                    email: None,
                    company: Some(LONG[3].into()),
                    jobtitle: Some(LONG_TITLE.into()),
                    accountid: None,
                }],
            });
        }),
        ("create_contact", |app| {
            press(app, KeyCode::Char('4'));
            press(app, KeyCode::Char('c'));
        }),
        ("detail_saved_row", |app| {
            press(app, KeyCode::Char('7'));
            press(app, KeyCode::Down);
            press(app, KeyCode::Enter);
        }),
        ("confirm_seat_switch", |app| {
            press(app, KeyCode::Char('3'));
            press(app, KeyCode::Char('/'));
            typed(app, "brittany");
            press(app, KeyCode::Enter);
            press(app, KeyCode::Char('e'));
        }),
        ("confirm_unassign", |app| {
            press(app, KeyCode::Char('3'));
            press(app, KeyCode::Char('/'));
            typed(app, "brittany");
            press(app, KeyCode::Enter);
            press(app, KeyCode::Char('U'));
        }),
        ("confirm_bulk_link", |app| {
            press(app, KeyCode::Char('4'));
            press(app, KeyCode::Char('a'));
            press(app, KeyCode::Char('L'));
        }),
    ]
}

/// The Spanish seat table once cut "sin coincidencia" to "— sin coincide".
#[test]
fn spanish_seat_words_are_whole_or_marked() {
    in_locale(LOCALES[1].1, || {
        let mut app = long_names_app(Theme::MONO);
        app.tab = Tab::Seats;
        let s = screen(&mut app, 80, 24);
        assert!(s.contains("— sin"), "{s}");
        cut_only_with_mark(&s, "— sin coincidencia").unwrap();
    });
}

/// The column that holds the member's name, in characters from the left.
fn unresolved_columns(app: &mut App, w: u16, h: u16) -> usize {
    let s = screen(app, w, h);
    let header = s
        .lines()
        .find(|l| l.contains("Member") && l.contains("State"))
        .unwrap_or_else(|| panic!("no table header\n{s}"))
        .to_string();
    header.find("State").unwrap()
}

#[test]
fn tables_get_wider_on_a_wider_screen() {
    let mut app = long_names_app(Theme::MONO);
    app.tab = Tab::Unresolved;
    let at80 = unresolved_columns(&mut app, 80, 24);
    let at120 = unresolved_columns(&mut app, 120, 40);
    assert!(at120 > at80, "State at {at80} (80) and {at120} (120)");
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Marco Rossi"), "{s}");
    // Seats show the e-mail and the member id when there is room.
    app.tab = Tab::Seats;
    let narrow = screen(&mut app, 80, 24);
    let wide = screen(&mut app, 120, 40);
    assert!(!narrow.contains("ana@contoso.com"), "{narrow}");
    assert!(
        wide.contains("ana@contoso.com") && wide.contains("Member id"),
        "{wide}"
    );
    assert!(wide.contains("2 of 5 syncing"), "{wide}");
}

#[test]
fn saved_tab_has_the_owner_and_enter_shows_the_row_whole() {
    let mut app = long_names_app(Theme::MONO);
    app.tab = Tab::Saved;
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Owner"), "{s}");
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "joaquin munoz");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 40);
    assert!(matches!(app.popup, Some(Popup::Detail(_))), "{s}");
    assert!(s.contains(LONG[2]) && s.contains(LONG[3]), "{s}");
    assert!(s.contains("Owner: Ana Pérez"), "{s}");
}

#[test]
fn filters_ignore_accents_and_case_on_every_table() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "PEREZ");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.seats.view.len(), 1, "perez finds Ana Pérez");
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('f'));
    typed(&mut app, "lucia fernandez");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.unresolved.view.len(), 1, "lucia finds Lucía");
    press(&mut app, KeyCode::Char('7'));
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "omer yildiz");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.saved.view.len(), 1, "omer yildiz finds Ömer Yıldız");
    // Folding works the other way too: an accent typed finds the plain
    // spelling.
    press(&mut app, KeyCode::Char('/'));
    for _ in 0.."omer yildiz".len() {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "Nórthwind");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.saved.view.len(), 1);
}

// ---- `:` commands with words ----

#[test]
fn colon_seats_completes_the_switch_and_the_name_then_asks() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "seats en");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Tab completes: enable"), "{s}");
    press(&mut app, KeyCode::Tab);
    assert_eq!(command_line(&app), "seats enable");
    typed(&mut app, " bru");
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("Bruno Díaz"),
        "the list shows the seat as typed\n{s}"
    );
    press(&mut app, KeyCode::Tab);
    assert_eq!(command_line(&app), "seats enable Bruno Díaz");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Seats);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("the seat of Bruno Díaz"), "{s}");
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
fn colon_seats_names_several_seats_accents_aside_or_says_none() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "seats disable diaz");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::SetSeatSync {
            seat_ids: vec![2],
            enabled: false
        }]
    );
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "seats disable contoso.com");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("4 seats matching \"contoso.com\""), "{s}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "seats enable nobody");
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    let flash = app.flash.clone().unwrap();
    assert!(!flash.ok && flash.text.contains("\"nobody\""), "{flash:?}");
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "seats frobnicate");
    press(&mut app, KeyCode::Enter);
    let flash = app.flash.clone().unwrap();
    assert!(
        flash.text.contains(":seats [enable|disable [NAME]]"),
        "{flash:?}"
    );
    assert!(sent(&mut rx).is_empty());
    // Alone, it still goes to the tab.
    app.tab = Tab::Sync;
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "seats");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Seats);
}

#[test]
fn colon_sync_dry_run_and_filter_take_their_words() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    for (line, want) in [
        ("sync", Command::SyncNow { dry_run: false }),
        ("dry-run", Command::SyncNow { dry_run: true }),
    ] {
        press(&mut app, KeyCode::Char(':'));
        typed(&mut app, line);
        press(&mut app, KeyCode::Enter);
        assert_eq!(sent(&mut rx), vec![want], ":{line}");
    }
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "sync now please");
    press(&mut app, KeyCode::Enter);
    assert!(sent(&mut rx).is_empty(), "words a command does not take");
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("Write it as :sync")
    );
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "filter ruíz");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        (app.seats.view.filter.as_str(), app.seats.view.len()),
        ("ruíz", 1)
    );
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "filter");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.seats.view.len(), 4, ":filter alone clears it");
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "filter x");
    press(&mut app, KeyCode::Enter);
    assert!(
        !app.flash.as_ref().unwrap().ok,
        "the Connection tab has no table"
    );
}

#[test]
fn colon_lang_switches_the_console_language() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "lang e");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Tab completes: en es"), "{s}");
    typed(&mut app, "s");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    navsync::i18n::set_for_thread(None);
    assert!(s.contains("Idioma de la consola: español"), "{s}");
    assert!(s.contains("Conexión"), "{s}");
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "lang fr");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.flash.as_ref().unwrap().text.contains(":lang en|es"),
        "{:?}",
        app.flash
    );
    press(&mut app, KeyCode::Char(':'));
    typed(&mut app, "lang en");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, 80, 24).contains("Console language: English"));
    navsync::i18n::set_for_thread(None);
}

// ---- the queue: marks, bulk skip, bulk link ----

#[test]
fn skip_moves_to_the_next_entry() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    let first = app.unresolved.selected_row().unwrap().activity_id;
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::SkipUnresolved {
            activity_id: first,
            skip: true
        }]
    );
    assert_ne!(app.unresolved.selected_row().unwrap().activity_id, first);
}

#[test]
fn marked_entries_are_skipped_together_after_a_count() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.unresolved.marked_ids(), vec![101, 102]);
    press(&mut app, KeyCode::Char('s'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Skip 2 marked (0 hidden by filter)?"), "{s}");
    assert!(sent(&mut rx).is_empty(), "asked first");
    press(&mut app, KeyCode::Enter);
    assert!(sent(&mut rx).is_empty(), "Enter means no");
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        sent(&mut rx),
        vec![
            Command::SkipUnresolved {
                activity_id: 101,
                skip: true
            },
            Command::SkipUnresolved {
                activity_id: 102,
                skip: true
            },
        ]
    );
    assert!(app.unresolved.marked_ids().is_empty(), "marks cleared");
    // u takes the bulk skip back.
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(sent(&mut rx).len(), 2);
}

#[test]
fn marked_entries_link_to_their_top_candidate_and_those_without_stay() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('L'));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Lucía Fernández Soto → Lucía Fernández"), "{s}");
    assert!(
        s.contains("2 have no candidate and stay in the queue."),
        "{s}"
    );
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::ResolveWithContact {
            activity_id: 101,
            contactid: "c-lucia".into(),
            how: ResolveHow::Candidate,
            by: Some(navsync::ui::os_user::name()),
        }]
    );
    // Nothing to link: said, nothing asked.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('L'));
    assert!(app.popup.is_none());
    assert!(!app.flash.as_ref().unwrap().ok);
}

#[test]
fn candidates_show_title_and_company() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Lucía Fernández, Procurement Lead, Fabrikam S.A."),
        "{s}"
    );
}

// ---- dialogs ----

#[test]
fn enter_means_no_in_every_yes_no_dialog() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.popup, Some(Popup::Confirm(_))));
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none() && sent(&mut rx).is_empty());
    // Assigning seats asks too, and Enter backs out of that as well.
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 80, 24);
    assert!(matches!(app.popup, Some(Popup::Confirm(_))), "{s}");
    assert!(
        s.contains("Assign a seat (member licence, team edition) to:"),
        "{s}"
    );
    assert!(s.contains("Elena Mora"), "{s}");
    assert!(sent(&mut rx).is_empty());
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none() && sent(&mut rx).is_empty());
    press(&mut app, KeyCode::Char('n'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::AssignSeats {
            crm_user_ids: vec!["u-elena".into()],
            licence: Licence::Member,
            edition: Edition::Team,
        }]
    );
}

#[test]
fn a_wrong_word_in_the_purge_dialog_is_said_as_it_is_typed() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('D'));
    app.on_snapshot(Snapshot::Purge(crate::fixture::purge_counts()));
    typed(&mut app, "pur");
    assert!(!screen(&mut app, 80, 24).contains("is not purge"));
    typed(&mut app, "ge!");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("\"purge!\" is not purge"), "{s}");
    press(&mut app, KeyCode::Enter);
    assert!(sent(&mut rx).is_empty());
}

#[test]
fn spanish_purge_dialog_names_the_tables_in_words() {
    in_locale(LOCALES[1].1, || {
        let (mut app, _rx) = app_with(Theme::MONO, false);
        press(&mut app, KeyCode::Char('1'));
        press(&mut app, KeyCode::Char('D'));
        app.on_snapshot(Snapshot::Purge(crate::fixture::purge_counts()));
        let s = screen(&mut app, 120, 40);
        assert!(
            s.contains("12 usuarios del CRM, 1.480") && s.contains("oportunidades, 2.310 cuentas"),
            "{s}"
        );
        assert!(!s.contains("systemusers"), "{s}");
    });
}

#[test]
fn help_scrolls_to_its_end_and_back() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('?'));
    let s = screen(&mut app, 80, 24);
    assert!(
        !s.contains("Saved tab"),
        "the last row is below at first\n{s}"
    );
    press(&mut app, KeyCode::End);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Saved tab"), "{s}");
    press(&mut app, KeyCode::Char('g'));
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("Saved tab") && s.contains("link"), "{s}");
    press(&mut app, KeyCode::Char('G'));
    assert!(screen(&mut app, 80, 24).contains("Saved tab"));
}

// ---- sync history ----

#[test]
fn history_shows_durations_filters_by_outcome_and_opens_the_log_of_a_run() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut runs = crate::fixture::runs();
    runs[0].finished_at = Some(crate::fixture::t("2026-11-25T06:47:05Z"));
    // Still running as far as the store knows: its log goes on to now.
    runs[1].finished_at = None;
    app.on_snapshot(Snapshot::Sync(runs));
    crate::fixture::log_line(&mut app, tracing::Level::WARN, "a line from the run's time");
    press(&mut app, KeyCode::Char('2'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Took") && s.contains("3 min"), "{s}");
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('v'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("only ✘ error runs"), "{s}");
    assert!(!s.contains("11-25 06:45"), "the ok run is hidden\n{s}");
    assert!(s.contains("11-25 05:45"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Log lines of this run") && s.contains("a line from the run's time"),
        "{s}"
    );
    press(&mut app, KeyCode::Esc);
    // Run 4 ended before the line was logged: its log has none of it.
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Char('v'));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Run 4") && !s.contains("a line from the run's time"),
        "{s}"
    );
}

#[test]
fn header_says_which_engine_the_console_works_with() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    assert!(
        screen(&mut app, 120, 40)
            .lines()
            .next()
            .unwrap()
            .contains("own engine")
    );
    app.options.engine = EngineLink::Attached { pid: 4242 };
    let wide = screen(&mut app, 120, 40);
    assert!(
        wide.lines().next().unwrap().contains("│ service pid 4242"),
        "{wide}"
    );
    let narrow = screen(&mut app, 80, 24);
    assert!(
        narrow.lines().next().unwrap().contains("│ pid 4242"),
        "{narrow}"
    );
}

// ---- the Log tab: find, follow, scroll sideways ----

fn log_line(app: &mut App, message: &str) {
    crate::fixture::log_line(app, tracing::Level::INFO, message);
}

/// The whole of the log line under the cursor (Enter shows it).
fn line_under_cursor(app: &mut App) -> String {
    press(app, KeyCode::Enter);
    let text = match &app.popup {
        Some(Popup::Detail(d)) => d.text.clone(),
        other => panic!("no detail: {other:?}"),
    };
    press(app, KeyCode::Esc);
    text
}

#[test]
fn log_finds_text_accents_aside_and_n_walks_through_the_lines() {
    let (mut app, _rx) = app_with(Theme::COLOUR, false);
    press(&mut app, KeyCode::Char('6'));
    log_line(&mut app, "linked Joaquín Muñoz to a contact");
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "munoz");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.log.find, "munoz");
    let buf = crate::fixture::draw(&mut app, 80, 24);
    let s = crate::fixture::text(&buf);
    assert!(s.contains("\"munoz\" (n/N)"), "{s}");
    // The found word is styled apart from the rest of its line.
    let y = s.lines().position(|l| l.contains("Muñoz to")).unwrap() as u16;
    let x = s.lines().nth(y as usize).unwrap().find("Muñoz").unwrap();
    let x = s.lines().nth(y as usize).unwrap()[..x].chars().count() as u16;
    let found = buf[(x, y)].style();
    let plain = buf[(x - 2, y)].style();
    assert_ne!(found.add_modifier, plain.add_modifier, "{s}");
    // n: the next line with it; none other has it, so it says so only
    // when the text is nowhere.
    press(&mut app, KeyCode::Char('/'));
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "crm");
    press(&mut app, KeyCode::Enter);
    let first = line_under_cursor(&mut app);
    assert!(first.contains("CRM"), "{first}");
    press(&mut app, KeyCode::Char('n'));
    let second = line_under_cursor(&mut app);
    assert!(second.contains("CRM") && second != first, "n: {second}");
    press(&mut app, KeyCode::Char('N'));
    assert_eq!(line_under_cursor(&mut app), first, "N came back");
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "zzz");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    assert!(!app.flash.as_ref().unwrap().ok);
}

#[test]
fn log_follows_the_newest_line_until_the_cursor_leaves_it() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('6'));
    assert!(app.log.follow);
    press(&mut app, KeyCode::Down);
    assert!(!app.log.follow, "moving down pauses");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("paused (F follows)"), "{s}");
    let before = line_under_cursor(&mut app);
    log_line(&mut app, "a new line");
    assert_eq!(
        line_under_cursor(&mut app),
        before,
        "paused: the cursor stays on its line"
    );
    press(&mut app, KeyCode::Char('F'));
    log_line(&mut app, "another new line");
    assert_eq!(
        line_under_cursor(&mut app),
        "another new line",
        "following: the newest"
    );
}

#[test]
fn log_scrolls_messages_sideways_and_marks_the_cut_start() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Right);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("· →16"), "{s}");
    assert!(s.contains("…d 12 accounts, 40 leads"), "{s}");
    press(&mut app, KeyCode::Left);
    assert!(screen(&mut app, 80, 24).contains("sync ok: imported"));
}

/// `w` wraps a long message over several rows, each cut nowhere, and
/// says so in the title; ←/→ then do not scroll (said so), `w` again
/// puts each line back on one row.
#[test]
fn log_wraps_long_lines_over_several_rows_with_w() {
    let (mut app, _rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('6'));
    let long = "the CRM refused the write of Joaquín Muñoz's InMail to Contoso Pharmaceuticals \
                because the subject is longer than the column allows; it is tried again next run";
    log_line(&mut app, long);
    for (w, h) in [(80, 24), (120, 40)] {
        let s = screen(&mut app, w, h);
        assert!(!s.contains("tried again next run"), "one row, cut:\n{s}");
    }
    press(&mut app, KeyCode::Char('w'));
    assert!(app.log.wrap);
    for (w, h) in [(80, 24), (120, 40)] {
        let s = screen(&mut app, w, h);
        assert!(s.contains("· wrapped"), "{s}");
        // The message's rows, up to the next line's time: all of it, uncut.
        let joined = s
            .lines()
            .skip_while(|l| !l.contains("the CRM refused"))
            .take_while(|l| !l.contains("ERROR"))
            .map(|l| l.get(15..).unwrap_or("").trim())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(joined.starts_with("the CRM refused"), "{w}x{h}:\n{s}");
        assert_eq!(joined, long, "{w}x{h}:\n{s}");
        assert!(!joined.contains('…'), "{w}x{h}:\n{s}");
    }
    press(&mut app, KeyCode::Right);
    assert_eq!(app.log.shift, 0);
    assert!(!app.flash.as_ref().unwrap().ok);
    press(&mut app, KeyCode::Char('w'));
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("· wrapped"), "{s}");
    assert!(!s.contains("tried again next run"), "{s}");
}

// ---- Settings: where each value comes from, and reset ----

#[test]
fn settings_say_where_each_value_comes_from_and_r_resets_a_console_change() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('5'));
    let s = screen(&mut app, 120, 40);
    let line = |s: &str, q: &str| s.lines().find(|l| l.contains(q)).unwrap().to_string();
    assert!(line(&s, "Auto-sync").contains("config.toml:4"), "{s}");
    assert!(line(&s, "Won-value").contains("built-in default"), "{s}");
    assert!(line(&s, "stage").contains("console"), "{s}");
    // r on a value from the file: nothing to reset, said so.
    press(&mut app, KeyCode::Char('r'));
    assert!(sent(&mut rx).is_empty());
    assert!(!app.flash.as_ref().unwrap().ok);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::ResetSetting(
            navsync::engine::interface::command::SettingKey::PipelineStage
        )]
    );
}

#[test]
fn the_resolved_view_says_what_was_linked_to_whom_how_and_by_whom() {
    use navsync::store::unresolved::ResolvedRow;
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    app.on_snapshot(Snapshot::Resolved(vec![ResolvedRow {
        activity_id: 99,
        member_name: "Ana Brandão".into(),
        member_company: Some("Itaú Energia".into()),
        seat_holder: "Diego Ruiz".into(),
        resolved_at: "2026-11-25T06:30:00Z".parse().unwrap(),
        how: Some(navsync::vocab::ResolveHow::Search),
        contactid: Some("c-ana".into()),
        contact_name: Some("Ana Brandão Lima".into()),
        resolved_by: Some("mgarcia".into()),
    }]));
    press(&mut app, KeyCode::Char('4'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('v'));
    }
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("1 resolved lately"), "{s}");
    let row = s.lines().find(|l| l.contains("Ana Brandão ")).unwrap();
    assert!(
        row.contains("Ana Brandão Lima")
            && row.contains("a CRM search")
            && row.contains("Diego Ruiz")
            && row.contains("mgarcia"),
        "{s}"
    );
    // Read only: the queue's keys do nothing here but say so.
    press(&mut app, KeyCode::Char('s'));
    assert!(sent(&mut rx).is_empty());
    assert!(!app.flash.as_ref().unwrap().ok);
    press(&mut app, KeyCode::Char('f'));
    typed(&mut app, "itau");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, 120, 40).contains("1 shown"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('v'));
    assert!(screen(&mut app, 120, 40).contains("3 unresolved"));
}

// ---- Seats: unassign ----

#[test]
fn unassigning_a_seat_asks_and_says_what_becomes_of_its_activities() {
    let (mut app, mut rx) = app_with(Theme::MONO, false);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('U'));
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Take the CRM user off the seat of Bruno Díaz and switch its sync"),
        "{s}"
    );
    assert!(
        s.contains("3 activities not yet written to the CRM are left out for good"),
        "{s}"
    );
    assert!(
        s.contains("1 write already queued still goes to the CRM as the seat holder."),
        "{s}"
    );
    press(&mut app, KeyCode::Enter);
    assert!(sent(&mut rx).is_empty(), "Enter means no");
    press(&mut app, KeyCode::Char('U'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        sent(&mut rx),
        vec![Command::UnassignSeats { seat_ids: vec![2] }]
    );
    app.on_event(navsync::engine::Event::SeatsUnassigned { seats: 1 });
    assert_eq!(
        app.flash.as_ref().unwrap().text,
        "1 seat unassigned: no CRM user, sync off"
    );
}
