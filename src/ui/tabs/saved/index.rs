//! The Saved tab's lines, kept compact, and the views of them (which
//! lines pass the filter, in which order) worked out off the UI thread.
//!
//! At ten times the large tenant the tab has over a million lines (a line
//! per saved item and opportunity that brings it in). Held as rows of
//! strings they took a gigabyte, and a filter keystroke scanned every row
//! on the UI thread. Here every text is kept once (a seat holder's name
//! stands on thousands of lines), a line is a few text numbers, a filter
//! looks at each distinct text once in one folded buffer, and the console's
//! reader thread answers a query with the view while the UI keeps drawing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use memchr::memmem::Finder;

use crate::store::saved::{ItemKind, WorkspaceRow};
use crate::ui::table::{Sort, fold};

/// A text number that stands for "none" (a manual save has no
/// opportunity, an account no company).
const NONE: u32 = u32::MAX;

/// Ends each folded text in the filter's buffer, so a needle never
/// matches across two texts (folding never yields it).
const SEPARATOR: char = '\u{1f}';

/// How a line got into the list: by the sync, by hand, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    CrmAndHand,
    Crm,
    Hand,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::CrmAndHand, Source::Crm, Source::Hand];

    fn of(from_crm: bool, manual: bool) -> Self {
        match (from_crm, manual) {
            (true, true) => Self::CrmAndHand,
            (true, false) => Self::Crm,
            _ => Self::Hand,
        }
    }
}

/// The words the console shows for kinds and sources, in its language:
/// a filter finds them and a sort orders by them, as the reader sees them.
#[derive(Debug, Clone)]
pub struct Words {
    pub account: String,
    pub lead: String,
    pub sources: [String; 3],
}

impl Words {
    fn kind(&self, kind: ItemKind) -> &str {
        match kind {
            ItemKind::Account => &self.account,
            ItemKind::Contact => &self.lead,
        }
    }

    fn source(&self, source: Source) -> &str {
        &self.sources[source as usize]
    }
}

/// Distinct items, taken at load so a frame stays O(screen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub accounts: usize,
    pub leads: usize,
    pub manual: usize,
}

/// One line as the tab draws it, borrowed from the index.
#[derive(Debug, Clone, Copy)]
pub struct LineText<'a> {
    pub seat_holder: &'a str,
    pub kind: ItemKind,
    pub name: &'a str,
    pub company: Option<&'a str>,
    pub opportunity: Option<&'a str>,
    pub stage: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub source: Source,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    seat_holder: u32,
    name: u32,
    company: u32,
    opportunity: u32,
    stage: u32,
    owner: u32,
    kind: ItemKind,
    source: Source,
}

/// What a line takes in the index, besides its texts (for the bench).
pub const LINE_BYTES: usize = size_of::<Line>();

impl Line {
    fn texts(&self) -> [u32; 6] {
        [
            self.seat_holder,
            self.name,
            self.company,
            self.opportunity,
            self.stage,
            self.owner,
        ]
    }
}

/// Tells indexes apart, so a view worked out on an older one is not
/// shown over a newer one's lines.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Every line of the Saved tab, each distinct text once.
#[derive(Debug, Default)]
pub struct SavedIndex {
    id: u64,
    /// The texts as shown, one after another; `ends[i]` is where text i ends.
    shown: String,
    ends: Vec<usize>,
    /// The same texts folded (as the filter compares), each followed by
    /// [`SEPARATOR`]; `folded_ends[i]` is just past text i's separator.
    folded: String,
    folded_ends: Vec<usize>,
    /// Each text's place when all are sorted by letters (see `collate`).
    ranks: Vec<u32>,
    lines: Vec<Line>,
    counts: Counts,
}

/// Builds an index from the store's rows, in the store's order (an item
/// two opportunities bring in comes as two rows one after the other).
#[derive(Debug, Default)]
pub struct Builder {
    /// The index so far, without its id and ranks.
    index: SavedIndex,
    interned: HashMap<Box<str>, u32>,
    /// The item of the last row, to count each item once.
    last: Option<(i64, ItemKind, String)>,
}

impl Builder {
    fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.interned.get(text) {
            return id;
        }
        let p = &mut self.index;
        // Past four billion distinct texts a text is shown as none rather
        // than numbered over another one.
        let id = match u32::try_from(p.ends.len()) {
            Ok(id) if id != NONE => id,
            _ => return NONE,
        };
        p.shown.push_str(text);
        p.ends.push(p.shown.len());
        p.folded.push_str(&fold(text));
        p.folded.push(SEPARATOR);
        p.folded_ends.push(p.folded.len());
        self.interned.insert(text.into(), id);
        id
    }

    fn intern_opt(&mut self, text: Option<&str>) -> u32 {
        text.map_or(NONE, |t| self.intern(t))
    }

    pub fn push(&mut self, row: WorkspaceRow) {
        let item = (row.seat_id, row.kind, row.item_id);
        if self.last.as_ref() != Some(&item) {
            let c = &mut self.index.counts;
            match row.kind {
                ItemKind::Account => c.accounts += 1,
                ItemKind::Contact => c.leads += 1,
            }
            c.manual += usize::from(row.manual);
            self.last = Some(item);
        }
        let line = Line {
            seat_holder: self.intern(&row.seat_holder),
            name: self.intern(&row.name),
            company: self.intern_opt(row.company.as_deref()),
            opportunity: self.intern_opt(row.opportunity.as_deref()),
            stage: self.intern_opt(row.stage.as_deref()),
            owner: self.intern_opt(row.owner.as_deref()),
            kind: row.kind,
            source: Source::of(row.from_crm, row.manual),
        };
        self.index.lines.push(line);
    }

    pub fn finish(self) -> SavedIndex {
        let mut index = self.index;
        index.id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        index.ranks = index.rank_texts();
        index
    }
}

impl SavedIndex {
    pub fn from_rows(rows: impl IntoIterator<Item = WorkspaceRow>) -> Self {
        let mut b = Builder::default();
        rows.into_iter().for_each(|r| b.push(r));
        b.finish()
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Bytes held, for the bench's report.
    pub(crate) fn bytes(&self) -> usize {
        self.shown.capacity()
            + self.folded.capacity()
            + (self.ends.capacity() + self.folded_ends.capacity()) * size_of::<usize>()
            + self.ranks.capacity() * size_of::<u32>()
            + self.lines.capacity() * size_of::<Line>()
    }

    fn text(&self, id: u32) -> Option<&str> {
        let i = usize::try_from(id).ok().filter(|_| id != NONE)?;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        self.shown.get(start..*self.ends.get(i)?)
    }

    fn folded_text(&self, id: usize) -> &str {
        let start = id.checked_sub(1).map_or(0, |p| self.folded_ends[p]);
        // Without its separator.
        &self.folded[start..self.folded_ends[id] - SEPARATOR.len_utf8()]
    }

    /// Line `i` as shown, if there is one.
    pub fn line(&self, i: usize) -> Option<LineText<'_>> {
        let l = self.lines.get(i)?;
        Some(LineText {
            seat_holder: self.text(l.seat_holder).unwrap_or_default(),
            kind: l.kind,
            name: self.text(l.name).unwrap_or_default(),
            company: self.text(l.company),
            opportunity: self.text(l.opportunity),
            stage: self.text(l.stage),
            owner: self.text(l.owner),
            source: l.source,
        })
    }

    /// Every text's place in the order `collate` gives: by folded letters
    /// (trimmed), equal ones by their exact spelling.
    fn rank_texts(&self) -> Vec<u32> {
        let mut ids: Vec<usize> = (0..self.ends.len()).collect();
        ids.sort_unstable_by(|&a, &b| {
            self.folded_text(a)
                .trim()
                .cmp(self.folded_text(b).trim())
                .then_with(|| self.text(a as u32).cmp(&self.text(b as u32)))
        });
        let mut ranks = vec![0; ids.len()];
        for (rank, id) in ids.into_iter().enumerate() {
            ranks[id] = u32::try_from(rank).unwrap_or(NONE);
        }
        ranks
    }

    /// A text's sort key: none before every text.
    fn rank(&self, id: u32) -> u32 {
        if id == NONE {
            0
        } else {
            self.ranks[id as usize].saturating_add(1)
        }
    }

    /// Every line in `sort`'s order: by the column, then by seat holder
    /// and name, then in the store's order; descending reverses it all.
    fn sorted(&self, sort: Sort, words: &Words) -> Vec<u32> {
        let by_word = |word: &str| fold(word.trim());
        let kind_rank = |k: ItemKind| {
            let other = match k {
                ItemKind::Account => ItemKind::Contact,
                ItemKind::Contact => ItemKind::Account,
            };
            u32::from(by_word(words.kind(k)) > by_word(words.kind(other)))
        };
        let source_rank = |s: Source| {
            Source::ALL
                .iter()
                .filter(|&&o| by_word(words.source(o)) < by_word(words.source(s)))
                .count() as u32
        };
        let kinds = [ItemKind::Account, ItemKind::Contact].map(kind_rank);
        let sources = Source::ALL.map(source_rank);
        let mut keyed: Vec<(u32, u32, u32, u32)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let primary = match sort.column {
                    0 => self.rank(l.seat_holder),
                    1 => kinds[l.kind as usize],
                    2 => self.rank(l.name),
                    3 => self.rank(l.opportunity),
                    4 => self.rank(l.stage),
                    5 => self.rank(l.owner),
                    _ => sources[l.source as usize],
                };
                let i = u32::try_from(i).unwrap_or(NONE);
                (primary, self.rank(l.seat_holder), self.rank(l.name), i)
            })
            .collect();
        keyed.sort_unstable();
        let mut order: Vec<u32> = keyed.into_iter().map(|k| k.3).collect();
        if sort.descending {
            order.reverse();
        }
        order
    }

    /// Which texts contain `needle` (folded), found in one pass over the
    /// folded buffer. Hits come in order, so the text of each is found by
    /// walking the ends forward: a one-letter needle hits nearly every
    /// text, and a search per hit cost more than the scan.
    fn texts_with(&self, needle: &str) -> Vec<bool> {
        // One more slot, never hit, stands for none: the lines' check then
        // needs no branch per text.
        let mut hit = vec![false; self.folded_ends.len() + 1];
        let finder = Finder::new(needle.as_bytes());
        let bytes = self.folded.as_bytes();
        let (mut at, mut id) = (0, 0);
        while let Some(pos) = finder.find(&bytes[at..]) {
            let pos = at + pos;
            while self.folded_ends.get(id).is_some_and(|&end| end <= pos) {
                id += 1;
            }
            let Some(&end) = self.folded_ends.get(id) else {
                break;
            };
            hit[id] = true;
            at = end;
        }
        hit
    }

    /// Which lines show `needle` (folded) in a text or a word, one bit per
    /// line, taken in the lines' own order so the scan reads memory
    /// straight through.
    fn lines_with(&self, needle: &str, words: &Words) -> Vec<u64> {
        let texts = self.texts_with(needle);
        let none = texts.len() - 1;
        let has = |id: u32| texts[(id as usize).min(none)];
        let word_has = |w: &str| fold(w).contains(needle);
        let kinds = [ItemKind::Account, ItemKind::Contact].map(|k| word_has(words.kind(k)));
        let sources = Source::ALL.map(|s| word_has(words.source(s)));
        let shows = |l: &Line| {
            let words = kinds[l.kind as usize] | sources[l.source as usize];
            l.texts()
                .into_iter()
                .fold(words, |shown, id| shown | has(id))
        };
        let mut bits = vec![0u64; self.lines.len().div_ceil(64)];
        for (i, l) in self.lines.iter().enumerate() {
            if shows(l) {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        bits
    }
}

/// What the Saved tab shows: the filter text and the sort, numbered so
/// an answer to an older query is known as such.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SavedQuery {
    pub generation: u64,
    pub filter: String,
    pub sort: Sort,
}

/// How many lines a window holds: a few screens (the first ask, before
/// the screen was drawn, asks for none), never the whole view.
const WINDOW_ROWS: std::ops::Range<usize> = 256..4_096;

/// What the tab asks of the reader: a window of the lines a query shows,
/// around the cursor. At a million lines the tab never holds the whole
/// order (8 MB of line numbers for every keystroke); it holds the lines
/// on screen and some either side, and asks again as it scrolls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SavedAsk {
    pub query: SavedQuery,
    /// The cursor's position among the lines shown.
    pub at: usize,
    /// The line under the cursor (of the index with this id), for a new
    /// filter or sort to keep the cursor on it if it still shows.
    pub keep: Option<(u64, u32)>,
    /// How many lines the window holds.
    pub rows: usize,
}

/// The lines a query shows, as line numbers of one index: how many there
/// are, where the cursor goes, and a window of them around it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedView {
    pub generation: u64,
    pub index: u64,
    /// Lines the query shows, all told.
    pub total: usize,
    /// The cursor's position: on the kept line if it shows, else where
    /// it was asked to be (within the lines).
    pub cursor: usize,
    /// The position of the window's first line.
    pub start: usize,
    pub lines: Vec<u32>,
}

impl SavedView {
    /// The line at position `pos`, if the window holds it.
    pub fn line_at(&self, pos: usize) -> Option<usize> {
        let i = pos.checked_sub(self.start)?;
        self.lines.get(i).map(|&l| l as usize)
    }

    /// Whether the window holds every position of `range`.
    pub fn holds(&self, range: std::ops::Range<usize>) -> bool {
        range.start >= self.start && range.end <= self.start + self.lines.len()
    }
}

/// The reader's answer when the seats' data changed: the new lines, and
/// the window last asked for, of the lines its query shows on them.
#[derive(Debug, Clone)]
pub struct SavedData {
    pub index: Arc<SavedIndex>,
    pub view: SavedView,
}

/// An index and what answering queries on it keeps: the whole order of
/// the last sort, so a filter keystroke only walks it, and the lines the
/// last query showed, so a window of them is a slice.
#[derive(Debug, Default)]
pub struct Views {
    index: Arc<SavedIndex>,
    sorted: Option<(Sort, Vec<u32>)>,
    shown: Option<(SavedQuery, Vec<u32>)>,
}

impl Views {
    pub fn new(index: Arc<SavedIndex>) -> Self {
        Self {
            index,
            sorted: None,
            shown: None,
        }
    }

    pub fn index(&self) -> &Arc<SavedIndex> {
        &self.index
    }

    /// Every line `q` shows, in order (for a tab small enough to hold
    /// them all).
    pub fn all(&mut self, q: &SavedQuery, words: &Words) -> Vec<usize> {
        self.shown(q, words).iter().map(|&i| i as usize).collect()
    }

    /// The window `ask` wants of the lines its query shows.
    pub fn window(&mut self, ask: &SavedAsk, words: &Words) -> SavedView {
        let id = self.index.id;
        let shown = self.shown(&ask.query, words);
        let total = shown.len();
        let kept = ask
            .keep
            .filter(|&(index, _)| index == id)
            .and_then(|(_, line)| shown.iter().position(|&l| l == line));
        let cursor = kept.unwrap_or(ask.at).min(total.saturating_sub(1));
        let rows = ask.rows.clamp(WINDOW_ROWS.start, WINDOW_ROWS.end);
        let end = (cursor.saturating_sub(rows / 2) + rows).min(total);
        let start = end.saturating_sub(rows);
        SavedView {
            generation: ask.query.generation,
            index: id,
            total,
            cursor,
            start,
            lines: shown[start..end].to_vec(),
        }
    }

    /// The lines `q` shows, worked out unless they are the last query's.
    fn shown(&mut self, q: &SavedQuery, words: &Words) -> &[u32] {
        if self.shown.as_ref().is_none_or(|(last, _)| last != q) {
            let lines = self.work_out(q, words);
            self.shown = Some((q.clone(), lines));
        }
        self.shown.as_ref().map_or(&[], |(_, lines)| lines)
    }

    fn work_out(&mut self, q: &SavedQuery, words: &Words) -> Vec<u32> {
        let index = &self.index;
        let sorted = match self.sorted.take() {
            Some((sort, order)) if sort == q.sort => order,
            _ => index.sorted(q.sort, words),
        };
        let needle = fold(&q.filter);
        let lines = if needle.is_empty() {
            sorted.clone()
        } else {
            let bits = index.lines_with(&needle, words);
            let shows = |i: u32| {
                let i = i as usize;
                bits.get(i / 64).is_some_and(|b| b & (1 << (i % 64)) != 0)
            };
            let count = bits.iter().map(|b| b.count_ones() as usize).sum();
            let mut lines = Vec::with_capacity(count);
            lines.extend(sorted.iter().copied().filter(|&i| shows(i)));
            lines
        };
        self.sorted = Some((q.sort, sorted));
        lines
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A line of a CRM-saved item with no opportunity (the tab's tests
    /// use it too).
    pub(in crate::ui::tabs::saved) fn row(
        seat: i64,
        holder: &str,
        kind: ItemKind,
        id: &str,
        name: &str,
    ) -> WorkspaceRow {
        WorkspaceRow {
            seat_id: seat,
            seat_holder: holder.into(),
            kind,
            item_id: id.into(),
            name: name.into(),
            company: None,
            manual: false,
            from_crm: true,
            opportunity: None,
            stage: None,
            owner: None,
        }
    }

    fn words() -> Words {
        Words {
            account: "account".into(),
            lead: "lead".into(),
            sources: ["CRM+hand".into(), "CRM".into(), "by hand".into()],
        }
    }

    fn shown(views: &mut Views, filter: &str, sort: Sort) -> Vec<String> {
        let q = SavedQuery {
            generation: 1,
            filter: filter.into(),
            sort,
        };
        let lines = views.all(&q, &words());
        lines
            .iter()
            .map(|&i| views.index().line(i).unwrap().name.to_string())
            .collect()
    }

    #[test]
    fn texts_are_kept_once_and_each_item_counted_once() {
        let mut rows = vec![
            row(1, "Ana Pérez", ItemKind::Account, "a1", "Contoso"),
            row(1, "Ana Pérez", ItemKind::Account, "a1", "Contoso"),
            row(1, "Ana Pérez", ItemKind::Contact, "c1", "Álvaro"),
        ];
        rows[1].opportunity = Some("Second deal".into());
        rows[2].manual = true;
        let index = SavedIndex::from_rows(rows);
        assert_eq!(index.len(), 3);
        // Ana Pérez, Contoso, Second deal, Álvaro.
        assert_eq!(index.ends.len(), 4);
        let c = index.counts();
        assert_eq!((c.accounts, c.leads, c.manual), (1, 1, 1));
        let l = index.line(1).unwrap();
        assert_eq!(
            (l.seat_holder, l.name, l.opportunity, l.company),
            ("Ana Pérez", "Contoso", Some("Second deal"), None)
        );
        assert!(index.line(3).is_none());
    }

    #[test]
    fn a_filter_folds_accents_and_case_and_finds_the_words_too() {
        let rows = vec![
            row(1, "Ana Pérez", ItemKind::Account, "a1", "Contoso"),
            row(2, "Bruno Díaz", ItemKind::Contact, "c1", "Ömer Yıldız"),
            row(2, "Bruno Díaz", ItemKind::Contact, "c2", "Zoe"),
        ];
        let mut views = Views::new(Arc::new(SavedIndex::from_rows(rows)));
        let sort = Sort::default();
        assert_eq!(shown(&mut views, "PEREZ", sort), ["Contoso"]);
        assert_eq!(shown(&mut views, "omer yildiz", sort), ["Ömer Yıldız"]);
        assert_eq!(shown(&mut views, "lead", sort), ["Ömer Yıldız", "Zoe"]);
        assert_eq!(shown(&mut views, "", sort).len(), 3);
        assert!(shown(&mut views, "nobody", sort).is_empty());
        // A needle never spans two texts.
        assert!(shown(&mut views, "pérezcontoso", sort).is_empty());
    }

    /// A name from the CRM may hold any character, the separator too, and
    /// a filter any text: the search maps every hit to its text, never
    /// past the end.
    #[test]
    fn the_separator_in_a_name_or_a_filter_panics_nothing() {
        let rows = vec![
            row(1, "Ana", ItemKind::Account, "a1", "odd\u{1f}name"),
            row(1, "Ana", ItemKind::Account, "a2", "\u{1f}"),
        ];
        let mut views = Views::new(Arc::new(SavedIndex::from_rows(rows)));
        let sort = Sort::default();
        assert_eq!(shown(&mut views, "\u{1f}", sort).len(), 2);
        assert_eq!(shown(&mut views, "d\u{1f}n", sort), ["odd\u{1f}name"]);
        assert!(shown(&mut views, &"\u{1f}".repeat(10_000), sort).is_empty());
    }

    /// The lines' bits are kept in 64-line words: lines either side of a
    /// word's edge, and the last line of a partial word, are found.
    #[test]
    fn a_filter_finds_lines_at_every_place_in_the_bits() {
        let rows = (0..200).map(|i| {
            let name = if [0, 63, 64, 127, 128, 199].contains(&i) {
                format!("match {i:03}")
            } else {
                format!("other {i:03}")
            };
            row(1, "Ana", ItemKind::Account, &format!("a{i}"), &name)
        });
        let mut views = Views::new(Arc::new(SavedIndex::from_rows(rows)));
        let by_name = Sort {
            column: 2,
            descending: false,
        };
        assert_eq!(
            shown(&mut views, "match", by_name),
            [
                "match 000",
                "match 063",
                "match 064",
                "match 127",
                "match 128",
                "match 199"
            ]
        );
        assert_eq!(shown(&mut views, "other", by_name).len(), 194);
    }

    /// A window is a few screens of the view around the cursor, cut at
    /// the view's ends; a line to keep counts only on its own index.
    #[test]
    fn a_window_holds_the_lines_around_the_cursor_within_the_view() {
        let rows = (0..1_000).map(|i| {
            row(
                1,
                "Ana",
                ItemKind::Account,
                &format!("a{i}"),
                &format!("n{i:04}"),
            )
        });
        let mut views = Views::new(Arc::new(SavedIndex::from_rows(rows)));
        let id = views.index().id();
        let ask = |at, keep| SavedAsk {
            query: SavedQuery {
                generation: 3,
                filter: String::new(),
                sort: Sort {
                    column: 2,
                    descending: false,
                },
            },
            at,
            keep,
            rows: 300,
        };
        let v = views.window(&ask(500, None), &words());
        assert_eq!((v.generation, v.index, v.total), (3, id, 1_000));
        assert_eq!((v.cursor, v.start, v.lines.len()), (500, 350, 300));
        assert_eq!(v.line_at(500), Some(500));
        assert!(v.holds(400..600) && !v.holds(300..400));
        let end = views.window(&ask(5_000, None), &words());
        assert_eq!((end.cursor, end.start, end.lines.len()), (999, 700, 300));
        assert!(end.holds(990..1_000) && !end.holds(990..1_001));
        let kept = views.window(&ask(0, Some((id, 42))), &words());
        assert_eq!(kept.cursor, 42);
        let elsewhere = views.window(&ask(7, Some((id + 1, 42))), &words());
        assert_eq!(elsewhere.cursor, 7, "a line of another index");
        let few = views.window(&SavedAsk::default(), &words());
        assert_eq!(few.lines.len(), 256, "never fewer than a few screens");
        let mut empty = Views::new(Arc::new(SavedIndex::from_rows(Vec::new())));
        let none = empty.window(&ask(10, None), &words());
        assert_eq!((none.total, none.cursor, none.lines.len()), (0, 0, 0));
    }

    #[test]
    fn sorting_orders_by_letters_then_holder_and_name_and_reverses() {
        let rows = vec![
            row(1, "Zoe", ItemKind::Account, "a1", "beta"),
            row(2, "álvaro", ItemKind::Account, "a2", "Alpha"),
            row(2, "álvaro", ItemKind::Contact, "c1", "Émile"),
        ];
        let mut views = Views::new(Arc::new(SavedIndex::from_rows(rows)));
        let by_holder = Sort::default();
        assert_eq!(shown(&mut views, "", by_holder), ["Alpha", "Émile", "beta"]);
        let by_name = Sort {
            column: 2,
            descending: false,
        };
        assert_eq!(shown(&mut views, "", by_name), ["Alpha", "beta", "Émile"]);
        let reversed = Sort {
            column: 2,
            descending: true,
        };
        assert_eq!(shown(&mut views, "", reversed), ["Émile", "beta", "Alpha"]);
        // Filtering keeps the sort (Zoe's line and the lead have an "e").
        assert_eq!(shown(&mut views, "e", reversed), ["Émile", "beta"]);
    }
}
