//! A phase's progress as the gauges show it.

use crate::store::runs::Outcome;
use crate::ui::format::thousands;

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
    pub(super) fn mark(&self) -> &'static str {
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
pub(super) fn human_secs(s: u64) -> String {
    match s {
        0..=59 => crate::t!("span-s", n = s),
        60..=3599 => crate::t!("span-min", n = s.div_ceil(60)),
        _ => crate::t!("span-h-min", h = s / 3600, min = (s % 3600) / 60),
    }
}
