//! What the keys of the queue ask of the engine: skip, link to a
//! candidate or the top one, search the CRM, create the contact, one entry
//! or the marked ones, with a confirmation and an undo where it changes
//! much.

use crate::engine::Command;
use crate::engine::interface::command::ResolveHow;
use crate::store::unresolved::QueueRow;
use crate::ui::action::Action;
use crate::ui::component::{Effects, Undo};
use crate::ui::popups::Popup;
use crate::ui::popups::confirm::ConfirmPopup;
use crate::ui::popups::form::ContactForm;
use crate::ui::popups::search::SearchPopup;

use super::{Pending, UnresolvedTab};

impl UnresolvedTab {
    /// "3 marked (1 hidden by filter)", for the bulk confirmations.
    fn marked_what(&self) -> String {
        let hidden = self.marks.count() - self.marks.among(self.view.visible());
        crate::t!(
            "seats-marked-hidden",
            count = self.marks.count(),
            hidden = hidden
        )
    }

    /// `s` with rows marked: skips them all (or brings them all back when
    /// every one is skipped already), after a confirmation with the count.
    fn bulk_skip(&mut self, fx: &mut Effects) {
        let marked: Vec<&QueueRow> = self.marks.indices().map(|i| &self.rows[i]).collect();
        let skip = marked.iter().any(|r| !r.dismissed);
        let ids: Vec<i64> = marked
            .iter()
            .filter(|r| r.dismissed != skip)
            .map(|r| r.activity_id)
            .collect();
        let commands = |skip: bool| -> Vec<Command> {
            ids.iter()
                .map(|&activity_id| Command::SkipUnresolved { activity_id, skip })
                .collect()
        };
        let what = self.marked_what();
        let question = if skip {
            crate::t!("unresolved-bulk-skip", what = what.clone())
        } else {
            crate::t!("unresolved-bulk-back", what = what.clone())
        };
        let undo = Undo {
            what: crate::t!(
                "undo-skip",
                skip = if skip { "yes" } else { "no" },
                member = what
            ),
            commands: commands(!skip),
        };
        fx.open(Popup::Confirm(
            ConfirmPopup::new(
                &crate::t!("unresolved-bulk-skip-title"),
                vec![question, crate::t!("unresolved-bulk-skip-effect")],
                commands(skip),
                Some(Action::ClearMarks),
            )
            .with_undo(undo),
        ));
    }

    /// `L`: links the marked rows (or the cursor's) to their best-ranked
    /// candidate, after a confirmation that counts those without one.
    pub(super) fn link_top(&mut self, fx: &mut Effects) {
        let rows: Vec<&QueueRow> = if self.marks.is_empty() {
            self.selected_row().into_iter().collect()
        } else {
            self.marks.indices().map(|i| &self.rows[i]).collect()
        };
        if rows.is_empty() {
            fx.flash(false, crate::t!("queue-empty"));
            return;
        }
        let linked: Vec<(i64, String, String)> = rows
            .iter()
            .filter_map(|r| {
                r.top_candidate.as_ref().map(|(id, name)| {
                    let name = name.clone().unwrap_or_else(|| id.clone());
                    (r.activity_id, id.clone(), name)
                })
            })
            .collect();
        let without = rows.len() - linked.len();
        if linked.is_empty() {
            fx.flash(false, crate::t!("unresolved-none-with-candidate"));
            return;
        }
        let what = if self.marks.is_empty() {
            rows[0].member_name.clone()
        } else {
            self.marked_what()
        };
        let mut lines = vec![crate::t!(
            "unresolved-link-question",
            what = what,
            count = linked.len()
        )];
        lines.extend(linked.iter().take(5).map(|(activity_id, _, name)| {
            let member = rows
                .iter()
                .find(|r| r.activity_id == *activity_id)
                .map_or("", |r| r.member_name.as_str());
            format!("  {member} → {name}")
        }));
        if linked.len() > 5 {
            lines.push(crate::t!("unresolved-link-more", count = linked.len() - 5));
        }
        if without > 0 {
            lines.push(crate::t!("unresolved-link-without", count = without));
        }
        let commands = linked
            .into_iter()
            .map(|(activity_id, contactid, _)| Command::ResolveWithContact {
                activity_id,
                contactid,
                how: ResolveHow::Candidate,
                by: Some(crate::ui::os_user::name()),
            })
            .collect();
        fx.open(Popup::Confirm(ConfirmPopup::new(
            &crate::t!("unresolved-link-title"),
            lines,
            commands,
            Some(Action::ClearMarks),
        )));
    }

    pub(super) fn act(&mut self, action: Action, fx: &mut Effects) {
        let Some(row) = self.selected_row().cloned() else {
            fx.flash(false, crate::t!("queue-empty"));
            return;
        };
        let id = row.activity_id;
        match action {
            Action::Resolve => {
                let Some(c) = self
                    .detail_for_selected()
                    .and_then(|d| d.candidates.get(self.candidate))
                else {
                    fx.flash(false, crate::t!("no-candidate-to-link"));
                    return;
                };
                let contactid = c.candidate.contactid.clone();
                let name = c.fullname.clone().unwrap_or_else(|| contactid.clone());
                fx.send(Command::ResolveWithContact {
                    activity_id: id,
                    contactid,
                    how: ResolveHow::Candidate,
                    by: Some(crate::ui::os_user::name()),
                });
                self.pending.insert(id, Pending::Link(name.clone()));
                fx.flash(
                    true,
                    crate::t!("linking", member = row.member_name.clone(), name = name),
                );
            }
            Action::SearchCrm => {
                fx.open(Popup::Search(SearchPopup::new(id, &row.member_name)));
            }
            Action::CreateContact => {
                let form = match self.detail_for_selected() {
                    Some(d) => ContactForm::from_activity(&d.activity),
                    None => ContactForm::from_name(id, &row.member_name),
                };
                fx.open(Popup::Form(form));
            }
            Action::Skip if !self.marks.is_empty() => self.bulk_skip(fx),
            Action::Skip => {
                let skip = !row.dismissed;
                fx.send(Command::SkipUnresolved {
                    activity_id: id,
                    skip,
                });
                fx.undo(Undo {
                    what: crate::t!(
                        "undo-skip",
                        skip = if skip { "yes" } else { "no" },
                        member = row.member_name.clone()
                    ),
                    commands: vec![Command::SkipUnresolved {
                        activity_id: id,
                        skip: !skip,
                    }],
                });
                self.pending.insert(id, Pending::Skip(skip));
                // On to the next entry, as a triage goes.
                self.view.move_by(1);
            }
            _ => {}
        }
    }
}
