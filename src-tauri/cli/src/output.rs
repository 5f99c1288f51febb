//! How the CLI reports: JSON for scripts, plain text for people, and exit statuses that follow
//! PRODUCT.md (0 ok, 1 some deliveries failed, 2 bad input or usage).

use std::process::ExitCode;

use leadbridge_core::Error;

/// Exit status for bad input or usage: nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// Exit status for a failure that is not the user's input.
pub const EXIT_FAILED: u8 = 1;

pub fn fail(e: &Error) -> ExitCode {
    eprintln!("error[{}]: {}", e.code.as_str(), e.message);
    if let Some(d) = &e.details {
        if let Some(line) = d.line {
            eprintln!(
                "  at line {line}{}",
                d.column
                    .map(|c| format!(", column {c}"))
                    .unwrap_or_default()
            );
        }
        if !d.fields.is_empty() {
            eprintln!("  field: {}", d.fields.join(", "));
        }
        if let Some(code) = &d.salesforce_code {
            eprintln!("  salesforce: {code}");
        }
    }
    exit_code(e)
}

/// The exit status for an error: 2 for the user's input, 1 otherwise.
pub fn exit_code(e: &Error) -> ExitCode {
    ExitCode::from(if e.is_usage() {
        EXIT_USAGE
    } else {
        EXIT_FAILED
    })
}

/// Prints one value as a single JSON line.
pub fn json_line<T: serde::Serialize>(value: &T) -> leadbridge_core::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}
