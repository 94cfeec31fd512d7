//! A connection check's verdict with the facts behind it, as the crm
//! client finds it, the store keeps it (the connection row's checks, as
//! JSON of these types) and the faces put it in words.

use serde::{Deserialize, Serialize};

use super::{CheckId, UserKind};

/// One check's verdict and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub id: CheckId,
    pub passed: bool,
    /// What the check found; `None` for a check stored before checks were
    /// typed, whose words are in `detail` as they were written then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<CheckFacts>,
    /// Only a check stored before checks were typed has one (in the
    /// language of the process that ran it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Check {
    pub fn new(id: CheckId, passed: bool, facts: CheckFacts) -> Self {
        Self {
            id,
            passed,
            facts: Some(facts),
            detail: None,
        }
    }
}

/// What a check found: the data the faces put in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum CheckFacts {
    /// Signed in with this method (`client_secret`, `device_code`).
    SignedIn {
        method: String,
    },
    /// The organisation is Dynamics 365 online at this host.
    Online {
        org: String,
        host: String,
    },
    /// Not Dynamics 365 online: the organisation's web host, if it has one.
    OnPremise {
        host: Option<String>,
    },
    /// The organisation's version (at least 8.2).
    Version {
        version: String,
    },
    /// A version before 8.2.
    VersionTooOld {
        version: String,
    },
    /// Not a sandbox: the organisation's type.
    OrgType {
        kind: String,
    },
    /// A sandbox organisation, of this type.
    Sandbox {
        kind: String,
    },
    /// Who navsync signs in as.
    User {
        name: Option<String>,
        id: String,
        kind: UserKind,
    },
    /// These tables can be read.
    Readable {
        tables: Vec<String>,
    },
    /// Writeback is off: only read privileges are needed.
    ReadPrivileges,
    /// The privileges writeback needs are held.
    PrivilegesHeld {
        names: Vec<String>,
    },
    /// The connecting user lacks these privileges.
    PrivilegesMissing {
        names: Vec<String>,
    },
    /// Task creation proven with a change set that cannot commit.
    TasksProbed,
    WritebackOff,
    /// No solution is required and tasks can be created.
    TasksCreatable,
    SolutionInstalled {
        name: String,
        version: String,
    },
    SolutionMissing {
        name: String,
    },
    /// The CRM call failed: what it said.
    CrmFailed {
        detail: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows written before checks were typed carry `{id, passed, detail}`:
    /// they read back with their words as stored.
    #[test]
    fn an_old_check_reads_back_with_its_stored_words() {
        let old = r#"[{"id":"sign_in","passed":true,"detail":"sesión iniciada (client_secret)"}]"#;
        let checks: Vec<Check> = serde_json::from_str(old).unwrap();
        assert_eq!(
            checks,
            vec![Check {
                id: CheckId::SignIn,
                passed: true,
                facts: None,
                detail: Some("sesión iniciada (client_secret)".into()),
            }]
        );
    }

    #[test]
    fn a_typed_check_reads_back_as_written() {
        let c = Check::new(
            CheckId::Privileges,
            false,
            CheckFacts::PrivilegesMissing {
                names: vec!["prvCreateActivity".into()],
            },
        );
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Check>(&json).unwrap(), c);
    }
}
