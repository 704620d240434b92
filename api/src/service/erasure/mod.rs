//! Erasing a person: a candidate deletes their own account, or a platform admin erases one on
//! request. One transaction per person, so a failure leaves everything as it was and a rerun
//! finishes; erasing an erased person changes nothing.
//!
//! What happens, by table:
//!
//! - `account`: kept as a tombstone, so that applications and the audit trail keep pointing at
//!   a row: the address becomes `erased-<id>@erased.invalid`, the name "Erased candidate", the
//!   password unusable, the account inactive, mail settings off, `erased_at` set;
//! - `application`: anonymised as `service::application::anonymise` says, except those that are
//!   HIRED, kept whole under legal hold (the employment record) and listed in the answer;
//! - deleted: sessions (every token dies), mail links, saved searches and their alerts, the
//!   candidate profile (with the nationality it may hold), mails to
//!   the address (queued or sent), invitations to it, sign-in failures counted against it;
//! - `audit_event`: rows about the account keep their keys but not their values, and values
//!   naming the address elsewhere read "[erased]"; one row records the erasure itself.
//!
//! An account a platform admin put under legal hold is not erased at all (`CONFLICT`).

mod redact;

use chrono::Utc;
use entity::{
    account, account_session, account_token, application, invitation, login_throttle, mail_outbox,
    saved_search, vacancy,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use crate::auth::Actor;
use crate::domain::global_id::{global_id, NodeKind};
use crate::domain::{ApplicationStatus, Role};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::application::anonymise;
use crate::service::audit::{self, AuditEntry};

pub use redact::ERASED;

/// The name an erased account shows wherever the person was shown.
pub const ERASED_NAME: &str = "Erased candidate";

/// The longest reason an admin gives for an erasure or a hold, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    /// The person was erased before this request, which changed nothing.
    pub already_erased: bool,
    /// What is kept and why, one sentence each.
    pub kept: Vec<String>,
}

/// The address an erased account is left with: unique, and one no mail can reach.
pub fn erased_email(account_id: i32) -> String {
    format!("erased-{account_id}@erased.invalid")
}

fn check_reason(field: &str, reason: &str) -> AppResult<String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must be 1 to {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(reason.to_owned())
}

/// The signed-in candidate erases their own account, given their password.
#[tracing::instrument(level = "debug", skip(db, password))]
pub async fn delete_my_account(
    actor: &Actor,
    db: &DatabaseConnection,
    password: &str,
) -> AppResult<Erasure> {
    let id = policy::erase_own_account(actor)?;
    let row = account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if password.chars().count() > crate::service::account::MAX_PASSWORD_CHARS
        || !crate::service::account::verify_off_thread(password, Some(row.password_hash.clone()))
            .await?
    {
        return Err(AppError::bad_input("password", "the password is not right"));
    }
    erase(actor, db, row, None).await
}

/// A platform admin erases a candidate on request; `reason` goes into the audit trail (it
/// should say what the request was, not who made it).
#[tracing::instrument(level = "debug", skip(db, reason))]
pub async fn erase_account(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    reason: &str,
) -> AppResult<Erasure> {
    policy::erase_person(actor)?;
    let reason = check_reason("reason", reason)?;
    let row = account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    if row.role != Role::Candidate.as_str() {
        return Err(AppError::bad_input(
            "id",
            "only candidates' accounts are erased; deactivate a staff account instead",
        ));
    }
    erase(actor, db, row, Some(&reason)).await
}

/// Puts an account under legal hold (`reason` required), or releases it. Platform admins only.
#[tracing::instrument(level = "debug", skip(db, reason))]
pub async fn set_legal_hold(
    actor: &Actor,
    db: &DatabaseConnection,
    account_id: i32,
    hold: bool,
    reason: Option<&str>,
) -> AppResult<account::Model> {
    policy::erase_person(actor)?;
    let reason = match (hold, reason) {
        (true, Some(reason)) => Some(check_reason("reason", reason)?),
        (true, None) => {
            return Err(AppError::bad_input(
                "reason",
                "say why the account is held: `reason` is required when `hold` is true",
            ))
        }
        (false, _) => None,
    };
    let txn = crate::db::begin_write(db).await?;
    let row = account::Entity::find_by_id(account_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    if row.legal_hold_reason == reason {
        return Ok(row);
    }
    let version = row.version;
    let organisation_id = row.organisation_id;
    let mut active: account::ActiveModel = row.into();
    active.legal_hold_reason = Set(reason.clone());
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
            action: if hold {
                "legal_hold"
            } else {
                "release_legal_hold"
            },
            changes: json!({ "legalHoldReason": reason }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Why the account is held from erasure, for those who may know (platform admins).
pub fn legal_hold_visible<'a>(actor: &Actor, row: &'a account::Model) -> Option<&'a str> {
    policy::can_see_legal_hold(actor)
        .then_some(row.legal_hold_reason.as_deref())
        .flatten()
}

async fn erase(
    actor: &Actor,
    db: &DatabaseConnection,
    row: account::Model,
    reason: Option<&str>,
) -> AppResult<Erasure> {
    let txn = crate::db::begin_write(db).await?;
    // Read again under the write lock, so two erasures of one person do not both run.
    let row = account::Entity::find_by_id(row.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    let applications = application::Entity::find()
        .filter(application::Column::CandidateId.eq(row.id))
        .order_by_asc(application::Column::Id)
        .find_also_related(vacancy::Entity)
        .all(&txn)
        .await?;
    let (held, erasable): (Vec<_>, Vec<_>) = applications
        .into_iter()
        .partition(|(application, _)| application.status == ApplicationStatus::Hired.as_str());
    let kept = held
        .iter()
        .map(|(application, vacancy)| {
            format!(
                "application {} to vacancy {}: HIRED, kept whole (with its personal data) as \
                 the record of employment",
                global_id(NodeKind::Application, application.id).0,
                vacancy.as_ref().map_or("?", |v| v.reference.as_str()),
            )
        })
        .collect();
    if row.erased_at.is_some() {
        return Ok(Erasure {
            already_erased: true,
            kept,
        });
    }
    if row.legal_hold_reason.is_some() {
        return Err(AppError::Conflict(
            "this account is under legal hold, set by a platform admin: it cannot be erased \
             until the hold is released"
                .to_owned(),
        ));
    }
    let now = Utc::now();
    let erasable: Vec<i32> = erasable.iter().map(|(a, _)| a.id).collect();
    let anonymised = anonymise(&txn, &erasable, now).await?;
    forget_person(&txn, &row).await?;
    redact::redact_audit(&txn, row.id, &row.email).await?;
    let (id, organisation_id, version) = (row.id, row.organisation_id, row.version);
    let mut active: account::ActiveModel = row.into();
    active.email = Set(erased_email(id));
    active.full_name = Set(ERASED_NAME.to_owned());
    // Not a PHC string: no password ever matches it.
    active.password_hash = Set("!".to_owned());
    active.active = Set(false);
    active.email_verified_at = Set(None);
    active.language = Set("en".to_owned());
    active.notify_application_updates = Set(false);
    active.recruiter_digest = Set(false);
    active.digest_sent_through = Set(None);
    active.erased_at = Set(Some(now));
    active.version = Set(version + 1);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id,
            entity_type: "account",
            entity_id: id,
            action: "erase",
            changes: json!({
                "reason": reason.unwrap_or("the person's own request"),
                "applicationsAnonymised": anonymised,
                "applicationsKept": held.len(),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Erasure {
        already_erased: false,
        kept,
    })
}

/// Deletes what belongs to the person alone, on the caller's transaction.
async fn forget_person(conn: &impl ConnectionTrait, row: &account::Model) -> AppResult<()> {
    account_session::Entity::delete_many()
        .filter(account_session::Column::AccountId.eq(row.id))
        .exec(conn)
        .await?;
    account_token::Entity::delete_many()
        .filter(account_token::Column::AccountId.eq(row.id))
        .exec(conn)
        .await?;
    saved_search::Entity::delete_many()
        .filter(saved_search::Column::AccountId.eq(row.id))
        .exec(conn)
        .await?;
    crate::service::profile::delete_for(conn, row.id).await?;
    mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::Recipient.eq(row.email.as_str()))
        .exec(conn)
        .await?;
    invitation::Entity::delete_many()
        .filter(invitation::Column::Email.eq(row.email.as_str()))
        .exec(conn)
        .await?;
    // Counted per client network and address: `pair:<network>|<address>`.
    let suffix = format!("|{}", row.email);
    let throttles: Vec<i32> = login_throttle::Entity::find()
        .filter(login_throttle::Column::Key.ends_with(suffix.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .filter(|t| t.key.ends_with(&suffix))
        .map(|t| t.id)
        .collect();
    if !throttles.is_empty() {
        login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::Id.is_in(throttles))
            .exec(conn)
            .await?;
    }
    Ok(())
}
