//! What validation reports: one [`Problem`] per finding, attached to the row or setting it is
//! about. Errors block a save or an import; warnings are shown and accepted.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Severity {
    Error,
    Warning,
}

/// Stable problem codes: the UI and scripts branch on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ProblemCode {
    // Document checks (no org needed).
    /// `version` is not 1.
    UnsupportedVersion,
    /// A row's source is empty or not a field path (`name`, `name.name`, ...).
    InvalidSource,
    /// A Salesforce field name is empty or not an API name.
    InvalidTarget,
    /// Two rows of one tab write the same Salesforce field.
    DuplicateTarget,
    /// A Salesforce Id is not 15 or 18 letters and digits.
    InvalidId,
    /// A well-formed Id whose key prefix is not the kind of record expected (warning).
    UnexpectedIdPrefix,
    /// A star count outside 1–3, a score outside 0–100, or bands not rising within 1–100.
    InvalidScore,
    /// An owner strategy listed twice.
    DuplicateStrategy,
    /// `default_owner` is enabled but no `defaultOwnerId` is set (warning).
    DefaultOwnerUnset,
    /// A chat user that is not an email address.
    InvalidEmail,
    /// A chat user mapped twice.
    DuplicateChatUser,
    /// Two segments with the same name.
    DuplicateSegment,
    /// A rule names a segment that does not exist.
    UnknownSegment,
    /// A later rule for a segment that an earlier rule already decides (warning).
    UnreachableRule,
    /// A condition on an unknown field, a numeric test on a text field, `in` with no values,
    /// `between` with min above max.
    InvalidCondition,
    /// A segment without conditions matches every company (warning).
    EmptySegment,
    /// A required text setting is empty.
    EmptyValue,
    /// An Opportunity name template with unbalanced or empty `{}`.
    InvalidTemplate,
    /// A task event kind listed twice.
    DuplicateEventKind,
    // Chat-side check.
    /// A source (or template placeholder) that is neither a known chat field nor `metadata.*`
    /// (warning).
    UnknownSource,
    // Org checks (need the org's describe).
    /// The object is not available to the connected user.
    UnknownObject,
    /// No such field on the object.
    UnknownField,
    /// The field cannot be set on create (Lead rows).
    NotCreateable,
    /// The field cannot be updated, but the row says overwrite.
    NotUpdateable,
    /// The source's values cannot go into the field's type.
    TypeMismatch,
    /// Values may exceed the field's length or digits (warning).
    MayBeTooLong,
    /// A field required on create has no row and no default.
    RequiredUnmapped,
    /// A value the org's picklist does not offer.
    UnknownPicklistValue,
}

impl ProblemCode {
    /// The code as written on the wire and printed by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::UnsupportedVersion => "UNSUPPORTED_VERSION",
            ProblemCode::InvalidSource => "INVALID_SOURCE",
            ProblemCode::InvalidTarget => "INVALID_TARGET",
            ProblemCode::DuplicateTarget => "DUPLICATE_TARGET",
            ProblemCode::InvalidId => "INVALID_ID",
            ProblemCode::UnexpectedIdPrefix => "UNEXPECTED_ID_PREFIX",
            ProblemCode::InvalidScore => "INVALID_SCORE",
            ProblemCode::DuplicateStrategy => "DUPLICATE_STRATEGY",
            ProblemCode::DefaultOwnerUnset => "DEFAULT_OWNER_UNSET",
            ProblemCode::InvalidEmail => "INVALID_EMAIL",
            ProblemCode::DuplicateChatUser => "DUPLICATE_CHAT_USER",
            ProblemCode::DuplicateSegment => "DUPLICATE_SEGMENT",
            ProblemCode::UnknownSegment => "UNKNOWN_SEGMENT",
            ProblemCode::UnreachableRule => "UNREACHABLE_RULE",
            ProblemCode::InvalidCondition => "INVALID_CONDITION",
            ProblemCode::EmptySegment => "EMPTY_SEGMENT",
            ProblemCode::EmptyValue => "EMPTY_VALUE",
            ProblemCode::InvalidTemplate => "INVALID_TEMPLATE",
            ProblemCode::DuplicateEventKind => "DUPLICATE_EVENT_KIND",
            ProblemCode::UnknownSource => "UNKNOWN_SOURCE",
            ProblemCode::UnknownObject => "UNKNOWN_OBJECT",
            ProblemCode::UnknownField => "UNKNOWN_FIELD",
            ProblemCode::NotCreateable => "NOT_CREATEABLE",
            ProblemCode::NotUpdateable => "NOT_UPDATEABLE",
            ProblemCode::TypeMismatch => "TYPE_MISMATCH",
            ProblemCode::MayBeTooLong => "MAY_BE_TOO_LONG",
            ProblemCode::RequiredUnmapped => "REQUIRED_UNMAPPED",
            ProblemCode::UnknownPicklistValue => "UNKNOWN_PICKLIST_VALUE",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Problem {
    pub severity: Severity,
    pub code: ProblemCode,
    /// Where in the document: `objects.Lead[3].target`, `criteria.starBands`, `campaignId`.
    pub path: String,
    /// The Salesforce object concerned (`Lead`, `Contact`, `Account`, `Opportunity`).
    pub object: Option<String>,
    /// The row within the object's tab, for row problems.
    pub row_index: Option<u32>,
    /// The Salesforce field concerned, when there is one.
    pub field: Option<String>,
    pub message: String,
    /// 1-based line in the file the document was read from, when it was read from one.
    pub line: Option<u32>,
}

impl Problem {
    pub fn error(
        code: ProblemCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem::new(Severity::Error, code, path, message)
    }

    pub fn warning(
        code: ProblemCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem::new(Severity::Warning, code, path, message)
    }

    fn new(
        severity: Severity,
        code: ProblemCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            severity,
            code,
            path: path.into(),
            object: None,
            row_index: None,
            field: None,
            message: message.into(),
            line: None,
        }
    }

    /// Attaches the problem to row `index` of `object`'s tab.
    pub fn on_row(mut self, object: &str, index: usize) -> Problem {
        self.object = Some(object.to_string());
        self.row_index = Some(u32::try_from(index).unwrap_or(u32::MAX));
        self
    }

    pub fn on_object(mut self, object: &str) -> Problem {
        self.object = Some(object.to_string());
        self
    }

    pub fn on_field(mut self, field: &str) -> Problem {
        self.field = Some(field.to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The JSON path of a tab's row, as problems and import errors name it.
pub fn row_path(object: &str, index: usize) -> String {
    format!("objects.{object}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_stable_names() {
        for code in [
            ProblemCode::UnknownField,
            ProblemCode::NotCreateable,
            ProblemCode::MayBeTooLong,
            ProblemCode::RequiredUnmapped,
            ProblemCode::UnknownSource,
            ProblemCode::DuplicateTarget,
            ProblemCode::UnexpectedIdPrefix,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
    }
}
