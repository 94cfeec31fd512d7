//! Unresolved: the queue of activities that matched no CRM contact, the
//! selected one's text and ranked candidates, and the three ways to
//! resolve it (candidate, CRM search, create the contact).
//!
//! `actions` holds what the keys ask of the engine (skip, link, search,
//! create), `render` draws the queue, the resolved list and the detail.

mod actions;
mod render;

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::store::unresolved::{QueueRow, ResolvedRow};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::loader::{Detail, Load};
use crate::ui::table::{self, Filtered, Marks, Sort, TableView, collate};

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
    pub(crate) fn action_failed(&mut self) {
        self.pending.clear();
    }

    pub(crate) fn load_detail(&mut self, detail: Detail) {
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
    pub(crate) fn load_resolved(&mut self, rows: Vec<ResolvedRow>) {
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

    /// The activity ids of the marked rows, in store order.
    pub fn marked_ids(&self) -> Vec<i64> {
        self.marks
            .indices()
            .filter_map(|i| self.rows.get(i).map(|r| r.activity_id))
            .collect()
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
        self.draw(frame, area, ctx)
    }
}
