//! The run history: the store's runs and this session's dry runs, and
//! the full report of one.

use crate::describe;
use crate::engine::interface::summary::RunSummary;
use crate::store::runs::{Outcome, Run};
use crate::store::stamp;
use crate::ui::popups::detail::DetailPopup;
use crate::ui::tabs::log::LogEntry;

use super::SyncTab;
use super::gauge::human_secs;

/// A history row: a run from the store, or a dry run of this session (a
/// dry run works on a copy of the store, so only the console keeps it).
#[derive(Debug, Clone)]
pub(super) struct HistoryRow {
    pub(super) run: Run,
    /// What the run did, when this console saw it finish.
    pub(super) report: Option<RunSummary>,
    pub(super) dry: bool,
    /// Its number in the history: the store's for a run, `d1`, `d2`, … for
    /// this session's dry runs, whose ids (numbered in a copy of the store)
    /// the next real run takes again.
    pub(super) number: String,
}

/// How long a run took: "45 s", "3 min", or "—" while it runs.
pub(super) fn duration(r: &Run) -> String {
    match r.finished_at {
        Some(e) => human_secs((e - r.started_at).num_seconds().max(0) as u64),
        None => "—".to_string(),
    }
}

pub(super) fn outcome_word(o: Outcome) -> String {
    let mark = match o {
        Outcome::Running => "…",
        Outcome::Ok => "✔",
        Outcome::Error => "✘",
        Outcome::Cancelled => "■",
    };
    format!("{mark} {}", crate::i18n::word(o))
}

impl SyncTab {
    /// Store runs and this session's dry runs, newest first.
    pub(super) fn rebuild(&mut self) {
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
    pub(super) fn refilter(&mut self) {
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
}
