//! Marked rows of a table, for the bulk actions.

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

    pub(crate) fn toggle(&mut self, i: usize) {
        if let Some(b) = self.bits.get_mut(i) {
            *b = !*b;
            if *b {
                self.count += 1;
            } else {
                self.count -= 1;
            }
        }
    }

    pub(crate) fn mark_all(&mut self, rows: &[usize]) {
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

    pub(crate) fn is_marked(&self, i: usize) -> bool {
        self.bits.get(i).copied().unwrap_or(false)
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Marked backing indices, in order.
    pub(crate) fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.then_some(i))
    }

    /// How many marked rows are among `rows` (the filtered view).
    pub(crate) fn among(&self, rows: &[usize]) -> usize {
        rows.iter().filter(|&&i| self.is_marked(i)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
