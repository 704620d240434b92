//! Cursor pagination over a stable key (the row id), and lazy total counts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sea_orm::sea_query::{Alias, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Value,
};

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// Relay's paging arguments, as received.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// Validated paging: how many rows, between which keys, in which direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u64,
    pub after: Option<i32>,
    pub before: Option<i32>,
    pub backward: bool,
}

impl PageArgs {
    pub fn validate(&self) -> AppResult<PageRequest> {
        if self.first.is_some() && self.last.is_some() {
            return Err(AppError::bad_input(
                "last",
                "pass either `first` or `last`, not both",
            ));
        }
        let size = |name: &str, value: i32| {
            if (1..=MAX_PAGE_SIZE).contains(&value) {
                Ok(value as u64)
            } else {
                Err(AppError::bad_input(
                    name,
                    format!("`{name}` must be between 1 and {MAX_PAGE_SIZE}, got {value}"),
                ))
            }
        };
        let (limit, backward) = match (self.first, self.last) {
            (_, Some(last)) => (size("last", last)?, true),
            (Some(first), None) => (size("first", first)?, false),
            (None, None) => (DEFAULT_PAGE_SIZE as u64, false),
        };
        Ok(PageRequest {
            limit,
            after: self
                .after
                .as_deref()
                .map(|c| decode_cursor("after", c))
                .transpose()?,
            before: self
                .before
                .as_deref()
                .map(|c| decode_cursor("before", c))
                .transpose()?,
            backward,
        })
    }
}

pub fn encode_cursor(id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("k:{id}"))
}

fn decode_cursor(field: &str, cursor: &str) -> AppResult<i32> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("k:")?.parse().ok())
        .ok_or_else(|| {
            AppError::bad_input(field, format!("`{field}` is not a cursor from this API"))
        })
}

/// One page of rows, with what a Relay connection needs to know about its neighbours.
pub struct Page<M> {
    pub rows: Vec<(i32, M)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub total: TotalCount,
}

/// Counts the rows of the whole (unpaged) selection when asked, not before.
#[derive(Clone)]
pub struct TotalCount {
    db: DatabaseConnection,
    query: SelectStatement,
    /// What a cached count is keyed by, when not `query` itself.
    key_query: Option<SelectStatement>,
    /// Whether it counts catalogue rows, which only catalogue writes change (`crate::cache::writes`).
    catalogue: bool,
}

impl TotalCount {
    /// Counts the rows `query` selects, when asked.
    pub fn new(db: DatabaseConnection, query: SelectStatement) -> Self {
        Self {
            db,
            query,
            key_query: None,
            catalogue: false,
        }
    }

    /// Marks a count of catalogue rows (vacancies): other writes leave it as it is.
    pub fn of_catalogue(self) -> Self {
        Self {
            catalogue: true,
            ..self
        }
    }

    pub fn is_of_catalogue(&self) -> bool {
        self.catalogue
    }

    /// Keys the count by `query` instead: the same selection with the values a reused count may
    /// ignore (the clock) fixed.
    pub fn keyed_by(self, query: SelectStatement) -> Self {
        Self {
            key_query: Some(query),
            ..self
        }
    }

    fn statement(&self, query: &SelectStatement) -> sea_orm::Statement {
        let stmt = Query::select()
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .from_subquery(query.clone(), Alias::new("q"))
            .to_owned();
        self.db.get_database_backend().build(&stmt)
    }

    /// The counting statement with its values: equal keys count the same rows.
    pub fn key(&self) -> String {
        self.statement(self.key_query.as_ref().unwrap_or(&self.query))
            .to_string()
    }

    pub async fn get(&self) -> AppResult<i64> {
        let row = self.db.query_one(self.statement(&self.query)).await?;
        Ok(row
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0))
    }
}

/// Reads an integer key column of a row.
pub fn int_key<M: ModelTrait>(model: &M, col: <M::Entity as EntityTrait>::Column) -> Option<i32> {
    match model.get(col) {
        Value::Int(Some(v)) => Some(v),
        _ => None,
    }
}

/// Reads one page of an ordered query: one row more than asked, to know whether more follow.
async fn fetch_page<E>(
    db: &DatabaseConnection,
    query: Select<E>,
    id: E::Column,
    page: PageRequest,
    total: TotalCount,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let mut models = query.limit(page.limit + 1).all(db).await?;
    let more = models.len() as u64 > page.limit;
    models.truncate(page.limit as usize);
    if page.backward {
        models.reverse();
    }
    let rows = models
        .into_iter()
        .filter_map(|m| int_key(&m, id).map(|k| (k, m)))
        .collect();
    Ok(Page {
        rows,
        has_previous_page: if page.backward {
            more
        } else {
            page.after.is_some()
        },
        has_next_page: if page.backward {
            page.before.is_some()
        } else {
            more
        },
        total,
    })
}

/// Runs `select` for one page, keyed and ordered by `id`, oldest first.
pub async fn paginate<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    id: E::Column,
    page: PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    paginate_by_id(db, select, id, page, false).await
}

/// Runs `select` for one page, keyed and ordered by `id`, newest first.
pub async fn paginate_newest_first<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    id: E::Column,
    page: PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    paginate_by_id(db, select, id, page, true).await
}

async fn paginate_by_id<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    id: E::Column,
    page: PageRequest,
    newest_first: bool,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let total = TotalCount::new(db.clone(), select.clone().into_query());
    let mut query = select;
    if let Some(after) = page.after {
        query = query.filter(if newest_first {
            id.lt(after)
        } else {
            id.gt(after)
        });
    }
    if let Some(before) = page.before {
        query = query.filter(if newest_first {
            id.gt(before)
        } else {
            id.lt(before)
        });
    }
    // Reading backwards is reading the list in the opposite order, then reversing the page.
    query = if page.backward != newest_first {
        query.order_by_desc(id)
    } else {
        query.order_by_asc(id)
    };
    fetch_page(db, query, id, page, total).await
}

/// Runs `select` for one page ordered by a yes/no `flag` (yes first, no and unknown after),
/// then by `id`; cursors stay stable because `(flag, id)` orders every row.
pub async fn paginate_flag_first<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    flag: E::Column,
    id: E::Column,
    page: PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let total = TotalCount::new(db.clone(), select.clone().into_query());
    let flag_of = |model: &E::Model| matches!(model.get(flag), Value::Bool(Some(true)));
    let key: SimpleExpr = Func::coalesce([Expr::col(flag).into(), Expr::val(false).into()]).into();
    let cursor_flag = |cursor: i32| {
        let select = select.clone();
        async move {
            let row = select.filter(id.eq(cursor)).one(db).await?;
            row.map(|m| flag_of(&m)).ok_or_else(|| {
                AppError::bad_input("after", "the cursor's item is gone; start again")
            })
        }
    };
    let mut query = select.clone();
    if let Some(after) = page.after {
        let f = cursor_flag(after).await?;
        query = query.filter(
            Condition::any().add(Expr::expr(key.clone()).lt(f)).add(
                Condition::all()
                    .add(Expr::expr(key.clone()).eq(f))
                    .add(id.gt(after)),
            ),
        );
    }
    if let Some(before) = page.before {
        let f = cursor_flag(before).await?;
        query = query.filter(
            Condition::any().add(Expr::expr(key.clone()).gt(f)).add(
                Condition::all()
                    .add(Expr::expr(key.clone()).eq(f))
                    .add(id.lt(before)),
            ),
        );
    }
    query = if page.backward {
        query.order_by(key, Order::Asc).order_by_desc(id)
    } else {
        query.order_by(key, Order::Desc).order_by_asc(id)
    };
    fetch_page(db, query, id, page, total).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_bounded() {
        let args = |first, last| PageArgs {
            first,
            last,
            ..Default::default()
        };
        assert_eq!(args(None, None).validate().unwrap().limit, 20);
        assert_eq!(args(Some(100), None).validate().unwrap().limit, 100);
        assert!(args(Some(101), None).validate().is_err());
        assert!(args(Some(0), None).validate().is_err());
        assert!(args(None, Some(-1)).validate().is_err());
        assert!(args(Some(5), Some(5)).validate().is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let args = PageArgs {
            after: Some(encode_cursor(42)),
            ..Default::default()
        };
        assert_eq!(args.validate().unwrap().after, Some(42));
        let bad = PageArgs {
            after: Some("nope".into()),
            ..Default::default()
        };
        assert_eq!(bad.validate().unwrap_err().code(), "BAD_USER_INPUT");
    }
}
