//! The Dataverse client against the emulator over real HTTP on 127.0.0.1.

#[path = "crm/faults.rs"]
mod faults;
#[path = "crm/fixture.rs"]
mod fixture;
#[path = "crm/read.rs"]
mod read;
#[path = "crm/write.rs"]
mod write;
