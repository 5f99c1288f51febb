//! Contacts: people captured in chat (pipeline step 1). They arrive as chat events, from a
//! file ([`import`]) or the webhook receiver (`crate::webhook`); both validate through
//! [`event::Event::from_value`] and store through [`store::apply_event`], so there is one
//! code path from payload to inbox.

pub mod email;
pub mod event;
pub mod import;
pub mod model;
pub mod store;

pub use event::{Event, EventBody, EventKind};
pub use import::{import_bytes, import_file, ImportReport};
pub use model::{
    ChatField, Contact, ContactAgents, ContactEvent, ContactEventKind, Conversation,
    ConversationStatus,
};
pub use store::{chat_fields, ContactPage, ContactQuery, ContactSort};

#[cfg(test)]
mod tests;
