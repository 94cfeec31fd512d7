//! Unresolved: the queue of activities that matched no CRM contact, the
//! selected one's text and ranked candidates, and the three ways to
//! resolve it (candidate, CRM search, create the contact).

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::engine::Command;
use crate::engine::interface::command::ResolveHow;
use crate::store::activities::ActivityState;
use crate::store::unresolved::{QueueRow, ResolvedRow};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, Undo, ViewCtx};
use crate::ui::format::{self, age, relative_and_absolute, stored_word};
use crate::ui::keymap::Context;
use crate::ui::loader::{Detail, Load};
use crate::ui::popups::Popup;
use crate::ui::popups::confirm::ConfirmPopup;
use crate::ui::popups::form::ContactForm;
use crate::ui::popups::search::SearchPopup;
use crate::ui::table::{self, Filtered, Marks, Sort, TableView, collate};
use crate::ui::tabs::heading;

/// An action sent for a queue entry whose result the store does not show
/// yet. Each ends when a reload shows its effect, so a skipped row reads
/// "skipped" as soon as the queue says so, not "working" forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// Linking to the contact of this name: done when the row leaves.
    Link(String),
    /// Skipping (true) or bringing back (false): done when the row shows it.
    Skip(bool),
}

impl Pending {
    fn label(&self) -> String {
        match self {
            Self::Link(name) => crate::t!("pending-link", name = name.clone()),
            Self::Skip(true) => crate::t!("pending-skip"),
            Self::Skip(false) => crate::t!("pending-bring-back"),
        }
    }

    /// Whether `row` (None: gone from the queue) still waits for it.
    fn waiting(&self, row: Option<&QueueRow>) -> bool {
        match (self, row) {
            (_, None) => false,
            (Self::Link(_), Some(_)) => true,
            (Self::Skip(skip), Some(r)) => r.dismissed != *skip,
        }
    }
}

/// The columns `o` sorts by, in turn; oldest activity first by default.
const SORTABLE: [&str; 6] = [
    "col-sent",
    "col-member",
    "col-company",
    "col-kind",
    "col-seat-holder",
    "col-state",
];

/// From this width on the detail sits beside the table (at 58% of the
/// width the table is then wider than the whole of an 80-column screen).
const SIDE_BY_SIDE: u16 = 140;

/// Which entries the table shows (`v` cycles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueView {
    #[default]
    All,
    Open,
    Skipped,
    /// The entries resolved lately: linked to which contact, how, when.
    Resolved,
}

#[derive(Debug, Default)]
pub struct UnresolvedTab {
    pub sort: Sort,
    pub show: QueueView,
    rows: Vec<QueueRow>,
    haystacks: Vec<String>,
    /// Skipped entries, counted at load (a frame stays O(screen)).
    skipped: usize,
    pub view: TableView,
    detail: Option<Detail>,
    /// Chosen candidate of the detail shown.
    pub candidate: usize,
    /// Activities with an action in flight, and what was asked.
    pub pending: HashMap<i64, Pending>,
    requested: Option<i64>,
    marks: Marks,
    resolved: Vec<ResolvedRow>,
    resolved_haystacks: Vec<String>,
    resolved_view: TableView,
}

impl UnresolvedTab {
    /// New queue rows; asks for the selected row's detail if it changed.
    pub fn load(&mut self, rows: Vec<QueueRow>, loads: &mut Vec<Load>) {
        self.haystacks = rows
            .iter()
            .map(|r| {
                table::haystack([
                    r.member_name.as_str(),
                    r.member_company.as_deref().unwrap_or(""),
                    r.kind.as_str(),
                    r.seat_holder.as_str(),
                ])
            })
            .collect();
        self.skipped = rows.iter().filter(|r| r.dismissed).count();
        let selected = self.selected_row().map(|r| r.activity_id);
        // Marks follow their activities; resolved ones leave with them.
        let marked: std::collections::HashSet<i64> = self.marked_ids().into_iter().collect();
        self.marks.reset(rows.len());
        for (i, r) in rows.iter().enumerate() {
            if marked.contains(&r.activity_id) {
                self.marks.toggle(i);
            }
        }
        self.rows = rows;
        let by_id: HashMap<i64, usize> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.activity_id, i))
            .collect();
        let rows = &self.rows;
        self.pending
            .retain(|id, p| p.waiting(by_id.get(id).map(|&i| &rows[i])));
        self.resort();
        if let Some(i) = selected.and_then(|id| by_id.get(&id)) {
            self.view.select(*i);
        }
        loads.extend(self.request_detail());
    }

    /// The engine refused an action: nothing is in flight any more (its
    /// answer names no activity, and a refused action changes no row).
    pub fn action_failed(&mut self) {
        self.pending.clear();
    }

    pub fn load_detail(&mut self, detail: Detail) {
        if Some(detail.activity.id) == self.selected_row().map(|r| r.activity_id) {
            self.candidate = self
                .candidate
                .min(detail.candidates.len().saturating_sub(1));
            self.detail = Some(detail);
        }
    }

    pub fn rows(&self) -> &[QueueRow] {
        &self.rows
    }

    /// The entries resolved lately, newest first.
    pub fn load_resolved(&mut self, rows: Vec<ResolvedRow>) {
        self.resolved_haystacks = rows
            .iter()
            .map(|r| {
                table::haystack([
                    r.member_name.as_str(),
                    r.member_company.as_deref().unwrap_or(""),
                    r.seat_holder.as_str(),
                    r.contact_name.as_deref().unwrap_or(""),
                    r.resolved_by.as_deref().unwrap_or(""),
                ])
            })
            .collect();
        self.resolved = rows;
        self.refilter();
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
                let when = format::parse_time(&r.resolved_at)
                    .map_or_else(|| r.resolved_at.clone(), crate::i18n::short_date_time);
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

    /// The activity ids of the marked rows, in store order.
    pub fn marked_ids(&self) -> Vec<i64> {
        self.marks
            .indices()
            .filter_map(|i| self.rows.get(i).map(|r| r.activity_id))
            .collect()
    }

    /// "3 marked (1 hidden by filter)", for the bulk confirmations.
    fn marked_what(&self) -> String {
        let hidden = self.marks.count() - self.marks.among(self.view.visible());
        crate::t!(
            "seats-marked-hidden",
            count = self.marks.count(),
            hidden = hidden
        )
    }

    /// `s` with rows marked: skips them all (or brings them all back when
    /// every one is skipped already), after a confirmation with the count.
    fn bulk_skip(&mut self, fx: &mut Effects) {
        let marked: Vec<&QueueRow> = self.marks.indices().map(|i| &self.rows[i]).collect();
        let skip = marked.iter().any(|r| !r.dismissed);
        let ids: Vec<i64> = marked
            .iter()
            .filter(|r| r.dismissed != skip)
            .map(|r| r.activity_id)
            .collect();
        let commands = |skip: bool| -> Vec<Command> {
            ids.iter()
                .map(|&activity_id| Command::SkipUnresolved { activity_id, skip })
                .collect()
        };
        let what = self.marked_what();
        let question = if skip {
            crate::t!("unresolved-bulk-skip", what = what.clone())
        } else {
            crate::t!("unresolved-bulk-back", what = what.clone())
        };
        let undo = Undo {
            what: crate::t!(
                "undo-skip",
                skip = if skip { "yes" } else { "no" },
                member = what
            ),
            commands: commands(!skip),
        };
        fx.open(Popup::Confirm(
            ConfirmPopup::new(
                &crate::t!("unresolved-bulk-skip-title"),
                vec![question, crate::t!("unresolved-bulk-skip-effect")],
                commands(skip),
                Some(Action::ClearMarks),
            )
            .with_undo(undo),
        ));
    }

    /// `L`: links the marked rows (or the cursor's) to their best-ranked
    /// candidate, after a confirmation that counts those without one.
    fn link_top(&mut self, fx: &mut Effects) {
        let rows: Vec<&QueueRow> = if self.marks.is_empty() {
            self.selected_row().into_iter().collect()
        } else {
            self.marks.indices().map(|i| &self.rows[i]).collect()
        };
        if rows.is_empty() {
            fx.flash(false, crate::t!("queue-empty"));
            return;
        }
        let linked: Vec<(i64, String, String)> = rows
            .iter()
            .filter_map(|r| {
                r.top_candidate.as_ref().map(|(id, name)| {
                    let name = name.clone().unwrap_or_else(|| id.clone());
                    (r.activity_id, id.clone(), name)
                })
            })
            .collect();
        let without = rows.len() - linked.len();
        if linked.is_empty() {
            fx.flash(false, crate::t!("unresolved-none-with-candidate"));
            return;
        }
        let what = if self.marks.is_empty() {
            rows[0].member_name.clone()
        } else {
            self.marked_what()
        };
        let mut lines = vec![crate::t!(
            "unresolved-link-question",
            what = what,
            count = linked.len()
        )];
        lines.extend(linked.iter().take(5).map(|(activity_id, _, name)| {
            let member = rows
                .iter()
                .find(|r| r.activity_id == *activity_id)
                .map_or("", |r| r.member_name.as_str());
            format!("  {member} → {name}")
        }));
        if linked.len() > 5 {
            lines.push(crate::t!("unresolved-link-more", count = linked.len() - 5));
        }
        if without > 0 {
            lines.push(crate::t!("unresolved-link-without", count = without));
        }
        let commands = linked
            .into_iter()
            .map(|(activity_id, contactid, _)| Command::ResolveWithContact {
                activity_id,
                contactid,
                how: ResolveHow::Candidate,
                by: Some(crate::ui::os_user::name()),
            })
            .collect();
        fx.open(Popup::Confirm(ConfirmPopup::new(
            &crate::t!("unresolved-link-title"),
            lines,
            commands,
            Some(Action::ClearMarks),
        )));
    }

    pub fn selected_row(&self) -> Option<&QueueRow> {
        self.view.selected().map(|i| &self.rows[i])
    }

    /// Orders the rows by the sort column (names by letters, not code
    /// points), then by the activity's date.
    fn resort(&mut self) {
        let keys: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let key = match self.sort.column {
                    0 => String::new(),
                    1 => collate(&r.member_name),
                    2 => r
                        .member_company
                        .as_deref()
                        .map_or_else(String::new, collate),
                    3 => r.kind.to_string(),
                    4 => collate(&r.seat_holder),
                    _ => if r.dismissed { "1" } else { "0" }.to_string(),
                };
                format!("{key}\u{1}{}", r.occurred_at)
            })
            .collect();
        self.view.set_order(self.sort.order(&keys));
        self.refilter();
    }

    fn request_detail(&mut self) -> Option<Load> {
        let id = self.selected_row().map(|r| r.activity_id);
        if self.detail.as_ref().map(|d| d.activity.id) != id {
            self.detail = None;
            self.candidate = 0;
        }
        if id == self.requested {
            return None;
        }
        self.requested = id;
        id.map(Load::Detail)
    }

    fn detail_for_selected(&self) -> Option<&Detail> {
        let id = self.selected_row()?.activity_id;
        self.detail.as_ref().filter(|d| d.activity.id == id)
    }

    fn act(&mut self, action: Action, fx: &mut Effects) {
        let Some(row) = self.selected_row().cloned() else {
            fx.flash(false, crate::t!("queue-empty"));
            return;
        };
        let id = row.activity_id;
        match action {
            Action::Resolve => {
                let Some(c) = self
                    .detail_for_selected()
                    .and_then(|d| d.candidates.get(self.candidate))
                else {
                    fx.flash(false, crate::t!("no-candidate-to-link"));
                    return;
                };
                let contactid = c.candidate.contactid.clone();
                let name = c.fullname.clone().unwrap_or_else(|| contactid.clone());
                fx.send(Command::ResolveWithContact {
                    activity_id: id,
                    contactid,
                    how: ResolveHow::Candidate,
                    by: Some(crate::ui::os_user::name()),
                });
                self.pending.insert(id, Pending::Link(name.clone()));
                fx.flash(
                    true,
                    crate::t!("linking", member = row.member_name.clone(), name = name),
                );
            }
            Action::SearchCrm => {
                fx.open(Popup::Search(SearchPopup::new(id, &row.member_name)));
            }
            Action::CreateContact => {
                let form = match self.detail_for_selected() {
                    Some(d) => ContactForm::from_activity(&d.activity),
                    None => ContactForm::from_name(id, &row.member_name),
                };
                fx.open(Popup::Form(form));
            }
            Action::Skip if !self.marks.is_empty() => self.bulk_skip(fx),
            Action::Skip => {
                let skip = !row.dismissed;
                fx.send(Command::SkipUnresolved {
                    activity_id: id,
                    skip,
                });
                fx.undo(Undo {
                    what: crate::t!(
                        "undo-skip",
                        skip = if skip { "yes" } else { "no" },
                        member = row.member_name.clone()
                    ),
                    commands: vec![Command::SkipUnresolved {
                        activity_id: id,
                        skip: !skip,
                    }],
                });
                self.pending.insert(id, Pending::Skip(skip));
                // On to the next entry, as a triage goes.
                self.view.move_by(1);
            }
            _ => {}
        }
    }
}

impl Filtered for UnresolvedTab {
    fn view(&mut self) -> &mut TableView {
        if self.show == QueueView::Resolved {
            &mut self.resolved_view
        } else {
            &mut self.view
        }
    }

    fn refilter(&mut self) {
        self.resolved_view.refilter(&self.resolved_haystacks);
        let needle = table::fold(&self.view.filter);
        let (rows, haystacks, show) = (&self.rows, &self.haystacks, self.show);
        self.view.refilter_by(rows.len(), |i| {
            let shown = match show {
                QueueView::All => true,
                QueueView::Open => !rows[i].dismissed,
                QueueView::Skipped => rows[i].dismissed,
                QueueView::Resolved => false,
            };
            shown && (needle.is_empty() || haystacks[i].contains(&needle))
        });
    }
}

impl Component for UnresolvedTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Unresolved)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            Action::CycleView => {
                self.show = match self.show {
                    QueueView::All => QueueView::Open,
                    QueueView::Open => QueueView::Skipped,
                    QueueView::Skipped => QueueView::Resolved,
                    QueueView::Resolved => QueueView::All,
                };
                self.refilter();
            }
            action if self.show == QueueView::Resolved => {
                if !self.resolved_view.navigate(action) && action != Action::Back {
                    fx.flash(false, crate::t!("resolved-read-only"));
                }
                return;
            }
            action if self.view.navigate(action) => {}
            action if self.sort.update(action, SORTABLE.len()) => self.resort(),
            Action::Left => self.candidate = self.candidate.saturating_sub(1),
            Action::Right => {
                let n = self.detail_for_selected().map_or(0, |d| d.candidates.len());
                self.candidate = (self.candidate + 1).min(n.saturating_sub(1));
            }
            Action::Resolve | Action::SearchCrm | Action::CreateContact | Action::Skip => {
                self.act(action, fx)
            }
            Action::LinkTop => self.link_top(fx),
            Action::Mark => {
                if let Some(i) = self.view.selected() {
                    self.marks.toggle(i);
                    self.view.move_by(1);
                }
            }
            Action::MarkAll => self.marks.mark_all(self.view.visible()),
            Action::ClearMarks => self.marks.clear(),
            _ => {}
        }
        if let Some(load) = self.request_detail() {
            fx.load(load);
        }
    }

    fn filtered(&mut self) -> Option<&mut dyn Filtered> {
        Some(self)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
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
                    age(now, &r.occurred_at),
                    state,
                ];
                (cells, if marked { t.marked() } else { Style::default() })
            });
        }
        self.render_detail(frame, detail_area, ctx);
    }
}

impl UnresolvedTab {
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
                        .as_deref()
                        .and_then(format::parse_time)
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
                    queued = age(ctx.now, &row.queued_at)
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
