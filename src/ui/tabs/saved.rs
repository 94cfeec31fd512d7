//! Saved: what the sync brought into each seat holder's workspace, the
//! saved accounts and leads with the opportunity (stage, owner) that brought
//! each in, and the seat holder's own saves marked as such. Filterable and
//! sortable like the other tables.

use std::collections::HashSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::store::saved::{ItemKind, WorkspaceRow};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::popups::Popup;
use crate::ui::popups::detail::DetailPopup;
use crate::ui::table::{self, Filtered, Sort, TableView, collate};

/// The columns `o` sorts by, in turn (all of them, in screen order).
const COLUMNS: [&str; 7] = [
    "col-seat-holder",
    "col-item",
    "col-name",
    "col-brought-in-by",
    "col-stage",
    "col-owner",
    "col-saved",
];

/// Distinct items, taken at load so a frame stays O(screen).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    accounts: usize,
    leads: usize,
    manual: usize,
}

#[derive(Debug, Default)]
pub struct SavedTab {
    rows: Vec<WorkspaceRow>,
    haystacks: Vec<String>,
    counts: Counts,
    pub view: TableView,
    pub sort: Sort,
}

fn kind_word(k: ItemKind) -> String {
    crate::t!(match k {
        ItemKind::Account => "item-account",
        ItemKind::Contact => "item-lead",
    })
}

/// How the item got into the list: by the sync, by hand, or both.
fn source(r: &WorkspaceRow) -> String {
    crate::t!(match (r.from_crm, r.manual) {
        (true, true) => "saved-crm-and-hand",
        (true, false) => "saved-crm",
        _ => "saved-by-hand",
    })
}

/// The item's name; a purge empties the CRM copy, which is said so.
fn name(r: &WorkspaceRow) -> String {
    let n = if r.name.is_empty() {
        crate::t!("not-in-crm-copy")
    } else {
        r.name.clone()
    };
    match &r.company {
        Some(c) => format!("{n}, {c}"),
        None => n,
    }
}

impl SavedTab {
    pub fn load(&mut self, rows: Vec<WorkspaceRow>) {
        self.haystacks = rows
            .iter()
            .map(|r| {
                let (kind, source) = (kind_word(r.kind), source(r));
                table::haystack([
                    r.seat_holder.as_str(),
                    &kind,
                    r.name.as_str(),
                    r.company.as_deref().unwrap_or(""),
                    r.opportunity.as_deref().unwrap_or(""),
                    r.stage.as_deref().unwrap_or(""),
                    r.owner.as_deref().unwrap_or(""),
                    &source,
                ])
            })
            .collect();
        let mut seen = HashSet::new();
        let mut counts = Counts::default();
        for r in &rows {
            if seen.insert((r.seat_id, r.kind, r.item_id.as_str())) {
                match r.kind {
                    ItemKind::Account => counts.accounts += 1,
                    ItemKind::Contact => counts.leads += 1,
                }
                counts.manual += usize::from(r.manual);
            }
        }
        self.counts = counts;
        self.rows = rows;
        self.resort();
    }

    fn resort(&mut self) {
        let keys: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let text = |s: Option<&str>| s.map_or_else(String::new, collate);
                let key = match self.sort.column {
                    0 => collate(&r.seat_holder),
                    1 => kind_word(r.kind).to_string(),
                    2 => collate(&r.name),
                    3 => text(r.opportunity.as_deref()),
                    4 => text(r.stage.as_deref()),
                    5 => text(r.owner.as_deref()),
                    _ => source(r).to_string(),
                };
                format!(
                    "{key}\u{1}{}\u{1}{}",
                    collate(&r.seat_holder),
                    collate(&r.name)
                )
            })
            .collect();
        self.view.set_order(self.sort.order(&keys));
        self.view.refilter(&self.haystacks);
    }
}

impl SavedTab {
    /// Every column of row `i` whole, one per line.
    fn details(&self, i: usize) -> DetailPopup {
        let r = &self.rows[i];
        let cells = cells(r);
        let text: Vec<String> = COLUMNS
            .iter()
            .zip(cells)
            .map(|(id, value)| format!("{}: {value}", crate::i18n::text(id, &[])))
            .collect();
        DetailPopup::new(name(r), text.join("\n"))
    }
}

/// A row's cells, in `COLUMNS` order.
fn cells(r: &WorkspaceRow) -> Vec<String> {
    vec![
        r.seat_holder.clone(),
        kind_word(r.kind),
        name(r),
        r.opportunity.clone().unwrap_or_else(|| "—".into()),
        r.stage.clone().unwrap_or_default(),
        r.owner.clone().unwrap_or_default(),
        source(r),
    ]
}

impl Filtered for SavedTab {
    fn view(&mut self) -> &mut TableView {
        &mut self.view
    }

    fn refilter(&mut self) {
        self.view.refilter(&self.haystacks);
    }
}

impl Component for SavedTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Saved)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            action if self.view.navigate(action) => {}
            action if self.sort.update(action, COLUMNS.len()) => self.resort(),
            Action::Details => match self.view.selected() {
                Some(i) => fx.open(Popup::Detail(self.details(i))),
                None => fx.flash(false, crate::t!("saved-nothing-selected")),
            },
            _ => {}
        }
    }

    fn filtered(&mut self) -> Option<&mut dyn Filtered> {
        Some(self)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let c = self.counts;
        let mut spans = vec![
            Span::styled(format!("{} ", Tab::Saved.title()), t.title()),
            Span::raw(crate::t!(
                "saved-counts",
                accounts = c.accounts,
                leads = c.leads,
                manual = c.manual
            )),
        ];
        if !self.view.filter.is_empty() {
            spans.push(Span::raw(format!(
                " · {}",
                crate::t!(
                    "filter-shown",
                    filter = self.view.filter.clone(),
                    count = self.view.len()
                )
            )));
        }
        frame.render_widget(
            Paragraph::new(table::fit_line(spans, top.width as usize)),
            top,
        );
        if self.rows.is_empty() {
            frame.render_widget(
                Paragraph::new(crate::t!("saved-empty"))
                    .wrap(ratatui::widgets::Wrap { trim: false }),
                body,
            );
            return;
        }
        let header: Vec<String> = (0..COLUMNS.len())
            .map(|c| self.sort.title(c, &crate::i18n::text(COLUMNS[c], &[])))
            .collect();
        let widths = [
            Constraint::Fill(2),
            // As wide as the longer kind word in this language.
            Constraint::Length(
                [ItemKind::Account, ItemKind::Contact]
                    .map(|k| kind_word(k).chars().count())
                    .into_iter()
                    .max()
                    .unwrap_or(0)
                    .max(7) as u16,
            ),
            Constraint::Fill(4),
            Constraint::Fill(3),
            Constraint::Length(9),
            Constraint::Fill(2),
            Constraint::Length(8),
        ];
        let rows = &self.rows;
        table::render(frame, body, &mut self.view, header, &widths, t, |i| {
            (cells(&rows[i]), Style::default())
        });
    }
}
