//! Proving an e-mail address and recovering or changing a password, through single-use links
//! mailed to the address. Requests that mail answer the same whether or not the address has an
//! account, and mail an address at most [`MAILS_PER_ADDRESS_PER_HOUR`] times an hour per kind.

use chrono::{DateTime, Duration, Utc};
use entity::account;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::json;

use super::{
    check_password, hash_off_thread, link, normalise_email, session, throttle,
    throttle_key_for_mail, verify_off_thread, MailRequest, MAILS_PER_ADDRESS_PER_HOUR,
};
use crate::auth::Actor;
use crate::domain::AccountTokenPurpose;
use crate::domain::WrittenLanguage;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::audit::{self, AuditEntry};
use crate::service::mail::{Mail, MailKind, Mailer};

/// How long a link proving an address works.
pub const VERIFY_LINK_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_LINK_MINUTES: i64 = 30;

fn language_of(account: &account::Model) -> WrittenLanguage {
    WrittenLanguage::parse_or_default(&account.language)
}

/// Whether `account` may be mailed another link for `purpose` this hour.
async fn under_cap(
    conn: &impl ConnectionTrait,
    account: &account::Model,
    purpose: AccountTokenPurpose,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let sent = link::issued_since(conn, account.id, purpose, now - Duration::hours(1)).await?;
    if sent >= MAILS_PER_ADDRESS_PER_HOUR {
        tracing::info!(
            account = account.id,
            purpose = purpose.as_str(),
            "mail cap reached: no link sent"
        );
    }
    Ok(sent < MAILS_PER_ADDRESS_PER_HOUR)
}

/// A mail carrying a single-use link: what for, for how long, and which page it opens.
struct LinkMail {
    purpose: AccountTokenPurpose,
    valid_for: Duration,
    kind: MailKind,
    path: &'static str,
}

/// Stores a new link for `account` and queues the mail carrying it, unless the address had its
/// share of such mails this hour.
async fn mail_link(
    conn: &impl ConnectionTrait,
    mailer: &Mailer,
    account: &account::Model,
    mail: LinkMail,
) -> AppResult<()> {
    let now = Utc::now();
    if !under_cap(conn, account, mail.purpose, now).await? {
        return Ok(());
    }
    let secret = link::issue(conn, account.id, mail.purpose, mail.valid_for, now).await?;
    let language = language_of(account);
    mailer
        .queue(
            conn,
            Mail {
                kind: mail.kind,
                to: account.email.clone(),
                language,
                context: json!({
                    "name": account.full_name,
                    "link": mailer.link(mail.path, &secret, language),
                    "hours": mail.valid_for.num_hours(),
                    "minutes": mail.valid_for.num_minutes(),
                }),
                unsubscribe: None,
            },
        )
        .await
}

/// Queues the link proving a new account's address.
pub(super) async fn mail_verification(
    conn: &impl ConnectionTrait,
    mailer: &Mailer,
    account: &account::Model,
) -> AppResult<()> {
    let mail = LinkMail {
        purpose: AccountTokenPurpose::VerifyEmail,
        valid_for: Duration::hours(VERIFY_LINK_HOURS),
        kind: MailKind::VerifyEmail,
        path: "/account/verify-email",
    };
    mail_link(conn, mailer, account, mail).await
}

/// Tells the owner of an address someone tried to register it, with a link to choose a new
/// password (which the owner may want, and which proves the address).
pub(super) async fn mail_existing_owner(
    conn: &impl ConnectionTrait,
    mailer: &Mailer,
    account: &account::Model,
) -> AppResult<()> {
    if !account.active {
        return Ok(());
    }
    mail_reset_link(conn, mailer, account, MailKind::AlreadyRegistered).await
}

async fn mail_reset_link(
    conn: &impl ConnectionTrait,
    mailer: &Mailer,
    account: &account::Model,
    kind: MailKind,
) -> AppResult<()> {
    let mail = LinkMail {
        purpose: AccountTokenPurpose::ResetPassword,
        valid_for: Duration::minutes(RESET_LINK_MINUTES),
        kind,
        path: "/account/reset-password",
    };
    mail_link(conn, mailer, account, mail).await
}

async fn own_account(actor: &Actor, db: &DatabaseConnection) -> AppResult<account::Model> {
    let id = policy::manage_own_account(actor)?;
    account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Mails the signed-in account a new link proving its address (when the first is lost or
/// expired). Nothing is sent for a proven address.
#[tracing::instrument(level = "debug", skip(db, mailer))]
pub async fn request_verification(
    actor: &Actor,
    db: &DatabaseConnection,
    mailer: &Mailer,
) -> AppResult<()> {
    let account = own_account(actor, db).await?;
    if account.email_verified_at.is_some() {
        return Ok(());
    }
    let txn = crate::db::begin_write(db).await?;
    mail_verification(&txn, mailer, &account).await?;
    txn.commit().await?;
    Ok(())
}

/// Proves an account's address with the secret of the link mailed to it. Returns the account.
#[tracing::instrument(level = "debug", skip(db, secret))]
pub async fn verify_email(db: &DatabaseConnection, secret: &str) -> AppResult<account::Model> {
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let id = link::redeem(&txn, secret, AccountTokenPurpose::VerifyEmail, now).await?;
    let row = account::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|row| row.active)
        .ok_or(AppError::InvalidToken)?;
    let row = if row.email_verified_at.is_none() {
        let version = row.version;
        let mut active: account::ActiveModel = row.into();
        active.email_verified_at = Set(Some(now));
        active.version = Set(version + 1);
        active.updated_at = Set(now);
        active.update(&txn).await?
    } else {
        row
    };
    let own = Actor::Account {
        id: row.id,
        role: crate::domain::Role::from_db(&row.role)?,
        organisation_id: row.organisation_id,
        session_id: None,
        email_verified: true,
    };
    audit::record(
        &txn,
        &own,
        AuditEntry {
            organisation_id: row.organisation_id,
            entity_type: "account",
            entity_id: row.id,
            action: "verify_email",
            changes: json!({ "emailVerified": true }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Mails a link to choose a new password to the account of `email`, if there is an active one.
/// The answer is the same either way; requests are counted per client address like failed
/// sign-ins, and an address gets at most a few links an hour.
#[tracing::instrument(level = "debug", skip(db, mail, email))]
pub async fn request_password_reset(
    db: &DatabaseConnection,
    mail: MailRequest<'_>,
    email: &str,
) -> AppResult<()> {
    let email = normalise_email("email", email)?;
    if let Some(ip) = mail.client {
        throttle::attempt(db, &throttle_key_for_mail(ip), throttle::decide_for_address).await?;
    }
    let txn = crate::db::begin_write(db).await?;
    let account = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .filter(account::Column::Active.eq(true))
        .one(&txn)
        .await?;
    if let Some(account) = account {
        mail_reset_link(&txn, mail.mailer, &account, MailKind::PasswordReset).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sets a new password with the secret of a reset link: proves the address, ends every
/// session, voids the other reset links, and tells the owner by mail.
#[tracing::instrument(level = "debug", skip(db, mailer, secret, password))]
pub async fn reset_password(
    db: &DatabaseConnection,
    mailer: &Mailer,
    secret: &str,
    password: &str,
) -> AppResult<account::Model> {
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let id = link::redeem(&txn, secret, AccountTokenPurpose::ResetPassword, now).await?;
    let row = account::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|row| row.active)
        .ok_or(AppError::InvalidToken)?;
    // A refused password rolls back: the link still works for a better one.
    check_password("password", password, &row.email)?;
    let hash = hash_off_thread(password).await?;
    let row = set_password(&txn, mailer, row, hash, None, "reset_password", now).await?;
    link::void_all(&txn, row.id, AccountTokenPurpose::ResetPassword, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes the caller's password, given the current one: ends the account's other sessions and
/// tells the owner by mail.
#[tracing::instrument(level = "debug", skip(db, mailer, current, new))]
pub async fn change_password(
    actor: &Actor,
    db: &DatabaseConnection,
    mailer: &Mailer,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let row = own_account(actor, db).await?;
    if current.chars().count() > super::MAX_PASSWORD_CHARS
        || !verify_off_thread(current, Some(row.password_hash.clone())).await?
    {
        return Err(AppError::bad_input(
            "currentPassword",
            "the current password is not right",
        ));
    }
    check_password("newPassword", new, &row.email)?;
    let hash = hash_off_thread(new).await?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    set_password(
        &txn,
        mailer,
        row,
        hash,
        actor.session_id(),
        "change_password",
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Stores a new password hash: the address counts as proven (only its owner got here), the
/// sessions but `keep` end, and the owner is told.
async fn set_password(
    conn: &impl ConnectionTrait,
    mailer: &Mailer,
    row: account::Model,
    hash: String,
    keep: Option<i32>,
    action: &str,
    now: DateTime<Utc>,
) -> AppResult<account::Model> {
    let version = row.version;
    let verified = row.email_verified_at.unwrap_or(now);
    let mut active: account::ActiveModel = row.into();
    active.password_hash = Set(hash);
    active.email_verified_at = Set(Some(verified));
    active.version = Set(version + 1);
    active.updated_at = Set(now);
    let row = active.update(conn).await?;
    session::end_all(conn, row.id, keep, now).await?;
    let own = Actor::Account {
        id: row.id,
        role: crate::domain::Role::from_db(&row.role)?,
        organisation_id: row.organisation_id,
        session_id: keep,
        email_verified: true,
    };
    audit::record(
        conn,
        &own,
        AuditEntry {
            organisation_id: row.organisation_id,
            entity_type: "account",
            entity_id: row.id,
            action,
            changes: json!({ "password": "changed", "otherSessionsEnded": true }),
        },
    )
    .await?;
    mailer
        .queue(
            conn,
            Mail {
                kind: MailKind::PasswordChanged,
                to: row.email.clone(),
                language: language_of(&row),
                context: json!({ "name": row.full_name }),
                unsubscribe: None,
            },
        )
        .await?;
    Ok(row)
}
