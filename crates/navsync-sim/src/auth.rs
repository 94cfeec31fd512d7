//! Microsoft Entra ID v2 token and device-code endpoints, and the bearer
//! check of the Web API.
//!
//! Tokens are opaque random strings; what matters to a client is the shape
//! of the answers (Entra's error JSON with `AADSTS` codes, `expires_in`,
//! `interval`) and that tokens expire and can be revoked.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::Rng;
use serde_json::{Value, json};

use super::response::OpResponse;
use super::state::{Shared, lock};

#[derive(Debug)]
struct AccessToken {
    user_id: String,
    expires: Instant,
}

#[derive(Debug)]
struct DeviceFlow {
    user_code: String,
    expires: Instant,
    next_poll: Instant,
    approved_by: Option<String>,
    auto_approve_at: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct AuthState {
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, String>,
    /// Refresh tokens taken away by a revocation: Entra tells those apart
    /// (AADSTS50173) from tokens it never issued or already redeemed
    /// (AADSTS70000).
    revoked_refresh: HashSet<String>,
    devices: HashMap<String, DeviceFlow>,
}

impl AuthState {
    pub fn revoke_all(&mut self) {
        self.access.clear();
        self.revoked_refresh
            .extend(self.refresh.drain().map(|(token, _)| token));
    }

    /// Signs the user of `user_code` in as `user_id`; false if no pending
    /// device login has that code.
    pub fn approve(&mut self, user_code: &str, user_id: &str) -> bool {
        match self
            .devices
            .values_mut()
            .find(|d| d.user_code.eq_ignore_ascii_case(user_code))
        {
            Some(d) => {
                d.approved_by = Some(user_id.to_string());
                true
            }
            None => false,
        }
    }
}

fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..9)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Entra's error body: `error`, `error_description` (with the AADSTS code,
/// trace and correlation ids), `error_codes`, `timestamp`, `trace_id`,
/// `correlation_id`, `error_uri`.
pub fn entra_error(status: u16, error: &str, code: u32, message: &str) -> OpResponse {
    let trace = uuid::Uuid::new_v4().to_string();
    let correlation = uuid::Uuid::new_v4().to_string();
    let ts = Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
    let body = json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {message}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {ts}"
        ),
        "error_codes": [code],
        "timestamp": ts,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    });
    OpResponse::json(status, &body).with_header("Cache-Control", "no-store, no-cache")
}

fn secs(d: Duration) -> u64 {
    d.as_secs_f64().ceil().max(1.0) as u64
}

impl Shared {
    fn check_tenant(&self, tenant: &str) -> Result<(), OpResponse> {
        if tenant.eq_ignore_ascii_case(&self.identity.tenant_id)
            || tenant == "organizations"
            || tenant == "common"
        {
            return Ok(());
        }
        Err(entra_error(
            400,
            "invalid_request",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        ))
    }

    fn check_client(&self, client_id: Option<&str>) -> Result<(), OpResponse> {
        let id = client_id.unwrap_or_default();
        if id == self.identity.client_id {
            return Ok(());
        }
        Err(entra_error(
            400,
            "unauthorized_client",
            700016,
            &format!(
                "Application with identifier '{id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                self.identity.tenant_id
            ),
        ))
    }

    /// Scope must name this instance (`{instance}/.default`); OpenID extras
    /// such as `offline_access` may ride along.
    fn check_scope(&self, scope: Option<&str>) -> Result<String, OpResponse> {
        let scope = scope.unwrap_or_default();
        let resource = scope
            .split(' ')
            .filter(|s| !matches!(*s, "offline_access" | "openid" | "profile" | ""))
            .collect::<Vec<_>>();
        // Entra also takes the double slash a resource URL with a trailing
        // slash produces.
        let wanted = [
            format!("{}/.default", self.base_url),
            format!("{}//.default", self.base_url),
        ];
        if resource.len() == 1 && wanted.iter().any(|w| w == resource[0]) {
            return Ok(scope.to_string());
        }
        Err(entra_error(
            400,
            "invalid_scope",
            70011,
            &format!(
                "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid."
            ),
        ))
    }

    fn issue(&self, user_id: &str, scope: &str, with_refresh: bool) -> OpResponse {
        let lifetime = self.cfg.token_lifetime;
        let access = random_token(64);
        let mut st = lock(&self.auth);
        st.access.insert(
            access.clone(),
            AccessToken {
                user_id: user_id.to_string(),
                expires: Instant::now() + lifetime,
            },
        );
        let claimed = lock(&self.faults)
            .claimed_expires_in
            .unwrap_or(secs(lifetime));
        let mut body = json!({
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": claimed,
            "ext_expires_in": claimed,
            "access_token": access,
        });
        if with_refresh {
            let refresh = random_token(96);
            st.refresh.insert(refresh.clone(), user_id.to_string());
            body["refresh_token"] = Value::String(refresh);
        }
        OpResponse::json(200, &body).with_header("Cache-Control", "no-store, no-cache")
    }

    /// POST /{tenant}/oauth2/v2.0/token
    pub fn token(&self, tenant: &str, form: &HashMap<String, String>) -> OpResponse {
        let get = |k: &str| form.get(k).map(String::as_str);
        if let Err(r) = self.check_tenant(tenant) {
            return r;
        }
        if let Err(r) = self.check_client(get("client_id")) {
            return r;
        }
        if let Some(r) = self.injected_token_error() {
            return r;
        }
        match get("grant_type").unwrap_or_default() {
            "client_credentials" => {
                let scope = match self.check_scope(get("scope")) {
                    Ok(s) => s,
                    Err(r) => return r,
                };
                if get("client_secret") != Some(self.identity.client_secret.as_str()) {
                    return entra_error(
                        401,
                        "invalid_client",
                        7000215,
                        &format!(
                            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                            self.identity.client_id
                        ),
                    );
                }
                self.issue(&self.identity.application_user_id, &scope, false)
            }
            "urn:ietf:params:oauth:grant-type:device_code" => {
                self.poll_device(get("device_code").unwrap_or_default())
            }
            "refresh_token" => {
                let scope = match self.check_scope(get("scope")) {
                    Ok(s) => s,
                    Err(r) => return r,
                };
                let token = get("refresh_token").unwrap_or_default();
                let (user, revoked) = {
                    let mut st = lock(&self.auth);
                    (st.refresh.remove(token), st.revoked_refresh.contains(token))
                };
                match user {
                    Some(u) => self.issue(&u, &scope, true),
                    None if revoked => entra_error(
                        400,
                        "invalid_grant",
                        50173,
                        "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
                    ),
                    None => entra_error(
                        400,
                        "invalid_grant",
                        70000,
                        "Authentication failed. The refresh token isn't valid.",
                    ),
                }
            }
            other => entra_error(
                400,
                "unsupported_grant_type",
                70003,
                &format!("The app requested an unsupported grant type '{other}'."),
            ),
        }
    }

    /// An injected token-endpoint error, worded as Entra words it. OAuth
    /// errors of the token endpoint are 400s
    /// (<https://www.rfc-editor.org/rfc/rfc6749#section-5.2>); which of them
    /// a client retries is listed on
    /// <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application>.
    fn injected_token_error(&self) -> Option<OpResponse> {
        let error = {
            let mut f = lock(&self.faults);
            if f.token_error_remaining == 0 {
                return None;
            }
            f.token_error_remaining -= 1;
            f.token_error.clone()
        };
        let (code, message) = match error.as_str() {
            "temporarily_unavailable" => (
                90024,
                "RequestBudgetExceededError - A transient error has occurred. Try again.",
            ),
            "server_error" => (
                50000,
                "TokenIssuanceError - There's an issue with the sign-in service.",
            ),
            "invalid_grant" => (
                50076,
                "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
            ),
            _ => (
                90023,
                "InvalidRequest - The authentication service request isn't valid.",
            ),
        };
        Some(entra_error(400, &error, code, message))
    }

    fn poll_device(&self, device_code: &str) -> OpResponse {
        let now = Instant::now();
        let interval = self.cfg.device_interval;
        let outcome = {
            let mut st = lock(&self.auth);
            match st.devices.get_mut(device_code) {
                None => Err(entra_error(
                    400,
                    "invalid_grant",
                    70000,
                    "The provided value for the input parameter 'device_code' is not valid.",
                )),
                Some(d) if now >= d.expires => Err(entra_error(
                    400,
                    "expired_token",
                    70020,
                    "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
                )),
                Some(d) => {
                    if d.approved_by.is_none() && d.auto_approve_at.is_some_and(|t| now >= t) {
                        d.approved_by = Some(self.identity.admin_user_id.clone());
                    }
                    if now < d.next_poll {
                        d.next_poll = now + interval;
                        Err(entra_error(
                            400,
                            "slow_down",
                            70016,
                            "OAuth 2.0 device flow error. The client is polling too quickly and should slow down.",
                        ))
                    } else {
                        d.next_poll = now + interval;
                        match d.approved_by.clone() {
                            Some(u) => Ok(u),
                            None => Err(entra_error(
                                400,
                                "authorization_pending",
                                70016,
                                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                            )),
                        }
                    }
                }
            }
        };
        match outcome {
            Ok(user) => {
                lock(&self.auth).devices.remove(device_code);
                self.issue(
                    &user,
                    &format!("{}/.default offline_access", self.base_url),
                    true,
                )
            }
            Err(r) => r,
        }
    }

    /// POST /{tenant}/oauth2/v2.0/devicecode
    pub fn devicecode(&self, tenant: &str, form: &HashMap<String, String>) -> OpResponse {
        let get = |k: &str| form.get(k).map(String::as_str);
        if let Err(r) = self.check_tenant(tenant) {
            return r;
        }
        if let Err(r) = self.check_client(get("client_id")) {
            return r;
        }
        if let Err(r) = self.check_scope(get("scope")) {
            return r;
        }
        let now = Instant::now();
        let device_code = random_token(120);
        let code = user_code();
        let verification_uri = format!("{}/devicelogin", self.base_url);
        lock(&self.auth).devices.insert(
            device_code.clone(),
            DeviceFlow {
                user_code: code.clone(),
                expires: now + self.cfg.device_code_lifetime,
                next_poll: now + self.cfg.device_interval,
                approved_by: None,
                auto_approve_at: self.cfg.device_auto_approve.map(|d| now + d),
            },
        );
        OpResponse::json(
            200,
            &json!({
                "user_code": code,
                "device_code": device_code,
                "verification_uri": verification_uri,
                "expires_in": secs(self.cfg.device_code_lifetime),
                "interval": secs(self.cfg.device_interval),
                "message": format!(
                    "To sign in, use a web browser to open the page {verification_uri} and enter the code {code} to authenticate."
                ),
            }),
        )
    }

    /// The bearer check of the Web API: the signed-in systemuserid, or the
    /// 401 Dataverse answers (empty body, `WWW-Authenticate` naming the
    /// authority and the resource).
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<String, OpResponse> {
        let challenge = format!(
            "authorization_uri={}/{}/oauth2/authorize, resource_id={}/",
            self.base_url, self.identity.tenant_id, self.base_url
        );
        let unauthorized = |extra: &str| {
            let mut r = OpResponse::no_content();
            r.status = 401;
            r.with_header("WWW-Authenticate", format!("Bearer {extra}{challenge}"))
        };
        let Some(token) = authorization.and_then(|h| h.strip_prefix("Bearer ")) else {
            return Err(unauthorized(""));
        };
        let mut st = lock(&self.auth);
        match st.access.get(token.trim()) {
            Some(t) if Instant::now() < t.expires => Ok(t.user_id.clone()),
            Some(_) => {
                st.access.remove(token.trim());
                Err(unauthorized(
                    "error=\"invalid_token\", error_description=\"The access token expired\", ",
                ))
            }
            None => Err(unauthorized(
                "error=\"invalid_token\", error_description=\"Error during token validation!\", ",
            )),
        }
    }
}
