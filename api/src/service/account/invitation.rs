//! Staff invited by mail: an admin names an address and a role, the invitee follows the link and
//! chooses their own password. No admin ever sees or chooses another person's password.
//! Invitations expire and can be revoked; the address is proven by the acceptance.

use chrono::{DateTime, Duration, Utc};
use entity::{account, invitation, organisation};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use super::{
    check_full_name, check_password, hash_off_thread, insert, normalise_email, start_session,
    NewRow, SignedIn, Signing,
};
use crate::auth::one_time::{hash_secret, new_secret};
use crate::auth::Actor;
use crate::domain::WrittenLanguage;
use crate::domain::{InvitationStatus, Role};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::audit::{self, AuditEntry};
use crate::service::mail::{Mail, MailKind, Mailer};

/// How long an invitation can be accepted.
pub const INVITATION_DAYS: i64 = 7;

/// An invitation to send.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub email: String,
    pub role: Role,
    /// None for a platform admin.
    pub organisation_id: Option<i32>,
    /// The language of the mail (`en`, `fr`, `ar`); English when missing.
    pub language: Option<String>,
}

/// An invitee accepting.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub token: String,
    pub full_name: String,
    pub password: String,
}

/// Where an invitation stands at `now`.
pub fn invitation_status(row: &invitation::Model, now: DateTime<Utc>) -> InvitationStatus {
    if row.accepted_at.is_some() {
        InvitationStatus::Accepted
    } else if row.revoked_at.is_some() {
        InvitationStatus::Revoked
    } else if row.expires_at <= now {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    }
}

/// Invites `input.email` to join an organisation's staff (or the platform admins) and mails
/// the link. Whether the address has an account already is not said (that would tell any admin
/// who has one): the acceptance settles it, with the invitee.
#[tracing::instrument(level = "debug", skip(db, mailer, input))]
pub async fn invite(
    actor: &Actor,
    db: &DatabaseConnection,
    mailer: &Mailer,
    input: NewInvitation,
) -> AppResult<invitation::Model> {
    policy::invite(actor, input.organisation_id, input.role)?;
    let email = normalise_email("input.email", &input.email)?;
    let organisation = match input.organisation_id {
        Some(id) => Some(
            organisation::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound("organisation"))?,
        ),
        None => None,
    };
    let language = match input.language.as_deref() {
        None => WrittenLanguage::En,
        Some(code) => WrittenLanguage::parse(code).ok_or_else(|| {
            AppError::bad_input("input.language", "the language must be `en`, `fr` or `ar`")
        })?,
    };
    let inviter = match actor.account_id() {
        Some(id) => account::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|row| row.full_name),
        None => None,
    };
    let now = Utc::now();
    let (secret, hash) = new_secret();
    let txn = crate::db::begin_write(db).await?;
    let row = invitation::ActiveModel {
        organisation_id: Set(input.organisation_id),
        email: Set(email.clone()),
        role: Set(input.role.as_str().to_owned()),
        token_hash: Set(hash),
        invited_by: Set(actor.account_id()),
        account_id: Set(None),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: input.organisation_id,
            entity_type: "invitation",
            entity_id: row.id,
            action: "invite",
            changes: json!({ "email": email, "role": row.role }),
        },
    )
    .await?;
    let organisation_name = organisation.map(|org| match language {
        WrittenLanguage::Fr => org.name_fr,
        _ => org.name_en,
    });
    mailer
        .queue(
            &txn,
            Mail {
                kind: MailKind::Invitation,
                to: email,
                language,
                context: json!({
                    "organisation": organisation_name,
                    "role": row.role,
                    "inviter": inviter.unwrap_or_else(|| "An administrator".to_owned()),
                    "link": mailer.link("/account/invitation", &secret, language),
                    "days": INVITATION_DAYS,
                }),
                unsubscribe: None,
            },
        )
        .await?;
    txn.commit().await?;
    Ok(row)
}

/// An invitation the caller may manage, or `NOT_FOUND` (never `FORBIDDEN`: ids are sequential).
async fn manageable(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<invitation::Model> {
    let row = invitation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    let role = Role::from_db(&row.role)?;
    policy::invite(actor, row.organisation_id, role)
        .map_err(|_| AppError::NotFound("invitation"))?;
    Ok(row)
}

/// Withdraws an invitation not accepted yet: its link stops working.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn revoke_invitation(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<invitation::Model> {
    let row = manageable(actor, db, id).await?;
    if row.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "this invitation was accepted: deactivate the account instead".to_owned(),
        ));
    }
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let organisation_id = row.organisation_id;
    let mut active: invitation::ActiveModel = row.into();
    active.revoked_at = Set(Some(now));
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id,
            entity_type: "invitation",
            entity_id: row.id,
            action: "revoke",
            changes: json!({ "revoked": true }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// An organisation's invitations (the platform admins' when `organisation_id` is none), newest
/// first, for whoever may invite there.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn invitations(
    actor: &Actor,
    db: &DatabaseConnection,
    organisation_id: Option<i32>,
) -> AppResult<Vec<invitation::Model>> {
    let role = if organisation_id.is_some() {
        Role::AgencyAdmin
    } else {
        Role::PlatformAdmin
    };
    policy::invite(actor, organisation_id, role)?;
    let query = invitation::Entity::find();
    let query = match organisation_id {
        Some(id) => query.filter(invitation::Column::OrganisationId.eq(id)),
        None => query.filter(invitation::Column::OrganisationId.is_null()),
    };
    Ok(query
        .order_by_desc(invitation::Column::CreatedAt)
        .order_by_desc(invitation::Column::Id)
        .all(db)
        .await?)
}

/// Accepts an invitation with the secret of its link: creates the account (its address proven)
/// and signs it in. An unproven account on the same address (someone registered it before
/// the owner could) is removed first: the invitee has just proven the address is theirs.
#[tracing::instrument(level = "debug", skip(db, signing, input))]
pub async fn accept_invitation(
    db: &DatabaseConnection,
    signing: Signing<'_>,
    input: Acceptance,
) -> AppResult<SignedIn> {
    use invitation::Column as C;

    let now = Utc::now();
    let full_name = check_full_name("input.fullName", &input.full_name)?;
    let row = invitation::Entity::find()
        .filter(C::TokenHash.eq(hash_secret(&input.token)))
        .one(db)
        .await?
        .filter(|row| invitation_status(row, now) == InvitationStatus::Pending)
        .ok_or(AppError::InvalidToken)?;
    check_password("input.password", &input.password, &row.email)?;
    let hash = hash_off_thread(&input.password).await?;
    let role = Role::from_db(&row.role)?;

    let txn = crate::db::begin_write(db).await?;
    let accepted = invitation::Entity::update_many()
        .col_expr(C::AcceptedAt, Expr::value(Some(now)))
        .filter(C::Id.eq(row.id))
        .filter(C::AcceptedAt.is_null())
        .filter(C::RevokedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if accepted != 1 {
        return Err(AppError::InvalidToken);
    }
    let existing = account::Entity::find()
        .filter(account::Column::Email.eq(row.email.as_str()))
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        if existing.email_verified_at.is_some() {
            return Err(AppError::Conflict(
                "this address already has an account: ask for the invitation to go to another \
                 address"
                    .to_owned(),
            ));
        }
        existing.delete(&txn).await?;
    }
    let account = insert(
        None,
        &txn,
        NewRow {
            email: row.email.clone(),
            password_hash: hash,
            full_name,
            role,
            organisation_id: row.organisation_id,
            verified: true,
            language: WrittenLanguage::En,
        },
    )
    .await?;
    let invitee = Actor::Account {
        id: account.id,
        role,
        organisation_id: account.organisation_id,
        session_id: None,
        email_verified: true,
    };
    audit::record(
        &txn,
        &invitee,
        AuditEntry {
            organisation_id: row.organisation_id,
            entity_type: "invitation",
            entity_id: row.id,
            action: "accept",
            changes: json!({ "accountId": account.id }),
        },
    )
    .await?;
    let mut active: invitation::ActiveModel = row.into();
    active.account_id = Set(Some(account.id));
    active.update(&txn).await?;
    let signed_in = start_session(&txn, signing, account).await?;
    txn.commit().await?;
    Ok(signed_in)
}
