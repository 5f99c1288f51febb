//! A contact's page (PRODUCT.md "Contact detail and org permissions"): the conversation and
//! its delivery history from the local store, the Salesforce records it is linked to (one
//! Composite call), and changes to its Opportunity — stage, amount, close date — validated
//! against describe, previewed before → after, guarded by the user's rights and recorded in
//! the delivery log.
//!
//! - [`contact_detail`]: local only, no call.
//! - [`linked::fetch`]: the Lead or Contact, the matched Account and its Opportunities.
//! - [`opportunity::form`] / [`opportunity::preview`] / [`opportunity::update`].

pub mod linked;
pub mod model;
pub mod opportunity;

#[cfg(test)]
mod tests;

pub use linked::fetch as linked_records;
pub use model::*;

use crate::contacts;
use crate::deliveries;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// Deliveries shown on a contact's page; the Deliveries screen has the rest.
pub const HISTORY_LIMIT: u32 = 50;

/// The contact as captured, with its newest deliveries. Makes no call.
pub fn contact_detail(store: &Store, email: &str) -> Result<ContactDetail> {
    let contact = find_contact(store, email)?;
    let (deliveries, deliveries_total) =
        deliveries::for_email(&store.conn(), &contact.email, HISTORY_LIMIT)?;
    Ok(ContactDetail {
        contact,
        deliveries,
        deliveries_total,
    })
}

/// The inbox contact with this email, or NOT_FOUND naming it.
pub(crate) fn find_contact(store: &Store, email: &str) -> Result<contacts::Contact> {
    let email = email.trim();
    if email.is_empty() {
        return Err(Error::invalid_input("give the contact's email").field("email"));
    }
    contacts::store::get_by_email(store, email)?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!("no contact with email {email:?} in the inbox"),
        )
        .field("email")
    })
}
