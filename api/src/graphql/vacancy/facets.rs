//! The vacancy connection: its edges and total like every list, and its facets.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, Object, Result, SimpleObject};

use crate::cache::counts::CountCache;
use crate::domain::{ContractType, GradeCategory};
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::loaders::one;
use crate::graphql::organisation::Organisation;
use crate::graphql::project::Project;
use crate::graphql::relay::{AppConnection, AppEdge};
use crate::graphql::vacancy::Vacancy;
use crate::service::vacancy::facets::{self, Bucket};
use crate::service::vacancy::listing::Total;
use crate::service::vacancy::order::VacancyOrder;

/// The order of a vacancy list.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "VacancyOrder")]
pub enum VacancyOrderBy {
    /// Closing soonest first; notices without a deadline last. The default when only open
    /// vacancies are asked for (`openOnly`, or `status: [PUBLISHED]`) and there is no search.
    ClosingSoon,
    /// Most recently published first.
    Newest,
    /// Most search words found in the title or reference first, then closing soonest. The
    /// default when searching; without a search, the same as CLOSING_SOON.
    Relevance,
    /// By title in the notice's authoritative language, accents and case ignored.
    Title,
}

impl From<VacancyOrderBy> for VacancyOrder {
    fn from(order: VacancyOrderBy) -> Self {
        match order {
            VacancyOrderBy::ClosingSoon => Self::ClosingSoon,
            VacancyOrderBy::Newest => Self::Newest,
            VacancyOrderBy::Relevance => Self::Relevance,
            VacancyOrderBy::Title => Self::Title,
        }
    }
}

#[ComplexObject]
impl AppConnection<Vacancy> {
    /// The items of this page, each with its cursor.
    async fn edges(&self) -> &[AppEdge<Vacancy>] {
        &self.edges
    }

    /// How many vacancies the whole list holds with the current filters, across all pages:
    /// exactly when `totalCountIsExact`, else at least this many (counting stops at a bound,
    /// 10,000 by default, unless `facets` are asked for too).
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(self.counted_total(ctx).await?.count)
    }

    /// Whether `totalCount` is exact. False: the list holds at least `totalCount` vacancies
    /// (more than the server counts exactly without facets); ask for `facets` to count them all.
    async fn total_count_is_exact(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.counted_total(ctx).await?.exact)
    }

    /// The items of this page, without their cursors.
    async fn nodes(&self) -> Vec<&Vacancy> {
        self.edges.iter().map(|edge| &edge.node).collect()
    }

    /// Counts of the whole list (every page) by organisation, project, country, duty station,
    /// grade category, grade, contract type and who may apply, for the current search and
    /// filters, from the same matches as the page and `totalCount` (always exact). Each facet
    /// applies every filter but its own, so a value already chosen still shows its
    /// alternatives. Computed only when asked for; null on lists nested in another object (an
    /// organisation's, a project's or a competency's vacancies).
    async fn facets(&self) -> Result<Option<VacancyFacets>> {
        if !self.faceted {
            return Ok(None);
        }
        let facets = self
            .counts
            .as_ref()
            .and_then(|counts| counts.facets.clone());
        Ok(Some(VacancyFacets(Arc::new(facets.ok_or_else(|| {
            AppError::internal(NotReadAhead("facets"))
        })?))))
    }
}

impl AppConnection<Vacancy> {
    /// The total read with the page; counted on its own only if the request hid it from the
    /// look-ahead.
    async fn counted_total(&self, ctx: &Context<'_>) -> Result<Total, AppError> {
        if let Some(total) = self.counts.as_ref().and_then(|counts| counts.total) {
            return Ok(total);
        }
        let count = match ctx.data_opt::<CountCache>() {
            Some(cache) => cache.total(&self.total).await?,
            None => self.total.get().await?,
        };
        Ok(Total { count, exact: true })
    }
}

/// A part of a vacancy list the resolver did not see asked for when it read the list.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` was not read with the list")]
struct NotReadAhead(&'static str);

/// Counts of a vacancy list by the values of its fields. Single-valued facets (all but
/// `countries` and `dutyStations`) add up to the list's `totalCount` under the same filters,
/// with a null value for vacancies that state none; a vacancy with two duty stations counts
/// once in each. Values come most frequent first.
pub struct VacancyFacets(Arc<facets::VacancyFacets>);

/// Counts of a vacancy list by the values of its fields.
#[Object]
impl VacancyFacets {
    /// By posting organisation (ignores the `organisationId` and `organisation` filters).
    async fn organisations(&self) -> Vec<OrganisationFacet> {
        self.0
            .organisations
            .iter()
            .map(|b| OrganisationFacet {
                id: b.value,
                count: b.count,
            })
            .collect()
    }

    /// By project, main or other: a post serving several projects counts in each; null for
    /// vacancies of no project (ignores the `projectId` and `project` filters).
    async fn projects(&self) -> Vec<ProjectFacet> {
        self.0
            .projects
            .iter()
            .map(|b| ProjectFacet {
                id: b.value,
                count: b.count,
            })
            .collect()
    }

    /// By country of a duty station (ignores the `country` filter).
    async fn countries(&self) -> Vec<CountryFacet> {
        self.0
            .countries
            .iter()
            .map(|b| CountryFacet {
                country: b.value.clone(),
                count: b.count,
            })
            .collect()
    }

    /// By duty station (ignores the `city` filter; the `country` filter applies).
    async fn duty_stations(&self) -> Vec<DutyStationFacet> {
        self.0
            .duty_stations
            .iter()
            .map(|b| DutyStationFacet {
                city: b.value.0.clone(),
                country: b.value.1.clone(),
                count: b.count,
            })
            .collect()
    }

    /// By grade category (ignores the `gradeCategory` filter).
    async fn grade_categories(&self) -> Result<Vec<GradeCategoryFacet>> {
        self.0
            .grade_categories
            .iter()
            .map(|b| {
                Ok(GradeCategoryFacet {
                    grade_category: b.value.as_deref().map(GradeCategory::from_db).transpose()?,
                    count: b.count,
                })
            })
            .collect()
    }

    /// By grade (ignores the `grade` filter).
    async fn grades(&self) -> Vec<GradeFacet> {
        self.0
            .grades
            .iter()
            .map(|b| GradeFacet {
                grade: b.value.clone(),
                count: b.count,
            })
            .collect()
    }

    /// By contract type (ignores the `contractType` filter).
    async fn contract_types(&self) -> Result<Vec<ContractTypeFacet>> {
        self.0
            .contract_types
            .iter()
            .map(|b| {
                Ok(ContractTypeFacet {
                    contract_type: b.value.as_deref().map(ContractType::from_db).transpose()?,
                    count: b.count,
                })
            })
            .collect()
    }

    /// By whether the organisation's own staff may apply (ignores the `openToInternal` filter).
    async fn open_to_internal(&self) -> Vec<BooleanFacet> {
        booleans(&self.0.open_to_internal)
    }

    /// By whether outside candidates may apply (ignores the `openToExternal` filter).
    async fn open_to_external(&self) -> Vec<BooleanFacet> {
        booleans(&self.0.open_to_external)
    }
}

fn booleans(buckets: &[Bucket<bool>]) -> Vec<BooleanFacet> {
    buckets
        .iter()
        .map(|b| BooleanFacet {
            value: b.value,
            count: b.count,
        })
        .collect()
}

/// How many vacancies of the list an organisation posts.
pub struct OrganisationFacet {
    id: i32,
    count: i64,
}

/// How many vacancies of the list an organisation posts.
#[Object]
impl OrganisationFacet {
    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        Ok(Organisation(
            one(&context::loaders(ctx)?.organisation, self.id).await?,
        ))
    }

    /// How many vacancies.
    async fn count(&self) -> i64 {
        self.count
    }
}

/// How many vacancies of the list serve a project.
pub struct ProjectFacet {
    id: Option<i32>,
    count: i64,
}

/// How many vacancies of the list serve a project.
#[Object]
impl ProjectFacet {
    /// The project; null for vacancies of no project.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        match self.id {
            Some(id) => Ok(Some(Project(
                one(&context::loaders(ctx)?.project, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// How many vacancies.
    async fn count(&self) -> i64 {
        self.count
    }
}

/// How many vacancies of the list have a duty station in a country.
#[derive(SimpleObject)]
pub struct CountryFacet {
    /// The country (ISO 3166-1 alpha-2); pass it as the `country` filter.
    country: String,
    /// How many vacancies.
    count: i64,
}

/// How many vacancies of the list have a duty station.
#[derive(SimpleObject)]
pub struct DutyStationFacet {
    /// The city; pass it as the `city` filter. Null for a duty station that is a whole country.
    city: Option<String>,
    /// Its country (ISO 3166-1 alpha-2).
    country: String,
    /// How many vacancies.
    count: i64,
}

/// How many vacancies of the list are in a grade category.
#[derive(SimpleObject)]
pub struct GradeCategoryFacet {
    /// The category; null for vacancies without a grade.
    grade_category: Option<GradeCategory>,
    /// How many vacancies.
    count: i64,
}

/// How many vacancies of the list are of a grade.
#[derive(SimpleObject)]
pub struct GradeFacet {
    /// The grade (`G5`, `P4`); null for vacancies without one.
    grade: Option<String>,
    /// How many vacancies.
    count: i64,
}

/// How many vacancies of the list offer a contract type.
#[derive(SimpleObject)]
pub struct ContractTypeFacet {
    /// The contract type; null for vacancies that state none.
    contract_type: Option<ContractType>,
    /// How many vacancies.
    count: i64,
}

/// How many vacancies of the list have a yes/no field set one way.
#[derive(SimpleObject)]
pub struct BooleanFacet {
    /// The field's value.
    value: bool,
    /// How many vacancies.
    count: i64,
}
