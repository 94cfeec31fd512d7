//! `navsync` with no subcommand: the console over the data dir's engine,
//! the service's when one runs, else one started here that others can
//! attach to while the console is open.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::exit::ExitStatus;
use crate::ui::{ConsoleOptions, EngineLink, keymap, run_console};

/// Runs the console until the user quits.
pub fn run(config: Config, data_dir: &Path) -> ExitStatus {
    // `[keys]` is checked first: a clash is a config error, with or
    // without a terminal.
    let keys = match keymap::from_config(&config) {
        Ok(k) => Arc::new(k),
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Usage;
        }
    };
    if !std::io::stdout().is_terminal() {
        // Printed instead of drawing.
        eprintln!("navsync: {}", crate::t!("console-not-a-tty"));
        return ExitStatus::Usage;
    }
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    let store_path = crate::paths::store_file(data_dir);
    let config = Arc::new(config);
    runtime.block_on(async {
        let face = match super::engine_for(
            (*config).clone(),
            data_dir,
            true,
            crate::service::client::Reconnect::UntilDetached,
        )
        .await
        {
            Ok(f) => f,
            Err(status) => return status,
        };
        let opts = ConsoleOptions {
            keys,
            engine: if face.attached() {
                EngineLink::Attached { pid: face.pid }
            } else {
                EngineLink::Own
            },
            ..ConsoleOptions::default()
        };
        let mut stopped = face.handle.events.resubscribe();
        let status = run_console(face.handle, &store_path, config, opts).await;
        if face.hosting.is_some() {
            // Our own engine: let it record the end of a run in flight
            // before the lock and the socket go.
            while !matches!(
                stopped.recv().await,
                Err(tokio::sync::broadcast::error::RecvError::Closed)
            ) {}
        }
        drop(face.hosting);
        status
    })
}
