//! Rows of several tables in one statement: each table is a branch of a `UNION ALL` that
//! returns its rows as JSON objects, decoded back into the entities' models. A page and
//! everything it shows then cost the database two round trips, whatever the page's size.
//!
//! The parents are one parameter (an array), so the statement's text depends only on which
//! tables are asked for, never on how many parents: the driver's prepared statement is reused.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use sea_orm::sea_query::ColumnType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, IdenStatic, Iterable, Statement,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A statement being built: named id sets (`WITH`) and one branch per table.
pub struct Related {
    backend: DbBackend,
    sets: Vec<String>,
    branches: Vec<String>,
    /// How many columns go in one JSON object (a function's arguments are bounded).
    columns_per_object: usize,
}

impl Related {
    /// A statement whose id set `ids` holds the ids passed to [`Related::run`].
    pub fn new(backend: DbBackend) -> Self {
        let ids = match backend {
            DbBackend::Postgres => "ids(id) AS (SELECT unnest(CAST($1 AS integer[])))",
            _ => "ids(id) AS (SELECT CAST(value AS INTEGER) FROM json_each(?))",
        };
        Self {
            backend,
            sets: vec![ids.to_owned()],
            branches: Vec::new(),
            columns_per_object: 40,
        }
    }

    /// Names a set of ids, `name(id)`, selected by `query` (which may use the sets before it,
    /// through [`Related::within`]).
    pub fn set(&mut self, name: &str, query: &str) {
        self.sets.push(format!("{name}(id) AS ({query})"));
    }

    /// The condition that a column is in the set `set`: on PostgreSQL an array, evaluated once,
    /// so that the column's index is used (a semi-join on the set scans the whole table).
    pub fn within(&self, set: &str) -> String {
        match self.backend {
            DbBackend::Postgres => format!("= ANY(ARRAY(SELECT id FROM {set}))"),
            _ => format!("IN (SELECT id FROM {set})"),
        }
    }

    /// Adds every row of `E` whose `key` is in the set `set`, in `order` within a key.
    pub fn rows<E: EntityTrait>(&mut self, key: E::Column, order: E::Column, set: &str) {
        let table = E::default().table_name().to_owned();
        let fields: Vec<String> = E::Column::iter()
            .map(|column| {
                let name = column.as_str();
                let value = self.json_value(name, column.def().get_column_type());
                format!("'{name}', {value}")
            })
            .collect();
        // A function takes at most 100 arguments on PostgreSQL, 127 on SQLite: a wide table's
        // row comes as an array of objects, merged when decoded.
        let (object, array) = match self.backend {
            DbBackend::Postgres => ("json_build_object", "json_build_array"),
            _ => ("json_object", "json_array"),
        };
        let parts: Vec<String> = fields
            .chunks(self.columns_per_object)
            .map(|part| format!("{object}({})", part.join(", ")))
            .collect();
        let object = match parts.as_slice() {
            [one] => one.clone(),
            _ => format!("{array}({})", parts.join(", ")),
        };
        let object = match self.backend {
            DbBackend::Postgres => format!("CAST({object} AS text)"),
            _ => object,
        };
        let (key, order, within) = (key.as_str(), order.as_str(), self.within(set));
        self.branches.push(format!(
            "SELECT '{table}' AS k, \"{key}\" AS p, \"{order}\" AS o, {object} AS j \
             FROM \"{table}\" WHERE \"{key}\" {within}"
        ));
    }

    /// A column as a JSON value that decodes into its model's field on either database.
    fn json_value(&self, name: &str, column_type: &ColumnType) -> String {
        let column = format!("\"{name}\"");
        match (self.backend, column_type) {
            (DbBackend::Postgres, _) => column,
            // SQLite keeps JSON as text and booleans as 0 or 1.
            (_, ColumnType::Json | ColumnType::JsonBinary) => format!("json({column})"),
            (_, ColumnType::Boolean) => format!(
                "json(CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' \
                 ELSE 'false' END)"
            ),
            _ => column,
        }
    }

    /// Runs the statement for `ids`: one round trip.
    pub async fn run(self, db: &impl ConnectionTrait, ids: &[i32]) -> Result<RelatedRows, DbErr> {
        if self.branches.is_empty() {
            return Ok(RelatedRows::default());
        }
        let list: Vec<String> = ids.iter().map(i32::to_string).collect();
        let ids = match self.backend {
            DbBackend::Postgres => format!("{{{}}}", list.join(",")),
            _ => format!("[{}]", list.join(",")),
        };
        let sql = format!(
            "WITH {} {} ORDER BY 1, 2, 3",
            self.sets.join(", "),
            self.branches.join(" UNION ALL ")
        );
        let results = db
            .query_all(Statement::from_sql_and_values(
                self.backend,
                sql,
                [ids.into()],
            ))
            .await?;
        let mut rows = RelatedRows {
            backend: self.backend,
            tables: HashMap::new(),
        };
        for result in results {
            let table: String = result.try_get_by_index(0)?;
            let key: i32 = result.try_get_by_index(1)?;
            let json: String = result.try_get_by_index(3)?;
            rows.tables.entry(table).or_default().push((key, json));
        }
        Ok(rows)
    }
}

/// The rows a [`Related`] statement returned, by table, still as JSON.
pub struct RelatedRows {
    backend: DbBackend,
    tables: HashMap<String, Vec<(i32, String)>>,
}

impl Default for RelatedRows {
    fn default() -> Self {
        Self {
            backend: DbBackend::Sqlite,
            tables: HashMap::new(),
        }
    }
}

impl RelatedRows {
    /// The rows of `E`, each with its key, in order.
    pub fn take<E>(&mut self) -> Result<Vec<(i32, E::Model)>, DbErr>
    where
        E: EntityTrait,
        E::Model: DeserializeOwned,
    {
        let Some(rows) = self.tables.remove(E::default().table_name()) else {
            return Ok(Vec::new());
        };
        let timestamps: Vec<String> = match self.backend {
            DbBackend::Postgres => Vec::new(),
            _ => E::Column::iter()
                .filter(|c| {
                    matches!(
                        c.def().get_column_type(),
                        ColumnType::TimestampWithTimeZone
                            | ColumnType::Timestamp
                            | ColumnType::DateTime
                    )
                })
                .map(|c| c.as_str().to_owned())
                .collect(),
        };
        rows.into_iter()
            .map(|(key, json)| {
                let mut object = match serde_json::from_str(&json) {
                    Ok(Value::Object(object)) => object,
                    Ok(Value::Array(parts)) => merge(parts),
                    Ok(other) => return Err(DbErr::Json(format!("not a row: {other}"))),
                    Err(e) => return Err(DbErr::Json(e.to_string())),
                };
                for name in &timestamps {
                    if let Some(Value::String(text)) = object.get_mut(name) {
                        *text = rfc3339(text)?;
                    }
                }
                let model = serde_json::from_value(Value::Object(object))
                    .map_err(|e| DbErr::Json(e.to_string()))?;
                Ok((key, model))
            })
            .collect()
    }
}

/// The parts of a wide row, as one object.
fn merge(parts: Vec<Value>) -> Map<String, Value> {
    let mut object = Map::new();
    for part in parts {
        if let Value::Object(part) = part {
            object.extend(part);
        }
    }
    object
}

/// A timestamp as SQLite keeps it (RFC 3339, or one of the forms the driver reads) in RFC 3339.
fn rfc3339(text: &str) -> Result<String, DbErr> {
    const FORMATS: [&str; 12] = [
        "%F %T%.f",
        "%F %R",
        "%F %RZ",
        "%F %R%:z",
        "%F %T%.fZ",
        "%F %T%.f%:z",
        "%FT%R",
        "%FT%RZ",
        "%FT%R%:z",
        "%FT%T%.f",
        "%FT%T%.fZ",
        "%FT%T%.f%:z",
    ];
    let parsed = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            FORMATS.iter().find_map(|format| {
                DateTime::parse_from_str(text, format)
                    .map(|t| t.with_timezone(&Utc))
                    .or_else(|_| NaiveDateTime::parse_from_str(text, format).map(|t| t.and_utc()))
                    .ok()
            })
        })
        .ok_or_else(|| DbErr::Json(format!("not a timestamp: {text}")))?;
    Ok(parsed.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::organisation;
    use migration::MigratorTrait;
    use sea_orm::{ActiveModelTrait, Database, Set};

    /// A row read as JSON is the row sea-orm reads, booleans, JSON and timestamps included, and
    /// so is a wide row read in parts.
    #[tokio::test]
    async fn rows_read_as_json_are_the_rows_the_orm_reads() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        migration::Migrator::up(&db, None).await.unwrap();
        let now = Utc::now();
        let row = organisation::ActiveModel {
            acronym: Set("TST".into()),
            name_en: Set("Test".into()),
            name_fr: Set("Essai".into()),
            kind: Set("NGO".into()),
            founded_year: Set(None),
            announced_statuses: Set("[]".into()),
            translations: Set(Some(serde_json::json!({ "ar": { "name": "اختبار" } }))),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        for columns_per_object in [40, 3] {
            let mut related = Related::new(DbBackend::Sqlite);
            related.columns_per_object = columns_per_object;
            related.rows::<organisation::Entity>(
                organisation::Column::Id,
                organisation::Column::Id,
                "ids",
            );
            let mut rows = related.run(&db, &[row.id, row.id + 1]).await.unwrap();
            let read = rows.take::<organisation::Entity>().unwrap();
            assert_eq!(read, vec![(row.id, row.clone())], "{columns_per_object}");
        }
    }

    #[test]
    fn sqlite_timestamps_read_as_rfc3339() {
        for (text, expected) in [
            (
                "2024-03-01T10:20:30.123456+00:00",
                "2024-03-01T10:20:30.123456Z",
            ),
            ("2024-03-01 10:20:30", "2024-03-01T10:20:30Z"),
            ("2024-03-01 10:20:30.5+01:00", "2024-03-01T09:20:30.500Z"),
            ("2024-03-01T10:20Z", "2024-03-01T10:20:00Z"),
        ] {
            assert_eq!(rfc3339(text).unwrap(), expected, "{text}");
        }
        assert!(rfc3339("yesterday").is_err());
    }
}
