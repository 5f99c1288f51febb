//! About this installation.

use leadbridge_core::app_info::AppInfo;
use leadbridge_core::Error;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, Error> {
    let core = state.core()?;
    leadbridge_core::app_info::app_info(&core.data_dir, &core.store)
}
