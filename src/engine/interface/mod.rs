//! What the engine's faces (the console, the headless commands, the
//! service socket) see of it: commands in, events and the status snapshot
//! out, and the errors both sides name.

pub mod answer;
pub mod command;
pub mod error;
pub mod event;
pub mod handle;
pub mod health;
pub mod note;
pub mod summary;
pub mod user_error;
