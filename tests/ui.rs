//! The console on ratatui's TestBackend and driven by scripted keys, from
//! fixed in-memory state and a fixed clock (no terminal, no engine).

#[path = "ui/budget.rs"]
mod budget;
#[path = "ui/cli.rs"]
mod cli;
#[path = "ui/defects.rs"]
mod defects;
#[path = "ui/engine_state.rs"]
mod engine_state;
#[path = "ui/event_loop.rs"]
mod event_loop;
#[path = "ui/fixture.rs"]
mod fixture;
#[path = "ui/i18n.rs"]
mod i18n;
#[path = "ui/keys.rs"]
mod keys;
#[path = "ui/loader.rs"]
mod loader;
#[path = "ui/operator.rs"]
mod operator;
#[path = "ui/screens.rs"]
mod screens;
mod support;
