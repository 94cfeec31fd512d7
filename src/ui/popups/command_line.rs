//! The k9s prompt: `:` runs a command (Tab completes it), and the filter
//! key edits the current table's filter live (Esc puts the old one back).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Clear, Paragraph};
use tui_input::Input;

use crate::engine::Command;
use crate::ui::action::Action;
use crate::ui::action::Tab;
use crate::ui::component::{Component, Effects, KeyResult, ViewCtx};
use crate::ui::keymap::{COMMANDS, Context, Does, LANGS, SEAT_SWITCHES};
use crate::ui::table::{fit_line, fold};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Command,
    /// Editing a table filter; holds the filter to restore on Esc.
    Filter {
        before: String,
    },
    /// Editing the text the Log tab finds; holds the one to restore on Esc.
    Find {
        before: String,
    },
}

/// Where Tab completion stands: the line typed before the first Tab and
/// the choice last offered, so repeated Tabs walk through the matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Completion {
    typed: String,
    offered: Option<usize>,
}

/// The words the `:` prompt completes besides command names, taken from
/// the console's data when the prompt opens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    /// Seat holders' names, for `:seats enable|disable NAME`.
    pub seats: Vec<String>,
}

/// What a `:` command with words asks of the app, beyond an Action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColonRun {
    /// Switch the sync of the seats `who` names (empty: the marked ones
    /// or the cursor's, as the keys do).
    SeatSync {
        enabled: bool,
        who: String,
    },
    Lang(crate::config::Lang),
}

#[derive(Debug)]
pub struct CommandLine {
    pub mode: Mode,
    pub input: Input,
    words: Words,
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

/// What completion offers at the end of `line`: the byte offset where the
/// word being completed starts, and the words that fit there (a command,
/// `enable`/`disable`, a seat holder, a language).
pub fn choices(line: &str, words: &Words) -> (usize, Vec<String>) {
    let lead = line.len() - line.trim_start().len();
    let body = &line[lead..];
    let starting = |list: &mut dyn Iterator<Item = &str>, typed: &str| -> Vec<String> {
        list.filter(|w| w.starts_with(typed))
            .map(str::to_string)
            .collect()
    };
    let Some((name, rest)) = body.split_once(' ') else {
        return (
            lead,
            matches(body).into_iter().map(str::to_string).collect(),
        );
    };
    let at = lead + name.len() + 1;
    match COMMANDS.iter().find(|c| c.name == name).map(|c| c.does) {
        Some(Does::Lang) => (at, starting(&mut LANGS.into_iter(), rest)),
        Some(Does::Seats) => match rest.split_once(' ') {
            None => (at, starting(&mut SEAT_SWITCHES.into_iter(), rest)),
            Some((switch, who)) if SEAT_SWITCHES.contains(&switch) => {
                // Names by their letters, accents and case aside.
                let typed = fold(who);
                let hits = words
                    .seats
                    .iter()
                    .filter(|n| fold(n).starts_with(&typed))
                    .cloned()
                    .collect();
                (at + switch.len() + 1, hits)
            }
            Some(_) => (line.len(), Vec::new()),
        },
        _ => (line.len(), Vec::new()),
    }
}

impl CommandLine {
    pub fn command(words: Words) -> Self {
        Self {
            mode: Mode::Command,
            input: Input::default(),
            words,
            completion: None,
        }
    }

    pub fn filter(current: &str) -> Self {
        Self {
            mode: Mode::Filter {
                before: current.to_string(),
            },
            input: Input::new(current.to_string()),
            words: Words::default(),
            completion: None,
        }
    }

    pub fn find(current: &str) -> Self {
        Self {
            mode: Mode::Find {
                before: current.to_string(),
            },
            input: Input::new(current.to_string()),
            words: Words::default(),
            completion: None,
        }
    }

    /// The line completion works on: as typed before the first Tab.
    fn typed(&self) -> String {
        self.completion.as_ref().map_or_else(
            || self.input.value().trim_start().to_string(),
            |c| c.typed.clone(),
        )
    }

    /// Tab: the longest common start of the choices; once that adds
    /// nothing, each Tab offers the next choice.
    fn complete(&mut self) {
        let words = &self.words;
        let state = self.completion.get_or_insert_with(|| Completion {
            typed: self.input.value().trim_start().to_string(),
            offered: None,
        });
        let (at, hits) = choices(&state.typed, words);
        if hits.is_empty() {
            return;
        }
        let head = state.typed[..at].to_string();
        let word = &state.typed[at..];
        let common = hits[1..].iter().fold(hits[0].clone(), |acc, h| {
            acc.chars()
                .zip(h.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        let next = if state.offered.is_none() && common.len() > word.len() {
            state.typed = format!("{head}{common}");
            state.typed.clone()
        } else {
            let i = state.offered.map_or(0, |i| (i + 1) % hits.len());
            state.offered = Some(i);
            format!("{head}{}", hits[i])
        };
        self.input = Input::new(next);
    }

    fn run(&self, fx: &mut Effects) {
        let line = match self.input.value().trim() {
            "?" => "help",
            t => t,
        };
        if line.is_empty() {
            return;
        }
        let (name, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        let Some(command) = COMMANDS.iter().find(|c| c.name == name) else {
            let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
            fx.flash(
                false,
                crate::t!("unknown-command", typed = line, names = names.join(" :")),
            );
            return;
        };
        let usage = |fx: &mut Effects| {
            fx.flash(
                false,
                crate::t!("command-usage", usage = usage(command.does, name)),
            )
        };
        match command.does {
            Does::Filter => fx.filter(rest.to_string()),
            Does::Act(_) | Does::Sync { .. } if !rest.is_empty() => usage(fx),
            Does::Sync { dry_run } => {
                fx.send(Command::SyncNow { dry_run });
                fx.flash(
                    true,
                    crate::t!(if dry_run {
                        "dry-run-requested"
                    } else {
                        "sync-requested"
                    }),
                );
            }
            Does::Act(a) => fx.then(a),
            Does::Seats if rest.is_empty() => fx.then(Action::GoTab(Tab::Seats)),
            Does::Seats => {
                let (switch, who) = rest.split_once(' ').unwrap_or((rest, ""));
                match SEAT_SWITCHES.iter().position(|s| *s == switch) {
                    Some(i) => fx.colon(ColonRun::SeatSync {
                        enabled: i == 0,
                        who: who.trim().to_string(),
                    }),
                    None => usage(fx),
                }
            }
            Does::Lang => match rest {
                "en" => fx.colon(ColonRun::Lang(crate::config::Lang::En)),
                "es" => fx.colon(ColonRun::Lang(crate::config::Lang::Es)),
                _ => usage(fx),
            },
        }
    }
}

/// How a command is written, for the message after a wrong one.
fn usage(does: Does, name: &str) -> String {
    match does {
        Does::Seats => format!(":{name} [{} [NAME]]", SEAT_SWITCHES.join("|")),
        Does::Filter => format!(":{name} [TEXT]"),
        Does::Lang => format!(":{name} {}", LANGS.join("|")),
        Does::Act(_) | Does::Sync { .. } => format!(":{name}"),
    }
}

impl Component for CommandLine {
    fn context(&self) -> Context {
        match self.mode {
            Mode::Command => Context::CommandLine,
            Mode::Filter { .. } => Context::FilterLine,
            Mode::Find { .. } => Context::FindLine,
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
                // The line closes first: what it runs may open a popup.
                fx.close_popup();
                if self.mode == Mode::Command {
                    self.run(fx);
                }
            }
            Action::Back => {
                match &self.mode {
                    Mode::Filter { before } => fx.filter(before.clone()),
                    Mode::Find { before } => fx.find(before.clone()),
                    Mode::Command => {}
                }
                fx.close_popup();
            }
            Action::NextField if self.mode == Mode::Command => self.complete(),
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        // The prompt sits on the bottom line of the body, like k9s; with
        // the commands that match above it while typing a command.
        let [_, list, line] = Layout::vertical([
            Constraint::Min(0),
            Constraint::Length(u16::from(self.mode == Mode::Command)),
            Constraint::Length(1),
        ])
        .areas(area);
        if self.mode == Mode::Command {
            let typed = self.typed();
            let (at, hits) = choices(&typed, &self.words);
            let value = self.input.value().trim_start();
            let current = value.get(at..).unwrap_or("").trim_end();
            // Command names are shown as commands, the words after one bare.
            let prefix = if at == 0 { ":" } else { "" };
            let mut spans = vec![Span::styled(
                format!("{} ", crate::t!("tab-completes")),
                t.dim(),
            )];
            if hits.is_empty() && at == 0 {
                spans.push(Span::raw(crate::t!("no-command-starts-so")));
            }
            for h in &hits {
                let dangerous = at == 0 && COMMANDS.iter().any(|c| c.name == h && c.dangerous);
                let style = match (h == current, dangerous) {
                    (true, _) => t.selected(),
                    (false, true) => t.error(),
                    (false, false) => t.base(),
                };
                spans.push(Span::styled(format!("{prefix}{h}"), style));
                spans.push(Span::raw(" "));
            }
            frame.render_widget(Clear, list);
            frame.render_widget(Paragraph::new(fit_line(spans, list.width as usize)), list);
        }
        frame.render_widget(Clear, line);
        let label = match self.mode {
            Mode::Command => ":".to_string(),
            Mode::Filter { .. } => format!("{} ", crate::t!("filter-prompt")),
            Mode::Find { .. } => format!("{} ", crate::t!("find-prompt")),
        };
        let text = super::input_line(&label, &self.input, line.width, false, t);
        frame.render_widget(Paragraph::new(text).style(t.key()), line);
    }
}

/// Called by the app after every key: a filter or a find follows the
/// text as it is typed.
pub fn live(cl: &CommandLine, fx: &mut Effects) {
    let text = cl.input.value().to_string();
    match cl.mode {
        Mode::Filter { .. } => fx.filter(text),
        Mode::Find { .. } => fx.find(text),
        Mode::Command => {}
    }
}
