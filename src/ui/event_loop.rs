//! The console's one loop: keys, engine events, status changes and store
//! snapshots, plus a slow tick only while something animates. It redraws
//! only after something happened and never awaits disk or network: store
//! reads run on the reader thread, everything slow is a Command.

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind, MouseEventKind};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use super::app::App;
use super::loader::{Load, Snapshot};
use super::terminal::{self, Term};
use crate::engine::EngineHandle;

/// Spinner and countdown step, only while `App::animating`.
const TICK: Duration = Duration::from_millis(250);

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    Signal,
    EngineGone,
}

/// The loop on the real terminal.
pub async fn run(
    term: &mut Term,
    app: &mut App,
    engine: EngineHandle,
    loads: mpsc::UnboundedSender<Load>,
    snapshots: mpsc::UnboundedReceiver<Snapshot>,
) -> std::io::Result<Exit> {
    run_on(term, EventStream::new(), app, engine, loads, snapshots).await
}

/// Set (to anything) to make the console panic after its first frame.
pub const PANIC_HOOK_ENV: &str = "NAVSYNC_TEST_PANIC_AFTER_FIRST_DRAW";

/// The loop over any backend and input stream, so tests can drive it with
/// a TestBackend and scripted terminal events.
pub async fn run_on<B>(
    term: &mut Terminal<B>,
    mut keys: impl Stream<Item = std::io::Result<TermEvent>> + Unpin,
    app: &mut App,
    mut engine: EngineHandle,
    loads: mpsc::UnboundedSender<Load>,
    mut snapshots: mpsc::UnboundedReceiver<Snapshot>,
) -> std::io::Result<Exit>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    app.on_status(engine.status.borrow().clone());
    let mut dirty = true;
    loop {
        for load in app.pending_loads.drain(..) {
            let _ = loads.send(load);
        }
        if let Some(text) = app.clipboard.take() {
            terminal::copy_osc52(&text)?;
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        if dirty {
            term.draw(|f| super::render::draw(f, app))
                .map_err(std::io::Error::other)?;
            app.frames += 1;
            dirty = false;
            // A test hook: the pty test of terminal restoration needs a
            // real panic inside the running console (tests/reliability/terminal.rs).
            if app.frames == 1 && std::env::var_os(PANIC_HOOK_ENV).is_some() {
                panic!("{PANIC_HOOK_ENV} is set: panicking after the first frame");
            }
            // The frame may have scrolled the Saved tab near the end of
            // the lines it holds: ask for more before waiting.
            for load in app.saved.take_asks() {
                let _ = loads.send(load);
            }
        }
        let animating = app.animating();
        tokio::select! {
            key = keys.next() => match key {
                Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => {
                    app.handle_key(k);
                    dirty = true;
                }
                Some(Ok(TermEvent::Resize(..))) => dirty = true,
                Some(Ok(TermEvent::Mouse(m))) => match m.kind {
                    MouseEventKind::ScrollDown => { app.scroll(true); dirty = true; }
                    MouseEventKind::ScrollUp => { app.scroll(false); dirty = true; }
                    _ => {}
                },
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(Exit::Quit),
            },
            ev = engine.events.recv() => match ev {
                Ok(ev) => { app.on_event(ev); dirty = true; }
                Err(RecvError::Lagged(n)) => {
                    // Missed events may have announced data: reload all.
                    tracing::warn!(missed = n, "console fell behind the engine's events");
                    app.pending_loads.extend(super::loader::ALL_VIEWS);
                }
                Err(RecvError::Closed) => return Ok(Exit::EngineGone),
            },
            changed = engine.status.changed() => {
                if changed.is_err() {
                    return Ok(Exit::EngineGone);
                }
                let st = engine.status.borrow_and_update().clone();
                app.on_status(st);
                dirty = true;
            }
            Some(snap) = snapshots.recv() => { app.on_snapshot(snap); dirty = true; }
            _ = tick.tick(), if animating => { app.tick = app.tick.wrapping_add(1); dirty = true; }
            _ = sigterm.recv() => return Ok(Exit::Signal),
            _ = sighup.recv() => return Ok(Exit::Signal),
        }
    }
}
