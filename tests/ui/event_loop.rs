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

#[test]
fn loop_handles_keys_loads_data_and_redraws_only_on_change() {
    let env = crate::loader::env();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // An engine that never reads its command channel.
        let (cmd_tx, mut cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, ev_rx) = broadcast::channel(16);
        let (_st_tx, st_rx) = watch::channel(Status::default());
        let handle = EngineHandle {
            commands: cmd_tx.clone(),
            events: ev_rx,
            status: st_rx,
        };
        let (loads, snapshots) = loader::spawn(env.path.clone(), Arc::new(Config::default()));
        let (key_tx, key_rx) = futures::channel::mpsc::unbounded();
        let mut app = App::new(
            cmd_tx,
            Theme::MONO,
            Clock::Fixed(t(NOW)),
            ConsoleOptions::default(),
        );
        let (backend, mut drawn) = Watched::new(80, 24);
        let mut term = Terminal::new(backend).unwrap();
        let driver = async {
            key_tx.unbounded_send(key('2')).unwrap();
            key_tx.unbounded_send(key('s')).unwrap();
            key_tx.unbounded_send(key('3')).unwrap();
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
            ev_tx.send(Event::DataChanged(View::Seats)).unwrap();
            let screen = frame_showing(&mut drawn, |s| s.contains("Bruno Díaz")).await;
            key_tx.unbounded_send(key('q')).unwrap();
            screen
        };
        // Only a guard against a hang: nothing here waits for time.
        let (exit, screen) = tokio::time::timeout(Duration::from_secs(60), async {
            tokio::join!(
                event_loop::run_on(&mut term, key_rx, &mut app, handle, loads, snapshots),
                driver
            )
        })
        .await
        .expect("the loop neither drew what it was given nor ended on q");
        assert_eq!(exit.unwrap(), Exit::Quit);
        assert_eq!(
            cmd_rx.recv().await,
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
