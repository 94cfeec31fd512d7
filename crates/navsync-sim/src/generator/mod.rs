//! The deterministic tenant generator: one seed gives a byte-identical
//! tenant (organisation, identity, CRM rows, workspace seats) and, with
//! [`ActivityStream`], an endless identical stream of workspace activities.
//!
//! Everything is drawn from one ChaCha8 stream in a fixed order, GUIDs
//! included, and no output is ever produced by iterating a hash map, so
//! the result does not depend on the process or the platform.

mod accounts;
mod activity;
mod contacts;
mod names;
mod opportunities;
mod people;
mod text;

pub use activity::{ActivityStream, LabelledActivity, Truth, Variation};

use chrono::{DateTime, SecondsFormat};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::tenant::{Row, Scale, SeatSeed, Tenant};

/// The "now" of every generated tenant (2025-10-01T00:00:00Z): fixed, so
/// the same seed gives the same timestamps whatever day it runs.
pub(super) const NOW: i64 = 1_759_276_800;
pub(super) const DAY: i64 = 86_400;

/// How many rows of each kind a scale asks for.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// Enabled interactive users who own CRM rows (the admin excluded).
    sellers: usize,
    disabled: usize,
    accounts: usize,
    contacts: usize,
    opportunities: usize,
}

impl Sizes {
    fn of(scale: Scale) -> Self {
        match scale {
            Scale::Tiny => Self {
                sellers: 5,
                disabled: 1,
                accounts: 10,
                contacts: 30,
                opportunities: 15,
            },
            Scale::Demo => Self {
                sellers: 50,
                disabled: 3,
                accounts: 500,
                contacts: 2_000,
                opportunities: 800,
            },
            Scale::Large => Self {
                sellers: 2_000,
                disabled: 40,
                accounts: 20_000,
                contacts: 100_000,
                opportunities: 50_000,
            },
            Scale::Xl => Self {
                sellers: 20_000,
                disabled: 400,
                accounts: 200_000,
                contacts: 1_000_000,
                opportunities: 500_000,
            },
        }
    }
}

/// Builds the whole tenant for `scale` from `seed`.
pub fn generate(scale: Scale, seed: u64) -> Tenant {
    let sizes = Sizes::of(scale);
    let mut g = Gen::new(seed);
    let (org, staff, seats) = people_and_seats(&mut g, sizes);
    let sellers: Vec<String> = staff.sellers.iter().map(|u| u.id.clone()).collect();
    let companies = accounts::generate(&mut g, sizes.accounts, &sellers);
    let people = contacts::generate(&mut g, sizes.contacts, &companies.list, &sellers);
    let opportunities = opportunities::generate(
        &mut g,
        sizes.opportunities,
        &companies.list,
        &people,
        &sellers,
    );
    Tenant {
        org: org.organization,
        identity: staff.identity,
        systemusers: staff.rows,
        accounts: companies.rows,
        contacts: people.rows,
        opportunities,
        seats,
    }
}

/// The workspace's seats of [`generate`]`(scale, seed)` alone: they are
/// drawn before the CRM rows, so a caller that needs only them (seats
/// beside a tenant pulled from an emulator) skips millions of rows.
pub fn seats(scale: Scale, seed: u64) -> Vec<SeatSeed> {
    people_and_seats(&mut Gen::new(seed), Sizes::of(scale)).2
}

/// The first draws of a tenant: the organisation, its staff, their seats.
fn people_and_seats(g: &mut Gen, sizes: Sizes) -> (people::Org, people::Staff, Vec<SeatSeed>) {
    let org = people::organization(g);
    let staff = people::staff(g, &org, sizes.sellers, sizes.disabled);
    let seats = people::seats(g, &org, &staff);
    (org, staff, seats)
}

/// The single random source of a generation run, with the few draws the
/// generators need.
pub(super) struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    pub(super) fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// A version-4-shaped GUID made of the seeded stream's bytes.
    pub(super) fn guid(&mut self) -> String {
        uuid::Builder::from_random_bytes(self.rng.random())
            .into_uuid()
            .to_string()
    }

    /// A uniform index below `n` (`n` > 0).
    pub(super) fn index(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// A uniform integer in `lo..hi`.
    pub(super) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..hi)
    }

    /// An index drawn with the given relative weights.
    pub(super) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.rng.random_range(0..total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// `n` distinct indices below `len`, in draw order.
    pub(super) fn sample(&mut self, len: usize, n: usize) -> Vec<usize> {
        rand::seq::index::sample(&mut self.rng, len, n.min(len)).into_vec()
    }

    pub(super) fn shuffle<T>(&mut self, items: &mut [T]) {
        rand::seq::SliceRandom::shuffle(items, &mut self.rng);
    }

    /// A (created, modified) pair of instants in the `days` before [`NOW`].
    pub(super) fn lifetime(&mut self, days: i64) -> (i64, i64) {
        let created = NOW - self.between(DAY, days * DAY);
        (created, self.between(created, NOW))
    }
}

/// An instant as Dataverse writes a DateTime: RFC 3339, UTC, whole seconds.
pub(super) fn timestamp(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instant as a Dataverse date-only column (`Edm.Date`): `YYYY-MM-DD`.
pub(super) fn date(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// A row from `(logical name, value)` pairs, in the order given.
pub(super) fn row<const N: usize>(pairs: [(&str, serde_json::Value); N]) -> Row {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// A single-table lookup: `_name_value` holding the GUID or null.
pub(super) fn put_lookup(row: &mut Row, name: &str, id: Option<&str>) {
    row.insert(
        format!("_{name}_value"),
        id.map_or(serde_json::Value::Null, Into::into),
    );
}

/// A polymorphic lookup (customer, owner): the value plus its
/// `@Microsoft.Dynamics.CRM.lookuplogicalname` sibling naming the table,
/// which is the only way a reader can tell an account from a contact.
pub(super) fn put_polymorphic(row: &mut Row, name: &str, target: Option<(&str, &str)>) {
    put_lookup(row, name, target.map(|(_, id)| id));
    if let Some((table, _)) = target {
        row.insert(
            format!("_{name}_value@Microsoft.Dynamics.CRM.lookuplogicalname"),
            table.into(),
        );
    }
}

/// The owner lookup every user-owned row carries.
pub(super) fn put_owner(row: &mut Row, systemuserid: &str) {
    put_polymorphic(row, "ownerid", Some(("systemuser", systemuserid)));
}

#[cfg(test)]
mod tests;
