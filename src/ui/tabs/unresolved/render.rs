//! How the queue is drawn: its table, the entries resolved lately, and
//! the selected entry's detail with its candidates.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::store::activities::ActivityState;
use crate::store::unresolved::QueueRow;
use crate::ui::component::ViewCtx;
use crate::ui::format::{self, age, relative_and_absolute, stored_word};
use crate::ui::table;
use crate::ui::tabs::heading;

use super::{QueueView, SORTABLE, UnresolvedTab};

/// From this width on the detail sits beside the table (at 58% of the
/// width the table is then wider than the whole of an 80-column screen).
const SIDE_BY_SIDE: u16 = 140;

impl UnresolvedTab {
    pub(super) fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        if self.show == QueueView::Resolved {
            return self.render_resolved(frame, area, ctx);
        }
        let t = ctx.theme;
        // Side by side only where the table keeps at least the width it
        // has at 80 columns; below that the detail goes under the table,
        // which then gets the whole width.
        let [list_area, detail_area] = if area.width >= SIDE_BY_SIDE {
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area)
        } else {
            // The table takes what its rows need, up to half: a short
            // queue leaves the detail (a whole conversation) the rest.
            let rows = u16::try_from(self.rows.len()).unwrap_or(u16::MAX);
            let list = rows.saturating_add(2).clamp(4, area.height / 2);
            Layout::vertical([Constraint::Length(list), Constraint::Min(1)]).areas(area)
        };
        let [top, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(list_area);
        let skipped = self.skipped;
        let mut title = crate::t!(
            "unresolved-title",
            count = self.rows.len(),
            skipped = skipped
        );
        match self.show {
            QueueView::All => {}
            QueueView::Open => title.push_str(&format!(" · {}", crate::t!("view-open-only"))),
            QueueView::Skipped => title.push_str(&format!(" · {}", crate::t!("view-skipped-only"))),
            QueueView::Resolved => {}
        }
        if !self.view.filter.is_empty() {
            let filter = self.view.filter.clone();
            title.push_str(&format!(
                " · {}",
                crate::t!("filter-named", filter = filter)
            ));
        }
        if !self.marks.is_empty() {
            title.push_str(&format!(
                " · {}",
                crate::t!("count-marked", count = self.marks.count())
            ));
        }
        if !self.view.filter.is_empty() || self.show != QueueView::All {
            title.push_str(&format!(
                ": {}",
                crate::t!("count-shown", count = self.view.len())
            ));
        }
        frame.render_widget(
            Paragraph::new(table::fit_line(
                heading(&title, t).spans,
                top.width as usize,
            )),
            top,
        );
        if self.rows.is_empty() {
            frame.render_widget(Paragraph::new(crate::t!("unresolved-empty")), body);
        } else {
            // "Sent": how old the activity itself is, not its time in the queue.
            let col = |c: usize| self.sort.title(c, &crate::i18n::text(SORTABLE[c], &[]));
            let header = vec![col(1), col(2), col(3), col(4), col(0), col(5)];
            let widths = [
                Constraint::Fill(3),
                Constraint::Fill(3),
                Constraint::Length(7),
                Constraint::Fill(2),
                // "Sent ▲": the age and the sort arrow.
                Constraint::Length(6),
                // "closed in CRM", "abierta en CRM".
                Constraint::Length(14),
            ];
            let (rows, pending, marks, now) = (&self.rows, &self.pending, &self.marks, ctx.now);
            table::render(frame, body, &mut self.view, header, &widths, t, |i| {
                let r = &rows[i];
                let state = if pending.contains_key(&r.activity_id) {
                    format!("… {}", crate::t!("state-working"))
                } else if r.dismissed {
                    crate::t!("state-skipped")
                } else {
                    crm_state(r)
                };
                // A mark is a glyph too, for screens without colour.
                let marked = marks.is_marked(i);
                let name = if marked {
                    format!("✓ {}", r.member_name)
                } else {
                    r.member_name.clone()
                };
                let cells = vec![
                    name,
                    r.member_company.clone().unwrap_or_default(),
                    match r.messages {
                        Some(n) => crate::t!("kind-conversation-short", count = n),
                        None => crate::i18n::word(r.kind),
                    },
                    r.seat_holder.clone(),
                    age(now, r.occurred_at),
                    state,
                ];
                (cells, if marked { t.marked() } else { Style::default() })
            });
        }
        self.render_detail(frame, detail_area, ctx);
    }

    fn render_resolved(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let mut title = crate::t!("resolved-title", count = self.resolved.len());
        if !self.resolved_view.filter.is_empty() {
            title.push_str(&format!(
                " · {}: {}",
                crate::t!("filter-named", filter = self.resolved_view.filter.clone()),
                crate::t!("count-shown", count = self.resolved_view.len())
            ));
        }
        frame.render_widget(
            Paragraph::new(table::fit_line(
                heading(&title, t).spans,
                top.width as usize,
            )),
            top,
        );
        if self.resolved.is_empty() {
            frame.render_widget(Paragraph::new(crate::t!("resolved-empty")), body);
            return;
        }
        let header = vec![
            crate::t!("col-member"),
            crate::t!("col-company"),
            crate::t!("col-seat-holder"),
            crate::t!("col-linked-to"),
            crate::t!("col-how"),
            crate::t!("col-resolved-by"),
            crate::t!("col-resolved"),
        ];
        let widths = [
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Length(12),
        ];
        let rows = &self.resolved;
        table::render(
            frame,
            body,
            &mut self.resolved_view,
            header,
            &widths,
            t,
            |i| {
                let r = &rows[i];
                let contact = r
                    .contact_name
                    .clone()
                    .or_else(|| r.contactid.clone())
                    .unwrap_or_else(|| "—".into());
                let how = r.how.map_or_else(|| "—".into(), crate::i18n::word);
                let when = crate::i18n::short_date_time(r.resolved_at);
                let cells = vec![
                    r.member_name.clone(),
                    r.member_company.clone().unwrap_or_default(),
                    r.seat_holder.clone(),
                    contact,
                    how,
                    r.resolved_by.clone().unwrap_or_else(|| "—".into()),
                    when,
                ];
                (cells, Style::default())
            },
        );
    }

    fn render_detail(&self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let block = Block::bordered().title(format!(" {} ", crate::t!("activity")));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let Some(row) = self.selected_row() else {
            return;
        };
        let mut lines = Vec::new();
        if let Some(p) = self.pending.get(&row.activity_id) {
            lines.push(Line::styled(p.label(), t.warn()));
        }
        match self.detail_for_selected() {
            None => lines.push(Line::styled(crate::t!("loading"), t.dim())),
            Some(d) => {
                let a = &d.activity.new;
                let who = match (&a.member_title, &a.member_company) {
                    (Some(ti), Some(co)) => format!("{} — {ti}, {co}", a.member_name),
                    (None, Some(co)) => format!("{} — {co}", a.member_name),
                    (Some(ti), None) => format!("{} — {ti}", a.member_name),
                    (None, None) => a.member_name.clone(),
                };
                lines.push(Line::from(Span::styled(who, t.title())));
                lines.push(Line::from(vec![
                    Span::styled(format!("{} ", crate::t!("no-match")), t.warn()),
                    Span::raw(format::reason(&row.reason)),
                ]));
                // A refusal in full: the table has room for the word only.
                if let Some(why) = row.last_error.as_ref().filter(|_| refused(row)) {
                    lines.push(Line::styled(
                        crate::t!("state-refused-because", why = why.clone()),
                        t.error(),
                    ));
                }
                // The candidates come before the text: at 80x24 they are
                // what the keys act on, the text is context.
                if d.candidates.is_empty() {
                    lines.push(Line::raw(crate::t!("no-candidates")));
                } else {
                    lines.push(heading(&crate::t!("candidates"), t));
                }
                for (i, c) in d.candidates.iter().enumerate() {
                    let chosen = i == self.candidate;
                    // A purge empties the CRM copy: say so rather than
                    // show a bare id where the name was.
                    let name = c
                        .fullname
                        .clone()
                        .unwrap_or_else(|| crate::t!("gone-from-crm-copy"));
                    let email = c
                        .email
                        .as_deref()
                        .map(|e| format!(" <{e}>"))
                        .unwrap_or_default();
                    // Title and company tell two namesakes apart.
                    let role: Vec<&str> = [c.jobtitle.as_deref(), c.company.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect();
                    let role = if role.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", role.join(", "))
                    };
                    // Owner and age tell apart what title and company do
                    // not; the e-mail, longest and least telling, comes last.
                    let owner = c
                        .owner
                        .as_ref()
                        .map(|o| format!(", {}", crate::t!("candidate-owner", name = o.clone())))
                        .unwrap_or_default();
                    let created = c
                        .createdon
                        .map(|at| {
                            let date = crate::i18n::date(at);
                            format!(", {}", crate::t!("candidate-created", date = date))
                        })
                        .unwrap_or_default();
                    let text = format!(
                        "{} {} {name}{role}{owner}{created} — {}{email}",
                        if chosen { "›" } else { " " },
                        crate::i18n::fixed(c.candidate.score, 2),
                        format::reason(&c.candidate.reason)
                    );
                    // One line each, so every candidate and the activity's
                    // date stay in view at 80x24; a cut one ends in "…".
                    let text = table::fit(&text, inner.width as usize).into_owned();
                    lines.push(if chosen {
                        Line::styled(text, t.selected())
                    } else {
                        Line::raw(text)
                    });
                }
                lines.push(Line::raw(""));
                lines.push(Line::raw(crate::t!(
                    "sent-queued",
                    sent = relative_and_absolute(ctx.now, &a.occurred_at),
                    queued = age(ctx.now, row.queued_at)
                )));
                let (kind, shown) = match d.activity.messages {
                    // A conversation is its text: shown as far as it fits.
                    Some(n) => (crate::t!("conversation-messages", count = n), usize::MAX),
                    None => (stored_word("kind", a.kind.as_str()), 4),
                };
                lines.push(Line::raw(format!("{kind}: {}", a.subject)));
                lines.extend(a.body.lines().take(shown).map(|l| Line::raw(l.to_string())));
            }
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}

/// Whether the CRM refused the activity: for good, or on its last try
/// (it stays queued for the next run).
fn refused(r: &QueueRow) -> bool {
    r.state == ActivityState::Failed || (r.state == ActivityState::Queued && r.last_error.is_some())
}

/// What the CRM can confirm about a queue entry: nothing yet (queued),
/// written open, written closed, or refused.
fn crm_state(r: &QueueRow) -> String {
    crate::t!(match r.state {
        _ if refused(r) => "state-refused",
        ActivityState::WrittenOpen => "state-open-in-crm",
        ActivityState::WrittenClosed | ActivityState::Resolved => "state-closed-in-crm",
        _ => "state-queued",
    })
}
