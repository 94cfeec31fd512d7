//! How the Sync tab is drawn: the facts, one gauge per phase, the rows/s
//! sparkline and the history table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Sparkline, Wrap};

use crate::describe;
use crate::engine::interface::event::Phase;
use crate::ui::component::ViewCtx;
use crate::ui::format::{self, countdown, phase_name, thousands};
use crate::ui::table;
use crate::ui::tabs::field;
use crate::vocab::Word;

use super::SyncTab;
use super::history::{duration, outcome_word};

/// Lines the facts above the gauges take at most.
const INFO_ROWS: usize = 5;

impl SyncTab {
    pub(super) fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
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
