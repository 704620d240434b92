//! The access log of applications: the services that serve an application's detail, its
//! documents and its vacancy's CSV export write here who among the staff did so, before the
//! data goes out; the posting organisation's admins read the log, and the candidate reads the
//! log of their own applications in their data (`service::account::export_own_data`).
//!
//! Lists of applications (connections) are not logged per item: what is logged is reading one
//! application, a document, or an export.

use std::collections::HashMap;

use chrono::Utc;
use entity::{application, application_access, integration_token};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::{get, posting_organisation};
use crate::auth::Actor;
use crate::db::begin_write;
use crate::domain::ApplicationAccessKind;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::pagination::{paginate_newest_first, Page, PageRequest};

/// One access to log: which application, of which posting organisation, and which document.
#[derive(Debug, Clone, Copy)]
pub(super) struct Accessed {
    pub application_id: i32,
    pub organisation_id: i32,
    pub document_id: Option<i32>,
}

/// Writes the accesses of one request in one statement. A failure fails the request: what
/// cannot be logged is not served.
pub(super) async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: ApplicationAccessKind,
    accessed: &[Accessed],
) -> AppResult<()> {
    if accessed.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = accessed.iter().map(|a| application_access::ActiveModel {
        application_id: Set(a.application_id),
        organisation_id: Set(a.organisation_id),
        reader_account_id: Set(actor.account_id()),
        reader_token_id: Set(actor.token_id()),
        reader_organisation_id: Set(actor.organisation_id()),
        action: Set(kind.as_str().to_owned()),
        document_id: Set(a.document_id),
        created_at: Set(now),
        ..Default::default()
    });
    let txn = begin_write(db).await?;
    application_access::Entity::insert_many(rows)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Logs a staff reader's access to one application (`kind`, and the document for a download);
/// the candidate's own are not logged.
pub(super) async fn record_one(
    db: &DatabaseConnection,
    actor: &Actor,
    row: &application::Model,
    kind: ApplicationAccessKind,
    document_id: Option<i32>,
) -> AppResult<()> {
    if !policy::access_is_logged(actor, row.candidate_id) {
        return Ok(());
    }
    let organisation_id = posting_organisation(db, row)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    let accessed = Accessed {
        application_id: row.id,
        organisation_id,
        document_id,
    };
    record(db, actor, kind, &[accessed]).await
}

/// One application's detail, for `application(id:)` and `node(id:)`: as [`get`], and a staff
/// reader is written in its access log.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn read(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<application::Model> {
    let row = get(actor, db, id).await?;
    record_one(db, actor, &row, ApplicationAccessKind::Read, None).await?;
    Ok(row)
}

/// An entry of the access log, with the name of the integration token that read, if one did.
#[derive(Debug, Clone)]
pub struct AccessEntry {
    pub row: application_access::Model,
    pub token_name: Option<String>,
}

/// The access log of an organisation's applications (or of one of them), newest first, for its
/// admins and platform admins. An application the organisation did not receive is not found.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn access_log(
    actor: &Actor,
    db: &DatabaseConnection,
    organisation_id: i32,
    application_id: Option<i32>,
    page: PageRequest,
) -> AppResult<Page<AccessEntry>> {
    policy::read_access_log(actor, organisation_id)?;
    let mut select = application_access::Entity::find()
        .filter(application_access::Column::OrganisationId.eq(organisation_id));
    if let Some(application_id) = application_id {
        let row = application::Entity::find_by_id(application_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("application"))?;
        if posting_organisation(db, &row).await? != Some(organisation_id) {
            return Err(AppError::NotFound("application"));
        }
        select = select.filter(application_access::Column::ApplicationId.eq(application_id));
    }
    let page = paginate_newest_first(db, select, application_access::Column::Id, page).await?;
    let tokens = token_names(db, page.rows.iter().filter_map(|(_, r)| r.reader_token_id)).await?;
    Ok(Page {
        rows: page
            .rows
            .into_iter()
            .map(|(key, row)| {
                let token_name = row.reader_token_id.and_then(|t| tokens.get(&t).cloned());
                (key, AccessEntry { row, token_name })
            })
            .collect(),
        has_previous_page: page.has_previous_page,
        has_next_page: page.has_next_page,
        total: page.total,
    })
}

async fn token_names(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> AppResult<HashMap<i32, String>> {
    let ids: Vec<i32> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, String)> = integration_token::Entity::find()
        .select_only()
        .columns([
            integration_token::Column::Id,
            integration_token::Column::Name,
        ])
        .filter(integration_token::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The access log of some applications, oldest first: for their candidate's own data, which
/// the caller has already checked.
pub(crate) async fn log_of(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> AppResult<Vec<application_access::Model>> {
    Ok(application_access::Entity::find()
        .filter(application_access::Column::ApplicationId.is_in(application_ids.iter().copied()))
        .order_by_asc(application_access::Column::Id)
        .all(db)
        .await?)
}
