//! Device-code sign-in: the code and URL large enough to read over SSH, a
//! countdown to expiry, and `y` to copy the code through OSC 52.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::format::countdown;
use crate::ui::keymap::Context;

#[derive(Debug)]
pub struct DeviceCodePopup {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_at: DateTime<Utc>,
}

/// "ABCD1234" -> "A B C D 1 2 3 4": spaced so it reads at a glance and
/// survives a small font; copying with `y` gives the bare code.
fn spaced(code: &str) -> String {
    code.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

impl Component for DeviceCodePopup {
    fn context(&self) -> Context {
        Context::DeviceCode
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::Copy => {
                fx.copy(self.user_code.clone());
                fx.flash(true, crate::t!("code-copied"));
            }
            Action::Back => fx.close_popup(),
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let inner = super::frame_box(frame, area, 72, 14, &crate::t!("device-title"), t);
        let left = match countdown(ctx.now, self.expires_at) {
            Some(c) => crate::t!("device-waiting", left = c),
            None => crate::t!("device-expired"),
        };
        let lines = vec![
            Line::raw(crate::t!("device-open")),
            Line::styled(self.verification_uri.clone(), t.title()),
            Line::raw(""),
            Line::raw(crate::t!("device-enter-code")),
            Line::raw(""),
            Line::styled(spaced(&self.user_code), t.key()),
            Line::raw(""),
            Line::raw(left),
            Line::raw(""),
            Line::styled(crate::t!("device-keys"), t.key()),
        ];
        frame.render_widget(
            Paragraph::new(lines)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            inner,
        );
    }
}
