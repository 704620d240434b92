//! Vacancy pages, with their rows primed into the loaders.

use async_graphql::{Context, Result};
use entity::vacancy;

use super::types::Vacancy;
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::loaders::preload;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::Actor;
use crate::cache::counts::CountCache;
use crate::graphql::relay::{keyed_connection, AppConnection};
use crate::service::pagination::PageArgs;
use crate::service::vacancy::facets::Facet;
use crate::service::vacancy::listing::{self, Counts, Wants};
use crate::service::vacancy::order::{KeyedPage, VacancyOrder};
use crate::service::{self, vacancy::VacancyFilter};

/// Reads a page of vacancies and what the query selects of them (no facets: a list nested in
/// another object).
pub async fn vacancy_connection(
    ctx: &Context<'_>,
    filter: &VacancyFilter,
    order: Option<VacancyOrder>,
    page: PageArgs,
) -> Result<AppConnection<Vacancy>, AppError> {
    read_connection(ctx, filter, order, page, false).await
}

/// The top-level vacancy list: [`vacancy_connection`] with facets.
pub async fn vacancy_list(
    ctx: &Context<'_>,
    filter: &VacancyFilter,
    order: Option<VacancyOrder>,
    page: PageArgs,
) -> Result<AppConnection<Vacancy>, AppError> {
    read_connection(ctx, filter, order, page, true).await
}

/// What the request selects of the connection being resolved.
pub(super) fn wants(ctx: &Context<'_>, faceted: bool, bound: u64) -> Wants {
    let look = ctx.look_ahead();
    let facets = look.field("facets");
    Wants {
        page: ["edges", "nodes", "pageInfo"]
            .iter()
            .any(|name| look.field(name).exists()),
        total: look.field("totalCount").exists() || look.field("totalCountIsExact").exists(),
        facets: if faceted {
            Facet::ALL
                .into_iter()
                .filter(|facet| facets.field(facet_field(*facet)).exists())
                .collect()
        } else {
            Vec::new()
        },
        bound,
    }
}

fn facet_field(facet: Facet) -> &'static str {
    match facet {
        Facet::Organisations => "organisations",
        Facet::Projects => "projects",
        Facet::Countries => "countries",
        Facet::DutyStations => "dutyStations",
        Facet::GradeCategories => "gradeCategories",
        Facet::Grades => "grades",
        Facet::ContractTypes => "contractTypes",
        Facet::OpenToInternal => "openToInternal",
        Facet::OpenToExternal => "openToExternal",
    }
}

async fn read_connection(
    ctx: &Context<'_>,
    filter: &VacancyFilter,
    order: Option<VacancyOrder>,
    page: PageArgs,
    faceted: bool,
) -> Result<AppConnection<Vacancy>, AppError> {
    let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
    let filter = service::vacancy::for_me(actor, db, filter.clone()).await?;
    let settings = context::settings(ctx)?;
    let wants = wants(ctx, faceted, settings.exact_count_bound);
    // Boxed: the statement's future is large, and a request's stack is not.
    let (page, counts) = Box::pin(read_counted(
        &settings.counts,
        actor,
        db,
        &filter,
        order,
        page,
        &wants,
    ))
    .await?;
    let rows: Vec<(i32, vacancy::Model)> =
        page.rows.iter().map(|(_, m)| (m.id, m.clone())).collect();
    prime_vacancies(ctx, &rows).await?;
    let mut connection = keyed_connection(page, Vacancy);
    connection.counts = Some(counts);
    connection.faceted = faceted;
    Ok(connection)
}

/// The page and the counts `wants` asks for: in one statement, or the page alone when the
/// counts are kept in `cache`.
pub(super) async fn read_counted(
    cache: &CountCache,
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
    order: Option<VacancyOrder>,
    args: PageArgs,
    wants: &Wants,
) -> Result<(KeyedPage<vacancy::Model>, Arc<Counts>), AppError> {
    let counting = wants.total || !wants.facets.is_empty();
    if !cache.is_enabled() || !counting {
        let listing = Box::pin(listing::read(actor, db, filter, order, args, wants)).await?;
        return Ok((listing.page, Arc::new(listing.counts)));
    }
    let mut read_page = None;
    let slot = &mut read_page;
    let counts = cache
        .list_counts(listing::counts_key(actor, filter, wants), async {
            let listing =
                Box::pin(listing::read(actor, db, filter, order, args.clone(), wants)).await?;
            *slot = Some(listing.page);
            Ok(listing.counts)
        })
        .await?;
    let page = match read_page {
        Some(page) => page,
        // The counts were kept: the page alone.
        None if wants.page => service::vacancy::list(actor, db, filter, order, args).await?,
        None => listing::unread(actor, db, filter, order, &args)?,
    };
    Ok((page, counts))
}

/// Loads, in one statement per relation, what the query selects of a page of vacancies, so
/// that a page of 100 costs the database what a page of 5 does. The per-request loaders keep
/// the rows for the item resolvers.
pub async fn prime_vacancies(
    ctx: &Context<'_>,
    rows: &[(i32, vacancy::Model)],
) -> Result<(), AppError> {
    let look = ctx.look_ahead();
    prime(
        ctx,
        rows,
        &[look.field("edges").field("node"), look.field("nodes")],
    )
    .await
}

/// The same for one vacancy, read with everything nested.
pub(super) async fn prime_vacancy(ctx: &Context<'_>, row: &vacancy::Model) -> Result<(), AppError> {
    prime(ctx, &[(row.id, row.clone())], &[ctx.look_ahead()]).await
}

async fn prime(
    ctx: &Context<'_>,
    rows: &[(i32, vacancy::Model)],
    roots: &[async_graphql::Lookahead<'_>],
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let wants = |path: &[&str]| {
        roots.iter().any(|root| {
            let mut field = root.field(path[0]);
            for name in &path[1..] {
                field = field.field(name);
            }
            field.exists()
        })
    };
    let loaders = context::loaders(ctx)?;
    let ids: Vec<i32> = rows.iter().map(|(id, _)| *id).collect();
    let organisations: Vec<i32> = rows.iter().map(|(_, v)| v.organisation_id).collect();
    let projects: Vec<i32> = rows.iter().filter_map(|(_, v)| v.project_id).collect();
    let internal = |e: std::sync::Arc<sea_orm::DbErr>| AppError::internal(e);

    if wants(&["title"]) || wants(&["text"]) || wants(&["textLanguages"]) {
        preload(&loaders.vacancy_texts, ids.iter().copied())
            .await
            .map_err(internal)?;
    }
    if wants(&["text", "responsibilities"])
        || wants(&["text", "experience"])
        || wants(&["text", "skills"])
        || wants(&["text", "conditions"])
    {
        preload(&loaders.vacancy_items, ids.iter().copied())
            .await
            .map_err(internal)?;
    }
    // `eligibility` reads the requirements: the same three relations, loaded for the page.
    let screening = wants(&["eligibility"]);
    if screening {
        if let Some(account) = service::profile::screener(context::actor(ctx)?) {
            preload(&loaders.profile_of_account, [account])
                .await
                .map_err(internal)?;
        }
    }
    if wants(&["dutyStations"]) || screening {
        preload(&loaders.duty_stations, ids.iter().copied())
            .await
            .map_err(internal)?;
    }
    if wants(&["languages"]) || screening {
        preload(&loaders.vacancy_languages, ids.iter().copied())
            .await
            .map_err(internal)?;
    }
    if wants(&["qualificationPaths"]) || screening {
        preload(&loaders.qualification_paths, ids.iter().copied())
            .await
            .map_err(internal)?;
    }
    if wants(&["requiredDocuments"]) {
        preload(&loaders.vacancy_documents, ids.iter().copied())
            .await
            .map_err(internal)?;
    }
    if wants(&["applicationForm"]) {
        preload(&loaders.vacancy_questions, ids.iter().copied())
            .await
            .map_err(internal)?;
    }
    if wants(&["organisation"]) {
        preload(&loaders.organisation, organisations.iter().copied())
            .await
            .map_err(internal)?;
    }
    if wants(&["competencies"]) {
        let links = preload(&loaders.vacancy_competencies, ids.iter().copied())
            .await
            .map_err(internal)?;
        if wants(&["competencies", "competency"]) {
            let competencies = links.values().flatten().map(|link| link.competency_id);
            preload(&loaders.competency, competencies)
                .await
                .map_err(internal)?;
        }
    }
    if wants(&["projects"]) {
        // The main projects and the others, in two statements for the whole page.
        let links = preload(&loaders.vacancy_projects, ids.iter().copied())
            .await
            .map_err(internal)?;
        let all = projects
            .iter()
            .copied()
            .chain(links.values().flatten().map(|link| link.project_id));
        preload(&loaders.project, all).await.map_err(internal)?;
    }
    if wants(&["project"]) && !projects.is_empty() {
        preload(&loaders.project, projects.iter().copied())
            .await
            .map_err(internal)?;
        if wants(&["project", "partners"]) {
            let partners = preload(&loaders.project_partners, projects.iter().copied())
                .await
                .map_err(internal)?;
            if wants(&["project", "partners", "organisation"]) {
                let organisations = partners.values().flatten().map(|p| p.organisation_id);
                preload(&loaders.organisation, organisations)
                    .await
                    .map_err(internal)?;
            }
        }
    }
    Ok(())
}
