//! Accounts: self-registration of candidates, sign-in (throttled in the database), staff accounts
//! created by admins, and deactivation.

use std::net::IpAddr;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::{account, login_throttle, organisation};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, SqlErr,
};
use serde_json::json;

use crate::auth::jwt::{IssuedToken, JwtKeys, Subject};
use crate::auth::password::{burn_verification_time, hash_password, verify_password};
use crate::auth::Actor;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::audit::{self, AuditEntry};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in characters: enough for any passphrase, and a bound on the
/// work a request can ask of the hasher.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The longest e-mail address (RFC 5321's path limit less the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;
/// The longest full name accepted, in characters.
pub const MAX_FULL_NAME_CHARS: usize = 200;

/// What a failed sign-in says, whether the e-mail is unknown, the password wrong or the account
/// deactivated.
pub const INVALID_CREDENTIALS: &str = "invalid e-mail or password";

/// Sign-in throttling, per key (`account:<e-mail>` and `ip:<client address>`): failures are
/// counted in a window of [`FAILURE_WINDOW_MINUTES`] that starts at the first failure.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// After this many failures in the window, every further attempt first waits
/// [`SLOW_DOWN_DELAY`].
pub const SLOW_DOWN_AFTER_FAILURES: i32 = 5;
/// How long a slowed-down attempt waits before the password is even looked at.
pub const SLOW_DOWN_DELAY: std::time::Duration = std::time::Duration::from_secs(1);
/// After this many failures in the window the key is locked for [`LOCKOUT_MINUTES`]: sign-in is
/// refused with `RATE_LIMITED`, even with the right password.
pub const LOCK_AFTER_FAILURES: i32 = 10;
/// How long a locked key stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;

/// How many times a throttle counter update is retried when another request (on this replica or
/// another) changed the same counter in between.
const THROTTLE_RETRIES: usize = 8;

/// A candidate signing up.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub full_name: String,
}

/// An account created by an admin.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub full_name: String,
    pub role: Role,
    pub organisation_id: Option<i32>,
}

/// A sign-in attempt.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The caller's network address, when the HTTP layer knows it.
    pub client: Option<IpAddr>,
}

/// How sign-in tokens are made: the keys, and how long a token lasts.
#[derive(Debug, Clone, Copy)]
pub struct Signing<'a> {
    pub keys: &'a JwtKeys,
    pub ttl: Duration,
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

fn check_password(field: &str, password: &str) -> AppResult<()> {
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
async fn verify_off_thread(password: &str, phc: Option<String>) -> AppResult<bool> {
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

/// A duplicate e-mail is a conflict with a message that says so; other errors as usual.
fn email_conflict(error: DbErr) -> AppError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            AppError::Conflict("an account with this e-mail address already exists".to_owned())
        }
        _ => error.into(),
    }
}

/// Signs a token for `account` (its current role and organisation go into the claims).
pub fn issue_token(
    keys: &JwtKeys,
    account: &account::Model,
    ttl: Duration,
) -> AppResult<IssuedToken> {
    keys.issue(
        Subject::Account(account.id),
        &account.role,
        account.organisation_id,
        ttl,
    )
    .map_err(AppError::internal)
}

/// Inserts an account and its audit entry in one transaction. `actor` is who the audit names.
async fn insert(
    actor: Option<&Actor>,
    db: &DatabaseConnection,
    email: String,
    password_hash: String,
    full_name: String,
    role: Role,
    organisation_id: Option<i32>,
) -> AppResult<account::Model> {
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let row = account::ActiveModel {
        email: Set(email),
        password_hash: Set(password_hash),
        full_name: Set(full_name),
        role: Set(role.as_str().to_owned()),
        organisation_id: Set(organisation_id),
        active: Set(true),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(email_conflict)?;
    // A registration is done by the new account itself.
    let own = Actor::Account {
        id: row.id,
        role,
        organisation_id,
    };
    audit::record(
        &txn,
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
    txn.commit().await?;
    Ok(row)
}

/// Signs up a candidate and signs them in. Anyone may register; the account is always a
/// `CANDIDATE`.
pub async fn register(
    _actor: &Actor,
    db: &DatabaseConnection,
    signing: Signing<'_>,
    input: Registration,
) -> AppResult<SignedIn> {
    let email = normalise_email("input.email", &input.email)?;
    check_password("input.password", &input.password)?;
    let full_name = check_full_name("input.fullName", &input.full_name)?;
    let hash = hash_off_thread(&input.password).await?;
    let account = insert(None, db, email, hash, full_name, Role::Candidate, None).await?;
    let token = issue_token(signing.keys, &account, signing.ttl)?;
    Ok(SignedIn { token, account })
}

/// Creates an account on behalf of an admin: agency admins create recruiters and admins of
/// their own organisation, platform admins any account (an organisation's first admin included).
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    input: NewAccount,
) -> AppResult<account::Model> {
    policy::create_account(actor, input.organisation_id, input.role)?;
    match (input.role, input.organisation_id) {
        (Role::Recruiter | Role::AgencyAdmin, None) => {
            return Err(AppError::bad_input(
                "input.organisationId",
                "recruiters and agency admins belong to an organisation",
            ))
        }
        (Role::Candidate | Role::PlatformAdmin, Some(_)) => {
            return Err(AppError::bad_input(
                "input.organisationId",
                "candidates and platform admins belong to no organisation",
            ))
        }
        _ => {}
    }
    if let Some(org) = input.organisation_id {
        organisation::Entity::find_by_id(org)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("organisation"))?;
    }
    let email = normalise_email("input.email", &input.email)?;
    check_password("input.password", &input.password)?;
    let full_name = check_full_name("input.fullName", &input.full_name)?;
    let hash = hash_off_thread(&input.password).await?;
    insert(
        Some(actor),
        db,
        email,
        hash,
        full_name,
        input.role,
        input.organisation_id,
    )
    .await
}

/// Deactivates an account: it can no longer sign in, and its tokens are refused from the next
/// request on (every request re-reads the account). Deactivating an inactive account changes
/// nothing. Nobody deactivates their own account, so that the last admin cannot lock everyone
/// out by mistake.
pub async fn deactivate(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<account::Model> {
    let row = account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    match row.organisation_id {
        Some(org) => policy::administer_organisation(actor, org)?,
        None => policy::administer_platform(actor)?,
    }
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
pub async fn me(actor: &Actor, db: &DatabaseConnection) -> AppResult<Option<account::Model>> {
    match actor.account_id() {
        Some(id) => Ok(account::Entity::find_by_id(id).one(db).await?),
        None => Ok(None),
    }
}

/// An account as the caller may see it: their own, their organisation's when they administer
/// it, any for platform admins. `None` when missing or not visible.
pub async fn visible(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<account::Model>> {
    let Some(row) = account::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let allowed = actor.account_id() == Some(row.id)
        || match row.organisation_id {
            Some(org) => policy::administer_organisation(actor, org).is_ok(),
            None => policy::administer_platform(actor).is_ok(),
        };
    Ok(allowed.then_some(row))
}

/// An active account by id, for the `token` command.
pub async fn find_active(db: &DatabaseConnection, id: i32) -> AppResult<Option<account::Model>> {
    Ok(account::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|account| account.active))
}

/// The oldest active account with `role` in `organisation_id`, for the `token` command.
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
    insert(
        Some(&Actor::Anonymous),
        db,
        email,
        // Not a PHC string: no password ever matches it.
        "!".to_owned(),
        full_name,
        role,
        organisation.map(|org| org.id),
    )
    .await
}

/// Signs in with an e-mail and a password.
///
/// Unknown e-mail, wrong password and deactivated account all give the same error
/// ([`AppError::Unauthenticated`], shown as [`INVALID_CREDENTIALS`]) after the same work. Each
/// attempt is counted per e-mail and per client address before the password is checked (so a
/// burst of parallel attempts is counted too); see the throttling constants above.
pub async fn login(
    _actor: &Actor,
    db: &DatabaseConnection,
    signing: Signing<'_>,
    credentials: Credentials<'_>,
) -> AppResult<SignedIn> {
    let email = credentials.email.trim().to_lowercase();
    let account_key = throttle_key_for_email(&email);
    let ip_key = credentials.client.map(throttle_key_for_ip);

    let mut slow_down = throttle::attempt(db, &account_key).await?;
    if let Some(ip_key) = &ip_key {
        match throttle::attempt(db, ip_key).await {
            Ok(slow) => slow_down |= slow,
            Err(error) => {
                throttle::release(db, &account_key).await?;
                return Err(error);
            }
        }
    }
    if slow_down {
        tokio::time::sleep(SLOW_DOWN_DELAY).await;
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

    throttle::clear(db, &account_key).await?;
    if let Some(ip_key) = &ip_key {
        // A success does not clear the address's failures (one good account must not wipe an
        // attacker's record), it only takes back its own attempt.
        throttle::release(db, ip_key).await?;
    }
    let token = issue_token(signing.keys, &account, signing.ttl)?;
    Ok(SignedIn { token, account })
}

fn throttle_key_for_email(email: &str) -> String {
    let email: String = email.chars().take(MAX_EMAIL_LEN).collect();
    format!("account:{email}")
}

/// IPv6 clients are counted by their /64 network: one host usually holds a whole /64.
fn throttle_key_for_ip(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("ip:{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
    }
}

/// Sign-in counters in the `login_throttle` table. The database is the only state, and every
/// change is a compare-and-swap on the row's previous values, so any number of replicas agree.
mod throttle {
    use super::*;

    /// A key's counter.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) struct Counter {
        pub failures: i32,
        pub window_started_at: DateTime<Utc>,
        pub locked_until: Option<DateTime<Utc>>,
    }

    impl From<&login_throttle::Model> for Counter {
        fn from(row: &login_throttle::Model) -> Self {
            Self {
                failures: row.failures,
                window_started_at: row.window_started_at,
                locked_until: row.locked_until,
            }
        }
    }

    /// What to do with an attempt, given the counter before it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) enum Decision {
        /// Refuse it: the key is locked.
        Locked { retry_after_seconds: u64 },
        /// Go on (after waiting, if `slow_down`), with the attempt counted in `next`.
        Proceed { slow_down: bool, next: Counter },
    }

    /// Counts one attempt against `current` at `now`.
    pub(super) fn decide(current: Option<&Counter>, now: DateTime<Utc>) -> Decision {
        if let Some(until) = current.and_then(|c| c.locked_until) {
            if until > now {
                let millis = (until - now).num_milliseconds().max(0);
                let seconds = u64::try_from((millis + 999) / 1000).unwrap_or(1).max(1);
                return Decision::Locked {
                    retry_after_seconds: seconds,
                };
            }
        }
        let counting = current.filter(|c| {
            c.locked_until.is_none()
                && c.window_started_at + Duration::minutes(FAILURE_WINDOW_MINUTES) > now
        });
        let (prior, window_started_at) = match counting {
            Some(c) => (c.failures, c.window_started_at),
            None => (0, now),
        };
        let failures = prior.saturating_add(1);
        Decision::Proceed {
            slow_down: prior >= SLOW_DOWN_AFTER_FAILURES,
            next: Counter {
                failures,
                window_started_at,
                locked_until: (failures >= LOCK_AFTER_FAILURES)
                    .then(|| now + Duration::minutes(LOCKOUT_MINUTES)),
            },
        }
    }

    /// Takes one counted attempt back (it turned out not to be a failure).
    pub(super) fn undo(current: &Counter) -> Counter {
        let failures = (current.failures - 1).max(0);
        Counter {
            failures,
            window_started_at: current.window_started_at,
            locked_until: current
                .locked_until
                .filter(|_| failures >= LOCK_AFTER_FAILURES),
        }
    }

    async fn load(db: &DatabaseConnection, key: &str) -> AppResult<Option<login_throttle::Model>> {
        Ok(login_throttle::Entity::find()
            .filter(login_throttle::Column::Key.eq(key))
            .one(db)
            .await?)
    }

    /// Writes `next` if the row still holds `current` (or still does not exist); `false` if
    /// another request got there first.
    async fn swap(
        db: &DatabaseConnection,
        key: &str,
        current: Option<&login_throttle::Model>,
        next: &Counter,
    ) -> AppResult<bool> {
        match current {
            None => {
                let inserted = login_throttle::Entity::insert(login_throttle::ActiveModel {
                    key: Set(key.to_owned()),
                    failures: Set(next.failures),
                    window_started_at: Set(next.window_started_at),
                    locked_until: Set(next.locked_until),
                    ..Default::default()
                })
                .on_conflict(
                    OnConflict::column(login_throttle::Column::Key)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
                Ok(inserted == 1)
            }
            Some(row) => {
                let updated = login_throttle::Entity::update_many()
                    .col_expr(login_throttle::Column::Failures, next.failures.into())
                    .col_expr(
                        login_throttle::Column::WindowStartedAt,
                        next.window_started_at.into(),
                    )
                    .col_expr(
                        login_throttle::Column::LockedUntil,
                        next.locked_until.into(),
                    )
                    .filter(login_throttle::Column::Id.eq(row.id))
                    .filter(login_throttle::Column::Failures.eq(row.failures))
                    .filter(login_throttle::Column::WindowStartedAt.eq(row.window_started_at))
                    .exec(db)
                    .await?;
                Ok(updated.rows_affected == 1)
            }
        }
    }

    /// Heavy contention on one key is an attack in progress: refuse rather than spin.
    fn contended() -> AppError {
        AppError::RateLimited {
            retry_after_seconds: 1,
        }
    }

    /// Counts an attempt for `key`; refuses it when the key is locked. Returns whether the
    /// attempt must be slowed down.
    pub(super) async fn attempt(db: &DatabaseConnection, key: &str) -> AppResult<bool> {
        for _ in 0..THROTTLE_RETRIES {
            let row = load(db, key).await?;
            // Whole microseconds: what PostgreSQL keeps, so the next swap compares equal.
            let now = Utc::now().trunc_subsecs(6);
            match decide(row.as_ref().map(Counter::from).as_ref(), now) {
                Decision::Locked {
                    retry_after_seconds,
                } => {
                    return Err(AppError::RateLimited {
                        retry_after_seconds,
                    })
                }
                Decision::Proceed { slow_down, next } => {
                    if swap(db, key, row.as_ref(), &next).await? {
                        return Ok(slow_down);
                    }
                }
            }
        }
        Err(contended())
    }

    /// Takes back one attempt counted by [`attempt`].
    pub(super) async fn release(db: &DatabaseConnection, key: &str) -> AppResult<()> {
        for _ in 0..THROTTLE_RETRIES {
            let Some(row) = load(db, key).await? else {
                return Ok(());
            };
            if swap(db, key, Some(&row), &undo(&Counter::from(&row))).await? {
                return Ok(());
            }
        }
        Err(contended())
    }

    /// Forgets every failure of `key` (after a successful sign-in to that account).
    pub(super) async fn clear(db: &DatabaseConnection, key: &str) -> AppResult<()> {
        login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::Key.eq(key))
            .exec(db)
            .await?;
        Ok(())
    }
}

/// Forgets failed sign-ins whose window and lock are both over, so the table does not grow
/// with every address and e-mail ever tried. Returns how many were removed.
pub async fn purge_stale_throttles(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    use entity::login_throttle;
    use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

    let window_over = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let result = login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStartedAt.lt(window_over))
        .filter(
            Condition::any()
                .add(login_throttle::Column::LockedUntil.is_null())
                .add(login_throttle::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::throttle::{decide, undo, Counter, Decision};
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
        assert!(check_password("p", "123456789").is_err());
        assert!(check_password("p", "1234567890").is_ok());
        // Ten characters, more bytes: counted as characters.
        assert!(check_password("p", "éééééééééé").is_ok());
        assert!(check_password("p", &"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }

    #[test]
    fn ipv6_clients_are_counted_by_network() {
        let a: Ipv6Addr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(
            throttle_key_for_ip(IpAddr::V6(a)),
            throttle_key_for_ip(IpAddr::V6(b))
        );
        assert_eq!(
            throttle_key_for_ip(IpAddr::V6(Ipv4Addr::new(10, 0, 0, 7).to_ipv6_mapped())),
            "ip:10.0.0.7"
        );
    }

    fn run(attempts: usize, now: DateTime<Utc>) -> (Option<Counter>, Vec<Decision>) {
        let mut counter = None;
        let mut decisions = Vec::new();
        for _ in 0..attempts {
            let decision = decide(counter.as_ref(), now);
            if let Decision::Proceed { next, .. } = &decision {
                counter = Some(next.clone());
            }
            decisions.push(decision);
        }
        (counter, decisions)
    }

    #[test]
    fn attempts_are_slowed_down_then_locked() {
        let now = Utc::now();
        let (counter, decisions) = run(LOCK_AFTER_FAILURES as usize + 1, now);
        for (i, decision) in decisions.iter().enumerate() {
            let prior = i as i32;
            match decision {
                Decision::Proceed { slow_down, .. } => {
                    assert!(prior < LOCK_AFTER_FAILURES);
                    assert_eq!(*slow_down, prior >= SLOW_DOWN_AFTER_FAILURES, "attempt {i}");
                }
                Decision::Locked {
                    retry_after_seconds,
                } => {
                    assert_eq!(prior, LOCK_AFTER_FAILURES);
                    assert_eq!(*retry_after_seconds, LOCKOUT_MINUTES as u64 * 60);
                }
            }
        }
        let counter = counter.unwrap();
        assert_eq!(counter.failures, LOCK_AFTER_FAILURES);
        assert_eq!(
            counter.locked_until,
            Some(now + Duration::minutes(LOCKOUT_MINUTES))
        );
    }

    #[test]
    fn a_lock_and_a_window_expire() {
        let now = Utc::now();
        let (counter, _) = run(LOCK_AFTER_FAILURES as usize, now);
        let later = now + Duration::minutes(LOCKOUT_MINUTES) + Duration::seconds(1);
        match decide(counter.as_ref(), later) {
            Decision::Proceed { slow_down, next } => {
                assert!(!slow_down);
                assert_eq!(next.failures, 1);
                assert_eq!(next.window_started_at, later);
                assert_eq!(next.locked_until, None);
            }
            other => panic!("{other:?}"),
        }

        let (counter, _) = run(SLOW_DOWN_AFTER_FAILURES as usize + 2, now);
        let later = now + Duration::minutes(FAILURE_WINDOW_MINUTES) + Duration::seconds(1);
        assert!(matches!(
            decide(counter.as_ref(), later),
            Decision::Proceed {
                slow_down: false,
                ..
            }
        ));
    }

    #[test]
    fn undoing_the_locking_attempt_unlocks() {
        let now = Utc::now();
        let (counter, _) = run(LOCK_AFTER_FAILURES as usize, now);
        let undone = undo(&counter.unwrap());
        assert_eq!(undone.failures, LOCK_AFTER_FAILURES - 1);
        assert_eq!(undone.locked_until, None);
        assert!(matches!(
            decide(Some(&undone), now),
            Decision::Proceed { .. }
        ));
        let zero = Counter {
            failures: 0,
            window_started_at: now,
            locked_until: None,
        };
        assert_eq!(undo(&zero).failures, 0);
    }
}
