//! The audit trail: every write records who did what to which object, with the changed fields,
//! in the same transaction as the write.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::Value;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::policy::{self, OrganisationScope};
use crate::service::pagination::{paginate_newest_first, Page, PageRequest};

/// What a write did, for the audit trail.
pub struct AuditEntry<'a> {
    /// The organisation the object belongs to, if any.
    pub organisation_id: Option<i32>,
    /// `vacancy`, `project`, `organisation`, `competency`, `account`, `integration_token`.
    pub entity_type: &'a str,
    pub entity_id: i32,
    /// `create`, `update`, `publish`, `close`, `delete`, …
    pub action: &'a str,
    /// The changed fields (an object of field → new value), or null.
    pub changes: Value,
}

#[tracing::instrument(level = "debug", skip(db, entry))]
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    entry: AuditEntry<'_>,
) -> AppResult<()> {
    audit_event::ActiveModel {
        actor_account_id: Set(actor.account_id()),
        actor_token_id: Set(actor.token_id()),
        organisation_id: Set(entry.organisation_id),
        entity_type: Set(entry.entity_type.to_owned()),
        entity_id: Set(entry.entity_id),
        action: Set(entry.action.to_owned()),
        changes: Set((!entry.changes.is_null()).then_some(entry.changes)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Narrows the audit trail; fields combine with AND.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Events of this organisation's objects.
    pub organisation_id: Option<i32>,
    /// Events of this kind of object (`project`, `vacancy`, …).
    pub entity_type: Option<String>,
}

/// Reads the audit trail, newest first. Platform admins read
/// all of it; an agency admin reads its own organisation's events, which is also what it gets
/// when it names no organisation.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn list(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &AuditFilter,
    page: PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    let mut select = audit_event::Entity::find();
    if let OrganisationScope::Organisation(org) =
        policy::audit_scope(actor, filter.organisation_id)?
    {
        select = select.filter(audit_event::Column::OrganisationId.eq(org));
    }
    if let Some(entity_type) = &filter.entity_type {
        select = select.filter(audit_event::Column::EntityType.eq(entity_type.trim()));
    }
    paginate_newest_first(db, select, audit_event::Column::Id, page).await
}
