//! Access tokens: HS256 JWTs carrying who is calling (`sub`), their role and organisation.
//!
//! Verification is deliberately narrow: only HS256 is accepted (no `none`, no RSA/EC, no other
//! HMAC size), and `exp`, `iss`, `aud` and `sub` must be present and correct. Every refusal
//! looks the same to the caller.

use std::fmt;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Clock skew tolerated between this server and whoever checks `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// The shortest HS256 secret accepted: the size of the SHA-256 output (RFC 7518, section 3.2).
pub const MIN_SECRET_BYTES: usize = 32;

/// Why a token could not be issued or was refused.
#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    /// The signing secret is shorter than [`MIN_SECRET_BYTES`].
    #[error("the JWT secret must be at least {MIN_SECRET_BYTES} bytes long")]
    WeakSecret,
    /// The token was refused. Deliberately says nothing about why; the reason is logged at
    /// debug level.
    #[error("invalid or expired token")]
    Invalid,
    /// The token could not be produced: a lifetime that is not positive or out of range, or a
    /// signing failure.
    #[error("could not issue token")]
    Encode(#[source] jsonwebtoken::errors::Error),
}

/// Who a token speaks for, as written in its `sub` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A person's signed-in session, by id: `session:12`. The session names the account, and
    /// ends when they sign out.
    Session(i32),
    /// An agency's integration token, by id: `integration:5`.
    Integration(i32),
}

impl Subject {
    /// The `sub` claim for this subject: `session:12` or `integration:5`.
    pub fn as_claim(&self) -> String {
        match self {
            Self::Session(id) => format!("session:{id}"),
            Self::Integration(id) => format!("integration:{id}"),
        }
    }

    /// Reads a `sub` claim; only the exact form [`Subject::as_claim`] writes is accepted (no
    /// sign, no leading zeros, no spaces).
    pub fn parse(sub: &str) -> Option<Self> {
        let (kind, id) = sub.split_once(':')?;
        let canonical = !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && (id == "0" || !id.starts_with('0'));
        if !canonical {
            return None;
        }
        let id = id.parse().ok()?;
        match kind {
            "session" => Some(Self::Session(id)),
            "integration" => Some(Self::Integration(id)),
            _ => None,
        }
    }
}

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Who the token speaks for; see [`Subject`].
    pub sub: String,
    /// The role at issue time, e.g. `RECRUITER`. Authorisation re-reads the account, so this is
    /// informative for clients rather than trusted.
    pub role: String,
    /// The organisation of an agency role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<i32>,
    /// Unique token id (a UUID v4), so that one token can be revoked.
    pub jti: String,
    /// Issued at, in seconds since the Unix epoch.
    pub iat: i64,
    /// Expires at, in seconds since the Unix epoch.
    pub exp: i64,
    /// Not valid before, in seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
}

impl Claims {
    /// The subject named by `sub`, or `None` if it is not one this server writes.
    pub fn subject(&self) -> Option<Subject> {
        Subject::parse(&self.sub)
    }
}

/// A freshly signed token and what the client needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The compact JWT, for the `Authorization: Bearer` header.
    pub token: String,
    /// Its `jti` claim.
    pub jti: String,
    /// Its `exp` claim, as an instant (whole seconds).
    pub expires_at: DateTime<Utc>,
}

/// The HS256 secret and the rules tokens are issued and checked with.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

// Written by hand so that the secret never reaches a log.
impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKeys")
            .field("algorithm", &Algorithm::HS256)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Keys for HS256 tokens issued by `issuer` for `audience`.
    ///
    /// Refuses a secret shorter than [`MIN_SECRET_BYTES`] with [`JwtError::WeakSecret`].
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str) -> Result<Self, JwtError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(JwtError::WeakSecret);
        }

        // Pinned to HS256: a token naming any other algorithm (`none`, RS256 signed with a
        // private key, HS512 with this secret...) is refused before its signature is looked at.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        // jsonwebtoken only enforces exp, nbf, iss, aud and sub from this list; `iat` is listed
        // for the reader and enforced by `Claims` itself, where it is not optional.
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);

        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// Signs a token for `subject`, valid from now for `ttl`, with a fresh `jti`.
    ///
    /// A `ttl` that is not positive, or that overflows the calendar, is refused with
    /// [`JwtError::Encode`].
    pub fn issue(
        &self,
        subject: Subject,
        role: &str,
        org: Option<i32>,
        ttl: Duration,
    ) -> Result<IssuedToken, JwtError> {
        let invalid_exp = || JwtError::Encode(ErrorKind::InvalidClaimFormat("exp".into()).into());
        if ttl <= Duration::zero() {
            return Err(invalid_exp());
        }
        let now = Utc::now().trunc_subsecs(0);
        let expires_at = now.checked_add_signed(ttl).ok_or_else(invalid_exp)?;

        let jti = Uuid::new_v4().to_string();
        let claims = Claims {
            sub: subject.as_claim(),
            role: role.to_owned(),
            org,
            jti: jti.clone(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            nbf: None,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(JwtError::Encode)?;

        Ok(IssuedToken {
            token,
            jti,
            expires_at,
        })
    }

    /// Checks a token's signature, algorithm, lifetime, issuer and audience, and returns its
    /// claims.
    ///
    /// Every failure is [`JwtError::Invalid`]; the precise reason only goes to the debug log.
    pub fn verify(&self, token: &str) -> Result<Claims, JwtError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| {
                tracing::debug!(%error, "refused a bearer token");
                JwtError::Invalid
            })
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde_json::{json, Value};

    use super::*;

    const SECRET: &[u8] = b"an-hs256-test-secret-of-32-bytes";
    const OTHER_SECRET: &[u8] = b"another-test-secret-of-32-bytes!";
    const ISSUER: &str = "jobboard-test";
    const AUDIENCE: &str = "jobboard-api-test";

    /// A throwaway 2048-bit RSA key pair, made with
    /// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` and `openssl pkey -pubout`.
    const RSA_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDDUa1TxaEt/Uul
3u++2qC7LH4RVDrzXTnwy8O0MZ240cbSTACwD0C4Z3D3/263H9K4Oze+igcpvb8I
crf5+ezRmEyhtkScZW6tpS4GrvQH2ipQOYEtTmMTlcmw+5ekOuDIIjKjK1MJQfT3
gUhmkMc9g7AGafS+ieHHx/qEKveuS72p1XpUuut3xqYKvNzCwJPRcPSdvi6T2Yp7
HaiIMBq4BB/IBleGUSod0LBqgx6wRi6qvwGfA/9wxVSIBgFVzIg6V1WKc5c2ES+q
PxMBtLZF2jaSClJWEIajhlo7VeL6jq1j9M9Eu4y0CqjEI12w7tn+AttWvCI46CgN
Jym/hTg5AgMBAAECggEAAYd9jwz6c7banWY7FBBX5xNEeuwBCKgDlL8xrXLggGKT
FxEthbNe3zq/G4/6TNCA2Lys9W7U+saPrPgh+OD0Mdlqiy8XRy6zoMQs8bQzuK6E
e4uRt3o4RB5dfYdgwvJLkYGUCitEC4viyD/Qwm3Sg4ipC4nPluDTPdpS269O8GRH
qvN4hESgvhgAv9UC4hoHsXBgdtuyC7h11NGUz8gUi2zlSB2rb/nbkKohr+w0OUGJ
yJEaPFOoaKtyFUUiTpjsSQ4q49wIWt3unqvi/i2DGyksU98/bBCxd8QJbHSVosWX
Yl3ckwdjzTmE87fNoEIHwFLRkvvN/rzMISaX1nXKQQKBgQDp1sj9XUcZNC6RPU1e
SJXquqahVFb4EJTdyxJ3Mqdj0Tf19w0+abAX7A8EDIABwJVcaOiFgI73bsSK+X4t
TtfYMLTxHRlFL0IP4XGQfuK5U8I5M57Kx/MHnAdzjHpKtRmTWKAS2+H93Elsl/qE
Qdz69S7ijQdTv4sF966WYlLSeQKBgQDV1FoFfBa1R4Zyza3/wvzNJniNqnwnBrn0
FC4NC4Ax8N4lMhiwhNCyJO+1cfXRryOcoo6ty5FJ8vvb+JBlV5niIDu1LHi1e7ie
JHkc87Harznby4SD2CUWh4ZKR9SAlSsvpI8TJhOz1EoYkc7/8ZR0Z4XB4ea1Iji3
mAKnKz4jwQKBgQC8sF9g6yra8Jt/ATt0EBhA37pjxh2jcCXfzuSooIwn5IRGisL6
EOhSdV4sgzWrtE4R0mmGiJVUneIkzmv9fXh4b90iDrv8csTY8a7kzS6AI1E/PSMu
OCgohMQSflGUBQyNNF9+uEVkxqPM59nzbP421y+tCeXWs2IoP5N2sAJq6QKBgQCV
dl4KMWdqBPnMa0oxWSj9eOORGla3rLL0EdrykVRlFBki5LZvRBbgPoMzT9nkXEhH
JzUV9BG1H9u+MSs1Oxs7/Q3fIJurNzSfjZz+iLSLyCloIgSZZ87cxZQvfa/ixOGv
5pV/bAEflMbKD7kiG8mJ6AaNtApgF/CPG/jWwponwQKBgQCBnN99Q03fhu+B7wEo
lGjSH6CZxce7JaihTMJYrC+ksm5r4llo6+Fs4QEUvbhjs1SnYTVHVMh8OKirU5/D
S2qyGPAyThYxogPXyUNVWjIAWDe7UOuCVN4F+LUmDl5OLA3/KahqWol2VtNN6Siw
X1MH60Ia9wrg3EJwSqFFoqpCbw==
-----END PRIVATE KEY-----
";

    const RSA_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAw1GtU8WhLf1Lpd7vvtqg
uyx+EVQ681058MvDtDGduNHG0kwAsA9AuGdw9/9utx/SuDs3vooHKb2/CHK3+fns
0ZhMobZEnGVuraUuBq70B9oqUDmBLU5jE5XJsPuXpDrgyCIyoytTCUH094FIZpDH
PYOwBmn0vonhx8f6hCr3rku9qdV6VLrrd8amCrzcwsCT0XD0nb4uk9mKex2oiDAa
uAQfyAZXhlEqHdCwaoMesEYuqr8BnwP/cMVUiAYBVcyIOldVinOXNhEvqj8TAbS2
Rdo2kgpSVhCGo4ZaO1Xi+o6tY/TPRLuMtAqoxCNdsO7Z/gLbVrwiOOgoDScpv4U4
OQIDAQAB
-----END PUBLIC KEY-----
";

    fn keys() -> JwtKeys {
        JwtKeys::hs256(SECRET, ISSUER, AUDIENCE).unwrap()
    }

    fn now() -> i64 {
        Utc::now().timestamp()
    }

    /// Claims as `issue` would write them, as JSON so that tests can bend them out of shape.
    fn valid_claims() -> Value {
        let now = now();
        json!({
            "sub": "session:12",
            "role": "RECRUITER",
            "org": 3,
            "jti": Uuid::new_v4().to_string(),
            "iat": now,
            "exp": now + 3600,
            "iss": ISSUER,
            "aud": AUDIENCE,
        })
    }

    fn sign(algorithm: Algorithm, claims: &Value, key: &EncodingKey) -> String {
        encode(&Header::new(algorithm), claims, key).unwrap()
    }

    fn sign_hs256(claims: &Value, secret: &[u8]) -> String {
        sign(Algorithm::HS256, claims, &EncodingKey::from_secret(secret))
    }

    fn b64_json(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    /// Rewrites the payload of `token` with `change`, keeping its header and signature.
    fn tamper(token: &str, change: impl FnOnce(&mut Value)) -> String {
        let [header, payload, signature]: [&str; 3] =
            token.split('.').collect::<Vec<_>>().try_into().unwrap();
        let mut claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        change(&mut claims);
        format!("{header}.{}.{signature}", b64_json(&claims))
    }

    fn assert_refused(token: &str) {
        let result = keys().verify(token);
        assert!(
            matches!(result, Err(JwtError::Invalid)),
            "expected the token to be refused, got {result:?}"
        );
    }

    #[test]
    fn issued_token_verifies_and_round_trips_its_claims() {
        // Also proves that no CryptoProvider needs installing: `rust_crypto` is picked by itself.
        let keys = keys();
        let issued = keys
            .issue(
                Subject::Session(12),
                "RECRUITER",
                Some(3),
                Duration::hours(1),
            )
            .unwrap();

        let claims = keys.verify(&issued.token).unwrap();
        assert_eq!(claims.subject(), Some(Subject::Session(12)));
        assert_eq!(claims.sub, "session:12");
        assert_eq!(claims.role, "RECRUITER");
        assert_eq!(claims.org, Some(3));
        assert_eq!(claims.jti, issued.jti);
        assert!(Uuid::parse_str(&claims.jti).is_ok());
        assert_eq!(claims.exp, issued.expires_at.timestamp());
        assert_eq!(claims.exp - claims.iat, 3600);
        assert!((claims.iat - now()).abs() <= 1);
        assert_eq!(claims.nbf, None);
        assert_eq!(claims.iss, ISSUER);
        assert_eq!(claims.aud, AUDIENCE);
    }

    #[test]
    fn integration_token_without_organisation_round_trips() {
        let keys = keys();
        let issued = keys
            .issue(
                Subject::Integration(5),
                "RECRUITER",
                None,
                Duration::days(90),
            )
            .unwrap();
        let claims = keys.verify(&issued.token).unwrap();
        assert_eq!(claims.subject(), Some(Subject::Integration(5)));
        assert_eq!(claims.org, None);
    }

    #[test]
    fn every_issued_token_has_its_own_jti() {
        let keys = keys();
        let issue = || {
            keys.issue(Subject::Session(1), "CANDIDATE", None, Duration::minutes(5))
                .unwrap()
        };
        assert_ne!(issue().jti, issue().jti);
    }

    #[test]
    fn non_positive_ttl_is_not_issued() {
        let keys = keys();
        for ttl in [Duration::zero(), Duration::seconds(-1)] {
            let result = keys.issue(Subject::Session(1), "CANDIDATE", None, ttl);
            assert!(matches!(result, Err(JwtError::Encode(_))), "{result:?}");
        }
    }

    #[test]
    fn token_expired_beyond_leeway_is_refused() {
        let mut claims = valid_claims();
        // Past our 30 s leeway, but within jsonwebtoken's default of 60 s.
        claims["exp"] = json!(now() - 45);
        assert_refused(&sign_hs256(&claims, SECRET));
    }

    #[test]
    fn token_expired_within_leeway_is_accepted() {
        let mut claims = valid_claims();
        claims["exp"] = json!(now() - 10);
        assert!(keys().verify(&sign_hs256(&claims, SECRET)).is_ok());
    }

    #[test]
    fn token_not_yet_valid_is_refused() {
        let mut claims = valid_claims();
        claims["nbf"] = json!(now() + 120);
        assert_refused(&sign_hs256(&claims, SECRET));
    }

    #[test]
    fn token_valid_from_within_leeway_is_accepted() {
        let mut claims = valid_claims();
        claims["nbf"] = json!(now() + 10);
        let verified = keys().verify(&sign_hs256(&claims, SECRET)).unwrap();
        assert!(verified.nbf.is_some());
    }

    #[test]
    fn token_signed_with_another_secret_is_refused() {
        assert_refused(&sign_hs256(&valid_claims(), OTHER_SECRET));
    }

    #[test]
    fn unsigned_alg_none_token_is_refused() {
        let header = b64_json(&json!({ "alg": "none", "typ": "JWT" }));
        let payload = b64_json(&valid_claims());
        assert_refused(&format!("{header}.{payload}."));
    }

    #[test]
    fn rs256_token_is_refused() {
        let rsa_key = EncodingKey::from_rsa_pem(RSA_PRIVATE_PEM.as_bytes()).unwrap();
        let token = sign(Algorithm::RS256, &valid_claims(), &rsa_key);
        // The fixture is a working key pair: the token is genuine, just not one we accept.
        let rsa_public = DecodingKey::from_rsa_pem(RSA_PUBLIC_PEM.as_bytes()).unwrap();
        let mut rs256 = Validation::new(Algorithm::RS256);
        rs256.set_audience(&[AUDIENCE]);
        assert!(decode::<Claims>(&token, &rsa_public, &rs256).is_ok());

        assert_refused(&token);
    }

    #[test]
    fn hs256_token_keyed_with_rsa_public_key_is_refused() {
        let token = sign_hs256(&valid_claims(), RSA_PUBLIC_PEM.as_bytes());
        assert_refused(&token);
    }

    #[test]
    fn other_hmac_algorithm_with_the_right_secret_is_refused() {
        let key = EncodingKey::from_secret(SECRET);
        assert_refused(&sign(Algorithm::HS512, &valid_claims(), &key));
    }

    #[test]
    fn token_for_another_audience_is_refused() {
        let mut claims = valid_claims();
        claims["aud"] = json!("some-other-api");
        assert_refused(&sign_hs256(&claims, SECRET));
    }

    #[test]
    fn token_from_another_issuer_is_refused() {
        let mut claims = valid_claims();
        claims["iss"] = json!("someone-else");
        assert_refused(&sign_hs256(&claims, SECRET));
    }

    #[test]
    fn token_missing_a_required_claim_is_refused() {
        for claim in ["exp", "iat", "iss", "aud", "sub"] {
            let mut claims = valid_claims();
            claims.as_object_mut().unwrap().remove(claim);
            let result = keys().verify(&sign_hs256(&claims, SECRET));
            assert!(
                matches!(result, Err(JwtError::Invalid)),
                "accepted without {claim}"
            );
        }
    }

    #[test]
    fn tampered_role_claim_is_refused() {
        let keys = keys();
        let issued = keys
            .issue(Subject::Session(12), "CANDIDATE", None, Duration::hours(1))
            .unwrap();
        let forged = tamper(&issued.token, |claims| {
            claims["role"] = json!("PLATFORM_ADMIN");
        });
        assert_ne!(forged, issued.token);
        assert_refused(&forged);
    }

    #[test]
    fn tampered_org_claim_is_refused() {
        let keys = keys();
        let issued = keys
            .issue(
                Subject::Session(12),
                "RECRUITER",
                Some(3),
                Duration::hours(1),
            )
            .unwrap();
        let forged = tamper(&issued.token, |claims| claims["org"] = json!(4));
        assert_refused(&forged);
    }

    #[test]
    fn exp_given_as_a_string_is_refused() {
        let mut claims = valid_claims();
        claims["exp"] = json!("9999999999");
        assert_refused(&sign_hs256(&claims, SECRET));
    }

    #[test]
    fn garbage_is_refused() {
        for token in ["", "abc", "a.b.c", "a.b", "..", "a.b.c.d"] {
            assert_refused(token);
        }
    }

    #[test]
    fn refusal_says_nothing_about_the_reason() {
        assert_eq!(JwtError::Invalid.to_string(), "invalid or expired token");
    }

    #[test]
    fn secret_shorter_than_32_bytes_is_refused() {
        let result = JwtKeys::hs256(&SECRET[..31], ISSUER, AUDIENCE);
        assert!(matches!(result, Err(JwtError::WeakSecret)));
        assert!(JwtKeys::hs256(b"", ISSUER, AUDIENCE).is_err());
        assert!(JwtKeys::hs256(&SECRET[..32], ISSUER, AUDIENCE).is_ok());
    }

    #[test]
    fn debug_output_does_not_show_the_secret() {
        let debug = format!("{:?}", keys());
        assert!(debug.contains(ISSUER));
        assert!(!debug.contains("an-hs256"), "{debug}");
        assert!(!debug.contains(&format!("{:?}", &SECRET[..8])), "{debug}");
    }

    #[test]
    fn subject_claim_round_trips() {
        for subject in [
            Subject::Session(12),
            Subject::Integration(5),
            Subject::Session(0),
            Subject::Integration(i32::MAX),
        ] {
            assert_eq!(Subject::parse(&subject.as_claim()), Some(subject));
        }
        assert_eq!(Subject::Session(12).as_claim(), "session:12");
        assert_eq!(Subject::Integration(5).as_claim(), "integration:5");
    }

    #[test]
    fn malformed_subject_claim_is_not_parsed() {
        for sub in [
            "",
            "12",
            "account",
            "session:",
            "session:-1",
            "session:+1",
            "session:012",
            "session: 1",
            "session:1 ",
            "session:2147483648",
            "Session:1",
            "user:1",
            "session:1:2",
        ] {
            assert_eq!(Subject::parse(sub), None, "parsed {sub:?}");
        }
    }
}
