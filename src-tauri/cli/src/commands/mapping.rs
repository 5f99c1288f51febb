//! `leadbridge mapping ...`: export, import, validate, history, diff and revert the mapping
//! document. Thin over `leadbridge_core::mapping`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use leadbridge_core::mapping::{
    self, export, validate_live, ChatFields, DescribeDir, MappingStore, Problem, Severity,
};
use leadbridge_core::{Error, ErrorCode, Result};

use super::context::Context;
use super::org::runtime;
use crate::output;

/// Larger than any real mapping document by orders of magnitude; refuses a wrong file early.
const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Subcommand)]
pub enum MappingCommand {
    /// Print the mapping document in force (or write it to FILE).
    Export {
        /// Where to write; stdout when omitted.
        file: Option<PathBuf>,
    },
    /// Replace the mapping document with FILE (a new version; nothing changes if FILE is bad).
    Import {
        file: PathBuf,
        /// A note kept with the new version.
        #[arg(long)]
        note: Option<String>,
        /// Print the outcome as one JSON line.
        #[arg(long)]
        json: bool,
    },
    /// Check the mapping document in force (or FILE) against the connected org (or saved
    /// describes); exit 1 when it has errors.
    Validate {
        /// A document file to check instead of the one in force.
        file: Option<PathBuf>,
        /// Check against saved describe responses (`<Object>.json`, as returned by
        /// `GET /sobjects/<Object>/describe`) in DIR.
        #[arg(long, value_name = "DIR")]
        describe_dir: Option<PathBuf>,
        /// One JSON line per problem.
        #[arg(long)]
        json: bool,
    },
    /// List the saved versions, newest first.
    History {
        #[arg(long)]
        json: bool,
    },
    /// Show what changed from version A to version B (0 is the default document).
    Diff {
        a: u32,
        b: u32,
        #[arg(long)]
        json: bool,
    },
    /// Make VERSION's document the one in force again (as a new version).
    Revert {
        version: u32,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(data_dir: Option<&Path>, command: MappingCommand) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let versions = MappingStore::new(&ctx.store);
    match command {
        MappingCommand::Export { file } => export_cmd(&versions, file.as_deref()),
        MappingCommand::Import { file, note, json } => {
            import_cmd(&versions, &file, note.as_deref(), json)
        }
        MappingCommand::Validate {
            file,
            describe_dir,
            json,
        } => validate_cmd(&ctx, file.as_deref(), describe_dir.as_deref(), json),
        MappingCommand::History { json } => history_cmd(&versions, json),
        MappingCommand::Diff { a, b, json } => {
            let changes = versions.diff(a, b).map_err(version_argument)?;
            print_changes(&changes, json)?;
            Ok(ExitCode::SUCCESS)
        }
        MappingCommand::Revert { version, json } => revert_cmd(&versions, version, json),
    }
}

/// A version number that does not exist is bad input on the command line (exit 2).
fn version_argument(e: Error) -> Error {
    if e.code == ErrorCode::NotFound {
        Error::invalid_input(e.message).field("VERSION")
    } else {
        e
    }
}

fn export_cmd(versions: &MappingStore<'_>, file: Option<&Path>) -> Result<ExitCode> {
    let current = versions.current()?;
    let text = export(&current.document)?;
    match file {
        None => {
            out!("{text}");
        }
        Some(path) => {
            write_atomically(path, &text)?;
            outln!(
                "wrote mapping version {} to {}",
                current.version,
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes beside the target and renames, so an interrupted export never leaves half a file.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid_input(format!("{} is not a file path", path.display())))?;
    let tmp = path.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::new(
                ErrorCode::Io,
                format!("cannot write {}: {e}", path.display()),
            )
        })
}

/// Reads a document file; an unreadable FILE argument is bad input (exit 2).
fn read_document(path: &Path) -> Result<String> {
    let unreadable = |e: std::io::Error| {
        Error::invalid_input(format!("cannot read {}: {e}", path.display())).field("FILE")
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_DOCUMENT_BYTES {
        return Err(Error::invalid_input(format!(
            "{} is {size} bytes; a mapping document is far smaller (limit {MAX_DOCUMENT_BYTES})",
            path.display()
        ))
        .field("FILE"));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::invalid_input(format!(
            "{} is not UTF-8 text (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
        .field("FILE")
    })
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportOutcome<'a> {
    version: u32,
    created: bool,
    changes: &'a [mapping::Change],
}

fn import_cmd(
    versions: &MappingStore<'_>,
    file: &Path,
    note: Option<&str>,
    json: bool,
) -> Result<ExitCode> {
    let text = read_document(file)?;
    let doc = mapping::import(&text)?;
    let parsed = mapping::parse(&text)?;
    let before = versions.current()?;
    let saved = versions.save(&doc, note)?;
    let changes = mapping::diff(&before.document, &doc)?;
    // Warnings do not block an import, but the admin should see them.
    let mut warnings = mapping::validate_with(&doc, None, &ChatFields::standard())?;
    parsed.locate(&mut warnings);
    for w in &warnings {
        eprintln!("{}", problem_line(w));
    }
    if json {
        output::json_line(&ImportOutcome {
            version: saved.version,
            created: saved.created,
            changes: &changes,
        })?;
    } else if saved.created {
        outln!("saved mapping version {}", saved.version);
        for change in &changes {
            outln!("  {}", change.summary());
        }
    } else {
        outln!(
            "unchanged: {} equals version {}",
            file.display(),
            saved.version
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn validate_cmd(
    ctx: &Context,
    file: Option<&Path>,
    describe_dir: Option<&Path>,
    json: bool,
) -> Result<ExitCode> {
    let parsed = file
        .map(|path| mapping::parse(&read_document(path)?))
        .transpose()?;
    let doc = match &parsed {
        Some(parsed) => parsed.document.clone(),
        None => MappingStore::new(&ctx.store).current()?.document,
    };
    let mut problems = match describe_dir {
        Some(dir) => {
            mapping::validate_with(&doc, Some(&DescribeDir::new(dir)), &ChatFields::standard())?
        }
        // The connected org's describes, as the Mapping screen checks them.
        None => {
            let validation = runtime()?.block_on(validate_live(&doc, &ctx.store, ctx.client()))?;
            if let Some(e) = &validation.org_error {
                eprintln!(
                    "note: org checks skipped: {} ({}); connect an org with `leadbridge org connect`, or pass --describe-dir DIR",
                    e.message,
                    e.code.as_str()
                );
            }
            validation.problems
        }
    };
    if let Some(parsed) = &parsed {
        parsed.locate(&mut problems);
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    if json {
        for p in &problems {
            output::json_line(p)?;
        }
    } else {
        for p in &problems {
            outln!("{}", problem_line(p));
        }
        let warnings = problems.len() - errors;
        if problems.is_empty() {
            outln!("no problems");
        } else {
            outln!("{errors} error(s), {warnings} warning(s)");
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(output::EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// `error[UNKNOWN_FIELD] objects.Lead[3].target (line 24): Lead has no field "X"`
fn problem_line(p: &Problem) -> String {
    let severity = match p.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let line = p.line.map(|l| format!(" (line {l})")).unwrap_or_default();
    format!(
        "{severity}[{}] {}{line}: {}",
        p.code.as_str(),
        p.path,
        p.message
    )
}

fn history_cmd(versions: &MappingStore<'_>, json: bool) -> Result<ExitCode> {
    let history = versions.history()?;
    if json {
        for v in &history {
            output::json_line(v)?;
        }
    } else if history.is_empty() {
        outln!("no saved versions: the default mapping is in force (version 0)");
    } else {
        for v in &history {
            outln!(
                "{:>4}  {}  {}",
                v.version,
                v.saved_at,
                v.note.as_deref().unwrap_or("")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_changes(changes: &[mapping::Change], json: bool) -> Result<()> {
    if json {
        for c in changes {
            output::json_line(c)?;
        }
    } else if changes.is_empty() {
        outln!("no changes");
    } else {
        for c in changes {
            outln!("{}", c.summary());
        }
    }
    Ok(())
}

fn revert_cmd(versions: &MappingStore<'_>, version: u32, json: bool) -> Result<ExitCode> {
    let before = versions.current()?;
    let saved = versions.revert(version).map_err(version_argument)?;
    if json {
        output::json_line(&saved)?;
    } else if saved.created {
        outln!(
            "saved mapping version {} (restores version {version})",
            saved.version
        );
        for change in versions.diff(before.version, saved.version)? {
            outln!("  {}", change.summary());
        }
    } else {
        outln!(
            "unchanged: version {version} equals the version in force ({})",
            saved.version
        );
    }
    Ok(ExitCode::SUCCESS)
}
