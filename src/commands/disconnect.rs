//! `navsync disconnect [--purge]`: asks the data dir's engine to stop
//! syncing and forget the cached tokens; with `--purge` ("Yes, clean up
//! all previously imported CRM data") also to remove every row imported
//! from the CRM, in one transaction. The console's disconnect is the same
//! engine command.

use std::path::Path;

use crate::config::Config;
use crate::engine::Command;
use crate::exit::ExitStatus;

pub fn run(config: Config, purge: bool, data_dir: &Path) -> ExitStatus {
    super::with_engine(config, data_dir, async move |h, _| {
        // Never connected: the engine knows no instance.
        if !purge && h.status.borrow().instance_url.is_none() {
            println!("{}", crate::t!("cli-nothing-to-disconnect"));
            return ExitStatus::NotConnected;
        }
        super::ask(h, Command::Disconnect { purge }, ExitStatus::Failure).await
    })
}
