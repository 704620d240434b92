//! Single-use links mailed to an account's owner: stored as hashes, redeemed once with a
//! conditional update (two clicks at once: one wins), refused when expired or used.

use chrono::{DateTime, Duration, Utc};
use entity::account_token;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use crate::auth::one_time::{hash_secret, new_secret};
use crate::domain::AccountTokenPurpose;
use crate::error::{AppError, AppResult};

/// Stores a new link for `account_id` and returns its secret (for the mail only).
pub(super) async fn issue(
    conn: &impl ConnectionTrait,
    account_id: i32,
    purpose: AccountTokenPurpose,
    valid_for: Duration,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let (secret, hash) = new_secret();
    account_token::ActiveModel {
        account_id: Set(account_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(hash),
        created_at: Set(now),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(secret)
}

/// How many links for `purpose` were made for `account_id` since `since`.
pub(super) async fn issued_since(
    conn: &impl ConnectionTrait,
    account_id: i32,
    purpose: AccountTokenPurpose,
    since: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(account_token::Entity::find()
        .filter(account_token::Column::AccountId.eq(account_id))
        .filter(account_token::Column::Purpose.eq(purpose.as_str()))
        .filter(account_token::Column::CreatedAt.gt(since))
        .count(conn)
        .await?)
}

/// Uses the link whose secret is `secret`: returns its account, or [`AppError::InvalidToken`]
/// if no such link exists for `purpose`, it expired, or it was used.
pub(super) async fn redeem(
    conn: &impl ConnectionTrait,
    secret: &str,
    purpose: AccountTokenPurpose,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    use account_token::Column as C;

    let row = account_token::Entity::find()
        .filter(C::TokenHash.eq(hash_secret(secret)))
        .filter(C::Purpose.eq(purpose.as_str()))
        .one(conn)
        .await?
        .filter(|row| row.used_at.is_none() && row.expires_at > now)
        .ok_or(AppError::InvalidToken)?;
    let used = account_token::Entity::update_many()
        .col_expr(C::UsedAt, Expr::value(Some(now)))
        .filter(C::Id.eq(row.id))
        .filter(C::UsedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected;
    if used != 1 {
        return Err(AppError::InvalidToken);
    }
    Ok(row.account_id)
}

/// Uses up every open link of `account_id` for `purpose` (after a reset, the other reset links
/// mailed before must not work).
pub(super) async fn void_all(
    conn: &impl ConnectionTrait,
    account_id: i32,
    purpose: AccountTokenPurpose,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use account_token::Column as C;

    account_token::Entity::update_many()
        .col_expr(C::UsedAt, Expr::value(Some(now)))
        .filter(C::AccountId.eq(account_id))
        .filter(C::Purpose.eq(purpose.as_str()))
        .filter(C::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
