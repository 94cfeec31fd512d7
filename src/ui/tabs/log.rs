//! Log: the engine's events and warnings, newest first, filterable by
//! level and text; `/` finds text (highlighted, n/N go to the next and
//! previous line with it), ←/→ scroll the messages sideways or `w` wraps
//! them over several rows, F follows the newest line; Enter shows a line
//! whole (the table cuts it to the screen).

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use tracing::Level;

use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::popups::Popup;
use crate::ui::popups::command_line::CommandLine;
use crate::ui::popups::detail::DetailPopup;
use crate::ui::table::{self, Filtered, TableView};
use crate::ui::tabs::heading;

/// Lines kept; older ones are in the log file.
const KEEP: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub level: Level,
    pub message: String,
}

#[derive(Debug)]
pub struct LogTab {
    /// Newest first.
    entries: VecDeque<LogEntry>,
    /// Least severe level shown; `None` = all.
    min: Option<Level>,
    view: TableView,
    /// Keep the cursor on the newest line as lines arrive (tail -f);
    /// moving down from it pauses, Home or F resumes.
    pub follow: bool,
    /// Columns the messages are scrolled to the left.
    pub shift: usize,
    /// Messages wrapped over as many rows as they need (no sideways scroll).
    pub wrap: bool,
    /// The text `/` finds, highlighted; n/N go to its next line.
    pub find: String,
}

impl Default for LogTab {
    fn default() -> Self {
        Self {
            entries: VecDeque::new(),
            min: None,
            view: TableView::default(),
            follow: true,
            shift: 0,
            wrap: false,
            find: String::new(),
        }
    }
}

/// Columns ←/→ scroll the messages by.
const SHIFT_STEP: usize = 16;

fn level_word(l: Level) -> String {
    crate::t!(match l {
        Level::ERROR => "level-error",
        Level::WARN => "level-warn",
        Level::INFO => "level-info",
        Level::DEBUG => "level-debug",
        Level::TRACE => "level-trace",
    })
}

/// A message as the table shows it: scrolled `shift` columns to the left
/// (the cut start marked "…"), the text found highlighted.
fn message_line(
    message: &str,
    find: &str,
    shift: usize,
    t: crate::ui::theme::Theme,
) -> Line<'static> {
    let chars: Vec<char> = message.chars().collect();
    let skip = shift.min(chars.len());
    let hits = table::find_ranges(message, find);
    let mut spans = Vec::new();
    if skip > 0 {
        spans.push(Span::raw(table::CUT.to_string()));
    }
    let mut at = skip;
    for r in hits.into_iter().filter(|r| r.end > skip) {
        let start = r.start.max(skip);
        if start > at {
            spans.push(Span::raw(chars[at..start].iter().collect::<String>()));
        }
        spans.push(Span::styled(
            chars[start..r.end].iter().collect::<String>(),
            t.found(),
        ));
        at = r.end;
    }
    if at < chars.len() {
        spans.push(Span::raw(chars[at..].iter().collect::<String>()));
    }
    Line::from(spans)
}

impl LogTab {
    /// Every line kept, newest first.
    pub fn entries(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter()
    }

    pub fn push(&mut self, at: DateTime<Utc>, level: Level, message: String) {
        let kept = self.view.selected();
        self.entries.push_front(LogEntry { at, level, message });
        self.entries.truncate(KEEP);
        self.refilter();
        if self.follow {
            self.view.top();
        } else if let Some(k) = kept {
            // The line under the cursor moved one down: stay on it.
            self.view.select(k + 1);
        }
    }

    /// The text to find; the cursor goes to the first line with it.
    pub(crate) fn set_find(&mut self, text: String) {
        self.find = text;
        if !self.find.is_empty() && !self.matches(self.view.selected()) {
            self.find_next(1);
        }
    }

    fn matches(&self, backing: Option<usize>) -> bool {
        backing
            .is_some_and(|i| !table::find_ranges(&self.entries[i].message, &self.find).is_empty())
    }

    /// Moves to the next (`step` 1, older) or previous (-1) shown line
    /// with the text found, round the end; false when no line has it.
    fn find_next(&mut self, step: isize) -> bool {
        let n = self.view.len() as isize;
        for k in 1..=n {
            let pos = (self.view.cursor() as isize + step * k).rem_euclid(n.max(1));
            let backing = self.view.visible().get(pos as usize).copied();
            if self.matches(backing) {
                self.view.move_by(pos - self.view.cursor() as isize);
                self.follow = pos == 0;
                return true;
            }
        }
        false
    }
}

impl Filtered for LogTab {
    fn view(&mut self) -> &mut TableView {
        &mut self.view
    }

    fn refilter(&mut self) {
        let (entries, min) = (&self.entries, self.min);
        let needle = table::fold(&self.view.filter);
        // tracing orders ERROR < WARN < INFO: "at least as severe" is <=.
        self.view.refilter_by(entries.len(), |i| {
            let e = &entries[i];
            min.is_none_or(|m| e.level <= m)
                && (needle.is_empty() || table::fold(&e.message).contains(&needle))
        });
    }
}

impl Component for LogTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Log)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            action if self.view.navigate(action) => {
                // Following means staying on the newest line.
                self.follow = self.view.cursor() == 0;
            }
            Action::Follow => {
                self.follow = !self.follow;
                if self.follow {
                    self.view.top();
                }
            }
            Action::Wrap => {
                self.wrap = !self.wrap;
                self.shift = 0;
            }
            Action::Left | Action::Right if self.wrap => {
                fx.flash(false, crate::t!("log-wrapped-no-scroll"));
            }
            Action::Left => self.shift = self.shift.saturating_sub(SHIFT_STEP),
            Action::Right => self.shift += SHIFT_STEP,
            Action::Find => {
                fx.open(Popup::CommandLine(CommandLine::find(&self.find)));
            }
            Action::FindNext | Action::FindPrev if self.find.is_empty() => {
                fx.flash(false, crate::t!("log-find-first"));
            }
            Action::FindNext | Action::FindPrev => {
                let step = if action == Action::FindNext { 1 } else { -1 };
                if !self.find_next(step) {
                    fx.flash(false, crate::t!("log-find-none", text = self.find.clone()));
                }
            }
            Action::Details => {
                if let Some(e) = self.view.selected().map(|i| &self.entries[i]) {
                    fx.open(Popup::Detail(DetailPopup::new(
                        format!(
                            "{} {}",
                            crate::i18n::date_time_seconds(e.at),
                            level_word(e.level)
                        ),
                        e.message.clone(),
                    )));
                }
            }
            Action::CycleLevel => {
                self.min = match self.min {
                    None => Some(Level::INFO),
                    Some(Level::INFO) => Some(Level::WARN),
                    Some(Level::WARN) => Some(Level::ERROR),
                    _ => None,
                };
                self.refilter();
            }
            _ => {}
        }
    }

    fn filtered(&mut self) -> Option<&mut dyn Filtered> {
        Some(self)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let level = match self.min {
            None => crate::t!("log-all-levels"),
            Some(l) => crate::t!("log-level-and-worse", level = level_word(l)),
        };
        let mut title = crate::t!(
            "log-title",
            shown = self.view.len(),
            total = self.entries.len(),
            level = level
        );
        let mut notes = vec![if self.follow {
            crate::t!("log-following")
        } else {
            crate::t!("log-paused")
        }];
        if !self.find.is_empty() {
            notes.push(crate::t!("log-finding", text = self.find.clone()));
        }
        if self.wrap {
            notes.push(crate::t!("log-wrapped"));
        } else if self.shift > 0 {
            notes.push(crate::t!("log-shifted", columns = self.shift));
        }
        for n in notes {
            title.push_str(" · ");
            title.push_str(&n);
        }
        frame.render_widget(
            Paragraph::new(table::fit_line(
                heading(&title, t).spans,
                top.width as usize,
            )),
            top,
        );
        let header = vec![
            crate::t!("col-time"),
            crate::t!("col-level"),
            crate::t!("col-message"),
        ];
        let widths = [
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Fill(1),
        ];
        let (entries, find, shift) = (&self.entries, self.find.as_str(), self.shift);
        // The message column's width, when the messages wrap into it.
        let wrap_at = self
            .wrap
            .then(|| table::column_widths(&widths, body.width)[2]);
        table::render(frame, body, &mut self.view, header, &widths, t, |i| {
            let e = &entries[i];
            let style = match e.level {
                Level::ERROR => t.error(),
                Level::WARN => t.warn(),
                _ => t.base(),
            };
            let message: Text<'static> = match wrap_at {
                Some(w) => table::wrap(&e.message, w)
                    .iter()
                    .map(|l| message_line(l, find, 0, t))
                    .collect::<Vec<_>>()
                    .into(),
                None => message_line(&e.message, find, shift, t).into(),
            };
            let cells = vec![
                Text::raw(e.at.format("%H:%M:%S").to_string()),
                Text::raw(level_word(e.level)),
                message,
            ];
            (cells, style)
        });
    }
}
