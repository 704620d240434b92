//! Facets of a vacancy list: how many vacancies each value of a field would leave.
//!
//! Each facet applies every active filter but its own (the usual faceted-search rule), so the
//! counts next to an already chosen value show what choosing another instead would give.

use chrono::Utc;
use entity::{vacancy, vacancy_duty_station};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, TryGetableMany,
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
    /// City and country.
    pub duty_stations: Vec<Bucket<(String, String)>>,
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
/// may read and every field of the filter (the clock aside: see `graphql::count_cache`).
pub fn cache_key(actor: &Actor, filter: &VacancyFilter) -> String {
    format!("{:?} {filter:?}", policy::vacancy_read_scope(actor))
}

/// The facets of the list `filter` selects for `actor`: one grouped query per facet.
pub async fn facets(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
) -> AppResult<VacancyFacets> {
    use vacancy::Column as C;
    use vacancy_duty_station::Column as S;

    checked(filter)?;
    let f = Facets { actor, db, filter };
    let countries: Vec<(String, i64)> = f
        .by_station(&[S::CountryCode], |f| f.country = None)?
        .into_tuple()
        .all(db)
        .await?;
    let stations: Vec<(String, String, i64)> = f
        .by_station(&[S::City, S::CountryCode], |f| f.city = None)?
        .into_tuple()
        .all(db)
        .await?;
    Ok(VacancyFacets {
        organisations: f
            .by_column(C::OrganisationId, |f| {
                f.organisation_id = None;
                f.organisation_acronym = None;
            })
            .await?,
        projects: f
            .by_column(C::ProjectId, |f| {
                f.project_id = None;
                f.project_code = None;
            })
            .await?,
        countries: sorted(countries),
        duty_stations: sorted(
            stations
                .into_iter()
                .map(|(city, country, n)| ((city, country), n))
                .collect(),
        ),
        grade_categories: f
            .by_column(C::GradeCategory, |f| f.grade_category = None)
            .await?,
        grades: f.by_column(C::Grade, |f| f.grade = None).await?,
        contract_types: f
            .by_column(C::ContractType, |f| f.contract_type = None)
            .await?,
        open_to_internal: f
            .by_column(C::OpenToInternal, |f| f.open_to_internal = None)
            .await?,
        open_to_external: f
            .by_column(C::OpenToExternal, |f| f.open_to_external = None)
            .await?,
    })
}
