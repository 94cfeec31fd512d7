//! The Dataverse client against the emulator over real HTTP on 127.0.0.1.

#[path = "crm/auth.rs"]
mod auth;
#[path = "crm/bodies.rs"]
mod bodies;
#[path = "crm/cli.rs"]
mod cli;
#[path = "crm/connect.rs"]
mod connect;
#[path = "crm/device.rs"]
mod device;
#[path = "crm/faults.rs"]
mod faults;
#[path = "crm/fidelity.rs"]
mod fidelity;
#[path = "crm/fixture.rs"]
mod fixture;
#[path = "crm/metadata.rs"]
mod metadata;
#[path = "crm/ops.rs"]
mod ops;
#[path = "crm/read.rs"]
mod read;
mod support;
#[path = "crm/words.rs"]
mod words;
#[path = "crm/write.rs"]
mod write;
