//! Client-credentials sign-in, the 0600 token cache, and secrets kept out
//! of the log.

use crate::words::Said;
use std::os::unix::fs::PermissionsExt;

use futures::TryStreamExt;
use navsync::config::Lang;
use navsync::crm::rows::Account;
use navsync::crm::{AuthConfig, Client, CrmError, ErrorClass, Read, Secret, SecretSource};

use crate::fixture::{self, SECRET};

#[tokio::test]
async fn the_token_cache_is_private_and_reused_by_the_next_run() {
    let env = fixture::start().await;
    env.client().sign_in().await.unwrap();
    let path = env.dir.path().join("token-cache.json");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let second = env.client();
    second.sign_in().await.unwrap();
    let _: Vec<_> = second
        .stream::<Account>(Read::full())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        env.sim.control().request_count("POST token"),
        1,
        "cached token reused"
    );
    assert_eq!(second.stats().token_refreshes, 0);
}

#[tokio::test]
async fn a_group_readable_token_cache_is_refused_with_the_fix() {
    let env = fixture::start().await;
    env.client().sign_in().await.unwrap();
    let path = env.dir.path().join("token-cache.json");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = env.client().sign_in().await.unwrap_err();
    assert!(matches!(err, CrmError::InsecureFile { .. }), "{err:?}");
    let shown = format!("{err} / {}", err.next_step(Lang::En));
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    assert!(shown.contains("chmod 600"), "{shown}");
}

#[tokio::test]
async fn a_wrong_secret_is_a_sign_in_error_that_names_no_secret() {
    let env = fixture::start().await;
    let mut cfg = env.config();
    cfg.auth = AuthConfig::ClientSecret(SecretSource::Inline(Secret::new("wrong-secret-value")));
    let err = Client::new(cfg).unwrap().sign_in().await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::Other);
    assert!(
        matches!(&err, CrmError::SignIn { code, .. } if code == "invalid_client"),
        "{err:?}"
    );
    assert!(err.next_step(Lang::En).contains("client secret"));
    assert!(!format!("{err:?} {err}").contains("wrong-secret-value"));
}

#[tokio::test]
async fn a_secret_file_must_be_private() {
    let env = fixture::start().await;
    let file = env.dir.path().join("secret");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let mut cfg = env.config();
    cfg.auth = AuthConfig::ClientSecret(SecretSource::File(file.clone()));
    let err = Client::new(cfg.clone())
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert!(matches!(err, CrmError::InsecureFile { .. }), "{err:?}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    Client::new(cfg).unwrap().sign_in().await.unwrap();
}

/// The log of a whole session (sign-in, reads, a 401 renewal, a failed
/// sign-in) holds neither the secret nor any token.
#[tokio::test]
async fn the_log_never_holds_the_secret_or_a_token() {
    let env = fixture::start().await;
    // The real log set-up, at its most talkative level. It is process-wide,
    // so the other tests of this binary log into the same file too.
    let log_dir = tempfile::tempdir().unwrap();
    let guard = navsync::logging::init(log_dir.path(), "trace").unwrap();

    let (client, _events) = env.client_with_events();
    client.sign_in().await.unwrap();
    let _: Vec<_> = client
        .stream::<Account>(Read::full())
        .try_collect()
        .await
        .unwrap();
    let first_cache = std::fs::read_to_string(env.dir.path().join("token-cache.json")).unwrap();
    env.sim.control().revoke_tokens();
    let _: Vec<_> = client
        .stream::<Account>(Read::full())
        .try_collect()
        .await
        .unwrap();
    let second_cache = std::fs::read_to_string(env.dir.path().join("token-cache.json")).unwrap();
    let mut cfg = env.config();
    cfg.token_cache_path = env.dir.path().join("other-cache.json");
    cfg.auth = AuthConfig::ClientSecret(SecretSource::Inline(Secret::new("not-the-secret")));
    let err = Client::new(cfg).unwrap().sign_in().await.unwrap_err();
    tracing::error!(error = %err, debug = ?err, client = ?client, "logged like the engine would");
    drop(guard);

    let mut log = String::new();
    for entry in std::fs::read_dir(navsync::paths::log_dir(log_dir.path())).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        log.contains("access token refreshed"),
        "the log was written:\n{log}"
    );
    let tokens: Vec<String> = [first_cache, second_cache]
        .iter()
        .map(|c| {
            serde_json::from_str::<serde_json::Value>(c).unwrap()["access_token"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_ne!(tokens[0], tokens[1]);
    for needle in [SECRET, "not-the-secret", &tokens[0], &tokens[1]] {
        assert!(!log.contains(needle), "log leaks {needle}");
    }
}
