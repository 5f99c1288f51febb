//! Tokens and client secrets live in the OS keyring, nowhere else.
//!
//! Entries: service `dev.leadbridge.app`, account `<data-dir hash>/<profile>/<kind>`. The hash
//! of the canonical data-dir path keeps two installations (or two test runs, each with its
//! own temporary data dir) from ever reading or deleting each other's entries.
//!
//! The keyring crate blocks (D-Bus round trips), so every call runs on tokio's blocking pool.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::salesforce::secret::Secret;
use crate::{Error, ErrorCode, Result, APP_IDENTIFIER};

/// The keyring service name of every Leadbridge entry.
pub const KEYRING_SERVICE: &str = APP_IDENTIFIER;

/// What an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
    ClientSecret,
    /// The `serve` receiver's webhook secret (the app's "Automated delivery" panel). Not an org
    /// profile's secret, so not in [`TokenKind::ALL`]: it is kept under the reserved profile
    /// name [`crate::serve::settings::SECRET_PROFILE`].
    WebhookSecret,
}

impl TokenKind {
    pub const ALL: [TokenKind; 3] = [
        TokenKind::Access,
        TokenKind::Refresh,
        TokenKind::ClientSecret,
    ];

    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
            TokenKind::ClientSecret => "client-secret",
            TokenKind::WebhookSecret => "webhook-secret",
        }
    }
}

/// The keyring entries of one data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenVault {
    namespace: String,
}

impl TokenVault {
    /// The vault of the installation whose data lives in `data_dir`.
    pub fn for_data_dir(data_dir: &Path) -> Result<TokenVault> {
        let canonical = data_dir.canonicalize().map_err(|e| {
            Error::new(
                ErrorCode::DataDir,
                format!(
                    "cannot resolve the data directory {}: {e}",
                    data_dir.display()
                ),
            )
        })?;
        let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
        // 12 bytes of SHA-256: short enough to read in a keyring browser, far too long to collide.
        let namespace = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        Ok(TokenVault { namespace })
    }

    /// The data-dir hash that prefixes every account name.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The keyring account name for one secret of one profile.
    pub fn account(&self, profile: &str, kind: TokenKind) -> String {
        format!("{}/{profile}/{}", self.namespace, kind.as_str())
    }

    pub async fn get(&self, profile: &str, kind: TokenKind) -> Result<Option<Secret>> {
        let account = self.account(profile, kind);
        blocking(move || {
            let entry = entry(&account)?;
            match entry.get_password() {
                Ok(value) => Ok(Some(Secret::new(value))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(keyring_error("read", &account, e)),
            }
        })
        .await
    }

    pub async fn set(&self, profile: &str, kind: TokenKind, value: &Secret) -> Result<()> {
        let account = self.account(profile, kind);
        let value = value.clone();
        blocking(move || {
            entry(&account)?
                .set_password(value.expose())
                .map_err(|e| keyring_error("write", &account, e))
        })
        .await
    }

    /// Removes one entry; a missing entry is fine.
    pub async fn delete(&self, profile: &str, kind: TokenKind) -> Result<()> {
        let account = self.account(profile, kind);
        blocking(move || match entry(&account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error("delete", &account, e)),
        })
        .await
    }

    /// Removes every entry of a profile.
    pub async fn delete_all(&self, profile: &str) -> Result<()> {
        for kind in TokenKind::ALL {
            self.delete(profile, kind).await?;
        }
        Ok(())
    }
}

fn entry(account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, account).map_err(|e| keyring_error("open", account, e))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::internal(format!("the keyring task failed: {e}")))?
}

/// Never formats the stored value: `BadEncoding` carries the raw bytes.
fn keyring_error(action: &str, account: &str, e: keyring::Error) -> Error {
    let why = match e {
        keyring::Error::BadEncoding(_) => "the stored value is not valid UTF-8".to_string(),
        keyring::Error::NoStorageAccess(inner) => {
            format!("the keyring is locked or refused access ({inner})")
        }
        keyring::Error::PlatformFailure(inner) => {
            format!("the OS keyring is not available ({inner})")
        }
        other => other.to_string(),
    };
    Error::new(
        ErrorCode::Keyring,
        format!("cannot {action} the keyring entry {KEYRING_SERVICE} / {account}: {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_depends_on_the_canonical_data_dir() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let va = TokenVault::for_data_dir(a.path()).unwrap();
        let vb = TokenVault::for_data_dir(b.path()).unwrap();
        assert_ne!(va.namespace(), vb.namespace());
        assert_eq!(va.namespace().len(), 24);
        // The same directory through a different spelling is the same installation.
        let dotted = a
            .path()
            .join(".")
            .join("..")
            .join(a.path().file_name().unwrap());
        assert_eq!(TokenVault::for_data_dir(&dotted).unwrap(), va);
        assert_eq!(
            va.account("prod", TokenKind::Refresh),
            format!("{}/prod/refresh", va.namespace())
        );
        assert_eq!(
            va.account("prod", TokenKind::ClientSecret),
            format!("{}/prod/client-secret", va.namespace())
        );
    }

    #[test]
    fn a_missing_data_dir_is_a_data_dir_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = TokenVault::for_data_dir(&tmp.path().join("missing")).unwrap_err();
        assert_eq!(err.code, ErrorCode::DataDir);
    }
}
