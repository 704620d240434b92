//! Webhook signing secrets at rest, sealed with ChaCha20-Poly1305 under `WEBHOOK_SECRET_KEY`: a
//! copy of the database alone (a backup, a read replica, a leaked dump) cannot sign deliveries
//! that receivers would trust. A sealed value reads `sealed:v1:` and the base64 of a random
//! nonce followed by the ciphertext; any other value is a secret stored before sealing, used as
//! it is until the server seals it at start ([`seal_stored`]).

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use entity::webhook_endpoint;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::{AppError, AppResult};

const SEALED: &str = "sealed:v1:";
/// ChaCha20-Poly1305 nonces are 96 bits.
const NONCE_BYTES: usize = 12;

#[derive(Debug, thiserror::Error)]
#[error("a webhook secret cannot be {0} (is WEBHOOK_SECRET_KEY the key it was sealed with?)")]
struct SecretError(&'static str);

/// Seals and opens webhook secrets under one key.
#[derive(Clone)]
pub struct SecretBox(Arc<ChaCha20Poly1305>);

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        Self(Arc::new(ChaCha20Poly1305::new(Key::from_slice(key))))
    }

    /// The value to store for `secret`.
    pub fn seal(&self, secret: &str) -> AppResult<String> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(&nonce, secret.as_bytes())
            .map_err(|_| AppError::internal(SecretError("sealed")))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{SEALED}{}", STANDARD.encode(bytes)))
    }

    /// The secret a stored value holds.
    pub fn open(&self, stored: &str) -> AppResult<String> {
        let Some(encoded) = stored.strip_prefix(SEALED) else {
            return Ok(stored.to_owned());
        };
        let refused = || AppError::internal(SecretError("opened"));
        let bytes = STANDARD.decode(encoded).map_err(|_| refused())?;
        if bytes.len() <= NONCE_BYTES {
            return Err(refused());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let secret = self
            .0
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| refused())?;
        String::from_utf8(secret).map_err(|_| refused())
    }

    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED)
    }
}

/// Seals every secret still stored in the clear; returns how many. Each row is changed only if
/// it still holds the clear value read, so replicas starting together do not seal twice.
pub async fn seal_stored(db: &DatabaseConnection, secrets: &SecretBox) -> AppResult<u64> {
    use webhook_endpoint::Column as C;

    let clear = webhook_endpoint::Entity::find()
        .filter(C::Secret.not_like(format!("{SEALED}%")))
        .all(db)
        .await?;
    let mut sealed = 0;
    for row in clear {
        let result = webhook_endpoint::Entity::update_many()
            .col_expr(C::Secret, Expr::value(secrets.seal(&row.secret)?))
            .filter(C::Id.eq(row.id))
            .filter(C::Secret.eq(row.secret))
            .exec(db)
            .await?;
        sealed += result.rows_affected;
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_only() {
        let secrets = SecretBox::new(&[7; 32]);
        let sealed = secrets.seal("whsec_abc").unwrap();
        assert!(SecretBox::is_sealed(&sealed));
        assert!(!sealed.contains("whsec_abc"));
        assert_ne!(
            sealed,
            secrets.seal("whsec_abc").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(secrets.open(&sealed).unwrap(), "whsec_abc");
        assert!(SecretBox::new(&[8; 32]).open(&sealed).is_err());
        // A secret stored before sealing is used as it is.
        assert_eq!(secrets.open("whsec_old").unwrap(), "whsec_old");
    }
}
