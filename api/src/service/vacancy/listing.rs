//! A vacancy list's page, total and facets, read in one statement.
//!
//! The statement computes the list's matches once and reads everything asked for from them:
//!
//! - with facets, the matches' facet columns are materialised (`m`); the total is counted from
//!   them, exactly, and each facet is aggregated from them into one JSON array. A facet whose own
//!   filter is set counts without it (faceted search): the matches are then those of the other
//!   filters (`m0`), with a flag per facet saying whether a row passes every facet filter but that
//!   facet's own, and `m` is the rows passing them all;
//! - without facets, the total counts at most [`Wants::bound`]` + 1` matches, so a page in an
//!   indexed order stops early however common the word: past the bound the total is a lower
//!   bound, and says so;
//! - the page (`pg`) is read in its order from the same matches when searching (the search runs
//!   once); without a search, from the plain column filters again, so that in an indexed order
//!   it stops after its rows instead of sorting every match. It is joined to the one row of
//!   counts, which come with the first row of the page (or alone, for an empty page).

use chrono::{DateTime, Utc};
use entity::vacancy;
use sea_orm::sea_query::{
    Alias, Asterisk, CommonTableExpression, Expr, JoinType, Query, SelectStatement, WithClause,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    QueryTrait,
};

use super::facets::{self, Facet, VacancyFacets};
use super::order::{KeyedPage, KeyedRow, PageQuery, SearchWords, VacancyOrder};
use super::{checked, default_order, filter_condition, visible_select, visible_to, VacancyFilter};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::pagination::{PageArgs, TotalCount};

/// Up to how many vacancies a list's `totalCount` is exact when no facet is asked for.
pub const EXACT_COUNT_BOUND: u64 = 10_000;

/// What a request reads of a vacancy list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wants {
    /// The page's rows (edges, nodes or page info).
    pub page: bool,
    /// The total.
    pub total: bool,
    /// These facets, in this order.
    pub facets: Vec<Facet>,
    /// Up to how many matches the total is exact without facets.
    pub bound: u64,
}

impl Wants {
    /// Whether anything beyond the page is asked: the total or a facet.
    pub fn counts(&self) -> bool {
        self.total || !self.facets.is_empty()
    }
}

/// How many vacancies a list holds: exactly, or at least `count` when not `exact`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub count: i64,
    pub exact: bool,
}

/// The counts of a list that were asked for.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub total: Option<Total>,
    pub facets: Option<VacancyFacets>,
}

/// A page (empty when not asked for) with the counts of its list.
pub struct Listing {
    pub page: KeyedPage<vacancy::Model>,
    pub counts: Counts,
}

/// What the counts of `filter` for `actor` depend on, as a cache key: the vacancies the actor
/// may read, every field of the filter (the clock aside: see `cache::counts`) and what is asked.
pub fn counts_key(actor: &Actor, filter: &VacancyFilter, wants: &Wants) -> String {
    format!(
        "{:?} {filter:?} total={} bound={} facets={:?}",
        policy::vacancy_read_scope(actor),
        wants.total,
        wants.bound,
        wants.facets
    )
}

/// Reads what `wants` asks of the list `filter` selects for `actor`, in one statement (none when
/// nothing is asked).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn read(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
    order: Option<VacancyOrder>,
    args: PageArgs,
    wants: &Wants,
) -> AppResult<Listing> {
    if !wants.counts() {
        return Ok(Listing {
            page: page_alone(actor, db, filter, order, args, wants.page).await?,
            counts: Counts::default(),
        });
    }
    let search = checked(filter)?;
    if filter.eligible_for_me && filter.eligible_ids.is_none() {
        return Err(AppError::internal(super::Unscreened));
    }
    let order = order.unwrap_or_else(|| default_order(filter, &search));
    let backend = db.get_database_backend();
    let page = PageQuery::new(order, search.clone(), filter.only_open(), &args, backend)?;
    let statement = Statement {
        actor,
        filter,
        search: &search,
        now: Utc::now(),
        backend,
        wants,
    }
    .build(wants.page.then_some(&page));
    let rows = db.query_all(backend.build(&statement)).await?;

    let mut counts = Counts::default();
    let mut keyed = Vec::with_capacity(rows.len());
    for row in &rows {
        if wants.total {
            if let Some(n) = row.try_get::<Option<i64>>("", TOTAL)? {
                counts.total = Some(total_of(n, !wants.facets.is_empty(), wants.bound));
            }
        }
        if !wants.facets.is_empty() {
            if let Some(json) = row.try_get::<Option<String>>("", FACETS)? {
                counts.facets = Some(facets::parse(&json)?);
            }
        }
        if wants.page && row.try_get::<Option<i32>>("", "id")?.is_some() {
            keyed.push(KeyedRow::from_query_result(row, "")?);
        }
    }
    let page = page.finish(keyed, lazy_total(actor, db, filter, &search));
    Ok(Listing { page, counts })
}

/// The page alone, without counts: read when `read`, else [`unread`].
pub async fn page_alone(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
    order: Option<VacancyOrder>,
    args: PageArgs,
    read: bool,
) -> AppResult<KeyedPage<vacancy::Model>> {
    if read {
        super::list(actor, db, filter, order, args).await
    } else {
        unread(actor, db, filter, order, &args)
    }
}

/// The empty page of a list whose rows nothing reads; its paging arguments are checked all the
/// same.
pub fn unread(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
    order: Option<VacancyOrder>,
    args: &PageArgs,
) -> AppResult<KeyedPage<vacancy::Model>> {
    let search = checked(filter)?;
    let order = order.unwrap_or_else(|| default_order(filter, &search));
    let backend = db.get_database_backend();
    let page = PageQuery::new(order, search.clone(), filter.only_open(), args, backend)?;
    Ok(page.finish(Vec::new(), lazy_total(actor, db, filter, &search)))
}

/// The total as `list` counts it, should anything ask the page for it.
fn lazy_total(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
    search: &SearchWords,
) -> TotalCount {
    let backend = db.get_database_backend();
    let select = visible_select(actor, filter, search, Utc::now(), backend);
    let key = visible_select(actor, filter, search, DateTime::UNIX_EPOCH, backend);
    TotalCount::new(db.clone(), select.into_query())
        .keyed_by(key.into_query())
        .of_catalogue()
}

const TOTAL: &str = "k_total";
const FACETS: &str = "k_facets";

/// The total as counted: with facets, every match was counted; without, at most `bound + 1`.
fn total_of(n: i64, all_counted: bool, bound: u64) -> Total {
    let bound = i64::try_from(bound).unwrap_or(i64::MAX);
    if all_counted || n <= bound {
        Total {
            count: n,
            exact: true,
        }
    } else {
        Total {
            count: bound,
            exact: false,
        }
    }
}

struct Statement<'a> {
    actor: &'a Actor,
    filter: &'a VacancyFilter,
    search: &'a SearchWords,
    now: DateTime<Utc>,
    backend: sea_orm::DbBackend,
    wants: &'a Wants,
}

impl Statement<'_> {
    fn build(&self, page: Option<&PageQuery>) -> SelectStatement {
        let mut ctes = WithClause::new();
        let faceted = !self.wants.facets.is_empty();
        let mut counts = Query::select();
        let matches = if faceted {
            let own = self.match_set(&mut ctes);
            if self.wants.total {
                counts.expr_as(Expr::cust("COUNT(*)"), Alias::new(TOTAL));
            }
            let parts: Vec<(Facet, String)> = self
                .wants
                .facets
                .iter()
                .map(|facet| {
                    let source = if own.contains(facet) {
                        format!("(SELECT * FROM m0 WHERE f_{} = 1)", facet.tag())
                    } else {
                        "m".to_owned()
                    };
                    (*facet, source)
                })
                .collect();
            counts
                .expr_as(
                    Expr::cust(facets::json_sql(&parts, self.backend)),
                    Alias::new(FACETS),
                )
                .from(Alias::new("m"));
            if self.search.0.is_empty() {
                // Plain column filters: in an indexed order the page stops after its rows,
                // where reading it from `m` would look up and sort every match.
                visible_select(self.actor, self.filter, self.search, self.now, self.backend)
            } else {
                let ids = Query::select()
                    .column(Alias::new("id"))
                    .from(Alias::new("m"))
                    .to_owned();
                vacancy::Entity::find()
                    .filter(Expr::col((vacancy::Entity, vacancy::Column::Id)).in_subquery(ids))
            }
        } else {
            let select =
                visible_select(self.actor, self.filter, self.search, self.now, self.backend);
            let limit = self.wants.bound.saturating_add(1);
            let some = select
                .clone()
                .select_only()
                .expr(Expr::val(1))
                .limit(limit)
                .into_query();
            counts
                .expr_as(Expr::cust("COUNT(*)"), Alias::new(TOTAL))
                .from_subquery(some, Alias::new("c"));
            select
        };
        let Some(page) = page else {
            if faceted {
                counts.with_cte(ctes);
            }
            return counts.to_owned();
        };
        ctes.cte(
            CommonTableExpression::new()
                .query(page.select(matches).into_query())
                .table_name(Alias::new("pg"))
                .to_owned(),
        );
        let mut statement = Query::select();
        if self.wants.total {
            statement.column((Alias::new("a"), Alias::new(TOTAL)));
        }
        if faceted {
            // Once, not on every row of the page: the first one, or the only row of an empty
            // page.
            statement.expr_as(
                Expr::cust(format!(
                    "CASE WHEN pg.id IS NULL OR pg.id = (SELECT MIN(f.id) FROM pg f) \
                     THEN a.{FACETS} END"
                )),
                Alias::new(FACETS),
            );
        }
        statement
            .column((Alias::new("pg"), Asterisk))
            .from_subquery(counts.to_owned(), Alias::new("a"))
            .join(JoinType::LeftJoin, Alias::new("pg"), Expr::cust("1 = 1"));
        for (expr, order) in page.order_of("pg") {
            statement.order_by_expr(expr, order);
        }
        statement.with_cte(ctes).to_owned()
    }

    /// Adds the match set `m` (and `m0` when a facet's own filter is set); returns the facets
    /// counted without their own filter.
    fn match_set(&self, ctes: &mut WithClause) -> Vec<Facet> {
        use vacancy::Column as C;
        let (own_filters, rest) = facets::split(self.filter);
        let no_search = SearchWords::default();
        let own_condition =
            |filter: &VacancyFilter| filter_condition(filter, &no_search, self.now, self.backend);
        let mut base = vacancy::Entity::find()
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
            .filter(visible_to(self.actor))
            .filter(filter_condition(&rest, self.search, self.now, self.backend));
        let own: Vec<(Facet, VacancyFilter)> = self
            .wants
            .facets
            .iter()
            .filter_map(|facet| Some((*facet, facet.without_own(&own_filters)?)))
            .collect();
        let materialised = |name: &str, query: SelectStatement| {
            CommonTableExpression::new()
                .query(query)
                .table_name(Alias::new(name))
                .materialized(true)
                .to_owned()
        };
        if own.is_empty() {
            base = base.filter(own_condition(&own_filters));
            ctes.cte(materialised("m", base.into_query()));
            return Vec::new();
        }
        let flag = |filter: &VacancyFilter| Expr::case(own_condition(filter), 1).finally(0);
        base = base.expr_as(flag(&own_filters), "f_all");
        for (facet, filter) in &own {
            base = base.expr_as(flag(filter), format!("f_{}", facet.tag()).as_str());
        }
        ctes.cte(materialised("m0", base.into_query()));
        ctes.cte(
            CommonTableExpression::new()
                .query(
                    Query::select()
                        .column(Asterisk)
                        .from(Alias::new("m0"))
                        .and_where(Expr::col(Alias::new("f_all")).eq(1))
                        .to_owned(),
                )
                .table_name(Alias::new("m"))
                .to_owned(),
        );
        own.into_iter().map(|(facet, _)| facet).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_past_the_bound_is_a_lower_bound_unless_every_match_was_counted() {
        let exact = |count| Total { count, exact: true };
        assert_eq!(total_of(10, false, 10), exact(10));
        assert_eq!(
            total_of(11, false, 10),
            Total {
                count: 10,
                exact: false
            }
        );
        assert_eq!(total_of(50_000, true, 10), exact(50_000));
    }
}
