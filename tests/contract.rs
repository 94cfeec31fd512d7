//! Contract tests: Microsoft's documented answers, transcribed into
//! `tests/contract/fixtures/` (each with the Learn page it comes from),
//! held against both sides. The client must understand each one when a
//! replay server on 127.0.0.1 sends it; the emulator must answer the same
//! request with the same shape. See `tests/contract/README.md`.

#[path = "contract/harness.rs"]
mod harness;
// The emulator's own test tenant and token helpers; this binary uses only
// part of them.
#[allow(dead_code)]
#[path = "sim/fixture.rs"]
mod sim_fixture;

#[path = "contract/batch.rs"]
mod batch;
#[path = "contract/entra.rs"]
mod entra;
#[path = "contract/errors.rs"]
mod errors;
#[path = "contract/ops.rs"]
mod ops;
#[path = "contract/reads.rs"]
mod reads;
