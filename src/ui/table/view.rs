//! The cursor, the scroll offset and the filter of a table: indices into
//! the tab's rows, never the rows themselves.

use super::fold;
use crate::ui::action::Action;

/// A tab whose table the filter line narrows: the app edits the filter
/// text in the view and asks for `refilter`, the tab knows what its rows
/// match on (and any criterion of its own, such as a log level).
pub trait Filtered {
    fn view(&mut self) -> &mut TableView;
    fn refilter(&mut self);
}

/// The rows a view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rows {
    /// Indices into the backing rows that pass the filter, in order.
    Listed(Vec<usize>),
    /// Only counted: another thread keeps which rows show and in which
    /// order (the Saved tab at a million lines), and the "backing index"
    /// of a position is the position itself.
    Counted(usize),
}

impl Default for Rows {
    fn default() -> Self {
        Self::Listed(Vec::new())
    }
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Self::Listed(v) => v.len(),
            Self::Counted(n) => *n,
        }
    }

    fn get(&self, pos: usize) -> Option<usize> {
        match self {
            Self::Listed(v) => v.get(pos).copied(),
            Self::Counted(n) => (pos < *n).then_some(pos),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableView {
    /// Backing indices in display order (empty: the backing order).
    order: Vec<usize>,
    visible: Rows,
    /// Position of the cursor within `visible`.
    cursor: usize,
    /// First visible position drawn.
    offset: usize,
    /// Rows that fit, as of the last render (for paging).
    page: usize,
    pub filter: String,
}

impl TableView {
    /// Re-applies the text filter; `haystacks[i]` is row i's searchable
    /// text, folded once when the rows were loaded (see [`haystack`]),
    /// so a keystroke in the filter allocates nothing per row.
    pub(crate) fn refilter(&mut self, haystacks: &[String]) {
        let needle = fold(&self.filter);
        self.refilter_by(haystacks.len(), |i| {
            needle.is_empty() || haystacks[i].contains(&needle)
        });
    }

    /// Keeps the rows `keep` accepts, and the cursor on the same backing
    /// row if it is still there, else at the same height (a row that left
    /// from under the cursor leaves it on its neighbour, not at the top).
    pub(crate) fn refilter_by(&mut self, len: usize, keep: impl Fn(usize) -> bool) {
        let visible = if self.order.len() == len {
            self.order.iter().copied().filter(|&i| keep(i)).collect()
        } else {
            (0..len).filter(|&i| keep(i)).collect()
        };
        self.set_visible(visible);
    }

    /// Shows these backing rows, in this order, worked out elsewhere (a
    /// table whose filter and sort run off the UI thread); the cursor
    /// stays as [`Self::refilter_by`] keeps it.
    pub(crate) fn set_visible(&mut self, visible: Vec<usize>) {
        let kept = self.selected();
        let cursor = kept.and_then(|k| visible.iter().position(|&i| i == k));
        self.visible = Rows::Listed(visible);
        self.put_cursor(cursor);
    }

    /// Shows `len` rows that another thread keeps (see [`Rows::Counted`]),
    /// the cursor at `cursor` if given, else where it was.
    pub(crate) fn set_counted(&mut self, len: usize, cursor: Option<usize>) {
        self.visible = Rows::Counted(len);
        self.put_cursor(cursor);
    }

    fn put_cursor(&mut self, cursor: Option<usize>) {
        self.cursor = cursor
            .unwrap_or(self.cursor)
            .min(self.visible.len().saturating_sub(1));
        self.clamp_offset();
    }

    /// Shows the rows in this order (backing indices, each once); the
    /// next refilter applies it.
    pub(crate) fn set_order(&mut self, order: Vec<usize>) {
        self.order = order;
    }

    /// Puts the cursor on backing row `backing` if it is visible; for
    /// tables reloaded from the store, whose backing indices shift when a
    /// row leaves.
    pub fn select(&mut self, backing: usize) -> bool {
        let pos = match &self.visible {
            Rows::Listed(v) => v.iter().position(|&i| i == backing),
            Rows::Counted(n) => (backing < *n).then_some(backing),
        };
        match pos {
            Some(pos) => {
                self.cursor = pos;
                self.clamp_offset();
                true
            }
            None => false,
        }
    }

    pub fn len(&self) -> usize {
        self.visible.len()
    }

    pub fn is_empty(&self) -> bool {
        self.visible.len() == 0
    }

    /// The backing index under the cursor.
    pub fn selected(&self) -> Option<usize> {
        self.visible.get(self.cursor)
    }

    /// The backing index at position `pos`.
    pub(crate) fn at(&self, pos: usize) -> Option<usize> {
        self.visible.get(pos)
    }

    /// Backing indices that pass the filter, when listed here; a counted
    /// view (whose rows another thread keeps) lists none.
    pub(crate) fn visible(&self) -> &[usize] {
        match &self.visible {
            Rows::Listed(v) => v,
            Rows::Counted(_) => &[],
        }
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    #[cfg(test)]
    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// Moves the cursor by `delta` rows, clamped to the list.
    pub(crate) fn move_by(&mut self, delta: isize) {
        let max = self.visible.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, max.max(0)) as usize;
        self.clamp_offset();
    }

    /// Rows that fit, as of the last render.
    pub(crate) fn page(&self) -> usize {
        self.page
    }

    pub(crate) fn page_by(&mut self, pages: isize) {
        self.move_by(pages * self.page.max(1) as isize);
    }

    pub fn top(&mut self) {
        self.move_by(-(self.visible.len() as isize));
    }

    pub(crate) fn bottom(&mut self) {
        self.move_by(self.visible.len() as isize);
    }

    /// Applies a cursor-movement action and says whether it was one, so
    /// every list in the console moves with the same keys and a component
    /// only matches the actions that are its own.
    pub(crate) fn navigate(&mut self, action: Action) -> bool {
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.page_by(-1),
            Action::PageDown => self.page_by(1),
            Action::Top => self.top(),
            Action::Bottom => self.bottom(),
            _ => return false,
        }
        true
    }

    /// Sets the viewport height and scrolls just enough to show the cursor.
    pub(crate) fn set_page(&mut self, rows: usize) {
        self.page = rows;
        self.clamp_offset();
    }

    fn clamp_offset(&mut self) {
        let page = self.page.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page {
            self.offset = self.cursor + 1 - page;
        }
        let max_offset = self.visible.len().saturating_sub(page);
        self.offset = self.offset.min(max_offset);
    }

    /// The positions (into `visible`) drawn in a viewport of `rows`.
    pub fn window(&self, rows: usize) -> std::ops::Range<usize> {
        let end = (self.offset + rows).min(self.visible.len());
        self.offset.min(end)..end
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::ui::table::haystack;

    fn rows(len: usize) -> Vec<String> {
        (0..len)
            .map(|i| haystack([format!("Row {i}").as_str()]))
            .collect()
    }

    /// A view of `len` rows, `page` of them on screen (the sort's tests
    /// use it too).
    pub(in crate::ui::table) fn view(len: usize, page: usize) -> TableView {
        let mut v = TableView::default();
        v.refilter(&rows(len));
        v.set_page(page);
        v
    }

    #[test]
    fn scrolling_down_keeps_cursor_on_the_last_visible_row() {
        let mut v = view(100, 10);
        v.move_by(9);
        assert_eq!((v.cursor(), v.offset()), (9, 0));
        v.move_by(1);
        assert_eq!((v.cursor(), v.offset()), (10, 1));
        assert_eq!(v.window(10), 1..11);
    }

    #[test]
    fn paging_and_ends_clamp() {
        let mut v = view(25, 10);
        v.page_by(1);
        assert_eq!(v.cursor(), 10);
        v.page_by(5);
        assert_eq!((v.cursor(), v.offset()), (24, 15));
        v.top();
        assert_eq!((v.cursor(), v.offset()), (0, 0));
        v.move_by(-3);
        assert_eq!(v.cursor(), 0);
        v.bottom();
        assert_eq!(v.window(10), 15..25);
    }

    #[test]
    fn window_is_short_when_rows_are_few() {
        let v = view(3, 10);
        assert_eq!(v.window(10), 0..3);
        let empty = view(0, 10);
        assert_eq!(empty.window(10), 0..0);
        assert_eq!(empty.selected(), None);
    }

    #[test]
    fn filter_keeps_cursor_on_the_same_row_and_shrinks_offset() {
        let mut v = view(1000, 10);
        v.move_by(500);
        assert_eq!(v.selected(), Some(500));
        v.filter = "row 50".into();
        v.refilter(&rows(1000));
        // row 50, 500..=509
        assert_eq!(v.len(), 11);
        assert_eq!(v.selected(), Some(500));
        assert!(v.offset() <= v.cursor());
        v.filter = "nothing".into();
        v.refilter(&rows(1000));
        assert_eq!((v.len(), v.selected(), v.offset()), (0, None, 0));
    }

    #[test]
    fn filters_fold_accents_and_case() {
        let rows = [haystack(["Ana Brandão", "Itaú Energia"])];
        let mut v = TableView::default();
        for needle in ["brandao", "ITAU", "Brandão"] {
            v.filter = needle.into();
            v.refilter(&rows);
            assert_eq!(v.len(), 1, "{needle}");
        }
        v.filter = "brandoa".into();
        v.refilter(&rows);
        assert!(v.is_empty());
    }

    #[test]
    fn growing_viewport_pulls_offset_back() {
        let mut v = view(20, 5);
        v.bottom();
        assert_eq!(v.offset(), 15);
        v.set_page(30);
        assert_eq!(v.offset(), 0);
    }
}
