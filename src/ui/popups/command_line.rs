//! The k9s prompt: `:` runs a command (Tab completes it), and the filter
//! key edits the current table's filter live (Esc puts the old one back).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use tui_input::Input;

use crate::engine::Command;
use crate::ui::action::Action;
use crate::ui::component::{Component, Effects, KeyResult, ViewCtx};
use crate::ui::keymap::{COMMANDS, Context, Does};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Command,
    /// Editing a table filter; holds the filter to restore on Esc.
    Filter {
        before: String,
    },
}

/// Where Tab completion stands: the text typed before the first Tab and
/// the command last offered, so repeated Tabs walk through the matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Completion {
    typed: String,
    offered: Option<usize>,
}

#[derive(Debug)]
pub struct CommandLine {
    pub mode: Mode,
    pub input: Input,
    completion: Option<Completion>,
}

/// The commands that start with `typed`, in `COMMANDS` order.
pub fn matches(typed: &str) -> Vec<&'static str> {
    COMMANDS
        .iter()
        .map(|c| c.name)
        .filter(|c| c.starts_with(typed))
        .collect()
}

impl CommandLine {
    pub fn command() -> Self {
        Self {
            mode: Mode::Command,
            input: Input::default(),
            completion: None,
        }
    }

    pub fn filter(current: &str) -> Self {
        Self {
            mode: Mode::Filter {
                before: current.to_string(),
            },
            input: Input::new(current.to_string()),
            completion: None,
        }
    }

    /// Tab: the longest common start of the matches; once that adds
    /// nothing, each Tab offers the next match.
    fn complete(&mut self) {
        let state = self.completion.get_or_insert_with(|| Completion {
            typed: self.input.value().trim().to_string(),
            offered: None,
        });
        let hits = matches(&state.typed);
        if hits.is_empty() {
            return;
        }
        let common = hits[1..].iter().fold(hits[0].to_string(), |acc, h| {
            acc.chars()
                .zip(h.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        let next = if state.offered.is_none() && common.len() > state.typed.len() {
            state.typed = common.clone();
            common
        } else {
            let i = state.offered.map_or(0, |i| (i + 1) % hits.len());
            state.offered = Some(i);
            hits[i].to_string()
        };
        self.input = Input::new(next);
    }

    fn run(&self, fx: &mut Effects) {
        let typed = match self.input.value().trim() {
            "?" => "help",
            t => t,
        };
        if typed.is_empty() {
            return;
        }
        match COMMANDS.iter().find(|c| c.name == typed).map(|c| c.does) {
            Some(Does::Sync) => {
                fx.send(Command::SyncNow { dry_run: false });
                fx.flash(true, crate::t!("sync-requested"));
            }
            Some(Does::Act(a)) => fx.then = Some(a),
            None => {
                let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
                fx.flash(
                    false,
                    crate::t!("unknown-command", typed = typed, names = names.join(" :")),
                );
            }
        }
    }
}

impl Component for CommandLine {
    fn context(&self) -> Context {
        match self.mode {
            Mode::Command => Context::CommandLine,
            Mode::Filter { .. } => Context::FilterLine,
        }
    }

    fn handle_key(&mut self, key: &KeyEvent, bound: Option<Action>) -> KeyResult {
        let result = super::input_key(bound, &mut self.input, key);
        if matches!(result, KeyResult::Consumed(None)) {
            // Typing starts a new completion.
            self.completion = None;
        }
        result
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::Confirm => {
                if self.mode == Mode::Command {
                    self.run(fx);
                }
                fx.close_popup = true;
            }
            Action::Back => {
                if let Mode::Filter { before } = &self.mode {
                    fx.filter = Some(before.clone());
                }
                fx.close_popup = true;
            }
            Action::NextField if self.mode == Mode::Command => self.complete(),
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        // The prompt sits on the bottom line of the body, like k9s; with
        // the commands that match above it while typing a command.
        let [_, choices, line] = Layout::vertical([
            Constraint::Min(0),
            Constraint::Length(u16::from(self.mode == Mode::Command)),
            Constraint::Length(1),
        ])
        .areas(area);
        if self.mode == Mode::Command {
            let typed = self.completion.as_ref().map_or_else(
                || self.input.value().trim().to_string(),
                |c| c.typed.clone(),
            );
            let hits = matches(&typed);
            let current = self.input.value().trim();
            let mut spans = vec![Span::styled(
                format!("{} ", crate::t!("tab-completes")),
                t.dim(),
            )];
            if hits.is_empty() {
                spans.push(Span::raw(crate::t!("no-command-starts-so")));
            }
            for h in hits {
                let dangerous = COMMANDS.iter().any(|c| c.name == h && c.dangerous);
                let style = match (h == current, dangerous) {
                    (true, _) => t.selected(),
                    (false, true) => t.error(),
                    (false, false) => t.base(),
                };
                spans.push(Span::styled(format!(":{h}"), style));
                spans.push(Span::raw(" "));
            }
            frame.render_widget(Clear, choices);
            frame.render_widget(Paragraph::new(Line::from(spans)), choices);
        }
        frame.render_widget(Clear, line);
        let label = match self.mode {
            Mode::Command => ":".to_string(),
            Mode::Filter { .. } => format!("{} ", crate::t!("filter-prompt")),
        };
        let text = super::input_line(&label, &self.input, line.width, false, t);
        frame.render_widget(Paragraph::new(text).style(t.key()), line);
    }
}

/// Called by the app after every key in filter mode: the live filter text.
pub fn live_filter(cl: &CommandLine) -> Option<String> {
    matches!(cl.mode, Mode::Filter { .. }).then(|| cl.input.value().to_string())
}
