//! `navsync doctor [--bundle FILE]`: checks this host the way support would
//! — who owns the data dir and the engine's socket and who may read them,
//! the modes of the config, secret and token files, the service unit, the
//! clock against the CRM's, and whether the instance and the sign-in server
//! answer — one line each, then exits 0 when nothing failed (warnings
//! allowed) and 1 otherwise. `--bundle` also writes a plain tar archive for
//! a support ticket: the config with its secret removed, `status --json`,
//! the last runs, the last log lines, versions and this report; any secret
//! or token this host holds is blanked from every file before it is
//! written, and the archive is readable by its owner only.

use std::fmt::Write as _;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use crate::config::{AuthMethod, Config, SecretSource};
use crate::exit::ExitStatus;

/// A host clock further than this from the CRM's fails sign-in: Microsoft's
/// token validation allows 300 s of clock skew
/// (https://learn.microsoft.com/dotnet/api/microsoft.identitymodel.tokens.tokenvalidationparameters.defaultclockskew).
const SKEW_FAILS: i64 = 300;
/// Worth fixing before it gets there.
const SKEW_WARNS: i64 = 30;
/// The longest `systemctl is-active` may take.
const SYSTEMCTL_TIMEOUT: Duration = Duration::from_secs(5);
/// Log lines in a bundle.
const BUNDLE_LOG_LINES: usize = 500;
/// Runs in a bundle.
const BUNDLE_RUNS: usize = 10;
/// What stands in for a removed secret or token.
const REMOVED: &str = "<removed>";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Info,
    Warn,
    Fail,
}

impl Verdict {
    fn key(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

/// The report, as lines are added.
#[derive(Default)]
struct Report {
    lines: Vec<(Verdict, String)>,
}

impl Report {
    fn add(&mut self, verdict: Verdict, text: String) {
        self.lines.push((verdict, text));
    }

    fn count(&self, v: Verdict) -> usize {
        self.lines.iter().filter(|(x, _)| *x == v).count()
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for (v, text) in &self.lines {
            let _ = writeln!(
                out,
                "{}",
                crate::t!("doctor-line", verdict = v.key(), text = text.clone())
            );
        }
        let _ = writeln!(
            out,
            "{}",
            crate::t!(
                "doctor-summary",
                fails = self.count(Verdict::Fail),
                warns = self.count(Verdict::Warn)
            )
        );
        out
    }
}

pub fn run(config: &Config, data_dir: &Path, bundle: Option<&Path>) -> ExitStatus {
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    let report = runtime.block_on(examine(config, data_dir));
    let text = report.text();
    print!("{text}");
    if let Some(path) = bundle {
        match write_bundle(path, config, data_dir, &text) {
            Ok(()) => println!(
                "{}",
                crate::t!("doctor-bundle-wrote", path = path.display().to_string())
            ),
            Err(e) => {
                eprintln!(
                    "navsync: {}",
                    crate::t!(
                        "doctor-bundle-failed",
                        path = path.display().to_string(),
                        error = e.to_string()
                    )
                );
                return ExitStatus::Failure;
            }
        }
    }
    if report.count(Verdict::Fail) > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Ok
    }
}

async fn examine(config: &Config, data_dir: &Path) -> Report {
    let mut r = Report::default();
    r.add(
        Verdict::Info,
        crate::t!("doctor-version", version = env!("CARGO_PKG_VERSION")),
    );
    private_path(&mut r, data_dir, true);
    socket(&mut r, data_dir).await;
    match &config.source {
        Some(path) => private_path(
            &mut r,
            path,
            matches!(config.crm.secret, SecretSource::Inline(_)),
        ),
        None => r.add(Verdict::Warn, crate::t!("doctor-no-config")),
    }
    secret(&mut r, config);
    let cache = crate::paths::token_cache_file(data_dir);
    if cache.exists() {
        private_path(&mut r, &cache, true);
    } else {
        r.add(Verdict::Info, crate::t!("doctor-no-token-cache"));
    }
    service(&mut r, data_dir).await;
    network(&mut r, config).await;
    r
}

/// Owned by this user, and (when `secret`) readable by nobody else.
fn private_path(r: &mut Report, path: &Path, secret: bool) {
    let shown = path.display().to_string();
    let Ok(meta) = std::fs::metadata(path) else {
        r.add(Verdict::Fail, crate::t!("doctor-missing", path = shown));
        return;
    };
    let me = rustix::process::geteuid().as_raw();
    let mode = format!("{:04o}", meta.mode() & 0o7777);
    if meta.uid() != me {
        r.add(
            Verdict::Fail,
            crate::t!(
                "doctor-not-owner",
                path = shown,
                owner = meta.uid().to_string(),
                me = me.to_string()
            ),
        );
    } else if meta.mode() & 0o077 != 0 && secret {
        r.add(
            Verdict::Fail,
            crate::t!("doctor-open", path = shown, mode = mode),
        );
    } else {
        r.add(
            Verdict::Ok,
            crate::t!("doctor-private", path = shown, mode = mode),
        );
    }
}

/// The engine's socket: private, and someone answers on it.
async fn socket(r: &mut Report, data_dir: &Path) {
    let path = crate::service::socket_file(data_dir);
    if !path.exists() {
        r.add(Verdict::Info, crate::t!("doctor-no-socket"));
        return;
    }
    private_path(r, &path, true);
    let answered =
        crate::service::client::attach(&path, crate::service::client::Reconnect::Never).await;
    match answered {
        Ok(mut h) => {
            h.shutdown().await;
            r.add(Verdict::Ok, crate::t!("doctor-engine-answers"));
        }
        Err(_) => r.add(
            Verdict::Warn,
            crate::t!("doctor-stale-socket", path = path.display().to_string()),
        ),
    }
}

/// Where the client secret comes from, and that it is there (never its value).
fn secret(r: &mut Report, config: &Config) {
    if config.crm.auth == AuthMethod::DeviceCode {
        r.add(Verdict::Info, crate::t!("doctor-device-code"));
        return;
    }
    match &config.crm.secret {
        SecretSource::Env(var) => {
            let set = std::env::var_os(var).is_some_and(|v| !v.is_empty());
            if set {
                r.add(
                    Verdict::Ok,
                    crate::t!("doctor-secret-env", var = var.clone()),
                );
            } else {
                r.add(
                    Verdict::Fail,
                    crate::t!("doctor-secret-env-unset", var = var.clone()),
                );
            }
        }
        SecretSource::File(path) => private_path(r, path, true),
        // The config file's own line covers it (it must be 0600).
        SecretSource::Inline(_) => r.add(Verdict::Info, crate::t!("doctor-secret-inline")),
    }
}

/// The service unit this data dir belongs to, as systemd sees it: the
/// system template's instance for /var/lib/navsync/ORG, else the user unit.
async fn service(r: &mut Report, data_dir: &Path) {
    let instance = data_dir
        .parent()
        .filter(|p| *p == Path::new("/var/lib/navsync"))
        .and_then(|_| data_dir.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    let (unit, user) = match &instance {
        Some(org) => (format!("navsync@{org}.service"), false),
        None => ("navsync.service".to_string(), true),
    };
    let mut cmd = tokio::process::Command::new("systemctl");
    if user {
        cmd.arg("--user");
    }
    cmd.args(["is-active", &unit])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    match tokio::time::timeout(SYSTEMCTL_TIMEOUT, cmd.output()).await {
        Ok(Ok(out)) => {
            let state: String = String::from_utf8_lossy(&out.stdout)
                .trim()
                .chars()
                .take(40)
                .collect();
            let state = if state.is_empty() {
                "unknown".to_string()
            } else {
                state
            };
            let verdict = if state == "failed" {
                Verdict::Warn
            } else {
                Verdict::Info
            };
            r.add(
                verdict,
                crate::t!("doctor-service", unit = unit, state = state),
            );
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            r.add(Verdict::Info, crate::t!("doctor-no-systemctl"));
        }
        Ok(Err(e)) => r.add(
            Verdict::Info,
            crate::t!("doctor-systemctl-failed", error = e.to_string()),
        ),
        Err(_) => r.add(
            Verdict::Info,
            crate::t!("doctor-systemctl-failed", error = "timed out"),
        ),
    }
}

/// The instance and the token endpoint answer; the clock agrees with the
/// instance's.
async fn network(r: &mut Report, config: &Config) {
    let Some(instance) = &config.crm.instance_url else {
        r.add(Verdict::Info, crate::t!("doctor-no-instance"));
        return;
    };
    let api = instance
        .join("api/data/v9.2/")
        .unwrap_or_else(|_| instance.clone());
    match crate::crm::probe::reach(&api).await {
        Ok(a) => {
            r.add(
                Verdict::Ok,
                crate::t!(
                    "doctor-reached",
                    url = api.to_string(),
                    status = a.status.to_string()
                ),
            );
            clock(r, a.skew_secs());
        }
        Err(e) => r.add(
            Verdict::Fail,
            crate::t!(
                "doctor-unreached",
                url = api.to_string(),
                error = e.detail()
            ),
        ),
    }
    let tenant = config.crm.tenant_id.trim();
    if tenant.is_empty() {
        return;
    }
    let token = config
        .crm
        .authority_url
        .join(&format!("{tenant}/oauth2/v2.0/token"));
    match token {
        Ok(url) => match crate::crm::probe::reach(&url).await {
            Ok(a) => r.add(
                Verdict::Ok,
                crate::t!(
                    "doctor-reached",
                    url = url.to_string(),
                    status = a.status.to_string()
                ),
            ),
            Err(e) => r.add(
                Verdict::Fail,
                crate::t!(
                    "doctor-unreached",
                    url = url.to_string(),
                    error = e.detail()
                ),
            ),
        },
        Err(e) => r.add(
            Verdict::Fail,
            crate::t!(
                "doctor-unreached",
                url = tenant.to_string(),
                error = e.to_string()
            ),
        ),
    }
}

fn clock(r: &mut Report, skew: Option<i64>) {
    let Some(skew) = skew else {
        r.add(Verdict::Warn, crate::t!("doctor-clock-unknown"));
        return;
    };
    let verdict = match skew.unsigned_abs() {
        n if n > SKEW_FAILS as u64 => Verdict::Fail,
        n if n > SKEW_WARNS as u64 => Verdict::Warn,
        _ => Verdict::Ok,
    };
    let text = if verdict == Verdict::Ok {
        crate::t!("doctor-clock-ok", skew = skew.unsigned_abs().max(1))
    } else {
        crate::t!(
            "doctor-clock-skewed",
            secs = skew.unsigned_abs(),
            direction = if skew > 0 { "ahead" } else { "behind" },
            limit = SKEW_FAILS
        )
    };
    r.add(verdict, text);
}

/// The bundle's files, then every secret and token this host holds blanked
/// out of them, written as one tar readable by its owner only.
fn write_bundle(
    path: &Path,
    config: &Config,
    data_dir: &Path,
    report: &str,
) -> std::io::Result<()> {
    let mut files: Vec<(&str, String)> = vec![("doctor.txt", report.to_string())];
    files.push(("versions.txt", versions()));
    if let Some(source) = &config.source {
        let text = std::fs::read_to_string(source).unwrap_or_default();
        files.push(("config.toml", without_secrets(&text)));
    }
    files.push((
        "status.json",
        super::status::json_text(data_dir, config.source.is_some()),
    ));
    files.push(("runs.json", last_runs(data_dir)));
    let mut log = Vec::new();
    let logs = super::logs::log_files(&crate::paths::log_dir(data_dir));
    super::logs::print_last(&logs, BUNDLE_LOG_LINES, None, &mut log)?;
    files.push(("log.txt", String::from_utf8_lossy(&log).into_owned()));
    let needles = secrets_held(config, data_dir);
    let files: Vec<(String, String)> = files
        .into_iter()
        .map(|(name, text)| (format!("navsync-support/{name}"), blank(text, &needles)))
        .collect();
    super::tar::write(path, &files)
}

fn versions() -> String {
    let os = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "navsync {}\nos {} {} {}\n",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH,
        os.trim(),
    )
}

/// The config text with the value of every `client_secret` key replaced.
fn without_secrets(text: &str) -> String {
    text.lines()
        .map(|line| {
            let key = line
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            if key == "client_secret" {
                format!("client_secret = \"{REMOVED}\"")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn last_runs(data_dir: &Path) -> String {
    let runs = crate::store::Store::open_readonly(&crate::paths::store_file(data_dir))
        .ok()
        .and_then(|s| crate::store::runs::recent(s.conn(), BUNDLE_RUNS).ok())
        .unwrap_or_default();
    let rows: Vec<serde_json::Value> = runs
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "mode": r.mode,
                "outcome": r.outcome.as_str(),
                "requests": r.requests,
                "retries": r.retries,
                "throttle_waits": r.throttle_waits,
                "error_kind": r.error_kind,
                "error_detail": r.error_detail,
                "rows": r.phases.iter().map(|(p, n)| (p.to_string(), serde_json::Value::from(*n))).collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
}

/// The client secret (wherever the config takes it from) and every string
/// in the token cache long enough to be a token: what must never leave.
fn secrets_held(config: &Config, data_dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    match &config.crm.secret {
        SecretSource::Inline(s) => out.push(s.clone()),
        SecretSource::Env(var) => out.extend(std::env::var(var).ok()),
        SecretSource::File(p) => out.extend(
            std::fs::read_to_string(p)
                .ok()
                .map(|s| s.trim().to_string()),
        ),
    }
    if let Ok(text) = std::fs::read_to_string(crate::paths::token_cache_file(data_dir))
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
    {
        collect_strings(&v, &mut out);
    }
    out.retain(|s| s.len() >= 8);
    out
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.len() >= 20 => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

fn blank(mut text: String, needles: &[String]) -> String {
    for n in needles {
        if text.contains(n.as_str()) {
            text = text.replace(n.as_str(), REMOVED);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_secret_is_removed_from_the_config_copy() {
        let text = "[crm]\ntenant_id = \"t\"\nclient_secret = \"hunter2-very-secret\"\n  \"client_secret\" = 'x'\n";
        let out = without_secrets(text);
        assert!(!out.contains("hunter2") && !out.contains("'x'"), "{out}");
        assert!(out.contains("tenant_id = \"t\""));
        assert_eq!(out.matches(REMOVED).count(), 2);
    }

    #[test]
    fn clock_verdicts_follow_the_five_minute_allowance() {
        let mut r = Report::default();
        clock(&mut r, Some(2));
        clock(&mut r, Some(-45));
        clock(&mut r, Some(3600));
        clock(&mut r, None);
        let v: Vec<Verdict> = r.lines.iter().map(|(v, _)| *v).collect();
        assert_eq!(
            v,
            [Verdict::Ok, Verdict::Warn, Verdict::Fail, Verdict::Warn]
        );
    }
}
