//! The whole of a text the tables cut to their column: a log line, a run's
//! report, an error. Wrapped to the screen, scrollable, and copied with
//! `y` through OSC 52 (works over SSH).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;

#[derive(Debug)]
pub struct DetailPopup {
    pub title: String,
    pub text: String,
    scroll: u16,
}

impl DetailPopup {
    pub fn new(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            text: text.into(),
            scroll: 0,
        }
    }
}

impl Component for DetailPopup {
    fn context(&self) -> Context {
        Context::Detail
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::Copy => {
                fx.copy(self.text.clone());
                fx.flash(true, crate::t!("copied"));
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
            area.width.saturating_sub(4),
            area.height,
            &self.title,
            t,
        );
        let width = inner.width.max(1) as usize;
        let lines: Vec<Line> = self
            .text
            .lines()
            .map(|l| Line::raw(l.to_string()))
            .collect();
        let height: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
        // Keep the last line reachable, no further.
        let room = inner.height.saturating_sub(1) as usize;
        self.scroll = self.scroll.min(height.saturating_sub(room) as u16);
        let keys: Vec<String> = ctx
            .keys
            .hints(Context::Detail)
            .iter()
            .map(|b| {
                let key = crate::ui::keymap::shown(b.label);
                format!("{key} {}", crate::i18n::text(b.desc, &[]))
            })
            .collect();
        let [body, foot] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            body,
        );
        frame.render_widget(
            Paragraph::new(super::fit_lines(
                vec![Line::styled(keys.join(" · "), t.key())],
                foot.width,
            )),
            foot,
        );
    }
}
