//! Target secrets (application passwords, Admin API keys, tokens) in the system keyring: the
//! Secret Service on Linux (gnome-keyring, KWallet). Never in the essays folder, the store or a
//! config file. One entry per target, service `quire`, account `target:<name>`.

use crate::error::{Error, Result};

const SERVICE: &str = "quire";

fn entry(target: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &format!("target:{target}")).map_err(|e| keyring_error(target, e))
}

fn keyring_error(target: &str, error: keyring::Error) -> Error {
    let message = match error {
        keyring::Error::NoStorageAccess(e) | keyring::Error::PlatformFailure(e) => format!(
            "the system keyring could not be used ({e}); Quire keeps publishing secrets only there. Start or unlock your keyring (gnome-keyring, KWallet) and try again"
        ),
        other => format!("the system keyring failed: {other}"),
    };
    Error::Remote {
        target: target.to_string(),
        message,
    }
}

/// Keeps `secret` as the target's.
pub fn save(target: &str, secret: &str) -> Result<()> {
    entry(target)?
        .set_password(secret)
        .map_err(|e| keyring_error(target, e))
}

/// The target's secret, `None` when the keyring holds none.
pub fn read(target: &str) -> Result<Option<String>> {
    match entry(target)?.get_password() {
        Ok(secret) => Ok(Some(secret)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(target, e)),
    }
}

/// Forgets the target's secret (nothing to forget is fine).
pub fn forget(target: &str) -> Result<()> {
    match entry(target)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(target, e)),
    }
}
