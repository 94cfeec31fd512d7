//! Everything the running emulator shares between connections: tables,
//! identity state, service-protection windows, faults, privileges and the
//! request counters tests assert on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::SimConfig;
use super::auth::AuthState;
use super::limits::Limiter;
use super::table::Db;
use super::tenant::{Identity, Organization};

/// What kind of organisation RetrieveCurrentOrganization / RetrieveVersion
/// describe, so a client's prerequisite checks can be exercised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgMode {
    Online,
    OnPremise,
    OldVersion,
    Sandbox,
}

/// Runtime faults; every field is independent and all clear together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Added before every answer (Web API and identity).
    pub latency: Duration,
    /// Connections are reset instead of answered (except `/_sim`).
    pub outage: bool,
    /// The next N Web API requests answer `burst_status` (500 or 503).
    pub burst_remaining: u32,
    pub burst_status: u16,
    /// The next N JSON bodies are cut in half.
    pub truncate_remaining: u32,
    /// The next N Web API requests answer 429 with this Retry-After.
    pub throttle_remaining: u32,
    pub throttle_retry_after: Duration,
    /// The next N token requests answer this OAuth `error` (e.g.
    /// `temporarily_unavailable`) instead of a token.
    pub token_error_remaining: u32,
    pub token_error: String,
    /// Tokens issued claim this `expires_in` (the real lifetime stays).
    pub claimed_expires_in: Option<u64>,
    /// Seconds the emulator's clock is off true time: the `Date` header of
    /// every answer says so (a host whose clock disagrees with the
    /// service's fails to sign in; `navsync doctor` reports the skew).
    pub clock_skew_secs: i64,
}

pub struct Shared {
    pub cfg: SimConfig,
    pub base_url: String,
    pub identity: Identity,
    pub org: Organization,
    pub db: RwLock<Db>,
    pub auth: Mutex<AuthState>,
    pub limiter: Mutex<Limiter>,
    pub faults: Mutex<Faults>,
    pub org_mode: Mutex<OrgMode>,
    /// Privileges taken away from a user (systemuserid -> privilege names);
    /// everyone else holds every privilege the emulator knows.
    pub revoked: Mutex<HashMap<String, HashSet<String>>>,
    /// Entity sets whose change tracking is off: `odata.track-changes` is
    /// ignored there (no `@odata.deltaLink`, no `Preference-Applied`).
    pub untracked: Mutex<HashSet<String>>,
    /// Entity sets that refuse `CreateMultiple`.
    pub no_bulk: Mutex<HashSet<String>>,
    /// Server time charged per request, row and write.
    pub cost: Mutex<super::cost::CostModel>,
    pub counters: Mutex<BTreeMap<String, u64>>,
    /// Told when a request is counted or admitted, so a test can wait on
    /// what the emulator saw ([`SimControl::until`]) instead of sleeping.
    ///
    /// [`SimControl::until`]: crate::control::SimControl::until
    pub seen: tokio::sync::Notify,
}

/// Locks recover from poisoning: a panicking handler must not take the
/// emulator down for every later test request.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn read_db(&self) -> RwLockReadGuard<'_, Db> {
        self.db.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn write_db(&self) -> RwLockWriteGuard<'_, Db> {
        self.db.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn api_base(&self) -> String {
        format!("{}/api/data/v9.2/", self.base_url)
    }

    pub fn count(&self, key: String) {
        *lock(&self.counters).entry(key).or_insert(0) += 1;
        self.seen.notify_waiters();
    }

    pub fn has_privilege(&self, user_id: &str, privilege: &str) -> bool {
        !lock(&self.revoked)
            .get(&user_id.to_ascii_lowercase())
            .is_some_and(|s| s.contains(privilege))
    }
}
