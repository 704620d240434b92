//! Projects: the programmes posts serve, with their partners.

use async_graphql::{Context, InputObject, Object, Result, ID};
use chrono::NaiveDate;
use entity::project;

use crate::domain::{CountryCode, ProjectStatus};
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::loaders::{children, one};
use crate::graphql::organisation::{localized, Organisation, Partnership};
use crate::graphql::relay::{connection, decode, global_id, AppConnection, NodeKind};
use crate::graphql::vacancy::{Vacancy, VacancyFilterInput};
use crate::service::pagination::PageArgs;
use crate::service::{self, project::ProjectFilter};

/// A programme that posts serve (MPTF, THAMM+, Y-MED, ORION, WAFIRA II, AVRR).
#[derive(Clone)]
pub struct Project(pub project::Model);

/// A programme that posts serve (MPTF, THAMM+, Y-MED, ORION, WAFIRA II, AVRR).
#[Object]
impl Project {
    /// The project's global ID.
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Project, self.0.id)
    }

    /// Its short code (`ORION`, `WAFIRA II`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Its full name in a language (`en` or `fr`; English when another is asked).
    async fn name(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> &str {
        localized(Some(&language), &self.0.name_en, &self.0.name_fr)
    }

    /// Its full name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// Its full name in French.
    async fn name_fr(&self) -> &str {
        &self.0.name_fr
    }

    /// What the project does, in a language, falling back to the other one.
    async fn description(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> Option<&str> {
        let (en, fr) = (
            self.0.description_en.as_deref(),
            self.0.description_fr.as_deref(),
        );
        if language.eq_ignore_ascii_case("fr") {
            fr.or(en)
        } else {
            en.or(fr)
        }
    }

    /// Its objectives in order, in a language, falling back to any language it has.
    async fn objectives(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> Vec<String> {
        let Some(serde_json::Value::Object(by_language)) = &self.0.objectives else {
            return Vec::new();
        };
        let chosen = by_language
            .get(&language.to_ascii_lowercase())
            .or_else(|| by_language.values().next());
        chosen
            .and_then(|v| v.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The countries it runs in (ISO 3166-1 alpha-2).
    async fn countries(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let rows = children(&context::loaders(ctx)?.project_countries, self.0.id).await?;
        Ok(rows.into_iter().map(|c| c.country_code).collect())
    }

    /// When it starts.
    async fn start_date(&self) -> Option<NaiveDate> {
        self.0.start_on
    }

    /// When it ends.
    async fn end_date(&self) -> Option<NaiveDate> {
        self.0.end_on
    }

    /// Whether it still runs.
    async fn status(&self) -> Result<ProjectStatus> {
        Ok(ProjectStatus::from_db(&self.0.status)?)
    }

    /// The organisation that runs it and posts its vacancies.
    async fn lead_organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        Ok(Organisation(
            one(
                &context::loaders(ctx)?.organisation,
                self.0.lead_organisation_id,
            )
            .await?,
        ))
    }

    /// Its partners and their roles, in the order the notice gives them.
    async fn partners(&self, ctx: &Context<'_>) -> Result<Vec<Partnership>> {
        let rows = children(&context::loaders(ctx)?.project_partners, self.0.id).await?;
        Ok(rows.into_iter().map(Partnership).collect())
    }

    /// Its vacancies that the caller may see.
    async fn vacancies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the list; the project is already set.")] filter: Option<
            VacancyFilterInput,
        >,
        #[graphql(desc = "Return the first n vacancies (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return vacancies after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n vacancies (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return vacancies before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Vacancy>> {
        let mut filter = filter.unwrap_or_default().into_service()?;
        filter.project_id = Some(self.0.id);
        let page = PageArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let page =
            service::vacancy::list(context::actor(ctx)?, context::db(ctx)?, &filter, page).await?;
        Ok(connection(page, Vacancy))
    }
}

/// Narrows a project list; fields combine with AND.
#[derive(InputObject, Default)]
pub struct ProjectFilterInput {
    /// Projects this organisation leads or partners in.
    organisation_id: Option<ID>,
    /// Projects running in this country (ISO 3166-1 alpha-2).
    country: Option<String>,
    /// Projects in this status.
    status: Option<ProjectStatus>,
}

impl ProjectFilterInput {
    fn into_service(self) -> Result<ProjectFilter, AppError> {
        Ok(ProjectFilter {
            organisation_id: self
                .organisation_id
                .map(|id| decode("filter.organisationId", NodeKind::Organisation, &id))
                .transpose()?,
            country: self
                .country
                .map(|c| {
                    CountryCode::parse(&c).map_err(|e| AppError::bad_input("filter.country", e))
                })
                .transpose()?,
            status: self.status,
        })
    }
}

/// Project queries.
#[derive(Default)]
pub struct ProjectQuery;

/// Project queries.
#[Object]
impl ProjectQuery {
    /// Every project, in the order they were added.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the list.")] filter: Option<ProjectFilterInput>,
        #[graphql(desc = "Return the first n projects (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return projects after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n projects (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return projects before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Project>> {
        let filter = filter.unwrap_or_default().into_service()?;
        let page = PageArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let page =
            service::project::list(context::actor(ctx)?, context::db(ctx)?, &filter, page).await?;
        Ok(connection(page, Project))
    }

    /// One project, by `id` or by `code`.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] id: Option<ID>,
        #[graphql(desc = "The project's code (`ORION`); case does not matter.")] code: Option<
            String,
        >,
    ) -> Result<Project> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let model = match (id, code) {
            (Some(id), None) => {
                service::project::get(actor, db, decode("id", NodeKind::Project, &id)?).await?
            }
            (None, Some(code)) => service::project::get_by_code(actor, db, &code).await?,
            _ => {
                return Err(AppError::bad_input("id", "pass exactly one of `id` or `code`").into())
            }
        };
        Ok(Project(model))
    }
}

/// ProjectMutation placeholder until the write API lands.
#[derive(Default)]
pub struct ProjectMutation;

#[async_graphql::Object]
impl ProjectMutation {
    /// Placeholder.
    async fn placeholder_project(&self) -> bool {
        false
    }
}
