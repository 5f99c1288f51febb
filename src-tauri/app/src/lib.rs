//! The Tauri shell: opens the window, holds the core's state, and exposes thin command adapters.
//! No business logic lives here: each command translates arguments, calls one core function,
//! and returns its result or its `leadbridge_core::Error`.

mod commands;
mod state;

use leadbridge_core::salesforce::local_demo::DEMO_LISTEN;
use state::{AppState, LaunchOptions};
use tauri::Manager;

pub fn run() {
    let options = LaunchOptions::from_args(std::env::args().skip(1));
    let state = AppState::open(&options);
    tauri::Builder::default()
        .manage(state)
        .setup(move |app| {
            let state = app.state::<AppState>();
            open_main_window(app, state.core().ok().map(|c| c.data_dir.join("webview")))?;
            if let Ok(core) = state.core() {
                let active = leadbridge_core::profiles::active(&core.store)
                    .ok()
                    .flatten();
                let wants_demo = match &active {
                    None => options.demo_org,
                    Some(p) => is_local_demo(p),
                };
                if wants_demo {
                    // The demo org lives in this process: start it and log in again, so the
                    // window opens on a working org. Local and fast; failures show on Connect.
                    if let Err(e) =
                        tauri::async_runtime::block_on(commands::connect::connect_demo(core))
                    {
                        tracing::warn!(
                            "could not connect to the demo org at start-up: {}",
                            e.message
                        );
                    }
                }
                // The webhook receiver, when the admin left it on.
                tauri::async_runtime::block_on(commands::serve::resume_on_launch(core));
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::info::app_info,
            commands::connect::org_profiles,
            commands::connect::org_status,
            commands::connect::org_activate,
            commands::connect::org_connect,
            commands::connect::org_cancel_login,
            commands::connect::org_disconnect,
            commands::connect::org_api_usage,
            commands::connect::demo_org_connect,
            commands::contacts::contacts_list,
            commands::contacts::contacts_get,
            commands::contacts::contacts_import,
            commands::contacts::contacts_open_conversation,
            commands::mapping::mapping_current,
            commands::mapping::mapping_version,
            commands::mapping::mapping_save,
            commands::mapping::mapping_history,
            commands::mapping::mapping_diff,
            commands::mapping::mapping_revert,
            commands::mapping::mapping_chat_fields,
            commands::mapping::mapping_describe,
            commands::mapping::mapping_validate,
            commands::mapping::mapping_campaigns,
            commands::routing::routing_users,
            commands::routing::routing_chat_users,
            commands::routing::routing_suggest,
            commands::routing::routing_test,
            commands::soql::soql_check,
            commands::soql::soql_run,
            commands::soql::soql_next_page,
            commands::soql::soql_history,
            commands::soql::soql_history_clear,
            commands::soql::soql_objects,
            commands::soql::soql_preview,
            commands::deliveries::deliveries_list,
            commands::deliveries::deliveries_get,
            commands::deliveries::deliveries_error_codes,
            commands::deliveries::deliveries_stats,
            commands::deliveries::deliveries_retry,
            commands::deliveries::deliveries_cancel_retry,
            commands::deliveries::deliveries_mark_resolved,
            commands::deliveries::deliveries_export_csv,
            commands::deliveries::deliveries_settings,
            commands::deliveries::deliveries_set_settings,
            commands::serve::serve_status,
            commands::serve::serve_start,
            commands::serve::serve_stop,
            commands::serve::backflow_pull,
            commands::serve::serve_pending_reason,
            commands::detail::contact_detail,
            commands::detail::contact_linked,
            commands::detail::org_permissions,
            commands::detail::opportunity_form,
            commands::detail::opportunity_preview,
            commands::detail::opportunity_update,
            commands::sync::sync_preview,
            commands::sync::sync_push,
            commands::sync::sync_cancel,
            commands::sync::sync_status,
        ])
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}

/// The main window. The webview keeps its own storage (local storage, caches) inside the
/// data directory, so `--data-dir` moves everything the app writes.
fn open_main_window(
    app: &tauri::App,
    webview_dir: Option<std::path::PathBuf>,
) -> tauri::Result<()> {
    let mut builder = tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::default())
        .title("Leadbridge")
        .inner_size(1280.0, 800.0)
        .min_inner_size(960.0, 600.0);
    if let Some(dir) = webview_dir {
        builder = builder.data_directory(dir);
    }
    builder.build()?;
    Ok(())
}

/// A profile saved against the in-process demo org, which must be started again on launch.
fn is_local_demo(profile: &leadbridge_core::profiles::OrgProfile) -> bool {
    profile.login_url.trim_end_matches('/') == format!("http://{DEMO_LISTEN}")
}
