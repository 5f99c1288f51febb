// Without this a release build on Windows would open a console window beside the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// build.rs's capability check, compiled here too so that `cargo test` runs its unit tests.
#[cfg(test)]
#[path = "../build_support/capabilities.rs"]
mod capabilities;

fn main() {
    leadbridge_app::run();
}
