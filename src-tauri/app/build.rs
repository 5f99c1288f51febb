//! Least privilege for the app's own commands. Every command registered in `generate_handler!`
//! (src/lib.rs) is declared to tauri-build, which then generates an `allow-<command>`
//! permission for each and denies any command the window's capability does not grant. The
//! list is read from lib.rs itself, so it cannot drift from what is registered, and the build
//! fails when capabilities/default.json does not grant a registered command: a command the UI
//! cannot call is a bug caught here rather than at run time.

use std::fs;
use std::path::Path;

const HANDLER_SOURCE: &str = "src/lib.rs";
const CAPABILITY: &str = "capabilities/default.json";

fn main() {
    println!("cargo:rerun-if-changed={HANDLER_SOURCE}");
    println!("cargo:rerun-if-changed={CAPABILITY}");

    let source = read(HANDLER_SOURCE);
    let commands = match registered_commands(&source) {
        Ok(commands) => commands,
        Err(why) => fail(&format!(
            "cannot read the command list in {HANDLER_SOURCE}: {why}"
        )),
    };
    let capability = read(CAPABILITY);
    let missing: Vec<String> = commands
        .iter()
        .map(|c| permission(c))
        .filter(|p| !capability.contains(&format!("\"{p}\"")))
        .collect();
    if !missing.is_empty() {
        fail(&format!(
            "{CAPABILITY} does not grant {} registered command(s). Add these lines to its \
             \"permissions\" list (one per command in generate_handler! in {HANDLER_SOURCE}):\n{}",
            missing.len(),
            missing
                .iter()
                .map(|p| format!("    \"{p}\","))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }

    // tauri-build wants a 'static list; a build script runs once, so leaking it is fine.
    let commands: &'static [&'static str] = Box::leak(
        commands
            .into_iter()
            .map(|c| &*Box::leak(c.into_boxed_str()))
            .collect::<Vec<&'static str>>()
            .into_boxed_slice(),
    );
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(e) = tauri_build::try_build(attributes) {
        fail(&format!("tauri-build failed: {e:#}"));
    }
}

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(path))
        .unwrap_or_else(|e| fail(&format!("cannot read src-tauri/app/{path}: {e}")))
}

/// The permission tauri-build generates for a command: `allow-` and the name with dashes.
fn permission(command: &str) -> String {
    format!("allow-{}", command.replace('_', "-"))
}

/// The function names inside `generate_handler![ ... ]`: the last path segment of each entry.
fn registered_commands(source: &str) -> Result<Vec<String>, String> {
    let start = source
        .find("generate_handler![")
        .ok_or("no `generate_handler![` found")?
        + "generate_handler![".len();
    let end = source[start..]
        .find(']')
        .ok_or("`generate_handler![` is not closed")?
        + start;
    let mut commands = Vec::new();
    for line in source[start..end].lines() {
        let code = line.split("//").next().unwrap_or("");
        for entry in code.split(',') {
            let path = entry.trim();
            if path.is_empty() {
                continue;
            }
            let name = path.rsplit("::").next().unwrap_or(path).trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("`{path}` is not a command path"));
            }
            if commands.iter().any(|c| c == name) {
                return Err(format!("`{name}` is registered twice"));
            }
            commands.push(name.to_string());
        }
    }
    if commands.is_empty() {
        return Err("generate_handler! lists no command".into());
    }
    Ok(commands)
}

fn fail(message: &str) -> ! {
    // cargo shows a build script's stderr when it fails; one clear block, no backtrace.
    eprintln!("\nerror: {message}\n");
    std::process::exit(1)
}
