//! The competency catalogue: everyone reads it; an organisation's admins edit its framework and
//! platform admins the global competencies.

use chrono::Utc;
use entity::{competency, competency_indicator};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{json, Value};

use crate::auth::Actor;
use crate::domain::names::Translation;
use crate::domain::{CompetencyKind, LanguageCode};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::audit::{self, AuditEntry};
use crate::service::fields::{
    bilingual_changes, optional_text, required_text, translations, ChangeSet, MAX_LINE, MAX_TEXT,
};
use crate::service::pagination::{paginate, Page, PageRequest};

/// Longest competency code the database holds.
const MAX_CODE: usize = 64;

/// Narrows the catalogue; fields combine with AND.
#[derive(Debug, Clone, Default)]
pub struct CompetencyFilter {
    /// This organisation's framework.
    pub organisation_id: Option<i32>,
    /// Only competencies of no organisation.
    pub global_only: bool,
    pub kind: Option<CompetencyKind>,
}

#[tracing::instrument(level = "debug", skip(_actor, db))]
pub async fn list(
    _actor: &Actor,
    db: &DatabaseConnection,
    filter: &CompetencyFilter,
    page: PageRequest,
) -> AppResult<Page<competency::Model>> {
    let mut select = competency::Entity::find();
    if let Some(org) = filter.organisation_id {
        select = select.filter(competency::Column::OrganisationId.eq(org));
    }
    if filter.global_only {
        select = select.filter(competency::Column::OrganisationId.is_null());
    }
    if let Some(kind) = filter.kind {
        select = select.filter(competency::Column::Kind.eq(kind.as_str()));
    }
    paginate(db, select, competency::Column::Id, page).await
}

#[tracing::instrument(level = "debug", skip(_actor, db))]
pub async fn get(_actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<competency::Model> {
    competency::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("competency"))
}

// ---------------------------------------------------------------------------------------------
// Writes.

/// A behavioural indicator, at a level 1–3 when the framework gives one.
#[derive(Debug, Clone)]
pub struct IndicatorInput {
    pub level: Option<i32>,
    pub language: LanguageCode,
    pub text: String,
}

/// A new competency, as received (codes already parsed). No organisation: a global one.
#[derive(Debug, Clone)]
pub struct NewCompetency {
    pub organisation_id: Option<i32>,
    pub code: String,
    pub kind: CompetencyKind,
    pub name_en: String,
    pub name_fr: String,
    pub description_en: Option<String>,
    pub description_fr: Option<String>,
    /// Names and descriptions in languages other than English and French.
    pub translations: Vec<Translation>,
    pub indicators: Vec<IndicatorInput>,
}

/// Changes to a competency: `None` leaves a field as it is; `Some(None)` clears an optional
/// field; indicators given replace the stored ones.
#[derive(Debug, Clone, Default)]
pub struct CompetencyChanges {
    pub code: Option<String>,
    pub kind: Option<CompetencyKind>,
    pub name_en: Option<String>,
    pub name_fr: Option<String>,
    pub description_en: Option<Option<String>>,
    pub description_fr: Option<Option<String>>,
    /// Names and descriptions in other languages, replacing the stored ones.
    pub translations: Option<Vec<Translation>>,
    pub indicators: Option<Vec<IndicatorInput>>,
}

/// Codes are upper case letters, digits, `_` and `-` (`TEAMWORK`, `TEAMWORK_2019`).
fn code(value: &str) -> AppResult<String> {
    let code = required_text("input.code", value, MAX_CODE)?.to_uppercase();
    if code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Ok(code)
    } else {
        Err(AppError::bad_input(
            "input.code",
            "`code` may hold only letters, digits, `_` and `-` (like TEAMWORK_2019)",
        ))
    }
}

/// An indicator as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Indicator {
    level: Option<i32>,
    language: String,
    text: String,
}

fn indicators(input: &[IndicatorInput]) -> AppResult<Vec<Indicator>> {
    input
        .iter()
        .enumerate()
        .map(|(i, indicator)| {
            if indicator.level.is_some_and(|l| !(1..=3).contains(&l)) {
                return Err(AppError::bad_input(
                    format!("input.indicators[{i}].level"),
                    "an indicator's `level` is 1, 2 or 3",
                ));
            }
            Ok(Indicator {
                level: indicator.level,
                language: indicator.language.as_str().to_owned(),
                text: required_text(
                    &format!("input.indicators[{i}].text"),
                    &indicator.text,
                    MAX_TEXT,
                )?,
            })
        })
        .collect()
}

fn indicators_json(indicators: &[Indicator]) -> Value {
    Value::Array(
        indicators
            .iter()
            .map(|i| json!({ "level": i.level, "language": i.language, "text": i.text }))
            .collect(),
    )
}

/// Refuses a code the framework already holds, with a clear message (the unique indexes, one
/// for global codes, keep two racing requests from both succeeding).
async fn ensure_code_free(
    db: &impl ConnectionTrait,
    organisation_id: Option<i32>,
    code: &str,
    except: Option<i32>,
) -> AppResult<()> {
    let mut same = competency::Entity::find().filter(competency::Column::Code.eq(code));
    same = match organisation_id {
        Some(org) => same.filter(competency::Column::OrganisationId.eq(org)),
        None => same.filter(competency::Column::OrganisationId.is_null()),
    };
    if let Some(id) = except {
        same = same.filter(competency::Column::Id.ne(id));
    }
    match same.one(db).await? {
        Some(_) => Err(AppError::Conflict(format!(
            "this framework already has a competency {code}"
        ))),
        None => Ok(()),
    }
}

async fn insert_indicators(
    db: &impl ConnectionTrait,
    competency_id: i32,
    indicators: &[Indicator],
) -> AppResult<()> {
    for (order, indicator) in indicators.iter().enumerate() {
        competency_indicator::ActiveModel {
            competency_id: Set(competency_id),
            level: Set(indicator.level),
            language: Set(indicator.language.clone()),
            text: Set(indicator.text.clone()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Adds a competency to an organisation's framework (its admins) or to the global catalogue
/// (platform admins).
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    input: NewCompetency,
) -> AppResult<competency::Model> {
    policy::administer_owner(actor, input.organisation_id)?;
    let code = code(&input.code)?;
    let name_en = required_text("input.nameEn", &input.name_en, MAX_LINE)?;
    let name_fr = required_text("input.nameFr", &input.name_fr, MAX_LINE)?;
    let description_en = optional_text(
        "input.descriptionEn",
        input.description_en.as_deref(),
        MAX_TEXT,
    )?;
    let description_fr = optional_text(
        "input.descriptionFr",
        input.description_fr.as_deref(),
        MAX_TEXT,
    )?;
    let translations = translations(&input.translations)?;
    let indicators = indicators(&input.indicators)?;

    let txn = crate::db::begin_write(db).await?;
    if let Some(org) = input.organisation_id {
        if entity::organisation::Entity::find_by_id(org)
            .one(&txn)
            .await?
            .is_none()
        {
            return Err(AppError::bad_input(
                "input.organisationId",
                "`input.organisationId` is not an organisation",
            ));
        }
    }
    ensure_code_free(&txn, input.organisation_id, &code, None).await?;
    let now = Utc::now();
    let row = competency::ActiveModel {
        organisation_id: Set(input.organisation_id),
        code: Set(code.clone()),
        kind: Set(input.kind.as_str().to_owned()),
        name_en: Set(name_en.clone()),
        name_fr: Set(name_fr.clone()),
        description_en: Set(description_en.clone()),
        description_fr: Set(description_fr.clone()),
        translations: Set(translations.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    insert_indicators(&txn, row.id, &indicators).await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: row.organisation_id,
            entity_type: "competency",
            entity_id: row.id,
            action: "create",
            changes: json!({
                "code": code,
                "kind": input.kind.as_str(),
                "nameEn": name_en,
                "nameFr": name_fr,
                "descriptionEn": description_en,
                "descriptionFr": description_fr,
                "translations": translations,
                "indicators": indicators_json(&indicators),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Edits a competency; `version` must be the one the caller read. Nothing is written when
/// nothing changes.
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn update(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    version: i32,
    input: CompetencyChanges,
) -> AppResult<competency::Model> {
    use competency::Column as C;

    let txn = crate::db::begin_write(db).await?;
    let current = competency::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("competency"))?;
    policy::administer_owner(actor, current.organisation_id)?;
    if current.version != version {
        return Err(AppError::stale("competency"));
    }

    let mut set = ChangeSet::default();
    let new_code = input.code.as_deref().map(code).transpose()?;
    if let Some(code) = new_code.as_deref().filter(|c| *c != current.code) {
        ensure_code_free(&txn, current.organisation_id, code, Some(id)).await?;
    }
    set.field("code", C::Code, &current.code, new_code);
    set.field(
        "kind",
        C::Kind,
        &current.kind,
        input.kind.map(|k| k.as_str().to_owned()),
    );
    bilingual_changes!(set, current, input, C)?;
    let new_indicators = input.indicators.as_deref().map(indicators).transpose()?;
    let stored: Vec<Indicator> = competency_indicator::Entity::find()
        .filter(competency_indicator::Column::CompetencyId.eq(id))
        .order_by_asc(competency_indicator::Column::SortOrder)
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| Indicator {
            level: i.level,
            language: i.language,
            text: i.text,
        })
        .collect();
    let new_indicators = new_indicators.filter(|i| *i != stored);
    if let Some(list) = &new_indicators {
        set.record("indicators", indicators_json(list));
    }

    if set.is_empty() {
        return Ok(current);
    }
    let mut update = competency::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version));
    for (column, value) in set.columns {
        update = update.col_expr(column, value);
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::stale("competency"));
    }
    if let Some(list) = &new_indicators {
        competency_indicator::Entity::delete_many()
            .filter(competency_indicator::Column::CompetencyId.eq(id))
            .exec(&txn)
            .await?;
        insert_indicators(&txn, id, list).await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: current.organisation_id,
            entity_type: "competency",
            entity_id: id,
            action: "update",
            changes: Value::Object(set.changes),
        },
    )
    .await?;
    let updated = competency::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("competency"))?;
    txn.commit().await?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_case_words() {
        assert_eq!(code(" teamwork_2019 ").unwrap(), "TEAMWORK_2019");
        assert_eq!(code("team work").unwrap_err().code(), "BAD_USER_INPUT");
        assert_eq!(code("").unwrap_err().code(), "BAD_USER_INPUT");
    }

    #[test]
    fn indicator_levels_are_one_to_three() {
        let at = |level| IndicatorInput {
            level,
            language: LanguageCode::parse("en").unwrap(),
            text: "Shares knowledge".into(),
        };
        assert!(indicators(&[at(None), at(Some(1)), at(Some(3))]).is_ok());
        match indicators(&[at(Some(1)), at(Some(4))]) {
            Err(AppError::BadUserInput { field, .. }) => {
                assert_eq!(field, "input.indicators[1].level")
            }
            other => panic!("{other:?}"),
        }
    }
}
