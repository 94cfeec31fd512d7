//! Log: the engine's events and warnings, newest first, filterable by
//! level; Enter shows a line whole (the table cuts it to the screen).

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;
use tracing::Level;

use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::popups::Popup;
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

#[derive(Debug, Default)]
pub struct LogTab {
    /// Newest first.
    entries: VecDeque<LogEntry>,
    /// Least severe level shown; `None` = all.
    min: Option<Level>,
    view: TableView,
}

fn level_word(l: Level) -> String {
    crate::t!(match l {
        Level::ERROR => "level-error",
        Level::WARN => "level-warn",
        Level::INFO => "level-info",
        Level::DEBUG => "level-debug",
        Level::TRACE => "level-trace",
    })
}

impl LogTab {
    /// Every line kept, newest first.
    pub fn entries(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter()
    }

    pub fn push(&mut self, at: DateTime<Utc>, level: Level, message: String) {
        self.entries.push_front(LogEntry { at, level, message });
        self.entries.truncate(KEEP);
        self.refilter();
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
            action if self.view.navigate(action) => {}
            Action::Details => {
                if let Some(e) = self.view.selected().map(|i| &self.entries[i]) {
                    fx.open = Some(Popup::Detail(DetailPopup::new(
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
        frame.render_widget(
            Paragraph::new(heading(
                &crate::t!(
                    "log-title",
                    shown = self.view.len(),
                    total = self.entries.len(),
                    level = level
                ),
                t,
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
        let entries = &self.entries;
        table::render(frame, body, &mut self.view, header, &widths, t, |i| {
            let e = &entries[i];
            let style = match e.level {
                Level::ERROR => t.error(),
                Level::WARN => t.warn(),
                _ => t.base(),
            };
            let cells = vec![
                e.at.format("%H:%M:%S").to_string(),
                level_word(e.level),
                e.message.clone(),
            ];
            (cells, style)
        });
    }
}
