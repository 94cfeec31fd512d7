//! The engine while it runs: the command loop that owns the schedule and
//! the status, and the forwarding of the crm client's own reports.

pub(crate) mod client_events;
pub(crate) mod command_loop;
