//! Accounts: self-registration of candidates (proven by mail), sign-in (throttled in the
//! database), deactivation; `session.rs` for sessions and signing out, `recovery.rs` for e-mail
//! verification and passwords, `invitation.rs` for staff invited by mail, `preferences.rs` for
//! what a person is mailed.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use entity::{account, organisation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::auth::jwt::{IssuedToken, JwtKeys};
use crate::auth::password::{burn_verification_time, hash_password, verify_password};
use crate::auth::Actor;
use crate::domain::Role;
use crate::domain::WrittenLanguage;
use crate::error::{AppError, AppResult, OnUnique};
use crate::policy;
use crate::service::audit::{self, AuditEntry};
use crate::service::mail::Mailer;

mod invitation;
mod link;
mod own_data;
mod preferences;
mod recovery;
mod session;
mod throttle;

pub use invitation::{
    accept_invitation, invitation_status, invitations, invite, revoke_invitation, Acceptance,
    NewInvitation, INVITATION_DAYS,
};
pub use own_data::export_own_data;
pub use preferences::{
    preferences, unsubscribe, update_preferences, NotificationPreferences, PreferencesUpdate,
};
pub use recovery::{
    change_password, request_password_reset, request_verification, reset_password, verify_email,
    RESET_LINK_MINUTES, VERIFY_LINK_HOURS,
};
pub use session::{purge_ended, sign_out, sign_out_everywhere, start_session};

pub use throttle::{
    purge_stale_throttles, Pacing, ADDRESS_LOCKOUT_MINUTES, ADDRESS_LOCK_AFTER_FAILURES,
    FAILURE_WINDOW_MINUTES,
};
use throttle::{throttle_key_for_ip, throttle_key_for_mail, throttle_key_for_pair};

/// The most mails of one kind (verification, password reset) an address is sent in an hour,
/// whoever asks: beyond, requests are answered as usual and mail nothing.
pub const MAILS_PER_ADDRESS_PER_HOUR: u64 = 3;

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in characters: enough for any passphrase (NIST SP 800-63B asks
/// for at least 64), and a bound on the work a request can ask of the hasher. `login` refuses
/// longer ones before hashing.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Passwords too common to accept: the ones of at least [`MIN_PASSWORD_CHARS`] characters from
/// Django's list of the 20,000 most common passwords (BSD licence, after Royce Williams' list),
/// lower-cased.
static COMMON_PASSWORDS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("../../auth/common_passwords.txt")
            .lines()
            .collect()
    });
/// The longest e-mail address (RFC 5321's path limit less the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;
/// The longest full name accepted, in characters.
pub const MAX_FULL_NAME_CHARS: usize = 200;

/// What a failed sign-in says, whether the e-mail is unknown, the password wrong or the account
/// deactivated.
pub const INVALID_CREDENTIALS: &str = "invalid e-mail or password";

/// A candidate signing up.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub full_name: String,
    /// The language mails are written in (`en`, `fr`, `ar`); English when missing or unknown.
    pub language: Option<String>,
}

/// A sign-in attempt.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The caller's network address, when the HTTP layer knows it.
    pub client: Option<IpAddr>,
}

/// How sign-ins are made: the keys, how long a session lasts, and how failures are paced.
#[derive(Debug, Clone, Copy)]
pub struct Signing<'a> {
    pub keys: &'a JwtKeys,
    pub ttl: Duration,
    pub pacing: Pacing,
}

/// How a request that sends mail is made: who asks (for throttling) and how mails are written.
#[derive(Debug, Clone, Copy)]
pub struct MailRequest<'a> {
    pub mailer: &'a Mailer,
    /// The caller's network address, when the HTTP layer knows it.
    pub client: Option<IpAddr>,
}

/// A successful sign-in (or registration): the token and the account it speaks for.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: IssuedToken,
    pub account: account::Model,
}

/// Lower-cases and checks an e-mail address. Deliberately permissive (an address is proven by
/// mail, not by syntax), but refuses what cannot be an address.
pub fn normalise_email(field: &str, raw: &str) -> AppResult<String> {
    let email = raw.trim().to_lowercase();
    let invalid = || AppError::bad_input(field, format!("`{field}` is not an e-mail address"));
    if email.len() > MAX_EMAIL_LEN {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` is longer than {MAX_EMAIL_LEN} characters"),
        ));
    }
    let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c);
    let local_ok = !local.is_empty() && local.len() <= 64 && !local.chars().any(forbidden);
    let domain_ok = domain.contains('.')
        && !domain.chars().any(forbidden)
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if local_ok && domain_ok {
        Ok(email)
    } else {
        Err(invalid())
    }
}

/// Checks a new password as NIST SP 800-63B asks: long enough, not absurdly long, not one of the
/// most common passwords, not the e-mail address; no rules on its composition.
fn check_password(field: &str, password: &str, email: &str) -> AppResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("the password must be at least {MIN_PASSWORD_CHARS} characters long"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("the password must be at most {MAX_PASSWORD_CHARS} characters long"),
        ));
    }
    let lowered = password.to_lowercase();
    if COMMON_PASSWORDS.contains(lowered.as_str()) {
        return Err(AppError::bad_input(
            field,
            "this password is one of the most common ones: choose another (a few unrelated words \
             make a strong one)",
        ));
    }
    if lowered.trim() == email.trim().to_lowercase() {
        return Err(AppError::bad_input(
            field,
            "the password must not be the e-mail address",
        ));
    }
    Ok(())
}

fn check_full_name(field: &str, full_name: &str) -> AppResult<String> {
    let name = full_name.trim();
    if name.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must not be empty"),
        ));
    }
    if name.chars().count() > MAX_FULL_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must be at most {MAX_FULL_NAME_CHARS} printable characters"),
        ));
    }
    Ok(name.to_owned())
}

/// Argon2 takes tens of milliseconds of CPU: run it off the async workers.
async fn hash_off_thread(password: &str) -> AppResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// Whether `password` matches `phc`; a missing or unusable hash (an account made for scripts,
/// with no password) costs the same time as a real comparison.
pub(crate) async fn verify_off_thread(password: &str, phc: Option<String>) -> AppResult<bool> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) if argon2::password_hash::PasswordHash::new(&phc).is_ok() => {
            verify_password(&password, &phc)
        }
        _ => {
            burn_verification_time(&password);
            false
        }
    })
    .await
    .map_err(AppError::internal)
}

/// A new account's facts.
struct NewRow {
    email: String,
    password_hash: String,
    full_name: String,
    role: Role,
    organisation_id: Option<i32>,
    /// Whether the address is proven already (an accepted invitation).
    verified: bool,
    language: WrittenLanguage,
}

/// Inserts an account and its audit entry on `txn`. `actor` is who the audit names.
async fn insert(
    actor: Option<&Actor>,
    txn: &DatabaseTransaction,
    new: NewRow,
) -> AppResult<account::Model> {
    let NewRow {
        email,
        password_hash,
        full_name,
        role,
        organisation_id,
        verified,
        language,
    } = new;
    let now = Utc::now();
    let row = account::ActiveModel {
        email: Set(email),
        password_hash: Set(password_hash),
        full_name: Set(full_name),
        role: Set(role.as_str().to_owned()),
        organisation_id: Set(organisation_id),
        active: Set(true),
        email_verified_at: Set(verified.then_some(now)),
        language: Set(language.code().to_owned()),
        notify_application_updates: Set(true),
        recruiter_digest: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .on_unique("an account with this e-mail address already exists")?;
    // A registration is done by the new account itself.
    let own = Actor::Account {
        id: row.id,
        role,
        organisation_id,
        session_id: None,
        email_verified: verified,
    };
    audit::record(
        txn,
        actor.unwrap_or(&own),
        AuditEntry {
            organisation_id,
            entity_type: "account",
            entity_id: row.id,
            action: if actor.is_some() {
                "create"
            } else {
                "register"
            },
            changes: json!({
                "email": row.email,
                "fullName": row.full_name,
                "role": row.role,
                "organisationId": row.organisation_id,
            }),
        },
    )
    .await?;
    Ok(row)
}

/// Signs up a candidate: anyone may, and the account is always a `CANDIDATE`. The answer is the
/// same whether or not the address has an account already, so that nobody learns who has one:
/// a new address gets a link to prove it (the account may sign in at once, but applies only
/// once proven); the owner of a known address is told someone tried, with a link to choose a
/// new password (which proves the address too, so a squatter's unproven account is taken back
/// by the address's owner). Returns the normalised address.
#[tracing::instrument(level = "debug", skip(_actor, db, mail, input))]
pub async fn register(
    _actor: &Actor,
    db: &DatabaseConnection,
    mail: MailRequest<'_>,
    input: Registration,
) -> AppResult<String> {
    let email = normalise_email("input.email", &input.email)?;
    check_password("input.password", &input.password, &email)?;
    let full_name = check_full_name("input.fullName", &input.full_name)?;
    let language = WrittenLanguage::parse_or_default(input.language.as_deref().unwrap_or("en"));
    // Hashed whether or not it is used, so both answers take the same time.
    let hash = hash_off_thread(&input.password).await?;
    let txn = crate::db::begin_write(db).await?;
    let existing = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?;
    match existing {
        Some(existing) => recovery::mail_existing_owner(&txn, mail.mailer, &existing).await?,
        None => {
            let account = insert(
                None,
                &txn,
                NewRow {
                    email: email.clone(),
                    password_hash: hash,
                    full_name,
                    role: Role::Candidate,
                    organisation_id: None,
                    verified: false,
                    language,
                },
            )
            .await?;
            recovery::mail_verification(&txn, mail.mailer, &account).await?;
        }
    }
    txn.commit().await?;
    Ok(email)
}

/// Deactivates an account: it can no longer sign in, and its tokens are refused from the next
/// request on (every request re-reads the account). Deactivating an inactive account changes
/// nothing. Nobody deactivates their own account, so that the last admin cannot lock everyone
/// out by mistake.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn deactivate(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<account::Model> {
    let row = account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    policy::deactivate_account(actor, row.id, row.organisation_id)?;
    if actor.account_id() == Some(row.id) {
        return Err(AppError::bad_input(
            "id",
            "you cannot deactivate your own account",
        ));
    }
    if !row.active {
        return Ok(row);
    }
    let txn = crate::db::begin_write(db).await?;
    let organisation_id = row.organisation_id;
    let version = row.version;
    let mut active: account::ActiveModel = row.into();
    active.active = Set(false);
    active.version = Set(version + 1);
    active.updated_at = Set(Utc::now());
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id,
            entity_type: "account",
            entity_id: row.id,
            action: "deactivate",
            changes: json!({ "active": false }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The signed-in account, or `None` for anonymous callers and integration tokens.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn me(actor: &Actor, db: &DatabaseConnection) -> AppResult<Option<account::Model>> {
    match actor.account_id() {
        Some(id) => Ok(account::Entity::find_by_id(id).one(db).await?),
        None => Ok(None),
    }
}

/// An account as the caller may see it: their own, their organisation's when they administer
/// it, any for platform admins. `None` when missing or not visible.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn visible(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<account::Model>> {
    let Some(row) = account::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let allowed = policy::can_read_account(actor, row.id, row.organisation_id);
    Ok(allowed.then_some(row))
}

/// An active account by id, for the `token` command.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn find_active(db: &DatabaseConnection, id: i32) -> AppResult<Option<account::Model>> {
    Ok(account::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|account| account.active))
}

/// The oldest active account with `role` in `organisation_id`, for the `token` command.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn first_active(
    db: &DatabaseConnection,
    role: Role,
    organisation_id: Option<i32>,
) -> AppResult<Option<account::Model>> {
    let query = account::Entity::find()
        .filter(account::Column::Role.eq(role.as_str()))
        .filter(account::Column::Active.eq(true));
    let query = match organisation_id {
        Some(org) => query.filter(account::Column::OrganisationId.eq(org)),
        None => query.filter(account::Column::OrganisationId.is_null()),
    };
    Ok(query.order_by_asc(account::Column::Id).one(db).await?)
}

/// Creates a password-less account for development scripts (`token` command, development mode
/// only): `<role>.<org>@dev.jobboard.invalid`. It cannot sign in with a password; only minted
/// tokens speak for it. Recorded in the audit trail with no actor (the operator).
#[tracing::instrument(level = "debug", skip(db, organisation))]
pub async fn create_development_account(
    db: &DatabaseConnection,
    role: Role,
    organisation: Option<&organisation::Model>,
) -> AppResult<account::Model> {
    let role_part = role.as_str().to_lowercase().replace('_', "-");
    let (email, full_name) = match organisation {
        Some(org) => (
            format!(
                "{role_part}.{}@dev.jobboard.invalid",
                org.acronym.to_lowercase()
            ),
            format!("Development {role_part} ({})", org.acronym),
        ),
        None => (
            format!("{role_part}@dev.jobboard.invalid"),
            format!("Development {role_part}"),
        ),
    };
    let txn = crate::db::begin_write(db).await?;
    let row = insert(
        Some(&Actor::Anonymous),
        &txn,
        NewRow {
            email,
            // Not a PHC string: no password ever matches it.
            password_hash: "!".to_owned(),
            full_name,
            role,
            organisation_id: organisation.map(|org| org.id),
            verified: true,
            language: WrittenLanguage::En,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Signs in with an e-mail and a password.
///
/// Unknown e-mail, wrong password and deactivated account all give the same error
/// ([`AppError::Unauthenticated`], shown as [`INVALID_CREDENTIALS`]) after the same work. Each
/// attempt is counted per client address, and per address and e-mail, before the password is
/// checked (so a burst of parallel attempts is counted too): an address that fails too often is
/// locked out, and an address's failures at one account put its next attempt at that account
/// off for longer each time. Failures from one address never hold back another address, so
/// nobody can keep an account's owner out.
#[tracing::instrument(level = "debug", skip(_actor, db, signing, credentials))]
pub async fn login(
    _actor: &Actor,
    db: &DatabaseConnection,
    signing: Signing<'_>,
    credentials: Credentials<'_>,
) -> AppResult<SignedIn> {
    if credentials.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            "password",
            format!("the password must be at most {MAX_PASSWORD_CHARS} characters long"),
        ));
    }
    let email = credentials.email.trim().to_lowercase();
    let ip_key = credentials.client.map(throttle_key_for_ip);
    let pair_key = throttle_key_for_pair(credentials.client, &email);

    if let Some(ip_key) = &ip_key {
        throttle::attempt(db, ip_key, throttle::decide_for_address).await?;
    }
    let paced = |current: Option<&throttle::Counter>, now| {
        throttle::decide_for_pair(current, now, &signing.pacing)
    };
    let wait = match throttle::attempt(db, &pair_key, paced).await {
        Ok(wait) => wait,
        Err(error) => {
            if let Some(ip_key) = &ip_key {
                throttle::release(db, ip_key).await?;
            }
            return Err(error);
        }
    };
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }

    let found = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let hash = found.as_ref().map(|a| a.password_hash.clone());
    let matches = verify_off_thread(credentials.password, hash).await?;
    let account = match found {
        Some(account) if matches && account.active => account,
        _ => return Err(AppError::Unauthenticated),
    };

    throttle::clear(db, &pair_key).await?;
    if let Some(ip_key) = &ip_key {
        // A success does not clear the address's failures (one good account must not wipe an
        // attacker's record), it only takes back its own attempt.
        throttle::release(db, ip_key).await?;
    }
    start_session(db, signing, account).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            normalise_email("email", "  Amina.Benali@Example.ORG ").unwrap(),
            "amina.benali@example.org"
        );
        for bad in [
            "",
            "no-at-sign",
            "@example.org",
            "someone@",
            "someone@localhost",
            "some one@example.org",
            "a@b@example.org",
            "someone@example..org",
            "someone@-example.org",
            "<someone@example.org>",
        ] {
            assert_eq!(
                normalise_email("email", bad).unwrap_err().code(),
                "BAD_USER_INPUT",
                "{bad:?}"
            );
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(normalise_email("email", &long).is_err());
    }

    #[test]
    fn passwords_have_a_minimum_length_in_characters() {
        let email = "amina@example.org";
        assert!(check_password("p", "a9f3k2m8q", email).is_err());
        assert!(check_password("p", "a9f3k2m8q1", email).is_ok());
        // Ten characters, more bytes: counted as characters.
        assert!(check_password("p", "éééééééééé", email).is_ok());
        assert!(check_password("p", &"x".repeat(MAX_PASSWORD_CHARS + 1), email).is_err());
        assert!(check_password("p", &"x".repeat(64), email).is_ok());
    }

    #[test]
    fn common_passwords_and_the_address_itself_are_refused() {
        let email = "amina@example.org";
        for common in ["1234567890", "qwertyuiop", "Basketball", "password12"] {
            assert!(check_password("p", common, email).is_err(), "{common}");
        }
        assert!(check_password("p", "Amina@Example.org", email).is_err());
        assert!(check_password("p", "orange tram lantern", email).is_ok());
        assert!(COMMON_PASSWORDS.len() > 1000);
    }
}
