//! The access log of applications: who among the staff read one, downloaded its documents or
//! exported it, and when.

use async_graphql::{Context, Object, Result, ID};
use chrono::{DateTime, Utc};

use crate::domain::ApplicationAccessKind;
use crate::graphql::account::Account;
use crate::graphql::context;
use crate::graphql::loaders::one;
use crate::graphql::organisation::Organisation;
use crate::graphql::relay::{connection, decode, global_id, page_cost, AppConnection, NodeKind};
use crate::service;
use crate::service::application::AccessEntry;
use crate::service::pagination::PageArgs;

/// One access to an application by staff.
pub struct ApplicationAccess(pub AccessEntry);

/// One access to an application by staff.
#[Object]
impl ApplicationAccess {
    /// The application's global ID.
    async fn application_id(&self) -> ID {
        global_id(NodeKind::Application, self.0.row.application_id)
    }

    /// What was done.
    async fn action(&self) -> Result<ApplicationAccessKind> {
        Ok(ApplicationAccessKind::from_db(&self.0.row.action)?)
    }

    /// The document downloaded, for `DOCUMENT_DOWNLOAD` (null once the document is deleted).
    async fn document_id(&self) -> Option<ID> {
        self.0
            .row
            .document_id
            .map(|id| global_id(NodeKind::Document, id))
    }

    /// The person who did it, when a person did (null once their account is deleted).
    async fn account(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        match self.0.row.reader_account_id {
            Some(id) => Ok(Some(Account(
                one(&context::loaders(ctx)?.account, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// The name of the integration token that did it, when an HR system did.
    async fn integration_token_name(&self) -> Option<&str> {
        self.0.token_name.as_deref()
    }

    /// The organisation of whoever did it; null for a platform admin of none.
    async fn reader_organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.row.reader_organisation_id {
            Some(id) => Ok(Some(Organisation(
                one(&context::loaders(ctx)?.organisation, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// When it happened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.row.created_at
    }
}

/// Reading the access log.
#[derive(Default)]
pub struct AccessLogQuery;

/// Reading the access log.
#[Object]
impl AccessLogQuery {
    /// Who among the staff read an organisation's applications (one application's detail),
    /// downloaded their documents or exported them, newest first: for the organisation's
    /// admins and platform admins. Lists of applications are not logged per item.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn application_access_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation that received the applications.")] organisation_id: ID,
        #[graphql(desc = "Only the accesses to this application.")] application_id: Option<ID>,
        #[graphql(desc = "Return the first n entries (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return entries after this cursor.")] after: Option<String>,
    ) -> Result<AppConnection<ApplicationAccess>> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let organisation_id = decode("organisationId", NodeKind::Organisation, &organisation_id)?;
        let application_id = application_id
            .map(|id| decode("applicationId", NodeKind::Application, &id))
            .transpose()?;
        let page = PageArgs {
            first,
            after,
            last: None,
            before: None,
        }
        .validate()?;
        let page =
            service::application::access_log(actor, db, organisation_id, application_id, page)
                .await?;
        Ok(connection(page, ApplicationAccess))
    }
}
