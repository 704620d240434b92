//! The audit trail: who did what to which object, when, with the changed fields.

use async_graphql::{Context, Json, Object, Result, ID};
use chrono::{DateTime, Utc};
use entity::audit_event;

use crate::graphql::context;
use crate::graphql::loaders::one;
use crate::graphql::organisation::Organisation;
use crate::graphql::relay::{connection, decode, page_cost, AppConnection, NodeKind};
use crate::service;
use crate::service::audit::AuditFilter;
use crate::service::pagination::PageArgs;

/// One write recorded in the audit trail.
pub struct AuditEvent(pub audit_event::Model);

/// One write recorded in the audit trail.
#[Object]
impl AuditEvent {
    /// The event's number; later events have larger numbers.
    async fn id(&self) -> i32 {
        self.0.id
    }

    /// The account that made the change, when a person did.
    async fn actor_account_id(&self) -> Option<i32> {
        self.0.actor_account_id
    }

    /// The integration token that made the change, when an HR system did.
    async fn actor_token_id(&self) -> Option<i32> {
        self.0.actor_token_id
    }

    /// The organisation the changed object belongs to; null for global objects.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.organisation_id {
            Some(id) => Ok(Some(Organisation(
                one(&context::loaders(ctx)?.organisation, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// What kind of object changed: `organisation`, `project`, `competency`, `vacancy`, …
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// The changed object's row number (the number inside its global ID).
    async fn entity_id(&self) -> i32 {
        self.0.entity_id
    }

    /// What was done: `create`, `update`, `archive`, `publish`, …
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The changed fields and their new values, as a JSON object.
    async fn changes(&self) -> Option<Json<serde_json::Value>> {
        self.0.changes.clone().map(Json)
    }

    /// When it happened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Audit trail queries.
#[derive(Default)]
pub struct AuditQuery;

/// Audit trail queries.
#[Object]
impl AuditQuery {
    /// The audit trail, newest first. Agency admins read their own organisation's events (the
    /// default when `organisationId` is absent); platform admins read every event.
    // Two filters and the four Relay paging arguments are what the field takes.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only events of this organisation's objects.")] organisation_id: Option<
            ID,
        >,
        #[graphql(desc = "Only events of this kind of object (`project`, `vacancy`, …).")]
        entity_type: Option<String>,
        #[graphql(desc = "Return the first n events (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return events after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n events (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return events before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<AuditEvent>> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let filter = AuditFilter {
            organisation_id: organisation_id
                .map(|id| decode("organisationId", NodeKind::Organisation, &id))
                .transpose()?,
            entity_type,
        };
        let page = PageArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let page = service::audit::list(actor, db, &filter, page).await?;
        Ok(connection(page, AuditEvent))
    }
}
