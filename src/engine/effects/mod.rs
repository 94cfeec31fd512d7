//! How the engine acts on the world, below everything that decides: the
//! single store writer and the emitter that publishes events and status.
//! Use cases, runs and the command loop all hand their effects to these,
//! so they sit lower than any of them and import none of them.

pub(crate) mod emit;
pub mod writer;
