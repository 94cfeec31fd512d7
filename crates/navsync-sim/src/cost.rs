//! What a request costs the server, so the emulator's clock behaves like a
//! tenant's: a fixed time per request; for a read, time per row, per
//! column value and per kilobyte it returns; and time per write, charged
//! per operation inside a `$batch` or a `CreateMultiple` as Dataverse
//! charges it ("each operation still costs server time").
//!
//! Why columns and bytes, not rows alone: Microsoft's performance guidance
//! "Do not retrieve Entity all columns via query APIs" (category
//! Performance, impact potential High,
//! <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/best-practices/work-with-data/retrieve-specific-columns-entity-via-query-apis>)
//! names "the amount of data being retrieved" as the cost and asks
//! clients to "only select the minimum amount of data needed". A model
//! that charged a row the same whatever it selects would make a key-only
//! read (`$select` of the primary key) cost as much as a full one, which
//! is the opposite of that page. So a read answer costs
//! `per_request + rows × per_row + rows × columns × per_column +
//! KiB × per_kib`:
//! - `per_row` is what every row costs whatever is selected (finding it,
//!   the record-level security check);
//! - `per_column` is reading and formatting one value (the largest share:
//!   a typical navsync row selects 6 to 12 columns);
//! - `per_kib` is serialising and sending the answer.
//!
//! The time is spent (slept) while the request holds one of
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
/// Column values the answer returned (rows × selected columns).
pub const COLUMNS_HEADER: &str = "x-sim-columns";
pub const WRITES_HEADER: &str = "x-sim-writes";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostModel {
    /// Server time of any Web API request.
    #[serde(with = "millis", rename = "per_request_ms")]
    pub per_request: Duration,
    /// Server time per row a read returns, whatever it selects.
    #[serde(with = "micros", rename = "per_row_us")]
    pub per_row: Duration,
    /// Server time per column value a read returns.
    #[serde(with = "micros", rename = "per_column_us", default)]
    pub per_column: Duration,
    /// Server time per KiB of answer body sent.
    #[serde(with = "micros", rename = "per_kib_us", default)]
    pub per_kib: Duration,
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
            per_column: Duration::ZERO,
            per_kib: Duration::ZERO,
            per_write: Duration::ZERO,
            dop_hint: 8,
        }
    }

    /// An online tenant under ordinary load (see the module doc). A
    /// navsync contact row (8 columns, about 0.45 KiB with its lookup
    /// annotation) costs 4 + 16 + 1.8 ≈ 22 µs, a little more than the
    /// 20 µs the row-only model charged every row; a key-only row
    /// (1 column, about 0.08 KiB) about 6.3 µs.
    pub fn realistic() -> Self {
        Self {
            per_request: Duration::from_millis(30),
            per_row: Duration::from_micros(4),
            per_column: Duration::from_micros(2),
            per_kib: Duration::from_micros(4),
            per_write: Duration::from_millis(5),
            dop_hint: 8,
        }
    }

    /// The server time of an answer that returned `work.rows` rows with
    /// `work.columns` values in `work.bytes` bytes, and ran `work.writes`
    /// writes.
    pub fn charge(&self, work: Work) -> Duration {
        let times = |unit: Duration, n: u64| unit.saturating_mul(n.min(u64::from(u32::MAX)) as u32);
        self.per_request
            + times(self.per_row, work.rows)
            + times(self.per_column, work.columns)
            + times(self.per_kib, work.bytes / 1024)
            + times(self.per_write, work.writes)
    }
}

/// How much an answer returned and did, as the handlers report it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    pub rows: u64,
    pub columns: u64,
    pub bytes: u64,
    pub writes: u64,
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

    fn writes(writes: u64) -> Work {
        Work {
            writes,
            ..Work::default()
        }
    }

    #[test]
    fn a_batch_costs_per_operation() {
        let c = CostModel::realistic();
        assert_eq!(c.charge(Work::default()), Duration::from_millis(30));
        assert_eq!(c.charge(writes(1000)), Duration::from_millis(30 + 5000));
        assert_eq!(CostModel::instant().charge(writes(1000)), Duration::ZERO);
    }

    /// The guidance the model follows: selecting less costs less.
    #[test]
    fn a_key_only_page_costs_less_than_a_third_of_a_full_one() {
        let c = CostModel::realistic();
        let page = |columns: u64, bytes_per_row: u64| {
            c.charge(Work {
                rows: 5000,
                columns: 5000 * columns,
                bytes: 5000 * bytes_per_row,
                writes: 0,
            }) - c.per_request
        };
        let (full, key) = (page(8, 460), page(1, 80));
        assert_eq!(full, Duration::from_micros(5000 * 4 + 5000 * 16 + 2246 * 4));
        assert!(key * 3 < full, "key-only {key:?} vs full {full:?}");
    }

    /// A model posted to `/_sim/cost` without the column terms (written
    /// for the row-only model) still loads, charging no column time.
    #[test]
    fn a_row_only_model_still_parses() {
        let c: CostModel = serde_json::from_str(
            r#"{"per_request_ms":30,"per_row_us":20,"per_write_ms":5,"dop_hint":8}"#,
        )
        .unwrap();
        assert_eq!(c.per_column, Duration::ZERO);
        assert_eq!(c.per_row, Duration::from_micros(20));
    }
}
