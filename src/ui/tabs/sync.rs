//! Sync: last and next run, the live run (one gauge per phase, rows/s
//! sparkline, requests, retries, 429 countdown) and the run history.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Sparkline, Wrap};

use crate::describe;
use crate::engine::interface::event::Phase;
use crate::engine::interface::summary::RunSummary;
use crate::engine::{Command, Event};
use crate::store::runs::{Outcome, Run, RunMode};
use crate::store::stamp;
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::format::{self, countdown, phase_name, thousands};
use crate::ui::keymap::Context;
use crate::ui::popups::detail::DetailPopup;
use crate::ui::table::{self, TableView};
use crate::ui::tabs::field;
use crate::ui::tabs::log::LogEntry;

/// Lines the facts above the gauges take at most.
const INFO_ROWS: usize = 5;

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
    /// How the run ended this phase when it did not finish it (or, for
    /// writeback, when its writes were refused): failed or cancelled.
    pub stopped: Option<Outcome>,
}

impl PhaseGauge {
    /// "1,500/4,000 37% · 620/s · ETA 4 s" with a total, "1,500 rows ·
    /// 620/s" without: the progress text, never a bare bar.
    pub fn label(&self) -> String {
        let going = self.started && !self.finished && self.stopped.is_none();
        let rate = if going && self.rate > 0.0 {
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
                let eta = if going && self.rate > 0.0 && total > self.done {
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

    /// The mark before the phase's name: done, under way, not reached,
    /// or ended by a failure (✘) or a cancel (■).
    fn mark(&self) -> &'static str {
        match (self.stopped, self.finished, self.started) {
            (Some(Outcome::Cancelled), ..) => "■",
            (Some(_), ..) => "✘",
            (None, true, _) => "✔",
            (None, false, true) => "…",
            (None, false, false) => "·",
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
    /// What the run did, when this console saw it finish.
    report: Option<RunSummary>,
    dry: bool,
    /// Its number in the history: the store's for a run, `d1`, `d2`, … for
    /// this session's dry runs, whose ids (numbered in a copy of the store)
    /// the next real run takes again.
    number: String,
}

#[derive(Debug, Default)]
pub struct SyncTab {
    runs: Vec<Run>,
    /// Dry runs seen finishing in this session, newest last.
    dry_runs: Vec<(Run, RunSummary)>,
    /// Reports of real runs seen finishing, by run id.
    reports: std::collections::HashMap<i64, RunSummary>,
    /// The run in progress: its id, mode and start.
    live: Option<(i64, RunMode, DateTime<Utc>)>,
    /// Whether the engine's schedule is paused, as last drawn: `p`
    /// toggles it.
    schedule_paused: bool,
    rows: Vec<HistoryRow>,
    view: TableView,
    pub phases: [PhaseGauge; 6],
    pub rates: VecDeque<u64>,
    /// The last finished run's one-line summary.
    pub last_summary: Option<(Outcome, RunSummary)>,
    /// Writes the CRM refused in the live or last run, and its code.
    pub refused: Option<(u64, Option<String>)>,
    /// Only runs of this outcome (`v` cycles); `None` = all.
    pub shown: Option<Outcome>,
}

/// How long a run took: "45 s", "3 min", or "—" while it runs.
fn duration(r: &Run) -> String {
    match r.finished_at {
        Some(e) => human_secs((e - r.started_at).num_seconds().max(0) as u64),
        None => "—".to_string(),
    }
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
    format!("{mark} {}", crate::i18n::word(o))
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
                number: r.id.to_string(),
            })
            .collect();
        rows.extend(
            self.dry_runs
                .iter()
                .enumerate()
                .map(|(i, (r, report))| HistoryRow {
                    run: r.clone(),
                    report: Some(report.clone()),
                    dry: true,
                    number: format!("d{}", i + 1),
                }),
        );
        rows.sort_by_key(|r| std::cmp::Reverse(r.run.started_at));
        self.rows = rows;
        self.refilter();
    }

    /// Shows the runs of the outcome chosen with `v`.
    fn refilter(&mut self) {
        let (rows, shown) = (&self.rows, self.shown);
        self.view.refilter_by(rows.len(), |i| {
            shown.is_none_or(|o| rows[i].run.outcome == o)
        });
    }

    /// The full report of the history row under the cursor, with the
    /// lines the log shows from its start to its end (newest last).
    pub fn details<'a>(&self, log: impl Iterator<Item = &'a LogEntry>) -> Option<DetailPopup> {
        let row = &self.rows[self.view.selected()?];
        let r = &row.run;
        let head = crate::t!(
            "run-head",
            id = row.number.clone(),
            dry = if row.dry { "yes" } else { "no" },
            mode = crate::i18n::word(r.mode),
            outcome = outcome_word(r.outcome)
        );
        let started = crate::t!("run-started", at = stamp(r.started_at));
        let finished = crate::t!(
            "run-finished",
            at = r.finished_at.map(stamp).unwrap_or_else(|| "—".into())
        );
        let requests = crate::t!(
            "run-requests",
            requests = r.requests,
            retries = r.retries,
            waits = r.throttle_waits
        );
        let mut text = format!("{head}\n{started}\n{finished}\n{requests}\n");
        for (phase, rows) in &r.phases {
            let phase = crate::i18n::word(*phase);
            let rows = crate::t!("count-rows", count = *rows);
            text.push_str(&format!("  {phase}: {rows}\n"));
        }
        if let Some(c) = r.error_kind {
            let detail = r.error_detail.clone().unwrap_or_default();
            // The class in the reader's words, not its stored key.
            let kind = crate::t!(&format!("error-title-{}", c.as_str().replace('_', "-")));
            text.push_str(&crate::t!("run-error", kind = kind, detail = detail));
            text.push('\n');
        }
        if let Some(report) = &row.report {
            let report = describe::run_summary(report);
            text.push_str(&format!("\n{}\n{report}\n", crate::t!("run-report")));
        }
        {
            let (start, end) = (r.started_at, r.finished_at);
            let mut lines: Vec<&LogEntry> = log
                .filter(|e| e.at >= start && end.is_none_or(|end| e.at <= end))
                .collect();
            lines.sort_by_key(|e| e.at);
            text.push_str(&format!("\n{}\n", crate::t!("run-log-lines")));
            if lines.is_empty() {
                text.push_str(&crate::t!("run-log-none"));
                text.push('\n');
            }
            for e in lines {
                text.push_str(&format!("{} {}\n", e.at.format("%H:%M:%S"), e.message));
            }
        }
        Some(DetailPopup::new(
            crate::t!("run-title", id = row.number.clone()),
            text,
        ))
    }

    /// Follows the live run from engine events; `now` dates a dry run,
    /// which only this console keeps.
    pub fn on_event(&mut self, ev: &Event, now: DateTime<Utc>) {
        match ev {
            Event::RunStarted { run_id, mode } => {
                self.phases = Default::default();
                self.refused = None;
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
            Event::WritesRefused { count, code, .. } => {
                self.phases[slot(Phase::Writeback)].stopped = Some(Outcome::Error);
                self.refused = Some((*count, code.clone()));
            }
            Event::RunFinished {
                run_id,
                outcome,
                summary,
            } => {
                self.last_summary = Some((*outcome, summary.clone()));
                // Every phase ends visibly: what the run did not finish is
                // marked failed or cancelled, never left "under way"; a
                // failed run whose writeback finished failed on its writes.
                if matches!(outcome, Outcome::Error | Outcome::Cancelled) {
                    for (i, g) in self.phases.iter_mut().enumerate() {
                        let writes = Phase::ALL[i] == Phase::Writeback && g.finished;
                        if (g.started && !g.finished) || (writes && *outcome == Outcome::Error) {
                            g.stopped = Some(*outcome);
                        }
                    }
                }
                match self.live.take() {
                    Some((id, RunMode::DryRun, started)) if id == *run_id => {
                        self.dry_runs.push((
                            Run {
                                id,
                                started_at: started,
                                finished_at: Some(now),
                                mode: RunMode::DryRun,
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
            Action::PauseSchedule => {
                let paused = !self.schedule_paused;
                fx.send(Command::PauseSchedule { paused });
                fx.flash(
                    true,
                    crate::t!(if paused {
                        "schedule-pausing"
                    } else {
                        "schedule-resuming"
                    }),
                );
            }
            Action::CancelSync => {
                fx.send(Command::Cancel);
                fx.flash(true, crate::t!("sync-cancelling"));
            }
            Action::CycleView => {
                self.shown = match self.shown {
                    None => Some(Outcome::Ok),
                    Some(Outcome::Ok) => Some(Outcome::Error),
                    Some(Outcome::Error) => Some(Outcome::Cancelled),
                    Some(_) => None,
                };
                self.refilter();
            }
            action if self.view.navigate(action) => {}
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let st = ctx.status;
        self.schedule_paused = st.schedule_paused;
        let last = st
            .last_sync
            .map(|at| format::when(ctx.now, at))
            .unwrap_or_else(|| crate::t!("never"));
        let next = st
            .next_sync
            .map(|at| format::when(ctx.now, at))
            .map(|when| match st.next_after_failure {
                true => crate::t!("next-try-after-failure", when = when),
                false => when,
            })
            .map(|when| match st.schedule_paused {
                true => crate::t!("schedule-paused-next", when = when),
                false => when,
            })
            .unwrap_or_else(|| crate::t!("not-scheduled"));
        let mut now_line = None;
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
                        mode = crate::i18n::word(r.mode),
                        requests = r.requests,
                        retries = r.retries,
                        throttled = r.throttled
                    ),
                    t,
                ));
                // The current wait, counted down: a 429's Retry-After or
                // the back-off before a retry.
                let mut waits = Vec::new();
                if let Some(left) = r
                    .throttled_until
                    .and_then(|u| (u - ctx.now).to_std().ok())
                    .filter(|d| !d.is_zero())
                {
                    waits.push(format!(
                        "⏸ {}",
                        crate::t!("wait-429", left = format::duration(left))
                    ));
                }
                if let Some(c) = r.retry_until.and_then(|u| countdown(ctx.now, u)) {
                    waits.push(format!(
                        "⟳ {}",
                        crate::t!(
                            "wait-retry",
                            left = c,
                            reason = r.retry_reason.clone().unwrap_or_default()
                        )
                    ));
                }
                // A token renewal: how long the requests have waited.
                if let Some(waited) = r
                    .renewing_since
                    .and_then(|since| (ctx.now - since).to_std().ok())
                {
                    waits.push(format!(
                        "⏳ {}",
                        crate::t!("wait-renewing", waited = format::duration(waited))
                    ));
                }
                if !waits.is_empty() {
                    info_lines.push(field(&crate::t!("field-waiting"), waits.join(" · "), t));
                }
            }
            None => {
                now_line = Some(info_lines.len());
                info_lines.push(field(
                    &crate::t!("field-now"),
                    match &self.last_summary {
                        Some((o, s)) => {
                            crate::t!(
                                "sync-idle-last",
                                outcome = outcome_word(*o),
                                summary = describe::run_summary(s)
                            )
                        }
                        None => crate::t!("sync-idle"),
                    },
                    t,
                ));
            }
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
        if let Some(o) = self.shown {
            info_lines.push(field(
                &crate::t!("field-history"),
                crate::t!("history-only", outcome = outcome_word(o)),
                t,
            ));
        }
        let width = area.width as usize;
        // One line each, cut with "…", but the last run's summary, which
        // wraps into what is left of five lines and is cut with "…" below
        // them (Enter on the run shows it whole).
        let others = info_lines
            .len()
            .saturating_sub(usize::from(now_line.is_some()));
        let budget = INFO_ROWS.saturating_sub(others).max(1);
        let info_lines: Vec<Line> = info_lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                if Some(i) != now_line {
                    return table::fit_line(l.spans, width);
                }
                let whole: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                let cut = table::fit_wrapped(&whole, width, budget).into_owned();
                let label = l.spans.first().map_or("", |s| s.content.as_ref());
                let value = cut.strip_prefix(label).unwrap_or(&cut).to_string();
                Line::from(vec![
                    Span::styled(label.to_string(), t.dim()),
                    Span::raw(value),
                ])
            })
            .collect();
        let height: usize = info_lines
            .iter()
            .map(|l| table::wrapped_rows(&l.to_string(), width))
            .sum();
        let [info, gauges, spark, hist] = Layout::vertical([
            Constraint::Length(height as u16),
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
            let state = g.mark();
            let count = match (g.stopped, &self.refused) {
                (Some(_), Some((n, code))) if *phase == Phase::Writeback => {
                    let refused = format::writes_refused(*n, code.as_deref());
                    match g.done {
                        0 => refused,
                        _ => format!("{} · {refused}", g.label()),
                    }
                }
                (None, _) => g.label(),
                (Some(o), _) => format!("{} · {}", g.label(), crate::i18n::word(o)),
            };
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
        let header = vec![
            "#".to_string(),
            crate::t!("col-started"),
            crate::t!("col-mode"),
            crate::t!("col-outcome"),
            crate::t!("col-duration"),
            crate::t!("col-requests"),
            crate::t!("col-retries"),
            "429".to_string(),
            crate::t!("col-rows"),
        ];
        let widths = [
            Constraint::Length(4),
            Constraint::Length(12),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(6),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(4),
            Constraint::Fill(1),
        ];
        let rows = &self.rows;
        table::render(frame, hist, &mut self.view, header, &widths, t, |i| {
            let h = &rows[i];
            let r = &h.run;
            let total: i64 = r.phases.iter().map(|(_, n)| n).sum();
            let started = crate::i18n::short_date_time(r.started_at);
            let count = |n: i64| {
                if h.dry {
                    "—".to_string()
                } else {
                    thousands(n)
                }
            };
            let cells = vec![
                h.number.clone(),
                started,
                crate::i18n::word(r.mode),
                outcome_word(r.outcome),
                duration(r),
                count(r.requests),
                count(r.retries),
                count(r.throttle_waits),
                if h.dry {
                    crate::t!("report-enter")
                } else {
                    thousands(total)
                },
            ];
            (cells, Style::default())
        });
    }
}
