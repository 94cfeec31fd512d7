//! k9s-style sorting, names by letters rather than code points.

use crate::ui::action::Action;

/// Which column a table is sorted by, and which way (k9s: a key picks
/// the next column, another reverses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::table::view::tests::view;

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
}
