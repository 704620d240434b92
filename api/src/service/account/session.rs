//! Sessions: every sign-in starts one, every access token names one, and a session ends when
//! its owner signs out (here or everywhere), changes or resets the password, or is deactivated.
//! Every request reads its session, so an ended one stops working at once on every replica
//! (and on open WebSocket connections at their next check, within `WS_RECHECK_SECONDS`).

use chrono::{DateTime, Utc};
use entity::{account, account_session};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::{SignedIn, Signing};
use crate::auth::jwt::Subject;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::policy;

/// Starts a session for `account` and signs its token (the role and organisation go into the
/// claims, for clients; every request re-reads them).
pub async fn start_session(
    conn: &impl ConnectionTrait,
    signing: Signing<'_>,
    account: account::Model,
) -> AppResult<SignedIn> {
    let now = Utc::now();
    let session = account_session::ActiveModel {
        account_id: Set(account.id),
        created_at: Set(now),
        expires_at: Set(now + signing.ttl),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let token = signing
        .keys
        .issue(
            Subject::Session(session.id),
            &account.role,
            account.organisation_id,
            signing.ttl,
        )
        .map_err(AppError::internal)?;
    Ok(SignedIn { token, account })
}

/// Ends the sessions of `account_id` still open, but `keep`.
pub(super) async fn end_all(
    conn: &impl ConnectionTrait,
    account_id: i32,
    keep: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    use account_session::Column as C;

    let mut update = account_session::Entity::update_many()
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .filter(C::AccountId.eq(account_id))
        .filter(C::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(C::Id.ne(keep));
    }
    Ok(update.exec(conn).await?.rows_affected)
}

/// Ends the caller's session: its token stops working.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn sign_out(actor: &Actor, db: &DatabaseConnection) -> AppResult<()> {
    use account_session::Column as C;

    policy::manage_own_account(actor)?;
    let session = actor.session_id().ok_or(AppError::Forbidden)?;
    account_session::Entity::update_many()
        .col_expr(C::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(C::Id.eq(session))
        .filter(C::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of the caller's account, this one included: every token stops working.
/// Returns how many sessions ended.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn sign_out_everywhere(actor: &Actor, db: &DatabaseConnection) -> AppResult<u64> {
    let account = policy::manage_own_account(actor)?;
    end_all(db, account, None, Utc::now()).await
}

/// Forgets sessions and single-use links that ended more than a day ago: they can no longer
/// be used, and a session's row says when someone was signed in. Returns how many went.
pub async fn purge_ended(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    use sea_orm::Condition;

    let before = now - chrono::Duration::days(1);
    let sessions = account_session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(account_session::Column::ExpiresAt.lt(before))
                .add(account_session::Column::RevokedAt.lt(before)),
        )
        .exec(db)
        .await?
        .rows_affected;
    let links = entity::account_token::Entity::delete_many()
        .filter(entity::account_token::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected;
    Ok(sessions + links)
}
