//! The Contacts screen: the inbox (filtered pages), one contact, and file import.
//!
//! These run off the main thread (`async`): a large import or page must not freeze the window.

use leadbridge_core::contacts::{self, store, Contact, ContactPage, ContactQuery, ImportReport};
use leadbridge_core::{Error, ErrorCode};
use serde_json::Value;
use tauri::ipc::{InvokeBody, Request};
use tauri::State;

use crate::state::AppState;

#[tauri::command(async)]
pub fn contacts_list(
    state: State<'_, AppState>,
    query: ContactQuery,
) -> Result<ContactPage, Error> {
    store::list(&state.core()?.store, &query)
}

#[tauri::command(async)]
pub fn contacts_get(state: State<'_, AppState>, email: String) -> Result<Contact, Error> {
    find(&state.core()?.store, &email)
}

fn find(store: &leadbridge_core::store::Store, email: &str) -> Result<Contact, Error> {
    store::get_by_email(store, email)?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!("no contact with email {email:?} in the inbox"),
        )
        .field("email")
    })
}

/// Opens one of the contact's conversation URLs in the system browser (a link followed inside
/// the webview would replace the app). Only URLs stored on that contact are opened, so the
/// webview cannot use this to launch arbitrary programs or addresses.
#[tauri::command(async)]
pub fn contacts_open_conversation(
    state: State<'_, AppState>,
    email: String,
    url: String,
) -> Result<(), Error> {
    let contact = find(&state.core()?.store, &email)?;
    let known = contact
        .conversation_url
        .iter()
        .chain(
            contact
                .conversations
                .iter()
                .filter_map(|c| c.conversation_url.as_ref()),
        )
        .any(|u| *u == url);
    let web = url.starts_with("https://") || url.starts_with("http://");
    if !known || !web {
        return Err(Error::invalid_input(format!(
            "{url:?} is not a conversation URL of {}",
            contact.email
        ))
        .field("url"));
    }
    open::that_detached(&url).map_err(|e| {
        Error::new(
            ErrorCode::Io,
            format!("cannot open the system browser: {e}. Open this URL yourself: {url}"),
        )
    })
}

/// Imports a file's bytes, sent as the raw request body (`invoke("contacts_import", bytes)`):
/// no JSON encoding of the file on the way in. When the webview falls back to the
/// postMessage channel, Tauri delivers the same bytes as a JSON array of numbers.
#[tauri::command(async)]
pub fn contacts_import(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<ImportReport, Error> {
    let core = state.core()?;
    match request.body() {
        InvokeBody::Raw(bytes) => contacts::import_bytes(&core.store, bytes),
        InvokeBody::Json(value) => contacts::import_bytes(&core.store, &bytes_of(value)?),
    }
}

fn bytes_of(value: &Value) -> Result<Vec<u8>, Error> {
    let not_bytes = || {
        Error::invalid_input("the import expects the file's bytes as the request body")
            .field("file")
    };
    value
        .as_array()
        .ok_or_else(not_bytes)?
        .iter()
        .map(|v| {
            v.as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .ok_or_else(not_bytes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_byte_arrays_decode_and_anything_else_is_refused() {
        assert_eq!(
            bytes_of(&serde_json::json!([123, 10, 255])).unwrap(),
            vec![123, 10, 255]
        );
        assert_eq!(bytes_of(&serde_json::json!([])).unwrap(), Vec::<u8>::new());
        for bad in [
            serde_json::json!({"bytes": [1]}),
            serde_json::json!([256]),
            serde_json::json!([-1]),
            serde_json::json!(["a"]),
        ] {
            let e = bytes_of(&bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
        }
    }
}
