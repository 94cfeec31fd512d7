//! Sync: last and next run, the live run (one gauge per phase, rows/s
//! sparkline, requests, retries, 429 countdown) and the run history.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Row, Sparkline, Wrap};

use crate::engine::interface::event::Phase;
use crate::engine::{Command, Event};
use crate::store::runs::{Outcome, Run, RunMode};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::format::{countdown, parse_time, relative_and_absolute, thousands};
use crate::ui::keymap::Context;
use crate::ui::popups::Popup;
use crate::ui::popups::detail::DetailPopup;
use crate::ui::table::{self, TableView};
use crate::ui::tabs::field;

/// Samples kept for the rows/s sparkline.
const RATE_SAMPLES: usize = 120;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PhaseGauge {
    pub done: u64,
    pub total: Option<u64>,
    pub finished: bool,
    pub started: bool,
    /// Rows per second of this phase's last page.
    pub rate: f64,
}

impl PhaseGauge {
    /// "1,500/4,000 37% · 620/s · ETA 4 s" with a total, "1,500 rows ·
    /// 620/s" without: the progress text, never a bare bar.
    pub fn label(&self) -> String {
        let rate = if self.started && !self.finished && self.rate > 0.0 {
            format!(" · {}/s", thousands(self.rate.round() as i64))
        } else {
            String::new()
        };
        match self.total {
            Some(total) if total > 0 => {
                let pct = (self.done as f64 / total as f64 * 100.0).min(100.0);
                let eta = if !self.finished && self.rate > 0.0 && total > self.done {
                    let secs = ((total - self.done) as f64 / self.rate).ceil() as u64;
                    format!(" · ETA {}", human_secs(secs))
                } else {
                    String::new()
                };
                format!(
                    "{}/{} {pct:.0}%{rate}{eta}",
                    thousands(self.done as i64),
                    thousands(total as i64)
                )
            }
            _ => format!("{} rows{rate}", thousands(self.done as i64)),
        }
    }
}

/// "45 s", "3 min", "2 h 5 min".
fn human_secs(s: u64) -> String {
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s.div_ceil(60)),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// A history row: a run from the store, or a dry run of this session (a
/// dry run works on a copy of the store, so only the console keeps it).
#[derive(Debug, Clone)]
struct HistoryRow {
    run: Run,
    /// The run's one-line report, when this console saw it finish.
    report: Option<String>,
    dry: bool,
}

#[derive(Debug, Default)]
pub struct SyncTab {
    runs: Vec<Run>,
    /// Dry runs seen finishing in this session, newest last.
    dry_runs: Vec<(Run, String)>,
    /// Reports of real runs seen finishing, by run id.
    reports: std::collections::HashMap<i64, String>,
    /// The run in progress: its id, mode and start.
    live: Option<(i64, RunMode, DateTime<Utc>)>,
    rows: Vec<HistoryRow>,
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
        self.rebuild();
    }

    /// Store runs and this session's dry runs, newest first.
    fn rebuild(&mut self) {
        let mut rows: Vec<HistoryRow> = self
            .runs
            .iter()
            .map(|r| HistoryRow {
                run: r.clone(),
                report: self.reports.get(&r.id).cloned(),
                dry: false,
            })
            .collect();
        rows.extend(self.dry_runs.iter().map(|(r, report)| HistoryRow {
            run: r.clone(),
            report: Some(report.clone()),
            dry: true,
        }));
        rows.sort_by(|a, b| b.run.started_at.cmp(&a.run.started_at));
        self.rows = rows;
        self.view.refilter_by(self.rows.len(), |_| true);
    }

    /// The full report of the history row under the cursor.
    fn details(&self) -> Option<DetailPopup> {
        let row = &self.rows[self.view.selected()?];
        let r = &row.run;
        let mut text = format!(
            "Run {}{} · {} · {}\nStarted  {}\nFinished {}\nRequests {} · retries {} · 429 waits {}\n",
            r.id,
            if row.dry {
                " (dry run: nothing was changed)"
            } else {
                ""
            },
            r.mode,
            outcome_word(r.outcome),
            r.started_at,
            r.finished_at.as_deref().unwrap_or("—"),
            thousands(r.requests),
            thousands(r.retries),
            thousands(r.throttle_waits),
        );
        for (phase, rows) in &r.phases {
            text.push_str(&format!("  {phase}: {} rows\n", thousands(*rows)));
        }
        if let Some(kind) = &r.error_kind {
            text.push_str(&format!(
                "Error: {kind}: {}\n",
                r.error_detail.as_deref().unwrap_or("")
            ));
        }
        if let Some(report) = &row.report {
            text.push_str(&format!("\nReport:\n{report}\n"));
        }
        Some(DetailPopup::new(format!("Run {}", r.id), text))
    }

    /// Follows the live run from engine events; `now` dates a dry run,
    /// which only this console keeps.
    pub fn on_event(&mut self, ev: &Event, now: DateTime<Utc>) {
        match ev {
            Event::RunStarted { run_id, mode } => {
                self.phases = Default::default();
                self.rates.clear();
                self.live = Some((*run_id, *mode, now));
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
                g.rate = *rows_per_sec;
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
                run_id,
                outcome,
                summary,
            } => {
                self.last_summary = Some((*outcome, summary.clone()));
                match self.live.take() {
                    Some((id, RunMode::DryRun, started)) if id == *run_id => {
                        self.dry_runs.push((
                            Run {
                                id,
                                started_at: started.to_rfc3339(),
                                finished_at: Some(now.to_rfc3339()),
                                mode: RunMode::DryRun.as_str().to_string(),
                                outcome: *outcome,
                                requests: 0,
                                retries: 0,
                                throttle_waits: 0,
                                error_kind: None,
                                error_detail: None,
                                phases: Vec::new(),
                            },
                            summary.clone(),
                        ));
                    }
                    _ => {
                        self.reports.insert(*run_id, summary.clone());
                    }
                }
                self.rebuild();
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
            Action::Details => match self.details() {
                Some(p) => fx.open = Some(Popup::Detail(p)),
                None => fx.flash(false, "No run yet"),
            },
            action if self.view.navigate(action) => {}
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let st = ctx.status;
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
        let mut info_lines = vec![field("Last sync", last, t), field("Next run", next, t)];
        match &st.running {
            Some(r) => {
                info_lines.push(field(
                    "Now",
                    format!(
                        "running ({}) · {} requests · {} retries",
                        r.mode.as_str(),
                        thousands(r.requests as i64),
                        thousands(r.retries as i64)
                    ),
                    t,
                ));
                // The current wait, counted down: a 429's Retry-After or
                // the back-off before a retry.
                let mut waits = Vec::new();
                if let Some(c) = r
                    .throttled_until
                    .as_deref()
                    .and_then(parse_time)
                    .and_then(|u| countdown(ctx.now, u))
                {
                    waits.push(format!("⏸ 429 wait {c}"));
                }
                if let Some(c) = r
                    .retry_until
                    .as_deref()
                    .and_then(parse_time)
                    .and_then(|u| countdown(ctx.now, u))
                {
                    waits.push(format!(
                        "⟳ retry in {c}: {}",
                        r.retry_reason.as_deref().unwrap_or("")
                    ));
                }
                if !waits.is_empty() {
                    info_lines.push(field("Waiting", waits.join(" · "), t));
                }
            }
            None => info_lines.push(field(
                "Now",
                match &self.last_summary {
                    Some((o, s)) => format!("idle — last run {}: {s}", outcome_word(*o)),
                    None => "idle: no sync has run since the console started".into(),
                },
                t,
            )),
        }
        // As tall as the wrapped text, up to five lines; Enter on a run
        // shows any report whole.
        let width = area.width.max(1) as usize;
        let info_height: usize = info_lines
            .iter()
            .map(|l| l.width().div_ceil(width).max(1))
            .sum();
        let [info, gauges, spark, hist] = Layout::vertical([
            Constraint::Length(info_height.clamp(3, 5) as u16),
            Constraint::Length(6),
            Constraint::Length(2),
            Constraint::Min(2),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(info_lines).wrap(Wrap { trim: false }), info);
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
            let count = g.label();
            // Without a total there is no ratio to draw: the label says
            // how far it got, the bar stays empty until the phase ends.
            let gauge = LineGauge::default()
                .label(Line::from(vec![
                    Span::raw(format!("{state} {:<14}", phase.label())),
                    Span::styled(format!("{count:<33} "), t.dim()),
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
        let rows = &self.rows;
        table::render(frame, hist, &mut self.view, header, &widths, t, |i| {
            let h = &rows[i];
            let r = &h.run;
            let total: i64 = r.phases.iter().map(|(_, n)| n).sum();
            let started = parse_time(&r.started_at)
                .map(|s| s.format("%m-%d %H:%M").to_string())
                .unwrap_or_else(|| r.started_at.clone());
            let count = |n: i64| {
                if h.dry {
                    "—".to_string()
                } else {
                    thousands(n)
                }
            };
            Row::new([
                r.id.to_string(),
                started,
                r.mode.clone(),
                outcome_word(r.outcome).to_string(),
                count(r.requests),
                count(r.retries),
                count(r.throttle_waits),
                if h.dry {
                    "report: Enter".to_string()
                } else {
                    thousands(total)
                },
            ])
        });
    }
}
