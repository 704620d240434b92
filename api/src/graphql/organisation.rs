//! Organisations: their names, acronyms and offices, and what they lead, fund and post.

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use entity::{office, organisation};

use crate::domain::{OrganisationKind, PartnerRole};
use crate::graphql::competency::{Competency, CompetencyFilterInput};
use crate::graphql::context;
use crate::graphql::loaders::{children, one};
use crate::graphql::project::Project;
use crate::graphql::relay::{connection, decode, global_id, AppConnection, NodeKind};
use crate::graphql::vacancy::{Vacancy, VacancyFilterInput};
use crate::service::pagination::PageArgs;
use crate::service::{self, competency::CompetencyFilter, project::ProjectFilter};

/// Picks the French text for `fr` and the English one for anything else.
pub fn localized<'a>(language: Option<&str>, en: &'a str, fr: &'a str) -> &'a str {
    match language {
        Some(lang) if lang.eq_ignore_ascii_case("fr") => fr,
        _ => en,
    }
}

/// An agency or partner organisation: a UN agency, a ministry, a donor, an NGO.
#[derive(Clone)]
pub struct Organisation(pub organisation::Model);

/// An agency or partner organisation: a UN agency, a ministry, a donor, an NGO.
#[Object]
impl Organisation {
    /// The organisation's global ID.
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Organisation, self.0.id)
    }

    /// Its usual (English) acronym: `IOM`, `ILO`.
    async fn acronym(&self) -> &str {
        &self.0.acronym
    }

    /// Every acronym it goes by, by language (`OIM` in French; `OIT` and `BIT` for the ILO).
    async fn acronyms(&self, ctx: &Context<'_>) -> Result<Vec<Acronym>> {
        let rows = children(&context::loaders(ctx)?.acronyms, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|a| Acronym {
                language: a.language,
                acronym: a.acronym,
            })
            .collect())
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

    /// What kind of body it is.
    async fn kind(&self) -> Result<OrganisationKind> {
        Ok(OrganisationKind::from_db(&self.0.kind)?)
    }

    /// The year it was founded.
    async fn founded_year(&self) -> Option<i32> {
        self.0.founded_year
    }

    /// A presentation of the organisation in a language, falling back to the other one.
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

    /// Its website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// The e-mail address its notices give for applications.
    async fn recruitment_email(&self) -> Option<&str> {
        self.0.recruitment_email.as_deref()
    }

    /// Its offices.
    async fn offices(&self, ctx: &Context<'_>) -> Result<Vec<Office>> {
        let rows = children(&context::loaders(ctx)?.offices, self.0.id).await?;
        Ok(rows.into_iter().map(Office).collect())
    }

    /// The projects it leads.
    async fn projects_led(&self, ctx: &Context<'_>) -> Result<Vec<Project>> {
        let rows = children(&context::loaders(ctx)?.projects_led, self.0.id).await?;
        Ok(rows.into_iter().map(Project).collect())
    }

    /// Its roles in projects, as lead, convening, participating or implementing agency, or donor.
    async fn partnerships(&self, ctx: &Context<'_>) -> Result<Vec<Partnership>> {
        let rows = children(&context::loaders(ctx)?.partnerships, self.0.id).await?;
        Ok(rows.into_iter().map(Partnership).collect())
    }

    /// Projects it leads or partners in.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n projects (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return projects after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n projects (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return projects before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Project>> {
        let filter = ProjectFilter {
            organisation_id: Some(self.0.id),
            ..Default::default()
        };
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

    /// Its vacancies that the caller may see.
    async fn vacancies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the list; the organisation is already set.")] filter: Option<
            VacancyFilterInput,
        >,
        #[graphql(desc = "Return the first n vacancies (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return vacancies after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n vacancies (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return vacancies before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Vacancy>> {
        let mut filter = filter.unwrap_or_default().into_service()?;
        filter.organisation_id = Some(self.0.id);
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

    /// Its competency framework.
    async fn competencies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the catalogue.")] filter: Option<CompetencyFilterInput>,
        #[graphql(desc = "Return the first n competencies (1–100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return competencies after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n competencies (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return competencies before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Competency>> {
        let mut filter: CompetencyFilter = filter.unwrap_or_default().into_service()?;
        filter.organisation_id = Some(self.0.id);
        let page = PageArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let page =
            service::competency::list(context::actor(ctx)?, context::db(ctx)?, &filter, page)
                .await?;
        Ok(connection(page, Competency))
    }
}

/// An acronym in one language.
#[derive(SimpleObject)]
pub struct Acronym {
    /// ISO 639 language code.
    language: String,
    /// The acronym.
    acronym: String,
}

/// An office of an organisation.
pub struct Office(office::Model);

/// An office of an organisation.
#[Object]
impl Office {
    /// The office's name.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Its city.
    async fn city(&self) -> &str {
        &self.0.city
    }

    /// Its country (ISO 3166-1 alpha-2).
    async fn country(&self) -> &str {
        &self.0.country_code
    }

    /// Its postal address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// Its telephone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// Its e-mail address.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
}

/// An organisation's role in a project.
pub struct Partnership(pub entity::project_partner::Model);

/// An organisation's role in a project.
#[Object]
impl Partnership {
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> Result<Project> {
        Ok(Project(
            one(&context::loaders(ctx)?.project, self.0.project_id).await?,
        ))
    }

    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        Ok(Organisation(
            one(&context::loaders(ctx)?.organisation, self.0.organisation_id).await?,
        ))
    }

    /// Its role.
    async fn role(&self) -> Result<PartnerRole> {
        Ok(PartnerRole::from_db(&self.0.role)?)
    }

    /// What the notice says of the role (for example, who manages the funds for the donor).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// Organisation queries.
#[derive(Default)]
pub struct OrganisationQuery;

/// Organisation queries.
#[Object]
impl OrganisationQuery {
    /// Every organisation, in the order they were added.
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n organisations (1–100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return organisations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n organisations (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return organisations before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Organisation>> {
        let page = PageArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let page =
            service::organisation::list(context::actor(ctx)?, context::db(ctx)?, page).await?;
        Ok(connection(page, Organisation))
    }

    /// One organisation, by `id` or by any of its `acronym`s (`IOM`, `OIM`, `BIT`).
    async fn organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's global ID.")] id: Option<ID>,
        #[graphql(desc = "Any of its acronyms, in any language; case does not matter.")]
        acronym: Option<String>,
    ) -> Result<Organisation> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let model = match (id, acronym) {
            (Some(id), None) => {
                let id = decode("id", NodeKind::Organisation, &id)?;
                service::organisation::get(actor, db, id).await?
            }
            (None, Some(acronym)) => {
                service::organisation::get_by_acronym(actor, db, &acronym).await?
            }
            _ => {
                return Err(crate::error::AppError::bad_input(
                    "id",
                    "pass exactly one of `id` or `acronym`",
                )
                .into())
            }
        };
        Ok(Organisation(model))
    }
}

/// OrganisationMutation placeholder until the write API lands.
#[derive(Default)]
pub struct OrganisationMutation;

#[async_graphql::Object]
impl OrganisationMutation {
    /// Placeholder.
    async fn placeholder_organisation(&self) -> bool {
        false
    }
}
