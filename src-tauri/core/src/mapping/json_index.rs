//! Where each key and value of a JSON text starts, by path (`objects.Lead[3].target`), so
//! that a problem found after parsing can name its line. serde_json gives positions only for
//! its own errors; checks that run on the parsed document (duplicate targets, Ids) need this.
//!
//! The scan is tolerant: on malformed input it keeps what it found before the fault, which is
//! enough to name the field a syntax error is in.

/// Paths and byte offsets of every member key and array element, in text order.
#[derive(Debug, Clone)]
pub struct JsonIndex {
    entries: Vec<(String, usize)>,
    line_starts: Vec<usize>,
}

impl JsonIndex {
    pub fn build(text: &str) -> JsonIndex {
        let mut scanner = Scanner {
            text,
            pos: 0,
            entries: vec![(String::new(), 0)],
        };
        // A malformed text ends the scan early; what was found so far is still right.
        let _ = scanner.value("");
        let line_starts = std::iter::once(0)
            .chain(
                text.char_indices()
                    .filter(|&(_, c)| c == '\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        JsonIndex {
            entries: scanner.entries,
            line_starts,
        }
    }

    /// The 1-based line of `path` (for an object member: its key). A path that is not in the
    /// text (a missing key, a default) falls back to its nearest ancestor that is.
    pub fn line_of(&self, path: &str) -> u64 {
        let mut path = path;
        loop {
            if let Some((_, offset)) = self.entries.iter().rev().find(|(p, _)| p == path) {
                return self.line_at(*offset);
            }
            match parent(path) {
                Some(up) => path = up,
                None => return 1,
            }
        }
    }

    /// The path of the last key or element that starts at or before a 1-based line and
    /// column (as serde_json reports them): the field a syntax error is in or just after.
    pub fn path_at(&self, line: u64, column: u64) -> &str {
        let line_index = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
        let Some(&start) = self.line_starts.get(line_index) else {
            return self.entries.last().map(|(p, _)| p.as_str()).unwrap_or("");
        };
        let offset = start + usize::try_from(column.saturating_sub(1)).unwrap_or(0);
        self.entries
            .iter()
            .rev()
            .find(|(_, o)| *o <= offset)
            .map(|(p, _)| p.as_str())
            .unwrap_or("")
    }

    fn line_at(&self, offset: usize) -> u64 {
        (self.line_starts.partition_point(|&start| start <= offset)) as u64
    }
}

/// The path one level up: `a.b[2]` → `a.b`, `a.b` → `a`, `a` → `` (the root); `None` at the root.
pub fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    if path.ends_with(']') {
        if let Some(open) = path.rfind('[') {
            return Some(&path[..open]);
        }
    }
    Some(path.rfind('.').map(|dot| &path[..dot]).unwrap_or(""))
}

/// Appends an object key to a path.
pub fn child_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    entries: Vec<(String, usize)>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Scans one value at `pos`; `None` when the text is malformed there.
    fn value(&mut self, path: &str) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek()? == b'}' {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    self.skip_ws();
                    let key_start = self.pos;
                    let key = self.string()?;
                    let child = child_key(path, &key);
                    self.entries.push((child.clone(), key_start));
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    self.value(&child)?;
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek()? == b']' {
                    self.pos += 1;
                    return Some(());
                }
                let mut index = 0usize;
                loop {
                    self.skip_ws();
                    let child = format!("{path}[{index}]");
                    self.entries.push((child.clone(), self.pos));
                    self.value(&child)?;
                    self.skip_ws();
                    match self.peek()? {
                        b',' => {
                            self.pos += 1;
                            index += 1;
                        }
                        b']' => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            _ => {
                // Numbers, true, false, null: up to the next delimiter.
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                (self.pos > start).then_some(())
            }
        }
    }

    /// Scans a string literal and returns it decoded.
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        // serde_json decodes the escapes exactly as the document parser did.
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  "version": 1,
  "objects": {
    "Lead": [
      {"source": "email", "target": "Email"},
      {
        "source": "phone",
        "target": "Phone"
      }
    ],
    "we\"ird": []
  }
}"#;

    #[test]
    fn finds_lines_of_keys_and_elements() {
        let index = JsonIndex::build(TEXT);
        assert_eq!(index.line_of("version"), 2);
        assert_eq!(index.line_of("objects.Lead[0].target"), 5);
        assert_eq!(index.line_of("objects.Lead[1]"), 6);
        assert_eq!(index.line_of("objects.Lead[1].target"), 8);
        assert_eq!(index.line_of("objects.we\"ird"), 11);
        // A missing key falls back to its object.
        assert_eq!(index.line_of("objects.Lead[1].overwrite"), 6);
        assert_eq!(index.line_of("campaignId"), 1);
    }

    #[test]
    fn names_the_field_at_a_position_even_in_broken_text() {
        let broken = "{\n  \"version\": 1,\n  \"objects\": {\n    \"Lead\": [ {\"source\": \"email\" \"target\": 1} ]";
        let index = JsonIndex::build(broken);
        assert_eq!(index.path_at(4, 36), "objects.Lead[0].source");
        assert_eq!(index.path_at(2, 3), "version");
    }

    #[test]
    fn parents() {
        assert_eq!(parent("a.b[2]"), Some("a.b"));
        assert_eq!(parent("a.b"), Some("a"));
        assert_eq!(parent("a"), Some(""));
        assert_eq!(parent(""), None);
    }
}
