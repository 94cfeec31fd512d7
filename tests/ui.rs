//! The console on ratatui's TestBackend and driven by scripted keys, from
//! fixed in-memory state and a fixed clock (no terminal, no engine).

#[path = "ui/fixture.rs"]
mod fixture;
#[path = "ui/keys.rs"]
mod keys;
#[path = "ui/screens.rs"]
mod screens;
