//! Export and import of the mapping document as text.
//!
//! Export is canonical: keys in the document's declared order, rows in the admin's order,
//! two-space indentation, a trailing newline; so export → import → export is byte-identical
//! and a version's stored text can be compared byte for byte.
//!
//! Import refuses, naming the line and the JSON path: malformed JSON, a version other than 1,
//! unknown keys at any level (a misspelt setting must not be silently dropped), values of the
//! wrong type, and every document check that is an error (`checks::check_document`).

use serde_path_to_error::Segment;

use crate::{Error, Result};

use super::checks::check_document;
use super::document::{MappingDocument, DOCUMENT_VERSION};
use super::json_index::{child_key, JsonIndex};
use super::problem::Problem;

/// The canonical text of a document.
pub fn export(doc: &MappingDocument) -> Result<String> {
    let mut text = serde_json::to_string_pretty(doc)?;
    text.push('\n');
    Ok(text)
}

/// A document read from text, with the index that locates its paths in that text.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    pub document: MappingDocument,
    index: JsonIndex,
}

impl ParsedDocument {
    /// The 1-based line of a JSON path (or of its nearest ancestor present in the text).
    pub fn line_of(&self, path: &str) -> u64 {
        self.index.line_of(path)
    }

    /// Fills each problem's `line` from its path.
    pub fn locate(&self, problems: &mut [Problem]) {
        for p in problems {
            p.line = Some(u32::try_from(self.line_of(&p.path)).unwrap_or(u32::MAX));
        }
    }
}

/// Reads a document without the document checks: JSON syntax, version, keys and types.
/// For `mapping validate FILE`, which reports every problem instead of refusing at the first.
pub fn parse(text: &str) -> Result<ParsedDocument> {
    let index = JsonIndex::build(text);
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let (line, column) = (e.line() as u64, e.column() as u64);
        let path = index.path_at(line, column).to_string();
        let what = if e.is_eof() {
            "the document ends too early"
        } else {
            "malformed JSON"
        };
        located_error(&path, line, &format!("{what}: {}", bare_message(&e)))
    })?;
    let Some(object) = value.as_object() else {
        return Err(located_error(
            "",
            1,
            "the mapping document must be a JSON object with \"version\" and \"objects\"",
        ));
    };
    // The version first: a newer format is refused for its version, not for its new keys.
    match object.get("version") {
        None => {
            return Err(located_error(
                "version",
                1,
                &format!("missing \"version\"; this Leadbridge reads version {DOCUMENT_VERSION}"),
            ))
        }
        Some(v) if v.as_u64() == Some(u64::from(DOCUMENT_VERSION)) => {}
        Some(v) => {
            return Err(located_error(
                "version",
                index.line_of("version"),
                &format!(
                "version {v} is not supported; this Leadbridge reads version {DOCUMENT_VERSION}"
            ),
            ))
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let document: MappingDocument = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let mut path = json_path(e.path());
        let inner = e.inner();
        let message = bare_message(inner);
        // serde names the key at fault only in its message; complete the path with it.
        if let Some(key) = faulty_key(&message) {
            if !path.ends_with(&format!(".{key}")) && path != key {
                path = child_key(&path, key);
            }
        }
        let line = if path.is_empty() {
            inner.line() as u64
        } else {
            index.line_of(&path)
        };
        located_error(&path, line, &message)
    })?;
    Ok(ParsedDocument { document, index })
}

/// Reads a document and refuses it when any document check finds an error. The error names
/// every problem; its details carry the first one's line and path.
pub fn import(text: &str) -> Result<MappingDocument> {
    let parsed = parse(text)?;
    let mut problems = check_document(&parsed.document);
    parsed.locate(&mut problems);
    let errors: Vec<Problem> = problems.into_iter().filter(Problem::is_error).collect();
    match errors.first() {
        None => Ok(parsed.document),
        Some(first) => Err(problems_error(first, &errors[1..])),
    }
}

/// The error for a document with errors: the first named in full, the others listed after it.
pub fn problems_error(first: &Problem, rest: &[Problem]) -> Error {
    let mut message = describe(first);
    for p in rest {
        message.push_str("\n  also ");
        message.push_str(&describe(p));
    }
    let mut err = Error::invalid_input(message).field(first.path.clone());
    if let Some(line) = first.line {
        err = err.at_line(u64::from(line));
    }
    err
}

fn describe(p: &Problem) -> String {
    match p.line {
        Some(line) => format!(
            "line {line}, {}: {} [{}]",
            p.path,
            p.message,
            p.code.as_str()
        ),
        None => format!("{}: {} [{}]", p.path, p.message, p.code.as_str()),
    }
}

fn located_error(path: &str, line: u64, message: &str) -> Error {
    let shown = if path.is_empty() {
        "the document"
    } else {
        path
    };
    let err = Error::invalid_input(format!("line {line}, {shown}: {message}")).at_line(line);
    if path.is_empty() {
        err
    } else {
        err.field(path)
    }
}

/// serde_json's message without its " at line L column C" suffix (we say it our way).
fn bare_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

/// The key a serde "missing / unknown / duplicate field `x`" message is about.
fn faulty_key(message: &str) -> Option<&str> {
    let rest = ["missing field `", "unknown field `", "duplicate field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))?;
    rest.split('`').next()
}

/// Renders serde_path_to_error's path in the document's notation: `objects.Lead[3].target`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Map { key } => out = child_key(&out, key),
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}
