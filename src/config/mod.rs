//! The TOML configuration: where it is found, what it may contain, and the
//! validation that turns a bad file into one message naming file, line,
//! column, key and what is allowed (an admin fixing it over SSH has nothing
//! else to go on).
//!
//! `raw` is the file's shape as serde reads it, `build` checks it into a
//! [`Config`], `values` holds the rules for single values, `urls` puts the
//! client's URL rules (`crm::instance_url`) in words, and `locate` turns
//! byte offsets into the file, line, column and key of a message.

mod build;
mod locate;
mod raw;
mod urls;
mod values;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::vocab::Word;

pub use crate::i18n::Lang;
pub use locate::key_line;
pub use urls::validate_instance_url;
pub use values::{
    parse_interval, parse_retry_after_failure, validate_client_id, validate_tenant_id,
};

/// Every way a configuration can be unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", crate::t!("cfg-cannot-read", path = path.display().to_string(), error = source.to_string()))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A located problem: `path:line:col: key `k`: message`.
    #[error("{}:{line}:{column}: {}", path.display(), crate::t!("cfg-invalid", key = key.clone(), message = message.clone()))]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
        message: String,
    },
    #[error("{}", crate::t!("cfg-missing", path = .0.display().to_string()))]
    Missing(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    #[default]
    ClientSecret,
    DeviceCode,
}

/// The kinds of workspace activity, a word of the domain.
pub use crate::vocab::ActivityKind;

/// The pipeline-entry stage or the won-value field: a CRM choice or the
/// seed's "Not sure".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Choice<T> {
    #[default]
    NotSure,
    Value(T),
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from; `None` for built-in defaults (demo).
    pub source: Option<PathBuf>,
    pub lang: Lang,
    pub crm: CrmConfig,
    pub sync: SyncConfig,
    pub writeback: WritebackConfig,
    pub matching: MatchingConfig,
    pub log_level: String,
    /// `[keys]`: the console's key bindings the user changed.
    pub keys: Vec<KeyEntry>,
}

/// One entry of `[keys]`: an action of the console and the keys that
/// replace its own, with where it was written (the console checks the
/// names and clashes at start and points here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    pub action: String,
    pub keys: Vec<String>,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub struct CrmConfig {
    pub instance_url: Option<url::Url>,
    pub tenant_id: String,
    pub client_id: String,
    pub authority_url: url::Url,
    pub auth: AuthMethod,
    pub secret: SecretSource,
    pub max_concurrency: usize,
    pub page_size: u32,
    /// A full read of a table this big or bigger is split into ranges
    /// read in parallel ([`DEFAULT_SPLIT_ROWS`]); 0 never splits.
    pub split_rows: u64,
}

/// Where the client secret is read from. Env and file secrets are read
/// only when a token is needed; an inline one is held here, so `Debug`
/// never prints it.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    Env(String),
    File(PathBuf),
    /// Inline in a 0600 config file.
    Inline(String),
}

impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Env(var) => f.debug_tuple("Env").field(var).finish(),
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            Self::Inline(_) => f.write_str("Inline(<redacted>)"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SyncConfig {
    pub interval: Duration,
    /// The first wait before trying again after a failed run (it doubles
    /// with each failure in a row, up to the interval).
    pub retry_after_failure: Duration,
    pub auto_sync_all_seats: bool,
    pub pipeline_stage: Choice<i64>,
    pub won_value_field: Choice<String>,
}

#[derive(Debug, Clone)]
pub struct WritebackConfig {
    pub enabled: bool,
    pub kinds: Vec<ActivityKind>,
    pub on_behalf_of_seat_holder: bool,
    pub required_solution: Option<String>,
    pub activity_inbox: Option<PathBuf>,
    pub threads: ThreadMode,
    /// The largest activity file an import reads (README, "Limits").
    pub max_import_bytes: u64,
}

/// `[writeback] threads`: how the messages of one conversation go back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThreadMode {
    /// One activity per thread, member and seat, updated as messages come.
    #[default]
    Conversation,
    /// Every message its own activity, as if it had no thread.
    PerMessage,
}

/// The words navsync writes into the CRM itself (a conversation's subject,
/// the mark for messages that did not fit): data the CRM keeps, in the
/// configured language, made here so the engine only fills them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenWords {
    lang: Lang,
}

impl WrittenWords {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The subject of a conversation's activity.
    pub(crate) fn conversation_subject(&self, member: &str) -> String {
        crate::t_in!(self.lang, "written-conversation-subject", member = member)
    }

    /// The first line of a description whose oldest `count` messages
    /// did not fit.
    pub(crate) fn earlier_messages(&self, count: usize) -> String {
        crate::t_in!(self.lang, "written-earlier-messages", count = count)
    }
}

#[derive(Debug, Clone)]
pub struct MatchingConfig {
    pub name_threshold: f64,
    pub tie_margin: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            source: None,
            lang: Lang::En,
            crm: CrmConfig {
                instance_url: None,
                tenant_id: String::new(),
                client_id: String::new(),
                authority_url: url::Url::parse(DEFAULT_AUTHORITY).expect("constant URL"),
                auth: AuthMethod::ClientSecret,
                secret: SecretSource::Env("NAVSYNC_CLIENT_SECRET".into()),
                max_concurrency: 8,
                page_size: 5000,
                split_rows: DEFAULT_SPLIT_ROWS,
            },
            sync: SyncConfig {
                interval: Duration::from_secs(24 * 3600),
                retry_after_failure: Duration::from_secs(45),
                auto_sync_all_seats: true,
                pipeline_stage: Choice::NotSure,
                won_value_field: Choice::NotSure,
            },
            writeback: WritebackConfig {
                enabled: false,
                kinds: ActivityKind::ALL.to_vec(),
                on_behalf_of_seat_holder: false,
                required_solution: None,
                activity_inbox: None,
                threads: ThreadMode::Conversation,
                max_import_bytes: DEFAULT_MAX_IMPORT_BYTES,
            },
            matching: MatchingConfig {
                name_threshold: 0.90,
                tie_margin: 0.02,
            },
            log_level: "info".into(),
            keys: Vec::new(),
        }
    }
}

const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// Full reads of tables this big are split into ranges by default: at
/// 100 ms per request `bench scale` measures a split read of 50,000
/// opportunities (10 pages) in half their page chain's time; 20,000 rows
/// (4 pages) gain less, and in a whole pull their ranges take places the
/// bigger tables need (README, "Performance").
pub const DEFAULT_SPLIT_ROWS: u64 = 50_000;
/// The shortest sync interval, in config.toml and in the console alike: a
/// tighter schedule only burns the CRM's service-protection budget.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// The longest: a year between syncs is already no schedule at all, and
/// a bound keeps `n * unit` from overflowing.
pub(crate) const MAX_INTERVAL: Duration = Duration::from_secs(365 * 86_400);
/// `[writeback] max_import_bytes` by default: far above a real export,
/// low enough that one file cannot fill the disk's page cache and memory.
pub const DEFAULT_MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;
/// What `max_import_bytes` may be set to.
const IMPORT_BYTES_RANGE: std::ops::RangeInclusive<i64> = 1024..=(16 * 1024 * 1024 * 1024);

/// Which file to read: `--config` (or `$NAVSYNC_CONFIG`, which clap
/// reads into it), else the platform config dir.
pub(crate) fn locate(cli: Option<&Path>) -> Option<PathBuf> {
    match cli {
        Some(p) => Some(p.to_path_buf()),
        None => crate::paths::default_config_file(),
    }
}

/// Loads the configuration. `required` is false for commands that run fine
/// on defaults (demo, sim): a missing file then yields `Config::default()`.
/// Without `lang` in the file, the language is the environment's
/// (`LC_ALL`, `LC_MESSAGES`, `LANG`).
pub fn load(cli: Option<&Path>, required: bool) -> Result<Config, ConfigError> {
    let env_lang = crate::i18n::lang_from_env(|k| std::env::var(k).ok());
    let defaults = || Config {
        lang: env_lang,
        ..Config::default()
    };
    let Some(path) = locate(cli) else {
        return if required {
            Err(ConfigError::Missing(PathBuf::from("<no config dir>")))
        } else {
            Ok(defaults())
        };
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => build::parse_with_lang(&path, &text, env_lang),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(defaults()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ConfigError::Missing(path)),
        Err(source) => Err(ConfigError::Read { path, source }),
    }
}

/// Parses and validates config text that came from `path` (English when
/// it has no `lang`).
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    build::parse_with_lang(path, text, Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_secret_never_reaches_debug_output() {
        let shown = format!("{:?}", SecretSource::Inline("s3cr3t-value".into()));
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}
