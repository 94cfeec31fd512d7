//! A small hand-built tenant with known ids, and helpers to talk to the
//! emulator over HTTP.

use std::time::Duration;

use navsync::sim::tenant::{Identity, Organization, Row, Tenant};
use navsync::sim::{SimConfig, SimServer};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::{Value, json};

pub const TENANT: &str = "7a1f0c2e-0000-4000-8000-00000000a001";
pub const CLIENT: &str = "7a1f0c2e-0000-4000-8000-00000000c001";
pub const SECRET: &str = "emulator-secret";
pub const APP_USER: &str = "7a1f0c2e-0000-4000-8000-000000000001";
pub const ADMIN: &str = "7a1f0c2e-0000-4000-8000-000000000002";
pub const SELLER: &str = "7a1f0c2e-0000-4000-8000-000000000003";
pub const DISABLED: &str = "7a1f0c2e-0000-4000-8000-000000000004";
pub const SELLER_AAD: &str = "aad00000-0000-4000-8000-000000000003";
pub const DISABLED_AAD: &str = "aad00000-0000-4000-8000-000000000004";
pub const ACCOUNT_OBRIEN: &str = "acc00000-0000-4000-8000-000000000001";
pub const ACCOUNT_TRICKY: &str = "acc00000-0000-4000-8000-000000000002";
pub const CONTACTS: usize = 25;

pub fn contact_id(i: usize) -> String {
    format!("c0000000-0000-4000-8000-{i:012}")
}

pub fn opportunity_id(i: usize) -> String {
    format!("09900000-0000-4000-8000-{i:012}")
}

pub fn row(v: Value) -> Row {
    match v {
        Value::Object(m) => m,
        _ => Row::new(),
    }
}

fn user(id: &str, name: &str, aad: &str, access: i64, disabled: bool) -> Row {
    row(json!({
        "systemuserid": id, "fullname": name, "firstname": name, "lastname": "",
        "internalemailaddress": format!("{}@contoso.test", name.to_lowercase()),
        "domainname": format!("{}@contoso.test", name.to_lowercase()),
        "isdisabled": disabled, "accessmode": access,
        "azureactivedirectoryobjectid": aad, "modifiedon": "2026-01-01T00:00:00Z"
    }))
}

fn account(id: &str, name: &str) -> Row {
    row(json!({
        "accountid": id, "name": name, "websiteurl": null, "_parentaccountid_value": null,
        "_ownerid_value": SELLER, "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
        "statecode": 0, "modifiedon": "2026-01-01T00:00:00Z"
    }))
}

pub fn tenant() -> Tenant {
    let systemusers = vec![
        user(
            APP_USER,
            "Integration",
            "aad00000-0000-4000-8000-000000000001",
            4,
            false,
        ),
        user(
            ADMIN,
            "Admin",
            "aad00000-0000-4000-8000-000000000002",
            0,
            false,
        ),
        user(SELLER, "Seller", SELLER_AAD, 0, false),
        user(DISABLED, "Gone", DISABLED_AAD, 0, true),
    ];
    let accounts = vec![
        account(ACCOUNT_OBRIEN, "O'Brien"),
        account(ACCOUNT_TRICKY, "O'Brien' or 1 eq 1"),
        account("acc00000-0000-4000-8000-000000000003", "Contoso"),
    ];
    let contacts = (0..CONTACTS)
        .map(|i| {
            row(json!({
                "contactid": contact_id(i), "firstname": format!("First{i:02}"), "lastname": format!("Last{i:02}"),
                "fullname": format!("First{i:02} Last{i:02}"), "emailaddress1": format!("p{i}@example.test"),
                "jobtitle": if i % 2 == 0 { "Buyer" } else { "CTO" },
                "_parentcustomerid_value": ACCOUNT_OBRIEN,
                "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
                "new_linkedinprofileurl": format!("https://www.linkedin.com/in/p{i}"),
                "_ownerid_value": SELLER, "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
                "statecode": 0, "modifiedon": "2026-01-01T00:00:00Z"
            }))
        })
        .collect();
    let opportunities = (0..4)
        .map(|i| {
            row(json!({
                "opportunityid": opportunity_id(i), "name": format!("Deal {i}"),
                "_ownerid_value": SELLER, "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "systemuser",
                "_customerid_value": ACCOUNT_OBRIEN, "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
                "_parentaccountid_value": ACCOUNT_OBRIEN, "_parentcontactid_value": contact_id(i),
                "statecode": if i == 3 { 1 } else { 0 }, "statuscode": if i == 3 { 3 } else { 1 },
                "salesstage": i as i64, "salesstagecode": 1, "stepname": format!("{}-Stage", i + 1),
                "estimatedvalue": 1000.0 * (i as f64 + 1.0), "actualvalue": null, "totalamount": null,
                "modifiedon": "2026-01-01T00:00:00Z"
            }))
        })
        .collect();
    Tenant {
        org: Organization {
            organization_id: "0e90e000-0000-4000-8000-000000000001".into(),
            name: "Contoso Sales".into(),
            version: "9.2.25061.00154".into(),
            is_sandbox: false,
        },
        identity: Identity {
            tenant_id: TENANT.into(),
            client_id: CLIENT.into(),
            client_secret: SECRET.into(),
            application_user_id: APP_USER.into(),
            admin_user_id: ADMIN.into(),
        },
        systemusers,
        accounts,
        contacts,
        opportunities,
        seats: Vec::new(),
    }
}

/// A started emulator plus an HTTP client and a token of the app user.
pub struct Sim {
    pub server: SimServer,
    pub http: Client,
    pub token: String,
}

pub async fn start_with(cfg: SimConfig) -> Sim {
    let server = navsync::sim::start(tenant(), cfg)
        .await
        .expect("emulator starts");
    let http = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds");
    let token = client_credentials(&http, &server).await;
    Sim {
        server,
        http,
        token,
    }
}

pub async fn start() -> Sim {
    start_with(SimConfig::default()).await
}

pub fn scope(server: &SimServer) -> String {
    format!("{}/.default", server.instance_url())
}

pub async fn client_credentials(http: &Client, server: &SimServer) -> String {
    let r = http
        .post(server.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("scope", scope(server).as_str()),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("token json");
    v["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/data/v9.2/{path}", self.server.instance_url())
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.http.get(self.url(path)).bearer_auth(&self.token)
    }

    pub fn post(&self, path: &str, body: &Value) -> RequestBuilder {
        self.http
            .post(self.url(path))
            .bearer_auth(&self.token)
            .json(body)
    }

    pub fn patch(&self, path: &str, body: &Value) -> RequestBuilder {
        self.http
            .patch(self.url(path))
            .bearer_auth(&self.token)
            .json(body)
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.http.delete(self.url(path)).bearer_auth(&self.token)
    }
}

pub async fn json(r: Response) -> Value {
    let text = r.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts a Dataverse error answer: status, code, and a message fragment.
pub async fn assert_error(r: Response, status: u16, code: &str, fragment: &str) {
    assert_eq!(r.status().as_u16(), status);
    let v = json(r).await;
    assert_eq!(v["error"]["code"], code, "{v}");
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains(fragment), "message {msg:?} lacks {fragment:?}");
}
