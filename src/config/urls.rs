//! The instance and authority URLs in the reader's words: the rules are
//! the client's (`crm::instance_url`), the sentences are the config's.

use crate::crm::instance_url::{self, UrlRefusal};

/// The instance URL of `[crm]` or of `navsync init`, refused with the
/// reason in words.
pub fn validate_instance_url(s: &str) -> Result<url::Url, String> {
    instance_url::instance_url(s).map_err(|refusal| match refusal {
        UrlRefusal::NotAUrl(e) => crate::t!("cfg-not-a-url-instance", error = e.to_string()),
        UrlRefusal::NotHttps { scheme, host } => {
            crate::t!("cfg-not-https", scheme = scheme, host = host)
        }
        UrlRefusal::NotInstanceHost { host } => crate::t!("cfg-not-instance-host", host = host),
        UrlRefusal::OnPremise { host } => crate::t!("cfg-on-premise", host = host),
        UrlRefusal::AuthorityNotHttps => crate::t!("cfg-authority-https"),
    })
}

/// `[crm] authority_url`, refused with the reason in words.
pub(super) fn validate_authority(s: &str) -> Result<url::Url, String> {
    instance_url::authority_url(s).map_err(|refusal| match refusal {
        UrlRefusal::NotAUrl(e) => crate::t!("cfg-not-a-url", error = e.to_string()),
        _ => crate::t!("cfg-authority-https"),
    })
}
