//! navsync: keeps a sales-prospecting workspace in two-way sync with
//! Microsoft Dynamics 365 online, with a terminal console to run it.
//!
//! Layers, each calling only those below it: `ui` -> `engine` -> `crm` ->
//! `store`, with `config` and `paths` beside them. `sim` is a Dataverse +
//! Entra ID emulator that shares no code with `crm`.

pub mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub mod crm;
pub mod engine;
pub mod exit;
pub mod lock;
pub mod logging;
pub mod paths;
pub mod runtime;
pub mod service;
pub mod sim;
pub mod store;
pub mod ui;
