//! Settings: the seed's questions with the CRM's own choices. ←/→ picks a
//! choice, Enter applies it (Command::SetSetting); changes apply from the
//! next sync.

use std::collections::HashMap;
use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::config::ActivityKind;
use crate::engine::Command;
use crate::engine::command::SettingChange;
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::loader::SettingsData;
use crate::ui::tabs::heading;

const QUESTIONS: [&str; 6] = [
    "Auto-sync all seat holders",
    "Pipeline-entry stage",
    "Won-value field",
    "Writeback",
    "Sync back",
    "Sync interval",
];

const INTERVALS_MIN: [u64; 9] = [1, 5, 15, 30, 60, 120, 240, 720, 1440];

#[derive(Debug, Default)]
pub struct SettingsTab {
    data: Option<SettingsData>,
    pub cursor: usize,
    /// Choice picked but not yet applied, per question.
    drafts: HashMap<usize, usize>,
}

fn interval_label(d: Duration) -> String {
    let m = d.as_secs() / 60;
    match m {
        0 => format!("{} s", d.as_secs()),
        1..=59 => format!("{m} min"),
        _ if m.is_multiple_of(60) => format!("{} h", m / 60),
        _ => format!("{m} min"),
    }
}

fn kinds_label(kinds: &[ActivityKind]) -> String {
    if ActivityKind::ALL.iter().all(|k| kinds.contains(k)) {
        return "All data items".into();
    }
    let names: Vec<&str> = kinds
        .iter()
        .map(|k| match k {
            ActivityKind::Inmail => "InMails",
            ActivityKind::Message => "messages",
            ActivityKind::Note => "notes",
        })
        .collect();
    format!("Only {}", names.join(" + "))
}

/// The choices of question `q` and the index of the current value.
fn choices(data: &SettingsData, q: usize) -> (Vec<(String, SettingChange)>, usize) {
    let e = &data.effective;
    let mut out: Vec<(String, SettingChange)> = Vec::new();
    match q {
        0 => {
            out.push(("Yes".into(), SettingChange::AutoSyncAllSeats(true)));
            out.push(("No".into(), SettingChange::AutoSyncAllSeats(false)));
        }
        1 => {
            out.push((
                "Not sure (all open opportunities)".into(),
                SettingChange::PipelineStage(None),
            ));
            for c in data.choices.iter().flat_map(|c| &c.stages) {
                if c.value.is_some() {
                    out.push((c.label.clone(), SettingChange::PipelineStage(c.value)));
                }
            }
            if let Some(v) = e.pipeline_stage
                && !out
                    .iter()
                    .any(|(_, c)| *c == SettingChange::PipelineStage(Some(v)))
            {
                out.push((format!("stage {v}"), SettingChange::PipelineStage(Some(v))));
            }
        }
        2 => {
            out.push(("Not sure".into(), SettingChange::WonValueField(None)));
            for c in data.choices.iter().flat_map(|c| &c.won_value_fields) {
                if c.value.is_some() {
                    out.push((
                        c.label.clone(),
                        SettingChange::WonValueField(c.value.clone()),
                    ));
                }
            }
            if let Some(v) = &e.won_value_field
                && !out
                    .iter()
                    .any(|(_, c)| *c == SettingChange::WonValueField(Some(v.clone())))
            {
                out.push((v.clone(), SettingChange::WonValueField(Some(v.clone()))));
            }
        }
        3 => {
            out.push(("On".into(), SettingChange::WritebackEnabled(true)));
            out.push(("Off".into(), SettingChange::WritebackEnabled(false)));
        }
        4 => {
            use ActivityKind::*;
            let sets: [&[ActivityKind]; 7] = [
                &[Inmail, Message, Note],
                &[Inmail],
                &[Message],
                &[Note],
                &[Inmail, Message],
                &[Inmail, Note],
                &[Message, Note],
            ];
            for s in sets {
                out.push((kinds_label(s), SettingChange::WritebackKinds(s.to_vec())));
            }
        }
        _ => {
            let mut mins: Vec<u64> = INTERVALS_MIN.to_vec();
            let cur = e.sync_interval.as_secs() / 60;
            if e.sync_interval.as_secs().is_multiple_of(60) && !mins.contains(&cur) {
                mins.push(cur);
                mins.sort_unstable();
            }
            for m in mins {
                let d = Duration::from_secs(m * 60);
                out.push((interval_label(d), SettingChange::SyncInterval(d)));
            }
        }
    }
    let current = match q {
        0 => SettingChange::AutoSyncAllSeats(e.auto_sync_all_seats),
        1 => SettingChange::PipelineStage(e.pipeline_stage),
        2 => SettingChange::WonValueField(e.won_value_field.clone()),
        3 => SettingChange::WritebackEnabled(e.writeback_enabled),
        4 => {
            let mut k = e.writeback_kinds.clone();
            k.sort();
            SettingChange::WritebackKinds(k)
        }
        _ => SettingChange::SyncInterval(e.sync_interval),
    };
    let idx = out.iter().position(|(_, c)| *c == current).unwrap_or(0);
    (out, idx)
}

impl SettingsTab {
    pub fn load(&mut self, data: SettingsData) {
        self.data = Some(data);
        self.drafts.clear();
    }

    fn pick(&self, data: &SettingsData, q: usize) -> (Vec<(String, SettingChange)>, usize, usize) {
        let (list, current) = choices(data, q);
        let picked = self
            .drafts
            .get(&q)
            .copied()
            .unwrap_or(current)
            .min(list.len() - 1);
        (list, current, picked)
    }
}

impl Component for SettingsTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Settings)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        let Some(data) = &self.data else {
            return;
        };
        let q = self.cursor;
        match action {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(QUESTIONS.len() - 1),
            Action::Top => self.cursor = 0,
            Action::Bottom => self.cursor = QUESTIONS.len() - 1,
            Action::Left | Action::Right => {
                let (list, _, picked) = self.pick(data, q);
                let n = list.len();
                let next = if action == Action::Left {
                    picked + n - 1
                } else {
                    picked + 1
                } % n;
                self.drafts.insert(q, next);
            }
            Action::Apply => {
                let (list, current, picked) = self.pick(data, q);
                if picked == current {
                    fx.flash(true, "Unchanged");
                } else {
                    fx.send(Command::SetSetting(list[picked].1.clone()));
                    fx.flash(
                        true,
                        format!(
                            "{}: {} — applies from the next sync",
                            QUESTIONS[q], list[picked].0
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let Some(data) = &self.data else {
            frame.render_widget(Paragraph::new("loading…"), area);
            return;
        };
        let mut lines = vec![
            heading("Settings (←/→ choose, Enter applies)", t),
            Line::raw(""),
        ];
        for (q, question) in QUESTIONS.iter().enumerate() {
            let (list, current, picked) = self.pick(data, q);
            let here = q == self.cursor;
            let mut spans = vec![
                Span::raw(if here { "› " } else { "  " }),
                Span::raw(format!("{question:<28}")),
                Span::styled(
                    format!("◂ {} ▸", list[picked].0),
                    if here { t.selected() } else { t.base() },
                ),
            ];
            if picked != current {
                spans.push(Span::styled(
                    format!("  changed (now {}), Enter applies", list[current].0),
                    t.warn(),
                ));
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("Changes apply from the next sync.", t.dim()));
        match &data.choices {
            None => lines.push(Line::styled(
                "Stage and won-value choices are read from the CRM's metadata at the first sync; until then only \"Not sure\" is offered.",
                t.dim(),
            )),
            Some(c) if !c.read_at.is_empty() => lines.push(Line::styled(
                format!(
                    "CRM choices read {}.",
                    crate::ui::format::relative_and_absolute(ctx.now, &c.read_at)
                ),
                t.dim(),
            )),
            Some(_) => {}
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}
