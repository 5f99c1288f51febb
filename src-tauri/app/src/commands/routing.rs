//! The Routing screen: the org's Users and the chat users seen on contacts (for the pickers
//! and the user mapping table), mapping suggestions, and "test a contact" under the routing
//! configuration being edited. Saving goes through `mapping_save`: routing lives in the
//! mapping document.

use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::routing::model::UserMapping;
use leadbridge_core::routing::{
    chat_users, fetch_users, suggest_user_mapping, test_contact, RoutingTrial, SalesforceUser,
    TrialContact, UserMappingSuggestion,
};
use leadbridge_core::Error;
use tauri::State;

use crate::state::AppState;

/// Every User of the active org, active and inactive, by name (one query).
#[tauri::command]
pub async fn routing_users(state: State<'_, AppState>) -> Result<Vec<SalesforceUser>, Error> {
    fetch_users(&state.core()?.client()?).await
}

/// The chat users (agent emails) recorded on stored contacts.
#[tauri::command(async)]
pub fn routing_chat_users(state: State<'_, AppState>) -> Result<Vec<String>, Error> {
    chat_users(&state.core()?.store)
}

/// What the user mapping table shows for each chat user under the edited `userMapping`,
/// given the Users `routing_users` returned (pure: no call to Salesforce).
#[tauri::command]
pub fn routing_suggest(
    chat_users: Vec<String>,
    users: Vec<SalesforceUser>,
    user_mapping: Vec<UserMapping>,
) -> Vec<UserMappingSuggestion> {
    suggest_user_mapping(&chat_users, &users, &user_mapping)
}

/// The owner `contact`'s Lead would get under `document` (saved or not), and why.
#[tauri::command]
pub async fn routing_test(
    state: State<'_, AppState>,
    document: MappingDocument,
    contact: TrialContact,
) -> Result<RoutingTrial, Error> {
    let core = state.core()?;
    let client = core.client()?;
    test_contact(&client, &core.store, &document, &contact).await
}
