//! `CrmError`: every way a CRM call can fail, sorted into the seed's four
//! classes (plus local setup problems), each with its headline, the detail
//! behind it and the next step. No variant ever holds a secret or token.

use std::path::PathBuf;

pub use crate::vocab::ErrorClass;

/// A CRM failure as the user is told it: which of the seed's messages,
/// with the names it must mention.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "crm", rename_all = "snake_case")]
pub enum CrmProblem {
    Connection,
    Api,
    /// Names the missing privilege when the CRM said which.
    Privileges {
        privilege: Option<String>,
    },
    /// Names each unreadable object.
    Objects {
        objects: Vec<String>,
    },
    SignIn,
    DeviceCodeExpired,
    DeviceCodeDeclined,
    NotSignedIn,
    /// A token cache or secret file others could read (`chmod 600`).
    InsecureFile {
        path: String,
    },
    /// Other local settings or files.
    LocalSetup,
    Cancelled,
}

#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    /// DNS, refused connection, TLS failure, timeout.
    #[error("CRM connection error: {detail}")]
    Connection { detail: String },
    /// 5xx after retries, malformed or truncated body, unexpected shape,
    /// or any other refusal the client cannot act on.
    #[error("CRM API error: {detail}")]
    Api {
        status: Option<u16>,
        code: Option<String>,
        detail: String,
    },
    /// 403: the connecting user lacks a privilege (named when the CRM said).
    #[error("insufficient CRM privileges: {detail}")]
    InsufficientPrivileges {
        privilege: Option<String>,
        /// The CRM's own error code (`0x80040220`), when it answered one.
        code: Option<String>,
        detail: String,
    },
    /// Tables the sync needs are missing or not readable.
    #[error("required CRM objects unreadable ({}): {detail}", objects.join(", "))]
    ObjectsUnreadable {
        objects: Vec<String>,
        detail: String,
    },
    /// Microsoft Entra ID refused to issue a token.
    #[error("sign-in refused by Microsoft Entra ID ({code}): {detail}")]
    SignIn { code: String, detail: String },
    #[error("the device code expired before the sign-in was approved")]
    DeviceCodeExpired,
    #[error("the device code sign-in was declined")]
    DeviceCodeDeclined,
    /// Device-code auth with no usable refresh token: an admin must sign in.
    #[error("not signed in to the CRM: {detail}")]
    NotSignedIn { detail: String },
    /// A token cache or secret file others could read.
    #[error("{} is readable by group or others; refusing to use it (run: chmod 600 {})", path.display(), path.display())]
    InsecureFile { path: PathBuf },
    #[error("token cache {}: {detail}", path.display())]
    TokenCache { path: PathBuf, detail: String },
    #[error("client secret unavailable: {detail}")]
    SecretUnavailable { detail: String },
    #[error("CRM settings: {detail}")]
    Config { detail: String },
    #[error("cancelled")]
    Cancelled,
}

impl CrmError {
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Connection { .. } => ErrorClass::Connection,
            Self::Api { .. } => ErrorClass::CrmApi,
            Self::InsufficientPrivileges { .. } => ErrorClass::InsufficientPrivileges,
            Self::ObjectsUnreadable { .. } => ErrorClass::ObjectsUnreadable,
            Self::NotSignedIn { .. } => ErrorClass::SignInNeeded,
            _ => ErrorClass::Other,
        }
    }

    /// The CRM's own error code (`0x8004...`), when it answered one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } | Self::InsufficientPrivileges { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// What went wrong, as data the faces put in words (the seed's
    /// wording for the four classes, with the next step).
    pub fn problem(&self) -> CrmProblem {
        match self {
            Self::Connection { .. } => CrmProblem::Connection,
            Self::Api { .. } => CrmProblem::Api,
            Self::InsufficientPrivileges { privilege, .. } => CrmProblem::Privileges {
                privilege: privilege.clone(),
            },
            Self::ObjectsUnreadable { objects, .. } => CrmProblem::Objects {
                objects: objects.clone(),
            },
            Self::SignIn { .. } => CrmProblem::SignIn,
            Self::DeviceCodeExpired => CrmProblem::DeviceCodeExpired,
            Self::DeviceCodeDeclined => CrmProblem::DeviceCodeDeclined,
            Self::NotSignedIn { .. } => CrmProblem::NotSignedIn,
            Self::InsecureFile { path } => CrmProblem::InsecureFile {
                path: path.display().to_string(),
            },
            Self::TokenCache { .. } | Self::SecretUnavailable { .. } | Self::Config { .. } => {
                CrmProblem::LocalSetup
            }
            Self::Cancelled => CrmProblem::Cancelled,
        }
    }

    /// What went wrong underneath, for the detail line and the log.
    pub fn detail(&self) -> String {
        match self {
            Self::Connection { detail }
            | Self::Api { detail, .. }
            | Self::InsufficientPrivileges { detail, .. }
            | Self::ObjectsUnreadable { detail, .. }
            | Self::NotSignedIn { detail }
            | Self::SecretUnavailable { detail }
            | Self::Config { detail } => detail.clone(),
            _ => self.to_string(),
        }
    }

    pub(crate) fn api(status: Option<u16>, detail: impl Into<String>) -> Self {
        Self::Api {
            status,
            code: None,
            detail: detail.into(),
        }
    }
}

/// Dataverse's error body: `{"error": {"code": "0x8004...", "message": "..."}}`.
#[derive(Debug, serde::Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, serde::Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// The error code and message of a Dataverse error body, if it has one.
pub(crate) fn parse_error_body(body: &[u8]) -> Option<(String, String)> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| (b.error.code.to_ascii_lowercase(), b.error.message))
}

/// Turns a non-success answer into the error it means. `object` is the
/// entity set the request was about, if any, so a missing or unreadable
/// table can be named.
pub(crate) fn from_status(status: u16, body: &[u8], object: Option<&str>, what: &str) -> CrmError {
    let (code, message) = parse_error_body(body).unwrap_or_default();
    let message = one_line(&message);
    let detail = if message.is_empty() {
        format!("{what}: HTTP {status}")
    } else {
        format!("{what}: HTTP {status}: {message}")
    };
    let privilege = privilege_name(&message);
    match status {
        403 => match (object, &privilege) {
            // A read privilege missing on a required table is the seed's
            // "objects unreadable"; any other missing privilege is named.
            (Some(obj), Some(p)) if p.starts_with("prvRead") => CrmError::ObjectsUnreadable {
                objects: vec![obj.to_string()],
                detail,
            },
            _ => CrmError::InsufficientPrivileges {
                privilege,
                code: (!code.is_empty()).then_some(code),
                detail,
            },
        },
        404 if object.is_some() && is_missing_segment(&code, &message) => {
            CrmError::ObjectsUnreadable {
                objects: object.map(str::to_string).into_iter().collect(),
                detail,
            }
        }
        _ => CrmError::Api {
            status: Some(status),
            code: (!code.is_empty()).then_some(code),
            detail,
        },
    }
}

/// "Resource not found for the segment 'foos'" (0x80060888): the entity set
/// does not exist in this organisation.
fn is_missing_segment(code: &str, message: &str) -> bool {
    code == "0x80060888" || message.contains("Resource not found for the segment")
}

/// The first `prv...` word of a message, e.g. `prvReadOpportunity`.
fn privilege_name(message: &str) -> Option<String> {
    let start = message.find("prv")?;
    let name: String = message[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (name.len() > 3).then_some(name)
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 300 {
        format!("{}…", s.chars().take(300).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privilege_is_named() {
        let body = br#"{"error":{"code":"0x80040220","message":"Principal user (Id=1) is missing prvCreateActivity privilege (Id=2)"}}"#;
        match from_status(403, body, Some("tasks"), "POST tasks") {
            CrmError::InsufficientPrivileges {
                privilege, code, ..
            } => {
                assert_eq!(privilege.as_deref(), Some("prvCreateActivity"));
                assert_eq!(code.as_deref(), Some("0x80040220"));
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn missing_read_privilege_names_the_object() {
        let body =
            br#"{"error":{"code":"0x80040220","message":"missing prvReadOpportunity privilege"}}"#;
        let e = from_status(403, body, Some("opportunities"), "GET opportunities");
        assert_eq!(e.class(), ErrorClass::ObjectsUnreadable);
        assert_eq!(
            e.problem(),
            CrmProblem::Objects {
                objects: vec!["opportunities".into()]
            }
        );
    }
}
