//! The Dataverse + Entra ID emulator over real HTTP on 127.0.0.1.

#[path = "sim/fixture.rs"]
mod fixture;

#[path = "sim/auth.rs"]
mod auth;
#[path = "sim/batch.rs"]
mod batch;
#[path = "sim/cli.rs"]
mod cli;
#[path = "sim/device.rs"]
mod device;
#[path = "sim/faults.rs"]
mod faults;
#[path = "sim/metadata.rs"]
mod metadata;
#[path = "sim/perf.rs"]
mod perf;
#[path = "sim/read.rs"]
mod read;
#[path = "sim/tracking.rs"]
mod tracking;
#[path = "sim/write.rs"]
mod write;
