//! What the server shares between requests: configuration, the org, sessions and faults.

use std::sync::{Mutex, MutexGuard};

use crate::faults::SharedFaults;
use crate::oauth::AuthState;
use crate::rest::cursors::Cursors;
use crate::store::Org;
use crate::DemoOrgConfig;

/// The records plus open query cursors; one lock, so a query and its paging see one state.
#[derive(Debug)]
pub struct Engine {
    pub org: Org,
    pub cursors: Cursors,
    /// Bulk API 2.0 ingest jobs (under the same lock: they write the same records).
    pub bulk: crate::bulk::BulkJobs,
}

#[derive(Debug)]
pub struct Shared {
    pub config: DemoOrgConfig,
    /// `http://127.0.0.1:PORT`: the instance URL and login URL.
    pub base_url: String,
    pub engine: Mutex<Engine>,
    pub auth: Mutex<AuthState>,
    pub faults: SharedFaults,
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: the demo org keeps
/// serving rather than failing every later call.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
