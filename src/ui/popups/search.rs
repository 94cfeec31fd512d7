//! `/` on the queue: search CRM contacts (answered by the engine's
//! SearchResults) and link the activity to the one picked.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_input::Input;

use crate::engine::Command;
use crate::engine::interface::command::ResolveHow;
use crate::engine::interface::event::ContactHit;
use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, KeyResult, ViewCtx};
use crate::ui::keymap::Context;

#[derive(Debug)]
pub struct SearchPopup {
    pub activity_id: i64,
    pub input: Input,
    pub results: Vec<ContactHit>,
    pub cursor: usize,
    /// The request whose answer is awaited.
    pub pending: Option<u64>,
    /// The query the results belong to.
    searched: Option<String>,
}

impl SearchPopup {
    pub fn new(activity_id: i64, query: &str) -> Self {
        Self {
            activity_id,
            input: Input::new(query.to_string()),
            results: Vec::new(),
            cursor: 0,
            pending: None,
            searched: None,
        }
    }

    /// The app numbered and sent the search.
    pub fn sent(&mut self, request_id: u64) {
        self.pending = Some(request_id);
        self.searched = Some(self.input.value().trim().to_string());
    }

    /// An answer; a stale one (older request) is dropped.
    pub fn results(&mut self, request_id: u64, hits: Vec<ContactHit>) {
        if self.pending == Some(request_id) {
            self.pending = None;
            self.results = hits;
            self.cursor = 0;
        }
    }
}

impl Component for SearchPopup {
    fn context(&self) -> Context {
        Context::Search
    }

    fn handle_key(&mut self, key: &KeyEvent, bound: Option<Action>) -> KeyResult {
        super::input_key(bound, &mut self.input, key)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        let query = self.input.value().trim().to_string();
        match action {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => {
                self.cursor = (self.cursor + 1).min(self.results.len().saturating_sub(1))
            }
            Action::Back => fx.close_popup(),
            Action::Confirm
                if self.searched.as_deref() == Some(query.as_str()) && !self.results.is_empty() =>
            {
                let hit = &self.results[self.cursor];
                fx.send(Command::ResolveWithContact {
                    activity_id: self.activity_id,
                    contactid: hit.contactid.clone(),
                    how: ResolveHow::Search,
                    by: Some(crate::ui::os_user::name()),
                });
                fx.flash(true, crate::t!("linking-to", name = hit.fullname.clone()));
                fx.close_popup();
            }
            Action::Confirm if query.is_empty() => {
                fx.flash(false, crate::t!("search-type-something"))
            }
            Action::Confirm => fx.search(query),
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let inner = super::frame_box(frame, area, 110, 16, &crate::t!("search-title"), t);
        let mut lines = vec![super::input_line(
            &format!("{} ", crate::t!("search-prompt")),
            &self.input,
            inner.width,
            true,
            t,
        )];
        if self.pending.is_some() {
            lines.push(Line::styled(crate::t!("searching"), t.dim()));
        } else if self.searched.is_some() && self.results.is_empty() {
            lines.push(Line::raw(crate::t!("search-none")));
        } else if self.searched.is_none() {
            lines.push(Line::styled(crate::t!("search-how"), t.dim()));
        } else {
            lines.push(Line::styled(
                crate::t!("search-found", count = self.results.len()),
                t.dim(),
            ));
        }
        let room = inner.height.saturating_sub(2) as usize;
        let start = self.cursor.saturating_sub(room.saturating_sub(1));
        for (i, h) in self.results.iter().enumerate().skip(start).take(room) {
            // As the candidates: the e-mail, longest and least telling, last.
            let extra: Vec<&str> = [
                h.company.as_deref(),
                h.jobtitle.as_deref(),
                h.email.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut text = format!(
                "{} {}",
                if i == self.cursor { "›" } else { " " },
                h.fullname
            );
            if !extra.is_empty() {
                text.push_str(&format!(" — {}", extra.join(" · ")));
            }
            lines.push(if i == self.cursor {
                Line::styled(text, t.selected())
            } else {
                Line::raw(text)
            });
        }
        frame.render_widget(Paragraph::new(super::fit_lines(lines, inner.width)), inner);
    }
}
