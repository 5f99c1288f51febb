//! What every client of one profile shares inside this process: the current access token,
//! the lock that lets only one token renewal run at a time, the describe cache and the
//! latest API usage. Keyed by `<data-dir hash>/<profile>`, so two data dirs never share.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use super::describe::SObjectDescribe;
use super::limits::ApiUsage;
use super::secret::Secret;

#[derive(Default)]
pub(crate) struct Session {
    pub access: Mutex<Option<Secret>>,
    /// Held for the whole of a renewal; whoever waited re-reads the token afterwards.
    pub renew_lock: tokio::sync::Mutex<()>,
    /// How many times a new access token was fetched (refresh or client credentials).
    pub renewals: AtomicU64,
    /// By lower-cased object name (Salesforce names are case-insensitive).
    pub describes: Mutex<HashMap<String, Arc<SObjectDescribe>>>,
    pub usage: Mutex<Option<ApiUsage>>,
}

static SESSIONS: LazyLock<Mutex<HashMap<String, Arc<Session>>>> = LazyLock::new(Default::default);

/// A poisoned lock only means a panic elsewhere; the data inside is still consistent.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn shared(key: &str) -> Arc<Session> {
    lock(&SESSIONS).entry(key.to_string()).or_default().clone()
}

/// Drops the shared state of a profile (after connect or disconnect), so no client opened
/// later reuses a token or a describe from before.
pub(crate) fn forget(key: &str) {
    lock(&SESSIONS).remove(key);
}
