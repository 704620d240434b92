//! Facets of a vacancy list: how many vacancies each value of a field would leave.
//!
//! Each facet applies every active filter but its own (the usual faceted-search rule), so the
//! counts next to an already chosen value show what choosing another instead would give.

use chrono::Utc;
use entity::{vacancy, vacancy_duty_station, vacancy_project};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, Statement, TryGetableMany,
};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::policy;
use crate::service::vacancy::{checked, visible_select, VacancyFilter};

/// One value of a facet and how many vacancies have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket<V> {
    pub value: V,
    pub count: i64,
}

/// Every facet of a list. Single-valued fields (all but countries and duty stations) have a
/// `None` bucket for vacancies without a value, so their counts add up to the list's total.
#[derive(Debug, Clone, Default)]
pub struct VacancyFacets {
    pub organisations: Vec<Bucket<i32>>,
    pub projects: Vec<Bucket<Option<i32>>>,
    pub countries: Vec<Bucket<String>>,
    /// City (none for a station that is a whole country) and country.
    pub duty_stations: Vec<Bucket<(Option<String>, String)>>,
    pub grade_categories: Vec<Bucket<Option<String>>>,
    pub grades: Vec<Bucket<Option<String>>>,
    pub contract_types: Vec<Bucket<Option<String>>>,
    pub open_to_internal: Vec<Bucket<bool>>,
    pub open_to_external: Vec<Bucket<bool>>,
}

fn sorted<V: Ord>(rows: Vec<(V, i64)>) -> Vec<Bucket<V>> {
    let mut buckets: Vec<Bucket<V>> = rows
        .into_iter()
        .map(|(value, count)| Bucket { value, count })
        .collect();
    buckets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    buckets
}

struct Facets<'a> {
    actor: &'a Actor,
    db: &'a DatabaseConnection,
    filter: &'a VacancyFilter,
}

impl Facets<'_> {
    /// The list's selection with one facet's own filter taken off.
    fn without(
        &self,
        clear: impl FnOnce(&mut VacancyFilter),
    ) -> AppResult<sea_orm::Select<vacancy::Entity>> {
        let mut filter = self.filter.clone();
        clear(&mut filter);
        let search = checked(&filter)?;
        Ok(visible_select(
            self.actor,
            &filter,
            &search,
            Utc::now(),
            self.db.get_database_backend(),
        ))
    }

    /// Counts by one column of the vacancy.
    async fn by_column<V>(
        &self,
        column: vacancy::Column,
        clear: impl FnOnce(&mut VacancyFilter),
    ) -> AppResult<Vec<Bucket<V>>>
    where
        V: Ord + sea_orm::TryGetable,
        (V, i64): TryGetableMany,
    {
        let rows: Vec<(V, i64)> = self
            .without(clear)?
            .select_only()
            .column(column)
            .column_as(count_of(vacancy::Column::Id), "n")
            .group_by(column)
            .into_tuple()
            .all(self.db)
            .await?;
        Ok(sorted(rows))
    }

    /// Counts by project, main or other (a post counts once for each project it serves).
    async fn by_project(&self) -> AppResult<Vec<Bucket<Option<i32>>>> {
        let clear = |f: &mut VacancyFilter| {
            f.project_id = None;
            f.project_code = None;
        };
        let main: Vec<(Option<i32>, i64)> = self
            .without(clear)?
            .select_only()
            .column(vacancy::Column::ProjectId)
            .column_as(count_of(vacancy::Column::Id), "n")
            .group_by(vacancy::Column::ProjectId)
            .into_tuple()
            .all(self.db)
            .await?;
        let ids = self
            .without(clear)?
            .select_only()
            .column(vacancy::Column::Id)
            .into_query();
        let others: Vec<(i32, i64)> = vacancy_project::Entity::find()
            .select_only()
            .column(vacancy_project::Column::ProjectId)
            .column_as(Expr::col(vacancy_project::Column::VacancyId).count(), "n")
            .filter(vacancy_project::Column::VacancyId.in_subquery(ids))
            .group_by(vacancy_project::Column::ProjectId)
            .into_tuple()
            .all(self.db)
            .await?;
        let mut counts: std::collections::BTreeMap<Option<i32>, i64> = main.into_iter().collect();
        for (project, n) in others {
            *counts.entry(Some(project)).or_default() += n;
        }
        Ok(sorted(counts.into_iter().collect()))
    }

    /// Counts by columns of the duty stations (a vacancy counts once per value).
    fn by_station(
        &self,
        columns: &[vacancy_duty_station::Column],
        clear: impl FnOnce(&mut VacancyFilter),
    ) -> AppResult<sea_orm::Select<vacancy_duty_station::Entity>> {
        let ids = self
            .without(clear)?
            .select_only()
            .column(vacancy::Column::Id)
            .into_query();
        let mut select = vacancy_duty_station::Entity::find()
            .select_only()
            .filter(vacancy_duty_station::Column::VacancyId.in_subquery(ids));
        for column in columns {
            select = select.column(*column).group_by(*column);
        }
        Ok(select.column_as(
            Expr::col(vacancy_duty_station::Column::VacancyId).count_distinct(),
            "n",
        ))
    }
}

fn count_of(column: vacancy::Column) -> SimpleExpr {
    Expr::col((vacancy::Entity, column)).count()
}

/// What the facets of `filter` for `actor` depend on, as a cache key: the vacancies the actor
/// may read and every field of the filter (the clock aside: see `cache::counts`).
pub fn cache_key(actor: &Actor, filter: &VacancyFilter) -> String {
    format!("{:?} {filter:?}", policy::vacancy_read_scope(actor))
}

/// One row of [`ALL_FACETS`]: which facet, its value (two parts for a duty station), the count.
#[derive(Debug, FromQueryResult)]
struct FacetRow {
    facet: String,
    v1: Option<String>,
    v2: Option<String>,
    n: i64,
}

/// Every facet of a selection (`m`, the matching vacancies' facet columns) in one statement, so
/// the search and filters run once rather than once per facet. Values travel as text.
const ALL_FACETS: &str = "\
SELECT 'organisation' AS facet, CAST(organisation_id AS TEXT) AS v1, CAST(NULL AS TEXT) AS v2, \
  COUNT(*) AS n FROM m GROUP BY organisation_id \
UNION ALL SELECT 'project', CAST(p.project_id AS TEXT), NULL, COUNT(*) FROM (SELECT project_id FROM m \
  UNION ALL SELECT l.project_id FROM vacancy_project l JOIN m ON m.id = l.vacancy_id) p \
  GROUP BY p.project_id \
UNION ALL SELECT 'grade_category', CAST(grade_category AS TEXT), NULL, COUNT(*) FROM m \
  GROUP BY grade_category \
UNION ALL SELECT 'grade', CAST(grade AS TEXT), NULL, COUNT(*) FROM m GROUP BY grade \
UNION ALL SELECT 'contract_type', CAST(contract_type AS TEXT), NULL, COUNT(*) FROM m \
  GROUP BY contract_type \
UNION ALL SELECT 'open_to_internal', CAST(open_to_internal AS TEXT), NULL, COUNT(*) FROM m \
  GROUP BY open_to_internal \
UNION ALL SELECT 'open_to_external', CAST(open_to_external AS TEXT), NULL, COUNT(*) FROM m \
  GROUP BY open_to_external \
UNION ALL SELECT 'country', CAST(s.country_code AS TEXT), NULL, COUNT(DISTINCT s.vacancy_id) \
  FROM vacancy_duty_station s JOIN m ON m.id = s.vacancy_id GROUP BY s.country_code \
UNION ALL SELECT 'station', CAST(s.city AS TEXT), CAST(s.country_code AS TEXT), \
  COUNT(DISTINCT s.vacancy_id) \
  FROM vacancy_duty_station s JOIN m ON m.id = s.vacancy_id GROUP BY s.city, s.country_code";

/// A boolean as [`ALL_FACETS`] writes it: `true` on PostgreSQL, `1` on SQLite.
fn flag(text: Option<&str>) -> bool {
    matches!(text, Some("true" | "1"))
}

impl Facets<'_> {
    /// Every facet over the list's own selection, each with all the list's filters.
    async fn all_at_once(&self) -> AppResult<VacancyFacets> {
        use vacancy::Column as C;
        let backend = self.db.get_database_backend();
        let matching = self
            .without(|_| {})?
            .select_only()
            .columns([
                C::Id,
                C::OrganisationId,
                C::ProjectId,
                C::GradeCategory,
                C::Grade,
                C::ContractType,
                C::OpenToInternal,
                C::OpenToExternal,
            ])
            .into_query();
        let matching = backend.build(&matching);
        let statement = Statement::from_sql_and_values(
            backend,
            format!("WITH m AS MATERIALIZED ({}) {ALL_FACETS}", matching.sql),
            matching.values.map(|v| v.0).unwrap_or_default(),
        );
        let rows = FacetRow::find_by_statement(statement).all(self.db).await?;
        let mut stations = Vec::new();
        let (mut organisations, mut projects, mut countries) = (Vec::new(), Vec::new(), Vec::new());
        let (mut categories, mut grades, mut contracts) = (Vec::new(), Vec::new(), Vec::new());
        let (mut internal, mut external) = (Vec::new(), Vec::new());
        for FacetRow { facet, v1, v2, n } in rows {
            match facet.as_str() {
                "organisation" => {
                    if let Some(id) = v1.and_then(|v| v.parse().ok()) {
                        organisations.push((id, n));
                    }
                }
                "project" => projects.push((v1.and_then(|v| v.parse().ok()), n)),
                "grade_category" => categories.push((v1, n)),
                "grade" => grades.push((v1, n)),
                "contract_type" => contracts.push((v1, n)),
                "open_to_internal" => internal.push((flag(v1.as_deref()), n)),
                "open_to_external" => external.push((flag(v1.as_deref()), n)),
                "country" => countries.extend(v1.map(|country| (country, n))),
                _ => stations.extend(v2.map(|country| ((v1, country), n))),
            }
        }
        Ok(VacancyFacets {
            organisations: sorted(organisations),
            projects: sorted(projects),
            countries: sorted(countries),
            duty_stations: sorted(stations),
            grade_categories: sorted(categories),
            grades: sorted(grades),
            contract_types: sorted(contracts),
            open_to_internal: sorted(internal),
            open_to_external: sorted(external),
        })
    }
}

/// The facets of the list `filter` selects for `actor`: one statement for every facet over the
/// list itself, then one per facet whose own filter is set (it counts without that filter).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn facets(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
) -> AppResult<VacancyFacets> {
    use vacancy::Column as C;
    use vacancy_duty_station::Column as S;

    checked(filter)?;
    let f = Facets { actor, db, filter };
    let mut facets = f.all_at_once().await?;
    if filter.country.is_some() {
        let countries: Vec<(String, i64)> = f
            .by_station(&[S::CountryCode], |f| f.country = None)?
            .into_tuple()
            .all(db)
            .await?;
        facets.countries = sorted(countries);
    }
    if filter.city.is_some() {
        let stations: Vec<(Option<String>, String, i64)> = f
            .by_station(&[S::City, S::CountryCode], |f| f.city = None)?
            .into_tuple()
            .all(db)
            .await?;
        facets.duty_stations = sorted(
            stations
                .into_iter()
                .map(|(city, country, n)| ((city, country), n))
                .collect(),
        );
    }
    if filter.organisation_id.is_some() || filter.organisation_acronym.is_some() {
        facets.organisations = f
            .by_column(C::OrganisationId, |f| {
                f.organisation_id = None;
                f.organisation_acronym = None;
            })
            .await?;
    }
    if filter.project_id.is_some() || filter.project_code.is_some() {
        facets.projects = f.by_project().await?;
    }
    if filter.grade_category.is_some() {
        facets.grade_categories = f
            .by_column(C::GradeCategory, |f| f.grade_category = None)
            .await?;
    }
    if filter.grade.is_some() {
        facets.grades = f.by_column(C::Grade, |f| f.grade = None).await?;
    }
    if filter.contract_type.is_some() {
        facets.contract_types = f
            .by_column(C::ContractType, |f| f.contract_type = None)
            .await?;
    }
    if filter.open_to_internal.is_some() {
        facets.open_to_internal = f
            .by_column(C::OpenToInternal, |f| f.open_to_internal = None)
            .await?;
    }
    if filter.open_to_external.is_some() {
        facets.open_to_external = f
            .by_column(C::OpenToExternal, |f| f.open_to_external = None)
            .await?;
    }
    Ok(facets)
}
