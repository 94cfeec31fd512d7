//! A cell's text fitted to its column: cut with "…", wrapped between
//! words, and folded for filters and finds.

use std::borrow::Cow;

use ratatui::text::{Line, Span};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_between_words_and_inside_a_word_too_long() {
        assert_eq!(wrap("ab cd ef", 5), ["ab cd", "ef"]);
        assert_eq!(wrap("ab cdefgh", 4), ["ab", "cdef", "gh"]);
        assert_eq!(wrap("ñandú", 10), ["ñandú"]);
        assert_eq!(wrap("", 3), [""]);
        assert_eq!(wrapped_rows("ab cdefgh", 4), 3);
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
}
