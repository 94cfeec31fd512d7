//! navsync: keeps a sales-prospecting workspace in two-way sync with
//! Microsoft Dynamics 365 online, with a terminal console to run it.
//!
//! Layers, each calling only those below it: `ui` and the headless
//! `commands` talk to the `engine` (in process, or through `service`'s
//! socket when one runs); the engine alone uses `crm` (the Dataverse
//! client) and `store` (SQLite), which know nothing of each other; `config`,
//! `paths`, `exit` and `memory` sit beside them. `sim` is the Dataverse + Entra ID
//! emulator, a crate of its own (`crates/navsync-sim`) that depends on
//! nothing of navsync's, so it can share no code with `crm`; `bench`
//! drives all of them from outside.

// One audited exception: `memory` asks glibc to give freed pages back.
#![deny(unsafe_code)]

pub mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub mod crm;
pub mod describe;
pub mod engine;
pub mod escape;
pub mod exit;
pub mod i18n;
pub mod lock;
pub mod logging;
pub mod memory;
pub mod paths;
pub mod runtime;
pub mod service;
/// The emulator, a crate of its own (`crates/navsync-sim`).
pub use navsync_sim as sim;
pub mod store;
pub mod ui;
pub mod vocab;
