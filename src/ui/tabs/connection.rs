//! Connection: state, instance, org version, CRM user, the prerequisite
//! checks, and connect / re-check / disconnect (with purge behind a
//! confirmation that counts what goes).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::describe;
use crate::engine::{Command, ErrorClass, Status};
use crate::store::connection::{ConnState, ConnectionRow};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::format;
use crate::ui::keymap::Context;
use crate::ui::loader::Load;
use crate::ui::loader::{ConnectionData, PurgeCounts};
use crate::ui::popups::Popup;
use crate::ui::popups::confirm::{Caution, ConfirmPopup};
use crate::ui::popups::detail::DetailPopup;
use crate::ui::tabs::{field, heading};

/// What the purge confirmation asks to be typed.
pub(crate) const PURGE_WORD: &str = "purge";

#[derive(Debug, Default)]
pub struct ConnectionTab {
    data: ConnectionData,
    /// Counted when the purge confirmation opens (see `Load::Purge`).
    purge: PurgeCounts,
    /// First line shown: the tab scrolls at 80x24.
    scroll: u16,
    /// Lines that fit, as of the last render (for paging).
    page: u16,
    /// The tab's text as last drawn, unwrapped: what Enter shows whole
    /// (and `y` there copies), error detail included.
    shown: String,
}

/// The connection as the console shows it, from the engine's status and
/// the stored row. The header badge and the tab's headline both come from
/// here, so they never disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConnView {
    Connected,
    /// The last connect or re-check failed (or, while connected, the last
    /// sync): a short title, then what happened, the detail and the next step.
    Error {
        title: String,
        /// The seed's sentence for the error, when there is one.
        message: Option<String>,
        detail: String,
        next_step: String,
    },
    /// Stopped by a disconnect.
    Disconnected,
    Never,
}

/// A short headline per error class, so a privilege problem does not read
/// "Connection error".
pub(crate) fn class_title(class: ErrorClass) -> String {
    crate::i18n::text(
        &format!("error-title-{}", class.as_str().replace('_', "-")),
        &[],
    )
}

/// Title and next step for an error class as the store keeps it (the key
/// `status --json` prints), for a console started after the failure.
fn stored_class(class: ErrorClass) -> (String, String) {
    let key = class.as_str().replace('_', "-");
    (
        class_title(class),
        crate::i18n::text(&format!("error-console-next-{key}"), &[]),
    )
}

pub(crate) fn conn_view(status: &Status, row: Option<&ConnectionRow>) -> ConnView {
    if let Some(e) = &status.last_error {
        let title = class_title(e.class);
        let message = describe::message(e);
        return ConnView::Error {
            title: title.to_string(),
            message: (message != title).then_some(message),
            detail: describe::detail(e),
            next_step: describe::next_step(e),
        };
    }
    if status.connected {
        return ConnView::Connected;
    }
    match row {
        Some(r) if r.state == ConnState::Error => {
            let (title, next) = stored_class(r.last_error_kind.unwrap_or(ErrorClass::Other));
            // An unsupported organisation is told by its failed check.
            let failed = || {
                r.checks
                    .iter()
                    .find(|c| !c.passed)
                    .map(describe::check_detail)
            };
            ConnView::Error {
                title,
                message: None,
                detail: r
                    .last_error_detail
                    .clone()
                    .or_else(failed)
                    .unwrap_or_default(),
                next_step: next,
            }
        }
        Some(r) if r.state == ConnState::Connected => ConnView::Connected,
        Some(_) => ConnView::Disconnected,
        None => ConnView::Never,
    }
}

impl ConnectionTab {
    pub fn load(&mut self, data: ConnectionData) {
        self.data = data;
    }

    /// What a purge would remove, as last counted.
    pub fn set_purge(&mut self, counts: PurgeCounts) {
        self.purge = counts;
    }

    pub fn row(&self) -> Option<&ConnectionRow> {
        self.data.row.as_ref()
    }

    pub(crate) fn purge_lines(&self) -> Vec<String> {
        let p = &self.purge;
        let mirrored: Vec<String> = p
            .mirrored
            .iter()
            .map(|(t, n)| crate::t!("purge-table", table = t.entity_set(), count = *n))
            .collect();
        vec![
            crate::t!("purge-yes"),
            crate::t!("purge-copies", tables = mirrored.join(", ")),
            crate::t!(
                "purge-saved",
                accounts = p.saved_accounts,
                leads = p.saved_leads
            ),
            crate::t!("purge-kept"),
        ]
    }

    /// Every line of the tab, before scrolling.
    fn lines(&self, ctx: &ViewCtx) -> Vec<Line<'static>> {
        let t = ctx.theme;
        let st = ctx.status;
        let row = self.data.row.as_ref();
        let mut lines = Vec::new();
        let checks = row.map(|r| r.checks.as_slice()).unwrap_or_default();
        match conn_view(st, row) {
            ConnView::Connected => {
                let tail = if st.running.is_some() {
                    crate::t!("conn-ok-syncing")
                } else {
                    crate::t!("conn-ok")
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("● {}", crate::t!("conn-connected-to")), t.ok()),
                    Span::raw(format!(" — {tail}")),
                ]));
            }
            ConnView::Error {
                title,
                message,
                detail,
                next_step,
            } => {
                let what = if st.connected {
                    format!("✘ {}", crate::t!("conn-last-sync-failed", title = title))
                } else {
                    format!("✘ {}", crate::t!("conn-error-not-connected", title = title))
                };
                lines.push(Line::styled(what, t.error()));
                if let Some(m) = message {
                    lines.push(Line::raw(format!("  {m}")));
                }
                lines.push(Line::raw(format!(
                    "  {}",
                    crate::t!("conn-detail", detail = detail)
                )));
                lines.push(Line::raw(format!(
                    "  {}",
                    crate::t!("conn-next-step", next = next_step)
                )));
            }
            ConnView::Disconnected => lines.push(Line::styled(
                format!("○ {}", crate::t!("conn-disconnected")),
                t.warn(),
            )),
            ConnView::Never => lines.push(Line::styled(
                format!("○ {}", crate::t!("conn-never")),
                t.warn(),
            )),
        }
        // A failed check is named near the top: at 80x24 the list itself
        // may be below the fold.
        let failed: Vec<String> = checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| crate::i18n::word(c.id))
            .collect();
        if !failed.is_empty() {
            lines.push(Line::styled(
                format!(
                    "✘ {}",
                    crate::t!(
                        "conn-checks-failed",
                        failed = failed.len(),
                        total = checks.len(),
                        names = failed.join(", ")
                    )
                ),
                t.error(),
            ));
        }
        lines.push(Line::raw(""));
        let last = st
            .last_sync
            .map(|at| format::when(ctx.now, at))
            .unwrap_or_else(|| crate::t!("never"));
        lines.push(field(&crate::t!("field-last-sync"), last, t));
        let instance = st
            .instance_url
            .clone()
            .or_else(|| row.map(|r| r.instance_url.clone()));
        lines.push(field(
            &crate::t!("field-instance"),
            instance.unwrap_or_else(|| "—".into()),
            t,
        ));
        let org = row
            .and_then(|r| r.organization_name.clone())
            .unwrap_or_else(|| "—".into());
        lines.push(field(&crate::t!("field-organisation"), org, t));
        let version = st
            .org_version
            .clone()
            .or_else(|| row.and_then(|r| r.org_version.clone()));
        lines.push(field(
            &crate::t!("field-org-version"),
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
                    crate::t!("conn-integration-user")
                } else {
                    crate::t!("conn-interactive-user")
                };
                lines.push(field(
                    &crate::t!("field-crm-user"),
                    format!("{u} — {kind}"),
                    t,
                ));
                lines.push(field("", crate::t!("conn-creator", user = u), t));
            }
            (Some(u), None) => lines.push(field(&crate::t!("field-crm-user"), u, t)),
            (None, _) => lines.push(field(&crate::t!("field-crm-user"), "—".into(), t)),
        }
        if let Some(r) = row {
            let sign_in = match r.connected_at {
                Some(at) => crate::t!(
                    "conn-sign-in-since",
                    method = r.auth_method.clone(),
                    since = format::when(ctx.now, at)
                ),
                None => r.auth_method.clone(),
            };
            lines.push(field(&crate::t!("field-sign-in"), sign_in, t));
        }
        lines.push(Line::raw(""));
        lines.push(heading(&crate::t!("conn-checks"), t));
        if checks.is_empty() {
            lines.push(Line::styled(
                format!("  {}", crate::t!("conn-checks-none")),
                t.dim(),
            ));
        }
        for c in checks {
            let (mark, style) = if c.passed {
                (format!("✔ {}", crate::t!("check-pass")), t.ok())
            } else {
                (format!("✘ {}", crate::t!("check-fail")), t.error())
            };
            let detail = describe::check_detail(c);
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!(" — {detail}")
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {mark} "), style),
                Span::raw(format!("{}{detail}", crate::i18n::word(c.id))),
            ]));
        }
        lines
    }
}

impl Component for ConnectionTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Connection)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(self.page.max(1)),
            Action::PageDown => self.scroll = self.scroll.saturating_add(self.page.max(1)),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = u16::MAX,
            Action::Details => {
                fx.open(Popup::Detail(DetailPopup::new(
                    Tab::Connection.title(),
                    self.shown.clone(),
                )));
            }
            Action::Connect => match (&self.data.row, self.data.switch_to) {
                // Another identity than the connected one: asked first,
                // like `navsync connect`.
                (Some(row), Some(to)) => {
                    fx.open(Popup::Confirm(ConfirmPopup::new(
                        &crate::t!("switch-title"),
                        vec![
                            crate::t!(
                                "switch-question",
                                from = row.crm_user_name.clone().unwrap_or_default(),
                                from_method = row.auth_method.clone(),
                                to_method = to
                            ),
                            crate::t!("switch-keeps"),
                        ],
                        vec![Command::Connect],
                        None,
                    )));
                }
                _ => {
                    fx.send(Command::Connect);
                    fx.flash(true, crate::t!("conn-signing-in"));
                }
            },
            Action::Recheck => {
                fx.send(Command::Recheck);
                fx.flash(true, crate::t!("conn-rechecking"));
            }
            Action::Disconnect => {
                fx.open(Popup::Confirm(ConfirmPopup::new(
                    &crate::t!("disconnect-title"),
                    vec![
                        crate::t!("disconnect-question"),
                        crate::t!("disconnect-keeps"),
                    ],
                    vec![Command::Disconnect { purge: false }],
                    None,
                )));
            }
            Action::DisconnectPurge => {
                // The counts are read now: the last ones may predate the
                // sync that just imported thousands of rows.
                fx.load(Load::Purge);
                fx.open(Popup::Confirm(
                    ConfirmPopup::new(
                        &crate::t!("purge-title"),
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
        let lines = self.lines(ctx);
        self.shown = lines
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        // Wrapped height, to keep the scroll inside the text and to say
        // when there is more below.
        let width = area.width.max(1) as usize;
        let height: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
        let rows = area.height as usize;
        self.page = area.height.saturating_sub(1);
        let max_scroll = height.saturating_sub(rows.saturating_sub(1)) as u16;
        self.scroll = self.scroll.min(if height > rows { max_scroll } else { 0 });
        let [text, more] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(u16::from(height > rows)),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            text,
        );
        if height > rows {
            let below = self.scroll < max_scroll;
            let hint = if below {
                format!("↓ {}", crate::t!("more-below"))
            } else {
                format!("↑ {}", crate::t!("more-above"))
            };
            frame.render_widget(Paragraph::new(Line::styled(hint, ctx.theme.dim())), more);
        }
    }
}
