//! Least privilege for the app's own commands. Every command registered in `generate_handler!`
//! (src/lib.rs) is declared to tauri-build, which then generates an `allow-<command>`
//! permission for each and denies any command the window's capability does not grant. The
//! list is read from lib.rs itself, so it cannot drift from what is registered, and the build
//! fails when capabilities/default.json does not grant a registered command: a command the UI
//! cannot call is a bug caught here rather than at run time.

#[path = "build_support/capabilities.rs"]
mod capabilities;

use std::fs;
use std::path::Path;

const HANDLER_SOURCE: &str = "src/lib.rs";
const CAPABILITY: &str = "capabilities/default.json";

fn main() {
    println!("cargo:rerun-if-changed={HANDLER_SOURCE}");
    println!("cargo:rerun-if-changed={CAPABILITY}");
    println!("cargo:rerun-if-changed=build_support/capabilities.rs");

    let commands = capabilities::checked_commands(
        &format!("src-tauri/app/{HANDLER_SOURCE}"),
        &read(HANDLER_SOURCE),
        &format!("src-tauri/app/{CAPABILITY}"),
        &read(CAPABILITY),
    )
    .unwrap_or_else(|message| fail(&message));

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

fn fail(message: &str) -> ! {
    // cargo shows a build script's stderr when it fails; one clear block, no backtrace.
    eprintln!("\nerror: {message}\n");
    std::process::exit(1)
}
