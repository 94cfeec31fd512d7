//! Create-contact form for an unresolved activity: prefilled from the
//! member's profile, Tab between fields, checked before it is sent.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_input::Input;

use crate::engine::Command;
use crate::engine::interface::command::NewContact;
use crate::store::activities::Activity;
use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, KeyResult, ViewCtx};
use crate::ui::keymap::Context;

/// The fields' message ids, in form order.
const LABELS: [&str; 5] = [
    "form-first-name",
    "form-last-name",
    "form-email",
    "form-job-title",
    "form-company",
];

#[derive(Debug)]
pub struct ContactForm {
    pub activity_id: i64,
    /// First name, last name, e-mail, job title, company (the engine links
    /// the CRM account of that name when exactly one matches).
    pub fields: [Input; 5],
    pub focus: usize,
    /// Why the last submit was refused.
    pub error: Option<String>,
}

/// "Ana María López" -> ("Ana María", "López"): the CRM needs a last name,
/// and the last word is the best guess the profile gives.
fn split_name(full: &str) -> (String, String) {
    let full = full.trim();
    match full.rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_string(), last.to_string()),
        None => (String::new(), full.to_string()),
    }
}

/// A light check that catches typos, not RFC 5322.
fn email_ok(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(char::is_whitespace)
}

impl ContactForm {
    fn new(
        activity_id: i64,
        name: &str,
        email: Option<&str>,
        title: Option<&str>,
        company: Option<&str>,
    ) -> Self {
        let (first, last) = split_name(name);
        Self {
            activity_id,
            fields: [
                Input::new(first),
                Input::new(last),
                Input::new(email.unwrap_or_default().to_string()),
                Input::new(title.unwrap_or_default().to_string()),
                Input::new(company.unwrap_or_default().to_string()),
            ],
            focus: 0,
            error: None,
        }
    }

    pub(crate) fn from_activity(a: &Activity) -> Self {
        Self::new(
            a.id,
            &a.new.member_name,
            a.new.member_email.as_deref(),
            a.new.member_title.as_deref(),
            a.new.member_company.as_deref(),
        )
    }

    /// When the activity's detail has not arrived yet: the name only.
    pub fn from_name(activity_id: i64, name: &str) -> Self {
        Self::new(activity_id, name, None, None, None)
    }

    fn value(&self, i: usize) -> String {
        self.fields[i].value().trim().to_string()
    }

    pub(crate) fn validate(&self) -> Result<NewContact, String> {
        let lastname = self.value(1);
        if lastname.is_empty() {
            return Err(crate::t!("form-last-name-required"));
        }
        let email = self.value(2);
        if !email.is_empty() && !email_ok(&email) {
            return Err(crate::t!("form-bad-email", email = email));
        }
        let opt = |s: String| (!s.is_empty()).then_some(s);
        Ok(NewContact {
            firstname: self.value(0),
            lastname,
            email: opt(email),
            jobtitle: opt(self.value(3)),
            parentaccountid: None,
            company: opt(self.value(4)),
        })
    }
}

impl Component for ContactForm {
    fn context(&self) -> Context {
        Context::Form
    }

    fn handle_key(&mut self, key: &KeyEvent, bound: Option<Action>) -> KeyResult {
        let result = super::input_key(bound, &mut self.fields[self.focus], key);
        if matches!(result, KeyResult::Consumed(None)) {
            self.error = None;
        }
        result
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::NextField => self.focus = (self.focus + 1) % self.fields.len(),
            Action::PrevField => {
                self.focus = (self.focus + self.fields.len() - 1) % self.fields.len()
            }
            Action::Back => fx.close_popup(),
            Action::Confirm => match self.validate() {
                Ok(contact) => {
                    let name = format!("{} {}", contact.firstname, contact.lastname);
                    fx.send(Command::CreateContactAndResolve {
                        activity_id: self.activity_id,
                        contact,
                        by: Some(crate::ui::os_user::name()),
                    });
                    fx.flash(
                        true,
                        crate::t!("form-creating", name = name.trim().to_string()),
                    );
                    fx.close_popup();
                }
                Err(e) => self.error = Some(e),
            },
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let inner = super::frame_box(frame, area, 64, 12, &crate::t!("form-title"), t);
        let mut lines = vec![Line::raw(crate::t!("form-intro"))];
        let labels: Vec<String> = LABELS.iter().map(|id| crate::i18n::text(id, &[])).collect();
        let pad = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) + 1;
        for (i, label) in labels.iter().enumerate() {
            lines.push(super::input_line(
                &format!("{label:<pad$}"),
                &self.fields[i],
                inner.width,
                i == self.focus,
                t,
            ));
        }
        lines.push(Line::raw(""));
        match &self.error {
            Some(e) => lines.push(Line::styled(format!("✘ {e}"), t.error())),
            None => lines.push(Line::raw("")),
        }
        lines.push(Line::styled(crate::t!("form-keys"), t.key()));
        frame.render_widget(Paragraph::new(super::fit_lines(lines, inner.width)), inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_the_last_word_and_emails_are_checked() {
        assert_eq!(
            split_name("Ana María López"),
            ("Ana María".into(), "López".into())
        );
        assert_eq!(split_name("Cher"), (String::new(), "Cher".into()));
        assert!(email_ok("ana@contoso.com"));
        for bad in [
            "ana",
            "ana@",
            "@x.com",
            "ana@contoso",
            "a b@x.com",
            "a@x.com.",
        ] {
            assert!(!email_ok(bad), "{bad}");
        }
    }
}
