//! A stored record: one value per field of its object, in schema order. Positional storage
//! keeps queries over tens of thousands of records fast (no per-record key strings or hash
//! tables); lookups by name go through the object's field list.

use std::ops::Index;

use serde_json::Value;

use crate::schema::ObjectDef;

/// Position of `IsDeleted`, the second system field of every object (see `schema::objects`).
const IS_DELETED: usize = 1;

#[derive(Clone, Debug)]
pub struct Record {
    object: &'static ObjectDef,
    values: Vec<Value>,
}

static NULL: Value = Value::Null;

impl Record {
    /// A record with every field null.
    pub fn new(object: &'static ObjectDef) -> Self {
        Record {
            object,
            values: vec![Value::Null; object.fields.len()],
        }
    }

    pub fn object(&self) -> &'static ObjectDef {
        self.object
    }

    /// The value of a field by API name (exact, then case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.object.position(name).map(|i| &self.values[i])
    }

    /// The value at a field position of the record's object.
    pub fn at(&self, position: usize) -> &Value {
        self.values.get(position).unwrap_or(&NULL)
    }

    /// Sets a field; names that are not fields of the object are ignored.
    pub fn insert(&mut self, name: &str, value: Value) {
        if let Some(i) = self.object.position(name) {
            self.values[i] = value;
        }
    }

    pub fn is_deleted(&self) -> bool {
        self.values[IS_DELETED] == Value::Bool(true)
    }
}

impl Index<&str> for Record {
    type Output = Value;

    fn index(&self, name: &str) -> &Value {
        self.get(name).unwrap_or(&NULL)
    }
}
