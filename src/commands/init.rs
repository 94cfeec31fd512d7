//! `navsync init`: the first run. Asks for the instance URL, tenant,
//! client id and sign-in method, checks each answer as it is given (with
//! the config file's own validation), and writes a config.toml readable by
//! its owner only (0600). No secret is asked for or written: the client
//! secret is read from an environment variable named in the file.

use std::io::{BufRead, Write};
use std::path::Path;

use crate::config::{self, ConfigError};
use crate::exit::ExitStatus;

/// Where the client secret is read from when the file does not say.
const SECRET_ENV: &str = "NAVSYNC_CLIENT_SECRET";

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{}", crate::t!("init-exists", path = .0.display().to_string()))]
    Exists(std::path::PathBuf),
    /// The question's message id.
    #[error("{}", crate::t!("init-no-answer", question = format!("{:?}", crate::i18n::text(.0, &[]))))]
    NoAnswer(&'static str),
    #[error("{}", crate::t!("init-cannot-write", path = path.display().to_string(), error = source.to_string()))]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{}", crate::t!("init-cannot-read", error = .0.to_string()))]
    Io(#[from] std::io::Error),
}

/// The answers `init` collects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub instance_url: String,
    pub tenant_id: String,
    pub client_id: String,
    /// `client_secret` or `device_code`.
    pub auth: String,
    /// The environment variable holding the secret (`client_secret` only).
    pub secret_env: Option<String>,
}

/// Asks the question of message `question_id` until `check` accepts the
/// answer (an empty answer takes `default`), saying why a refused answer
/// was refused.
fn ask(
    input: &mut impl BufRead,
    out: &mut impl Write,
    question_id: &'static str,
    default: Option<&str>,
    check: impl Fn(&str) -> Result<String, String>,
) -> Result<String, InitError> {
    let question = crate::i18n::text(question_id, &[]);
    loop {
        match default {
            Some(d) => write!(out, "{question} [{d}]: ")?,
            None => write!(out, "{question}: ")?,
        }
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Err(InitError::NoAnswer(question_id));
        }
        let answer = match (line.trim(), default) {
            ("", Some(d)) => d.to_string(),
            (a, _) => a.to_string(),
        };
        match check(&answer) {
            Ok(v) => return Ok(v),
            Err(why) => writeln!(out, "  ✘ {why}")?,
        }
    }
}

/// `what_id`: the message naming what the answer is.
fn not_empty(what_id: &'static str) -> impl Fn(&str) -> Result<String, String> {
    move |a: &str| {
        if a.trim().is_empty() {
            Err(crate::t!(
                "init-required",
                what = crate::i18n::text(what_id, &[])
            ))
        } else {
            Ok(a.trim().to_string())
        }
    }
}

/// The interview, on any input and output (a terminal, or a test's bytes).
pub fn interview(input: &mut impl BufRead, out: &mut impl Write) -> Result<Answers, InitError> {
    writeln!(out, "navsync init: {}", crate::t!("init-intro"))?;
    let instance_url = ask(input, out, "init-q-instance", None, |a| {
        config::validate_instance_url(a).map(|u| u.as_str().trim_end_matches('/').to_string())
    })?;
    let tenant_id = ask(input, out, "init-q-tenant", None, |a| {
        not_empty("init-the-tenant-id")(a).and_then(|t| config::validate_tenant_id(&t))
    })?;
    let client_id = ask(input, out, "init-q-client", None, |a| {
        not_empty("init-the-client-id")(a).and_then(|c| config::validate_client_id(&c))
    })?;
    let auth = ask(
        input,
        out,
        "init-q-auth",
        Some("client_secret"),
        |a| match a.trim() {
            m @ ("client_secret" | "device_code") => Ok(m.to_string()),
            other => Err(crate::t!("init-bad-auth", answer = format!("{other:?}"))),
        },
    )?;
    let secret_env = if auth == "client_secret" {
        Some(ask(
            input,
            out,
            "init-q-secret-env",
            Some(SECRET_ENV),
            |a| {
                let a = a.trim();
                if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    Ok(a.to_string())
                } else {
                    Err(crate::t!("init-bad-env"))
                }
            },
        )?)
    } else {
        None
    };
    Ok(Answers {
        instance_url,
        tenant_id,
        client_id,
        auth,
        secret_env,
    })
}

/// The config text for `a`: TOML-quoted values, the rest left to the
/// documented defaults.
pub fn render(a: &Answers) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut text = format!(
        "# Written by `navsync init`. Every key is documented in config.example.toml.\n\n[crm]\ninstance_url = {}\ntenant_id = {}\nclient_id = {}\nauth = {}\n",
        q(&a.instance_url),
        q(&a.tenant_id),
        q(&a.client_id),
        q(&a.auth)
    );
    if let Some(env) = &a.secret_env {
        text.push_str(&format!(
            "# The secret itself never goes in this file: export it in the\n# environment of every navsync process.\nclient_secret_env = {}\n",
            q(env)
        ));
    }
    text
}

/// Checks the text with the config loader, then writes it (0600, parent
/// directories created, an existing file never overwritten).
pub fn write(path: &Path, text: &str) -> Result<(), InitError> {
    config::parse(path, text)?;
    if path.exists() {
        return Err(InitError::Exists(path.to_path_buf()));
    }
    let err = |source| InitError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(err)?;
    f.write_all(text.as_bytes()).map_err(err)?;
    Ok(())
}

/// The whole first run on `input`/`out`: interview, check, write.
pub(crate) fn init_with(
    path: &Path,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<(), InitError> {
    if path.exists() {
        return Err(InitError::Exists(path.to_path_buf()));
    }
    let answers = interview(input, out)?;
    write(path, &render(&answers))?;
    let path = path.display().to_string();
    writeln!(out, "✔ {}", crate::t!("init-wrote", path = path))?;
    if let Some(env) = &answers.secret_env {
        writeln!(out, "{}", crate::t!("init-next-secret", env = env.clone()))?;
    } else {
        writeln!(out, "{}", crate::t!("init-next-device"))?;
    }
    Ok(())
}

/// `navsync init`: writes the config at `path` (from `--config`,
/// $NAVSYNC_CONFIG or the default location).
pub fn run(path: Option<&Path>) -> ExitStatus {
    let Some(path) = path
        .map(Path::to_path_buf)
        .or_else(crate::paths::default_config_file)
    else {
        eprintln!("navsync: {}", crate::t!("init-no-config-dir"));
        return ExitStatus::Usage;
    };
    let stdin = std::io::stdin();
    match init_with(&path, &mut stdin.lock(), &mut std::io::stdout()) {
        Ok(()) => ExitStatus::Ok,
        Err(e) => {
            eprintln!("navsync: {e}");
            ExitStatus::Usage
        }
    }
}

/// The console started without a config: offers `init` instead of exiting
/// (answer y or Enter); true when a config was written.
pub(crate) fn offer(path: &Path, input: &mut impl BufRead, out: &mut impl Write) -> bool {
    let shown = path.display().to_string();
    let asked = writeln!(
        out,
        "navsync: {}",
        crate::t!("init-no-config", path = shown)
    )
    .and_then(|()| write!(out, "{} ", crate::t!("init-offer")))
    .and_then(|()| out.flush());
    let mut line = String::new();
    if asked.is_err() || input.read_line(&mut line).is_err() {
        return false;
    }
    // Yes in English or Spanish, whatever the prompt's language.
    if !matches!(
        line.trim().to_lowercase().as_str(),
        "" | "y" | "yes" | "s" | "si" | "sí"
    ) {
        return false;
    }
    match init_with(path, input, out) {
        Ok(()) => true,
        Err(e) => {
            let _ = writeln!(out, "navsync: {e}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "https://contoso.crm4.dynamics.com\n11111111-2222-3333-4444-555555555555\naaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n\n\n";

    #[test]
    fn each_answer_is_checked_and_the_file_is_private_and_loads() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        // A bad URL is asked again, with the reason.
        let mut out = Vec::new();
        init_with(
            &path,
            &mut std::io::Cursor::new(format!("not a url\n{}", GOOD)),
            &mut out,
        )
        .unwrap();
        let said = String::from_utf8(out).unwrap();
        assert!(said.contains("✘ not a URL"), "{said}");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let cfg = config::load(Some(&path), true).unwrap();
        assert_eq!(
            cfg.crm.instance_url.unwrap().as_str(),
            "https://contoso.crm4.dynamics.com/"
        );
        assert_eq!(cfg.crm.auth, config::AuthMethod::ClientSecret);
        assert_eq!(
            cfg.crm.secret,
            config::SecretSource::Env("NAVSYNC_CLIENT_SECRET".into())
        );
        // Never overwritten.
        let again = init_with(&path, &mut std::io::Cursor::new(GOOD), &mut Vec::new());
        assert!(matches!(again, Err(InitError::Exists(_))), "{again:?}");
    }

    #[test]
    fn an_on_premise_url_and_an_unknown_method_are_refused_with_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let input = "https://crm.contoso.local/org\nhttps://contoso.crm.dynamics.com\n\ncontoso.onmicrosoft.com\naaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\npassword\ndevice_code\n";
        let mut out = Vec::new();
        init_with(&path, &mut std::io::Cursor::new(input), &mut out).unwrap();
        let said = String::from_utf8(out).unwrap();
        assert!(said.contains("the tenant id is required"), "{said}");
        assert!(
            said.contains("\"password\": answer client_secret or device_code"),
            "{said}"
        );
        let cfg = config::load(Some(&path), true).unwrap();
        assert_eq!(cfg.crm.auth, config::AuthMethod::DeviceCode);
        assert!(
            !std::fs::read_to_string(&path)
                .unwrap()
                .contains("client_secret_env")
        );
    }

    /// A URL pasted as the tenant, a made-up client id and a bare host are
    /// what people type; each is answered and asked again, or understood.
    #[test]
    fn a_url_tenant_and_a_non_guid_client_are_asked_again_and_a_bare_host_is_https() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let input = "contoso.crm.dynamics.com\n\
            https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555\n\
            not-a-guid\n\
            11111111-2222-3333-4444-555555555555\n\
            not-a-guid\n\
            contoso.onmicrosoft.com\n\
            aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n\n\n";
        let mut out = Vec::new();
        init_with(&path, &mut std::io::Cursor::new(input), &mut out).unwrap();
        let said = String::from_utf8(out).unwrap();
        assert!(!said.contains("relative URL without a base"), "{said}");
        assert_eq!(
            said.matches("is not a tenant: give the Microsoft Entra tenant id")
                .count(),
            2,
            "the URL and the word are both refused: {said}"
        );
        assert!(
            said.contains("✘ \"not-a-guid\" is not an application (client) id"),
            "{said}"
        );
        let cfg = config::load(Some(&path), true).unwrap();
        assert_eq!(
            cfg.crm.instance_url.unwrap().as_str(),
            "https://contoso.crm.dynamics.com/"
        );
        assert_eq!(cfg.crm.tenant_id, "11111111-2222-3333-4444-555555555555");
        assert_eq!(cfg.crm.client_id, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    }

    #[test]
    fn the_console_offers_init_and_takes_no_for_an_answer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mut out = Vec::new();
        assert!(!offer(&path, &mut std::io::Cursor::new("n\n"), &mut out));
        assert!(!path.exists());
        let mut out = Vec::new();
        assert!(offer(
            &path,
            &mut std::io::Cursor::new(format!("\n{GOOD}")),
            &mut out
        ));
        let said = String::from_utf8(out).unwrap();
        assert!(
            said.contains("Create one now (navsync init)? [Y/n]"),
            "{said}"
        );
        assert!(config::load(Some(&path), true).is_ok());
    }

    /// In Spanish the offer and the interview speak Spanish, and "s"
    /// (sí) is a yes.
    #[test]
    fn init_speaks_the_users_language() {
        use crate::config::Lang;
        use crate::i18n::{self, Locale};
        i18n::set_for_thread(Some(Locale::Lang(Lang::Es)));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mut out = Vec::new();
        let written = offer(
            &path,
            &mut std::io::Cursor::new(format!(
                "s\nhttps://contoso.crm4.dynamics.com\n\n{}",
                &GOOD[34..]
            )),
            &mut out,
        );
        i18n::set_for_thread(None);
        let said = String::from_utf8(out).unwrap();
        assert!(written, "{said}");
        for want in [
            "¿Crear uno ahora (navsync init)? [S/n]",
            "URL de la instancia (https://ORG.crm.dynamics.com)",
            "✘ el id. de inquilino es obligatorio",
            "Siguiente: exporta NAVSYNC_CLIENT_SECRET=",
        ] {
            assert!(said.contains(want), "{want}\n{said}");
        }
    }
}
