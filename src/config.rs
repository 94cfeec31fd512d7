//! The TOML configuration: where it is found, what it may contain, and the
//! validation that turns a bad file into one message naming file, line,
//! column, key and what is allowed (an admin fixing it over SSH has nothing
//! else to go on).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

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

/// Message languages; the seed's own wording is Spanish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Es,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    #[default]
    ClientSecret,
    DeviceCode,
}

/// The kinds of workspace activity that can be written back.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum ActivityKind {
    Inmail,
    Message,
    Note,
    /// A label a seat holder put on a member ("Decision maker").
    Tag,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 4] = [Self::Inmail, Self::Message, Self::Note, Self::Tag];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inmail => "inmail",
            Self::Message => "message",
            Self::Note => "note",
            Self::Tag => "tag",
        }
    }

    /// Kinds that are part of a conversation and may carry a `thread`.
    pub fn in_threads(self) -> bool {
        matches!(self, Self::Inmail | Self::Message)
    }

    /// How the kind reads in a sentence ("Ana's InMail").
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "inmail" => Some(Self::Inmail),
            "message" => Some(Self::Message),
            "note" => Some(Self::Note),
            "tag" => Some(Self::Tag),
            _ => None,
        }
    }
}

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
    pub fn conversation_subject(&self, member: &str) -> String {
        crate::t_in!(self.lang, "written-conversation-subject", member = member)
    }

    /// The first line of a description whose oldest `count` messages
    /// did not fit.
    pub fn earlier_messages(&self, count: usize) -> String {
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
/// The shortest sync interval, in config.toml and in the console alike: a
/// tighter schedule only burns the CRM's service-protection budget.
/// Full reads of tables this big are split into ranges by default: at
/// 100 ms per request `bench scale` measures a split read of 50,000
/// opportunities (10 pages) in half their page chain's time; 20,000 rows
/// (4 pages) gain less, and in a whole pull their ranges take places the
/// bigger tables need (README, "Performance").
pub const DEFAULT_SPLIT_ROWS: u64 = 50_000;

pub const MIN_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// The longest: a year between syncs is already no schedule at all, and
/// a bound keeps `n * unit` from overflowing.
pub const MAX_INTERVAL: Duration = Duration::from_secs(365 * 86_400);
/// `[writeback] max_import_bytes` by default: far above a real export,
/// low enough that one file cannot fill the disk's page cache and memory.
pub const DEFAULT_MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;
/// What `max_import_bytes` may be set to.
const IMPORT_BYTES_RANGE: std::ops::RangeInclusive<i64> = 1024..=(16 * 1024 * 1024 * 1024);

// ---- raw file shape: what serde sees, with spans for located errors ----

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
    lang: Option<Lang>,
    #[serde(default)]
    crm: RawCrm,
    #[serde(default)]
    sync: RawSync,
    #[serde(default)]
    writeback: RawWriteback,
    #[serde(default)]
    matching: RawMatching,
    #[serde(default)]
    log: RawLog,
    #[serde(default)]
    keys: std::collections::BTreeMap<String, Spanned<toml::Value>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCrm {
    instance_url: Option<Spanned<String>>,
    tenant_id: Option<Spanned<String>>,
    client_id: Option<Spanned<String>>,
    authority_url: Option<Spanned<String>>,
    auth: Option<AuthMethod>,
    client_secret_env: Option<Spanned<String>>,
    client_secret_file: Option<Spanned<String>>,
    client_secret: Option<Spanned<String>>,
    max_concurrency: Option<Spanned<i64>>,
    page_size: Option<Spanned<i64>>,
    split_rows: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSync {
    interval: Option<Spanned<String>>,
    retry_after_failure: Option<Spanned<String>>,
    auto_sync_all_seats: Option<bool>,
    pipeline_stage: Option<Spanned<toml::Value>>,
    won_value_field: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawWriteback {
    enabled: Option<bool>,
    kinds: Option<Spanned<Vec<Spanned<String>>>>,
    on_behalf_of_seat_holder: Option<bool>,
    required_solution: Option<String>,
    activity_inbox: Option<String>,
    threads: Option<Spanned<String>>,
    max_import_bytes: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMatching {
    name_threshold: Option<Spanned<f64>>,
    tie_margin: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLog {
    level: Option<Spanned<String>>,
}

/// Which file to read: `--config` (or `$NAVSYNC_CONFIG`, which clap
/// reads into it), else the platform config dir.
pub fn locate(cli: Option<&Path>) -> Option<PathBuf> {
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
        Ok(text) => parse_with_lang(&path, &text, env_lang),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(defaults()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ConfigError::Missing(path)),
        Err(source) => Err(ConfigError::Read { path, source }),
    }
}

/// Parses and validates config text that came from `path` (English when
/// it has no `lang`).
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    parse_with_lang(path, text, Lang::En)
}

/// `parse`, with the language to use when the file has no `lang`.
fn parse_with_lang(path: &Path, text: &str, lang: Lang) -> Result<Config, ConfigError> {
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

/// Parses `30m`, `6h`, `1d` (minimum five minutes: a tighter schedule only
/// burns the CRM's service-protection budget; at most [`MAX_INTERVAL`]).
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let allowed = crate::t!("cfg-allowed-interval");
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().map_err(|_| allowed.clone())?;
    let unit_secs: u64 = match unit.trim() {
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(allowed),
    };
    let d = Duration::from_secs(n.checked_mul(unit_secs).ok_or_else(|| allowed.clone())?);
    if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&d) {
        return Err(allowed);
    }
    Ok(d)
}

/// Parses `45s`, `1m`, `10m`: the first wait after a failed run, from one
/// second (tests, the emulator) to one hour.
pub fn parse_retry_after_failure(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let allowed = || crate::t!("cfg-allowed-retry-after-failure");
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().map_err(|_| allowed())?;
    let secs = match unit.trim() {
        "s" => n,
        "m" | "min" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(allowed()),
    };
    if !(1..=3600).contains(&secs) {
        return Err(allowed());
    }
    Ok(Duration::from_secs(secs))
}

/// Accepts Dynamics 365 online hosts (`ORG.crm.dynamics.com`, regional
/// `ORG.crmN.dynamics.com`) over https, and loopback over http for the
/// emulator. Anything else is refused with the reason.
pub fn validate_instance_url(s: &str) -> Result<url::Url, String> {
    let url = parse_instance_url(s.trim())
        .map_err(|e| crate::t!("cfg-not-a-url-instance", error = e.to_string()))?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if is_loopback(&url) {
        return Ok(normalise_base(url));
    }
    if url.scheme() != "https" {
        return Err(crate::t!(
            "cfg-not-https",
            scheme = url.scheme().to_string(),
            host = host
        ));
    }
    if is_dynamics_online_host(&host) {
        return Ok(normalise_base(url));
    }
    if host.ends_with(".dynamics.com") {
        return Err(crate::t!("cfg-not-instance-host", host = host));
    }
    Err(crate::t!("cfg-on-premise", host = host))
}

/// A bare host (`contoso.crm.dynamics.com`, what the Power Platform admin
/// center shows as the environment URL without its scheme) is read as
/// https: it is the only scheme an online instance answers on.
fn parse_instance_url(s: &str) -> Result<url::Url, url::ParseError> {
    match url::Url::parse(s) {
        Err(url::ParseError::RelativeUrlWithoutBase) if !s.is_empty() && !s.contains("://") => {
            url::Url::parse(&format!("https://{s}"))
        }
        parsed => parsed,
    }
}

/// An Entra tenant as the token endpoint takes it: its id (a GUID) or one
/// of its verified domain names (`contoso.onmicrosoft.com`); a URL, a
/// path or a made-up word is refused with what is expected.
pub fn validate_tenant_id(s: &str) -> Result<String, String> {
    let t = s.trim();
    if is_guid(t) || is_domain_name(t) {
        Ok(t.to_string())
    } else {
        Err(crate::t!("cfg-bad-tenant", answer = format!("{t:?}")))
    }
}

/// An application (client) id: always a GUID in Entra.
pub fn validate_client_id(s: &str) -> Result<String, String> {
    let c = s.trim();
    if is_guid(c) {
        Ok(c.to_string())
    } else {
        Err(crate::t!("cfg-bad-client", answer = format!("{c:?}")))
    }
}

/// The 8-4-4-4-12 hyphenated form Entra prints (no braces, no URN).
fn is_guid(s: &str) -> bool {
    s.len() == 36 && s.contains('-') && uuid::Uuid::try_parse(s).is_ok()
}

/// At least two dot-separated labels of letters, digits and inner hyphens.
fn is_domain_name(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && s.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn validate_authority(s: &str) -> Result<url::Url, String> {
    let url =
        url::Url::parse(s.trim()).map_err(|e| crate::t!("cfg-not-a-url", error = e.to_string()))?;
    if url.scheme() == "https" || is_loopback(&url) {
        Ok(normalise_base(url))
    } else {
        Err(crate::t!("cfg-authority-https"))
    }
}

/// http(s) to this machine (the emulator): the only place plain http is
/// allowed. Any other scheme is refused whatever the host.
fn is_loopback(url: &url::Url) -> bool {
    let host = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    matches!(url.scheme(), "http" | "https") && host
}

#[cfg(test)]
mod loopback_tests {
    use super::is_loopback;

    #[test]
    fn only_http_or_https_to_this_machine_is_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://localhost",
        ] {
            assert!(is_loopback(&url::Url::parse(ok).unwrap()), "{ok}");
        }
        for no in [
            "ftp://localhost/x",
            "file://localhost/etc/passwd",
            "ws://[::1]:9",
            "http://10.0.0.1",
            "http://localhost.example.com",
        ] {
            assert!(!is_loopback(&url::Url::parse(no).unwrap()), "{no}");
        }
    }
}

/// `ORG.crm.dynamics.com` or `ORG.crm<N>.dynamics.com`.
pub fn is_dynamics_online_host(host: &str) -> bool {
    let Some(rest) = host.strip_suffix(".dynamics.com") else {
        return false;
    };
    let mut parts = rest.rsplitn(2, '.');
    let (Some(region), Some(org)) = (parts.next(), parts.next()) else {
        return false;
    };
    let region_ok = region == "crm"
        || region
            .strip_prefix("crm")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    region_ok && !org.is_empty() && !org.contains('.')
}

/// Drops path, query and fragment so `https://org.crm.dynamics.com/main.aspx`
/// and `.../` give the same instance.
fn normalise_base(mut url: url::Url) -> url::Url {
    url.set_path("");
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// Turns byte spans into line/column and the key they belong to.
struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Locator<'_> {
    fn at(&self, key: &str, span: std::ops::Range<usize>, message: String) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            key: key.to_string(),
            message,
        }
    }

    fn locate_toml_error(&self, e: &toml::de::Error) -> ConfigError {
        let span = e.span().unwrap_or(0..0);
        let key = key_at(self.text, span.start).unwrap_or_else(|| "(document)".into());
        let message = plain_words(&e.message().trim().replace('\n', " "));
        self.at(&key, span, message)
    }
}

/// serde's type names in an admin's words: "expected i64" means nothing
/// to someone fixing a file over SSH.
fn plain_words(message: &str) -> String {
    [
        ("expected i64", "expected a whole number, without quotes"),
        ("expected u64", "expected a whole number, without quotes"),
        (
            "expected f64",
            "expected a number such as 0.9, without quotes",
        ),
        (
            "expected a boolean",
            "expected true or false, without quotes",
        ),
        ("expected a string", "expected text in double quotes"),
        (
            "expected a sequence",
            "expected a list in brackets, e.g. [\"inmail\", \"note\"]",
        ),
    ]
    .iter()
    .fold(message.to_string(), |m, (from, to)| m.replace(from, to))
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The dotted key of the line holding `offset`, found from the line's
/// `key =` and the nearest `[table]` header above it.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    let trimmed = line.trim();
    if trimmed.starts_with('[') {
        return Some(trimmed.trim_matches(['[', ']']).trim().to_string());
    }
    let key = trimmed.split('=').next()?.trim().trim_matches('"');
    if key.is_empty() {
        return table;
    }
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// The line (from 1) where `dotted` (`sync.interval`) is set in a config
/// file's `text`, under its `[table]` or written out dotted; `None` when
/// the file does not set it (the built-in default applies). For saying
/// where a value comes from.
pub fn key_line(text: &str, dotted: &str) -> Option<usize> {
    let mut table = String::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            table = line.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        let full = if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        };
        if full == dotted {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn key_line_finds_a_key_under_its_table_or_dotted() {
        let text =
            "lang = \"es\"\n[sync]\n# every\ninterval = \"15m\"\n[writeback]\nenabled = false\n";
        assert_eq!(super::key_line(text, "sync.interval"), Some(4));
        assert_eq!(super::key_line(text, "writeback.enabled"), Some(6));
        assert_eq!(super::key_line(text, "sync.pipeline_stage"), None);
        assert_eq!(
            super::key_line("sync.interval = \"1h\"", "sync.interval"),
            Some(1)
        );
    }

    use super::*;

    #[test]
    fn interval_units() {
        assert_eq!(parse_interval("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_interval("1d").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_interval("365d").unwrap(), MAX_INTERVAL);
        for out_of_range in ["366d", "142620660199513663d", "18446744073709551615m", "4m"] {
            assert!(parse_interval(out_of_range).is_err(), "{out_of_range}");
        }
        assert!(parse_interval("1m").is_err());
        assert!(parse_interval("fast").is_err());
        assert_eq!(
            parse_retry_after_failure("45s").unwrap(),
            Duration::from_secs(45)
        );
        assert_eq!(
            parse_retry_after_failure("2m").unwrap(),
            Duration::from_secs(120)
        );
        for bad in ["0s", "2h", "soon", "99999999999999999999m"] {
            assert!(parse_retry_after_failure(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dynamics_hosts() {
        assert!(is_dynamics_online_host("contoso.crm.dynamics.com"));
        assert!(is_dynamics_online_host("contoso.crm4.dynamics.com"));
        assert!(!is_dynamics_online_host("crm.dynamics.com"));
        assert!(!is_dynamics_online_host("contoso.crmx.dynamics.com"));
        assert!(!is_dynamics_online_host("a.b.crm.dynamics.com"));
    }

    #[test]
    fn an_inline_secret_never_reaches_debug_output() {
        let shown = format!("{:?}", SecretSource::Inline("s3cr3t-value".into()));
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn key_lookup_uses_table_header() {
        let t = "[crm]\nx = 1\n[sync]\ninterval = true\n";
        let off = t.find("true").unwrap();
        assert_eq!(key_at(t, off).as_deref(), Some("sync.interval"));
    }
}
