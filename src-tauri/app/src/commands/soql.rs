//! The SOQL screen: live guard feedback, Run (recorded in the history), next pages, the
//! objects for completion (fields come from `mapping_describe`), and the app's own queries
//! for a contact of the inbox.

use leadbridge_core::salesforce::records::DescribeGlobal;
use leadbridge_core::soql::history::{self, HistoryEntry};
use leadbridge_core::soql::{self, ConsoleCheck, ContactPreview, QueryResult};
use leadbridge_core::Error;
use tauri::State;

use crate::state::AppState;

/// The guard's verdict while the person types. Local: makes no call.
#[tauri::command(async)]
pub fn soql_check(text: String) -> ConsoleCheck {
    soql::console_check(&text)
}

/// Runs the statement (refused ones send nothing) and puts it on top of the history.
#[tauri::command]
pub async fn soql_run(
    state: State<'_, AppState>,
    text: String,
    max_rows: u32,
) -> Result<QueryResult, Error> {
    let core = state.core()?;
    history::run_and_record(&core.store, &core.client()?, &text, max_rows as usize).await
}

/// The page at a result's `nextRecordsUrl`, lined up with the columns shown so far.
#[tauri::command]
pub async fn soql_next_page(
    state: State<'_, AppState>,
    next_records_url: String,
    columns: Vec<String>,
) -> Result<QueryResult, Error> {
    soql::next_page(&state.core()?.client()?, &next_records_url, &columns).await
}

#[tauri::command(async)]
pub fn soql_history(state: State<'_, AppState>) -> Result<Vec<HistoryEntry>, Error> {
    history::list(&state.core()?.store)
}

#[tauri::command(async)]
pub fn soql_history_clear(state: State<'_, AppState>) -> Result<(), Error> {
    history::clear(&state.core()?.store)
}

/// The objects the connected user can see (describe global), for object completion.
#[tauri::command]
pub async fn soql_objects(state: State<'_, AppState>) -> Result<DescribeGlobal, Error> {
    state.core()?.client()?.describe_global().await
}

/// The statements a sync of this inbox contact sends (the Account lookup only with an org).
#[tauri::command]
pub async fn soql_preview(
    state: State<'_, AppState>,
    email: String,
) -> Result<ContactPreview, Error> {
    let core = state.core()?;
    let client = core.client().ok();
    soql::preview_for_contact(&core.store, client.as_ref(), &email).await
}
