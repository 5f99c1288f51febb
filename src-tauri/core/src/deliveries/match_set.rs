//! The ids a full-text search matches, held in memory so an index walk can probe them.
//!
//! SQLite answers `id IN (SELECT rowid FROM deliveries_fts ...)` by first building a temporary
//! b-tree of every match, and a broad search over a big log matches 100,000 rows and more: on
//! 1,000,000 deliveries building it alone took longer than the log's 50 ms budget. FTS5 hands
//! its matches over in rowid order, so reading them into a bitmap is a sequential read, and a
//! probe is one memory access.

use rusqlite::Connection;

use crate::Result;

pub(super) struct MatchSet {
    /// The smallest matching id: bit 0 of `bits`.
    first: i64,
    bits: Vec<u64>,
}

impl MatchSet {
    /// Every delivery id the FTS5 expression `expr` matches.
    pub(super) fn read(conn: &Connection, expr: &str) -> Result<MatchSet> {
        let mut stmt = conn.prepare_cached(
            "SELECT rowid FROM deliveries_fts WHERE deliveries_fts MATCH ?1 ORDER BY rowid",
        )?;
        let mut ids: Vec<i64> = Vec::new();
        let mut rows = stmt.query([expr])?;
        while let Some(row) = rows.next()? {
            ids.push(row.get::<_, i64>(0)?);
        }
        Ok(MatchSet::from_ids(&ids))
    }

    fn from_ids(ids: &[i64]) -> MatchSet {
        let (Some(&first), Some(&last)) = (ids.iter().min(), ids.iter().max()) else {
            return MatchSet {
                first: 0,
                bits: Vec::new(),
            };
        };
        // Ids are dense (the log's rowids), so the bitmap is about one bit per delivery.
        let mut bits = vec![0u64; ((last - first) as usize >> 6) + 1];
        for &id in ids {
            let bit = (id - first) as usize;
            bits[bit >> 6] |= 1 << (bit & 63);
        }
        MatchSet { first, bits }
    }

    pub(super) fn contains(&self, id: i64) -> bool {
        let Some(bit) = id
            .checked_sub(self.first)
            .and_then(|d| usize::try_from(d).ok())
        else {
            return false;
        };
        self.bits
            .get(bit >> 6)
            .is_some_and(|word| word & (1 << (bit & 63)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::MatchSet;

    #[test]
    fn holds_exactly_the_ids_it_was_given() {
        let set = MatchSet::from_ids(&[70, 5, 64, 6, 200]);
        let held: Vec<i64> = (-5..300).filter(|&id| set.contains(id)).collect();
        assert_eq!(held, [5, 6, 64, 70, 200]);
        let empty = MatchSet::from_ids(&[]);
        assert!(!empty.contains(0) && !empty.contains(1));
    }
}
