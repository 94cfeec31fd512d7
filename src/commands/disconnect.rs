//! `navsync disconnect [--purge]`: stop syncing and forget the cached
//! tokens; with `--purge` ("Yes, clean up all previously imported CRM
//! data") also remove every row imported from the CRM, in one transaction.

use std::path::Path;

use crate::cli::ExitStatus;
use crate::engine::connection;
use crate::store::Store;

pub fn run(purge: bool, data_dir: &Path) -> ExitStatus {
    let mut store = match Store::open(&crate::paths::store_file(data_dir)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    let known = match connection::status(&store) {
        Ok(s) => s.state != "never_connected",
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    if !known && !purge {
        println!("Not connected to Microsoft Dynamics; nothing to disconnect.");
        return ExitStatus::NotConnected;
    }
    let counts = match connection::disconnect(&mut store, purge) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    if let Err(e) = crate::crm::forget_tokens(&crate::paths::token_cache_file(data_dir)) {
        eprintln!("navsync: {e}");
    }
    println!("Disconnected from Microsoft Dynamics: syncing stopped, sign-in tokens removed.");
    if let Some(c) = counts {
        println!(
            "Removed imported CRM data: {} users, {} accounts, {} contacts, {} opportunities; {} saved accounts and {} saved leads brought in by the sync. Seats, activities and your own saves are kept.",
            c.systemusers, c.accounts, c.contacts, c.opportunities, c.saved_accounts, c.saved_leads
        );
    }
    ExitStatus::Ok
}
