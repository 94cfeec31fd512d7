//! Errors and connection checks in words: the seed's message for each
//! problem, what to do next, and what each check found.

use crate::crm::CrmProblem;
use crate::engine::interface::event::{Problem, UserError};
use crate::t;
use crate::vocab::check::{Check, CheckFacts};
use crate::vocab::{CheckId, UserKind};

/// The headline of an error.
pub fn message(e: &UserError) -> String {
    match &e.problem {
        Problem::Crm(p) => crm_message(p),
        Problem::Internal => t!("problem-internal"),
        Problem::NotConnected => t!("problem-not-connected"),
        Problem::Unsupported { facts, .. } => facts_words(facts),
        Problem::WritebackPaused => t!("wb-paused"),
        Problem::WritesRefused { count } => t!("wb-refused", count = *count),
        Problem::EngineGone => t!("problem-engine-gone"),
    }
}

/// What went wrong underneath (the CRM's own words are not translated).
pub fn detail(e: &UserError) -> String {
    match &e.problem {
        Problem::Unsupported { check, .. } => t!("engine-check-failed", check = check_name(*check)),
        _ => e.detail.clone(),
    }
}

/// What the user should do now.
pub fn next_step(e: &UserError) -> String {
    match &e.problem {
        Problem::Crm(p) => crm_next_step(p),
        Problem::Internal => t!("problem-internal-next"),
        Problem::NotConnected => t!("problem-not-connected-next"),
        Problem::Unsupported { .. } => t!("engine-unsupported-next"),
        Problem::WritebackPaused => t!("wb-paused-next"),
        Problem::WritesRefused { .. } => t!("wb-refused-next"),
        Problem::EngineGone => t!("problem-engine-gone-next"),
    }
}

/// The seed's headline for a CRM failure.
pub fn crm_message(p: &CrmProblem) -> String {
    match p {
        CrmProblem::Connection => t!("crm-connection-error"),
        CrmProblem::Api => t!("crm-api-error"),
        CrmProblem::Privileges { .. } => t!("crm-privileges-error"),
        CrmProblem::Objects { .. } => t!("crm-objects-error"),
        CrmProblem::SignIn => t!("crm-sign-in-error"),
        CrmProblem::DeviceCodeExpired => t!("crm-device-code-expired"),
        CrmProblem::DeviceCodeDeclined => t!("crm-device-code-declined"),
        CrmProblem::NotSignedIn => t!("crm-not-signed-in"),
        CrmProblem::InsecureFile { .. } | CrmProblem::LocalSetup => t!("crm-local-setup-error"),
        CrmProblem::Cancelled => t!("crm-cancelled"),
    }
}

fn crm_next_step(p: &CrmProblem) -> String {
    match p {
        CrmProblem::Connection => t!("crm-connection-next"),
        CrmProblem::Api => t!("crm-api-next"),
        CrmProblem::Privileges { privilege: None } => t!("crm-privileges-next"),
        CrmProblem::Privileges { privilege: Some(p) } => {
            t!("crm-privileges-next-named", privilege = p.clone())
        }
        CrmProblem::Objects { objects } => t!("crm-objects-next", objects = objects.join(", ")),
        CrmProblem::SignIn => t!("crm-sign-in-next"),
        CrmProblem::DeviceCodeExpired | CrmProblem::DeviceCodeDeclined => {
            t!("crm-device-code-expired-next")
        }
        CrmProblem::NotSignedIn => t!("crm-not-signed-in-next"),
        CrmProblem::InsecureFile { path } => t!("crm-insecure-file-next", path = path.clone()),
        CrmProblem::LocalSetup => t!("crm-local-setup-next"),
        CrmProblem::Cancelled => t!("crm-cancelled-next"),
    }
}

/// A check's name ("version 8.2 or later").
pub fn check_name(id: CheckId) -> String {
    t!(&format!("check-label-{}", id.as_str().replace('_', "-")))
}

/// What a check found; a check stored before checks were typed keeps the
/// words it was stored with.
pub fn check_detail(c: &Check) -> String {
    match (&c.facts, &c.detail) {
        (Some(facts), _) => facts_words(facts),
        (None, Some(words)) => words.clone(),
        (None, None) => String::new(),
    }
}

fn facts_words(f: &CheckFacts) -> String {
    match f {
        CheckFacts::SignedIn { method } => t!("check-signed-in", method = method.clone()),
        CheckFacts::Online { org, host } => {
            t!("check-org-at", org = org.clone(), host = host.clone())
        }
        CheckFacts::OnPremise { host } => format!(
            "{} ({})",
            t!("crm-on-premise"),
            host.clone().unwrap_or_else(|| t!("check-no-web-address"))
        ),
        CheckFacts::Version { version } => version.clone(),
        CheckFacts::VersionTooOld { version } => {
            t!("crm-version-too-old", version = version.clone())
        }
        CheckFacts::OrgType { kind } => t!("check-org-type", kind = kind.clone()),
        CheckFacts::Sandbox { kind } => format!("{} ({kind})", t!("crm-sandbox")),
        CheckFacts::User { name, id, kind } => format!(
            "{} ({id}, {})",
            name.as_deref().unwrap_or("?"),
            match kind {
                UserKind::Application => t!("check-application-user"),
                UserKind::Interactive => t!("check-interactive-user"),
            }
        ),
        CheckFacts::Readable { tables } => tables.join(", "),
        CheckFacts::ReadPrivileges => t!("check-read-privileges"),
        CheckFacts::PrivilegesHeld { names } => {
            t!("check-privileges-present", names = names.join(", "))
        }
        CheckFacts::PrivilegesMissing { names } => {
            t!("check-user-lacks", names = names.join(", "))
        }
        CheckFacts::TasksProbed => t!("check-tasks-probed"),
        CheckFacts::WritebackOff => t!("check-writeback-off"),
        CheckFacts::TasksCreatable => t!("check-tasks-creatable"),
        CheckFacts::SolutionInstalled { name, version } => t!(
            "check-solution-installed",
            name = name.clone(),
            version = version.clone()
        ),
        CheckFacts::SolutionMissing { name } => t!("check-solution-missing", name = name.clone()),
        CheckFacts::CrmFailed { detail } => detail.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;
    use crate::i18n::{self, Locale};

    #[test]
    fn spanish_uses_the_seed_wording() {
        let p = CrmProblem::Connection;
        assert_eq!(
            i18n::with_locale(Locale::Lang(Lang::Es), || crm_message(&p)),
            "Error de conexión con el CRM. Vuelve a intentarlo más tarde."
        );
        assert_eq!(
            i18n::with_locale(Locale::Lang(Lang::En), || crm_message(&p)),
            "CRM connection error. Try again later."
        );
    }

    /// A check is stored as facts and said in the reader's language.
    #[test]
    fn a_check_is_said_in_the_readers_language() {
        let c = Check::new(
            CheckId::SignIn,
            true,
            CheckFacts::SignedIn {
                method: "client_secret".into(),
            },
        );
        let es = i18n::with_locale(Locale::Lang(Lang::Es), || check_detail(&c));
        let en = i18n::with_locale(Locale::Lang(Lang::En), || check_detail(&c));
        assert_eq!(es, "sesión iniciada (client_secret)");
        assert_eq!(en, "signed in (client_secret)");
    }
}
