//! A virtualised table: the rows live in the tab's own Vec; this keeps the
//! filter (indices of matching rows), the cursor and the scroll offset, and
//! builds cells only for the slice on screen, so 100k rows cost what a
//! screenful costs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Row, Table};

use super::theme::Theme;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableView {
    /// Indices into the backing rows that pass the filter, in order.
    visible: Vec<usize>,
    /// Position of the cursor within `visible`.
    cursor: usize,
    /// First visible position drawn.
    offset: usize,
    /// Rows that fit, as of the last render (for paging).
    page: usize,
    pub filter: String,
}

impl TableView {
    /// Re-applies the text filter to `len` rows; `text(i)` is row i's
    /// searchable text.
    pub fn refilter(&mut self, len: usize, text: impl Fn(usize) -> String) {
        let needle = self.filter.to_lowercase();
        self.refilter_by(len, |i| {
            needle.is_empty() || text(i).to_lowercase().contains(&needle)
        });
    }

    /// Keeps the rows `keep` accepts, and the cursor on the same backing
    /// row if it is still there.
    pub fn refilter_by(&mut self, len: usize, keep: impl Fn(usize) -> bool) {
        let kept = self.selected();
        self.visible = (0..len).filter(|&i| keep(i)).collect();
        self.cursor = kept
            .and_then(|k| self.visible.iter().position(|&i| i == k))
            .unwrap_or(0)
            .min(self.visible.len().saturating_sub(1));
        self.clamp_offset();
    }

    pub fn len(&self) -> usize {
        self.visible.len()
    }

    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    /// The backing index under the cursor.
    pub fn selected(&self) -> Option<usize> {
        self.visible.get(self.cursor).copied()
    }

    /// Backing indices that pass the filter.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Moves the cursor by `delta` rows, clamped to the list.
    pub fn move_by(&mut self, delta: isize) {
        let max = self.visible.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, max.max(0)) as usize;
        self.clamp_offset();
    }

    pub fn page_by(&mut self, pages: isize) {
        self.move_by(pages * self.page.max(1) as isize);
    }

    pub fn top(&mut self) {
        self.move_by(-(self.visible.len() as isize));
    }

    pub fn bottom(&mut self) {
        self.move_by(self.visible.len() as isize);
    }

    /// Sets the viewport height and scrolls just enough to show the cursor.
    pub fn set_page(&mut self, rows: usize) {
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

/// Draws the visible slice of a table. `row(i, selected)` builds the row
/// of backing index `i`; it is called only for rows on screen.
pub fn render<'a>(
    frame: &mut Frame,
    area: Rect,
    view: &mut TableView,
    header: Row<'a>,
    widths: &[Constraint],
    theme: Theme,
    mut row: impl FnMut(usize) -> Row<'a>,
) {
    let body = area.height.saturating_sub(1) as usize;
    view.set_page(body);
    let cursor = view.cursor();
    let rows: Vec<Row> = view
        .window(body)
        .map(|pos| {
            let r = row(view.visible[pos]);
            if pos == cursor {
                r.style(theme.selected())
            } else {
                r
            }
        })
        .collect();
    let table = Table::new(rows, widths.to_vec())
        .header(header.style(theme.title()))
        .column_spacing(1);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(len: usize, page: usize) -> TableView {
        let mut v = TableView::default();
        v.refilter(len, |i| format!("row {i}"));
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
        v.refilter(1000, |i| format!("row {i}"));
        // row 50, 500..=509
        assert_eq!(v.len(), 11);
        assert_eq!(v.selected(), Some(500));
        assert!(v.offset() <= v.cursor());
        v.filter = "nothing".into();
        v.refilter(1000, |i| format!("row {i}"));
        assert_eq!((v.len(), v.selected(), v.offset()), (0, None, 0));
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
