//! The sync engine on real SQLite files: the selection and reconciliation
//! rule, settings, the command loop, dry-run snapshots.

#[path = "engine/attach.rs"]
mod attach;
#[path = "engine/console_state.rs"]
mod console_state;
#[path = "engine/demo.rs"]
mod demo;
#[path = "engine/faults.rs"]
mod faults;
#[path = "engine/fixtures.rs"]
mod fixtures;
#[path = "engine/headless.rs"]
mod headless;
#[path = "engine/pull.rs"]
mod pull;
#[path = "engine/reconcile.rs"]
mod reconcile;
#[path = "engine/service.rs"]
mod service;
#[path = "engine/split.rs"]
mod split;
mod support;
