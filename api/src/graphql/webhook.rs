//! Webhooks: endpoints an organisation registers to hear of its vacancies and applications,
//! and the log of deliveries made to them.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};

use crate::domain::{WebhookDeliveryStatus, WebhookEventKind};
use crate::error::{AppError, AppResult};
use crate::graphql::context;
use crate::graphql::loaders::one;
use crate::graphql::organisation::Organisation;
use crate::graphql::relay::{connection, decode, global_id, page_cost, AppConnection, NodeKind};
use crate::graphql::Settings;
use crate::service;
use crate::service::pagination::PageArgs;
use crate::service::webhook::{DeliveryFilter, EndpointChanges, NewEndpoint, UrlRules};

#[derive(Debug, thiserror::Error)]
#[error("settings missing from the GraphQL context")]
struct MissingSettings;

fn webhook_settings<'a>(ctx: &Context<'a>) -> AppResult<&'a Settings> {
    ctx.data::<Settings>()
        .map_err(|_| AppError::internal(MissingSettings))
}

fn url_rules(ctx: &Context<'_>) -> AppResult<UrlRules> {
    webhook_settings(ctx).map(|settings| settings.webhook_urls)
}

/// A URL an organisation registered to receive signed JSON deliveries of chosen events.
pub struct WebhookEndpoint(pub webhook_endpoint::Model);

/// A URL an organisation registered to receive signed JSON deliveries of chosen events. Its
/// signing secret is shown only when the endpoint is created or its secret rotated.
#[Object]
impl WebhookEndpoint {
    /// The endpoint's global ID.
    async fn id(&self) -> ID {
        global_id(NodeKind::WebhookEndpoint, self.0.id)
    }

    /// The organisation whose events it receives.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        Ok(Organisation(
            one(&context::loaders(ctx)?.organisation, self.0.organisation_id).await?,
        ))
    }

    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The events it receives.
    async fn events(&self) -> Result<Vec<WebhookEventKind>> {
        Ok(service::webhook::endpoint_events(&self.0)?)
    }

    /// Whether events are queued for it; an inactive endpoint receives nothing.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// What the organisation noted about it.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The endpoint's version, for `updateWebhookEndpoint`; it grows with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed (its secret included).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// One event sent (or to be sent) to one endpoint, with how its attempts went.
pub struct WebhookDelivery(pub webhook_delivery::Model);

/// One event sent (or to be sent) to one endpoint, with how its attempts went.
#[Object]
impl WebhookDelivery {
    /// The delivery's global ID.
    async fn id(&self) -> ID {
        global_id(NodeKind::WebhookDelivery, self.0.id)
    }

    /// The endpoint it goes to.
    async fn endpoint(&self, ctx: &Context<'_>) -> Result<WebhookEndpoint> {
        Ok(WebhookEndpoint(
            one(&context::loaders(ctx)?.webhook_endpoint, self.0.endpoint_id).await?,
        ))
    }

    /// The event's id, sent as the `Webhook-Id` header and the body's `id`; the same for every
    /// attempt and replay, so receivers can ignore what they already processed.
    async fn event_id(&self) -> &str {
        &self.0.event_id
    }

    /// What happened.
    async fn event(&self) -> Result<WebhookEventKind> {
        Ok(WebhookEventKind::from_db(&self.0.event_kind)?)
    }

    /// The JSON body sent, exactly as sent.
    async fn payload(&self) -> &str {
        &self.0.payload
    }

    /// Pending, delivered or failed.
    async fn status(&self) -> Result<WebhookDeliveryStatus> {
        Ok(WebhookDeliveryStatus::from_db(&self.0.status)?)
    }

    /// How many times it was sent.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// When it is sent next, while pending.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == WebhookDeliveryStatus::Pending.as_str()).then_some(self.0.next_attempt_at)
    }

    /// The HTTP status the endpoint answered the last attempt with; null if it did not answer.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }

    /// Why the last attempt failed, in a few words (`non-2xx response`, `timed out`,
    /// `could not connect`); null after a success.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When the endpoint accepted it.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }

    /// The delivery this one replays, if it is a replay.
    async fn replay_of_id(&self) -> Option<ID> {
        self.0
            .replay_of_id
            .map(|id| global_id(NodeKind::WebhookDelivery, id))
    }

    /// When it was queued: in the same transaction as the change it reports.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A new endpoint with its signing secret, shown this once.
#[derive(SimpleObject)]
pub struct WebhookEndpointWithSecret {
    /// The secret that signs deliveries (`Webhook-Signature`). Store it now: it is never shown
    /// again (`rotateWebhookSecret` makes a new one).
    secret: String,
    /// The endpoint.
    webhook_endpoint: WebhookEndpoint,
}

impl From<service::webhook::EndpointWithSecret> for WebhookEndpointWithSecret {
    fn from(created: service::webhook::EndpointWithSecret) -> Self {
        Self {
            secret: created.secret,
            webhook_endpoint: WebhookEndpoint(created.endpoint),
        }
    }
}

/// A webhook endpoint to register.
#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// The organisation (global ID) whose events it receives.
    organisation_id: ID,
    /// Where to POST deliveries: `https://` (plain `http://` only where the server allows it),
    /// with no credentials in it.
    url: String,
    /// The events to receive, at least one.
    events: Vec<WebhookEventKind>,
    /// A note about it, up to 500 characters.
    description: Option<String>,
    /// Whether to start receiving at once (default true).
    #[graphql(default = true)]
    active: bool,
}

/// Changes to a webhook endpoint; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateWebhookEndpointInput {
    /// A new URL; queued deliveries go to it too.
    url: Option<String>,
    /// The events to receive from now on.
    events: Option<Vec<WebhookEventKind>>,
    /// A new note; null removes it.
    description: MaybeUndefined<String>,
    /// False stops queueing events for it (queued ones wait until it is active again).
    active: Option<bool>,
}

/// Webhook endpoints and the delivery log.
#[derive(Default)]
pub struct WebhookQuery;

/// Webhook endpoints and the delivery log.
#[Object]
impl WebhookQuery {
    /// An organisation's webhook endpoints, oldest first, for its admins and platform admins.
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's global ID.")] organisation_id: ID,
    ) -> Result<Vec<WebhookEndpoint>> {
        let organisation_id = decode("organisationId", NodeKind::Organisation, &organisation_id)?;
        let rows = service::webhook::list(context::actor(ctx)?, context::db(ctx)?, organisation_id)
            .await?;
        Ok(rows.into_iter().map(WebhookEndpoint).collect())
    }

    /// The webhook delivery log, newest first. Agency admins read their own organisation's
    /// deliveries (the default without `organisationId` or `endpointId`); platform admins read
    /// every delivery.
    // Three filters and the four Relay paging arguments are what the field takes.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only deliveries to this organisation's endpoints.")]
        organisation_id: Option<ID>,
        #[graphql(desc = "Only deliveries to this endpoint.")] endpoint_id: Option<ID>,
        #[graphql(desc = "Only deliveries with this status.")] status: Option<
            WebhookDeliveryStatus,
        >,
        #[graphql(desc = "Return the first n deliveries (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return deliveries after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n deliveries (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return deliveries before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<WebhookDelivery>> {
        let filter = DeliveryFilter {
            organisation_id: organisation_id
                .map(|id| decode("organisationId", NodeKind::Organisation, &id))
                .transpose()?,
            endpoint_id: endpoint_id
                .map(|id| decode("endpointId", NodeKind::WebhookEndpoint, &id))
                .transpose()?,
            status,
        };
        let page = PageArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let page =
            service::webhook::deliveries(context::actor(ctx)?, context::db(ctx)?, &filter, page)
                .await?;
        Ok(connection(page, WebhookDelivery))
    }
}

/// Managing webhook endpoints and replaying deliveries.
#[derive(Default)]
pub struct WebhookMutation;

/// Managing webhook endpoints and replaying deliveries.
#[Object]
impl WebhookMutation {
    /// Registers a webhook endpoint for an organisation (its admins and platform admins). The
    /// signing secret is generated by the server and is in this answer only.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new endpoint.")] input: CreateWebhookEndpointInput,
    ) -> Result<WebhookEndpointWithSecret> {
        let organisation_id = decode(
            "input.organisationId",
            NodeKind::Organisation,
            &input.organisation_id,
        )?;
        let created = service::webhook::create(
            context::actor(ctx)?,
            context::db(ctx)?,
            url_rules(ctx)?,
            &webhook_settings(ctx)?.webhook_secrets,
            NewEndpoint {
                organisation_id,
                url: input.url,
                events: input.events,
                description: input.description,
                active: input.active,
            },
        )
        .await?;
        Ok(created.into())
    }

    /// Changes a webhook endpoint. `version` is the one read; if it changed since, `CONFLICT`.
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's global ID.")] id: ID,
        #[graphql(desc = "The endpoint's `version` when it was read.")] version: i32,
        #[graphql(desc = "What to change.")] input: UpdateWebhookEndpointInput,
    ) -> Result<WebhookEndpoint> {
        let id = decode("id", NodeKind::WebhookEndpoint, &id)?;
        let description = match input.description {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(text) => Some(Some(text)),
        };
        let row = service::webhook::update(
            context::actor(ctx)?,
            context::db(ctx)?,
            url_rules(ctx)?,
            id,
            version,
            EndpointChanges {
                url: input.url,
                events: input.events,
                description,
                active: input.active,
            },
        )
        .await?;
        Ok(WebhookEndpoint(row))
    }

    /// Removes a webhook endpoint with its delivery log; deliveries still queued for it are
    /// dropped. Returns the removed endpoint's ID.
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's global ID.")] id: ID,
    ) -> Result<ID> {
        let row = decode("id", NodeKind::WebhookEndpoint, &id)?;
        service::webhook::delete(context::actor(ctx)?, context::db(ctx)?, row).await?;
        Ok(id)
    }

    /// Replaces an endpoint's signing secret; deliveries sent from now on are signed with the
    /// new one, which is in this answer only.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's global ID.")] id: ID,
    ) -> Result<WebhookEndpointWithSecret> {
        let id = decode("id", NodeKind::WebhookEndpoint, &id)?;
        let rotated = service::webhook::rotate_secret(
            context::actor(ctx)?,
            context::db(ctx)?,
            &webhook_settings(ctx)?.webhook_secrets,
            id,
        )
        .await?;
        Ok(rotated.into())
    }

    /// Sends a delivered or failed delivery again: a new delivery with the same event id and
    /// body, signed afresh. `CONFLICT` while the delivery is still pending or the endpoint is
    /// inactive.
    async fn replay_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery's global ID (from `webhookDeliveries`).")] id: ID,
    ) -> Result<WebhookDelivery> {
        let id = decode("id", NodeKind::WebhookDelivery, &id)?;
        let row = service::webhook::replay(context::actor(ctx)?, context::db(ctx)?, id).await?;
        Ok(WebhookDelivery(row))
    }
}
