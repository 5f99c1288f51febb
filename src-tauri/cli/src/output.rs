//! How the CLI reports: JSON for scripts, plain text for people, and exit statuses that follow
//! PRODUCT.md (0 ok, 1 some deliveries failed, 2 bad input or usage).

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};

use leadbridge_core::Error;

/// `print!` for the command's output (see [`write_out`]).
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_out(format_args!($($arg)*), false) };
}

/// `println!` for the command's output (see [`write_out`]).
macro_rules! outln {
    ($($arg:tt)*) => { $crate::output::write_out(format_args!($($arg)*), true) };
}

/// Writes to stdout. A reader that stops early (`leadbridge log list | head`) ends the process
/// quietly with status 0 (or the status the command recorded, [`set_status_if_closed`]), as
/// other command-line tools do, where `println!` would panic; any
/// other write error (a full disk behind `>`) is reported and exits 1. The work the output
/// describes is already recorded by then: no contact or delivery depends on it being read.
pub fn write_out(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut out = stdout();
    let written = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        eprintln!("error[IO]: cannot write the output: {e}");
        std::process::exit(i32::from(EXIT_FAILED));
    }
}

/// Stdout as an [`std::io::Write`] for output that goes through a writer (a listing behind a
/// `BufWriter`, a CSV export), with [`write_out`]'s rule for a reader that stops early: the
/// process ends there, quietly. Any other write error goes back to the caller,
/// which reports it in its own words.
pub struct Stdout(std::io::StdoutLock<'static>);

/// The command's stdout (see [`Stdout`]); it holds the lock until dropped.
pub fn stdout() -> Stdout {
    Stdout(std::io::stdout().lock())
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).map_err(end_if_closed)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().map_err(end_if_closed)
    }
}

/// The status a closed pipe ends the process with: 0 unless the command already knows its
/// outcome is a failure (see [`set_status_if_closed`]).
static STATUS_IF_CLOSED: AtomicU8 = AtomicU8::new(0);

/// Records the status the command will end with, before it prints its results, so a reader
/// that stops early does not turn "some deliveries failed" (1) into success (0).
pub fn set_status_if_closed(status: u8) {
    STATUS_IF_CLOSED.store(status, Ordering::Relaxed);
}

fn end_if_closed(e: std::io::Error) -> std::io::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(i32::from(STATUS_IF_CLOSED.load(Ordering::Relaxed)));
    }
    e
}

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
    outln!("{}", serde_json::to_string(value)?);
    Ok(())
}
