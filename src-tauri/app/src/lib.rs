//! The Tauri shell: opens the window, holds the core's state, and exposes thin command adapters.
//! No business logic lives here: each command translates arguments, calls one core function,
//! and returns its result or its `leadbridge_core::Error`.

mod commands;
mod state;

use state::AppState;

pub fn run() {
    let state = AppState::open_from_env();
    tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::info::app_info])
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}
