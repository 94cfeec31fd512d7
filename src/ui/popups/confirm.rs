//! Yes/no before anything that changes many rows or removes data; says what
//! will happen, with counts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::engine::Command;
use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;

#[derive(Debug)]
pub struct ConfirmPopup {
    pub title: String,
    pub lines: Vec<String>,
    commands: Vec<Command>,
    then: Option<Action>,
}

impl ConfirmPopup {
    pub fn new(
        title: &str,
        lines: Vec<String>,
        commands: Vec<Command>,
        then: Option<Action>,
    ) -> Self {
        Self {
            title: title.to_string(),
            lines,
            commands,
            then,
        }
    }
}

impl Component for ConfirmPopup {
    fn context(&self) -> Context {
        Context::Confirm
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::Confirm => {
                fx.commands.append(&mut self.commands);
                fx.then = self.then;
                fx.close_popup = true;
            }
            Action::Back => fx.close_popup = true,
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let h = self.lines.len() as u16 + 6;
        let inner = super::frame_box(frame, area, 70, h.max(8), &self.title, t);
        let mut lines: Vec<Line> = self.lines.iter().map(|l| Line::raw(l.clone())).collect();
        lines.push(Line::raw(""));
        lines.push(Line::styled("y / Enter: yes    n / Esc: no", t.key()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
