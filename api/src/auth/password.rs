//! Password hashing with argon2id, stored as PHC strings
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashing a password failed (argon2 could not allocate its memory or refused its parameters).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The argon2 hasher reported an error.
    #[error("password hashing failed")]
    Hash(#[source] argon2::password_hash::Error),
}

/// Hashes `password` with argon2id (version 19, the crate's default cost) and a fresh random
/// salt, returning the PHC string to store.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(PasswordError::Hash)
}

/// Whether `password` matches the stored PHC string `phc`.
///
/// A malformed or unsupported hash is a mismatch, never a panic. The cost parameters are read
/// from `phc`, so hashes made with older parameters keep verifying.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Spends the time of one [`verify_password`] without a real hash to compare against.
///
/// Call it when a sign-in names an unknown e-mail, so that the answer takes as long as for a
/// known e-mail with a wrong password and response times do not reveal which accounts exist.
pub fn burn_verification_time(password: &str) {
    // Computed at run time rather than pasted in as a constant so that its cost parameters are
    // always those of `hash_password`.
    static DUMMY_HASH: OnceLock<Option<String>> = OnceLock::new();
    match DUMMY_HASH.get_or_init(|| hash_password("burn-verification-time").ok()) {
        Some(dummy) => {
            std::hint::black_box(verify_password(password, dummy));
        }
        // Hashing costs the same as verifying, so it is the fallback if the dummy is missing.
        None => {
            let _ = std::hint::black_box(hash_password(password));
        }
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn hashed_password_verifies() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
        assert!(verify_password("correct horse battery staple", &phc));
    }

    #[test]
    fn wrong_password_is_refused() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(!verify_password("correct horse battery stapler", &phc));
        assert!(!verify_password("", &phc));
    }

    #[test]
    fn malformed_hash_is_refused() {
        for phc in [
            "",
            "not a hash",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$!!!",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        ] {
            assert!(!verify_password("password", phc), "accepted {phc:?}");
        }
    }

    #[test]
    fn same_password_hashes_differently_each_time() {
        let first = hash_password("same password").unwrap();
        let second = hash_password("same password").unwrap();
        assert_ne!(first, second);
        assert!(verify_password("same password", &first));
        assert!(verify_password("same password", &second));
    }
}
