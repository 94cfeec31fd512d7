//! Sync: last and next run, the live run (one gauge per phase, rows/s
//! sparkline, requests, retries, 429 countdown) and the run history.

use std::collections::VecDeque;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Row, Sparkline};

use crate::engine::event::Phase;
use crate::engine::{Command, Event};
use crate::store::runs::{Outcome, Run};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::format::{countdown, parse_time, relative_and_absolute, thousands};
use crate::ui::keymap::Context;
use crate::ui::table::{self, TableView};
use crate::ui::tabs::field;

/// Samples kept for the rows/s sparkline.
const RATE_SAMPLES: usize = 120;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhaseGauge {
    pub done: u64,
    pub total: Option<u64>,
    pub finished: bool,
    pub started: bool,
}

#[derive(Debug, Default)]
pub struct SyncTab {
    runs: Vec<Run>,
    view: TableView,
    pub phases: [PhaseGauge; 6],
    pub rates: VecDeque<u64>,
    /// The last finished run's one-line summary.
    pub last_summary: Option<(Outcome, String)>,
}

fn slot(p: Phase) -> usize {
    Phase::ALL.iter().position(|x| *x == p).unwrap_or(0)
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Running => "… running",
        Outcome::Ok => "✔ ok",
        Outcome::Error => "✘ error",
        Outcome::Cancelled => "■ cancelled",
    }
}

impl SyncTab {
    pub fn load(&mut self, runs: Vec<Run>) {
        self.runs = runs;
        self.view.refilter_by(self.runs.len(), |_| true);
    }

    /// Follows the live run from engine events.
    pub fn on_event(&mut self, ev: &Event) {
        match ev {
            Event::RunStarted { .. } => {
                self.phases = Default::default();
                self.rates.clear();
            }
            Event::PhaseStarted { phase, total, .. } => {
                let g = &mut self.phases[slot(*phase)];
                g.started = true;
                g.total = *total;
            }
            Event::Progress {
                phase,
                done,
                total,
                rows_per_sec,
                ..
            } => {
                let g = &mut self.phases[slot(*phase)];
                g.started = true;
                g.done = *done;
                g.total = total.or(g.total);
                if self.rates.len() == RATE_SAMPLES {
                    self.rates.pop_front();
                }
                self.rates.push_back(rows_per_sec.max(0.0).round() as u64);
            }
            Event::PhaseFinished { phase, rows, .. } => {
                let g = &mut self.phases[slot(*phase)];
                g.finished = true;
                g.done = *rows;
            }
            Event::RunFinished {
                outcome, summary, ..
            } => {
                self.last_summary = Some((*outcome, summary.clone()));
            }
            _ => {}
        }
    }
}

impl Component for SyncTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Sync)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::SyncNow => {
                fx.send(Command::SyncNow { dry_run: false });
                fx.flash(true, "Sync requested");
            }
            Action::DryRun => {
                fx.send(Command::SyncNow { dry_run: true });
                fx.flash(true, "Dry run requested: nothing will be changed");
            }
            Action::CancelSync => {
                fx.send(Command::Cancel);
                fx.flash(true, "Cancelling the running sync…");
            }
            action if self.view.navigate(action) => {}
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let st = ctx.status;
        let [info, gauges, spark, hist] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(6),
            Constraint::Length(2),
            Constraint::Min(2),
        ])
        .areas(area);
        let last = st
            .last_sync
            .as_deref()
            .map(|s| relative_and_absolute(ctx.now, s))
            .unwrap_or_else(|| "never".into());
        let next = st
            .next_sync
            .as_deref()
            .map(|s| relative_and_absolute(ctx.now, s))
            .unwrap_or_else(|| "not scheduled".into());
        let live = match &st.running {
            Some(r) => {
                let wait = r
                    .throttled_until
                    .as_deref()
                    .and_then(parse_time)
                    .and_then(|u| countdown(ctx.now, u))
                    .map(|c| format!(" · ⏸ 429 wait {c}"))
                    .unwrap_or_default();
                format!(
                    "running ({}) · {} requests · {} retries{wait}",
                    r.mode.as_str(),
                    thousands(r.requests as i64),
                    thousands(r.retries as i64)
                )
            }
            None => match &self.last_summary {
                Some((o, s)) => format!("idle — last run {}: {s}", outcome_word(*o)),
                None => "idle (s syncs now, d does a dry run)".into(),
            },
        };
        frame.render_widget(
            Paragraph::new(vec![
                field("Last sync", last, t),
                field("Next run", next, t),
                field("Now", live, t),
            ]),
            info,
        );
        let rows = Layout::vertical([Constraint::Length(1); 6]).split(gauges);
        for (i, phase) in Phase::ALL.iter().enumerate() {
            let g = self.phases[i];
            let ratio = match (g.finished, g.total) {
                (true, _) => 1.0,
                (_, Some(total)) if total > 0 => (g.done as f64 / total as f64).min(1.0),
                _ => 0.0,
            };
            let state = if g.finished {
                "✔"
            } else if g.started {
                "…"
            } else {
                "·"
            };
            let count = match g.total {
                Some(total) => format!("{}/{}", thousands(g.done as i64), thousands(total as i64)),
                None => thousands(g.done as i64),
            };
            let gauge = LineGauge::default()
                .label(Line::from(vec![
                    Span::raw(format!("{state} {:<13}", phase.label())),
                    Span::styled(format!("{count:>15} "), t.dim()),
                ]))
                .ratio(ratio)
                .filled_style(t.gauge())
                .filled_symbol("█")
                .unfilled_symbol("░");
            frame.render_widget(gauge, rows[i]);
        }
        let data: Vec<u64> = self.rates.iter().copied().collect();
        let now_rate = data.last().copied().unwrap_or(0);
        let [label, line] =
            Layout::horizontal([Constraint::Length(16), Constraint::Min(1)]).areas(spark);
        frame.render_widget(
            Paragraph::new(format!("rows/s {}", thousands(now_rate as i64))),
            label,
        );
        frame.render_widget(Sparkline::default().data(&data).style(t.gauge()), line);
        let header = Row::new([
            "#", "Started", "Mode", "Outcome", "Req", "Retry", "429", "Rows",
        ]);
        let widths = [
            Constraint::Length(4),
            Constraint::Length(16),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(6),
            Constraint::Length(5),
            Constraint::Length(4),
            Constraint::Fill(1),
        ];
        let runs = &self.runs;
        table::render(frame, hist, &mut self.view, header, &widths, t, |i| {
            let r = &runs[i];
            let rows: i64 = r.phases.iter().map(|(_, n)| n).sum();
            let started = parse_time(&r.started_at)
                .map(|s| s.format("%m-%d %H:%M").to_string())
                .unwrap_or_else(|| r.started_at.clone());
            Row::new([
                r.id.to_string(),
                started,
                r.mode.clone(),
                outcome_word(r.outcome).to_string(),
                thousands(r.requests),
                thousands(r.retries),
                thousands(r.throttle_waits),
                thousands(rows),
            ])
        });
    }
}
