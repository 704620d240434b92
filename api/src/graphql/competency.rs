//! The competency catalogue: frameworks of values and competencies with behavioural indicators.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use entity::competency;

use crate::domain::CompetencyKind;
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::loaders::{children, one};
use crate::graphql::organisation::{localized, Organisation};
use crate::graphql::relay::{connection, decode, global_id, AppConnection, NodeKind};
use crate::graphql::vacancy::{Vacancy, VacancyFilterInput};
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

    /// Its code, unique within its framework (`TEAMWORK`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Its family: value, core, managerial, technical or behavioural.
    async fn kind(&self) -> Result<CompetencyKind> {
        Ok(CompetencyKind::from_db(&self.0.kind)?)
    }

    /// Its name in a language (`en` or `fr`; English when another is asked).
    async fn name(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> &str {
        localized(Some(&language), &self.0.name_en, &self.0.name_fr)
    }

    /// Its name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// Its name in French.
    async fn name_fr(&self) -> &str {
        &self.0.name_fr
    }

    /// What it means, in a language, falling back to the other one.
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
        }
        .validate()?;
        let page =
            service::vacancy::list(context::actor(ctx)?, context::db(ctx)?, &filter, page).await?;
        Ok(connection(page, Vacancy))
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

/// CompetencyMutation placeholder until the write API lands.
#[derive(Default)]
pub struct CompetencyMutation;

#[async_graphql::Object]
impl CompetencyMutation {
    /// Placeholder.
    async fn placeholder_competency(&self) -> bool {
        false
    }
}
