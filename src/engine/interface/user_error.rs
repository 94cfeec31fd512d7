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

/// 1234567 -> "1,234,567": every count a user reads (run summaries, the
/// console's tables) is written one way.
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}
