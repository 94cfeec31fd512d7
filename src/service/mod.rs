//! `navsync serve` and attaching to it: the engine published on a Unix
//! socket in the data dir, so a systemd service, any number of consoles
//! and every headless command share one engine instead of fighting over
//! the data dir.
//!
//! Whoever runs the engine on the real store (the service, or a console or
//! command that found none) holds the data-dir lock and listens on the
//! socket; everyone else attaches and gets the same [`EngineHandle`]
//! (Commands in, Events and Status out) an in-process engine gives.
//!
//! [`EngineHandle`]: crate::engine::EngineHandle

pub mod client;
pub mod host;
pub mod metrics;
pub mod metrics_listener;
pub mod peer;
pub mod protocol;
pub mod server;

use std::path::{Path, PathBuf};

/// The engine's socket inside a data dir.
pub fn socket_file(data_dir: &Path) -> PathBuf {
    data_dir.join("navsync.sock")
}
