//! A CRM error as a user sees it: the crm client's own headline, detail
//! and next step, sorted into the engine's error classes.

use crate::config::Lang;
use crate::crm::CrmError;
use crate::engine::interface::event::UserError;

pub fn user_error(e: &CrmError, lang: Lang) -> UserError {
    UserError {
        class: e.class(),
        message: e.message(lang),
        detail: e.detail(),
        next_step: e.next_step(lang),
    }
}
