//! Saved searches kept their filter in the shape of the GraphQL `VacancyFilterInput` (global
//! IDs, `organisation`, `project`, `status`). They now keep the service's `VacancyFilter`
//! (row ids, `organisationAcronym`, `projectCode`, `statuses`), so that renaming a GraphQL field
//! can never break a stored search. `up` converts every stored row, `down` converts it back.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Map, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A filter's fields, in either shape.
type Fields = Map<String, Value>;

/// Keys whose name differs between the two shapes: (GraphQL input, service filter).
const RENAMED: [(&str, &str); 3] = [
    ("organisation", "organisationAcronym"),
    ("project", "projectCode"),
    ("status", "statuses"),
];

/// Keys holding a row id in the service shape and a global ID of this kind in the input shape.
const IDS: [(&str, &str); 2] = [("organisationId", "Organisation"), ("projectId", "Project")];

fn bad(id: i32, what: &str) -> DbErr {
    DbErr::Migration(format!("saved search {id}: {what}"))
}

fn to_service(id: i32, input: Fields) -> Result<Fields, DbErr> {
    let mut out = Fields::new();
    for (key, value) in input {
        if matches!(value, Value::Null) {
            continue;
        }
        let value = match IDS.iter().find(|(k, _)| *k == key) {
            Some((_, kind)) => {
                let global = value.as_str().ok_or_else(|| bad(id, "an ID is not text"))?;
                let text = URL_SAFE_NO_PAD
                    .decode(global)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| bad(id, "an ID does not decode"))?;
                let row = text
                    .strip_prefix(&format!("{kind}:"))
                    .and_then(|raw| raw.parse::<i32>().ok())
                    .ok_or_else(|| bad(id, "an ID is of another kind"))?;
                Value::from(row)
            }
            None if key == "country" => Value::from(
                value
                    .as_str()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_uppercase(),
            ),
            None if key == "openOnly" && value == Value::Bool(false) => continue,
            None => value,
        };
        let key = RENAMED
            .iter()
            .find(|(from, _)| *from == key)
            .map_or(key.clone(), |(_, to)| (*to).to_owned());
        out.insert(key, value);
    }
    Ok(out)
}

fn to_input(id: i32, service: Fields) -> Result<Fields, DbErr> {
    let mut out = Fields::new();
    for (key, value) in service {
        let value = match IDS.iter().find(|(k, _)| *k == key) {
            Some((_, kind)) => {
                let row = value
                    .as_i64()
                    .ok_or_else(|| bad(id, "an id is not a number"))?;
                Value::from(URL_SAFE_NO_PAD.encode(format!("{kind}:{row}")))
            }
            None => value,
        };
        let key = RENAMED
            .iter()
            .find(|(_, to)| *to == key)
            .map_or(key.clone(), |(from, _)| (*from).to_owned());
        out.insert(key, value);
    }
    Ok(out)
}

async fn convert(
    manager: &SchemaManager<'_>,
    change: fn(i32, Fields) -> Result<Fields, DbErr>,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all(Statement::from_string(
            backend,
            "SELECT id, CAST(filter AS TEXT) AS filter FROM saved_search ORDER BY id",
        ))
        .await?;
    let update = match backend {
        DbBackend::Postgres => "UPDATE saved_search SET filter = CAST($1 AS json) WHERE id = $2",
        _ => "UPDATE saved_search SET filter = ? WHERE id = ?",
    };
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        let text: String = row.try_get("", "filter")?;
        let Ok(Value::Object(fields)) = serde_json::from_str(&text) else {
            return Err(bad(id, "the filter is not a JSON object"));
        };
        let converted = Value::Object(change(id, fields)?).to_string();
        db.execute(Statement::from_sql_and_values(
            backend,
            update,
            [converted.into(), id.into()],
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        convert(manager, to_service).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        convert(manager, to_input).await
    }
}
