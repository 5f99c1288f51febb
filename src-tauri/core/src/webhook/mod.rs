//! What the webhook receiver (`serve`) checks before anything is stored: the body's
//! `X-Signature-256` HMAC ([`signature`]) and the event itself ([`parse`]). The HTTP server
//! lives elsewhere; it should read at most [`DEFAULT_MAX_BODY`] bytes, call
//! [`verify_signature`] on the raw bytes, then [`parse_event`], then
//! `contacts::store::ingest`.

pub mod parse;
pub mod signature;

pub use parse::{parse_event, EventError, DEFAULT_MAX_BODY};
pub use signature::{
    signature_header, verify_signature, SignatureError, SIGNATURE_HEADER, SIGNATURE_PREFIX,
};

/// The path chat platforms POST events to (PRODUCT.md: a fixed name scripts depend on).
pub const WEBHOOK_PATH: &str = "/webhooks/lead-events";
