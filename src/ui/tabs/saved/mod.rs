//! Saved: what the sync brought into each seat holder's workspace, the
//! saved accounts and leads with the opportunity (stage, owner) that brought
//! each in, and the seat holder's own saves marked as such. Filterable and
//! sortable like the other tables.

mod index;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

pub use index::{
    Builder, LINE_BYTES, SavedData, SavedIndex, SavedQuery, SavedView, Source, Views, Words,
};

use crate::store::saved::ItemKind;
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, ViewCtx};
use crate::ui::keymap::Context;
use crate::ui::loader::Load;
use crate::ui::popups::Popup;
use crate::ui::popups::detail::DetailPopup;
use crate::ui::table::{self, Filtered, Sort, TableView};
use index::LineText;

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

/// Up to this many lines the tab works out a filter or a sort itself, at
/// once; above it the console's reader thread does, so a keystroke never
/// waits for a scan of a million lines.
const INLINE_LINES: usize = 20_000;

#[derive(Debug)]
pub struct SavedTab {
    views: Views,
    pub view: TableView,
    pub sort: Sort,
    /// The number of the query (filter and sort) the tab shows or awaits.
    generation: u64,
    /// The reader is working out the current query; the lines on screen
    /// are the last one's.
    working: bool,
    /// The lines were read once (at a million lines that takes seconds,
    /// which the tab says rather than "nothing saved").
    loaded: bool,
    inline_lines: usize,
    /// Reads to ask of the reader, taken by the app.
    asks: Vec<Load>,
}

impl Default for SavedTab {
    fn default() -> Self {
        Self {
            views: Views::default(),
            view: TableView::default(),
            sort: Sort::default(),
            generation: 0,
            working: false,
            loaded: false,
            inline_lines: INLINE_LINES,
            asks: Vec::new(),
        }
    }
}

fn kind_word(k: ItemKind) -> String {
    crate::t!(match k {
        ItemKind::Account => "item-account",
        ItemKind::Contact => "item-lead",
    })
}

/// How the item got into the list: by the sync, by hand, or both.
fn source_word(s: Source) -> String {
    crate::t!(match s {
        Source::CrmAndHand => "saved-crm-and-hand",
        Source::Crm => "saved-crm",
        Source::Hand => "saved-by-hand",
    })
}

/// The kinds' and sources' words in the console's language, which the
/// filter finds and the sort orders by (the reader thread asks too).
pub(crate) fn words() -> Words {
    Words {
        account: kind_word(ItemKind::Account),
        lead: kind_word(ItemKind::Contact),
        sources: Source::ALL.map(source_word),
    }
}

/// The item's name; a purge empties the CRM copy, which is said so.
fn name(l: &LineText) -> String {
    let n = if l.name.is_empty() {
        crate::t!("not-in-crm-copy")
    } else {
        l.name.to_string()
    };
    match l.company {
        Some(c) => format!("{n}, {c}"),
        None => n,
    }
}

impl SavedData {
    /// The lines of `rows` and their view, as the reader answers before
    /// any query.
    #[cfg(any(test, feature = "testkit"))]
    pub fn from_rows(rows: Vec<crate::store::saved::WorkspaceRow>) -> Self {
        let mut views = Views::new(std::sync::Arc::new(SavedIndex::from_rows(rows)));
        let view = views.view(&SavedQuery::default(), &words());
        Self {
            index: std::sync::Arc::clone(views.index()),
            view,
        }
    }
}

impl SavedTab {
    /// New lines from the store, with the view the reader worked out for
    /// the last query it knew; another query is worked out anew.
    pub fn load(&mut self, data: SavedData) {
        self.views = Views::new(data.index);
        self.loaded = true;
        if !self.show(data.view) {
            self.view.set_visible(Vec::new());
            self.requery();
        }
    }

    /// Shows a view if it answers the current query on the lines held
    /// (an older one is dropped: a newer answer is on its way).
    pub fn show(&mut self, v: SavedView) -> bool {
        if v.generation != self.generation || v.index != self.views.index().id() {
            return false;
        }
        self.view.set_visible(v.lines);
        self.working = false;
        true
    }

    /// The filter or the sort changed: works the view out here for a few
    /// lines, else asks the reader.
    fn requery(&mut self) {
        self.generation += 1;
        let q = SavedQuery {
            generation: self.generation,
            filter: self.view.filter.clone(),
            sort: self.sort,
        };
        if self.views.index().len() <= self.inline_lines {
            let v = self.views.view(&q, &words());
            self.show(v);
        } else {
            self.working = true;
            self.asks.push(Load::SavedView(q));
        }
    }

    /// The reader is working out the current query.
    pub fn working(&self) -> bool {
        self.working
    }

    /// The lines held, and the bytes they take.
    pub(crate) fn held(&self) -> (usize, usize) {
        let index = self.views.index();
        (index.len(), index.bytes())
    }

    /// What the tab needs read, for the app to ask.
    pub fn take_asks(&mut self) -> Vec<Load> {
        std::mem::take(&mut self.asks)
    }

    /// Every column of line `i` whole, one per line.
    fn details(&self, i: usize) -> Option<DetailPopup> {
        let l = self.views.index().line(i)?;
        let text: Vec<String> = COLUMNS
            .iter()
            .zip(cells(&l))
            .map(|(id, value)| format!("{}: {value}", crate::i18n::text(id, &[])))
            .collect();
        Some(DetailPopup::new(name(&l), text.join("\n")))
    }
}

/// A line's cells, in `COLUMNS` order.
fn cells(l: &LineText) -> Vec<String> {
    vec![
        l.seat_holder.to_string(),
        kind_word(l.kind),
        name(l),
        l.opportunity.unwrap_or("—").to_string(),
        l.stage.unwrap_or_default().to_string(),
        l.owner.unwrap_or_default().to_string(),
        source_word(l.source),
    ]
}

impl Filtered for SavedTab {
    fn view(&mut self) -> &mut TableView {
        &mut self.view
    }

    fn refilter(&mut self) {
        self.requery();
    }
}

impl Component for SavedTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Saved)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            action if self.view.navigate(action) => {}
            action if self.sort.update(action, COLUMNS.len()) => self.requery(),
            Action::Details => match self.view.selected().and_then(|i| self.details(i)) {
                Some(p) => fx.open(Popup::Detail(p)),
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
        let c = self.views.index().counts();
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
        if self.working {
            spans.push(Span::raw(format!(" · {}", crate::t!("saved-working"))));
        }
        frame.render_widget(
            Paragraph::new(table::fit_line(spans, top.width as usize)),
            top,
        );
        if self.views.index().is_empty() {
            let text = if self.loaded {
                crate::t!("saved-empty")
            } else {
                crate::t!("saved-reading")
            };
            frame.render_widget(
                Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: false }),
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
        let index = self.views.index();
        table::render(frame, body, &mut self.view, header, &widths, t, |i| {
            (
                index.line(i).map(|l| cells(&l)).unwrap_or_default(),
                Style::default(),
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::index::tests::row;
    use super::*;
    use crate::store::saved::WorkspaceRow;

    fn rows(names: &[&str]) -> Vec<WorkspaceRow> {
        names
            .iter()
            .enumerate()
            .map(|(i, name)| row(1, "Ana Pérez", ItemKind::Account, &format!("a{i}"), name))
            .collect()
    }

    fn names(tab: &SavedTab) -> Vec<&str> {
        tab.view
            .visible()
            .iter()
            .map(|&i| tab.views.index().line(i).unwrap().name)
            .collect()
    }

    /// Above the inline size a filter is asked of the reader: the lines
    /// on screen stay until the answer to the newest query comes, and an
    /// answer to an older one, or on older lines, is dropped.
    #[test]
    fn a_big_tab_asks_the_reader_and_shows_only_the_newest_answer() {
        let mut tab = SavedTab {
            inline_lines: 2,
            ..SavedTab::default()
        };
        tab.load(SavedData::from_rows(rows(&[
            "Contoso",
            "Fabrikam",
            "Northwind",
        ])));
        assert_eq!(names(&tab), ["Contoso", "Fabrikam", "Northwind"]);
        assert!(tab.take_asks().is_empty());

        tab.view.filter = "fab".into();
        tab.refilter();
        tab.view.filter = "north".into();
        tab.refilter();
        let asks = tab.take_asks();
        let [Load::SavedView(older), Load::SavedView(newest)] = asks.as_slice() else {
            panic!("{asks:?}");
        };
        assert!(tab.working());
        assert_eq!(names(&tab).len(), 3, "the old view stays meanwhile");

        // The reader's side: the same lines, its own views.
        let mut reader = Views::new(Arc::clone(tab.views.index()));
        assert!(!tab.show(reader.view(older, &words())));
        assert!(tab.working());
        let other = Views::new(Arc::new(SavedIndex::from_rows(rows(&["Northwind"]))))
            .view(newest, &words());
        assert!(!tab.show(other), "a view of other lines");
        assert!(tab.show(reader.view(newest, &words())));
        assert!(!tab.working());
        assert_eq!(names(&tab), ["Northwind"]);
    }

    #[test]
    fn new_lines_for_another_query_are_worked_out_again() {
        let mut tab = SavedTab::default();
        tab.load(SavedData::from_rows(rows(&["Contoso", "Fabrikam"])));
        tab.view.filter = "fab".into();
        tab.refilter();
        assert_eq!(names(&tab), ["Fabrikam"]);
        // The reader answered the query before the filter (generation 0).
        tab.load(SavedData::from_rows(rows(&[
            "Fabrikam Ltd",
            "Contoso",
            "Fabrikam",
        ])));
        assert_eq!(names(&tab), ["Fabrikam", "Fabrikam Ltd"]);
    }
}
