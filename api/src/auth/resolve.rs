//! Turning an `Authorization: Bearer` header into an [`Actor`], checked against the database so
//! that a deactivated account, an ended session or a revoked integration token stops working at
//! once, on every replica.

use axum::http::{header, HeaderMap};
use chrono::Utc;
use entity::{account, account_session, integration_token};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::auth::jwt::{JwtKeys, Subject};
use crate::auth::{Actor, ClientAddr};
use crate::domain::{networks_from_db, Role, ScopeSet};
use crate::error::{AppError, AppResult};

/// `client` is the caller's address: an integration token limited to some networks is refused
/// from any other, or when the address is unknown.
pub async fn authenticate(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    headers: &HeaderMap,
    client: Option<ClientAddr>,
) -> AppResult<Actor> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Actor::Anonymous);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(AppError::Unauthenticated)?;
    let claims = keys.verify(token).map_err(|_| AppError::Unauthenticated)?;
    let now = Utc::now();
    match claims.subject().ok_or(AppError::Unauthenticated)? {
        Subject::Session(id) => {
            let (session, account) = account_session::Entity::find_by_id(id)
                .find_also_related(account::Entity)
                .one(db)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            let account = account
                .filter(|a| a.active && session.revoked_at.is_none() && session.expires_at > now)
                .ok_or(AppError::Unauthenticated)?;
            Ok(Actor::Account {
                id: account.id,
                role: Role::from_db(&account.role)?,
                organisation_id: account.organisation_id,
                session_id: Some(session.id),
                email_verified: account.email_verified_at.is_some(),
            })
        }
        Subject::Integration(id) => {
            let token = integration_token::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|t| t.jti == claims.jti && t.revoked_at.is_none() && t.expires_at > now)
                .ok_or(AppError::Unauthenticated)?;
            if let Some(stored) = &token.allowed_networks {
                let networks = networks_from_db(stored)?;
                let allowed =
                    client.is_some_and(|ClientAddr(ip)| networks.iter().any(|n| n.contains(ip)));
                if !allowed {
                    tracing::warn!(
                        token = token.id,
                        client = ?client.map(|c| c.0),
                        "integration token used from outside its allowed networks"
                    );
                    return Err(AppError::Unauthenticated);
                }
            }
            Ok(Actor::Integration {
                token_id: token.id,
                organisation_id: token.organisation_id,
                scopes: ScopeSet::from_db(&token.scopes)?,
            })
        }
    }
}
