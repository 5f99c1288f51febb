//! The mapping document (PRODUCT.md pipeline steps 2, 3, 5–8): field mapping per object,
//! criteria, contact policy, assignment, campaign, opportunity, tasks and the routing
//! configuration, with its canonical text form, its versioned store and its validation.
//!
//! - [`document`]: the types (the JSON shape is a contract; see the module docs).
//! - [`codec`]: `export` (canonical text) and `import` (refuses bad files naming line and path).
//! - [`versions`]: `MappingStore` (current, save, history, get, diff, revert).
//! - [`checks`] (no org), [`org`] (against describe) and [`validate`] combining them.
//! - [`live`]: validation against the connected org's describes, and its Campaigns.

pub mod checks;
pub mod codec;
pub mod diff;
pub mod document;
pub mod json_index;
pub mod live;
pub mod org;
pub mod problem;
pub mod sources;
pub mod versions;

pub use codec::{export, import, parse, ParsedDocument};
pub use diff::{diff, Change};
pub use document::{MappedObject, MappingDocument, MappingRow, MinimumScore};
pub use live::{list_campaigns, validate_live, CampaignOption, OrgDescribes, Validation};
pub use org::{DescribeDir, DescribeSource};
pub use problem::{Problem, ProblemCode, Severity};
pub use sources::ChatFields;
pub use versions::{MappingStore, Saved, VersionSummary, VersionedDocument};

use crate::Result;

/// Every problem of `doc`: the document checks, unknown sources (against the standard chat
/// fields plus `chat_fields`, the paths discovered in events) and the org checks against
/// `describes`.
pub fn validate(
    doc: &MappingDocument,
    describes: &dyn DescribeSource,
    chat_fields: &[String],
) -> Result<Vec<Problem>> {
    validate_with(doc, Some(describes), &ChatFields::new(chat_fields))
}

/// Like [`validate`], with length observations for the chat fields, and with the org checks
/// skipped when `describes` is `None` (no org connected).
pub fn validate_with(
    doc: &MappingDocument,
    describes: Option<&dyn DescribeSource>,
    chat: &ChatFields,
) -> Result<Vec<Problem>> {
    let mut problems = checks::check_document(doc);
    problems.extend(checks::check_sources(doc, chat));
    if let Some(describes) = describes {
        problems.extend(org::check_against_org(doc, describes, chat)?);
    }
    Ok(problems)
}
