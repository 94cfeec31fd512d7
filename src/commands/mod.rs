//! Headless subcommands, one module each; `cli` parses and dispatches here.

pub mod activities;
pub mod demo;
pub mod seats;
pub mod sync;
