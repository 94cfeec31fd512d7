//! What the faces say of the client's errors and checks, in a language:
//! the crm client itself returns types, the words are made by
//! `navsync::describe` (these tests read both).

use navsync::config::Lang;
use navsync::crm::CrmError;
use navsync::crm::checks::{CheckFailure, CheckReport};
use navsync::engine::interface::event::{Problem, UserError};
use navsync::engine::interface::note::Note;
use navsync::engine::interface::user_error::user_error;
use navsync::i18n::{Locale, with_locale};
use navsync::vocab::{ErrorClass, UserKind};

fn failure(f: &CheckFailure) -> UserError {
    match f {
        CheckFailure::Crm(e) => user_error(e),
        CheckFailure::Unsupported { check, facts } => UserError::new(
            ErrorClass::Unsupported,
            Problem::Unsupported {
                check: *check,
                facts: facts.clone(),
            },
            "",
        ),
    }
}

/// The headline and next step of an error, as a face says them.
pub trait Said {
    fn said(&self) -> UserError;

    fn message(&self, lang: Lang) -> String {
        with_locale(Locale::Lang(lang), || {
            navsync::describe::message(&self.said())
        })
    }

    fn next_step(&self, lang: Lang) -> String {
        with_locale(Locale::Lang(lang), || {
            navsync::describe::next_step(&self.said())
        })
    }
}

impl Said for CrmError {
    fn said(&self) -> UserError {
        user_error(self)
    }
}

impl Said for CheckFailure {
    fn said(&self) -> UserError {
        failure(self)
    }
}

/// The connect's notes about whom navsync signed in as.
pub trait Advice {
    /// The recommendation of an integration user, for a person.
    fn integration_user_advice(&self, lang: Lang) -> Option<String>;
    /// Who appears as creator and owner.
    fn creator_note(&self, lang: Lang) -> Option<String>;
}

impl Advice for CheckReport {
    fn integration_user_advice(&self, lang: Lang) -> Option<String> {
        let (user, kind) = self.signed_in_as()?;
        let lines = with_locale(Locale::Lang(lang), || {
            navsync::describe::note(&Note::SignedInAs { user, kind })
        });
        (kind == UserKind::Interactive).then(|| lines[0].clone())
    }

    fn creator_note(&self, lang: Lang) -> Option<String> {
        let (user, kind) = self.signed_in_as()?;
        with_locale(Locale::Lang(lang), || {
            navsync::describe::note(&Note::SignedInAs { user, kind })
        })
        .pop()
    }
}
