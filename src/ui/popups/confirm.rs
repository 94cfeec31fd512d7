//! Yes/no before anything that changes many rows or removes data; says what
//! will happen, with counts. Every dialog defaults to no (Enter backs
//! out), and the purge asks for its word typed out. The key line inside
//! the dialog comes from the keymap, like the footer, so the two agree.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::Input;

use crate::engine::Command;
use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, KeyResult, Undo, ViewCtx};
use crate::ui::keymap::{Context, Keymap};

/// The dialog's width, borders included.
const BOX_WIDTH: u16 = 70;

/// How much a confirmation asks of the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caution {
    /// Only y confirms; Enter means no, as in every dialog.
    Safe,
    /// Removes data: the word must be typed, then Enter.
    Typed(&'static str),
}

#[derive(Debug)]
pub struct ConfirmPopup {
    pub title: String,
    pub lines: Vec<String>,
    pub caution: Caution,
    /// What is typed for a `Caution::Typed` confirmation.
    pub input: Input,
    /// The counts shown are being read afresh; nothing is confirmed until
    /// they arrive (see `App::on_snapshot`).
    pub counting: bool,
    commands: Vec<Command>,
    then: Option<Action>,
    undo: Option<Undo>,
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
            caution: Caution::Safe,
            input: Input::default(),
            counting: false,
            commands,
            then,
            undo: None,
        }
    }

    /// What takes the change back once confirmed (see `App`'s undo).
    pub(crate) fn with_undo(mut self, undo: Undo) -> Self {
        self.undo = Some(undo);
        self
    }

    pub(crate) fn with_caution(mut self, caution: Caution) -> Self {
        self.caution = caution;
        self
    }

    /// Shows "counting…" until [`counted`](Self::counted) gives the lines.
    pub fn counting(mut self) -> Self {
        self.counting = true;
        self
    }

    pub fn counted(&mut self, lines: Vec<String>) {
        self.lines = lines;
        self.counting = false;
    }

    /// What is wrong with the word typed so far, said as soon as the
    /// typing strays from the word (not only when Enter is refused).
    fn wrong_word(&self) -> Option<String> {
        let Caution::Typed(word) = self.caution else {
            return None;
        };
        let typed = self.input.value().trim();
        (!typed.is_empty() && !word.starts_with(typed))
            .then(|| crate::t!("type-word-wrong", typed = typed, word = word))
    }

    /// The keys that answer this dialog, as the footer shows them.
    fn key_line(&self, keymap: &Keymap) -> String {
        let keys: Vec<String> = keymap
            .hints(self.context())
            .iter()
            .map(|b| {
                let key = crate::ui::keymap::shown(b.label);
                format!("{key} {}", crate::i18n::text(b.desc, &[]))
            })
            .collect();
        keys.join(" · ")
    }
}

impl Component for ConfirmPopup {
    fn context(&self) -> Context {
        match self.caution {
            Caution::Safe => Context::Confirm,
            Caution::Typed(_) => Context::ConfirmTyped,
        }
    }

    fn handle_key(&mut self, key: &KeyEvent, bound: Option<Action>) -> KeyResult {
        match (self.caution, bound) {
            (Caution::Typed(_), _) => super::input_key(bound, &mut self.input, key),
            (_, Some(a)) => KeyResult::Consumed(Some(a)),
            (_, None) => KeyResult::NotConsumed,
        }
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::Confirm if self.counting => {
                fx.flash(false, crate::t!("still-counting"));
            }
            Action::Confirm => {
                if let Caution::Typed(word) = self.caution
                    && self.input.value().trim() != word
                {
                    fx.flash(false, crate::t!("type-to-confirm", word = word));
                    return;
                }
                fx.close_popup();
                fx.send_all(self.commands.drain(..));
                if let Some(u) = self.undo.take() {
                    fx.undo(u);
                }
                if let Some(a) = self.then {
                    fx.then(a);
                }
            }
            Action::Back => fx.close_popup(),
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let wrong = self.wrong_word();
        let keys = self.key_line(ctx.keys);
        // Tall enough for the lines as they wrap inside the box, so the
        // key line below them is never pushed out.
        let width = area.width.min(BOX_WIDTH).saturating_sub(2) as usize;
        let wrapped = |l: &str| crate::ui::table::wrapped_rows(l, width);
        let needed = 2
            + self.lines.iter().map(|l| wrapped(l)).sum::<usize>()
            + 1
            + usize::from(matches!(self.caution, Caution::Typed(_)))
            + usize::from(wrong.is_some())
            + wrapped(&keys);
        let h = (self.lines.len() + 7).max(needed) as u16;
        let inner = super::frame_box(frame, area, BOX_WIDTH, h.max(8), &self.title, t);
        let mut lines: Vec<Line> = if self.counting {
            vec![Line::styled(crate::t!("counting"), t.dim())]
        } else {
            self.lines.iter().map(|l| Line::raw(l.clone())).collect()
        };
        lines.push(Line::raw(""));
        if let Caution::Typed(word) = self.caution {
            let label = format!("{} ", crate::t!("type-word", word = word));
            lines.push(super::input_line(&label, &self.input, inner.width, true, t));
            if let Some(wrong) = wrong {
                lines.push(Line::styled(format!("✘ {wrong}"), t.error()));
            }
        }
        lines.push(Line::styled(keys, t.key()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
