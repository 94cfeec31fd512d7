//! What a user asks of the workspace, each as plain functions over the
//! store (through the writer) and, where needed, a CRM port: connecting,
//! seats, activity import, matching, the unresolved queue, settings, and
//! exactly-once writeback.

pub mod connection;
pub mod conversation;
pub mod import;
pub mod import_records;
pub mod matching;
pub mod resolve;
pub mod seats;
pub mod settings;
pub mod writeback;
