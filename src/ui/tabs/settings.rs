//! Settings: the seed's questions with the CRM's own choices. ←/→ picks a
//! choice, Enter applies it (Command::SetSetting), Esc discards it; changes
//! apply from the next sync. Each value says whether it was set here (and
//! so overrides config.toml) or comes from the config file.

use std::collections::HashMap;
use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::config::ActivityKind;
use crate::engine::Command;
use crate::engine::interface::command::{SettingChange, SettingKey};
use crate::engine::usecases::settings::{FromConsole, MIN_INTERVAL};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::loader::SettingsData;
use crate::ui::tabs::heading;
use crate::vocab::Word;

/// The questions' message ids, in screen order.
const QUESTIONS: [&str; 6] = [
    "setting-auto-sync",
    "setting-pipeline-stage",
    "setting-won-value",
    "setting-writeback",
    "setting-sync-back",
    "setting-interval",
];

/// The questions' settings, in screen order (what `r` resets).
const KEYS: [SettingKey; 6] = [
    SettingKey::AutoSyncAllSeats,
    SettingKey::PipelineStage,
    SettingKey::WonValueField,
    SettingKey::WritebackEnabled,
    SettingKey::WritebackKinds,
    SettingKey::SyncInterval,
];

fn question(q: usize) -> String {
    crate::i18n::text(QUESTIONS[q], &[])
}

/// The intervals offered; each at least the floor config.toml enforces
/// (the engine's `settings::MIN_INTERVAL`), so the two never disagree.
const INTERVALS_MIN: [u64; 8] = [5, 15, 30, 60, 120, 240, 720, 1440];

#[derive(Debug, Default)]
pub struct SettingsTab {
    data: Option<SettingsData>,
    pub cursor: usize,
    /// The value picked but not yet applied, per question. Kept by value,
    /// not by position, so a reload after applying another row leaves it.
    drafts: HashMap<usize, SettingChange>,
}

fn interval_label(d: Duration) -> String {
    let m = d.as_secs() / 60;
    match m {
        0 => crate::t!("span-s", n = d.as_secs()),
        1..=59 => crate::t!("span-min", n = m),
        _ if m.is_multiple_of(60) => crate::t!("span-h", n = m / 60),
        _ => crate::t!("span-min", n = m),
    }
}

fn kinds_label(kinds: &[ActivityKind]) -> String {
    if ActivityKind::ALL.iter().all(|k| kinds.contains(k)) {
        return crate::t!("kinds-all");
    }
    let names: Vec<String> = kinds
        .iter()
        .map(|k| {
            crate::t!(match k {
                ActivityKind::Inmail => "kinds-inmails",
                ActivityKind::Message => "kinds-messages",
                ActivityKind::Note => "kinds-notes",
                ActivityKind::Tag => "kinds-tags",
            })
        })
        .collect();
    crate::t!("kinds-only", kinds = names.join(" + "))
}

/// The choices of question `q` and the index of the current value.
fn choices(data: &SettingsData, q: usize) -> (Vec<(String, SettingChange)>, usize) {
    let e = &data.effective;
    let mut out: Vec<(String, SettingChange)> = Vec::new();
    match q {
        0 => {
            out.push((crate::t!("yes"), SettingChange::AutoSyncAllSeats(true)));
            out.push((crate::t!("no"), SettingChange::AutoSyncAllSeats(false)));
        }
        1 => {
            out.push((
                crate::t!("not-sure-all-open"),
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
                out.push((
                    crate::t!("stage-number", value = v.to_string()),
                    SettingChange::PipelineStage(Some(v)),
                ));
            }
        }
        2 => {
            out.push((crate::t!("not-sure"), SettingChange::WonValueField(None)));
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
            out.push((crate::t!("on"), SettingChange::WritebackEnabled(true)));
            out.push((crate::t!("off"), SettingChange::WritebackEnabled(false)));
        }
        4 => {
            use ActivityKind::*;
            let sets: [&[ActivityKind]; 9] = [
                ActivityKind::ALL,
                &[Inmail],
                &[Message],
                &[Note],
                &[Tag],
                &[Inmail, Message],
                &[Inmail, Note],
                &[Message, Note],
                &[Note, Tag],
            ];
            for s in sets {
                out.push((kinds_label(s), SettingChange::WritebackKinds(s.to_vec())));
            }
        }
        _ => {
            let floor = MIN_INTERVAL.as_secs() / 60;
            let mut mins: Vec<u64> = INTERVALS_MIN
                .iter()
                .copied()
                .filter(|m| *m >= floor)
                .collect();
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
        // A draft ends when the store holds its value (it was applied) or
        // it is no longer offered; the other rows keep theirs.
        self.drafts.retain(|&q, draft| {
            let (list, current) = choices(&data, q);
            list.iter()
                .position(|(_, c)| c == draft)
                .is_some_and(|i| i != current)
        });
        self.data = Some(data);
    }

    fn pick(&self, data: &SettingsData, q: usize) -> (Vec<(String, SettingChange)>, usize, usize) {
        let (list, current) = choices(data, q);
        let picked = self
            .drafts
            .get(&q)
            .and_then(|d| list.iter().position(|(_, c)| c == d))
            .unwrap_or(current);
        (list, current, picked)
    }

    /// The first question with a change picked but not applied.
    pub fn unsaved(&self) -> Option<String> {
        let mut qs: Vec<usize> = self.drafts.keys().copied().collect();
        qs.sort_unstable();
        qs.first().map(|&q| question(q))
    }
}

/// Where question `q`'s value comes from: set here, a line of the
/// config file, or the built-in default.
fn source(data: &SettingsData, q: usize) -> String {
    if set_in_console(&data.from_console, q) {
        return crate::t!("source-console");
    }
    match &data.file {
        Some((path, lines)) => match lines[q] {
            Some(line) => {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                crate::t!("source-file-line", file = name, line = line.to_string())
            }
            None => crate::t!("source-default"),
        },
        None => crate::t!("source-default"),
    }
}

/// Whether the console set question `q`'s value (it then overrides
/// config.toml).
fn set_in_console(f: &FromConsole, q: usize) -> bool {
    match q {
        0 => f.auto_sync_all_seats,
        1 => f.pipeline_stage,
        2 => f.won_value_field,
        3 => f.writeback_enabled,
        4 => f.writeback_kinds,
        _ => f.sync_interval,
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
                let (list, current, picked) = self.pick(data, q);
                let n = list.len();
                let next = if action == Action::Left {
                    picked + n - 1
                } else {
                    picked + 1
                } % n;
                if next == current {
                    self.drafts.remove(&q);
                } else {
                    self.drafts.insert(q, list[next].1.clone());
                }
            }
            Action::Apply => {
                let (list, current, picked) = self.pick(data, q);
                if picked == current {
                    fx.flash(true, crate::t!("setting-unchanged"));
                } else {
                    // Sent: no longer unsaved (the reload shows the value).
                    self.drafts.remove(&q);
                    fx.send(Command::SetSetting(list[picked].1.clone()));
                    fx.flash(
                        true,
                        crate::t!(
                            "setting-applied",
                            question = question(q),
                            value = list[picked].0.clone()
                        ),
                    );
                }
            }
            Action::ResetSetting if set_in_console(&data.from_console, q) => {
                self.drafts.remove(&q);
                fx.send(Command::ResetSetting(KEYS[q]));
                fx.flash(true, crate::t!("setting-resetting", question = question(q)));
            }
            Action::ResetSetting => fx.flash(
                false,
                crate::t!("setting-not-changed-here", question = question(q)),
            ),
            Action::Back if self.drafts.remove(&q).is_some() => {
                fx.flash(true, crate::t!("setting-discarded", question = question(q)));
            }
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let Some(data) = &self.data else {
            frame.render_widget(Paragraph::new(crate::t!("loading")), area);
            return;
        };
        let mut lines = vec![heading(&crate::t!("settings-heading"), t), Line::raw("")];
        let mut pending = Vec::new();
        for q in 0..QUESTIONS.len() {
            let question = question(q);
            let (list, current, picked) = self.pick(data, q);
            let here = q == self.cursor;
            let value = format!("◂ {} ▸", list[picked].0);
            let source = source(data, q);
            let mut spans = vec![
                Span::raw(if here { "› " } else { "  " }),
                Span::raw(format!("{question:<28}")),
                Span::styled(
                    format!("{value:<24}"),
                    if here { t.selected() } else { t.base() },
                ),
                Span::styled(format!(" {source}"), t.dim()),
            ];
            if picked != current {
                spans.push(Span::styled(
                    format!(" • {}", crate::t!("unsaved")),
                    t.warn(),
                ));
                pending.push(crate::t!(
                    "unsaved-now",
                    question = question.clone(),
                    value = list[current].0.clone()
                ));
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::raw(""));
        if !pending.is_empty() {
            lines.push(Line::styled(
                crate::t!("unsaved-list", list = pending.join("; ")),
                t.warn(),
            ));
        }
        lines.push(Line::styled(crate::t!("settings-apply-note"), t.dim()));
        match &data.choices {
            None => lines.push(Line::styled(
                crate::t!("settings-choices-not-read"),
                t.dim(),
            )),
            Some(c) if !c.read_at.is_empty() => lines.push(Line::styled(
                crate::t!(
                    "settings-choices-read",
                    when = crate::ui::format::relative_and_absolute(ctx.now, &c.read_at)
                ),
                t.dim(),
            )),
            Some(_) => {}
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}
