//! The prerequisite checks of a connection, in the seed's order: Dynamics
//! 365 online (not on-premise), version 8.2 or later, not a sandbox, WhoAmI,
//! the required tables readable, the privileges present, and what
//! writeback needs. Each check yields a verdict with its detail; the first
//! failing one ends the report (later ones would only repeat it). The
//! questions are asked side by side, in two rounds after the token.

use futures::FutureExt;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::config::Lang;

use super::batch::{ChangeSet, WriteOp, WriteResult};
use super::client::Client;
use super::error::CrmError;
use super::messages::{Msg, text};
use super::metadata::{Organization, WhoAmI};
use super::odata::Column;
use super::rows::{Account, Contact, Opportunity, SystemUser, Table};

/// Which check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    SignIn,
    Online,
    Version,
    NotSandbox,
    WhoAmI,
    ObjectsReadable,
    Privileges,
    Writeback,
}

impl CheckId {
    /// The check's name in the catalogs, as the commands and the log
    /// write it (the console's list names stored checks by their id).
    pub fn message_id(self) -> &'static str {
        match self {
            Self::SignIn => "check-label-sign-in",
            Self::Online => "check-label-online",
            Self::Version => "check-label-version",
            Self::NotSandbox => "check-label-not-sandbox",
            Self::WhoAmI => "check-label-who-am-i",
            Self::ObjectsReadable => "check-label-objects-readable",
            Self::Privileges => "check-label-privileges",
            Self::Writeback => "check-label-writeback",
        }
    }
}

/// One verdict, as stored in the connection's `checks_json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: CheckId,
    pub passed: bool,
    pub detail: String,
}

/// What the checks need to know beyond the client.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub writeback_enabled: bool,
    /// Writeback impersonates seat holders (needs prvActOnBehalfOfAnotherUser).
    pub on_behalf_of_seat_holder: bool,
    /// A solution that must be installed for writeback.
    pub required_solution: Option<String>,
    pub lang: Lang,
}

/// Why the connection was refused.
#[derive(Debug)]
pub enum CheckFailure {
    /// A CRM call failed (one of the seed's four classes, or sign-in).
    Crm(CrmError),
    /// The CRM answered, but it is not a CRM navsync supports (on-premise,
    /// too old, sandbox) or writeback cannot work.
    Unsupported { check: CheckId, message: String },
}

impl CheckFailure {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Crm(e) => e.message(lang),
            Self::Unsupported { message, .. } => message.clone(),
        }
    }
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

    /// The seed's recommendation, when the connecting user is a person.
    pub fn integration_user_advice(&self, lang: Lang) -> Option<String> {
        let user = self.user.as_ref()?;
        (!user.is_application_user()).then(|| {
            text(
                &Msg::RecommendIntegrationUser(
                    user.fullname.as_deref().unwrap_or(&user.systemuserid),
                ),
                lang,
            )
        })
    }

    /// Who appears as creator (the connecting user) and owner (the seat holder).
    pub fn creator_note(&self, lang: Lang) -> Option<String> {
        let user = self.user.as_ref()?;
        Some(text(
            &Msg::CreatorAndOwner(user.fullname.as_deref().unwrap_or(&user.systemuserid)),
            lang,
        ))
    }
}

struct Run<'a, F: FnMut(&Check)> {
    report: CheckReport,
    on_check: &'a mut F,
}

impl<F: FnMut(&Check)> Run<'_, F> {
    fn record(&mut self, id: CheckId, passed: bool, detail: String) {
        let check = Check { id, passed, detail };
        (self.on_check)(&check);
        self.report.checks.push(check);
    }

    fn pass(&mut self, id: CheckId, detail: String) {
        self.record(id, true, detail);
    }

    fn fail_crm(mut self, id: CheckId, e: CrmError) -> CheckReport {
        self.record(id, false, e.detail());
        self.report.failure = Some(CheckFailure::Crm(e));
        self.report
    }

    fn fail(mut self, id: CheckId, message: String) -> CheckReport {
        self.record(id, false, message.clone());
        self.report.failure = Some(CheckFailure::Unsupported { check: id, message });
        self.report
    }
}

/// Signs in and runs every check, reporting each verdict to `on_check` as
/// it is reached.
pub async fn run_checks(
    client: &Client,
    opts: &CheckOptions,
    mut on_check: impl FnMut(&Check),
) -> CheckReport {
    let lang = opts.lang;
    let mut run = Run {
        report: CheckReport::default(),
        on_check: &mut on_check,
    };
    if let Err(e) = client.sign_in().await {
        return run.fail_crm(CheckId::SignIn, e);
    }
    run.pass(
        CheckId::SignIn,
        crate::t_in!(
            lang,
            "check-signed-in",
            method = client.config().auth_method_name()
        ),
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
            crate::t_in!(
                lang,
                "check-org-at",
                org = org.friendly_name.clone(),
                host = h.clone()
            ),
        ),
        other => {
            let host = other
                .clone()
                .unwrap_or_else(|| crate::t_in!(lang, "check-no-web-address"));
            return run.fail(
                CheckId::Online,
                format!("{} ({host})", text(&Msg::OnPremise, lang)),
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
        run.pass(CheckId::Version, version);
    } else {
        return run.fail(CheckId::Version, text(&Msg::VersionTooOld(&version), lang));
    }

    if org.is_sandbox() {
        return run.fail(
            CheckId::NotSandbox,
            format!("{} ({})", text(&Msg::Sandbox, lang), org.organization_type),
        );
    }
    run.pass(
        CheckId::NotSandbox,
        crate::t_in!(
            lang,
            "check-org-type",
            kind = org.organization_type.to_string()
        ),
    );

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
        privileges(client, &who.user_id, &needed, lang)
    );
    let user = match user {
        Ok(u) => u,
        Err(e) => return run.fail_crm(CheckId::WhoAmI, e),
    };
    run.pass(
        CheckId::WhoAmI,
        format!(
            "{} ({}, {})",
            user.fullname.as_deref().unwrap_or("?"),
            who.user_id,
            if user.is_application_user() {
                crate::t_in!(lang, "check-application-user")
            } else {
                crate::t_in!(lang, "check-interactive-user")
            }
        ),
    );
    run.report.who = Some(who.clone());
    run.report.user = Some(user);

    if let Err(e) = objects {
        return run.fail_crm(CheckId::ObjectsReadable, e);
    }
    run.pass(
        CheckId::ObjectsReadable,
        "systemusers, accounts, contacts, opportunities".into(),
    );

    match held {
        Ok(detail) => run.pass(CheckId::Privileges, detail),
        Err(e) => return run.fail_crm(CheckId::Privileges, e),
    }

    if !opts.writeback_enabled {
        run.pass(
            CheckId::Writeback,
            crate::t_in!(lang, "check-writeback-off"),
        );
        return run.report;
    }
    match (&opts.required_solution, solution) {
        (Some(name), Some(found)) => match found {
            Ok(found) if !found.is_empty() => run.pass(
                CheckId::Writeback,
                crate::t_in!(
                    lang,
                    "check-solution-installed",
                    name = name.clone(),
                    version = found[0].version.clone().unwrap_or_default()
                ),
            ),
            Ok(_) => {
                return run.fail(
                    CheckId::Writeback,
                    crate::t_in!(lang, "check-solution-missing", name = name.clone()),
                );
            }
            Err(e) => return run.fail_crm(CheckId::Writeback, e),
        },
        _ => run.pass(
            CheckId::Writeback,
            crate::t_in!(lang, "check-tasks-creatable"),
        ),
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
    lang: Lang,
) -> Result<String, CrmError> {
    if needed.is_empty() {
        return Ok(crate::t_in!(lang, "check-read-privileges"));
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
            }) => return probe_task_create(client, lang).await,
            Err(e) => return Err(e),
        }
    }
    match missing.first() {
        None => Ok(crate::t_in!(
            lang,
            "check-privileges-present",
            names = needed.join(", ")
        )),
        Some(first) => Err(CrmError::InsufficientPrivileges {
            privilege: Some((*first).to_string()),
            code: None,
            detail: crate::t_in!(lang, "check-user-lacks", names = missing.join(", ")),
        }),
    }
}

async fn probe_task_create(client: &Client, lang: Lang) -> Result<String, CrmError> {
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
        })) => Ok(crate::t_in!(lang, "check-tasks-probed")),
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
