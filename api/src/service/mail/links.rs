//! Unsubscribe links that work without signing in: what to stop and until when, signed with
//! HMAC-SHA256 under a key derived from the server's token secret. Nothing is stored: a link
//! proves itself, and expires.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// How long an unsubscribe link works: long enough for an old mail to still stop the next one.
pub const UNSUBSCRIBE_LINK_DAYS: i64 = 180;

/// What an unsubscribe link stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stop", rename_all = "snake_case")]
pub enum Unsubscribe {
    /// One saved search's alerts.
    SavedSearch { id: i32 },
    /// The mails an account gets about its applications' steps.
    ApplicationUpdates { account: i32 },
    /// A recruiter's daily digest.
    RecruiterDigest { account: i32 },
}

#[derive(Serialize, Deserialize)]
struct Signed {
    #[serde(flatten)]
    what: Unsubscribe,
    /// Expiry, in seconds since the epoch.
    exp: i64,
}

/// Signs and checks unsubscribe links.
#[derive(Clone)]
pub struct LinkSigner {
    key: [u8; 32],
}

impl LinkSigner {
    /// A signer whose key is derived from `secret` (the token secret), so that one secret to
    /// configure covers both and a leaked link key says nothing of the token key.
    pub fn derive(secret: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"jobboard mail links v1\0");
        hasher.update(secret);
        Self {
            key: hasher.finalize().into(),
        }
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        // HMAC takes keys of any length: `new_from_slice` cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()));
        mac.update(payload);
        mac
    }

    /// A link token for `what`, valid for [`UNSUBSCRIBE_LINK_DAYS`] from `now`.
    pub fn sign(&self, what: Unsubscribe, now: DateTime<Utc>) -> String {
        let signed = Signed {
            what,
            exp: (now + Duration::days(UNSUBSCRIBE_LINK_DAYS)).timestamp(),
        };
        // Serialising a plain struct cannot fail.
        let payload = serde_json::to_vec(&signed).unwrap_or_default();
        let tag = self.mac(&payload).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// What a link token stops, if this server signed it and it has not expired; otherwise
    /// [`AppError::InvalidToken`].
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> AppResult<Unsubscribe> {
        let (payload, tag) = token.split_once('.').ok_or(AppError::InvalidToken)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| AppError::InvalidToken)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| AppError::InvalidToken)?;
        self.mac(&payload)
            .verify_slice(&tag)
            .map_err(|_| AppError::InvalidToken)?;
        let signed: Signed =
            serde_json::from_slice(&payload).map_err(|_| AppError::InvalidToken)?;
        if signed.exp <= now.timestamp() {
            return Err(AppError::InvalidToken);
        }
        Ok(signed.what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_accepted_until_it_expires() {
        let signer = LinkSigner::derive(b"secret");
        let now = Utc::now();
        let what = Unsubscribe::SavedSearch { id: 7 };
        let token = signer.sign(what, now);
        assert_eq!(signer.verify(&token, now).unwrap(), what);
        let later = now + Duration::days(UNSUBSCRIBE_LINK_DAYS) + Duration::seconds(1);
        assert!(matches!(
            signer.verify(&token, later),
            Err(AppError::InvalidToken)
        ));
    }

    #[test]
    fn forged_and_foreign_links_are_refused() {
        let signer = LinkSigner::derive(b"secret");
        let now = Utc::now();
        let token = signer.sign(Unsubscribe::SavedSearch { id: 7 }, now);
        // Another server's link.
        assert!(LinkSigner::derive(b"other").verify(&token, now).is_err());
        // Another search, with the first one's signature.
        let (_, tag) = token.split_once('.').unwrap();
        let forged_payload = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"stop":"saved_search","id":8,"exp":{}}}"#,
            now.timestamp() + 1000
        ));
        assert!(signer
            .verify(&format!("{forged_payload}.{tag}"), now)
            .is_err());
        for garbage in ["", ".", "abc", "a.b.c", "!!!.???"] {
            assert!(signer.verify(garbage, now).is_err(), "{garbage}");
        }
    }
}
