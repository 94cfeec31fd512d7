//! `navsync activities import FILE`: the import for scripts. Exit 0 when
//! some line was good, 2 when the file is unusable (unreadable, bad CSV
//! header, or no good line), 1 when the store failed.

use std::path::Path;

use crate::cli::{ActivitiesCommand, ExitStatus};
use crate::engine::import::{self, ImportError};
use crate::store::Store;

pub fn run(cmd: ActivitiesCommand, data_dir: &Path) -> ExitStatus {
    match cmd {
        ActivitiesCommand::Import { file } => import_one(&file, data_dir),
    }
}

fn import_one(file: &Path, data_dir: &Path) -> ExitStatus {
    let mut store = match Store::open(&crate::paths::store_file(data_dir)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    match import::import_file(&mut store, file) {
        Ok(report) => {
            for bad in &report.bad {
                eprintln!("{}:{bad}", file.display());
            }
            println!("{}", report.summary());
            if report.usable() {
                ExitStatus::Ok
            } else {
                eprintln!(
                    "navsync: {} has no usable line; fix the lines above (format in README, \"Activity files\")",
                    file.display()
                );
                ExitStatus::Usage
            }
        }
        Err(e @ (ImportError::Read { .. } | ImportError::Header { .. })) => {
            eprintln!("navsync: {e}");
            ExitStatus::Usage
        }
        Err(e @ ImportError::Store(_)) => {
            eprintln!("navsync: {e}");
            ExitStatus::Failure
        }
    }
}
