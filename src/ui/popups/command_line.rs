//! The k9s prompt: `:` runs a command, `/` edits the current table's
//! filter live (Esc puts the old one back).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph};
use tui_input::Input;

use crate::engine::Command;
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, KeyResult, ViewCtx};
use crate::ui::keymap::Context;

/// The commands `:` knows, for completion and the error message.
pub const COMMANDS: [&str; 6] = ["sync", "connect", "disconnect", "seats", "queue", "q"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Command,
    /// Editing a table filter; holds the filter to restore on Esc.
    Filter {
        before: String,
    },
}

#[derive(Debug)]
pub struct CommandLine {
    pub mode: Mode,
    pub input: Input,
}

impl CommandLine {
    pub fn command() -> Self {
        Self {
            mode: Mode::Command,
            input: Input::default(),
        }
    }

    pub fn filter(current: &str) -> Self {
        Self {
            mode: Mode::Filter {
                before: current.to_string(),
            },
            input: Input::new(current.to_string()),
        }
    }

    fn run(&self, fx: &mut Effects) {
        let cmd = self.input.value().trim();
        match cmd {
            "sync" => {
                fx.send(Command::SyncNow { dry_run: false });
                fx.flash(true, "Sync requested");
            }
            "connect" => fx.then = Some(Action::Connect),
            "disconnect" => fx.then = Some(Action::Disconnect),
            "seats" => fx.then = Some(Action::GoTab(Tab::Seats)),
            "queue" => fx.then = Some(Action::GoTab(Tab::Unresolved)),
            "q" | "quit" => fx.then = Some(Action::Quit),
            "" => {}
            other => fx.flash(
                false,
                format!("Unknown command :{other} — try :{}", COMMANDS.join(" :")),
            ),
        }
    }
}

impl Component for CommandLine {
    fn context(&self) -> Context {
        Context::CommandLine
    }

    fn handle_key(&mut self, key: &KeyEvent) -> KeyResult {
        super::input_key(Context::CommandLine, &mut self.input, key)
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
            Action::NextField if self.mode == Mode::Command => {
                let typed = self.input.value().trim().to_string();
                let hits: Vec<&str> = COMMANDS
                    .iter()
                    .copied()
                    .filter(|c| c.starts_with(&typed))
                    .collect();
                if let [only] = hits[..] {
                    self.input = Input::new(only.to_string());
                }
            }
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        // The prompt sits on the bottom line of the body, like k9s.
        let [_, line] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
        frame.render_widget(Clear, line);
        let label = match self.mode {
            Mode::Command => ":",
            Mode::Filter { .. } => "/",
        };
        let text = super::input_line(label, &self.input, line.width, false, ctx.theme);
        frame.render_widget(Paragraph::new(text).style(ctx.theme.key()), line);
    }
}

/// Called by the app after every key in filter mode: the live filter text.
pub fn live_filter(cl: &CommandLine) -> Option<String> {
    matches!(cl.mode, Mode::Filter { .. }).then(|| cl.input.value().to_string())
}
