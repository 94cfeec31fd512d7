//! Assign seats from the CRM: a filterable list of CRM users (disabled and
//! application users left out); users who already hold a seat are shown as
//! such and cannot be marked. Same marking keys as the seat table.

use std::collections::{BTreeSet, HashSet};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_input::Input;

use crate::engine::Command;
use crate::store::mirror::SystemUser;
use crate::store::seats::{Edition, Licence};
use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, KeyResult, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::loader::SeatsData;
use crate::ui::popups::Popup;
use crate::ui::popups::confirm::ConfirmPopup;
use crate::ui::table::{self, TableView};

#[derive(Debug)]
pub struct AssignPopup {
    users: Vec<SystemUser>,
    haystacks: Vec<String>,
    holders: HashSet<String>,
    pub view: TableView,
    pub marks: BTreeSet<String>,
    pub licence: Licence,
    pub edition: Edition,
    /// The filter being typed, while `/` is active.
    editing: Option<Input>,
}

impl AssignPopup {
    pub fn new(data: &SeatsData) -> Self {
        let users: Vec<SystemUser> = data
            .users
            .iter()
            .filter(|u| !u.isdisabled && !u.is_application_user)
            .cloned()
            .collect();
        let holders = data
            .seats
            .iter()
            .filter_map(|s| s.crm_user_id.clone())
            .collect();
        let haystacks = users
            .iter()
            .map(|u| table::haystack([u.fullname.as_str(), u.email.as_deref().unwrap_or("")]))
            .collect();
        let mut p = Self {
            haystacks,
            users,
            holders,
            view: TableView::default(),
            marks: BTreeSet::new(),
            licence: Licence::Member,
            edition: Edition::Team,
            editing: None,
        };
        p.refilter();
        p
    }

    fn refilter(&mut self) {
        self.view.refilter(&self.haystacks);
    }

    fn free(&self, i: usize) -> bool {
        !self.holders.contains(&self.users[i].systemuserid)
    }
}

impl Component for AssignPopup {
    fn context(&self) -> Context {
        Context::Assign
    }

    fn handle_key(&mut self, key: &KeyEvent, bound: Option<Action>) -> KeyResult {
        if let Some(input) = &mut self.editing {
            match key.code {
                KeyCode::Enter => self.editing = None,
                KeyCode::Esc => {
                    self.editing = None;
                    self.view.filter.clear();
                    self.refilter();
                }
                _ => {
                    super::feed(input, key);
                    self.view.filter = input.value().to_string();
                    self.refilter();
                }
            }
            return KeyResult::Consumed(None);
        }
        match bound {
            Some(a) => KeyResult::Consumed(Some(a)),
            None => KeyResult::NotConsumed,
        }
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            action if self.view.navigate(action) => {}
            Action::Filter => self.editing = Some(Input::new(self.view.filter.clone())),
            Action::Mark => {
                if let Some(i) = self.view.selected() {
                    if self.free(i) {
                        let id = self.users[i].systemuserid.clone();
                        if !self.marks.remove(&id) {
                            self.marks.insert(id);
                        }
                    } else {
                        let name = self.users[i].fullname.clone();
                        fx.flash(false, crate::t!("assign-already-holds", name = name));
                    }
                    self.view.move_by(1);
                }
            }
            Action::MarkAll => {
                let free: Vec<String> = self
                    .view
                    .visible()
                    .iter()
                    .filter(|&&i| self.free(i))
                    .map(|&i| self.users[i].systemuserid.clone())
                    .collect();
                self.marks.extend(free);
            }
            Action::ClearMarks => self.marks.clear(),
            Action::CycleLicence => {
                self.licence = match self.licence {
                    Licence::Member => Licence::Admin,
                    Licence::Admin => Licence::Member,
                }
            }
            Action::CycleEdition => {
                self.edition = match self.edition {
                    Edition::Team => Edition::Enterprise,
                    Edition::Enterprise => Edition::Team,
                }
            }
            Action::Confirm => {
                let ids: Vec<String> = if self.marks.is_empty() {
                    self.view
                        .selected()
                        .filter(|&i| self.free(i))
                        .map(|i| vec![self.users[i].systemuserid.clone()])
                        .unwrap_or_default()
                } else {
                    self.marks.iter().cloned().collect()
                };
                if ids.is_empty() {
                    fx.flash(false, crate::t!("assign-mark-first"));
                    return;
                }
                // Asked first, as enabling and disabling are: seats (admin
                // licences among them) are not taken back with a key.
                let names: Vec<&str> = self
                    .users
                    .iter()
                    .filter(|u| ids.contains(&u.systemuserid))
                    .map(|u| u.fullname.as_str())
                    .collect();
                let licence = crate::ui::format::stored_word("licence", self.licence.as_str());
                let edition = crate::ui::format::stored_word("edition", self.edition.as_str());
                let lines = vec![
                    crate::t!(
                        "assign-question",
                        count = ids.len(),
                        licence = licence,
                        edition = edition
                    ),
                    names.join(", "),
                ];
                fx.open(Popup::Confirm(ConfirmPopup::new(
                    &crate::t!("assign-confirm-title"),
                    lines,
                    vec![Command::AssignSeats {
                        crm_user_ids: ids,
                        licence: self.licence,
                        edition: self.edition,
                    }],
                    None,
                )));
            }
            Action::Back => fx.close_popup(),
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let inner = super::frame_box(
            frame,
            area,
            90,
            area.height.saturating_sub(2),
            &crate::t!("assign-title"),
            t,
        );
        let [top, body, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        let status = crate::t!(
            "assign-status",
            users = self.view.len(),
            marked = self.marks.len(),
            licence = crate::ui::format::stored_word("licence", self.licence.as_str()),
            edition = crate::ui::format::stored_word("edition", self.edition.as_str())
        );
        frame.render_widget(
            Paragraph::new(super::fit_lines(vec![Line::raw(status)], top.width)),
            top,
        );
        let header = vec![
            String::new(),
            crate::t!("col-name"),
            crate::t!("col-email"),
            crate::t!("col-seat"),
        ];
        let widths = [
            Constraint::Length(3),
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Length(11),
        ];
        let (users, holders, marks) = (&self.users, &self.holders, &self.marks);
        table::render(frame, body, &mut self.view, header, &widths, t, |i| {
            let u = &users[i];
            let held = holders.contains(&u.systemuserid);
            let mark = if held {
                " - "
            } else if marks.contains(&u.systemuserid) {
                "[x]"
            } else {
                "[ ]"
            };
            let cells = vec![
                mark.to_string(),
                u.fullname.clone(),
                u.email.clone().unwrap_or_default(),
                if held {
                    crate::t!("assign-has-seat")
                } else {
                    String::new()
                },
            ];
            (cells, if held { t.dim() } else { Style::default() })
        });
        let line = match &self.editing {
            Some(input) => super::input_line("/", input, bottom.width, false, t),
            None => Line::styled(crate::t!("assign-keys"), t.key()),
        };
        frame.render_widget(
            Paragraph::new(super::fit_lines(vec![line], bottom.width)),
            bottom,
        );
    }
}
