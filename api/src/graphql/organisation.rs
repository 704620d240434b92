//! Organisations: their names, acronyms and offices, and what they lead, fund and post.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use entity::{office, organisation};

use crate::domain::{ApplicationStatus, CountryCode, LanguageCode, OrganisationKind, PartnerRole};
use crate::error::AppError;
use crate::graphql::competency::{Competency, CompetencyFilterInput};
use crate::graphql::context;
use crate::graphql::loaders::{children, one};
use crate::graphql::names::{
    all_translations, language_arg, names_of, translations_into_service, NameTranslation,
    NameTranslationInput,
};
use crate::graphql::project::Project;
use crate::graphql::relay::{connection, decode, global_id, page_cost, AppConnection, NodeKind};
use crate::graphql::vacancy::{vacancy_connection, Vacancy, VacancyFilterInput};
use crate::service::organisation as org_service;
use crate::service::pagination::PageArgs;
use crate::service::{self, competency::CompetencyFilter, project::ProjectFilter};

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

    /// The current version, to pass to `updateOrganisation` (optimistic locking).
    async fn version(&self) -> i32 {
        self.0.version
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

    /// What kind of body it is.
    async fn kind(&self) -> Result<OrganisationKind> {
        Ok(OrganisationKind::from_db(&self.0.kind)?)
    }

    /// The year it was founded.
    async fn founded_year(&self) -> Option<i32> {
        self.0.founded_year
    }

    /// A presentation of the organisation in a language: any ISO 639 code, falling back to English, then French, then
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

    /// Its website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// The e-mail address its notices give for applications.
    async fn recruitment_email(&self) -> Option<&str> {
        self.0.recruitment_email.as_deref()
    }

    /// The steps of an application its candidates are told of by mail (unless they turned
    /// such mails off), in pipeline order.
    async fn announced_application_statuses(&self) -> Result<Vec<ApplicationStatus>> {
        Ok(org_service::announced_statuses(&self.0)?)
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

    /// Its roles in projects: lead, convening, participating, implementing or coordinating
    /// agency, donor or fund manager.
    async fn partnerships(&self, ctx: &Context<'_>) -> Result<Vec<Partnership>> {
        let (actor, loaders) = (context::actor(ctx)?, context::loaders(ctx)?);
        let rows = children(&loaders.partnerships, self.0.id).await?;
        // Whether a proposed partnership shows depends on its project's lead: one batch for all.
        let proposed = rows
            .iter()
            .filter(|row| row.accepted_at.is_none())
            .map(|row| row.project_id);
        let projects = loaders
            .project
            .load_many(proposed)
            .await
            .map_err(AppError::internal)?;
        Ok(rows
            .into_iter()
            .filter(|row| {
                row.accepted_at.is_some()
                    || projects.get(&row.project_id).is_some_and(|project| {
                        service::project::partnership_visible(
                            actor,
                            project.lead_organisation_id,
                            row,
                        )
                    })
            })
            .map(Partnership)
            .collect())
    }

    /// Projects it leads or partners in.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
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
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
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
        };
        Ok(vacancy_connection(ctx, &filter, None, page).await?)
    }

    /// Its competency framework.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
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

    /// For a donor: the organisation its funds flow through (a fund manager).
    async fn through(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.through_organisation_id {
            Some(id) => Ok(Some(Organisation(
                one(&context::loaders(ctx)?.organisation, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// Whether the partner organisation's admins accepted it. A partnership the lead
    /// organisation proposes is shown only to the two organisations until it is accepted.
    async fn accepted(&self) -> bool {
        self.0.accepted_at.is_some()
    }
}

/// Narrows an organisation list by its partnerships (accepted ones); fields combine with AND.
#[derive(InputObject, Default)]
pub struct OrganisationFilterInput {
    /// Organisations that are partners of this project (global ID), in `role` when given
    /// (`{ partnerOf: <WAFIRA II>, role: DONOR }`: its donors).
    partner_of: Option<ID>,
    /// Organisations with this role in a project (in `partnerOf`, when given): every donor.
    role: Option<PartnerRole>,
}

impl OrganisationFilterInput {
    fn into_service(self) -> Result<org_service::OrganisationFilter, AppError> {
        Ok(org_service::OrganisationFilter {
            partner_of: self
                .partner_of
                .map(|id| decode("filter.partnerOf", NodeKind::Project, &id))
                .transpose()?,
            role: self.role,
        })
    }
}

/// Organisation queries.
#[derive(Default)]
pub struct OrganisationQuery;

/// Organisation queries.
#[Object]
impl OrganisationQuery {
    /// Every organisation, in the order they were added.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the list.")] filter: Option<OrganisationFilterInput>,
        #[graphql(desc = "Return the first n organisations (1–100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return organisations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n organisations (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return organisations before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Organisation>> {
        let filter = filter.unwrap_or_default().into_service()?;
        let page = PageArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let page =
            service::organisation::list(context::actor(ctx)?, context::db(ctx)?, &filter, page)
                .await?;
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
                return Err(
                    AppError::bad_input("id", "pass exactly one of `id` or `acronym`").into(),
                )
            }
        };
        Ok(Organisation(model))
    }
}

/// An acronym an organisation goes by in another language.
#[derive(InputObject)]
pub struct OrganisationAcronymInput {
    /// ISO 639 language code of the acronym (`fr`).
    language: String,
    /// The acronym (`OIM`); stored in upper case.
    acronym: String,
}

/// An office of an organisation.
#[derive(InputObject)]
pub struct OrganisationOfficeInput {
    /// The office's name (`Bureau de Rabat`).
    name: Option<String>,
    /// Its city.
    city: String,
    /// Its country (ISO 3166-1 alpha-2).
    country: String,
    /// Its postal address.
    address: Option<String>,
    /// Its telephone number.
    phone: Option<String>,
    /// Its e-mail address.
    email: Option<String>,
}

/// A new organisation with its acronyms and offices.
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// Its usual acronym (`IOM`), unique across organisations; stored in upper case.
    acronym: String,
    /// The acronyms it goes by in other languages (`OIM` in French).
    #[graphql(default)]
    other_acronyms: Vec<OrganisationAcronymInput>,
    /// Its full name in English.
    name_en: String,
    /// Its full name in French.
    name_fr: String,
    /// What kind of body it is.
    kind: OrganisationKind,
    /// The year it was founded (1800–2100).
    founded_year: Option<i32>,
    /// A presentation in English.
    description_en: Option<String>,
    /// A presentation in French.
    description_fr: Option<String>,
    /// Its name and description in languages other than English and French (`ar` …).
    #[graphql(default)]
    translations: Vec<NameTranslationInput>,
    /// Its website (an http:// or https:// address).
    website: Option<String>,
    /// The e-mail address its notices give for applications.
    recruitment_email: Option<String>,
    /// Its offices, in order.
    #[graphql(default)]
    offices: Vec<OrganisationOfficeInput>,
}

/// Changes to an organisation. An absent field is left as it is; `null` clears an optional one;
/// a list given replaces the stored one.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    /// A new usual acronym, unique across organisations.
    acronym: Option<String>,
    /// The acronyms it goes by in other languages, replacing the stored ones.
    other_acronyms: Option<Vec<OrganisationAcronymInput>>,
    /// Its full name in English.
    name_en: Option<String>,
    /// Its full name in French.
    name_fr: Option<String>,
    /// What kind of body it is.
    kind: Option<OrganisationKind>,
    /// The year it was founded (1800–2100).
    founded_year: MaybeUndefined<i32>,
    /// A presentation in English.
    description_en: MaybeUndefined<String>,
    /// A presentation in French.
    description_fr: MaybeUndefined<String>,
    /// Its names and descriptions in languages other than English and French, replacing the
    /// stored ones (an empty list removes them).
    translations: Option<Vec<NameTranslationInput>>,
    /// Its website (an http:// or https:// address).
    website: MaybeUndefined<String>,
    /// The e-mail address its notices give for applications.
    recruitment_email: MaybeUndefined<String>,
    /// Its offices, replacing the stored ones.
    offices: Option<Vec<OrganisationOfficeInput>>,
    /// The steps of an application its candidates are told of by mail, replacing the stored
    /// ones (an empty list announces none).
    announced_application_statuses: Option<Vec<ApplicationStatus>>,
}

fn acronyms_into_service(
    list: Vec<OrganisationAcronymInput>,
) -> Result<Vec<org_service::AcronymInput>, AppError> {
    list.into_iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(org_service::AcronymInput {
                language: LanguageCode::parse(&a.language).map_err(|e| {
                    AppError::bad_input(format!("input.otherAcronyms[{i}].language"), e)
                })?,
                acronym: a.acronym,
            })
        })
        .collect()
}

fn offices_into_service(
    list: Vec<OrganisationOfficeInput>,
) -> Result<Vec<org_service::OfficeInput>, AppError> {
    list.into_iter()
        .enumerate()
        .map(|(i, o)| {
            Ok(org_service::OfficeInput {
                country: CountryCode::parse(&o.country)
                    .map_err(|e| AppError::bad_input(format!("input.offices[{i}].country"), e))?,
                name: o.name,
                city: o.city,
                address: o.address,
                phone: o.phone,
                email: o.email,
            })
        })
        .collect()
}

impl CreateOrganisationInput {
    fn into_service(self) -> Result<org_service::NewOrganisation, AppError> {
        Ok(org_service::NewOrganisation {
            other_acronyms: acronyms_into_service(self.other_acronyms)?,
            offices: offices_into_service(self.offices)?,
            acronym: self.acronym,
            name_en: self.name_en,
            name_fr: self.name_fr,
            kind: self.kind,
            founded_year: self.founded_year,
            description_en: self.description_en,
            description_fr: self.description_fr,
            translations: translations_into_service(self.translations)?,
            website: self.website,
            recruitment_email: self.recruitment_email,
        })
    }
}

impl UpdateOrganisationInput {
    fn into_service(self) -> Result<org_service::OrganisationChanges, AppError> {
        Ok(org_service::OrganisationChanges {
            other_acronyms: self.other_acronyms.map(acronyms_into_service).transpose()?,
            offices: self.offices.map(offices_into_service).transpose()?,
            acronym: self.acronym,
            name_en: self.name_en,
            name_fr: self.name_fr,
            kind: self.kind,
            founded_year: self.founded_year.into(),
            description_en: self.description_en.into(),
            description_fr: self.description_fr.into(),
            translations: self
                .translations
                .map(translations_into_service)
                .transpose()?,
            website: self.website.into(),
            recruitment_email: self.recruitment_email.into(),
            announced_statuses: self.announced_application_statuses,
        })
    }
}

/// Organisation mutations.
#[derive(Default)]
pub struct OrganisationMutation;

/// Organisation mutations.
#[Object]
impl OrganisationMutation {
    /// Creates an organisation with its acronyms and offices (platform admins only). An acronym
    /// another organisation goes by is a `CONFLICT`.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new organisation.")] input: CreateOrganisationInput,
    ) -> Result<Organisation> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let input = input.into_service()?;
        Ok(Organisation(
            service::organisation::create(actor, db, input).await?,
        ))
    }

    /// Edits an organisation's profile (its admins and platform admins). A `version` other than
    /// the stored one is a `CONFLICT`: someone changed it since you read it.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's global ID.")] id: ID,
        #[graphql(desc = "The `version` you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateOrganisationInput,
    ) -> Result<Organisation> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let id = decode("id", NodeKind::Organisation, &id)?;
        let input = input.into_service()?;
        Ok(Organisation(
            service::organisation::update(actor, db, id, version, input).await?,
        ))
    }
}
