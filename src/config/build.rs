//! The raw file checked, value by value, into a [`Config`]: every refusal
//! names the key, where it is and what is allowed.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::locate::{Locator, line_col};
use super::raw::{RawCrm, RawFile, RawSync, RawWriteback};
use super::urls::{validate_authority, validate_instance_url};
use super::values::{parse_interval, parse_retry_after_failure};
use super::{
    ActivityKind, Choice, Config, ConfigError, CrmConfig, IMPORT_BYTES_RANGE, KeyEntry, Lang,
    SecretSource, SyncConfig, ThreadMode, WritebackConfig,
};

/// `parse`, with the language to use when the file has no `lang`.
pub(super) fn parse_with_lang(path: &Path, text: &str, lang: Lang) -> Result<Config, ConfigError> {
    let loc = Locator { path, text };
    let raw: RawFile = toml::from_str(text).map_err(|e| loc.locate_toml_error(&e))?;
    let mut cfg = Config {
        source: Some(path.to_path_buf()),
        lang: raw.lang.unwrap_or(lang),
        ..Config::default()
    };
    build_crm(&loc, raw.crm, &mut cfg.crm)?;
    build_sync(&loc, raw.sync, &mut cfg.sync)?;
    build_writeback(&loc, raw.writeback, &mut cfg.writeback)?;
    if let Some(t) = raw.matching.name_threshold {
        cfg.matching.name_threshold = unit_interval(&loc, "matching.name_threshold", &t)?;
    }
    if let Some(t) = raw.matching.tie_margin {
        cfg.matching.tie_margin = unit_interval(&loc, "matching.tie_margin", &t)?;
    }
    if let Some(level) = raw.log.level {
        let v = level.get_ref().to_ascii_lowercase();
        if !["error", "warn", "info", "debug", "trace"].contains(&v.as_str()) {
            return Err(loc.at(
                "log.level",
                level.span(),
                crate::t!("cfg-allowed-log-level"),
            ));
        }
        cfg.log_level = v;
    }
    for (action, value) in raw.keys {
        let span = value.span();
        let keys = match value.into_inner() {
            toml::Value::String(k) => vec![k],
            toml::Value::Array(items) if !items.is_empty() => items
                .into_iter()
                .map(|i| match i {
                    toml::Value::String(k) => Some(k),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        if keys.is_empty() {
            return Err(loc.at(
                &format!("keys.{action}"),
                span,
                crate::t!("cfg-allowed-keys"),
            ));
        }
        let (line, column) = line_col(text, span.start);
        cfg.keys.push(KeyEntry {
            action,
            keys,
            line,
            column,
        });
    }
    Ok(cfg)
}

fn build_crm(loc: &Locator, raw: RawCrm, out: &mut CrmConfig) -> Result<(), ConfigError> {
    if let Some(u) = &raw.instance_url {
        out.instance_url = Some(
            validate_instance_url(u.get_ref())
                .map_err(|m| loc.at("crm.instance_url", u.span(), m))?,
        );
    }
    if let Some(t) = &raw.tenant_id {
        if t.get_ref().trim().is_empty() {
            return Err(loc.at("crm.tenant_id", t.span(), crate::t!("cfg-empty-tenant")));
        }
        out.tenant_id = t.get_ref().trim().to_string();
    }
    if let Some(c) = &raw.client_id {
        if c.get_ref().trim().is_empty() {
            return Err(loc.at("crm.client_id", c.span(), crate::t!("cfg-empty-client")));
        }
        out.client_id = c.get_ref().trim().to_string();
    }
    if let Some(a) = &raw.authority_url {
        out.authority_url = validate_authority(a.get_ref())
            .map_err(|m| loc.at("crm.authority_url", a.span(), m))?;
    }
    if let Some(a) = raw.auth {
        out.auth = a;
    }
    let sources = [
        raw.client_secret_env.is_some(),
        raw.client_secret_file.is_some(),
        raw.client_secret.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() > 1 {
        let span = raw
            .client_secret
            .as_ref()
            .or(raw.client_secret_file.as_ref())
            .map(|s| s.span())
            .unwrap_or(0..0);
        return Err(loc.at("crm.client_secret", span, crate::t!("cfg-one-secret")));
    }
    if let Some(e) = raw.client_secret_env {
        if e.get_ref().trim().is_empty() {
            return Err(loc.at(
                "crm.client_secret_env",
                e.span(),
                crate::t!("cfg-secret-env-empty"),
            ));
        }
        out.secret = SecretSource::Env(e.into_inner());
    }
    if let Some(f) = raw.client_secret_file {
        out.secret = SecretSource::File(PathBuf::from(f.into_inner()));
    }
    if let Some(s) = raw.client_secret {
        if !crate::paths::is_private_file(loc.path) {
            return Err(loc.at(
                "crm.client_secret",
                s.span(),
                crate::t!("cfg-inline-secret", path = loc.path.display().to_string()),
            ));
        }
        out.secret = SecretSource::Inline(s.into_inner());
    }
    if let Some(n) = &raw.max_concurrency {
        let v = *n.get_ref();
        if !(1..=50).contains(&v) {
            return Err(loc.at(
                "crm.max_concurrency",
                n.span(),
                crate::t!("cfg-allowed-concurrency"),
            ));
        }
        out.max_concurrency = v as usize;
    }
    if let Some(n) = &raw.page_size {
        let v = *n.get_ref();
        if !(1..=5000).contains(&v) {
            return Err(loc.at(
                "crm.page_size",
                n.span(),
                crate::t!("cfg-allowed-page-size"),
            ));
        }
        out.page_size = v as u32;
    }
    if let Some(n) = &raw.split_rows {
        let v = *n.get_ref();
        if v < 0 {
            return Err(loc.at(
                "crm.split_rows",
                n.span(),
                crate::t!("cfg-allowed-split-rows"),
            ));
        }
        out.split_rows = v as u64;
    }
    Ok(())
}

fn build_sync(loc: &Locator, raw: RawSync, out: &mut SyncConfig) -> Result<(), ConfigError> {
    if let Some(i) = &raw.interval {
        out.interval =
            parse_interval(i.get_ref()).map_err(|m| loc.at("sync.interval", i.span(), m))?;
    }
    if let Some(r) = &raw.retry_after_failure {
        out.retry_after_failure = parse_retry_after_failure(r.get_ref())
            .map_err(|m| loc.at("sync.retry_after_failure", r.span(), m))?;
    }
    if let Some(a) = raw.auto_sync_all_seats {
        out.auto_sync_all_seats = a;
    }
    if let Some(stage) = &raw.pipeline_stage {
        out.pipeline_stage = match stage.get_ref() {
            toml::Value::String(s) if is_not_sure(s) => Choice::NotSure,
            toml::Value::String(s) => match s.trim().parse::<i64>() {
                Ok(v) => Choice::Value(v),
                Err(_) => {
                    return Err(loc.at(
                        "sync.pipeline_stage",
                        stage.span(),
                        crate::t!("cfg-allowed-stage"),
                    ));
                }
            },
            toml::Value::Integer(v) => Choice::Value(*v),
            _ => {
                return Err(loc.at(
                    "sync.pipeline_stage",
                    stage.span(),
                    crate::t!("cfg-allowed-stage"),
                ));
            }
        };
    }
    if let Some(w) = &raw.won_value_field {
        let v = w.get_ref().trim();
        out.won_value_field = if is_not_sure(v) {
            Choice::NotSure
        } else if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            Choice::Value(v.to_ascii_lowercase())
        } else {
            return Err(loc.at(
                "sync.won_value_field",
                w.span(),
                crate::t!("cfg-allowed-won-value"),
            ));
        };
    }
    Ok(())
}

fn build_writeback(
    loc: &Locator,
    raw: RawWriteback,
    out: &mut WritebackConfig,
) -> Result<(), ConfigError> {
    if let Some(e) = raw.enabled {
        out.enabled = e;
    }
    if let Some(kinds) = raw.kinds {
        let span = kinds.span();
        let mut parsed = Vec::new();
        for k in kinds.into_inner() {
            let kind = ActivityKind::parse(k.get_ref()).ok_or_else(|| {
                loc.at("writeback.kinds", k.span(), crate::t!("cfg-allowed-kinds"))
            })?;
            if !parsed.contains(&kind) {
                parsed.push(kind);
            }
        }
        if parsed.is_empty() {
            return Err(loc.at("writeback.kinds", span, crate::t!("cfg-no-kinds")));
        }
        out.kinds = parsed;
    }
    if let Some(b) = raw.on_behalf_of_seat_holder {
        out.on_behalf_of_seat_holder = b;
    }
    out.required_solution = raw.required_solution.filter(|s| !s.trim().is_empty());
    out.activity_inbox = raw
        .activity_inbox
        .filter(|s| !s.trim().is_empty())
        .map(PathBuf::from);
    if let Some(t) = raw.threads {
        out.threads = match t.get_ref().trim() {
            "conversation" => ThreadMode::Conversation,
            "per_message" => ThreadMode::PerMessage,
            _ => {
                return Err(loc.at(
                    "writeback.threads",
                    t.span(),
                    crate::t!("cfg-allowed-threads"),
                ));
            }
        };
    }
    if let Some(n) = &raw.max_import_bytes {
        let v = *n.get_ref();
        if !IMPORT_BYTES_RANGE.contains(&v) {
            return Err(loc.at(
                "writeback.max_import_bytes",
                n.span(),
                crate::t!("cfg-allowed-import-bytes"),
            ));
        }
        out.max_import_bytes = v as u64;
    }
    Ok(())
}

fn unit_interval(loc: &Locator, key: &str, v: &Spanned<f64>) -> Result<f64, ConfigError> {
    let x = *v.get_ref();
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(loc.at(key, v.span(), crate::t!("cfg-allowed-unit")))
    }
}

fn is_not_sure(s: &str) -> bool {
    matches!(
        s.trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str(),
        "not_sure" | "no_estoy_seguro"
    )
}
