//! Headless subcommands, one module each; `cli` parses and dispatches here.

pub mod activities;
pub mod connect;
pub mod demo;
pub mod disconnect;
pub mod init;
pub mod seats;
pub mod sim;
pub mod status;
pub mod sync;
