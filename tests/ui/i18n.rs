//! The console in Spanish, and in a pseudo-locale that finds text not
//! taken from the catalogs. Each test sets its thread's locale, so these
//! run beside the English snapshots of screens.rs.

use navsync::config::Lang;
use navsync::engine::Event;
use navsync::i18n::{self, Locale, PSEUDO_CLOSE, PSEUDO_OPEN};
use navsync::ui::App;
use navsync::ui::action::Tab;
use navsync::ui::theme::Theme;

use crate::fixture::{app_with, screen};
use crate::screens::popup_scripts;

/// Every screen a user can reach, by name: each tab (Sync while a run is
/// going, for its gauges), each popup with the help, the demo banner with
/// a message, and the connection error.
fn every_screen() -> Vec<(String, App)> {
    let mut screens = Vec::new();
    for tab in Tab::ALL {
        let (mut app, _rx) = app_with(Theme::MONO, tab == Tab::Sync);
        app.tab = tab;
        screens.push((format!("tab_{}", tab.id()), app));
    }
    for tab in Tab::ALL {
        let (mut app, _rx) = app_with(Theme::MONO, false);
        app.tab = tab;
        app.handle_key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('?'),
        ));
        screens.push((format!("help_{}", tab.id()), app));
    }
    for (name, keys) in popup_scripts() {
        let (mut app, _rx) = app_with(Theme::MONO, false);
        keys(&mut app);
        assert!(app.popup.is_some(), "{name}: no popup open");
        screens.push((format!("popup_{name}"), app));
    }
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.options.demo = true;
    app.on_event(Event::ActionResult {
        ok: true,
        reply: crate::fixture::said("2"),
    });
    screens.push(("demo_banner".into(), app));
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let mut st = crate::fixture::status(false);
    st.connected = false;
    st.last_error = Some(navsync::engine::UserError::new(
        navsync::engine::ErrorClass::InsufficientPrivileges,
        navsync::engine::interface::event::Problem::Crm(navsync::crm::CrmProblem::Privileges {
            privilege: None,
        }),
        "403",
    ));
    app.on_status(st);
    app.on_snapshot(navsync::ui::loader::Snapshot::Connection(Box::default()));
    screens.push(("connection_error".into(), app));
    screens
}

/// Every tab, popup and help in Spanish at 80x24, the smallest screen
/// the console is laid out for.
#[test]
fn every_screen_in_spanish_at_80x24() {
    i18n::set_for_thread(Some(Locale::Lang(Lang::Es)));
    for (name, mut app) in every_screen() {
        let s = screen(&mut app, 80, 24);
        insta::assert_snapshot!(format!("es_{name}_80x24"), s);
    }
    i18n::set_for_thread(None);
}

/// Spanish words and formats reach the screen: the seed's own wording,
/// numbers with a point between thousands, dates with the month's name.
#[test]
fn spanish_uses_the_seeds_wording_and_formats() {
    i18n::set_for_thread(Some(Locale::Lang(Lang::Es)));
    let (mut app, _rx) = app_with(Theme::MONO, false);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Conectado a Microsoft Dynamics — Conexión realizada"),
        "{s}"
    );
    assert!(s.contains("hace 12 min (25 nov 2026 06:48 UTC)"), "{s}");
    app.handle_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('D'),
    ));
    app.on_snapshot(navsync::ui::loader::Snapshot::Purge(
        crate::fixture::purge_counts(),
    ));
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Sí, limpiar todos los datos previamente importados del CRM"),
        "{s}"
    );
    assert!(
        s.contains("15.022 contactos"),
        "thousands with a point: {s}"
    );
    i18n::set_for_thread(None);
}

/// Words that may stand outside the pseudo-locale's marks besides data
/// (the fixture's names, companies, e-mails, stage labels, subjects),
/// numbers and glyphs, one-letter keys and `:` command names.
const ALLOWED_WORDS: &[&str] = &[
    // The product, the key names every keyboard prints alike (the others
    // come from the catalogs) and the word the purge asks to be typed.
    "navsync", "Esc", "Tab", "Ctrl-C", "purge",
];

/// Whether `word` (outside every mark) is data or a glyph, not words;
/// a list of keys ("n/Esc/") is allowed when each key is.
fn allowed(word: &str) -> bool {
    // Borders and marks drawn next to a word are not part of it.
    let word = word.trim_matches(|c: char| "│┌┐└┘─├┤[]›".contains(c));
    if word.len() > 1 && word.contains('/') {
        return word.split('/').filter(|k| !k.is_empty()).all(allowed);
    }
    if ALLOWED_WORDS.contains(&word) {
        return true;
    }
    // No letter at all: numbers, times, counts, borders, marks, arrows.
    if !word.chars().any(char::is_alphabetic) {
        return true;
    }
    // One-letter keys ("q", "G") and `:` commands.
    let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != ':' && c != '-');
    if bare.chars().count() == 1 || bare.starts_with(':') {
        return true;
    }
    false
}

/// The text of `screen` outside the marks (which nest: a message's
/// argument can be a message), word by word.
fn unmarked_words(screen: &str) -> Vec<String> {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in screen.chars() {
        match c {
            PSEUDO_OPEN => {
                depth += 1;
                out.push(' ');
            }
            PSEUDO_CLOSE => depth = depth.saturating_sub(1),
            '\n' => out.push('\n'),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().map(str::to_string).collect()
}

/// Every screen in the pseudo-locale: any word outside the marks that is
/// not data is English written into the code instead of the catalog.
/// Drawn wide, so no message is cut short (a cut one loses its close mark)
/// and the wide layouts show every column.
#[test]
fn pseudo_locale_finds_no_text_outside_the_catalogs() {
    i18n::set_for_thread(Some(Locale::Pseudo));
    // What the popups' scripts type or receive is data too.
    let data = crate::fixture::data_text()
        + "Lucía Fernández Soto lfernandez@fabrikam.example Fabrikam S.A. Procurement FQK7M2XR https://microsoft.com/devicelogin ruiz pur sy";
    let mut found = Vec::new();
    for (name, mut app) in every_screen() {
        let s = screen(&mut app, 240, 60);
        for w in unmarked_words(&s) {
            let bare = w.trim_matches(['(', ')', ',', '<', '>', '"', '«', '»', '.', ':', '…']);
            if !allowed(&w) && !data.contains(bare) {
                found.push(format!("{name}: {w:?}"));
            }
        }
    }
    i18n::set_for_thread(None);
    assert!(
        found.is_empty(),
        "text outside the catalogs:\n{}",
        found.join("\n")
    );
}

/// The test's own check: an English word written into a screen is found.
#[test]
fn pseudo_locale_check_finds_a_hard_coded_word() {
    let words = unmarked_words("⟦Sync⟧ │ ⟦last ⟦12 min⟧ ago⟧ Connected 1,297 q :sync");
    let bad: Vec<_> = words.iter().filter(|w| !allowed(w)).collect();
    assert_eq!(bad, ["Connected"]);
}

/// Spanish runs longer than English; at 80x24 nothing may be lost to it:
/// the tab bar names all seven tabs, each tab's footer keeps every key
/// (help does not have to say "more"), and every line of every help is
/// shown whole as it scrolls by.
#[test]
fn spanish_layouts_hold_at_80x24() {
    use crossterm::event::{KeyCode, KeyEvent};
    use navsync::ui::popups::Popup;
    i18n::set_for_thread(Some(Locale::Lang(Lang::Es)));
    let more = format!("? {}", i18n::text("footer-more", &[]));
    for tab in Tab::ALL {
        let (mut app, _rx) = app_with(Theme::MONO, tab == Tab::Sync);
        app.tab = tab;
        let s = screen(&mut app, 80, 24);
        let bar = s.lines().nth(1).unwrap_or_default();
        for n in 1..=7 {
            assert!(bar.contains(&format!("{n} ")), "{tab:?}: tab {n} cut:\n{s}");
        }
        assert!(!s.contains(&more), "{tab:?}: footer dropped keys:\n{s}");
        app.handle_key(KeyEvent::from(KeyCode::Char('?')));
        let Some(Popup::Help(h)) = &app.popup else {
            panic!("{tab:?}: no help");
        };
        let wanted: Vec<String> = h.rows.iter().map(|(_, d)| i18n::text(d, &[])).collect();
        let mut seen = String::new();
        for _ in 0..wanted.len() {
            seen.push_str(&screen(&mut app, 80, 24));
            app.handle_key(KeyEvent::from(KeyCode::Down));
        }
        for d in wanted {
            assert!(seen.contains(&d), "{tab:?}: help line cut: {d}");
        }
    }
    i18n::set_for_thread(None);
}

/// A conversation and a tag waiting in the queue: the Unresolved tab and
/// its detail say so in Spanish (the message count, the kind), and show
/// the conversation's text.
#[test]
fn threads_and_tags_on_the_unresolved_tab_in_spanish() {
    use navsync::store::unresolved::QueueRow;
    use navsync::ui::loader::Snapshot;
    i18n::set_for_thread(Some(Locale::Lang(Lang::Es)));
    let (mut app, _rx) = app_with(Theme::MONO, false);
    app.tab = Tab::Unresolved;
    let row = |id: i64, kind: &str, messages: Option<i64>, queued: &str| QueueRow {
        activity_id: id,
        member_name: "Lucía Fernández Soto".into(),
        member_company: Some("Fabrikam S.A.".into()),
        kind: kind.parse().unwrap(),
        seat_holder: "Ana Pérez".into(),
        queued_at: queued.parse().unwrap(),
        dismissed: false,
        occurred_at: "2026-11-22T08:55:00Z".parse().unwrap(),
        reason: navsync::store::reason::Reason::NoContactAt {
            account: Some("Fabrikam S.A.".into()),
        },
        messages,
        top_candidate: None,
        state: navsync::store::activities::ActivityState::WrittenOpen,
        last_error: None,
    };
    app.on_snapshot(Snapshot::Queue(vec![
        row(101, "message", Some(5), "2026-11-22T09:00:00Z"),
        row(102, "tag", None, "2026-11-23T09:00:00Z"),
    ]));
    let mut detail = crate::fixture::detail_101();
    detail.activity.messages = Some(5);
    detail.activity.version = 2;
    detail.activity.new.subject = "Conversación con Lucía Fernández Soto".into();
    detail.activity.new.body = "Lucía Fernández Soto (Head of Procurement, Fabrikam S.A.)\n\n… 3 mensajes anteriores\n\nAna Pérez · 2026-11-21 16:10 UTC\n¿Hablamos el lunes?\n\nLucía Fernández Soto · 2026-11-22 08:55 UTC\nPerfecto, el lunes a las 10.".into();
    app.on_snapshot(Snapshot::Detail(Box::new(detail)));
    let s = screen(&mut app, 120, 40);
    insta::assert_snapshot!("es_unresolved_thread_and_tag_120x40", s);
    for text in [
        "5 msjs",
        "conversación, 5 mensajes: Conversación con",
        "… 3 mensajes anteriores",
        "Perfecto, el lunes a las 10.",
    ] {
        assert!(s.contains(text), "{text} in {s}");
    }
    // The tag: its kind whole in the detail.
    app.handle_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Down,
    ));
    let mut tag = crate::fixture::detail_101();
    tag.activity.id = 102;
    tag.activity.new.kind = navsync::config::ActivityKind::Tag;
    tag.activity.new.tag = Some("Decision maker".into());
    tag.activity.new.subject = "Tag: Decision maker".into();
    app.on_snapshot(Snapshot::Detail(Box::new(tag)));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("etiqueta: Tag: Decision maker"), "{s}");
    i18n::set_for_thread(None);
}
