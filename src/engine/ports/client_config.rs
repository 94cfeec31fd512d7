//! The crm client's settings, made from the config file: here, in the
//! engine, so the crm client knows nothing of the config's shape.

use std::path::Path;
use std::time::Duration;

use crate::config::{self, AuthMethod, Config};
use crate::crm::{AuthConfig, ClientConfig, CrmError, RetryPolicy, Secret, SecretSource};

/// Builds the client settings from the validated config file.
pub fn client_config(config: &Config, data_dir: &Path) -> Result<ClientConfig, CrmError> {
    let crm = &config.crm;
    let instance_url = crm.instance_url.clone().ok_or_else(|| CrmError::Config {
        detail: "crm.instance_url is not set in the config file".into(),
    })?;
    for (key, v) in [
        ("crm.tenant_id", &crm.tenant_id),
        ("crm.client_id", &crm.client_id),
    ] {
        if v.trim().is_empty() {
            return Err(CrmError::Config {
                detail: format!("{key} is not set in the config file"),
            });
        }
    }
    Ok(ClientConfig {
        instance_url,
        authority_url: crm.authority_url.clone(),
        tenant_id: crm.tenant_id.clone(),
        client_id: crm.client_id.clone(),
        auth: match crm.auth {
            AuthMethod::ClientSecret => AuthConfig::ClientSecret(secret_source(&crm.secret)),
            AuthMethod::DeviceCode => AuthConfig::DeviceCode,
        },
        token_cache_path: crate::paths::token_cache_file(data_dir),
        max_concurrency: crm.max_concurrency,
        page_size: crm.page_size,
        split_rows: crm.split_rows,
        lang: config.lang,
        user_agent: format!("navsync/{}", env!("CARGO_PKG_VERSION")),
        retry: RetryPolicy::default(),
        connect_timeout: Duration::from_secs(10),
        request_timeout: Duration::from_secs(120),
        refresh_margin: Duration::from_secs(300),
    })
}

fn secret_source(s: &config::SecretSource) -> SecretSource {
    match s {
        config::SecretSource::Env(n) => SecretSource::Env(n.clone()),
        config::SecretSource::File(p) => SecretSource::File(p.clone()),
        config::SecretSource::Inline(v) => SecretSource::Inline(Secret::new(v.clone())),
    }
}
