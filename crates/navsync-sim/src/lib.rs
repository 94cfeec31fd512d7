//! A Dataverse Web API + Microsoft Entra ID emulator, written from
//! Microsoft's documentation on its own: it shares no code or types with
//! `crm` (and imports nothing from engine, store or ui), so one misreading
//! of Dataverse cannot hide in both the client and its test peer.
//!
//! # Starting it
//!
//! ```no_run
//! # async fn demo(tenant: navsync_sim::tenant::Tenant) -> std::io::Result<()> {
//! let server = navsync_sim::start(tenant, navsync_sim::SimConfig::default()).await?;
//! let api = format!("{}/api/data/v9.2/", server.instance_url());
//! let token_url = server.token_url(); // {authority}/{tenant}/oauth2/v2.0/token
//! server.control().set_latency(std::time::Duration::from_millis(50));
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Identity (`{authority}/{tenant}/oauth2/v2.0/`)
//! - `POST token` with `grant_type=client_credentials` (client id + secret),
//!   `urn:ietf:params:oauth:grant-type:device_code` or `refresh_token`;
//!   scope `{instance_url}/.default` (plus `offline_access` etc.).
//!   Errors are Entra's JSON (`error`, `error_description` with the
//!   `AADSTS` code, `error_codes`, `timestamp`, `trace_id`,
//!   `correlation_id`): invalid_client, unauthorized_client, invalid_scope,
//!   authorization_pending, slow_down, expired_token, invalid_grant.
//! - `POST devicecode`: device_code, user_code, verification_uri,
//!   expires_in, interval, message. Approved by
//!   [`SimControl::approve_device_code`] or after
//!   [`SimConfig::device_auto_approve`]; the admin user signs in.
//!
//! # Web API (`{instance_url}/api/data/v9.2/`, bearer token required)
//! WhoAmI, RetrieveVersion, RetrieveCurrentOrganization, `EntityDefinitions`
//! (opportunity `salesstagecode` option set and money attributes), entity
//! sets systemusers, accounts, contacts, opportunities, tasks, solutions with
//! `$select` `$filter` `$orderby` `$top` `$count` `$expand`, paging
//! (`Prefer: odata.maxpagesize`, `@odata.nextLink`, `Preference-Applied`),
//! change tracking (`Prefer: odata.track-changes`, `@odata.deltaLink`,
//! `$deletedEntity` rows, 0x80044352 once tokens expire), POST / PATCH
//! (upsert, `If-Match` / `If-None-Match`) / DELETE, `$batch` with change
//! sets, impersonation (`CallerObjectId`, `MSCRMCallerID`), service
//! protection 429s and missing-privilege 403s, `CreateMultiple`. Lookup
//! columns carry their `@Microsoft.Dynamics.CRM.lookuplogicalname`
//! annotation only under `Prefer: odata.include-annotations` (`"*"` or
//! naming it), as in Dataverse.
//! A completed or canceled task is read-only: a PATCH of other columns is
//! refused until one that only sets `statecode` 0 reopens it.
//!
//! # Control (`{instance_url}/_sim/`, JSON, never faulted)
//! | Method + path | Body | Effect |
//! |---|---|---|
//! | `POST /_sim/faults` | `{"latency_ms"?, "outage"?, "fail_next"?: {"count", "status"}, "truncate_next"?, "throttle_next"?: {"count", "retry_after_s"}, "token_error_next"?: {"count", "error"}, "claimed_expires_in"?, "clock_skew_s"?}` | set faults |
//! | `DELETE /_sim/faults` | | clear all faults |
//! | `POST /_sim/tokens/revoke` | | revoke every token |
//! | `POST /_sim/privileges` | `{"user_id", "privilege", "granted"}` | remove / restore a privilege |
//! | `POST /_sim/org` | `{"mode": "online" \| "on_premise" \| "old_version" \| "sandbox"}` | organisation mode |
//! | `POST /_sim/device/approve` | `{"user_code"}` | approve a device login |
//! | `GET` / `DELETE /_sim/requests` | | request counters by kind ("GET accounts") / reset |
//! | `POST /_sim/delta/expire` | | expire every delta token |
//! | `POST /_sim/cost` | `{"per_request_ms", "per_row_us", "per_write_ms", "dop_hint"}` | server time charged per request, returned row and write (see [`cost`]) |
//! | `POST /_sim/bulk` | `{"entity_set", "enabled"}` | a table refuses `CreateMultiple` (400) / takes it again |
//! | `POST /_sim/tracking` | `{"entity_set", "enabled"}` | change tracking of a table off (the preference is then ignored: no delta link) / on |
//! | `GET` / `POST /_sim/tables/{set}` | row | list rows / insert a row as the CRM would |
//! | `GET` / `PATCH` / `DELETE /_sim/tables/{set}/{id}` | changes | read / change / delete a row |

#![forbid(unsafe_code)]

pub mod auth;
mod batch;
mod collation;
mod control;
mod control_http;
pub mod cost;
mod filter;
pub mod generator;
pub mod limits;
mod metadata;
mod options;
mod query;
mod response;
mod row_json;
mod schema;
mod server;
mod state;
mod table;
pub mod tenant;
mod webapi;
mod write;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use control::{ControlError, SimControl};
pub use cost::CostModel;
pub use limits::ServiceLimits;
pub use state::OrgMode;
use tenant::{Identity, Row, Tenant};

/// How the emulator runs; every field has a sensible default.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Lifetime of access tokens (Entra's is about an hour).
    pub token_lifetime: Duration,
    /// Approve device logins by themselves after this delay (demo mode).
    pub device_auto_approve: Option<Duration>,
    /// Minimum time between device-code polls before `slow_down`.
    pub device_interval: Duration,
    /// Lifetime of a device code (Entra: 15 minutes).
    pub device_code_lifetime: Duration,
    pub limits: ServiceLimits,
    /// Server time per request, row and write ([`cost`]); instant unless
    /// asked for.
    pub cost: CostModel,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            token_lifetime: Duration::from_secs(3600),
            device_auto_approve: None,
            device_interval: Duration::from_secs(5),
            device_code_lifetime: Duration::from_secs(900),
            limits: ServiceLimits::default(),
            cost: CostModel::instant(),
        }
    }
}

/// A running emulator; dropping it without [`SimServer::shutdown`] leaves
/// it serving until the runtime ends.
pub struct SimServer {
    shared: Arc<state::Shared>,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// Solutions every organisation has, so a "is our solution installed"
/// check has something to look past.
fn base_solutions() -> Vec<Row> {
    [
        ("System", "System"),
        ("Active", "Active Solution"),
        ("Default", "Default Solution"),
    ]
    .iter()
    .map(|(u, f)| {
        let mut r = Row::new();
        let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, u.as_bytes());
        r.insert("solutionid".into(), Value::String(id.to_string()));
        r.insert("uniquename".into(), Value::String((*u).into()));
        r.insert("friendlyname".into(), Value::String((*f).into()));
        r.insert("version".into(), Value::String("1.0.0.0".into()));
        r.insert("ismanaged".into(), Value::Bool(true));
        r
    })
    .collect()
}

/// Moves the generated rows into the tables: an xl tenant is gigabytes of
/// rows, which must not be held twice, even for a moment.
fn load(tenant: Tenant) -> table::Db {
    let mut db = table::Db::new();
    let sets: [(&str, Vec<Row>); 5] = [
        ("systemusers", tenant.systemusers),
        ("accounts", tenant.accounts),
        ("contacts", tenant.contacts),
        ("opportunities", tenant.opportunities),
        ("solutions", base_solutions()),
    ];
    for (set, rows) in sets {
        if let Some(def) = schema::by_set(set) {
            for row in rows {
                // A generated tenant has unique ids; a repeated one is skipped.
                let _ = db.insert(def, row);
            }
        }
    }
    db
}

/// Starts the emulator on 127.0.0.1 with `tenant` loaded.
pub async fn start(tenant: Tenant, cfg: SimConfig) -> std::io::Result<SimServer> {
    let cost = cfg.cost;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", cfg.port)).await?;
    let port = listener.local_addr()?.port();
    let (identity, org) = (tenant.identity.clone(), tenant.org.clone());
    let db = load(tenant);
    let shared = Arc::new(state::Shared {
        cfg,
        base_url: format!("http://127.0.0.1:{port}"),
        identity,
        org,
        db: RwLock::new(db),
        auth: Mutex::new(auth::AuthState::default()),
        limiter: Mutex::new(limits::Limiter::default()),
        faults: Mutex::new(state::Faults::default()),
        org_mode: Mutex::new(OrgMode::Online),
        revoked: Mutex::new(HashMap::new()),
        untracked: Mutex::new(HashSet::new()),
        no_bulk: Mutex::new(HashSet::new()),
        cost: Mutex::new(cost),
        counters: Mutex::new(BTreeMap::new()),
        seen: tokio::sync::Notify::new(),
    });
    let stop = CancellationToken::new();
    let app = server::router(shared.clone());
    let task = tokio::spawn(server::serve(listener, app, stop.clone()));
    Ok(SimServer { shared, stop, task })
}

impl SimServer {
    /// `http://127.0.0.1:PORT`; the Web API is under `/api/data/v9.2/`.
    pub fn instance_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Same host as the instance; the token endpoint is
    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn authority_url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.shared.base_url, self.shared.identity.tenant_id
        )
    }

    pub fn device_code_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/devicecode",
            self.shared.base_url, self.shared.identity.tenant_id
        )
    }

    pub fn control_url(&self) -> String {
        format!("{}/_sim", self.shared.base_url)
    }

    pub fn identity(&self) -> &Identity {
        &self.shared.identity
    }

    pub fn control(&self) -> SimControl {
        SimControl {
            shared: self.shared.clone(),
        }
    }

    /// Stops accepting, closes open connections and waits for the loop.
    pub async fn shutdown(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}
