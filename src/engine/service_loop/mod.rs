//! The engine while it runs: the command loop that owns the schedule and
//! the status, the emitter that publishes, the single store writer, and
//! the forwarding of the crm client's own reports.

pub(crate) mod client_events;
pub(crate) mod command_loop;
pub(crate) mod emit;
pub mod writer;
