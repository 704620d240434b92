//! Integration tokens: named, expiring tokens with a recruiter's rights in one organisation, as
//! far as their scopes go, optionally from some client networks only, for agencies' HR systems.
//! Only the token's `jti` is stored; the token itself is shown once.

use chrono::{DateTime, Duration, Utc};
use entity::{integration_token, organisation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::jwt::{JwtKeys, Subject};
use crate::auth::Actor;
use crate::domain::{networks_to_db, Network, Role, ScopeSet};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::audit::{self, AuditEntry};

/// The longest an integration token may live.
pub const MAX_LIFETIME_DAYS: i64 = 365;
/// The longest token name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The most client networks a token may be limited to.
pub const MAX_NETWORKS: usize = 20;

/// A token to create.
#[derive(Debug, Clone)]
pub struct NewIntegrationToken {
    pub organisation_id: i32,
    pub name: String,
    pub expires_at: DateTime<Utc>,
    /// What it may do; at least one scope.
    pub scopes: ScopeSet,
    /// The client networks (CIDRs) it may call from; `None` for any.
    pub allowed_networks: Option<Vec<String>>,
}

/// A created token: the secret (never stored, never shown again) and its row.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub token: String,
    pub row: integration_token::Model,
}

fn check_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::bad_input(
            "input.name",
            "`input.name` must not be empty",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            "input.name",
            format!("`input.name` must be at most {MAX_NAME_CHARS} printable characters"),
        ));
    }
    Ok(name.to_owned())
}

fn check_scopes(scopes: ScopeSet) -> AppResult<ScopeSet> {
    if scopes.is_empty() {
        return Err(AppError::bad_input(
            "input.scopes",
            "`input.scopes` must name at least one scope",
        ));
    }
    Ok(scopes)
}

/// The networks, parsed; an empty list is refused (leave it out to allow any network).
fn check_networks(networks: Option<&[String]>) -> AppResult<Option<Vec<Network>>> {
    let Some(networks) = networks else {
        return Ok(None);
    };
    if networks.is_empty() || networks.len() > MAX_NETWORKS {
        return Err(AppError::bad_input(
            "input.allowedNetworks",
            format!(
                "`input.allowedNetworks` lists 1 to {MAX_NETWORKS} networks; leave it out to \
                 allow any"
            ),
        ));
    }
    networks
        .iter()
        .enumerate()
        .map(|(i, text)| {
            Network::parse(text)
                .map_err(|e| AppError::bad_input(format!("input.allowedNetworks[{i}]"), e))
        })
        .collect::<AppResult<Vec<_>>>()
        .map(Some)
}

/// The token's lifetime from `now`: in the future, and at most [`MAX_LIFETIME_DAYS`].
fn lifetime(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> AppResult<Duration> {
    let ttl = expires_at - now;
    if ttl < Duration::minutes(1) {
        return Err(AppError::bad_input(
            "input.expiresAt",
            "`input.expiresAt` must be in the future",
        ));
    }
    if ttl > Duration::days(MAX_LIFETIME_DAYS) {
        return Err(AppError::bad_input(
            "input.expiresAt",
            format!("an integration token lives at most {MAX_LIFETIME_DAYS} days"),
        ));
    }
    Ok(ttl)
}

/// Creates a token for an organisation (its admins and platform admins). The row, the token's
/// `jti` and the audit entry are written in one transaction.
#[tracing::instrument(level = "debug", skip(db, keys, input))]
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    keys: &JwtKeys,
    input: NewIntegrationToken,
) -> AppResult<CreatedToken> {
    policy::administer_organisation(actor, input.organisation_id)?;
    organisation::Entity::find_by_id(input.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    let name = check_name(&input.name)?;
    let scopes = check_scopes(input.scopes)?;
    let networks = check_networks(input.allowed_networks.as_deref())?;
    let now = Utc::now();
    let ttl = lifetime(input.expires_at, now)?;

    let txn = crate::db::begin_write(db).await?;
    // The token names the row and the row names the token's `jti`: insert with a placeholder,
    // sign, then store the real `jti`, all before anyone else can see the row.
    let row = integration_token::ActiveModel {
        organisation_id: Set(input.organisation_id),
        name: Set(name),
        jti: Set(format!("pending-{}", Uuid::new_v4().simple())),
        created_by: Set(actor.account_id()),
        expires_at: Set(input.expires_at),
        revoked_at: Set(None),
        created_at: Set(now),
        scopes: Set(scopes.to_db()),
        allowed_networks: Set(networks.as_deref().map(networks_to_db)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let issued = keys
        .issue(
            Subject::Integration(row.id),
            Role::Recruiter.as_str(),
            Some(row.organisation_id),
            ttl,
        )
        .map_err(AppError::internal)?;
    let mut active: integration_token::ActiveModel = row.into();
    active.jti = Set(issued.jti);
    // The token's own `exp` (whole seconds) is the expiry that counts.
    active.expires_at = Set(issued.expires_at);
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(row.organisation_id),
            entity_type: "integration_token",
            entity_id: row.id,
            action: "create",
            changes: json!({
                "name": row.name,
                "expiresAt": row.expires_at,
                "scopes": scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                "allowedNetworks": networks
                    .as_ref()
                    .map(|n| n.iter().map(Network::to_string).collect::<Vec<_>>()),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedToken {
        token: issued.token,
        row,
    })
}

/// An organisation's tokens, newest first, revoked and expired ones included.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn list(
    actor: &Actor,
    db: &DatabaseConnection,
    organisation_id: i32,
) -> AppResult<Vec<integration_token::Model>> {
    policy::administer_organisation(actor, organisation_id)?;
    Ok(integration_token::Entity::find()
        .filter(integration_token::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(integration_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes a token: refused from the next request on, on every replica (each request checks the
/// row). Revoking a revoked token changes nothing.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn revoke(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<integration_token::Model> {
    let row = integration_token::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("integration token"))?;
    policy::administer_organisation_object(actor, row.organisation_id, "integration token")?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let organisation_id = row.organisation_id;
    let mut active: integration_token::ActiveModel = row.into();
    active.revoked_at = Set(Some(now));
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(organisation_id),
            entity_type: "integration_token",
            entity_id: row.id,
            action: "revoke",
            changes: json!({ "revokedAt": now }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetime_is_in_the_future_and_at_most_a_year() {
        let now = Utc::now();
        assert!(lifetime(now - Duration::hours(1), now).is_err());
        assert!(lifetime(now, now).is_err());
        assert_eq!(
            lifetime(now + Duration::days(30), now).unwrap(),
            Duration::days(30)
        );
        assert!(lifetime(now + Duration::days(MAX_LIFETIME_DAYS), now).is_ok());
        let err = lifetime(now + Duration::days(MAX_LIFETIME_DAYS + 1), now).unwrap_err();
        assert_eq!(err.code(), "BAD_USER_INPUT");
    }

    #[test]
    fn a_token_needs_a_scope_and_well_formed_networks() {
        assert_eq!(
            check_scopes(ScopeSet::default()).unwrap_err().code(),
            "BAD_USER_INPUT"
        );
        assert!(check_scopes(ScopeSet::all()).is_ok());
        assert_eq!(check_networks(None).unwrap(), None);
        assert!(check_networks(Some(&[])).is_err());
        let ok = check_networks(Some(&["10.0.0.0/8".into(), "2001:db8::/32".into()])).unwrap();
        assert_eq!(ok.map(|n| n.len()), Some(2));
        let err = check_networks(Some(&["10.0.0.0/8".into(), "10.0.0.0/40".into()])).unwrap_err();
        assert!(
            matches!(&err, AppError::BadUserInput { field, .. } if field == "input.allowedNetworks[1]"),
            "{err:?}"
        );
        let many: Vec<String> = (0..=MAX_NETWORKS)
            .map(|i| format!("10.0.{i}.0/24"))
            .collect();
        assert!(check_networks(Some(&many)).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Oracle HR  ").unwrap(), "Oracle HR");
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
