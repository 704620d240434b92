//! The query root, merged from each domain's queries, with `node(id:)`.

use async_graphql::{Context, MergedObject, Object, Result, ID};

use crate::error::AppError;
use crate::graphql::access_log::AccessLogQuery;
use crate::graphql::account::{Account, AccountQuery};
use crate::graphql::application::{Application, ApplicationQuery};
use crate::graphql::audit::AuditQuery;
use crate::graphql::competency::{Competency, CompetencyQuery};
use crate::graphql::context;
use crate::graphql::invitation::InvitationQuery;
use crate::graphql::labels::LabelQuery;
use crate::graphql::mail::MailQuery;
use crate::graphql::organisation::{Organisation, OrganisationQuery};
use crate::graphql::own_data::OwnDataQuery;
use crate::graphql::profile::ProfileQuery;
use crate::graphql::project::{Project, ProjectQuery};
use crate::graphql::relay::{decode_any, Node, NodeKind};
use crate::graphql::saved_search::{SavedSearch, SavedSearchQuery};
use crate::graphql::vacancy::{Vacancy, VacancyQuery};
use crate::graphql::webhook::WebhookQuery;
use crate::service;

/// Fetching any object by its global ID.
#[derive(Default)]
pub struct NodeQuery;

/// Fetching any object by its global ID.
#[Object]
impl NodeQuery {
    /// Any object by its global ID (Relay). Objects the caller may not see are not found.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID from this API.")] id: ID,
    ) -> Result<Node> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        Ok(match decode_any("id", &id)? {
            (NodeKind::Organisation, id) => {
                Organisation(service::organisation::get(actor, db, id).await?).into()
            }
            (NodeKind::Project, id) => Project(service::project::get(actor, db, id).await?).into(),
            (NodeKind::Competency, id) => {
                Competency(service::competency::get(actor, db, id).await?).into()
            }
            (NodeKind::Vacancy, id) => Vacancy(service::vacancy::get(actor, db, id).await?).into(),
            (NodeKind::Account, id) => Account(
                service::account::visible(actor, db, id)
                    .await?
                    .ok_or(AppError::NotFound("account"))?,
            )
            .into(),
            (NodeKind::Application, id) => {
                Application(service::application::read(actor, db, id).await?).into()
            }
            (NodeKind::SavedSearch, id) => {
                SavedSearch(service::saved_search::get(actor, db, id).await?).into()
            }
            (
                NodeKind::IntegrationToken
                | NodeKind::Document
                | NodeKind::WebhookEndpoint
                | NodeKind::WebhookDelivery
                | NodeKind::Invitation,
                _,
            ) => return Err(AppError::NotFound("object").into()),
        })
    }
}

/// Everything one can read.
#[derive(MergedObject, Default)]
pub struct Query(
    VacancyQuery,
    OrganisationQuery,
    ProjectQuery,
    CompetencyQuery,
    AuditQuery,
    NodeQuery,
    AccountQuery,
    ApplicationQuery,
    SavedSearchQuery,
    WebhookQuery,
    InvitationQuery,
    MailQuery,
    AccessLogQuery,
    OwnDataQuery,
    LabelQuery,
    ProfileQuery,
);
