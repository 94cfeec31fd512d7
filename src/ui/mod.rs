//! The full-screen console (`navsync` with no subcommand): ratatui over
//! crossterm on tokio. It reads its data from its own read-only store
//! connection and asks the engine for everything else with Commands.
//!
//! Flow: key -> keymap -> Action -> component state (+ Commands) -> render.

pub mod action;
pub mod app;
pub mod component;
pub mod event_loop;
pub mod format;
pub mod keymap;
pub mod loader;
pub mod os_user;
pub mod popups;
pub mod render;
pub mod table;
pub mod tabs;
pub mod terminal;
pub mod theme;

use std::path::Path;
use std::sync::Arc;

pub use app::{App, Clock, ConsoleOptions, EngineLink};

use crate::config::Config;
use crate::engine::{Command, EngineHandle};
use crate::exit::ExitStatus;

/// The console over an engine that is already running (started by
/// `commands::console` or by `navsync demo`, or attached to). Sends
/// `Command::Shutdown` when it ends, which stops an engine of its own and
/// only detaches from a service.
pub(crate) async fn run_console(
    handle: EngineHandle,
    store_path: &Path,
    config: Arc<Config>,
    opts: ConsoleOptions,
) -> ExitStatus {
    let commands = handle.commands.clone();
    let (loads, snapshots) = loader::spawn(store_path.to_path_buf(), config);
    let mut app = App::new(
        commands.clone(),
        theme::Theme::from_env(),
        Clock::System,
        opts,
    );
    let mut term = match terminal::init(app.options.mouse) {
        Ok(t) => t,
        Err(e) => {
            terminal::restore();
            eprintln!(
                "navsync: {}",
                crate::t!("console-no-terminal", error = e.to_string())
            );
            return ExitStatus::Failure;
        }
    };
    let result = event_loop::run(&mut term, &mut app, handle, loads, snapshots).await;
    terminal::restore();
    let _ = commands.send(Command::Shutdown);
    match result {
        Ok(event_loop::Exit::Quit) => ExitStatus::Ok,
        Ok(event_loop::Exit::Signal) => {
            eprintln!("navsync: {}", crate::t!("console-signal"));
            ExitStatus::Failure
        }
        Ok(event_loop::Exit::EngineGone) => {
            eprintln!("navsync: {}", crate::t!("console-engine-gone"));
            ExitStatus::Failure
        }
        Err(e) => {
            eprintln!(
                "navsync: {}",
                crate::t!("console-terminal-error", error = e.to_string())
            );
            ExitStatus::Failure
        }
    }
}
