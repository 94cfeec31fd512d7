//! Config validation: every rejection names the file, the line and the key.

use std::path::Path;

use navsync::config::{self, ConfigError};
use navsync::vocab::Word;

fn err(text: &str) -> (usize, usize, String, String) {
    match config::parse(Path::new("/etc/navsync/config.toml"), text) {
        Err(ConfigError::Invalid {
            path,
            line,
            column,
            key,
            message,
        }) => {
            let shown = ConfigError::Invalid {
                path: path.clone(),
                line,
                column,
                key: key.clone(),
                message: message.clone(),
            }
            .to_string();
            assert!(
                shown.starts_with(&format!(
                    "/etc/navsync/config.toml:{line}:{column}: key `{key}`"
                )),
                "{shown}"
            );
            (line, column, key, message)
        }
        other => panic!("expected a located error, got {other:?}"),
    }
}

#[test]
fn the_example_file_is_valid() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"))
        .unwrap();
    let cfg = config::parse(Path::new("config.example.toml"), &text).unwrap();
    assert_eq!(
        cfg.crm.instance_url.unwrap().as_str(),
        "https://contoso.crm.dynamics.com/"
    );
    assert_eq!(cfg.sync.interval.as_secs(), 86_400);
    assert_eq!(cfg.writeback.kinds, config::ActivityKind::ALL.to_vec());
    assert_eq!(cfg.writeback.threads, config::ThreadMode::Conversation);
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let (line, col, key, msg) = err("[crm]\ntenant_id = \"t\"\nclient_secrt = \"x\"\n");
    assert_eq!((line, col), (3, 1));
    assert_eq!(key, "crm.client_secrt");
    assert!(
        msg.contains("unknown field") && msg.contains("client_secret_env"),
        "{msg}"
    );
}

#[test]
fn unknown_table_is_named() {
    let (line, _, key, msg) = err("lang = \"en\"\n[syncing]\ninterval = \"1h\"\n");
    assert_eq!(line, 2);
    assert_eq!(key, "syncing");
    assert!(msg.contains("unknown field"), "{msg}");
}

#[test]
fn wrong_type_names_key_and_expected_type() {
    let (line, col, key, msg) = err("[sync]\n\nauto_sync_all_seats = \"yes\"\n");
    assert_eq!((line, col), (3, 23));
    assert_eq!(key, "sync.auto_sync_all_seats");
    assert!(msg.contains("expected true or false"), "{msg}");
}

#[test]
fn http_non_loopback_url_is_refused() {
    let (line, _, key, msg) = err("[crm]\ninstance_url = \"http://contoso.crm.dynamics.com\"\n");
    assert_eq!(line, 2);
    assert_eq!(key, "crm.instance_url");
    assert!(msg.contains("https"), "{msg}");
}

#[test]
fn non_dynamics_host_is_refused() {
    let (_, _, key, msg) =
        err("[crm]\ninstance_url = \"https://contoso.api.dynamics.com.evil.example\"\n");
    assert_eq!(key, "crm.instance_url");
    assert!(msg.contains("on-premise is not supported"), "{msg}");
    let (_, _, _, msg) = err("[crm]\ninstance_url = \"https://contoso.operations.dynamics.com\"\n");
    assert!(
        msg.contains("not a Dynamics 365 online instance host"),
        "{msg}"
    );
}

#[test]
fn on_premise_host_gets_the_seed_message() {
    let (line, col, key, msg) =
        err("lang = \"es\"\n[crm]\ninstance_url = \"https://crm.contoso.local/Contoso\"\n");
    assert_eq!((line, col), (3, 16));
    assert_eq!(key, "crm.instance_url");
    assert!(msg.contains("on-premise is not supported"), "{msg}");
}

#[test]
fn regional_and_loopback_urls_are_accepted() {
    for url in [
        "https://contoso.crm4.dynamics.com/main.aspx",
        "http://127.0.0.1:8080",
        "https://x.crm.dynamics.com",
    ] {
        let cfg = config::parse(
            Path::new("c.toml"),
            &format!("[crm]\ninstance_url = \"{url}\"\n"),
        )
        .unwrap();
        assert!(cfg.crm.instance_url.is_some(), "{url}");
    }
}

#[test]
fn empty_tenant_is_refused() {
    let (line, _, key, msg) =
        err("[crm]\ninstance_url = \"https://a.crm.dynamics.com\"\ntenant_id = \"  \"\n");
    assert_eq!(line, 3);
    assert_eq!(key, "crm.tenant_id");
    assert!(msg.contains("must not be empty"), "{msg}");
}

#[test]
fn bad_enum_values_list_what_is_allowed() {
    let (_, _, key, msg) = err("[crm]\nauth = \"password\"\n");
    assert_eq!(key, "crm.auth");
    assert!(
        msg.contains("client_secret") && msg.contains("device_code"),
        "{msg}"
    );
    let (_, _, key, msg) = err("[writeback]\nkinds = [\"inmail\", \"tweet\"]\n");
    assert_eq!(key, "writeback.kinds");
    assert!(msg.contains("\"note\"") && msg.contains("\"tag\""), "{msg}");
    let (_, _, key, msg) = err("[writeback]\nthreads = \"all\"\n");
    assert_eq!(key, "writeback.threads");
    assert!(msg.contains("\"conversation\", \"per_message\""), "{msg}");
    let (_, _, key, msg) = err("[sync]\ninterval = \"1m\"\n");
    assert_eq!(key, "sync.interval");
    assert!(msg.contains("minimum 5m"), "{msg}");
}

#[test]
fn inline_secret_needs_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = "[crm]\nclient_secret = \"s3cr3t\"\n";
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = config::load(Some(&path), true).unwrap_err().to_string();
    assert!(
        e.contains("config.toml:2:17: key `crm.client_secret`") && e.contains("0600"),
        "{e}"
    );
    assert!(!e.contains("s3cr3t"), "the secret must not be echoed: {e}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(config::load(Some(&path), true).is_ok());
}

#[test]
fn missing_file_is_an_error_only_when_required() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    assert!(config::load(Some(&path), false).is_ok());
    let e = config::load(Some(&path), true).unwrap_err().to_string();
    assert!(e.contains("nope.toml"), "{e}");
}

#[test]
fn syntax_error_is_located() {
    let (line, _, key, _) = err("[crm]\ntenant_id = \"abc\n");
    assert_eq!(line, 2);
    assert_eq!(key, "crm.tenant_id");
}

/// In Spanish a refusal still names file, line, column and key, and says
/// what is allowed in Spanish; the on-premise refusal of the instance URL
/// too (the `init` interview shows it).
#[test]
fn refusals_speak_the_users_language() {
    use navsync::config::Lang;
    use navsync::i18n::{self, Locale};
    i18n::set_for_thread(Some(Locale::Lang(Lang::Es)));
    let shown = config::parse(
        Path::new("/etc/navsync/config.toml"),
        "[log]\nlevel = \"loud\"\n",
    )
    .unwrap_err()
    .to_string();
    let on_premise = config::validate_instance_url("https://crm.contoso.local/org").unwrap_err();
    i18n::set_for_thread(None);
    assert_eq!(
        shown,
        "/etc/navsync/config.toml:2:9: clave `log.level`: permitido: error, warn, info, debug, trace"
    );
    assert!(
        on_premise
            .contains("parece un servidor local: Microsoft Dynamics On-premise no es compatible"),
        "{on_premise}"
    );
}
