//! A virtualised table: the rows live in the tab's own Vec; this keeps the
//! filter (indices of matching rows), the cursor and the scroll offset, and
//! builds cells only for the slice on screen, so 100k rows cost what a
//! screenful costs.
//!
//! `view` keeps the cursor and the filter, `sort` the order, `marks` the
//! marked rows and `text` fits, wraps and folds the cells' text.

mod marks;
mod sort;
mod text;
mod view;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Text;
use ratatui::widgets::{Row, Table};

use super::theme::Theme;

pub use marks::Marks;
pub use sort::{Sort, collate};
pub use text::{CUT, find_ranges, fit, fit_line, fit_wrapped, fold, haystack, wrap, wrapped_rows};
pub use view::{Filtered, TableView};

/// How the table lays its columns out: the same for the cut cells and
/// for ratatui, so a cut lands on the column's last cell.
const FLEX: Flex = Flex::Start;
const SPACING: u16 = 1;

/// The width of each column of `widths` in `width` columns.
pub(crate) fn column_widths(widths: &[Constraint], width: u16) -> Vec<usize> {
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
        .filter_map(|pos| {
            let (cells, style) = row(view.at(pos)?);
            Some((pos, fitted(cells, &columns), style))
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
