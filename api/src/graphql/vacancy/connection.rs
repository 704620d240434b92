//! Vacancy pages, with their rows primed into the loaders.

use async_graphql::{Context, Lookahead, Result};
use entity::*;

use super::types::Vacancy;
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::loaders::{feed_children, feed_rows, preload};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::Actor;
use crate::cache::counts::CountCache;
use crate::graphql::relay::{keyed_connection, AppConnection};
use crate::service::pagination::PageArgs;
use crate::service::vacancy::facets::Facet;
use crate::service::vacancy::listing::{self, Counts, Wants};
use crate::service::vacancy::order::{KeyedPage, VacancyOrder};
use crate::service::vacancy::related::{related, Selection};
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
    let ids: Vec<i32> = page.rows.iter().map(|(_, m)| m.id).collect();
    prime_vacancies(ctx, &ids).await?;
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
    if !cache.is_enabled() || !wants.counts() {
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
        None => listing::page_alone(actor, db, filter, order, args, wants.page).await?,
    };
    Ok((page, counts))
}

/// Loads, in one statement, what the query selects of a page of vacancies, so that a page of
/// 100 costs the database what a page of 5 does. The per-request loaders keep the rows for the
/// item resolvers.
pub async fn prime_vacancies(ctx: &Context<'_>, ids: &[i32]) -> Result<(), AppError> {
    let look = ctx.look_ahead();
    prime(
        ctx,
        ids,
        &[look.field("edges").field("node"), look.field("nodes")],
    )
    .await
}

/// The same for one vacancy, read with everything nested.
pub(super) async fn prime_vacancy(ctx: &Context<'_>, id: i32) -> Result<(), AppError> {
    prime(ctx, &[id], &[ctx.look_ahead()]).await
}

/// Where the query reaches an `Organisation` from a vacancy.
const ORGANISATIONS: [&[&str]; 7] = [
    &["organisation"],
    &["project", "leadOrganisation"],
    &["project", "partners", "organisation"],
    &["project", "partners", "through"],
    &["projects", "leadOrganisation"],
    &["projects", "partners", "organisation"],
    &["projects", "partners", "through"],
];

/// The text fields read from a notice's item rows.
const ITEMS: [&str; 6] = [
    "responsibilities",
    "experience",
    "experienceLines",
    "skills",
    "skillLines",
    "conditions",
];

fn selection(roots: &[Lookahead<'_>]) -> Selection {
    let at = |path: &[&str]| {
        roots.iter().any(|root| {
            let mut field = root.field(path[0]);
            for name in &path[1..] {
                field = field.field(name);
            }
            field.exists()
        })
    };
    let below = |path: &[&str], name: &str| {
        let mut path = path.to_vec();
        path.push(name);
        at(&path)
    };
    let in_projects =
        |path: &[&str]| at(&[&["project"], path].concat()) || at(&[&["projects"], path].concat());
    // `eligibility` and the JSON-LD read the requirements; the JSON-LD also the texts, items
    // and the poster.
    let screening = at(&["eligibility"]);
    let posting = at(&["jobPosting"]) || at(&["jobPostingScript"]);
    Selection {
        texts: at(&["title"]) || at(&["text"]) || at(&["textLanguages"]) || posting,
        items: ITEMS.iter().any(|item| at(&["text", item])) || posting,
        duty_stations: at(&["dutyStations"]) || screening || posting,
        languages: at(&["languages"]) || screening,
        qualification_paths: at(&["qualificationPaths"]) || screening || posting,
        documents: at(&["requiredDocuments"]),
        questions: at(&["applicationForm"]),
        competencies: at(&["competencies"]),
        competency: at(&["competencies", "competency"]),
        indicators: at(&["competencies", "competency", "indicators"]),
        main_project: at(&["project"]),
        other_projects: at(&["projects"]),
        partners: in_projects(&["partners"]),
        countries: in_projects(&["countries"]),
        poster: at(&["organisation"]) || posting,
        leads: in_projects(&["leadOrganisation"]),
        partner_organisations: in_projects(&["partners", "organisation"]),
        through: in_projects(&["partners", "through"]),
        acronyms: ORGANISATIONS.iter().any(|path| below(path, "acronyms")),
        offices: ORGANISATIONS.iter().any(|path| below(path, "offices")),
    }
}

async fn prime(ctx: &Context<'_>, ids: &[i32], roots: &[Lookahead<'_>]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let loaders = context::loaders(ctx)?;
    if roots.iter().any(|root| root.field("eligibility").exists()) {
        if let Some(account) = service::profile::screener(context::actor(ctx)?) {
            preload(&loaders.profile_of_account, [account])
                .await
                .map_err(AppError::internal)?;
        }
    }
    let s = selection(roots);
    let mut rows = related(context::db(ctx)?, ids, s).await?;
    let vacancies = || ids.iter().copied();
    // A relation is fed only when it was read: feeding it empty would hide it from its loader.
    if s.texts {
        let texts = rows.take::<vacancy_text::Entity>()?;
        feed_children(&loaders.vacancy_texts, vacancies(), texts).await;
    }
    if s.items {
        let items = rows.take::<vacancy_item::Entity>()?;
        feed_children(&loaders.vacancy_items, vacancies(), items).await;
    }
    if s.duty_stations {
        let stations = rows.take::<vacancy_duty_station::Entity>()?;
        feed_children(&loaders.duty_stations, vacancies(), stations).await;
    }
    if s.languages {
        let languages = rows.take::<vacancy_language::Entity>()?;
        feed_children(&loaders.vacancy_languages, vacancies(), languages).await;
    }
    if s.qualification_paths {
        let paths = rows.take::<vacancy_qualification_path::Entity>()?;
        feed_children(&loaders.qualification_paths, vacancies(), paths).await;
    }
    if s.documents {
        let documents = rows.take::<vacancy_document::Entity>()?;
        feed_children(&loaders.vacancy_documents, vacancies(), documents).await;
    }
    if s.questions {
        let questions = rows.take::<vacancy_question::Entity>()?;
        feed_children(&loaders.vacancy_questions, vacancies(), questions).await;
    }
    if s.competencies {
        let links = rows.take::<vacancy_competency::Entity>()?;
        feed_children(&loaders.vacancy_competencies, vacancies(), links).await;
    }
    if s.other_projects {
        let links = rows.take::<vacancy_project::Entity>()?;
        feed_children(&loaders.vacancy_projects, vacancies(), links).await;
    }
    // The rows reached through a set (competencies, projects, organisations) are the parents of
    // the next level: only what was read is fed, so an unread relation has no parents.
    let competencies = rows.take::<competency::Entity>()?;
    let keys: Vec<i32> = competencies.iter().map(|(id, _)| *id).collect();
    feed_rows(&loaders.competency, competencies).await;
    if s.indicators {
        let indicators = rows.take::<competency_indicator::Entity>()?;
        feed_children(&loaders.indicators, keys, indicators).await;
    }
    let projects = rows.take::<project::Entity>()?;
    let keys: Vec<i32> = projects.iter().map(|(id, _)| *id).collect();
    feed_rows(&loaders.project, projects).await;
    if s.partners {
        let partners = rows.take::<project_partner::Entity>()?;
        feed_children(&loaders.project_partners, keys.iter().copied(), partners).await;
    }
    if s.countries {
        let countries = rows.take::<project_country::Entity>()?;
        feed_children(&loaders.project_countries, keys, countries).await;
    }
    let organisations = rows.take::<organisation::Entity>()?;
    let keys: Vec<i32> = organisations.iter().map(|(id, _)| *id).collect();
    feed_rows(&loaders.organisation, organisations).await;
    if s.acronyms {
        let acronyms = rows.take::<organisation_acronym::Entity>()?;
        feed_children(&loaders.acronyms, keys.iter().copied(), acronyms).await;
    }
    if s.offices {
        let offices = rows.take::<office::Entity>()?;
        feed_children(&loaders.offices, keys, offices).await;
    }
    Ok(())
}
