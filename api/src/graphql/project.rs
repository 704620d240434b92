//! Projects: the programmes posts serve, with their partners.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};
use chrono::NaiveDate;
use entity::project;

use crate::domain::{CountryCode, LanguageCode, PartnerRole, ProjectStatus};
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::loaders::{children, one};
use crate::graphql::names::{
    all_translations, language_arg, names_of, translations_into_service, NameTranslation,
    NameTranslationInput,
};
use crate::graphql::organisation::{Organisation, Partnership};
use crate::graphql::relay::{connection, decode, global_id, page_cost, AppConnection, NodeKind};
use crate::graphql::vacancy::{vacancy_connection, Vacancy, VacancyFilterInput};
use crate::service::pagination::PageArgs;
use crate::service::project as project_service;
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

    /// The current version, to pass to `updateProject` and `archiveProject` (optimistic locking).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Its short code (`ORION`, `WAFIRA II`), unique within its lead organisation.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Its full name in a language (any ISO 639 code: `en`, `fr`, `ar` …;
    /// English when it has none in that language).
    async fn name(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> Result<&str> {
        Ok(names_of!(self.0).name(&language_arg(&language)?))
    }

    /// Its full name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// Its full name in French.
    async fn name_fr(&self) -> &str {
        &self.0.name_fr
    }

    /// What the project does in a language: any ISO 639 code, falling back to English, then French, then
    /// any language it has.
    async fn description(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> Result<Option<&str>> {
        Ok(names_of!(self.0).description(&language_arg(&language)?))
    }

    /// Its name and description in every language it has: English, French, then the others.
    async fn translations(&self) -> Vec<NameTranslation> {
        all_translations(names_of!(self.0))
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
        let actor = context::actor(ctx)?;
        Ok(rows
            .into_iter()
            .filter(|p| {
                service::project::partnership_visible(actor, self.0.lead_organisation_id, p)
            })
            .map(Partnership)
            .collect())
    }

    /// Its vacancies that the caller may see.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
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
        };
        Ok(vacancy_connection(ctx, &filter, None, page).await?)
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
    /// Projects in which this organisation (global ID) is a partner, in `role` when given
    /// (`{ partner: <EU>, role: DONOR }`: the projects the EU funds). Accepted partnerships only.
    partner: Option<ID>,
    /// Projects with a partner in this role (the `partner`, when given).
    role: Option<PartnerRole>,
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
            partner_id: self
                .partner
                .map(|id| decode("filter.partner", NodeKind::Organisation, &id))
                .transpose()?,
            role: self.role,
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
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
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

    /// One project, by `id`, or by `code`. A code is unique within its lead organisation only,
    /// so two organisations may each have a project `ORION`: name the lead organisation with
    /// `organisation` to be sure of the answer. Without it, a code that more than one
    /// organisation uses is a `BAD_USER_INPUT` on the field `organisation`.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] id: Option<ID>,
        #[graphql(desc = "The project's code (`ORION`); case does not matter.")] code: Option<
            String,
        >,
        #[graphql(
            desc = "Any acronym of the lead organisation (`IOM`, `OIM`); with `code`. Needed when several organisations have a project with that code."
        )]
        organisation: Option<String>,
    ) -> Result<Project> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let model = match (id, code, organisation) {
            (Some(id), None, None) => {
                service::project::get(actor, db, decode("id", NodeKind::Project, &id)?).await?
            }
            (None, Some(code), organisation) => {
                service::project::get_by_code(actor, db, &code, organisation.as_deref()).await?
            }
            _ => {
                return Err(AppError::bad_input(
                    "id",
                    "pass either `id`, or `code` (with `organisation` if you wish)",
                )
                .into())
            }
        };
        Ok(Project(model))
    }
}

/// A project's objectives in one language, in order.
#[derive(InputObject)]
pub struct ProjectObjectivesInput {
    /// ISO 639 language code of the objectives.
    language: String,
    /// The objectives, in order.
    items: Vec<String>,
}

/// An organisation's part in a project.
#[derive(InputObject)]
pub struct ProjectPartnerInput {
    /// The partner organisation's global ID.
    organisation_id: ID,
    /// Its role.
    role: PartnerRole,
    /// What the notice says of the role (who manages the funds, for a donor).
    note: Option<String>,
    /// For a donor: the global ID of the organisation its funds flow through (a fund manager,
    /// such as ICMPD for the European Commission's Mobility Partnership Facility).
    through_organisation_id: Option<ID>,
}

/// A new project with its countries and partners.
#[derive(InputObject)]
pub struct CreateProjectInput {
    /// Its short code (`ORION`), unique within the lead organisation (another organisation may
    /// have a project with the same code); stored in upper case.
    code: String,
    /// Its full name in English.
    name_en: String,
    /// Its full name in French.
    name_fr: String,
    /// What the project does, in English.
    description_en: Option<String>,
    /// What the project does, in French.
    description_fr: Option<String>,
    /// Its name and description in languages other than English and French (`ar` …).
    #[graphql(default)]
    translations: Vec<NameTranslationInput>,
    /// Its objectives, by language.
    #[graphql(default)]
    objectives: Vec<ProjectObjectivesInput>,
    /// The countries it runs in (ISO 3166-1 alpha-2).
    #[graphql(default)]
    countries: Vec<String>,
    /// When it starts.
    start_date: Option<NaiveDate>,
    /// When it ends; not before it starts.
    end_date: Option<NaiveDate>,
    /// The global ID of the organisation that runs it; you must post for that organisation.
    lead_organisation_id: ID,
    /// Its partners and their roles, in order.
    #[graphql(default)]
    partners: Vec<ProjectPartnerInput>,
}

/// Changes to a project. An absent field is left as it is; `null` clears an optional one; a
/// list given replaces the stored one.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    /// A new code, unique within the lead organisation.
    code: Option<String>,
    /// Its full name in English.
    name_en: Option<String>,
    /// Its full name in French.
    name_fr: Option<String>,
    /// What the project does, in English.
    description_en: MaybeUndefined<String>,
    /// What the project does, in French.
    description_fr: MaybeUndefined<String>,
    /// Its names and descriptions in languages other than English and French, replacing the
    /// stored ones (an empty list removes them).
    translations: Option<Vec<NameTranslationInput>>,
    /// Its objectives by language, replacing the stored ones.
    objectives: Option<Vec<ProjectObjectivesInput>>,
    /// The countries it runs in, replacing the stored ones.
    countries: Option<Vec<String>>,
    /// When it starts.
    start_date: MaybeUndefined<NaiveDate>,
    /// When it ends; not before it starts.
    end_date: MaybeUndefined<NaiveDate>,
    /// Hands the project to another lead organisation; you must post for both.
    lead_organisation_id: Option<ID>,
    /// Its partners, replacing the stored ones.
    partners: Option<Vec<ProjectPartnerInput>>,
}

fn objectives_into_service(
    list: Vec<ProjectObjectivesInput>,
) -> Result<Vec<project_service::ObjectivesInput>, AppError> {
    list.into_iter()
        .enumerate()
        .map(|(i, o)| {
            Ok(project_service::ObjectivesInput {
                language: LanguageCode::parse(&o.language).map_err(|e| {
                    AppError::bad_input(format!("input.objectives[{i}].language"), e)
                })?,
                items: o.items,
            })
        })
        .collect()
}

fn countries_into_service(list: Vec<String>) -> Result<Vec<CountryCode>, AppError> {
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            CountryCode::parse(c)
                .map_err(|e| AppError::bad_input(format!("input.countries[{i}]"), e))
        })
        .collect()
}

fn partners_into_service(
    list: Vec<ProjectPartnerInput>,
) -> Result<Vec<project_service::PartnerInput>, AppError> {
    list.into_iter()
        .enumerate()
        .map(|(i, p)| {
            Ok(project_service::PartnerInput {
                organisation_id: decode(
                    &format!("input.partners[{i}].organisationId"),
                    NodeKind::Organisation,
                    &p.organisation_id,
                )?,
                role: p.role,
                note: p.note,
                through_organisation_id: p
                    .through_organisation_id
                    .map(|id| {
                        decode(
                            &format!("input.partners[{i}].throughOrganisationId"),
                            NodeKind::Organisation,
                            &id,
                        )
                    })
                    .transpose()?,
            })
        })
        .collect()
}

impl CreateProjectInput {
    fn into_service(self) -> Result<project_service::NewProject, AppError> {
        Ok(project_service::NewProject {
            lead_organisation_id: decode(
                "input.leadOrganisationId",
                NodeKind::Organisation,
                &self.lead_organisation_id,
            )?,
            objectives: objectives_into_service(self.objectives)?,
            countries: countries_into_service(self.countries)?,
            partners: partners_into_service(self.partners)?,
            code: self.code,
            name_en: self.name_en,
            name_fr: self.name_fr,
            description_en: self.description_en,
            description_fr: self.description_fr,
            translations: translations_into_service(self.translations)?,
            start_date: self.start_date,
            end_date: self.end_date,
        })
    }
}

impl UpdateProjectInput {
    fn into_service(self) -> Result<project_service::ProjectChanges, AppError> {
        Ok(project_service::ProjectChanges {
            lead_organisation_id: self
                .lead_organisation_id
                .map(|id| decode("input.leadOrganisationId", NodeKind::Organisation, &id))
                .transpose()?,
            objectives: self.objectives.map(objectives_into_service).transpose()?,
            countries: self.countries.map(countries_into_service).transpose()?,
            partners: self.partners.map(partners_into_service).transpose()?,
            code: self.code,
            name_en: self.name_en,
            name_fr: self.name_fr,
            description_en: self.description_en.into(),
            description_fr: self.description_fr.into(),
            translations: self
                .translations
                .map(translations_into_service)
                .transpose()?,
            start_date: self.start_date.into(),
            end_date: self.end_date.into(),
        })
    }
}

/// Project mutations.
#[derive(Default)]
pub struct ProjectMutation;

/// Project mutations.
#[Object]
impl ProjectMutation {
    /// Creates a project with its countries and partners, led by an organisation you post for.
    /// A code the lead organisation already uses is a `CONFLICT`.
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new project.")] input: CreateProjectInput,
    ) -> Result<Project> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let input = input.into_service()?;
        Ok(Project(service::project::create(actor, db, input).await?))
    }

    /// Edits a project of an organisation you post for. A `version` other than the stored one
    /// is a `CONFLICT`: someone changed it since you read it; so is a code that the (new) lead
    /// organisation already uses.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] id: ID,
        #[graphql(desc = "The `version` you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateProjectInput,
    ) -> Result<Project> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let id = decode("id", NodeKind::Project, &id)?;
        let input = input.into_service()?;
        Ok(Project(
            service::project::update(actor, db, id, version, input).await?,
        ))
    }

    /// Accepts, as an admin of the partner organisation, a partnership the project's lead
    /// organisation proposed: until then it is shown to the two organisations only. Accepting one
    /// that stands already changes nothing.
    async fn accept_project_partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] project_id: ID,
        #[graphql(desc = "The partner organisation's global ID (yours).")] organisation_id: ID,
    ) -> Result<Project> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let project = decode("projectId", NodeKind::Project, &project_id)?;
        let organisation = decode("organisationId", NodeKind::Organisation, &organisation_id)?;
        Ok(Project(
            service::project::accept_partnership(actor, db, project, organisation).await?,
        ))
    }

    /// Archives a project of an organisation you post for: it stays readable, with status
    /// `ARCHIVED`. A stale `version`, or a project already archived, is a `CONFLICT`.
    async fn archive_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] id: ID,
        #[graphql(desc = "The `version` you read.")] version: i32,
    ) -> Result<Project> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let id = decode("id", NodeKind::Project, &id)?;
        Ok(Project(
            service::project::archive(actor, db, id, version).await?,
        ))
    }
}
