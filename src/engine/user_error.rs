//! A CRM error as a user sees it: the crm client's own headline, detail
//! and next step, sorted into the engine's error classes.

use super::event::{ErrorClass, UserError};
use crate::config::Lang;
use crate::crm::{self, CrmError};

pub fn user_error(e: &CrmError, lang: Lang) -> UserError {
    UserError {
        class: class(e.class()),
        message: e.message(lang),
        detail: e.detail(),
        next_step: e.next_step(lang),
    }
}

/// The engine-facing class of a CRM error (the two enums stay separate so
/// the console contract does not depend on `crm`).
pub(super) fn class(c: crm::ErrorClass) -> ErrorClass {
    match c {
        crm::ErrorClass::Connection => ErrorClass::Connection,
        crm::ErrorClass::CrmApi => ErrorClass::CrmApi,
        crm::ErrorClass::InsufficientPrivileges => ErrorClass::InsufficientPrivileges,
        crm::ErrorClass::ObjectsUnreadable => ErrorClass::ObjectsUnreadable,
        crm::ErrorClass::Other => ErrorClass::Other,
    }
}
