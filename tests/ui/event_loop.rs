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
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::{broadcast, mpsc, watch};

use crate::fixture::{NOW, t, text};

fn key(c: char) -> std::io::Result<TermEvent> {
    Ok(TermEvent::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

/// A TestBackend that sends the screen's text at the end of every frame.
struct Frames {
    inner: TestBackend,
    drawn: mpsc::UnboundedSender<String>,
}

impl Backend for Frames {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    /// The loop ends each frame here.
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()?;
        let _ = self.drawn.send(text(self.inner.buffer()));
        Ok(())
    }
}

/// Waits for a frame whose text passes `shows`, and returns it.
async fn frame_showing(
    drawn: &mut mpsc::UnboundedReceiver<String>,
    shows: impl Fn(&str) -> bool,
) -> String {
    loop {
        let screen = drawn.recv().await.expect("the loop stopped drawing");
        if shows(&screen) {
            return screen;
        }
    }
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
        let (drawn_tx, mut drawn) = mpsc::unbounded_channel();
        let mut term = Terminal::new(Frames {
            inner: TestBackend::new(80, 24),
            drawn: drawn_tx,
        })
        .unwrap();
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
