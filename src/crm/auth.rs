//! Microsoft Entra ID sign-in with the `oauth2` crate: client credentials
//! for an integration user, device code for an admin over SSH, refresh
//! tokens for the latter. Tokens are renewed before they expire and once
//! when the CRM rejects one (401).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use chrono::Utc;
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, ClientId, ClientSecret, DeviceAuthorizationUrl, ErrorResponseType,
    ExtraDeviceAuthorizationFields, RefreshToken, RequestTokenError, Scope, StandardErrorResponse,
    TokenResponse, TokenUrl,
};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::config::{AuthConfig, ClientConfig};
use super::error::CrmError;
use super::events::{ClientEvent, Counters, DeviceCodePrompt, RefreshReason, emit};
use super::secret::Secret;
use super::token_cache::{CacheKey, CachedToken, TokenCache};

/// Entra's device-code answer carries a ready-made `message` for the user.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
struct EntraDeviceFields {
    #[serde(default)]
    message: Option<String>,
}
impl ExtraDeviceAuthorizationFields for EntraDeviceFields {}

/// The HTTP client oauth2 signs in with: reqwest, except that a 5xx the
/// token endpoint answers while Entra ID has a passing fault (500, 502,
/// 503, 504) is tried again with backoff, and if it persists becomes a
/// transport error (retried by the Web API calls like an unreachable
/// server) instead of an unreadable token answer that would fail the
/// sign-in for good.
#[derive(Clone)]
struct TokenHttp {
    http: reqwest::Client,
    retry: super::config::RetryPolicy,
}

#[derive(Debug, thiserror::Error)]
enum TokenHttpError {
    #[error(transparent)]
    Http(#[from] oauth2::HttpClientError<reqwest::Error>),
    #[error("the sign-in server answered HTTP {0} (a passing fault on its side)")]
    Unavailable(u16),
}

/// Tries of a token request after a 5xx, before it counts as unreachable.
const TOKEN_RETRIES: usize = 3;

impl<'c> oauth2::AsyncHttpClient<'c> for TokenHttp {
    type Error = TokenHttpError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, TokenHttpError>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let mut backoff = ExponentialBuilder::default()
                .with_min_delay(self.retry.min_backoff)
                .with_max_delay(self.retry.max_backoff)
                .with_max_times(TOKEN_RETRIES)
                .with_jitter()
                .build();
            loop {
                let answer = oauth2::AsyncHttpClient::call(&self.http, request.clone()).await?;
                let status = answer.status().as_u16();
                if !matches!(status, 500 | 502..=504) {
                    return Ok(answer);
                }
                let Some(wait) = backoff.next() else {
                    return Err(TokenHttpError::Unavailable(status));
                };
                tracing::warn!(
                    status,
                    ?wait,
                    "the sign-in server answered a 5xx; trying again"
                );
                tokio::time::sleep(wait).await;
            }
        })
    }
}

pub(crate) struct Auth {
    http: TokenHttp,
    method: AuthConfig,
    client_id: String,
    token_url: url::Url,
    device_url: url::Url,
    /// `https://ORG.crm.dynamics.com/.default`.
    scope: String,
    margin: Duration,
    cache: TokenCache,
    /// `None` until the cache file was read once.
    current: tokio::sync::Mutex<Option<Option<CachedToken>>>,
    /// A refresh token Entra refused for good (`invalid_grant`: revoked,
    /// MFA now required, …) and why: it is never sent again; only a new
    /// sign-in replaces it.
    refused: std::sync::Mutex<Option<(Secret, String)>>,
}

/// Announces the end of a token renewal however the renewal ends (an
/// answer, an error, a cancel), so no face shows a wait that is over.
struct RenewalEnd<'a>(Option<&'a UnboundedSender<ClientEvent>>);

impl Drop for RenewalEnd<'_> {
    fn drop(&mut self) {
        emit(self.0, ClientEvent::RenewalEnded);
    }
}

/// Who to tell about what the sign-in does.
pub(crate) struct Ctx<'a> {
    pub events: Option<&'a UnboundedSender<ClientEvent>>,
    pub counters: &'a Counters,
    pub cancel: &'a CancellationToken,
}

impl Auth {
    pub(crate) fn new(cfg: &ClientConfig, http: reqwest::Client) -> Result<Self, CrmError> {
        let endpoint = |leaf: &str| {
            let base = cfg.authority_url.as_str().trim_end_matches('/');
            url::Url::parse(&format!("{base}/{}/oauth2/v2.0/{leaf}", cfg.tenant_id)).map_err(|e| {
                CrmError::Config {
                    detail: format!("crm.authority_url / crm.tenant_id do not form a URL: {e}"),
                }
            })
        };
        let instance = cfg.instance_url.as_str().trim_end_matches('/');
        Ok(Self {
            http: TokenHttp {
                http,
                retry: cfg.retry.clone(),
            },
            method: cfg.auth.clone(),
            client_id: cfg.client_id.clone(),
            token_url: endpoint("token")?,
            device_url: endpoint("devicecode")?,
            scope: format!("{instance}/.default"),
            margin: cfg.refresh_margin,
            cache: TokenCache::new(
                cfg.token_cache_path.clone(),
                CacheKey {
                    instance_url: instance.to_string(),
                    tenant_id: cfg.tenant_id.clone(),
                    client_id: cfg.client_id.clone(),
                    auth_method: cfg.auth_method_name().to_string(),
                },
            ),
            current: tokio::sync::Mutex::new(None),
            refused: std::sync::Mutex::new(None),
        })
    }

    #[cfg(any(test, feature = "testkit"))]
    pub(crate) fn cache(&self) -> &TokenCache {
        &self.cache
    }

    /// A usable access token. `rejected` is a token the CRM just answered
    /// 401 to: it is replaced unless another request already did so.
    pub(crate) async fn access_token(
        &self,
        rejected: Option<&Secret>,
        ctx: &Ctx<'_>,
    ) -> Result<Secret, CrmError> {
        let mut guard = self.current.lock().await;
        if guard.is_none() {
            *guard = Some(self.cache.load()?);
        }
        let current = guard.as_ref().and_then(|c| c.as_ref());
        let reason = match current {
            Some(t) if rejected == Some(&t.access) => RefreshReason::Rejected,
            Some(t) if t.expires_at - self.margin_chrono() > Utc::now() => {
                return Ok(t.access.clone());
            }
            Some(_) => RefreshReason::Expiring,
            None => RefreshReason::First,
        };
        emit(ctx.events, ClientEvent::Renewing { reason });
        let _ended = RenewalEnd(ctx.events);
        let fresh = match &self.method {
            AuthConfig::ClientSecret(source) => {
                let secret = source.read()?;
                let client = BasicClient::new(ClientId::new(self.client_id.clone()))
                    .set_client_secret(ClientSecret::new(secret.expose().to_string()))
                    .set_auth_type(AuthType::RequestBody)
                    .set_token_uri(TokenUrl::from_url(self.token_url.clone()));
                let answer = cancellable(
                    ctx.cancel,
                    client
                        .exchange_client_credentials()
                        .add_scope(Scope::new(self.scope.clone()))
                        .request_async(&self.http),
                )
                .await?
                .map_err(token_error)?;
                to_cached(&answer, None)
            }
            AuthConfig::DeviceCode => {
                let Some(refresh) = current.and_then(|t| t.refresh.clone()) else {
                    return Err(CrmError::NotSignedIn {
                        detail: "no refresh token is cached for the device-code sign-in".into(),
                    });
                };
                if let Some(detail) = self.refusal_of(&refresh) {
                    return Err(CrmError::NotSignedIn { detail });
                }
                let client = BasicClient::new(ClientId::new(self.client_id.clone()))
                    .set_auth_type(AuthType::RequestBody)
                    .set_token_uri(TokenUrl::from_url(self.token_url.clone()));
                let answer = cancellable(
                    ctx.cancel,
                    client
                        .exchange_refresh_token(&RefreshToken::new(refresh.expose().to_string()))
                        .add_scope(Scope::new(self.scope.clone()))
                        .request_async(&self.http),
                )
                .await?
                .map_err(|e| match token_error(e) {
                    CrmError::SignIn { code, detail } => {
                        let detail = format!("the refresh token was refused ({code}): {detail}");
                        *lock(&self.refused) = Some((refresh.clone(), detail.clone()));
                        CrmError::NotSignedIn { detail }
                    }
                    other => other,
                })?;
                to_cached(&answer, Some(refresh))
            }
        };
        self.cache.store(&fresh)?;
        let token = fresh.access.clone();
        *guard = Some(Some(fresh));
        ctx.counters.token_refresh();
        emit(ctx.events, ClientEvent::TokenRefreshed { reason });
        Ok(token)
    }

    /// Runs the device-code flow: announces the prompt as a
    /// [`ClientEvent::DeviceCode`], polls at the server's interval (slower
    /// when told `slow_down`) and caches the tokens once approved.
    pub(crate) async fn sign_in_device_code(&self, ctx: &Ctx<'_>) -> Result<(), CrmError> {
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(self.token_url.clone()))
            .set_device_authorization_url(DeviceAuthorizationUrl::from_url(
                self.device_url.clone(),
            ));
        let details: oauth2::DeviceAuthorizationResponse<EntraDeviceFields> = cancellable(
            ctx.cancel,
            client
                .exchange_device_code()
                .add_scope(Scope::new(self.scope.clone()))
                .add_scope(Scope::new("offline_access".into()))
                .request_async(&self.http),
        )
        .await?
        .map_err(token_error)?;
        let verification_uri = details.verification_uri().to_string();
        let user_code = details.user_code().secret().to_string();
        let message = details.extra_fields().message.clone().unwrap_or_else(|| {
            format!("To sign in, use a web browser to open {verification_uri} and enter the code {user_code} to authenticate.")
        });
        emit(
            ctx.events,
            ClientEvent::DeviceCode(DeviceCodePrompt {
                message,
                user_code,
                verification_uri,
                expires_in: details.expires_in(),
            }),
        );
        // Polling at once would break the interval the server asked for.
        cancellable(ctx.cancel, tokio::time::sleep(details.interval())).await?;
        let last_interval = Arc::new(AtomicU64::new(details.interval().as_millis() as u64));
        let events = ctx.events.cloned();
        let sleep = move |interval: Duration| {
            let ms = interval.as_millis() as u64;
            if ms > last_interval.swap(ms, Ordering::Relaxed) {
                emit(
                    events.as_ref(),
                    ClientEvent::DevicePollSlowedDown { interval },
                );
            }
            tokio::time::sleep(interval)
        };
        let answer = cancellable(
            ctx.cancel,
            client
                .exchange_device_access_token(&details)
                .request_async(&self.http, sleep, None),
        )
        .await?
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => match r.error() {
                oauth2::DeviceCodeErrorResponseType::ExpiredToken => CrmError::DeviceCodeExpired,
                oauth2::DeviceCodeErrorResponseType::AccessDenied => CrmError::DeviceCodeDeclined,
                other if other.as_ref() == "authorization_declined" => CrmError::DeviceCodeDeclined,
                _ => server_error(&r),
            },
            other => token_error(other),
        })?;
        let fresh = to_cached(&answer, None);
        self.cache.store(&fresh)?;
        *self.current.lock().await = Some(Some(fresh));
        ctx.counters.token_refresh();
        Ok(())
    }

    /// Why `refresh` was refused, if Entra refused it before.
    fn refusal_of(&self, refresh: &Secret) -> Option<String> {
        lock(&self.refused)
            .as_ref()
            .filter(|(token, _)| token == refresh)
            .map(|(_, detail)| detail.clone())
    }

    fn margin_chrono(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.margin).unwrap_or_else(|_| chrono::Duration::minutes(5))
    }
}

/// The longest lifetime an access token is believed to have. Entra issues
/// them for 60 to 90 minutes; a longer `expires_in` (even one past the
/// last representable date) is capped, so the token is renewed in time
/// and no date computed from it can overflow.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

fn to_cached(answer: &BasicTokenResponse, keep_refresh: Option<Secret>) -> CachedToken {
    let lifetime = answer
        .expires_in()
        .unwrap_or(Duration::from_secs(3600))
        .min(MAX_TOKEN_LIFETIME);
    CachedToken {
        access: Secret::new(answer.access_token().secret().clone()),
        expires_at: Utc::now()
            + chrono::Duration::from_std(lifetime).unwrap_or_else(|_| chrono::Duration::hours(1)),
        refresh: answer
            .refresh_token()
            .map(|r| Secret::new(r.secret().clone()))
            .or(keep_refresh),
    }
}

/// A std mutex that a panic elsewhere cannot make unusable.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn cancellable<T>(
    cancel: &CancellationToken,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, CrmError> {
    tokio::select! {
        out = fut => Ok(out),
        () = cancel.cancelled() => Err(CrmError::Cancelled),
    }
}

/// OAuth errors that say Entra ID itself has a passing fault; Microsoft's
/// guidance is to retry them
/// (<https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application>).
const TRANSIENT_ERRORS: [&str; 2] = ["temporarily_unavailable", "server_error"];

/// A refusal by the token endpoint: a passing fault is a connection error
/// (retried with backoff like an unreachable server), anything else a
/// sign-in refusal, which no retry changes.
fn server_error<T: ErrorResponseType + std::fmt::Display>(
    r: &StandardErrorResponse<T>,
) -> CrmError {
    let code = r.error().to_string();
    let detail = r
        .error_description()
        .map(|d| d.lines().next().unwrap_or_default().to_string())
        .unwrap_or_else(|| "no description".into());
    if TRANSIENT_ERRORS.contains(&code.as_str()) {
        return CrmError::Connection {
            detail: format!("Microsoft Entra ID is temporarily unavailable ({code}): {detail}"),
        };
    }
    CrmError::SignIn { code, detail }
}

/// Never puts a response body in the error: a token answer holds tokens.
fn token_error<RE, T>(e: RequestTokenError<RE, StandardErrorResponse<T>>) -> CrmError
where
    RE: std::error::Error + 'static,
    T: ErrorResponseType + std::fmt::Display + 'static,
{
    match e {
        RequestTokenError::ServerResponse(r) => server_error(&r),
        RequestTokenError::Request(e) => CrmError::Connection {
            detail: format!(
                "sign-in request to Microsoft Entra ID failed: {}",
                chain(&e)
            ),
        },
        RequestTokenError::Parse(e, _body) => CrmError::api(
            None,
            format!("the sign-in server's answer was not understood: {e}"),
        ),
        RequestTokenError::Other(s) => CrmError::api(None, format!("sign-in failed: {s}")),
    }
}

/// An error and its causes on one line (reqwest hides the useful part in
/// `source()`).
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let s_text = s.to_string();
        if !out.contains(&s_text) {
            out.push_str(": ");
            out.push_str(&s_text);
        }
        cur = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &serde_json::Value) -> Option<BasicTokenResponse> {
        serde_json::from_value(json.clone()).ok()
    }

    /// Issue 21: `expires_in: 10000000000000` used to overflow the date.
    #[test]
    fn an_absurd_expires_in_is_capped() {
        let a = answer(&serde_json::json!({
            "access_token": "a", "token_type": "Bearer", "expires_in": 10_000_000_000_000u64
        }))
        .expect("a token answer");
        let t = to_cached(&a, None);
        assert!(t.expires_at <= Utc::now() + chrono::Duration::hours(24));
        assert!(t.expires_at > Utc::now() + chrono::Duration::hours(23));
    }

    proptest::proptest! {
        /// Any `expires_in` a token answer can carry gives a bounded expiry.
        #[test]
        fn any_expires_in_gives_a_bounded_expiry(secs in proptest::num::u64::ANY, token in "\\PC{0,20}") {
            let json = serde_json::json!({
                "access_token": token, "token_type": "Bearer", "expires_in": secs
            });
            if let Some(a) = answer(&json) {
                let t = to_cached(&a, None);
                proptest::prop_assert!(t.expires_at <= Utc::now() + chrono::Duration::hours(24));
            }
        }
    }
}
