//! Open query cursors: the rows of a query beyond its first page, served through
//! `nextRecordsUrl` (`/services/data/vXX.X/query/<cursorId>-<offset>`).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use serde_json::Value;

use crate::ids;

/// Cursors kept at once; the oldest is dropped beyond this, as Salesforce limits open cursors.
const MAX_OPEN: usize = 200;

#[derive(Debug)]
pub struct Cursor {
    pub rows: Arc<Vec<Value>>,
    pub batch: usize,
    pub total_size: usize,
}

#[derive(Debug, Default)]
pub struct Cursors {
    open: HashMap<String, Cursor>,
    order: VecDeque<String>,
    next: u64,
}

impl Cursors {
    pub fn open(&mut self, cursor: Cursor) -> String {
        self.next += 1;
        let id = ids::make_id(ids::prefix::QUERY_LOCATOR, self.next);
        self.open.insert(id.clone(), cursor);
        self.order.push_back(id.clone());
        while self.order.len() > MAX_OPEN {
            if let Some(old) = self.order.pop_front() {
                self.open.remove(&old);
            }
        }
        id
    }

    pub fn get(&self, id: &str) -> Option<&Cursor> {
        self.open.get(id)
    }

    pub fn close(&mut self, id: &str) {
        self.open.remove(id);
        self.order.retain(|c| c != id);
    }

    pub fn clear(&mut self) {
        self.open.clear();
        self.order.clear();
    }
}
