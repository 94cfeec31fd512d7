//! The real event loop on a TestBackend, with scripted terminal events, a
//! real reader on a real store, and an engine that never reads its
//! commands: keys are still handled, data arrives, frames are drawn only
//! after something happened, and `q` ends it. The test waits for the
//! frames it needs (the backend reports each one), never for time.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use navsync::config::Config;
use navsync::engine::{Command, EngineHandle, Event, Status, View};
use navsync::store::seats::{self, Edition, Licence, NewSeat};
use navsync::ui::event_loop::{self, Exit};
use navsync::ui::theme::Theme;
use navsync::ui::{App, Clock, ConsoleOptions, loader};
use ratatui::Terminal;
use tokio::sync::{broadcast, mpsc, watch};

use crate::fixture::{NOW, t};
use crate::support::screen::{Watched, frame_showing};

fn key(c: char) -> std::io::Result<TermEvent> {
    Ok(TermEvent::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

type Keys = futures::channel::mpsc::UnboundedSender<std::io::Result<TermEvent>>;

/// The real loop on the store at `path`, 80x24, with an engine that never
/// reads its commands, and what a test drives it with.
struct Harness {
    keys: Keys,
    drawn: watch::Receiver<String>,
    events: broadcast::Sender<Event>,
    commands: mpsc::UnboundedReceiver<Command>,
    app: App,
    console: Console,
}

/// The loop's own parts, until it runs.
struct Console {
    term: Terminal<Watched>,
    keys: futures::channel::mpsc::UnboundedReceiver<std::io::Result<TermEvent>>,
    engine: EngineHandle,
    loads: mpsc::UnboundedSender<loader::Load>,
    snapshots: mpsc::UnboundedReceiver<loader::Snapshot>,
    /// Keeps the engine's status open: the loop ends when it closes.
    _status: watch::Sender<Status>,
}

impl Console {
    /// Runs the loop beside `driver` (which ends it with `q`), with a
    /// guard against a hang only: nothing here waits for time.
    async fn run_beside<T>(self, app: &mut App, driver: impl std::future::Future<Output = T>) -> T {
        let Self {
            mut term,
            keys,
            engine,
            loads,
            snapshots,
            _status,
        } = self;
        let looped = event_loop::run_on(&mut term, keys, app, engine, loads, snapshots);
        let (exit, out) = tokio::time::timeout(Duration::from_secs(60), async {
            tokio::join!(looped, driver)
        })
        .await
        .expect("the loop neither drew what it was given nor ended on q");
        assert_eq!(exit.unwrap(), Exit::Quit);
        out
    }
}

fn harness(path: &std::path::Path) -> Harness {
    let (cmd_tx, commands) = mpsc::unbounded_channel();
    let (events, ev_rx) = broadcast::channel(16);
    let (status, st_rx) = watch::channel(Status::default());
    let engine = EngineHandle {
        commands: cmd_tx.clone(),
        events: ev_rx,
        status: st_rx,
    };
    let (loads, snapshots) = loader::spawn(path.to_path_buf(), Arc::new(Config::default()));
    let (keys, key_rx) = futures::channel::mpsc::unbounded();
    let app = App::new(
        cmd_tx,
        Theme::MONO,
        Clock::Fixed(t(NOW)),
        ConsoleOptions::default(),
    );
    let (backend, drawn) = Watched::new(80, 24);
    let console = Console {
        term: Terminal::new(backend).unwrap(),
        keys: key_rx,
        engine,
        loads,
        snapshots,
        _status: status,
    };
    Harness {
        keys,
        drawn,
        events,
        commands,
        app,
        console,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn loop_handles_keys_loads_data_and_redraws_only_on_change() {
    let env = crate::loader::env();
    runtime().block_on(async {
        let Harness {
            keys,
            mut drawn,
            events,
            mut commands,
            mut app,
            console,
        } = harness(&env.path);
        let driver = async {
            keys.unbounded_send(key('2')).unwrap();
            keys.unbounded_send(key('s')).unwrap();
            keys.unbounded_send(key('3')).unwrap();
            // The Seats tab, loaded from the store.
            frame_showing(&mut drawn, |s| s.contains("Ana Pérez")).await;
            // The engine adds a seat and says so.
            seats::upsert(
                env.store.conn(),
                &NewSeat {
                    member_id: "m2",
                    name: "Bruno Díaz",
                    email: None,
                    licence: Licence::Member,
                    edition: Edition::Team,
                    crm_user_id: None,
                    sync_enabled: false,
                },
            )
            .unwrap();
            events.send(Event::DataChanged(View::Seats)).unwrap();
            let screen = frame_showing(&mut drawn, |s| s.contains("Bruno Díaz")).await;
            keys.unbounded_send(key('q')).unwrap();
            screen
        };
        let screen = console.run_beside(&mut app, driver).await;
        assert_eq!(
            commands.recv().await,
            Some(Command::SyncNow { dry_run: false })
        );
        assert!(
            screen.contains("Bruno Díaz") && screen.contains("Ana Pérez"),
            "{screen}"
        );
        assert!(screen.contains("1 admin · 1 member"), "{screen}");
        // Frames come only from what happened: the first paint, the
        // store's snapshots, three keys and one reload. At rest nothing
        // animates, and the loop ticks only while something does.
        assert!(!app.animating(), "nothing animates at rest");
        assert!((2..=16).contains(&app.frames), "{} frames", app.frames);
    });
}

/// Above 20,000 lines the Saved tab holds only a window of them: a jump
/// to the last line draws it once the reader has sent the window there,
/// which the loop asks for after the frame that found it missing.
#[test]
fn the_saved_tab_of_many_lines_scrolls_to_its_end_through_windows() {
    let env = crate::loader::env();
    let c = env.store.conn();
    let seat = seats::list(c).unwrap()[0].id;
    c.execute_batch(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 24999)
         INSERT INTO crm_accounts (accountid, name) SELECT printf('acc-%05d', i), printf('Account %05d', i) FROM n;
         INSERT INTO saved_accounts (seat_id, accountid, manual, from_crm, saved_at)
             SELECT {seat}, accountid, 1, 0, '2026-11-25T07:00:00Z' FROM crm_accounts;"
    ))
    .unwrap();
    runtime().block_on(async {
        let Harness {
            keys,
            mut drawn,
            // Held: the loop ends when the engine's events close.
            events: _events,
            mut app,
            console,
            ..
        } = harness(&env.path);
        let driver = async {
            keys.unbounded_send(key('7')).unwrap();
            let first = frame_showing(&mut drawn, |s| s.contains("Account 00000")).await;
            keys.unbounded_send(key('G')).unwrap();
            let last = frame_showing(&mut drawn, |s| s.contains("Account 24999")).await;
            keys.unbounded_send(key('q')).unwrap();
            (first, last)
        };
        let (first, last) = console.run_beside(&mut app, driver).await;
        assert!(!first.contains("Account 24999"), "{first}");
        assert!(!last.contains("Account 00000"), "{last}");
        let (lines, _, held) = app.saved.held();
        assert!(lines > 25_000 && held < 1_000, "{held} of {lines} held");
    });
}
