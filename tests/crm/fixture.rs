//! A small hand-built tenant with known ids (written for these tests, not
//! shared with the emulator's own), an emulator started on it, and a
//! client with short test timings.

use std::time::Duration;

use navsync::crm::{
    AuthConfig, Client, ClientConfig, ClientEvent, RetryPolicy, Secret, SecretSource,
};
use navsync::sim::tenant::{Identity, Organization, Row, Tenant};
use navsync::sim::{SimConfig, SimServer};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

pub const SECRET: &str = "s3cr3t-emulator-client-secret-value";
pub const APP_USER: &str = "5e1f0c2e-0000-4000-8000-000000000001";
pub const ADMIN: &str = "5e1f0c2e-0000-4000-8000-000000000002";
pub const SELLER: &str = "5e1f0c2e-0000-4000-8000-000000000003";
pub const TRICKY_NAME: &str = "O'Brien' or 1 eq 1";
pub const CONTACTS: usize = 23;

pub fn contact_id(i: usize) -> String {
    format!("c1000000-0000-4000-8000-{i:012}")
}

pub fn account_id(i: usize) -> String {
    format!("a1000000-0000-4000-8000-{i:012}")
}

pub fn row(v: Value) -> Row {
    match v {
        Value::Object(m) => m,
        _ => Row::new(),
    }
}

fn user(id: &str, name: &str, aad: &str, access: i64) -> Row {
    row(json!({
        "systemuserid": id, "fullname": name, "firstname": name, "lastname": "",
        "internalemailaddress": format!("{}@contoso.test", name.to_lowercase()),
        "domainname": format!("{}@contoso.test", name.to_lowercase()),
        "isdisabled": false, "accessmode": access,
        "azureactivedirectoryobjectid": aad, "modifiedon": "2026-01-01T00:00:00Z"
    }))
}

pub fn contact(i: usize, fullname: &str) -> Row {
    row(json!({
        "contactid": contact_id(i), "firstname": "F", "lastname": format!("L{i}"),
        "fullname": fullname, "emailaddress1": format!("p{i}@example.test"), "jobtitle": "Buyer",
        "_parentcustomerid_value": account_id(0),
        "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
        "_ownerid_value": SELLER, "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
        "statecode": 0, "modifiedon": "2026-01-01T00:00:00Z"
    }))
}

pub fn tenant() -> Tenant {
    let accounts = (0..3)
        .map(|i| {
            row(json!({
                "accountid": account_id(i), "name": format!("Account {i}"), "websiteurl": null,
                "_parentaccountid_value": null, "_ownerid_value": SELLER,
                "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
                "statecode": 0, "modifiedon": "2026-01-01T00:00:00Z"
            }))
        })
        .collect();
    let mut contacts: Vec<Row> = (0..CONTACTS)
        .map(|i| contact(i, &format!("Person {i:02}")))
        .collect();
    contacts.push(contact(100, "O'Brien"));
    contacts.push(contact(101, TRICKY_NAME));
    let opportunities = (0..4)
        .map(|i| {
            row(json!({
                "opportunityid": format!("0b100000-0000-4000-8000-{i:012}"), "name": format!("Deal {i}"),
                "_ownerid_value": SELLER, "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
                "_customerid_value": account_id(0), "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
                "_parentaccountid_value": account_id(0), "_parentcontactid_value": contact_id(i),
                "statecode": 0, "statuscode": 1, "salesstage": i as i64, "salesstagecode": 1, "stepname": format!("{}-Stage", i + 1),
                "estimatedvalue": 1000.0 * (i as f64 + 1.0), "actualvalue": null,
                "modifiedon": "2026-01-01T00:00:00Z"
            }))
        })
        .collect();
    Tenant {
        org: Organization {
            organization_id: "0e90e000-0000-4000-8000-0000000000aa".into(),
            name: "Contoso Test".into(),
            version: "9.2.25061.00154".into(),
            is_sandbox: false,
        },
        identity: Identity {
            tenant_id: "5e1f0c2e-0000-4000-8000-00000000a001".into(),
            client_id: "5e1f0c2e-0000-4000-8000-00000000c001".into(),
            client_secret: SECRET.into(),
            application_user_id: APP_USER.into(),
            admin_user_id: ADMIN.into(),
        },
        systemusers: vec![
            user(
                APP_USER,
                "Integration",
                "aad10000-0000-4000-8000-000000000001",
                4,
            ),
            user(ADMIN, "Admin", "aad10000-0000-4000-8000-000000000002", 0),
            user(SELLER, "Seller", "aad10000-0000-4000-8000-000000000003", 0),
        ],
        accounts,
        contacts,
        opportunities,
        seats: Vec::new(),
    }
}

/// A client for the server at `url` (Web API and sign-in on the same
/// host), with short test timings.
pub fn config_for(
    url: &str,
    tenant_id: &str,
    client_id: &str,
    secret: &str,
    dir: &std::path::Path,
) -> ClientConfig {
    ClientConfig {
        instance_url: url::Url::parse(url).unwrap(),
        authority_url: url::Url::parse(url).unwrap(),
        tenant_id: tenant_id.to_string(),
        client_id: client_id.to_string(),
        auth: AuthConfig::ClientSecret(SecretSource::Inline(Secret::new(secret.to_string()))),
        token_cache_path: dir.join("token-cache.json"),
        max_concurrency: 4,
        page_size: 5,
        split_rows: 0,
        lang: navsync::config::Lang::En,
        user_agent: "navsync-test".into(),
        retry: RetryPolicy {
            max_retries: 3,
            min_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(100),
            max_throttle_wait: Duration::from_secs(5),
            max_throttle_waits: 10,
        },
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        refresh_margin: Duration::from_secs(0),
    }
}

/// An emulator, a temp data dir and a client on it.
pub struct Env {
    pub sim: SimServer,
    pub dir: tempfile::TempDir,
}

pub async fn start() -> Env {
    start_with(SimConfig::default()).await
}

pub async fn start_with(cfg: SimConfig) -> Env {
    let sim = navsync::sim::start(tenant(), cfg)
        .await
        .expect("sim starts");
    Env {
        sim,
        dir: tempfile::tempdir().expect("temp dir"),
    }
}

impl Env {
    pub fn config(&self) -> ClientConfig {
        let id = self.sim.identity();
        config_for(
            &self.sim.instance_url(),
            &id.tenant_id,
            &id.client_id,
            &id.client_secret,
            self.dir.path(),
        )
    }

    pub fn client(&self) -> Client {
        Client::new(self.config()).expect("client")
    }

    /// A client reporting its events.
    pub fn client_with_events(&self) -> (Client, UnboundedReceiver<ClientEvent>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (self.client().with_events(tx), rx)
    }
}

/// Every event received so far.
pub fn drain(rx: &mut UnboundedReceiver<ClientEvent>) -> Vec<ClientEvent> {
    let mut out = Vec::new();
    while let Ok(e) = rx.try_recv() {
        out.push(e);
    }
    out
}
