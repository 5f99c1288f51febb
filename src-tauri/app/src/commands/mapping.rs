//! The Mapping screen: the mapping document's versions, the chat fields, the org's describes
//! and Campaigns, and validation. Editing happens in the UI; every save is a new version.

use leadbridge_core::contacts::{chat_fields, ChatField};
use leadbridge_core::mapping::{
    list_campaigns, validate_live, CampaignOption, Change, MappingDocument, MappingStore, Saved,
    Validation, VersionSummary, VersionedDocument,
};
use leadbridge_core::salesforce::describe::SObjectDescribe;
use leadbridge_core::Error;
use tauri::State;

use crate::state::AppState;

/// The document in force and its version (0: the built-in default, nothing saved yet).
#[tauri::command]
pub fn mapping_current(state: State<'_, AppState>) -> Result<VersionedDocument, Error> {
    MappingStore::new(&state.core()?.store).current()
}

/// One saved version (0 is the default document).
#[tauri::command]
pub fn mapping_version(
    state: State<'_, AppState>,
    version: u32,
) -> Result<VersionedDocument, Error> {
    MappingStore::new(&state.core()?.store).get(version)
}

/// Saves the edited document as a new version; refused, saving nothing, when it has errors.
#[tauri::command]
pub fn mapping_save(
    state: State<'_, AppState>,
    document: MappingDocument,
    note: Option<String>,
) -> Result<Saved, Error> {
    MappingStore::new(&state.core()?.store).save(&document, note.as_deref())
}

/// Every saved version, newest first.
#[tauri::command]
pub fn mapping_history(state: State<'_, AppState>) -> Result<Vec<VersionSummary>, Error> {
    MappingStore::new(&state.core()?.store).history()
}

/// What changed from version `from` to version `to`.
#[tauri::command]
pub fn mapping_diff(state: State<'_, AppState>, from: u32, to: u32) -> Result<Vec<Change>, Error> {
    MappingStore::new(&state.core()?.store).diff(from, to)
}

/// Makes `version`'s document the one in force again, as a new version.
#[tauri::command]
pub fn mapping_revert(state: State<'_, AppState>, version: u32) -> Result<Saved, Error> {
    MappingStore::new(&state.core()?.store).revert(version)
}

/// The chat fields seen on stored contacts (the standard ones always), with an example and
/// how many contacts have each.
#[tauri::command]
pub fn mapping_chat_fields(state: State<'_, AppState>) -> Result<Vec<ChatField>, Error> {
    chat_fields(&state.core()?.store)
}

/// The active org's describe of `object`; `refresh` fetches it anew instead of the cache.
#[tauri::command]
pub async fn mapping_describe(
    state: State<'_, AppState>,
    object: String,
    refresh: bool,
) -> Result<SObjectDescribe, Error> {
    let client = state.core()?.client()?;
    let describe = if refresh {
        client.refresh_describe(&object).await?
    } else {
        client.describe(&object).await?
    };
    Ok((*describe).clone())
}

/// The problems of an edited (unsaved) document, against the active org when there is one.
#[tauri::command]
pub async fn mapping_validate(
    state: State<'_, AppState>,
    document: MappingDocument,
) -> Result<Validation, Error> {
    let core = state.core()?;
    validate_live(&document, &core.store, core.client()).await
}

/// The active org's Campaigns, by name.
#[tauri::command]
pub async fn mapping_campaigns(state: State<'_, AppState>) -> Result<Vec<CampaignOption>, Error> {
    list_campaigns(&state.core()?.client()?).await
}
