//! The Contact page and the Connect screen's permissions table: thin adapters over
//! `leadbridge_core::detail` and `salesforce::permissions`.

use leadbridge_core::detail::{
    self, ContactDetail, LinkedRecords, OpportunityChange, OpportunityForm, OpportunityPreview,
    OpportunityUpdateResult,
};
use leadbridge_core::salesforce::permissions::{self, OrgPermissions};
use leadbridge_core::Error;
use tauri::State;

use crate::state::AppState;

/// The contact as captured and its delivery history. Local: makes no call.
#[tauri::command(async)]
pub fn contact_detail(state: State<'_, AppState>, email: String) -> Result<ContactDetail, Error> {
    detail::contact_detail(&state.core()?.store, &email)
}

/// The Salesforce records the contact is linked to (one Composite call).
#[tauri::command]
pub async fn contact_linked(
    state: State<'_, AppState>,
    email: String,
) -> Result<LinkedRecords, Error> {
    let core = state.core()?;
    detail::linked_records(&core.client()?, &core.store, &email).await
}

/// What the connected user may do; `refresh` reads the describes anew.
#[tauri::command]
pub async fn org_permissions(
    state: State<'_, AppState>,
    refresh: bool,
) -> Result<OrgPermissions, Error> {
    let client = state.core()?.client()?;
    if refresh {
        permissions::refresh(&client).await
    } else {
        permissions::read(&client).await
    }
}

#[tauri::command]
pub async fn opportunity_form(
    state: State<'_, AppState>,
    opportunity_id: String,
) -> Result<OpportunityForm, Error> {
    detail::opportunity::form(&state.core()?.client()?, &opportunity_id).await
}

#[tauri::command]
pub async fn opportunity_preview(
    state: State<'_, AppState>,
    change: OpportunityChange,
) -> Result<OpportunityPreview, Error> {
    detail::opportunity::preview(&state.core()?.client()?, &change).await
}

/// Sends the confirmed change; it is recorded in the delivery log under `email`.
#[tauri::command]
pub async fn opportunity_update(
    state: State<'_, AppState>,
    email: String,
    change: OpportunityChange,
) -> Result<OpportunityUpdateResult, Error> {
    let core = state.core()?;
    detail::opportunity::update(&core.client()?, &core.store, &email, &change).await
}
