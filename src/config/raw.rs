//! The file's shape as serde sees it, with spans for located errors.

use serde::Deserialize;
use toml::Spanned;

use super::{AuthMethod, Lang};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) lang: Option<Lang>,
    #[serde(default)]
    pub(super) crm: RawCrm,
    #[serde(default)]
    pub(super) sync: RawSync,
    #[serde(default)]
    pub(super) writeback: RawWriteback,
    #[serde(default)]
    pub(super) matching: RawMatching,
    #[serde(default)]
    pub(super) log: RawLog,
    #[serde(default)]
    pub(super) keys: std::collections::BTreeMap<String, Spanned<toml::Value>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCrm {
    pub(super) instance_url: Option<Spanned<String>>,
    pub(super) tenant_id: Option<Spanned<String>>,
    pub(super) client_id: Option<Spanned<String>>,
    pub(super) authority_url: Option<Spanned<String>>,
    pub(super) auth: Option<AuthMethod>,
    pub(super) client_secret_env: Option<Spanned<String>>,
    pub(super) client_secret_file: Option<Spanned<String>>,
    pub(super) client_secret: Option<Spanned<String>>,
    pub(super) max_concurrency: Option<Spanned<i64>>,
    pub(super) page_size: Option<Spanned<i64>>,
    pub(super) split_rows: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSync {
    pub(super) interval: Option<Spanned<String>>,
    pub(super) retry_after_failure: Option<Spanned<String>>,
    pub(super) auto_sync_all_seats: Option<bool>,
    pub(super) pipeline_stage: Option<Spanned<toml::Value>>,
    pub(super) won_value_field: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWriteback {
    pub(super) enabled: Option<bool>,
    pub(super) kinds: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) on_behalf_of_seat_holder: Option<bool>,
    pub(super) required_solution: Option<String>,
    pub(super) activity_inbox: Option<String>,
    pub(super) threads: Option<Spanned<String>>,
    pub(super) max_import_bytes: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMatching {
    pub(super) name_threshold: Option<Spanned<f64>>,
    pub(super) tie_margin: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLog {
    pub(super) level: Option<Spanned<String>>,
}
