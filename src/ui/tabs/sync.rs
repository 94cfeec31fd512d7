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
use crate::ui::format::{
    countdown, parse_time, phase_name, relative_and_absolute, stored_word, thousands,
};
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
            format!(
                " · {}",
                crate::t!("per-second", n = thousands(self.rate.round() as i64))
            )
        } else {
            String::new()
        };
        match self.total {
            Some(total) if total > 0 => {
                let pct = (self.done as f64 / total as f64 * 100.0).min(100.0);
                let eta = if !self.finished && self.rate > 0.0 && total > self.done {
                    let secs = ((total - self.done) as f64 / self.rate).ceil() as u64;
                    format!(" · {}", crate::t!("eta", left = human_secs(secs)))
                } else {
                    String::new()
                };
                format!(
                    "{}/{} {pct:.0}%{rate}{eta}",
                    thousands(self.done as i64),
                    thousands(total as i64)
                )
            }
            _ => format!("{}{rate}", crate::t!("count-rows", count = self.done)),
        }
    }
}

/// "45 s", "3 min", "2 h 5 min".
fn human_secs(s: u64) -> String {
    match s {
        0..=59 => crate::t!("span-s", n = s),
        60..=3599 => crate::t!("span-min", n = s.div_ceil(60)),
        _ => crate::t!("span-h-min", h = s / 3600, min = (s % 3600) / 60),
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

fn outcome_word(o: Outcome) -> String {
    let mark = match o {
        Outcome::Running => "…",
        Outcome::Ok => "✔",
        Outcome::Error => "✘",
        Outcome::Cancelled => "■",
    };
    format!("{mark} {}", stored_word("outcome", o.as_str()))
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
        let head = crate::t!(
            "run-head",
            id = r.id.to_string(),
            dry = if row.dry { "yes" } else { "no" },
            mode = stored_word("mode", &r.mode),
            outcome = outcome_word(r.outcome)
        );
        let started = crate::t!("run-started", at = r.started_at.clone());
        let finished = crate::t!(
            "run-finished",
            at = r.finished_at.clone().unwrap_or_else(|| "—".into())
        );
        let requests = crate::t!(
            "run-requests",
            requests = r.requests,
            retries = r.retries,
            waits = r.throttle_waits
        );
        let mut text = format!("{head}\n{started}\n{finished}\n{requests}\n");
        for (phase, rows) in &r.phases {
            let phase = stored_word("phase", phase);
            let rows = crate::t!("count-rows", count = *rows);
            text.push_str(&format!("  {phase}: {rows}\n"));
        }
        if let Some(kind) = &r.error_kind {
            let detail = r.error_detail.clone().unwrap_or_default();
            text.push_str(&crate::t!(
                "run-error",
                kind = kind.clone(),
                detail = detail
            ));
            text.push('\n');
        }
        if let Some(report) = &row.report {
            text.push_str(&format!("\n{}\n{report}\n", crate::t!("run-report")));
        }
        Some(DetailPopup::new(
            crate::t!("run-title", id = r.id.to_string()),
            text,
        ))
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
                fx.flash(true, crate::t!("sync-requested"));
            }
            Action::DryRun => {
                fx.send(Command::SyncNow { dry_run: true });
                fx.flash(true, crate::t!("dry-run-requested"));
            }
            Action::CancelSync => {
                fx.send(Command::Cancel);
                fx.flash(true, crate::t!("sync-cancelling"));
            }
            Action::Details => match self.details() {
                Some(p) => fx.open = Some(Popup::Detail(p)),
                None => fx.flash(false, crate::t!("no-run-yet")),
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
            .unwrap_or_else(|| crate::t!("never"));
        let next = st
            .next_sync
            .as_deref()
            .map(|s| relative_and_absolute(ctx.now, s))
            .unwrap_or_else(|| crate::t!("not-scheduled"));
        let mut info_lines = vec![
            field(&crate::t!("field-last-sync"), last, t),
            field(&crate::t!("field-next-run"), next, t),
        ];
        match &st.running {
            Some(r) => {
                info_lines.push(field(
                    &crate::t!("field-now"),
                    crate::t!(
                        "sync-running",
                        mode = stored_word("mode", r.mode.as_str()),
                        requests = r.requests,
                        retries = r.retries
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
                    waits.push(format!("⏸ {}", crate::t!("wait-429", left = c)));
                }
                if let Some(c) = r
                    .retry_until
                    .as_deref()
                    .and_then(parse_time)
                    .and_then(|u| countdown(ctx.now, u))
                {
                    waits.push(format!(
                        "⟳ {}",
                        crate::t!(
                            "wait-retry",
                            left = c,
                            reason = r.retry_reason.clone().unwrap_or_default()
                        )
                    ));
                }
                if !waits.is_empty() {
                    info_lines.push(field(&crate::t!("field-waiting"), waits.join(" · "), t));
                }
            }
            None => info_lines.push(field(
                &crate::t!("field-now"),
                match &self.last_summary {
                    Some((o, s)) => {
                        crate::t!(
                            "sync-idle-last",
                            outcome = outcome_word(*o),
                            summary = s.clone()
                        )
                    }
                    None => crate::t!("sync-idle"),
                },
                t,
            )),
        }
        // What the CRM last said is left of its service-protection budget.
        if let Some(b) = &st.api_budget {
            let unknown = || crate::t!("api-budget-unknown");
            info_lines.push(field(
                &crate::t!("field-api-budget"),
                crate::t!(
                    "api-budget-short",
                    requests = b.requests_left.map_or_else(unknown, thousands),
                    seconds = b
                        .execution_ms_left
                        .map_or_else(unknown, |ms| thousands(ms / 1000)),
                    minutes = crate::crm::budget::WINDOW.as_secs() / 60
                ),
                t,
            ));
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
        // The bars start in one column: after the widest progress text
        // (Spanish runs longer than the 33 columns English needs).
        let pad = self
            .phases
            .iter()
            .map(|g| g.label().chars().count())
            .max()
            .unwrap_or(0)
            .max(33);
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
                    Span::raw(format!("{state} {:<14}", phase_name(*phase))),
                    Span::styled(format!("{count:<pad$} "), t.dim()),
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
            Paragraph::new(crate::t!("rows-per-second", n = thousands(now_rate as i64))),
            label,
        );
        frame.render_widget(Sparkline::default().data(&data).style(t.gauge()), line);
        let header = Row::new([
            "#".to_string(),
            crate::t!("col-started"),
            crate::t!("col-mode"),
            crate::t!("col-outcome"),
            crate::t!("col-requests"),
            crate::t!("col-retries"),
            "429".to_string(),
            crate::t!("col-rows"),
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
                .map(crate::i18n::short_date_time)
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
                stored_word("mode", &r.mode),
                outcome_word(r.outcome),
                count(r.requests),
                count(r.retries),
                count(r.throttle_waits),
                if h.dry {
                    crate::t!("report-enter")
                } else {
                    thousands(total)
                },
            ])
        });
    }
}
