//! The competency catalogue: frameworks of values and competencies with behavioural indicators.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use entity::competency;

use crate::domain::{CompetencyKind, LanguageCode};
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::loaders::{children, one};
use crate::graphql::names::{
    all_translations, language_arg, names_of, translations_into_service, NameTranslation,
    NameTranslationInput,
};
use crate::graphql::organisation::Organisation;
use crate::graphql::relay::{connection, decode, global_id, page_cost, AppConnection, NodeKind};
use crate::graphql::vacancy::{vacancy_connection, Vacancy, VacancyFilterInput};
use crate::service::competency as competency_service;
use crate::service::pagination::PageArgs;
use crate::service::{self, competency::CompetencyFilter};

/// A value or competency of a framework, global or an organisation's own.
#[derive(Clone)]
pub struct Competency(pub competency::Model);

/// A value or competency of a framework, global or an organisation's own.
#[Object]
impl Competency {
    /// The competency's global ID.
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Competency, self.0.id)
    }

    /// The current version, to pass to `updateCompetency` (optimistic locking).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Its code, unique within its framework (`TEAMWORK`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Its family: value, core, managerial, technical or behavioural.
    async fn kind(&self) -> Result<CompetencyKind> {
        Ok(CompetencyKind::from_db(&self.0.kind)?)
    }

    /// Its name in a language (any ISO 639 code: `en`, `fr`, `ar` …;
    /// English when it has none in that language).
    async fn name(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> Result<&str> {
        Ok(names_of!(self.0).name(&language_arg(&language)?))
    }

    /// Its name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// Its name in French.
    async fn name_fr(&self) -> &str {
        &self.0.name_fr
    }

    /// What it means in a language: any ISO 639 code, falling back to English, then French, then
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

    /// The framework's owner; null for a global competency.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.organisation_id {
            Some(id) => Ok(Some(Organisation(
                one(&context::loaders(ctx)?.organisation, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// Its behavioural indicators, optionally of one level.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only indicators of this level (1–3).")] level: Option<i32>,
    ) -> Result<Vec<Indicator>> {
        let rows = children(&context::loaders(ctx)?.indicators, self.0.id).await?;
        Ok(rows
            .into_iter()
            .filter(|i| level.is_none() || i.level == level)
            .map(|i| Indicator {
                level: i.level,
                language: i.language,
                text: i.text,
            })
            .collect())
    }

    /// Vacancies that ask for it and that the caller may see.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn vacancies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the list.")] filter: Option<VacancyFilterInput>,
        #[graphql(desc = "Return the first n vacancies (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return vacancies after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n vacancies (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return vacancies before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Vacancy>> {
        let mut filter = filter.unwrap_or_default().into_service()?;
        filter.competency_id = Some(self.0.id);
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(vacancy_connection(ctx, &filter, None, page).await?)
    }
}

/// A behavioural indicator of a competency.
#[derive(SimpleObject)]
pub struct Indicator {
    /// Its level (1–3), when the framework gives one.
    level: Option<i32>,
    /// ISO 639 language code of the text.
    language: String,
    /// What the behaviour looks like.
    text: String,
}

/// Narrows the competency catalogue; fields combine with AND.
#[derive(InputObject, Default)]
pub struct CompetencyFilterInput {
    /// This organisation's framework.
    organisation_id: Option<ID>,
    /// Only global competencies (of no organisation).
    global_only: Option<bool>,
    /// Only this family.
    kind: Option<CompetencyKind>,
}

impl CompetencyFilterInput {
    pub fn into_service(self) -> Result<CompetencyFilter, AppError> {
        Ok(CompetencyFilter {
            organisation_id: self
                .organisation_id
                .map(|id| decode("filter.organisationId", NodeKind::Organisation, &id))
                .transpose()?,
            global_only: self.global_only.unwrap_or(false),
            kind: self.kind,
        })
    }
}

/// Competency queries.
#[derive(Default)]
pub struct CompetencyQuery;

/// Competency queries.
#[Object]
impl CompetencyQuery {
    /// The competency catalogue.
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
        let filter = filter.unwrap_or_default().into_service()?;
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

/// A behavioural indicator of a competency.
#[derive(InputObject)]
pub struct CompetencyIndicatorInput {
    /// Its level (1–3), when the framework gives one.
    level: Option<i32>,
    /// ISO 639 language code of the text.
    language: String,
    /// What the behaviour looks like.
    text: String,
}

/// A new competency, in an organisation's framework or in the global catalogue.
#[derive(InputObject)]
pub struct CreateCompetencyInput {
    /// The global ID of the organisation whose framework it joins (you must administer it);
    /// absent for a global competency (platform admins only).
    organisation_id: Option<ID>,
    /// Its code, unique within its framework (`TEAMWORK`): letters, digits, `_` and `-`,
    /// stored in upper case.
    code: String,
    /// Its family.
    kind: CompetencyKind,
    /// Its name in English.
    name_en: String,
    /// Its name in French.
    name_fr: String,
    /// What it means, in English.
    description_en: Option<String>,
    /// What it means, in French.
    description_fr: Option<String>,
    /// Its name and description in languages other than English and French (`ar` …).
    #[graphql(default)]
    translations: Vec<NameTranslationInput>,
    /// Its behavioural indicators, in order.
    #[graphql(default)]
    indicators: Vec<CompetencyIndicatorInput>,
}

/// Changes to a competency. An absent field is left as it is; `null` clears an optional one;
/// indicators given replace the stored ones.
#[derive(InputObject)]
pub struct UpdateCompetencyInput {
    /// A new code, unique within its framework.
    code: Option<String>,
    /// Its family.
    kind: Option<CompetencyKind>,
    /// Its name in English.
    name_en: Option<String>,
    /// Its name in French.
    name_fr: Option<String>,
    /// What it means, in English.
    description_en: MaybeUndefined<String>,
    /// What it means, in French.
    description_fr: MaybeUndefined<String>,
    /// Its names and descriptions in languages other than English and French, replacing the
    /// stored ones (an empty list removes them).
    translations: Option<Vec<NameTranslationInput>>,
    /// Its behavioural indicators, replacing the stored ones.
    indicators: Option<Vec<CompetencyIndicatorInput>>,
}

fn indicators_into_service(
    list: Vec<CompetencyIndicatorInput>,
) -> Result<Vec<competency_service::IndicatorInput>, AppError> {
    list.into_iter()
        .enumerate()
        .map(|(i, indicator)| {
            Ok(competency_service::IndicatorInput {
                language: LanguageCode::parse(&indicator.language).map_err(|e| {
                    AppError::bad_input(format!("input.indicators[{i}].language"), e)
                })?,
                level: indicator.level,
                text: indicator.text,
            })
        })
        .collect()
}

impl CreateCompetencyInput {
    fn into_service(self) -> Result<competency_service::NewCompetency, AppError> {
        Ok(competency_service::NewCompetency {
            organisation_id: self
                .organisation_id
                .map(|id| decode("input.organisationId", NodeKind::Organisation, &id))
                .transpose()?,
            indicators: indicators_into_service(self.indicators)?,
            code: self.code,
            kind: self.kind,
            name_en: self.name_en,
            name_fr: self.name_fr,
            description_en: self.description_en,
            description_fr: self.description_fr,
            translations: translations_into_service(self.translations)?,
        })
    }
}

impl UpdateCompetencyInput {
    fn into_service(self) -> Result<competency_service::CompetencyChanges, AppError> {
        Ok(competency_service::CompetencyChanges {
            indicators: self.indicators.map(indicators_into_service).transpose()?,
            code: self.code,
            kind: self.kind,
            name_en: self.name_en,
            name_fr: self.name_fr,
            description_en: self.description_en.into(),
            description_fr: self.description_fr.into(),
            translations: self
                .translations
                .map(translations_into_service)
                .transpose()?,
        })
    }
}

/// Competency mutations.
#[derive(Default)]
pub struct CompetencyMutation;

/// Competency mutations.
#[Object]
impl CompetencyMutation {
    /// Adds a competency to an organisation's framework (its admins) or to the global catalogue
    /// (platform admins). A code the framework already has is a `CONFLICT`.
    async fn create_competency(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new competency.")] input: CreateCompetencyInput,
    ) -> Result<Competency> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let input = input.into_service()?;
        Ok(Competency(
            service::competency::create(actor, db, input).await?,
        ))
    }

    /// Edits a competency of a framework you administer. A `version` other than the stored one
    /// is a `CONFLICT`: someone changed it since you read it.
    async fn update_competency(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The competency's global ID.")] id: ID,
        #[graphql(desc = "The `version` you read.")] version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateCompetencyInput,
    ) -> Result<Competency> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let id = decode("id", NodeKind::Competency, &id)?;
        let input = input.into_service()?;
        Ok(Competency(
            service::competency::update(actor, db, id, version, input).await?,
        ))
    }
}
