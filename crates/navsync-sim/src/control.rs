//! [`SimControl`]: the test and demo handle on a running emulator — faults,
//! tokens, privileges, organisation mode, device-code approval, request
//! counters and direct table access (changes made here are seen by change
//! tracking, as if made by someone in the CRM). The `/_sim` HTTP endpoints
//! call the same functions.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::schema;
use super::state::{Faults, OrgMode, Shared, lock};
use super::table::WriteError;
use super::tenant::Row;
use super::write::now;

/// Why a control-side table change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    #[error(
        "the emulator has no entity set '{0}'; use one of systemusers, accounts, contacts, opportunities, tasks, solutions"
    )]
    UnknownSet(String),
    #[error("the row has no string primary key '{0}'; add it and retry")]
    MissingKey(&'static str),
    #[error("a row with id {0} already exists; update it instead")]
    Duplicate(String),
    #[error("no row with id {0}; insert it first")]
    NotFound(String),
}

#[derive(Clone)]
pub struct SimControl {
    pub(crate) shared: Arc<Shared>,
}

impl SimControl {
    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        lock(&self.shared.faults)
    }

    /// Adds `latency` before every answer.
    pub fn set_latency(&self, latency: Duration) {
        self.faults().latency = latency;
    }

    /// Sets the emulator's clock `secs` away from true time, as the `Date`
    /// header of every answer shows (negative: behind).
    pub fn set_clock_skew(&self, secs: i64) {
        self.faults().clock_skew_secs = secs;
    }

    /// While on, connections are reset instead of answered (except `/_sim`).
    pub fn set_outage(&self, on: bool) {
        self.faults().outage = on;
    }

    /// The next `count` Web API requests answer `status` (500 or 503).
    pub fn fail_next(&self, count: u32, status: u16) {
        let mut f = self.faults();
        f.burst_remaining = count;
        f.burst_status = status;
    }

    /// The next `count` JSON bodies are cut in half.
    pub fn truncate_next(&self, count: u32) {
        self.faults().truncate_remaining = count;
    }

    /// The next `count` Web API requests answer 429 (0x80072322) with
    /// `Retry-After: retry_after`.
    pub fn throttle_next(&self, count: u32, retry_after: Duration) {
        let mut f = self.faults();
        f.throttle_remaining = count;
        f.throttle_retry_after = retry_after;
    }

    /// The next `count` token requests answer the OAuth `error` given
    /// (`temporarily_unavailable`, `server_error`, `invalid_grant`, …) as
    /// Entra words it.
    pub fn token_error_next(&self, count: u32, error: &str) {
        let mut f = self.faults();
        f.token_error_remaining = count;
        f.token_error = error.to_string();
    }

    /// Tokens issued from now on claim `expires_in` seconds (`None`: the
    /// truth); they still expire after the configured lifetime.
    pub fn claim_expires_in(&self, secs: Option<u64>) {
        self.faults().claimed_expires_in = secs;
    }

    pub fn clear_faults(&self) {
        *self.faults() = Faults::default();
    }

    /// Every access and refresh token stops working.
    pub fn revoke_tokens(&self) {
        lock(&self.shared.auth).revoke_all();
    }

    /// Takes `privilege` (e.g. "prvReadOpportunity") away from a user.
    pub fn remove_privilege(&self, user_id: &str, privilege: &str) {
        lock(&self.shared.revoked)
            .entry(user_id.to_ascii_lowercase())
            .or_default()
            .insert(privilege.to_string());
    }

    pub fn restore_privilege(&self, user_id: &str, privilege: &str) {
        if let Some(s) = lock(&self.shared.revoked).get_mut(&user_id.to_ascii_lowercase()) {
            s.remove(privilege);
        }
    }

    /// Makes a table refuse (or take again) `CreateMultiple`, as tables
    /// that do not support the bulk messages do.
    pub fn set_bulk_messages(&self, set: &str, enabled: bool) {
        let mut no_bulk = lock(&self.shared.no_bulk);
        if enabled {
            no_bulk.remove(set);
        } else {
            no_bulk.insert(set.to_string());
        }
    }

    /// Sets the server time charged per request, row and write.
    pub fn set_cost(&self, cost: super::cost::CostModel) {
        *lock(&self.shared.cost) = cost;
    }

    /// Switches change tracking of a table off (the server then ignores
    /// `Prefer: odata.track-changes` and gives no delta link) or on.
    pub fn set_change_tracking(&self, set: &str, enabled: bool) {
        let mut untracked = lock(&self.shared.untracked);
        if enabled {
            untracked.remove(set);
        } else {
            untracked.insert(set.to_string());
        }
    }

    pub fn set_org_mode(&self, mode: OrgMode) {
        *lock(&self.shared.org_mode) = mode;
    }

    /// Completes the device login of `user_code` as the tenant's admin.
    pub fn approve_device_code(&self, user_code: &str) -> bool {
        lock(&self.shared.auth).approve(user_code, &self.shared.identity.admin_user_id)
    }

    /// Requests seen, by kind: "GET accounts", "POST $batch", "POST token".
    pub fn requests(&self) -> BTreeMap<String, u64> {
        lock(&self.shared.counters).clone()
    }

    pub fn request_count(&self, kind: &str) -> u64 {
        lock(&self.shared.counters).get(kind).copied().unwrap_or(0)
    }

    /// Web API requests admitted and not yet answered.
    pub fn in_flight(&self) -> u32 {
        lock(&self.shared.limiter).in_flight()
    }

    /// Waits until `seen` holds of the counters or of the requests in
    /// flight, checked again each time a request is counted or admitted:
    /// a test waits on what the emulator saw, not for time to pass.
    pub async fn until(&self, seen: impl Fn(&SimControl) -> bool) {
        loop {
            let told = self.shared.seen.notified();
            let mut told = std::pin::pin!(told);
            // Registered before the check, so a request counted between
            // the check and the wait still wakes it.
            told.as_mut().enable();
            if seen(self) {
                return;
            }
            told.await;
        }
    }

    pub fn reset_counters(&self) {
        lock(&self.shared.counters).clear();
    }

    /// Every delta token handed out so far becomes expired.
    pub fn expire_delta_tokens(&self) {
        self.shared.write_db().expire_delta_tokens();
    }

    fn def(&self, set: &str) -> Result<&'static schema::EntityDef, ControlError> {
        schema::by_set(set).ok_or_else(|| ControlError::UnknownSet(set.to_string()))
    }

    pub fn rows(&self, set: &str) -> Vec<Row> {
        self.shared
            .read_db()
            .table(set)
            .map(|t| t.live_rows().cloned().collect())
            .unwrap_or_default()
    }

    pub fn row(&self, set: &str, id: &str) -> Option<Row> {
        self.shared
            .read_db()
            .table(set)
            .and_then(|t| t.get(id))
            .map(|(r, _)| r.clone())
    }

    /// Inserts a row as if created in the CRM (stamps createdon/modifiedon
    /// when absent).
    pub fn insert_row(&self, set: &str, mut row: Row) -> Result<(), ControlError> {
        let def = self.def(set)?;
        let id = row
            .get(def.key)
            .and_then(Value::as_str)
            .ok_or(ControlError::MissingKey(def.key))?
            .to_string();
        let ts = Value::String(now());
        row.entry("createdon").or_insert_with(|| ts.clone());
        row.entry("modifiedon").or_insert(ts);
        match self.shared.write_db().insert(def, row) {
            Ok(_) => Ok(()),
            Err(WriteError::Duplicate) => Err(ControlError::Duplicate(id)),
            Err(WriteError::NotFound) => Err(ControlError::MissingKey(def.key)),
        }
    }

    /// Merges `changes` into a row as if edited in the CRM.
    pub fn update_row(
        &self,
        set: &str,
        id: &str,
        changes: Map<String, Value>,
    ) -> Result<(), ControlError> {
        let def = self.def(set)?;
        let mut db = self.shared.write_db();
        let mut row = db
            .table(set)
            .and_then(|t| t.get(id))
            .map(|(r, _)| r.clone())
            .ok_or_else(|| ControlError::NotFound(id.to_string()))?;
        row.extend(changes);
        row.insert("modifiedon".into(), Value::String(now()));
        db.replace(def, id, row)
            .map_err(|_| ControlError::NotFound(id.to_string()))
    }

    /// Deletes a row as if deleted in the CRM; false if there was none.
    pub fn delete_row(&self, set: &str, id: &str) -> Result<bool, ControlError> {
        let def = self.def(set)?;
        Ok(self.shared.write_db().delete(def, id).is_ok())
    }
}
