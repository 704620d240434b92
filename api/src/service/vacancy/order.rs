//! Orders of the vacancy list, and keyset paging under each of them.
//!
//! A cursor carries the order it was made for, a fingerprint of the search, and the values of
//! the order's sort keys for its item followed by the item's id: the next page starts strictly
//! after that tuple, so no item is skipped or repeated however the keys tie.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use entity::vacancy;
use sea_orm::sea_query::{Alias, Expr, Func, SimpleExpr};
use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, Order,
    QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait, Select, Value,
};
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::service::pagination::{PageArgs, PageRequest, TotalCount};

/// The orders a vacancy list can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VacancyOrder {
    /// Closing soonest first (notices without a deadline last), then by id.
    ClosingSoon,
    /// Most recently published first (drafts by creation), then by id, newest first.
    Newest,
    /// Most search words found in the title or reference first, then closing soonest, then id.
    Relevance,
    /// By title in the notice's authoritative language (accents and case ignored), then id.
    Title,
    /// In creation order (the id): the order of a list that neither searches nor asks.
    Created,
}

impl VacancyOrder {
    fn tag(self) -> &'static str {
        match self {
            Self::ClosingSoon => "CLOSING_SOON",
            Self::Newest => "NEWEST",
            Self::Relevance => "RELEVANCE",
            Self::Title => "TITLE",
            Self::Created => "CREATED",
        }
    }
}

pub use super::search_query::SearchWords;

/// A sort key: an expression over the vacancy row and whether it runs descending.
struct Key {
    expr: SimpleExpr,
    desc: bool,
}

/// The value of one sort key for one row, as a cursor carries it.
#[derive(Debug, Clone, PartialEq)]
enum KeyValue {
    Int(i64),
    Time(DateTime<Utc>),
    Text(String),
}

impl KeyValue {
    fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Int(n) => json!(n),
            // Nanoseconds and all: SQLite keeps what it was given, and equality must hold.
            Self::Time(t) => json!(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Self::Text(s) => json!(s),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Self::Int(n) => Value::BigInt(Some(*n)),
            Self::Time(t) => (*t).into(),
            Self::Text(s) => s.clone().into(),
        }
    }
}

/// Where a deadline-less notice sorts under CLOSING_SOON: after every real deadline.
fn no_deadline() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The deadline, or where a notice without one sorts. A list of open vacancies only holds notices
/// with a deadline (`dated`), and sorts by the bare column, which an index keeps in order.
fn closing_key(dated: bool) -> SimpleExpr {
    if dated {
        return Expr::col((vacancy::Entity, vacancy::Column::ClosingAt)).into();
    }
    Func::coalesce([
        Expr::col((vacancy::Entity, vacancy::Column::ClosingAt)).into(),
        Expr::val(no_deadline()).into(),
    ])
    .into()
}

fn newest_key() -> SimpleExpr {
    Func::coalesce([
        Expr::col((vacancy::Entity, vacancy::Column::PublishedAt)).into(),
        Expr::col((vacancy::Entity, vacancy::Column::CreatedAt)).into(),
    ])
    .into()
}

/// How many of the search's clauses to find (words, phrases, prefix, `OR` groups) the
/// vacancy's title part (titles and reference) holds: an integer, identical on both databases.
/// PostgreSQL matches each clause once through the titles' own GIN index and probes the ids
/// per row (a hashed subplan); SQLite looks the title up by key, per row.
fn relevance_key(search: &SearchWords, backend: DbBackend) -> SimpleExpr {
    if backend == DbBackend::Postgres {
        let queries = search.title_tsqueries();
        let cases = (1..=queries.len())
            .map(|i| {
                format!(
                    "(CASE WHEN \"vacancy\".\"id\" IN (SELECT ts.vacancy_id FROM vacancy_search ts \
                     WHERE to_tsvector('jobboard_search', ts.title) @@ \
                     to_tsquery('jobboard_search', ${i})) THEN 1 ELSE 0 END)"
                )
            })
            .collect::<Vec<_>>()
            .join(" + ");
        return Expr::cust_with_values(format!("CAST({cases} AS BIGINT)"), queries);
    }
    let clauses = search.title_patterns();
    let cases = clauses
        .iter()
        .map(|patterns| {
            let any = vec!["rs.title LIKE ?"; patterns.len()].join(" OR ");
            format!("(CASE WHEN {any} THEN 1 ELSE 0 END)")
        })
        .collect::<Vec<_>>()
        .join(" + ");
    Expr::cust_with_values(
        format!(
            "COALESCE((SELECT CAST({cases} AS BIGINT) FROM vacancy_search rs \
             WHERE rs.vacancy_id = \"vacancy\".\"id\"), 0)"
        ),
        clauses.into_iter().flatten(),
    )
}

/// The folded title; compared byte-wise on both databases, so they agree on the order.
fn title_key(backend: DbBackend) -> SimpleExpr {
    let collate = if backend == DbBackend::Postgres {
        " COLLATE \"C\""
    } else {
        ""
    };
    Expr::cust(format!(
        "COALESCE((SELECT ts.sort_title FROM vacancy_search ts \
         WHERE ts.vacancy_id = \"vacancy\".\"id\"), ''){collate}"
    ))
}

/// The column of the first sort key: the relevance in RELEVANCE order, the title in TITLE
/// order (each read back once, for the cursors, rather than computed again beside it).
const FIRST_KEY: &str = "k0";

/// A vacancy row with the computed sort keys it was read with.
pub(crate) struct KeyedRow {
    pub(crate) model: vacancy::Model,
    relevance: Option<i64>,
    title: Option<String>,
}

impl FromQueryResult for KeyedRow {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            model: vacancy::Model::from_query_result(res, pre)?,
            relevance: res.try_get::<i64>(pre, FIRST_KEY).ok(),
            title: res.try_get::<String>(pre, FIRST_KEY).ok(),
        })
    }
}

/// An order made concrete for one list: its keys (the id comes last, always).
struct Plan {
    order: VacancyOrder,
    search: SearchWords,
    keys: Vec<Key>,
    id_desc: bool,
}

impl Plan {
    fn new(order: VacancyOrder, search: SearchWords, dated: bool, backend: DbBackend) -> Self {
        let asc = |expr| Key { expr, desc: false };
        let (keys, id_desc) = match order {
            VacancyOrder::Created => (vec![], false),
            VacancyOrder::ClosingSoon => (vec![asc(closing_key(dated))], false),
            VacancyOrder::Newest => (
                vec![Key {
                    expr: newest_key(),
                    desc: true,
                }],
                true,
            ),
            VacancyOrder::Relevance if search.0.is_empty() => {
                (vec![asc(closing_key(dated))], false)
            }
            VacancyOrder::Relevance => (
                vec![
                    Key {
                        expr: relevance_key(&search, backend),
                        desc: true,
                    },
                    asc(closing_key(dated)),
                ],
                false,
            ),
            VacancyOrder::Title => (vec![asc(title_key(backend))], false),
        };
        Self {
            order,
            search,
            keys,
            id_desc,
        }
    }

    fn values_of(&self, row: &KeyedRow) -> Vec<KeyValue> {
        let closing = KeyValue::Time(row.model.closing_at.unwrap_or_else(no_deadline));
        match self.order {
            VacancyOrder::Created => vec![],
            VacancyOrder::ClosingSoon => vec![closing],
            VacancyOrder::Newest => vec![KeyValue::Time(
                row.model.published_at.unwrap_or(row.model.created_at),
            )],
            VacancyOrder::Relevance if self.search.0.is_empty() => vec![closing],
            VacancyOrder::Relevance => vec![KeyValue::Int(row.relevance.unwrap_or(0)), closing],
            VacancyOrder::Title => vec![KeyValue::Text(row.title.clone().unwrap_or_default())],
        }
    }

    /// Decodes the key values a cursor carries, as the keys' types expect.
    fn values_from_json(&self, raw: &[serde_json::Value]) -> Option<Vec<KeyValue>> {
        let time = |v: &serde_json::Value| {
            DateTime::parse_from_rfc3339(v.as_str()?)
                .ok()
                .map(|t| KeyValue::Time(t.with_timezone(&Utc)))
        };
        let expected: Vec<fn(&serde_json::Value) -> Option<KeyValue>> = match self.order {
            VacancyOrder::Created => vec![],
            VacancyOrder::ClosingSoon | VacancyOrder::Newest => vec![time],
            VacancyOrder::Relevance if self.search.0.is_empty() => vec![time],
            VacancyOrder::Relevance => vec![|v| v.as_i64().map(KeyValue::Int), time],
            VacancyOrder::Title => vec![|v| v.as_str().map(|s| KeyValue::Text(s.to_owned()))],
        };
        if raw.len() != expected.len() {
            return None;
        }
        raw.iter()
            .zip(expected)
            .map(|(v, parse)| parse(v))
            .collect()
    }

    fn encode(&self, row: &KeyedRow) -> String {
        let keys: Vec<_> = self.values_of(row).iter().map(KeyValue::to_json).collect();
        let payload = json!({
            "v": 1,
            "o": self.order.tag(),
            "s": self.search.fingerprint(),
            "k": keys,
            "i": row.model.id,
        });
        URL_SAFE_NO_PAD.encode(payload.to_string())
    }

    fn decode(&self, field: &str, cursor: &str) -> AppResult<(Vec<KeyValue>, i32)> {
        let not_ours =
            || AppError::bad_input(field, format!("`{field}` is not a cursor from this API"));
        let payload: serde_json::Value = URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(not_ours)?;
        if payload["v"] != 1 {
            return Err(not_ours());
        }
        if payload["o"] != self.order.tag() || payload["s"] != self.search.fingerprint().as_str() {
            return Err(AppError::bad_input(
                field,
                format!(
                    "`{field}` comes from a list in another order or with another search; \
                     start again from the first page"
                ),
            ));
        }
        let id = payload["i"]
            .as_i64()
            .and_then(|i| i32::try_from(i).ok())
            .ok_or_else(not_ours)?;
        let keys = payload["k"]
            .as_array()
            .and_then(|raw| self.values_from_json(raw))
            .ok_or_else(not_ours)?;
        Ok((keys, id))
    }

    /// Rows strictly beyond the cursor's tuple: after it when `after`, else before it.
    fn beyond(&self, values: &[KeyValue], id: i32, after: bool) -> Condition {
        let id_col = Expr::col((vacancy::Entity, vacancy::Column::Id));
        if !self.keys.is_empty() && self.keys.iter().all(|key| key.desc == self.id_desc) {
            // One row comparison: an index on the keys and the id starts the scan right there.
            let mut keys: Vec<SimpleExpr> = self.keys.iter().map(|k| k.expr.clone()).collect();
            keys.push(id_col.into());
            let mut at: Vec<SimpleExpr> = values
                .iter()
                .map(|v| Expr::val(v.to_value()).into())
                .collect();
            at.push(Expr::val(id).into());
            let (keys, at) = (Expr::tuple(keys), Expr::tuple(at));
            return Condition::all().add(if self.id_desc != after {
                keys.gt(at)
            } else {
                keys.lt(at)
            });
        }
        let mut any = Condition::any();
        let mut equal_so_far = Condition::all();
        for (key, value) in self.keys.iter().zip(values) {
            let greater = key.desc != after;
            let value = value.to_value();
            let step = if greater {
                Expr::expr(key.expr.clone()).gt(value.clone())
            } else {
                Expr::expr(key.expr.clone()).lt(value.clone())
            };
            any = any.add(equal_so_far.clone().add(step));
            equal_so_far = equal_so_far.add(Expr::expr(key.expr.clone()).eq(value));
        }
        let id_step = if self.id_desc != after {
            id_col.gt(id)
        } else {
            id_col.lt(id)
        };
        any.add(equal_so_far.add(id_step))
    }

    /// Orders by the key columns `k0`, `k1`, … the select carries (so that PostgreSQL computes
    /// each key once per row, not once for the column and again for the order), then the id.
    fn ordered(
        &self,
        mut select: Select<vacancy::Entity>,
        reverse: bool,
    ) -> Select<vacancy::Entity> {
        let dir = |desc: bool| {
            if desc != reverse {
                Order::Desc
            } else {
                Order::Asc
            }
        };
        for (i, key) in self.keys.iter().enumerate() {
            select = select.order_by(Expr::col(Alias::new(format!("k{i}"))), dir(key.desc));
        }
        select.order_by(vacancy::Column::Id, dir(self.id_desc))
    }
}

/// One page of rows, each with its cursor.
pub struct KeyedPage<M> {
    pub rows: Vec<(String, M)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub total: TotalCount,
}

/// One page's statement, made concrete for an order, a search and the paging arguments, and
/// how its rows read back; [`paginate`] runs it alone, `listing` inside a larger statement.
pub(crate) struct PageQuery {
    plan: Plan,
    size: PageRequest,
    after: Option<(Vec<KeyValue>, i32)>,
    before: Option<(Vec<KeyValue>, i32)>,
}

impl PageQuery {
    /// `dated` says that every row the list selects has a deadline (a list of open vacancies).
    pub(crate) fn new(
        order: VacancyOrder,
        search: SearchWords,
        dated: bool,
        args: &PageArgs,
        backend: DbBackend,
    ) -> AppResult<Self> {
        // Sizes are checked as for every list; the cursors are this order's own.
        let size = PageArgs {
            first: args.first,
            last: args.last,
            after: None,
            before: None,
        }
        .validate()?;
        let plan = Plan::new(order, search, dated, backend);
        let after = args
            .after
            .as_deref()
            .map(|c| plan.decode("after", c))
            .transpose()?;
        let before = args
            .before
            .as_deref()
            .map(|c| plan.decode("before", c))
            .transpose()?;
        Ok(Self {
            plan,
            size,
            after,
            before,
        })
    }

    /// The page's rows of `select` (already filtered): one more than asked, in order, with each
    /// sort key as a column (`k0`, `k1`, …) for [`Self::order_of`].
    pub(crate) fn select(&self, select: Select<vacancy::Entity>) -> Select<vacancy::Entity> {
        let mut query = select;
        if let Some((values, id)) = &self.after {
            query = query.filter(self.plan.beyond(values, *id, true));
        }
        if let Some((values, id)) = &self.before {
            query = query.filter(self.plan.beyond(values, *id, false));
        }
        for (i, key) in self.plan.keys.iter().enumerate() {
            query = query.expr_as(key.expr.clone(), format!("k{i}").as_str());
        }
        self.plan
            .ordered(query, self.size.backward)
            .limit(self.size.limit + 1)
    }

    /// The same order over the rows of [`Self::select`] read from `table`.
    pub(crate) fn order_of(&self, table: &str) -> Vec<(SimpleExpr, Order)> {
        let dir = |desc: bool| {
            if desc != self.size.backward {
                Order::Desc
            } else {
                Order::Asc
            }
        };
        let column = |name: String| -> SimpleExpr {
            Expr::col((Alias::new(table), Alias::new(name))).into()
        };
        let mut order: Vec<(SimpleExpr, Order)> = (0..self.plan.keys.len())
            .map(|i| (column(format!("k{i}")), dir(self.plan.keys[i].desc)))
            .collect();
        order.push((column("id".to_owned()), dir(self.plan.id_desc)));
        order
    }

    /// The page from the rows [`Self::select`] read, in order.
    pub(crate) fn finish(
        &self,
        mut rows: Vec<KeyedRow>,
        total: TotalCount,
    ) -> KeyedPage<vacancy::Model> {
        let more = rows.len() as u64 > self.size.limit;
        rows.truncate(self.size.limit as usize);
        if self.size.backward {
            rows.reverse();
        }
        KeyedPage {
            rows: rows
                .into_iter()
                .map(|row| (self.plan.encode(&row), row.model))
                .collect(),
            has_previous_page: if self.size.backward {
                more
            } else {
                self.after.is_some()
            },
            has_next_page: if self.size.backward {
                self.before.is_some()
            } else {
                more
            },
            total,
        }
    }
}

/// Reads one page of `select` (already filtered) in `order`; `dated` says that every row it
/// selects has a deadline (a list of open vacancies).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn paginate(
    db: &DatabaseConnection,
    select: Select<vacancy::Entity>,
    order: VacancyOrder,
    search: SearchWords,
    dated: bool,
    args: PageArgs,
) -> AppResult<KeyedPage<vacancy::Model>> {
    let query = PageQuery::new(order, search, dated, &args, db.get_database_backend())?;
    let total = TotalCount::new(db.clone(), select.clone().into_query());
    let rows: Vec<KeyedRow> = query.select(select).into_model().all(db).await?;
    Ok(query.finish(rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> SearchWords {
        crate::service::vacancy::search_query::parse(&w.join(" "), 12).unwrap()
    }

    #[test]
    fn cursors_belong_to_their_order_and_search() {
        let plan = Plan::new(VacancyOrder::Title, words(&["a"]), false, DbBackend::Sqlite);
        let row = KeyedRow {
            model: vacancy::Model {
                id: 7,
                ..test_model()
            },
            relevance: None,
            title: Some("data analyst".into()),
        };
        let cursor = plan.encode(&row);
        assert_eq!(
            plan.decode("after", &cursor).unwrap(),
            (vec![KeyValue::Text("data analyst".into())], 7)
        );
        let other_order = Plan::new(
            VacancyOrder::Newest,
            words(&["a"]),
            false,
            DbBackend::Sqlite,
        );
        assert_eq!(
            other_order.decode("after", &cursor).unwrap_err().code(),
            "BAD_USER_INPUT"
        );
        let other_search = Plan::new(VacancyOrder::Title, words(&["b"]), false, DbBackend::Sqlite);
        assert!(other_search.decode("after", &cursor).is_err());
        assert!(plan.decode("after", "garbage").is_err());
    }

    fn test_model() -> vacancy::Model {
        let now = Utc::now();
        vacancy::Model {
            id: 1,
            organisation_id: 1,
            project_id: None,
            reference: "R".into(),
            external_job_id: None,
            unit: None,
            authoritative_language: "en".into(),
            grade: None,
            grade_category: None,
            contract_type: None,
            duration_months: None,
            renewable: None,
            positions: 1,
            open_to_internal: true,
            open_to_external: true,
            internal_first: false,
            residency: "NONE".into(),
            nationality_rule: "NONE".into(),
            nationality_countries: None,
            is_sample: false,
            time_zone: "UTC".into(),
            published_at: None,
            closing_at: None,
            start_on: None,
            start_asap: false,
            apply_email: None,
            apply_url: None,
            apply_email_subject: None,
            working_language: None,
            job_family: None,
            department: None,
            accommodation_contact: None,
            stated_publication_date: None,
            status: "DRAFT".into(),
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}
