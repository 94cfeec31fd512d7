//! Headless subcommands, one module each; `cli` parses and dispatches here.
pub mod sync;
