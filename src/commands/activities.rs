//! `navsync activities import FILE`: the import for scripts, done by the
//! data dir's engine. Each bad line on stderr, the summary on stdout; exit
//! 0 when some line was good, 2 when the file is unusable (unreadable, bad
//! CSV header, or no good line).

use std::path::Path;

use crate::cli::{ActivitiesCommand, ExitStatus};
use crate::config::Config;
use crate::engine::Command;

pub fn run(cmd: ActivitiesCommand, config: Config, data_dir: &Path) -> ExitStatus {
    match cmd {
        ActivitiesCommand::Import { file } => {
            // The engine (maybe a service) has another working directory.
            let path = std::path::absolute(&file).unwrap_or(file);
            super::with_engine(config, data_dir, async move |h, _| {
                let command = Command::ImportActivities { path: path.clone() };
                let exit = super::ask(h, command, ExitStatus::Usage).await;
                if exit == ExitStatus::Usage {
                    eprintln!("navsync: {}", crate::t!("cli-nothing-imported"));
                }
                exit
            })
        }
    }
}
