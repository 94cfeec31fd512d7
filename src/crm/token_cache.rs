//! The token cache file: one JSON document, mode 0600, replaced atomically.
//! A cache anyone else could read is refused rather than used, because it
//! holds a bearer token to the customer's CRM.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::CrmError;
use super::secret::Secret;

/// A token and when it stops working.
#[derive(Debug, Clone)]
pub(crate) struct CachedToken {
    pub access: Secret,
    pub expires_at: DateTime<Utc>,
    pub refresh: Option<Secret>,
}

/// Which sign-in a cached token belongs to; a token for another instance,
/// tenant, app or method is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CacheKey {
    pub instance_url: String,
    pub tenant_id: String,
    pub client_id: String,
    pub auth_method: String,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    #[serde(flatten)]
    key: CacheKey,
    access_token: String,
    expires_at: DateTime<Utc>,
    refresh_token: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct TokenCache {
    path: PathBuf,
    key: CacheKey,
}

impl TokenCache {
    pub(crate) fn new(path: PathBuf, key: CacheKey) -> Self {
        Self { path, key }
    }

    #[cfg(any(test, feature = "testkit"))]
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The cached token, `None` when there is none for this sign-in.
    /// Refuses (error) a file others could read.
    pub(crate) fn load(&self) -> Result<Option<CachedToken>, CrmError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.err(format!("cannot read: {e}"))),
        };
        if !crate::paths::is_private_file(&self.path) {
            return Err(CrmError::InsecureFile {
                path: self.path.clone(),
            });
        }
        let Ok(file) = serde_json::from_slice::<CacheFile>(&bytes) else {
            tracing::warn!(path = %self.path.display(), "token cache unreadable; ignoring it");
            return Ok(None);
        };
        if file.version != 1 || file.key != self.key {
            return Ok(None);
        }
        Ok(Some(CachedToken {
            access: Secret::new(file.access_token),
            expires_at: file.expires_at,
            refresh: file.refresh_token.map(Secret::new),
        }))
    }

    /// Writes `token` to a fresh 0600 file and renames it over the cache.
    pub(crate) fn store(&self, token: &CachedToken) -> Result<(), CrmError> {
        let file = CacheFile {
            version: 1,
            key: self.key.clone(),
            access_token: token.access.expose().to_string(),
            expires_at: token.expires_at,
            refresh_token: token.refresh.as_ref().map(|s| s.expose().to_string()),
        };
        let json = serde_json::to_vec(&file).map_err(|e| self.err(e.to_string()))?;
        let tmp = self.path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(&json)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| self.err(format!("cannot write: {e}")))
    }

    fn err(&self, detail: String) -> CrmError {
        CrmError::TokenCache {
            path: self.path.clone(),
            detail,
        }
    }
}

/// Removes the token cache at `path` (disconnect), if there is one.
pub fn forget_tokens(path: &Path) -> Result<(), CrmError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CrmError::TokenCache {
            path: path.to_path_buf(),
            detail: format!("cannot remove: {e}"),
        }),
    }
}
