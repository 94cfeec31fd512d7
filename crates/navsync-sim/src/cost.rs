//! What a request costs the server, so the emulator's clock behaves like a
//! tenant's: a fixed time per request, time per row a read returns, and
//! time per write, charged per operation inside a `$batch` or a
//! `CreateMultiple` as Dataverse charges it ("each operation still costs
//! server time"). The time is spent (slept) while the request holds one of
//! the user's concurrent-request places and is counted against the
//! execution-time budget, so the service-protection limits
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/api-limits>:
//! 6,000 requests and 1,200 s of execution time per user in a sliding
//! 5 minutes, 52 concurrent requests) are reached as a real client would
//! reach them. Every answer carries `x-ms-dop-hint`, the degree of
//! parallelism the server recommends
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/send-parallel-requests>).
//!
//! The per-request, per-row and per-write figures of
//! [`CostModel::realistic`] are estimates of an online tenant under
//! ordinary load (a GET answered in tens of milliseconds, a simple create
//! in a few), not numbers Microsoft publishes; the limits and the header
//! are Microsoft's. [`CostModel::instant`] charges nothing, for tests.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Internal marker headers the handlers set to say how much work an answer
/// was; the server strips them before the answer leaves.
pub const ROWS_HEADER: &str = "x-sim-rows";
pub const WRITES_HEADER: &str = "x-sim-writes";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostModel {
    /// Server time of any Web API request.
    #[serde(with = "millis", rename = "per_request_ms")]
    pub per_request: Duration,
    /// Server time per row a read returns.
    #[serde(with = "micros", rename = "per_row_us")]
    pub per_row: Duration,
    /// Server time per write operation (one create, update or delete).
    #[serde(with = "millis", rename = "per_write_ms")]
    pub per_write: Duration,
    /// `x-ms-dop-hint` on every answer.
    pub dop_hint: u32,
}

impl CostModel {
    /// No server time at all: the emulator answers as fast as it can.
    pub fn instant() -> Self {
        Self {
            per_request: Duration::ZERO,
            per_row: Duration::ZERO,
            per_write: Duration::ZERO,
            dop_hint: 8,
        }
    }

    /// An online tenant under ordinary load (see the module doc).
    pub fn realistic() -> Self {
        Self {
            per_request: Duration::from_millis(30),
            per_row: Duration::from_micros(20),
            per_write: Duration::from_millis(5),
            dop_hint: 8,
        }
    }

    /// The server time of an answer that returned `rows` rows and ran
    /// `writes` writes.
    pub fn charge(&self, rows: u64, writes: u64) -> Duration {
        self.per_request
            + self
                .per_row
                .saturating_mul(rows.min(u32::MAX as u64) as u32)
            + self
                .per_write
                .saturating_mul(writes.min(u32::MAX as u64) as u32)
    }
}

impl Default for CostModel {
    fn default() -> Self {
        Self::instant()
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

mod micros {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_micros() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_micros)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_costs_per_operation() {
        let c = CostModel::realistic();
        assert_eq!(c.charge(0, 0), Duration::from_millis(30));
        assert_eq!(c.charge(0, 1000), Duration::from_millis(30 + 5000));
        assert_eq!(c.charge(5000, 0), Duration::from_millis(30 + 100));
        assert_eq!(CostModel::instant().charge(5000, 1000), Duration::ZERO);
    }
}
