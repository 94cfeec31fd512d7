//! Secrets (client secret, access and refresh tokens) wrapped so that no
//! `Debug`, `Display` or log line can ever show them: the only way to the
//! text is [`Secret::expose`], which makes every use greppable.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::error::CrmError;

/// A string that must never reach a log, a screen or an error message.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(Arc::from(s.into()))
    }

    /// The secret text, for the one place that must send it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where the client secret comes from. It is read only when a token is
/// requested, so a rotated secret is picked up without a restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    /// The name of an environment variable.
    Env(String),
    /// A file readable by its owner only (mode 0600).
    File(PathBuf),
    Inline(Secret),
}

impl SecretSource {
    pub(crate) fn read(&self) -> Result<Secret, CrmError> {
        match self {
            Self::Env(name) => match std::env::var(name) {
                Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
                _ => Err(CrmError::SecretUnavailable {
                    detail: format!(
                        "the environment variable {name} (crm.client_secret_env) is not set or empty"
                    ),
                }),
            },
            Self::File(path) => {
                if path.exists() && !crate::paths::is_private_file(path) {
                    return Err(CrmError::InsecureFile { path: path.clone() });
                }
                let text =
                    std::fs::read_to_string(path).map_err(|e| CrmError::SecretUnavailable {
                        detail: format!(
                            "cannot read the client secret file {} (crm.client_secret_file): {e}",
                            path.display()
                        ),
                    })?;
                let text = text.trim();
                if text.is_empty() {
                    return Err(CrmError::SecretUnavailable {
                        detail: format!("the client secret file {} is empty", path.display()),
                    });
                }
                Ok(Secret::new(text))
            }
            Self::Inline(s) => Ok(s.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("hunter2-very-secret");
        assert!(!format!("{s:?}").contains("hunter2"));
        let src = SecretSource::Inline(s);
        assert!(!format!("{src:?}").contains("hunter2"));
    }
}
