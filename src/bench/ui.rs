//! `navsync bench ui`: frame times of the Unresolved and Seats tabs with
//! 100k rows at 200x50 while scrolling, against a 100-row table drawn the
//! same way in the same run; and the cost of a filter keystroke there.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use crate::exit::ExitStatus;
use crate::store::activities::ActivityState;
use crate::store::reason::Reason;
use crate::store::seats::{Edition, Licence, Seat};
use crate::store::unresolved::QueueRow;
use crate::ui::action::{Action, Tab};
use crate::ui::app::{App, Clock, ConsoleOptions};
use crate::ui::component::Effects;
use crate::ui::loader::{SeatsData, Snapshot};
use crate::ui::theme::Theme;

const FRAMES: usize = 600;

/// A queue of `n` rows that look like real ones.
pub fn queue_rows(n: usize) -> Vec<QueueRow> {
    (0..n)
        .map(|i| QueueRow {
            activity_id: i as i64 + 1,
            member_name: format!("Member {i:06} Example"),
            member_company: Some(format!("Company {} S.L.", i % 997)),
            kind: [
                crate::vocab::ActivityKind::Inmail,
                crate::vocab::ActivityKind::Message,
                crate::vocab::ActivityKind::Note,
            ][i % 3],
            seat_holder: format!("Seat holder {}", i % 50),
            queued_at: "2026-11-20T10:00:00Z".parse().expect("a time"),
            dismissed: i % 17 == 0,
            occurred_at: "2026-11-19T16:30:00Z".parse().expect("a time"),
            reason: Reason::NoContactAt {
                account: Some(format!("Company {} S.L.", i % 997)),
            },
            messages: None,
            top_candidate: None,
            state: ActivityState::WrittenOpen,
            last_error: None,
        })
        .collect()
}

pub fn seats(n: usize) -> Vec<Seat> {
    (0..n)
        .map(|i| Seat {
            id: i as i64 + 1,
            member_id: format!("m{i}"),
            name: format!("Seat {i:06} Holder"),
            email: Some(format!("seat{i}@example.com")),
            licence: if i % 10 == 0 {
                Licence::Admin
            } else {
                Licence::Member
            },
            edition: if i % 3 == 0 {
                Edition::Enterprise
            } else {
                Edition::Team
            },
            crm_user_id: (i % 4 != 0).then(|| format!("u{i}")),
            sync_enabled: i % 2 == 0,
        })
        .collect()
}

/// A console with no data yet, its clock fixed.
pub(super) fn empty_app() -> App {
    let (tx, _rx) = mpsc::unbounded_channel();
    let fixed = chrono::DateTime::parse_from_rfc3339("2026-11-25T07:00:00Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    App::new(
        tx,
        Theme::COLOUR,
        Clock::Fixed(fixed),
        ConsoleOptions::default(),
    )
}

fn app_with(rows: usize) -> App {
    let mut app = empty_app();
    app.on_snapshot(Snapshot::Queue(queue_rows(rows)));
    app.on_snapshot(Snapshot::Seats(SeatsData {
        seats: seats(rows),
        users: Vec::new(),
        auto_sync_all: false,
        waiting: Default::default(),
    }));
    app
}

/// Median and p99 frame time of `FRAMES` frames on `tab`, one PageDown
/// (every 10th frame) or Down between frames.
fn measure(rows: usize, tab: Tab) -> (Duration, Duration) {
    let Ok(times) = frames(&mut app_with(rows), tab, |_| Ok::<(), Infallible>(()));
    times
}

/// [`measure`] on any console, its data loaded.
/// `between` runs after each frame, untimed: what the console's reader
/// thread does meanwhile (a bench of a tab that asks it for windows
/// answers them there).
pub(super) fn frames<E>(
    app: &mut App,
    tab: Tab,
    mut between: impl FnMut(&mut App) -> Result<(), E>,
) -> Result<(Duration, Duration), E> {
    app.tab = tab;
    // TestBackend cannot fail: its error type is uninhabited.
    let Ok(mut term) = Terminal::new(TestBackend::new(200, 50));
    let mut times = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        let action = if i % 10 == 0 {
            Action::PageDown
        } else {
            Action::Down
        };
        let mut fx = Effects::default();
        app.update(action, &mut fx);
        let start = Instant::now();
        let Ok(_) = term.draw(|f| crate::ui::render::draw(f, app));
        times.push(start.elapsed());
        between(app)?;
    }
    times.sort();
    Ok((times[FRAMES / 2], times[FRAMES * 99 / 100]))
}

/// Median and worst time of a filter keystroke (refilter + frame) on the
/// 100k-row queue, typing "member 09999".
fn filter_keystrokes(rows: usize) -> (Duration, Duration) {
    keystrokes(&mut app_with(rows), Tab::Unresolved, 'f', "member 09999")
}

/// [`filter_keystrokes`] on any console's `tab`, typing `text` after
/// `open`, the tab's filter key.
fn keystrokes(app: &mut App, tab: Tab, open: char, text: &str) -> (Duration, Duration) {
    app.tab = tab;
    let Ok(mut term) = Terminal::new(TestBackend::new(200, 50));
    app.handle_key(KeyEvent::new(KeyCode::Char(open), KeyModifiers::NONE));
    let mut times: Vec<Duration> = text
        .chars()
        .map(|c| {
            let start = Instant::now();
            app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            let Ok(_) = term.draw(|f| crate::ui::render::draw(f, app));
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

pub fn run() -> ExitStatus {
    println!("navsync bench ui: {FRAMES} frames at 200x50 while scrolling (TestBackend)");
    for tab in [Tab::Unresolved, Tab::Seats] {
        let (base_med, _) = measure(100, tab);
        let (med, p99) = measure(100_000, tab);
        println!(
            "  {:<10} 100k rows: median {:>7.3} ms  p99 {:>7.3} ms | 100 rows: median {:>7.3} ms | ratio {:.2}x",
            tab.title(),
            med.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            base_med.as_secs_f64() * 1e3,
            med.as_secs_f64() / base_med.as_secs_f64().max(1e-9)
        );
    }
    let (med, max) = filter_keystrokes(100_000);
    let (base, _) = filter_keystrokes(100);
    println!(
        "  filter keystroke on the 100k queue: median {:.3} ms, worst {:.3} ms | 100 rows: median {:.3} ms | ratio {:.2}x",
        med.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        base.as_secs_f64() * 1e3,
        med.as_secs_f64() / base.as_secs_f64().max(1e-9)
    );
    ExitStatus::Ok
}
