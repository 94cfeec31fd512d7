//! Sync: last and next run, the live run (one gauge per phase, rows/s
//! sparkline, requests, retries, 429 countdown) and the run history.
//!
//! `gauge` is a phase's progress, `history` the table of runs and a run's
//! report, `render` draws the tab.

mod gauge;
mod history;
mod render;

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::engine::interface::event::Phase;
use crate::engine::interface::summary::RunSummary;
use crate::engine::{Command, Event};
use crate::store::runs::{Outcome, Run, RunMode};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::table::TableView;
use crate::vocab::Word;

pub use gauge::PhaseGauge;
use history::HistoryRow;

/// Samples kept for the rows/s sparkline.
const RATE_SAMPLES: usize = 120;

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

fn slot(p: Phase) -> usize {
    Phase::ALL.iter().position(|x| *x == p).unwrap_or(0)
}

impl SyncTab {
    pub fn load(&mut self, runs: Vec<Run>) {
        self.runs = runs;
        self.rebuild();
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
        self.draw(frame, area, ctx)
    }
}
