//! A virtualised table: the rows live in the tab's own Vec; this keeps the
//! filter (indices of matching rows), the cursor and the scroll offset, and
//! builds cells only for the slice on screen, so 100k rows cost what a
//! screenful costs.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Row, Table};

use super::action::Action;
use super::theme::Theme;

/// A tab whose table the filter line narrows: the app edits the filter
/// text in the view and asks for `refilter`, the tab knows what its rows
/// match on (and any criterion of its own, such as a log level).
pub trait Filtered {
    fn view(&mut self) -> &mut TableView;
    fn refilter(&mut self);
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableView {
    /// Backing indices in display order (empty: the backing order).
    order: Vec<usize>,
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
    /// Re-applies the text filter; `haystacks[i]` is row i's searchable
    /// text, folded once when the rows were loaded (see [`haystack`]),
    /// so a keystroke in the filter allocates nothing per row.
    pub fn refilter(&mut self, haystacks: &[String]) {
        let needle = fold(&self.filter);
        self.refilter_by(haystacks.len(), |i| {
            needle.is_empty() || haystacks[i].contains(&needle)
        });
    }

    /// Keeps the rows `keep` accepts, and the cursor on the same backing
    /// row if it is still there, else at the same height (a row that left
    /// from under the cursor leaves it on its neighbour, not at the top).
    pub fn refilter_by(&mut self, len: usize, keep: impl Fn(usize) -> bool) {
        let kept = self.selected();
        self.visible = if self.order.len() == len {
            self.order.iter().copied().filter(|&i| keep(i)).collect()
        } else {
            (0..len).filter(|&i| keep(i)).collect()
        };
        self.cursor = kept
            .and_then(|k| self.visible.iter().position(|&i| i == k))
            .unwrap_or(self.cursor)
            .min(self.visible.len().saturating_sub(1));
        self.clamp_offset();
    }

    /// Shows the rows in this order (backing indices, each once); the
    /// next refilter applies it.
    pub fn set_order(&mut self, order: Vec<usize>) {
        self.order = order;
    }

    /// Puts the cursor on backing row `backing` if it is visible; for
    /// tables reloaded from the store, whose backing indices shift when a
    /// row leaves.
    pub fn select(&mut self, backing: usize) -> bool {
        match self.visible.iter().position(|&i| i == backing) {
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

    /// Applies a cursor-movement action and says whether it was one, so
    /// every list in the console moves with the same keys and a component
    /// only matches the actions that are its own.
    pub fn navigate(&mut self, action: Action) -> bool {
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

/// Which column a table is sorted by, and which way (k9s: a key picks
/// the next column, another reverses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sort {
    /// Position in the table's list of sortable columns.
    pub column: usize,
    pub descending: bool,
}

impl Sort {
    /// Applies a sort action; false for any other action.
    pub fn update(&mut self, action: Action, columns: usize) -> bool {
        match action {
            Action::SortNext => {
                self.column = (self.column + 1) % columns.max(1);
                self.descending = false;
            }
            Action::SortReverse => self.descending = !self.descending,
            _ => return false,
        }
        true
    }

    /// The backing order for `keys` (one per row): by key, then by
    /// position, so equal keys keep the store's order.
    pub fn order(&self, keys: &[String]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..keys.len()).collect();
        idx.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
        if self.descending {
            idx.reverse();
        }
        idx
    }

    /// A column title with the sort arrow when it is the sorted one.
    pub fn title(&self, column: usize, title: &str) -> String {
        match (column == self.column, self.descending) {
            (true, false) => format!("{title} ▲"),
            (true, true) => format!("{title} ▼"),
            _ => title.to_string(),
        }
    }
}

/// The sort key of a name: accents folded and case ignored, so "Álvarez"
/// sorts with "alvarez" before "Bruno", as a reader expects, and not by
/// code point (where every accented or lower-case name comes last).
pub fn collate(name: &str) -> String {
    let mut key = deunicode::deunicode(name.trim()).to_lowercase();
    // Equal folded names keep a stable, exact order.
    key.push('\u{0}');
    key.push_str(name);
    key
}

/// Text as the filters compare it: accents folded and case ignored, the
/// way Dataverse's default collation compares text, so `brandao` finds
/// "Ana Brandão" in the console as the CRM search finds it there. Both the
/// rows and the typed filter go through it.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// Where `query` occurs in `text`, compared as [`fold`] compares: the
/// char ranges of `text` to highlight (folding may change a char's
/// length, so each char is folded on its own and mapped back).
pub fn find_ranges(text: &str, query: &str) -> Vec<std::ops::Range<usize>> {
    let needle = fold(query);
    if needle.is_empty() {
        return Vec::new();
    }
    let mut folded = String::new();
    // The char of `text` each byte of `folded` came from.
    let mut from = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let f = fold(c.encode_utf8(&mut [0u8; 4]));
        from.extend(std::iter::repeat_n(i, f.len()));
        folded.push_str(&f);
    }
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let mut at = 0;
    while let Some(pos) = folded[at..].find(&needle) {
        let start = at + pos;
        let end = start + needle.len();
        out.push(from[start]..from[end - 1] + 1);
        at = end;
    }
    out
}

/// A row's searchable text: its fields, folded (see [`fold`]), joined.
pub fn haystack<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for f in fields {
        out.push_str(&fold(f));
        out.push('\u{1f}');
    }
    out
}

/// The mark a cut text ends in.
pub const CUT: char = '…';

fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// `text` as it fits in `width` columns: whole, or cut with "…" in its
/// last column, so a reader always sees that something is missing (a
/// name cut bare reads as another name).
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if Span::raw(text).width() <= width {
        return Cow::Borrowed(text);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    // No word ends in a space before the mark.
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push(CUT);
    Cow::Owned(out)
}

/// How many lines `text` takes wrapped between words into `width`
/// columns (a word longer than the width is broken), as a wrapping
/// paragraph lays it out.
pub fn wrapped_rows(text: &str, width: usize) -> usize {
    wrap(text, width).len()
}

/// `text` wrapped between words into lines of at most `width` columns; a
/// word longer than the width is broken where the width ends.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = Span::raw(word).width();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            if used > 0 {
                line.push(' ');
            }
            line.push_str(word);
            used = need;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let cw = char_width(c);
            if used + cw > width && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    lines.push(line);
    lines
}

/// `text` cut with "…" so that, wrapped into `width` columns, it takes
/// at most `rows` lines.
pub fn fit_wrapped(text: &str, width: usize, rows: usize) -> Cow<'_, str> {
    if wrapped_rows(text, width) <= rows {
        return Cow::Borrowed(text);
    }
    // The longest cut that still fits: fewer columns never take more lines.
    let (mut lo, mut hi) = (0, Span::raw(text).width());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if wrapped_rows(&fit(text, mid), width) <= rows {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Cow::Owned(fit(text, lo).into_owned())
}

/// A line of styled spans cut to `width` the same way: the span where
/// the room ends is cut with "…", the ones after it are left out.
pub fn fit_line(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= width {
        return Line::from(spans);
    }
    let mut out = Vec::new();
    let mut left = width;
    for s in spans {
        let w = s.width();
        if w < left {
            left -= w;
            out.push(s);
        } else {
            let cut = fit(&s.content, left).into_owned();
            let cut = if cut.ends_with(CUT) {
                cut
            } else {
                // The span fits exactly but more follow: mark it.
                fit(&format!("{cut}{CUT}{CUT}"), left).into_owned()
            };
            out.push(Span::styled(cut, s.style));
            break;
        }
    }
    Line::from(out)
}

/// Marked rows by backing index: a flag per row and a count, so marking
/// all of a 100k-row table is one pass of plain writes, not 100k set
/// insertions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    bits: Vec<bool>,
    count: usize,
}

impl Marks {
    /// Clears and resizes for `len` rows.
    pub fn reset(&mut self, len: usize) {
        self.bits.clear();
        self.bits.resize(len, false);
        self.count = 0;
    }

    pub fn toggle(&mut self, i: usize) {
        if let Some(b) = self.bits.get_mut(i) {
            *b = !*b;
            if *b {
                self.count += 1;
            } else {
                self.count -= 1;
            }
        }
    }

    pub fn mark_all(&mut self, rows: &[usize]) {
        // `rows` holds distinct indices below len: as many as len is all.
        if rows.len() == self.bits.len() {
            self.bits.fill(true);
            self.count = self.bits.len();
            return;
        }
        for &i in rows {
            if let Some(b) = self.bits.get_mut(i)
                && !*b
            {
                *b = true;
                self.count += 1;
            }
        }
    }

    pub fn clear(&mut self) {
        let len = self.bits.len();
        self.reset(len);
    }

    pub fn is_marked(&self, i: usize) -> bool {
        self.bits.get(i).copied().unwrap_or(false)
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Marked backing indices, in order.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.then_some(i))
    }

    /// How many marked rows are among `rows` (the filtered view).
    pub fn among(&self, rows: &[usize]) -> usize {
        rows.iter().filter(|&&i| self.is_marked(i)).count()
    }
}

/// How the table lays its columns out: the same for the cut cells and
/// for ratatui, so a cut lands on the column's last cell.
const FLEX: Flex = Flex::Start;
const SPACING: u16 = 1;

/// The width of each column of `widths` in `width` columns.
pub fn column_widths(widths: &[Constraint], width: u16) -> Vec<usize> {
    Layout::horizontal(widths.to_vec())
        .flex(FLEX)
        .spacing(SPACING)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect()
}

/// Cells cut to their columns with [`fit_line`], each line of a cell of
/// several lines on its own.
fn fitted<C: Into<Text<'static>>>(cells: Vec<C>, columns: &[usize]) -> Vec<Text<'static>> {
    cells
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let text: Text<'static> = c.into();
            match columns.get(i) {
                Some(&w) => text
                    .lines
                    .into_iter()
                    .map(|l| fit_line(l.spans, w))
                    .collect::<Vec<_>>()
                    .into(),
                None => text,
            }
        })
        .collect()
}

/// Draws the visible slice of a table. `row(i)` gives the cells (text,
/// styled lines, or a cell of several lines, such as wrapped text) and
/// the style of backing index `i`; it is called only for rows on screen.
/// Every line of every cell, the header's too, is cut to its column with
/// "…". Rows of several lines take their height; the cursor's row stays
/// in view.
pub fn render<C: Into<Text<'static>>>(
    frame: &mut Frame,
    area: Rect,
    view: &mut TableView,
    header: Vec<String>,
    widths: &[Constraint],
    theme: Theme,
    mut row: impl FnMut(usize) -> (Vec<C>, Style),
) {
    let body = area.height.saturating_sub(1) as usize;
    view.set_page(body);
    let columns = column_widths(widths, area.width);
    let cursor = view.cursor();
    let window = view.window(body);
    let mut rows: Vec<(usize, Vec<Text<'static>>, Style)> = window
        .map(|pos| {
            let (cells, style) = row(view.visible[pos]);
            (pos, fitted(cells, &columns), style)
        })
        .collect();
    let height = |cells: &[Text<'_>]| cells.iter().map(Text::height).max().unwrap_or(1).max(1);
    // Taller rows hold fewer in the page: drop rows from the top until
    // the cursor's fits, then those past the bottom.
    while rows.len() > 1
        && rows[0].0 < cursor
        && rows
            .iter()
            .take_while(|r| r.0 <= cursor)
            .map(|r| height(&r.1))
            .sum::<usize>()
            > body
    {
        rows.remove(0);
    }
    let mut used = 0;
    let rows: Vec<Row> = rows
        .into_iter()
        .take_while(|r| {
            let first = used == 0;
            used += height(&r.1);
            first || used <= body
        })
        .map(|(pos, cells, style)| {
            let h = height(&cells);
            let r = Row::new(cells).height(h as u16);
            if pos == cursor {
                r.style(theme.selected())
            } else {
                r.style(style)
            }
        })
        .collect();
    let table = Table::new(rows, widths.to_vec())
        .header(Row::new(fitted(header, &columns)).style(theme.title()))
        .flex(FLEX)
        .column_spacing(SPACING);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(len: usize) -> Vec<String> {
        (0..len)
            .map(|i| haystack([format!("Row {i}").as_str()]))
            .collect()
    }

    fn view(len: usize, page: usize) -> TableView {
        let mut v = TableView::default();
        v.refilter(&rows(len));
        v.set_page(page);
        v
    }

    #[test]
    fn wrap_breaks_between_words_and_inside_a_word_too_long() {
        assert_eq!(wrap("ab cd ef", 5), ["ab cd", "ef"]);
        assert_eq!(wrap("ab cdefgh", 4), ["ab", "cdef", "gh"]);
        assert_eq!(wrap("ñandú", 10), ["ñandú"]);
        assert_eq!(wrap("", 3), [""]);
        assert_eq!(wrapped_rows("ab cdefgh", 4), 3);
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
    fn marks_count_and_survive_marking_twice() {
        let mut m = Marks::default();
        m.reset(10);
        m.toggle(3);
        m.mark_all(&[1, 3, 5]);
        assert_eq!(
            (m.count(), m.indices().collect::<Vec<_>>()),
            (3, vec![1, 3, 5])
        );
        assert_eq!(m.among(&[0, 1, 2]), 1);
        m.toggle(3);
        assert_eq!(m.count(), 2);
        m.toggle(42);
        assert_eq!(m.count(), 2);
        m.clear();
        assert!(m.is_empty() && !m.is_marked(1));
    }

    #[test]
    fn names_sort_by_letters_not_code_points() {
        let names = ["Zoe", "álvaro", "Bruno", "Émile", "ana", "Ana"];
        let keys: Vec<String> = names.iter().map(|n| collate(n)).collect();
        let order: Vec<&str> = Sort::default()
            .order(&keys)
            .into_iter()
            .map(|i| names[i])
            .collect();
        assert_eq!(order, ["álvaro", "Ana", "ana", "Bruno", "Émile", "Zoe"]);
        let mut v = view(0, 10);
        v.set_order(vec![2, 0, 1]);
        v.refilter_by(3, |_| true);
        assert_eq!(v.visible(), &[2, 0, 1]);
        assert_eq!(v.selected(), Some(2));
    }

    #[test]
    fn a_cut_text_ends_in_the_mark_and_fits() {
        assert_eq!(fit("Brittany Washington", 15), "Brittany Washi…");
        assert_eq!(fit("Ana", 3), "Ana");
        assert_eq!(fit("auto-sync all", 6), "auto-…");
        assert_eq!(fit("abc", 0), "");
        // Wide characters count as two columns.
        assert_eq!(fit("日本語テキスト", 6), "日本…");
        let line = fit_line(
            vec![Span::raw("Seats "), Span::raw("1 admin · auto-sync all")],
            20,
        );
        assert_eq!(line.to_string(), "Seats 1 admin · aut…");
        assert!(line.width() <= 20);
        let summary = "imported 12 accounts, 40 leads; wrote 3 activities";
        assert_eq!(wrapped_rows(summary, 20), 3);
        let cut = fit_wrapped(summary, 20, 2);
        assert!(cut.ends_with('…') && wrapped_rows(&cut, 20) <= 2, "{cut}");
        assert_eq!(fit_wrapped(summary, 80, 1), summary);
    }

    #[test]
    fn finds_are_placed_on_the_original_text() {
        assert_eq!(
            find_ranges("Ana Brandão, BRANDAO", "brandao"),
            vec![4..11, 13..20]
        );
        assert_eq!(find_ranges("Straße 5", "SS"), vec![4..5]);
        assert!(find_ranges("anything", "").is_empty());
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
