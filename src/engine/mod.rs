//! The sync engine: the only writer to the store. The console and the
//! headless commands talk to it only through [`Command`]s in and
//! [`Event`]s plus a [`Status`] snapshot out.

pub mod command;
pub mod event;

pub use command::Command;
pub use event::{ErrorClass, Event, Phase, Status, UserError, View};
