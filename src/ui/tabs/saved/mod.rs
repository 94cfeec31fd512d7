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
    Builder, LINE_BYTES, SavedAsk, SavedData, SavedIndex, SavedQuery, SavedView, Source, Views,
    Words,
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

/// Above the inline size the tab holds a window of this many screens of
/// lines around the one it shows, and asks the reader for another once
/// the screen comes within a screen of its edge.
const WINDOW_SCREENS: usize = 5;

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
    /// Above the inline size: the lines around the screen, as the reader
    /// last sent them, and the last window asked for.
    window: SavedView,
    asked: Option<SavedAsk>,
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
            window: SavedView::default(),
            asked: None,
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
        let view = views.window(&SavedAsk::default(), &words());
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
        self.window = SavedView::default();
        self.asked = None;
        // Until an answer comes, a big tab draws its old count blank.
        if self.inline() || !self.show(data.view) {
            self.requery();
        }
    }

    /// Whether the tab works its views out itself (few lines) rather
    /// than asking the reader for windows of them.
    fn inline(&self) -> bool {
        self.views.index().len() <= self.inline_lines
    }

    /// Shows a window of the reader's if it answers the current query on
    /// the lines held (an older one is dropped: a newer answer is on its
    /// way). The answer to a new query places the cursor; one to a scroll
    /// leaves it where the keys have taken it since.
    pub fn show(&mut self, v: SavedView) -> bool {
        if v.generation != self.generation || v.index != self.views.index().id() || self.inline() {
            return false;
        }
        let cursor = self.working.then_some(v.cursor);
        self.view.set_counted(v.total, cursor);
        self.window = v;
        self.working = false;
        true
    }

    /// The filter or the sort changed: works the view out here for a few
    /// lines, else asks the reader for a window of it around the cursor,
    /// kept on the same line if it still shows.
    fn requery(&mut self) {
        self.generation += 1;
        let query = self.query();
        if self.inline() {
            let lines = self.views.all(&query, &words());
            self.view.set_visible(lines);
            self.working = false;
        } else {
            self.working = true;
            let id = self.views.index().id();
            let keep = self
                .view
                .selected()
                .and_then(|backing| self.line_at(backing))
                .and_then(|line| u32::try_from(line).ok())
                .map(|line| (id, line));
            let at = self.view.cursor();
            self.ask(query, at, keep);
        }
    }

    fn ask(&mut self, query: SavedQuery, at: usize, keep: Option<(u64, u32)>) {
        let ask = SavedAsk {
            query,
            at,
            keep,
            rows: self.view.page().max(1) * WINDOW_SCREENS,
        };
        if self.asked.as_ref() != Some(&ask) {
            self.asked = Some(ask.clone());
            self.asks.push(Load::SavedView(ask));
        }
    }

    /// After a frame: asks for the window around the screen when the one
    /// held ends within a screen of it.
    fn ask_for_window(&mut self) {
        if self.inline() || self.working || self.view.is_empty() {
            return;
        }
        let page = self.view.page().max(1);
        let screen = self.view.window(page);
        let near = screen.start.saturating_sub(page)..(screen.end + page).min(self.view.len());
        if self.window.holds(near) {
            return;
        }
        self.ask(self.query(), screen.start + page / 2, None);
    }

    /// The query the tab shows or awaits.
    fn query(&self) -> SavedQuery {
        SavedQuery {
            generation: self.generation,
            filter: self.view.filter.clone(),
            sort: self.sort,
        }
    }

    /// The line of one of the view's backing indices: the line itself
    /// when the view is worked out here, else a position, whose line the
    /// window may hold.
    fn line_at(&self, backing: usize) -> Option<usize> {
        line_of(self.inline(), &self.window, backing)
    }

    /// The reader is working out the current query.
    pub fn working(&self) -> bool {
        self.working
    }

    /// The lines of the index, the bytes it takes, and how many line
    /// numbers of the view the tab holds (every one when inline).
    pub fn held(&self) -> (usize, usize, usize) {
        let index = self.views.index();
        let view = if self.inline() {
            self.view.len()
        } else {
            self.window.lines.len()
        };
        (index.len(), index.bytes(), view)
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

/// See [`SavedTab::line_at`] (apart, for the frame, which borrows the
/// tab's view meanwhile).
fn line_of(inline: bool, window: &SavedView, backing: usize) -> Option<usize> {
    if inline {
        Some(backing)
    } else {
        window.line_at(backing)
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
            Action::Details => match self
                .view
                .selected()
                .and_then(|backing| self.line_at(backing))
                .and_then(|i| self.details(i))
            {
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
        let (index, window, inline) = (self.views.index(), &self.window, self.inline());
        table::render(frame, body, &mut self.view, header, &widths, t, |backing| {
            // A line the window does not hold yet is drawn blank for the
            // frame or two until the reader's answer comes.
            let cells = line_of(inline, window, backing)
                .and_then(|i| index.line(i))
                .map_or_else(|| vec![String::new(); COLUMNS.len()], |l| cells(&l));
            (cells, Style::default())
        });
        self.ask_for_window();
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

    /// The names on the tab's positions, as far as it holds them.
    fn names(tab: &SavedTab) -> Vec<&str> {
        (0..tab.view.len())
            .filter_map(|pos| tab.view.at(pos))
            .filter_map(|backing| tab.line_at(backing))
            .map(|i| tab.views.index().line(i).unwrap().name)
            .collect()
    }

    /// A tab that asks the reader above two lines, its screen `page`
    /// lines high, loaded with `names`.
    fn big_tab(names: &[&str], page: usize) -> SavedTab {
        let mut tab = SavedTab {
            inline_lines: 2,
            ..SavedTab::default()
        };
        tab.view.set_page(page);
        tab.load(SavedData::from_rows(rows(names)));
        tab
    }

    fn asked(tab: &mut SavedTab) -> Vec<SavedAsk> {
        tab.take_asks()
            .into_iter()
            .map(|l| match l {
                Load::SavedView(ask) => ask,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    /// Above the inline size a filter is asked of the reader: the lines
    /// on screen stay until the answer to the newest query comes, and an
    /// answer to an older one, or on older lines, is dropped.
    #[test]
    fn a_big_tab_asks_the_reader_and_shows_only_the_newest_answer() {
        let mut tab = big_tab(&["Contoso", "Fabrikam", "Northwind"], 10);
        assert_eq!(names(&tab), ["Contoso", "Fabrikam", "Northwind"]);
        assert!(tab.take_asks().is_empty());

        tab.view.filter = "fab".into();
        tab.refilter();
        tab.view.filter = "north".into();
        tab.refilter();
        let [older, newest] = asked(&mut tab).try_into().unwrap();
        assert!(tab.working());
        assert_eq!(names(&tab).len(), 3, "the old view stays meanwhile");

        // The reader's side: the same lines, its own views.
        let mut reader = Views::new(Arc::clone(tab.views.index()));
        assert!(!tab.show(reader.window(&older, &words())));
        assert!(tab.working());
        let other = Views::new(Arc::new(SavedIndex::from_rows(rows(&["Northwind"]))))
            .window(&newest, &words());
        assert!(!tab.show(other), "a view of other lines");
        assert!(tab.show(reader.window(&newest, &words())));
        assert!(!tab.working());
        assert_eq!(names(&tab), ["Northwind"]);
    }

    /// At a million lines the tab holds a window of the view around the
    /// screen, never the whole order: scrolling near its edge asks for
    /// the next one, and a new filter keeps the cursor on its line.
    #[test]
    fn a_big_tab_holds_a_window_and_asks_for_the_next_as_it_scrolls() {
        let all: Vec<String> = (0..2_000).map(|i| format!("Item {i:04}")).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut tab = big_tab(&all, 20);
        let mut reader = Views::new(Arc::clone(tab.views.index()));
        let (_, _, held) = tab.held();
        assert!(held < all.len(), "{held} line numbers held");
        assert_eq!(tab.view.len(), all.len());

        // Scrolled far past the window: its lines are not held yet, and
        // the frame asks for the window around the screen.
        tab.view.move_by(1_500);
        assert_eq!(tab.line_at(tab.view.cursor()), None);
        tab.ask_for_window();
        let [ask] = asked(&mut tab).try_into().unwrap();
        assert!(!tab.working(), "a scroll is no new query");
        tab.ask_for_window();
        assert!(tab.take_asks().is_empty(), "asked once");
        assert!(tab.show(reader.window(&ask, &words())));
        assert_eq!(tab.view.cursor(), 1_500, "the answer leaves the cursor");
        let line = tab.line_at(1_500).unwrap();
        assert_eq!(tab.views.index().line(line).unwrap().name, "Item 1500");
        tab.ask_for_window();
        assert!(tab.take_asks().is_empty(), "the screen is well inside");

        // A filter that keeps the line: the cursor stays on it.
        tab.view.filter = "item 1".into();
        tab.refilter();
        let [ask] = asked(&mut tab).try_into().unwrap();
        assert!(tab.show(reader.window(&ask, &words())));
        let at = tab.line_at(tab.view.cursor()).unwrap();
        assert_eq!(tab.views.index().line(at).unwrap().name, "Item 1500");
        assert_eq!(tab.view.len(), 1_000);
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
