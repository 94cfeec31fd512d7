//! `?`: every key of the view it was opened on, from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;

#[derive(Debug)]
pub struct HelpPopup {
    pub rows: Vec<(String, &'static str)>,
    scroll: u16,
}

impl HelpPopup {
    pub fn new(rows: Vec<(String, &'static str)>) -> Self {
        Self { rows, scroll: 0 }
    }
}

impl Component for HelpPopup {
    fn context(&self) -> Context {
        Context::Help
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::Back => fx.close_popup(),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::Top => self.scroll = 0,
            // As far as there is to go; the render keeps the last row on
            // the last line.
            Action::Bottom => self.scroll = u16::MAX,
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let inner = super::frame_box(
            frame,
            area,
            76,
            self.rows.len() as u16 + 2,
            &crate::t!("help-title"),
            t,
        );
        let lines: Vec<Line> = self
            .rows
            .iter()
            .map(|(k, d)| {
                Line::from(vec![
                    Span::styled(format!("{:>14}  ", crate::ui::keymap::shown(k)), t.key()),
                    Span::raw(crate::i18n::text(d, &[])),
                ])
            })
            .collect();
        let last = self.rows.len().saturating_sub(inner.height as usize);
        self.scroll = self.scroll.min(last as u16);
        frame.render_widget(
            Paragraph::new(super::fit_lines(lines, inner.width)).scroll((self.scroll, 0)),
            inner,
        );
    }
}
