//! The prerequisite checks of a connection, in the seed's order: Dynamics
//! 365 online (not on-premise), version 8.2 or later, not a sandbox, WhoAmI,
//! the required tables readable, the privileges present, and what
//! writeback needs. Each check yields a verdict with its detail; the first
//! failing one ends the report (later ones would only repeat it). The
//! questions are asked side by side, in two rounds after the token.

use futures::FutureExt;
use serde_json::json;
use uuid::Uuid;

use super::batch::{ChangeSet, WriteOp, WriteResult};
use super::client::Client;
use super::error::CrmError;
use super::metadata::{Organization, WhoAmI};
use super::odata::Column;
use super::rows::{Account, Contact, Opportunity, SystemUser, Table};

pub use crate::vocab::CheckId;
use crate::vocab::UserKind;
pub use crate::vocab::check::{Check, CheckFacts};

/// What the checks need to know beyond the client.
#[derive(Debug, Clone, Default)]
pub(crate) struct CheckOptions {
    pub writeback_enabled: bool,
    /// Writeback impersonates seat holders (needs prvActOnBehalfOfAnotherUser).
    pub on_behalf_of_seat_holder: bool,
    /// A solution that must be installed for writeback.
    pub required_solution: Option<String>,
}

/// Why the connection was refused.
#[derive(Debug, thiserror::Error)]
pub enum CheckFailure {
    /// A CRM call failed (one of the seed's four classes, or sign-in).
    #[error(transparent)]
    Crm(CrmError),
    /// The CRM answered, but it is not a CRM navsync supports (on-premise,
    /// too old, sandbox) or writeback cannot work: what the check found.
    #[error("{check} check failed: {facts:?}")]
    Unsupported { check: CheckId, facts: CheckFacts },
}

/// Everything the checks found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub checks: Vec<Check>,
    pub who: Option<WhoAmI>,
    pub user: Option<SystemUser>,
    pub organization: Option<Organization>,
    pub version: Option<String>,
    pub failure: Option<CheckFailure>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// Who navsync signs in as, by name (else id), and whether that is
    /// a person: the faces recommend an integration user for a person
    /// and explain who appears as creator and owner.
    pub fn signed_in_as(&self) -> Option<(String, UserKind)> {
        let user = self.user.as_ref()?;
        let name = user
            .fullname
            .clone()
            .unwrap_or_else(|| user.systemuserid.clone());
        Some((name, user_kind(user)))
    }
}

fn user_kind(user: &SystemUser) -> UserKind {
    if user.is_application_user() {
        UserKind::Application
    } else {
        UserKind::Interactive
    }
}

struct Run<'a, F: FnMut(&Check)> {
    report: CheckReport,
    on_check: &'a mut F,
}

impl<F: FnMut(&Check)> Run<'_, F> {
    fn record(&mut self, id: CheckId, passed: bool, facts: CheckFacts) {
        let check = Check::new(id, passed, facts);
        (self.on_check)(&check);
        self.report.checks.push(check);
    }

    fn pass(&mut self, id: CheckId, facts: CheckFacts) {
        self.record(id, true, facts);
    }

    fn fail_crm(self, id: CheckId, e: CrmError) -> CheckReport {
        let facts = CheckFacts::CrmFailed { detail: e.detail() };
        self.fail_crm_with(id, e, facts)
    }

    fn fail_crm_with(mut self, id: CheckId, e: CrmError, facts: CheckFacts) -> CheckReport {
        self.record(id, false, facts);
        self.report.failure = Some(CheckFailure::Crm(e));
        self.report
    }

    fn fail(mut self, id: CheckId, facts: CheckFacts) -> CheckReport {
        self.record(id, false, facts.clone());
        self.report.failure = Some(CheckFailure::Unsupported { check: id, facts });
        self.report
    }
}

/// Signs in and runs every check, reporting each verdict to `on_check` as
/// it is reached.
pub(crate) async fn run_checks(
    client: &Client,
    opts: &CheckOptions,
    mut on_check: impl FnMut(&Check),
) -> CheckReport {
    let mut run = Run {
        report: CheckReport::default(),
        on_check: &mut on_check,
    };
    if let Err(e) = client.sign_in().await {
        return run.fail_crm(CheckId::SignIn, e);
    }
    run.pass(
        CheckId::SignIn,
        CheckFacts::SignedIn {
            method: client.config().auth_method_name().to_string(),
        },
    );

    // Every question that needs only the token is asked at once, and the
    // two that need the user's id at once after WhoAmI: at 100 ms a
    // request, connect is three round trips deep (the token, these, then
    // those) instead of one per check. The verdicts are still recorded,
    // and the first failure reported, in the seed's order.
    let solution = opts
        .required_solution
        .as_deref()
        .filter(|_| opts.writeback_enabled);
    let (org, version, who, objects, solution) = tokio::join!(
        client.current_organization(),
        client.retrieve_version(),
        client.who_am_i(),
        objects_readable(client),
        async {
            match solution {
                Some(name) => Some(client.solutions(Some(name)).await),
                None => None,
            }
        },
    );

    let org = match org {
        Ok(o) => o,
        Err(e) => return run.fail_crm(CheckId::Online, e),
    };
    let web_host = org
        .web_application_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
    match &web_host {
        Some(h) if super::instance_url::is_dynamics_online_host(h) => run.pass(
            CheckId::Online,
            CheckFacts::Online {
                org: org.friendly_name.clone(),
                host: h.clone(),
            },
        ),
        other => {
            return run.fail(
                CheckId::Online,
                CheckFacts::OnPremise {
                    host: other.clone(),
                },
            );
        }
    }
    run.report.organization = Some(org.clone());

    let version = match version {
        Ok(v) => v,
        Err(e) => return run.fail_crm(CheckId::Version, e),
    };
    run.report.version = Some(version.clone());
    if version_at_least(&version, 8, 2) {
        run.pass(CheckId::Version, CheckFacts::Version { version });
    } else {
        return run.fail(CheckId::Version, CheckFacts::VersionTooOld { version });
    }

    let kind = org.organization_type.clone();
    if org.is_sandbox() {
        return run.fail(CheckId::NotSandbox, CheckFacts::Sandbox { kind });
    }
    run.pass(CheckId::NotSandbox, CheckFacts::OrgType { kind });

    let who = match who {
        Ok(w) => w,
        Err(e) => return run.fail_crm(CheckId::WhoAmI, e),
    };
    let mut needed = Vec::new();
    if opts.writeback_enabled {
        needed.push("prvCreateActivity");
        needed.push("prvWriteActivity");
        if opts.on_behalf_of_seat_holder {
            needed.push("prvActOnBehalfOfAnotherUser");
        }
    }
    let (user, held) = tokio::join!(
        client.systemuser(&who.user_id),
        privileges(client, &who.user_id, &needed)
    );
    let user = match user {
        Ok(u) => u,
        Err(e) => return run.fail_crm(CheckId::WhoAmI, e),
    };
    run.pass(
        CheckId::WhoAmI,
        CheckFacts::User {
            name: user.fullname.clone(),
            id: who.user_id.clone(),
            kind: user_kind(&user),
        },
    );
    run.report.who = Some(who.clone());
    run.report.user = Some(user);

    if let Err(e) = objects {
        return run.fail_crm(CheckId::ObjectsReadable, e);
    }
    run.pass(
        CheckId::ObjectsReadable,
        CheckFacts::Readable {
            tables: ["systemusers", "accounts", "contacts", "opportunities"]
                .map(String::from)
                .to_vec(),
        },
    );

    match held {
        Ok(Ok(facts)) => run.pass(CheckId::Privileges, facts),
        Ok(Err(missing)) => {
            let e = CrmError::InsufficientPrivileges {
                privilege: missing.first().cloned(),
                code: None,
                detail: format!("the connecting user lacks {}", missing.join(", ")),
            };
            let facts = CheckFacts::PrivilegesMissing { names: missing };
            return run.fail_crm_with(CheckId::Privileges, e, facts);
        }
        Err(e) => return run.fail_crm(CheckId::Privileges, e),
    }

    if !opts.writeback_enabled {
        run.pass(CheckId::Writeback, CheckFacts::WritebackOff);
        return run.report;
    }
    match (&opts.required_solution, solution) {
        (Some(name), Some(found)) => match found {
            Ok(found) if !found.is_empty() => run.pass(
                CheckId::Writeback,
                CheckFacts::SolutionInstalled {
                    name: name.clone(),
                    version: found[0].version.clone().unwrap_or_default(),
                },
            ),
            Ok(_) => {
                return run.fail(
                    CheckId::Writeback,
                    CheckFacts::SolutionMissing { name: name.clone() },
                );
            }
            Err(e) => return run.fail_crm(CheckId::Writeback, e),
        },
        _ => run.pass(CheckId::Writeback, CheckFacts::TasksCreatable),
    }
    run.report
}

/// `$top=1` of each required table; every unreadable one is named.
async fn objects_readable(client: &Client) -> Result<(), CrmError> {
    async fn probe<T: Table>(client: &Client) -> Result<(), CrmError> {
        client.query::<T>(None, 1, &[]).await.map(|_| ())
    }
    let results = futures::future::join_all([
        probe::<SystemUser>(client).boxed(),
        probe::<Account>(client).boxed(),
        probe::<Contact>(client).boxed(),
        probe::<Opportunity>(client).boxed(),
    ])
    .await;
    let mut unreadable = Vec::new();
    let mut details = Vec::new();
    for r in results {
        match r {
            Ok(()) => {}
            Err(CrmError::ObjectsUnreadable { objects, detail }) => {
                unreadable.extend(objects);
                details.push(detail);
            }
            Err(e) => return Err(e),
        }
    }
    if unreadable.is_empty() {
        Ok(())
    } else {
        Err(CrmError::ObjectsUnreadable {
            objects: unreadable,
            detail: details.join("; "),
        })
    }
}

/// Checks each privilege with `RetrieveUserPrivilegeByPrivilegeName`; where
/// that function is unavailable, proves task creation with a change set
/// that cannot commit (a create followed by an update of a row that does
/// not exist), so nothing is ever left in the CRM.
async fn privileges(
    client: &Client,
    user_id: &str,
    needed: &[&str],
) -> Result<Result<CheckFacts, Vec<String>>, CrmError> {
    if needed.is_empty() {
        return Ok(Ok(CheckFacts::ReadPrivileges));
    }
    let answers =
        futures::future::join_all(needed.iter().map(|p| client.user_has_privilege(user_id, p)))
            .await;
    let mut missing = Vec::new();
    for (p, answer) in needed.iter().zip(answers) {
        match answer {
            Ok(true) => {}
            Ok(false) => missing.push(*p),
            Err(CrmError::Api {
                status: Some(400 | 404 | 501),
                ..
            }) => return probe_task_create(client).await.map(Ok),
            Err(e) => return Err(e),
        }
    }
    Ok(if missing.is_empty() {
        Ok(CheckFacts::PrivilegesHeld {
            names: needed.iter().map(|p| p.to_string()).collect(),
        })
    } else {
        Err(missing.iter().map(|p| p.to_string()).collect())
    })
}

async fn probe_task_create(client: &Client) -> Result<CheckFacts, CrmError> {
    let probe = ChangeSet::new(vec![
        WriteOp::Create {
            entity_set: "tasks".into(),
            key: Column::new("activityid")?,
            id: Uuid::new_v4(),
            body: json!({"subject": "navsync connection check (never committed)"}),
        },
        WriteOp::Update {
            entity_set: "tasks".into(),
            id: Uuid::new_v4(),
            body: json!({"subject": "navsync connection check"}),
        },
    ]);
    match client
        .write_batch(std::slice::from_ref(&probe))
        .await?
        .pop()
    {
        Some(WriteResult::Failed(CrmError::Api {
            status: Some(404), ..
        })) => Ok(CheckFacts::TasksProbed),
        Some(WriteResult::Failed(e)) => Err(e),
        _ => Err(CrmError::api(
            None,
            "the task-creation check was committed although it could not be",
        )),
    }
}

/// `major.minor` of a Dynamics version string is at least the given one.
fn version_at_least(version: &str, major: u32, minor: u32) -> bool {
    let mut parts = version
        .split('.')
        .map(|p| p.trim().parse::<u32>().unwrap_or(0));
    let (a, b) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (a, b) >= (major, minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(version_at_least("9.2.25061.00154", 8, 2));
        assert!(version_at_least("8.2.0.1", 8, 2));
        assert!(!version_at_least("8.1.0.359", 8, 2));
        assert!(!version_at_least("garbage", 8, 2));
    }
}
