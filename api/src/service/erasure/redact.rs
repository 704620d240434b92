//! Taking a person out of the audit trail: the rows stay (something happened, by whom, when),
//! their personal values do not.

use entity::audit_event;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

use crate::error::AppResult;

/// What a redacted value reads.
pub const ERASED: &str = "[erased]";

/// Every value of `changes` replaced, its keys kept: the trail still says which fields changed.
pub(super) fn redact_all(changes: &Value) -> Value {
    match changes {
        Value::Null => Value::Null,
        Value::Object(fields) => Value::Object(
            fields
                .keys()
                .map(|key| (key.clone(), Value::String(ERASED.to_owned())))
                .collect(),
        ),
        _ => Value::String(ERASED.to_owned()),
    }
}

/// Every string that contains `email` (in lower case) replaced, wherever it is in `changes`.
pub(super) fn redact_mentions(changes: &Value, email: &str) -> Value {
    match changes {
        Value::String(text) if text.to_lowercase().contains(email) => {
            Value::String(ERASED.to_owned())
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| redact_mentions(item, email))
                .collect(),
        ),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), redact_mentions(value, email)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Redacts the audit rows about account `account_id` entirely, and the values that name
/// `email` in any other row. Returns how many rows changed.
pub(super) async fn redact_audit(
    conn: &impl ConnectionTrait,
    account_id: i32,
    email: &str,
) -> AppResult<u64> {
    use audit_event::Column as C;

    let email = email.to_lowercase();
    let about = audit_event::Entity::find()
        .filter(C::EntityType.eq("account"))
        .filter(C::EntityId.eq(account_id))
        .all(conn)
        .await?;
    // LIKE narrows the rows (its `_` matches more than itself); the check in Rust is exact.
    let mentioning = audit_event::Entity::find()
        .filter(
            Expr::expr(Expr::cust("CAST(\"audit_event\".\"changes\" AS TEXT)"))
                .like(format!("%{email}%")),
        )
        .all(conn)
        .await?;
    let mut changed = 0;
    for row in about.into_iter().chain(mentioning) {
        let Some(changes) = row.changes.clone() else {
            continue;
        };
        let redacted = if row.entity_type == "account" && row.entity_id == account_id {
            redact_all(&changes)
        } else {
            redact_mentions(&changes, &email)
        };
        if redacted == changes {
            continue;
        }
        let mut active: audit_event::ActiveModel = row.into();
        active.changes = Set(Some(redacted));
        active.update(conn).await?;
        changed += 1;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn rows_about_the_person_keep_their_keys_only() {
        let changes =
            json!({ "email": "amina@example.org", "fullName": "Amina", "role": "CANDIDATE" });
        assert_eq!(
            redact_all(&changes),
            json!({ "email": ERASED, "fullName": ERASED, "role": ERASED })
        );
        assert_eq!(redact_all(&Value::Null), Value::Null);
        assert_eq!(redact_all(&json!("amina")), json!(ERASED));
    }

    #[test]
    fn other_rows_lose_only_the_values_naming_the_address() {
        let changes = json!({
            "email": "Amina@Example.org",
            "note": "invited amina@example.org again",
            "role": "RECRUITER",
            "list": ["x", "amina@example.org"],
            "count": 2
        });
        assert_eq!(
            redact_mentions(&changes, "amina@example.org"),
            json!({
                "email": ERASED,
                "note": ERASED,
                "role": "RECRUITER",
                "list": ["x", ERASED],
                "count": 2
            })
        );
        let unrelated = json!({ "email": "aminaXexample.org" });
        assert_eq!(redact_mentions(&unrelated, "amina_example.org"), unrelated);
    }
}
