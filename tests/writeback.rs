//! Workspace -> CRM: seats, writeback and the unresolved queue, on real
//! SQLite files (and the emulator over HTTP where the CRM is involved).

#[path = "writeback/e2e.rs"]
mod e2e;
#[path = "writeback/rules.rs"]
mod rules;
#[path = "writeback/seats.rs"]
mod seats;
mod support;
#[path = "writeback/threads.rs"]
mod threads;
#[path = "writeback/upgrade.rs"]
mod upgrade;
