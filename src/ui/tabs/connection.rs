//! Connection: state, instance, org version, CRM user, the prerequisite
//! checks, and connect / re-check / disconnect (with purge behind a
//! confirmation that counts what goes).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::engine::{Command, UserError, View};
use crate::store::connection::ConnState;
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::format::thousands;
use crate::ui::keymap::Context;
use crate::ui::loader::ConnectionData;
use crate::ui::loader::Load;
use crate::ui::popups::Popup;
use crate::ui::popups::confirm::{Caution, ConfirmPopup};
use crate::ui::tabs::{field, heading};

/// What the purge confirmation asks to be typed.
pub const PURGE_WORD: &str = "purge";

#[derive(Debug, Default)]
pub struct ConnectionTab {
    data: ConnectionData,
}

/// One prerequisite check as the engine records it in `checks_json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

/// Reads `checks_json` leniently, so a wording change in the engine does
/// not blank the list: the name from label/name/check, else the engine's
/// snake_case `id` in words ("objects_readable" -> "objects readable");
/// the verdict from passed/ok/pass; detail/message. Entries with no name
/// are skipped.
pub fn parse_checks(json: &str) -> Vec<Check> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(json) else {
        return Vec::new();
    };
    let text = |v: &serde_json::Value, keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(|x| x.as_str()))
            .map(str::to_string)
    };
    items
        .iter()
        .filter_map(|v| {
            Some(Check {
                name: text(v, &["label", "name", "check"])
                    .or_else(|| text(v, &["id"]).map(|id| id.replace('_', " ")))?,
                passed: ["passed", "ok", "pass"]
                    .iter()
                    .find_map(|k| v.get(*k).and_then(|x| x.as_bool()))
                    .unwrap_or(false),
                detail: text(v, &["detail", "message"]).unwrap_or_default(),
            })
        })
        .collect()
}

impl ConnectionTab {
    pub fn load(&mut self, data: ConnectionData) {
        self.data = data;
    }

    pub fn purge_lines(&self) -> Vec<String> {
        let p = &self.data.purge;
        let mirrored: Vec<String> = p
            .mirrored
            .iter()
            .map(|(t, n)| format!("{} {}", thousands(*n), t.entity_set()))
            .collect();
        vec![
            "Yes, clean up all previously imported CRM data.".into(),
            format!("Removes the CRM copies: {}.", mirrored.join(", ")),
            format!(
                "Removes {} saved accounts and {} saved leads the sync brought in.",
                thousands(p.saved_accounts),
                thousands(p.saved_leads)
            ),
            "Kept: manual saves, seats and activities.".into(),
        ]
    }

    fn error_lines(e: &UserError, ctx: &ViewCtx) -> Vec<Line<'static>> {
        vec![
            Line::styled(format!("✘ {}", e.message), ctx.theme.error()),
            Line::raw(format!("  Detail: {}", e.detail)),
            Line::raw(format!("  Next step: {}", e.next_step)),
        ]
    }
}

impl Component for ConnectionTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Connection)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::Connect => {
                fx.send(Command::Connect);
                fx.flash(true, "Signing in…");
            }
            Action::Recheck => {
                fx.send(Command::Recheck);
                fx.flash(true, "Re-running the prerequisite checks…");
            }
            Action::Disconnect => {
                fx.open = Some(Popup::Confirm(
                    ConfirmPopup::new(
                        "Disconnect",
                        vec![
                            "Disconnect from the CRM? Syncing stops.".into(),
                            "Imported CRM data stays (use D to clean it up).".into(),
                        ],
                        vec![Command::Disconnect { purge: false }],
                        None,
                    )
                    .with_caution(Caution::Danger),
                ));
            }
            Action::DisconnectPurge => {
                // The counts are read afresh: the last snapshot may predate
                // the sync that just imported thousands of rows.
                fx.loads.push(Load::View(View::Connection));
                fx.open = Some(Popup::Confirm(
                    ConfirmPopup::new(
                        "Disconnect and clean up",
                        self.purge_lines(),
                        vec![Command::Disconnect { purge: true }],
                        None,
                    )
                    .with_caution(Caution::Typed(PURGE_WORD))
                    .counting(),
                ));
            }
            _ => {}
        }
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let st = ctx.status;
        let row = self.data.row.as_ref();
        let mut lines = Vec::new();
        let state = row.map(|r| r.state.clone());
        if st.connected || state == Some(ConnState::Connected) {
            let tail = if st.running.is_some() {
                "Successfully connected, sync in progress"
            } else {
                "Successfully connected"
            };
            lines.push(Line::from(vec![
                Span::styled("● Connected to Microsoft Dynamics", t.ok()),
                Span::raw(format!(" — {tail}")),
            ]));
        } else if state == Some(ConnState::Error) {
            lines.push(Line::styled("✘ Connection error", t.error()));
        } else {
            lines.push(Line::styled(
                "○ Not connected — press c to connect",
                t.warn(),
            ));
        }
        if let Some(e) = &st.last_error {
            lines.extend(Self::error_lines(e, ctx));
        } else if let Some(r) = row
            && let Some(kind) = &r.last_error_kind
        {
            lines.push(Line::styled(format!("✘ {kind}"), t.error()));
            if let Some(d) = &r.last_error_detail {
                lines.push(Line::raw(format!("  Detail: {d}")));
            }
        }
        lines.push(Line::raw(""));
        let instance = st
            .instance_url
            .clone()
            .or_else(|| row.map(|r| r.instance_url.clone()));
        lines.push(field("Instance", instance.unwrap_or_else(|| "—".into()), t));
        let org = row
            .and_then(|r| r.organization_name.clone())
            .unwrap_or_else(|| "—".into());
        lines.push(field("Organisation", org, t));
        let version = st
            .org_version
            .clone()
            .or_else(|| row.and_then(|r| r.org_version.clone()));
        lines.push(field(
            "Org version",
            version.unwrap_or_else(|| "—".into()),
            t,
        ));
        let user = st
            .crm_user
            .clone()
            .or_else(|| row.and_then(|r| r.crm_user_name.clone()));
        match (user, row) {
            (Some(u), Some(r)) => {
                let kind = if r.is_integration_user {
                    "integration user ✔ (recommended)"
                } else {
                    "interactive user ⚠ an integration user is recommended"
                };
                lines.push(field("CRM user", format!("{u} — {kind}"), t));
                lines.push(field(
                    "",
                    format!("{u} appears as creator of activities written back."),
                    t,
                ));
            }
            (Some(u), None) => lines.push(field("CRM user", u, t)),
            (None, _) => lines.push(field("CRM user", "—".into(), t)),
        }
        if let Some(r) = row {
            lines.push(field("Sign-in", r.auth_method.clone(), t));
        }
        lines.push(Line::raw(""));
        lines.push(heading("Prerequisite checks", t));
        let checks = row
            .map(|r| parse_checks(&r.checks_json))
            .unwrap_or_default();
        if checks.is_empty() {
            lines.push(Line::styled(
                "  none run yet (c connects, r re-checks)",
                t.dim(),
            ));
        }
        for c in checks {
            let (mark, style) = if c.passed {
                ("✔ pass", t.ok())
            } else {
                ("✘ FAIL", t.error())
            };
            let detail = if c.detail.is_empty() {
                String::new()
            } else {
                format!(" — {}", c.detail)
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {mark} "), style),
                Span::raw(format!("{}{detail}", c.name)),
            ]));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_read_leniently() {
        let json = r#"[{"name":"Online","ok":true},{"check":"Version 8.2+","passed":false,"detail":"7.0"},{"x":1},
            {"id":"objects_readable","passed":true,"detail":""}]"#;
        let c = parse_checks(json);
        assert_eq!(c.len(), 3);
        assert_eq!(
            (c[2].name.as_str(), c[2].passed),
            ("objects readable", true)
        );
        assert!(c[0].passed);
        assert_eq!(
            (c[1].name.as_str(), c[1].passed, c[1].detail.as_str()),
            ("Version 8.2+", false, "7.0")
        );
        assert!(parse_checks("not json").is_empty());
    }
}
