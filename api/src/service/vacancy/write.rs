//! Writing vacancies: create, edit with optimistic locking, move through the lifecycle, copy,
//! and import from agencies' HR systems. Every write is one transaction with its audit entry.

use chrono::{DateTime, Utc};
use entity::{application, vacancy};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use serde_json::{json, Map, Value};

use crate::auth::Actor;
use crate::domain::VacancyStatus;
use crate::error::{AppError, AppResult, OnUnique};
use crate::policy;
use crate::service::audit::{self, AuditEntry};
use crate::service::events::{self, DomainEvent, VacancyFacts};
use crate::service::vacancy::children::{delete_children, replace_questions, store_children};
use crate::service::vacancy::notice::{self, Notice, NoticeInput};
use crate::service::vacancy::search_document;
use crate::service::vacancy::{self as read, effective_status};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    Updated,
    Unchanged,
}

/// Loads a vacancy the caller may change: invisible ones are not found, others' are forbidden.
async fn writable(actor: &Actor, db: &impl ConnectionTrait, id: i32) -> AppResult<vacancy::Model> {
    policy::signed_in(actor)?;
    let row = vacancy::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    if !policy::can_read_vacancy(
        actor,
        row.organisation_id,
        VacancyStatus::from_db(&row.status)?,
    ) {
        return Err(AppError::NotFound("vacancy"));
    }
    policy::manage_postings(actor, row.organisation_id)?;
    Ok(row)
}

const DUPLICATE_REFERENCE: &str = "this organisation already has a notice with this reference";

#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    organisation_id: Option<i32>,
    input: NoticeInput,
) -> AppResult<vacancy::Model> {
    let organisation_id = policy::posting_organisation(actor, organisation_id)?;
    let notice = input.validate(db, organisation_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let row = insert(&txn, organisation_id, &notice, VacancyStatus::Draft).await?;
    audit::record(
        &txn,
        actor,
        entry(
            &row,
            "create",
            serde_json::to_value(&notice).unwrap_or(Value::Null),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

fn entry<'a>(row: &vacancy::Model, action: &'a str, changes: Value) -> AuditEntry<'a> {
    AuditEntry {
        organisation_id: Some(row.organisation_id),
        entity_type: "vacancy",
        entity_id: row.id,
        action,
        changes,
    }
}

async fn insert(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    notice: &Notice,
    status: VacancyStatus,
) -> AppResult<vacancy::Model> {
    let now = Utc::now();
    let mut row = scalar_fields(notice);
    row.organisation_id = Set(organisation_id);
    row.status = Set(status.as_str().to_owned());
    row.version = Set(1);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    let row = row.insert(db).await.on_unique(DUPLICATE_REFERENCE)?;
    store_children(db, row.id, notice).await?;
    replace_questions(db, row.id, notice).await?;
    search_document::refresh(db, &[row.id]).await?;
    Ok(row)
}

fn scalar_fields(notice: &Notice) -> vacancy::ActiveModel {
    vacancy::ActiveModel {
        project_id: Set(notice.project_id),
        reference: Set(notice.reference.clone()),
        external_job_id: Set(notice.external_job_id.clone()),
        unit: Set(notice.unit.clone()),
        authoritative_language: Set(notice.authoritative_language.clone()),
        grade: Set(notice.grade.clone()),
        grade_category: Set(notice.grade_category.clone()),
        contract_type: Set(notice.contract_type.map(|c| c.as_str().to_owned())),
        duration_months: Set(notice.duration_months),
        renewable: Set(notice.renewable),
        positions: Set(notice.positions),
        open_to_internal: Set(notice.open_to_internal),
        open_to_external: Set(notice.open_to_external),
        internal_first: Set(notice.internal_first),
        residency: Set(notice.residency.as_str().to_owned()),
        nationality_rule: Set(notice.nationality.as_str().to_owned()),
        nationality_countries: Set((!notice.nationality_countries.is_empty())
            .then(|| serde_json::json!(notice.nationality_countries).to_string())),
        time_zone: Set(notice.time_zone.clone()),
        closing_at: Set(notice.closing_at),
        start_on: Set(notice.start_on),
        start_asap: Set(notice.start_asap),
        apply_email: Set(notice.apply_email.clone()),
        apply_url: Set(notice.apply_url.clone()),
        apply_email_subject: Set(notice.apply_email_subject.clone()),
        working_language: Set(notice.working_language.clone()),
        job_family: Set(notice.job_family.clone()),
        department: Set(notice.department.clone()),
        accommodation_contact: Set(notice.accommodation_contact.clone()),
        stated_publication_date: Set(notice.stated_publication_date),
        ..Default::default()
    }
}

/// The top-level fields that differ between two notices, with their new values.
fn changed_fields(before: &Notice, after: &Notice) -> Value {
    let (Ok(Value::Object(old)), Ok(Value::Object(new))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Value::Null;
    };
    let changes: Map<String, Value> = new
        .into_iter()
        .filter(|(key, value)| old.get(key) != Some(value))
        .collect();
    Value::Object(changes)
}

/// `duration_months` → `durationMonths`: a notice field as `VacancyInput` names it.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Replaces a notice's content, if `version` is still current. Closed, archived and cancelled
/// notices are kept as they were.
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn update(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    version: i32,
    input: NoticeInput,
) -> AppResult<vacancy::Model> {
    let row = writable(actor, db, id).await?;
    let notice = input.validate(db, row.organisation_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let row = replace(&txn, actor, row, Some(version), notice).await?;
    txn.commit().await?;
    Ok(row)
}

async fn replace(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    row: vacancy::Model,
    version: Option<i32>,
    notice: Notice,
) -> AppResult<vacancy::Model> {
    let now = Utc::now();
    let status = effective_status(&row, now)?;
    if !matches!(status, VacancyStatus::Draft | VacancyStatus::Published) {
        return Err(AppError::Conflict(format!(
            "a {} notice cannot be edited",
            status.as_str().to_lowercase()
        )));
    }
    if status == VacancyStatus::Published {
        if let Some((field, what)) = notice.missing_for_publication(now).first() {
            return Err(AppError::bad_input(
                *field,
                format!("a published notice needs {what}"),
            ));
        }
    }
    let before = notice::load(txn, &row).await?;
    let form_changed = before.questions != notice.questions;
    if form_changed {
        let answered = application::Entity::find()
            .filter(application::Column::VacancyId.eq(row.id))
            .count(txn)
            .await?;
        if answered > 0 {
            return Err(AppError::Conflict(
                "people have applied with this application form: its questions can no longer change".into(),
            ));
        }
    }
    let expected = version.unwrap_or(row.version);
    let mut fields = scalar_fields(&notice);
    fields.version = Set(expected
        .checked_add(1)
        .ok_or_else(|| AppError::stale("vacancy"))?);
    fields.updated_at = Set(now);
    let result = vacancy::Entity::update_many()
        .set(fields)
        .filter(vacancy::Column::Id.eq(row.id))
        .filter(vacancy::Column::Version.eq(expected))
        .exec(txn)
        .await
        .on_unique(DUPLICATE_REFERENCE)?;
    if result.rows_affected == 0 {
        return Err(AppError::stale("vacancy"));
    }
    delete_children(txn, row.id).await?;
    store_children(txn, row.id, &notice).await?;
    if form_changed {
        replace_questions(txn, row.id, &notice).await?;
    }
    search_document::refresh(txn, &[row.id]).await?;
    let updated = vacancy::Entity::find_by_id(row.id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    let changes = changed_fields(&before, &notice);
    let changed_names = changes
        .as_object()
        .map(|fields| fields.keys().map(|key| camel_case(key)).collect())
        .unwrap_or_default();
    audit::record(txn, actor, entry(&updated, "update", changes)).await?;
    events::record(
        txn,
        DomainEvent::VacancyUpdated {
            vacancy: VacancyFacts::load(txn, &updated).await?,
            changed_fields: changed_names,
        },
    )
    .await?;
    Ok(updated)
}

/// Moves a vacancy to `to` (publish, close, cancel, archive) if its current status allows it
/// and `version` is current. Publishing first checks the notice is complete.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn transition(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    version: i32,
    to: VacancyStatus,
) -> AppResult<vacancy::Model> {
    let row = writable(actor, db, id).await?;
    let now = Utc::now();
    let from = effective_status(&row, now)?;
    if !from.can_move_to(to) {
        return Err(AppError::Conflict(format!(
            "a {} notice cannot be {}",
            from.as_str().to_lowercase(),
            to.past_tense()
        )));
    }
    if to == VacancyStatus::Published {
        let missing = notice::load(db, &row).await?.missing_for_publication(now);
        if let Some((field, _)) = missing.first() {
            let list: Vec<&str> = missing.iter().map(|(_, what)| *what).collect();
            return Err(AppError::bad_input(
                *field,
                format!("cannot publish yet; the notice needs {}", list.join(", ")),
            ));
        }
    }
    let txn = crate::db::begin_write(db).await?;
    let mut update = vacancy::Entity::update_many()
        .col_expr(vacancy::Column::Status, Expr::value(to.as_str()))
        .col_expr(
            vacancy::Column::Version,
            Expr::col(vacancy::Column::Version).add(1),
        )
        .col_expr(vacancy::Column::UpdatedAt, Expr::value(now));
    if to == VacancyStatus::Published && row.published_at.is_none() {
        update = update.col_expr(vacancy::Column::PublishedAt, Expr::value(now));
    }
    let result = update
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::stale("vacancy"));
    }
    let updated = vacancy::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    let action = to.audit_action();
    audit::record(
        &txn,
        actor,
        entry(&updated, action, json!({ "status": to.as_str() })),
    )
    .await?;
    let vacancy = VacancyFacts::load(&txn, &updated).await?;
    let event = match to {
        VacancyStatus::Published => DomainEvent::VacancyPublished { vacancy },
        _ => DomainEvent::VacancyClosed { vacancy, from },
    };
    events::record(&txn, event).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a draft (published notices are closed or cancelled instead, to keep their record).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn delete(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    version: i32,
) -> AppResult<()> {
    let row = writable(actor, db, id).await?;
    if VacancyStatus::from_db(&row.status)? != VacancyStatus::Draft {
        return Err(AppError::Conflict(
            "only drafts can be deleted; close or cancel a published notice".into(),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let result = vacancy::Entity::delete_many()
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::stale("vacancy"));
    }
    audit::record(
        &txn,
        actor,
        entry(&row, "delete", json!({ "reference": row.reference })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A new draft with the content of another notice, under a new reference.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn duplicate(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    reference: String,
) -> AppResult<vacancy::Model> {
    policy::signed_in(actor)?;
    let source = read::get(actor, db, id).await?;
    policy::manage_postings(actor, source.organisation_id)?;
    let mut notice = notice::load(db, &source).await?;
    notice.reference = notice::parse_reference("reference", &reference)?;
    let txn = crate::db::begin_write(db).await?;
    let row = insert(&txn, source.organisation_id, &notice, VacancyStatus::Draft).await?;
    audit::record(
        &txn,
        actor,
        entry(
            &row,
            "duplicate",
            json!({ "from": source.id, "reference": row.reference }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Creates or updates the notice with the input's reference in the caller's organisation, so
/// that sending the same notice twice never makes a duplicate.
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn import(
    actor: &Actor,
    db: &DatabaseConnection,
    organisation_id: Option<i32>,
    input: NoticeInput,
) -> AppResult<(ImportOutcome, vacancy::Model)> {
    let organisation_id = policy::posting_organisation(actor, organisation_id)?;
    let notice = input.validate(db, organisation_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let existing = vacancy::Entity::find()
        .filter(vacancy::Column::OrganisationId.eq(organisation_id))
        .filter(vacancy::Column::Reference.eq(&notice.reference))
        .one(&txn)
        .await?;
    let outcome = match existing {
        None => {
            let row = insert(&txn, organisation_id, &notice, VacancyStatus::Draft).await?;
            audit::record(
                &txn,
                actor,
                entry(
                    &row,
                    "import",
                    serde_json::to_value(&notice).unwrap_or(Value::Null),
                ),
            )
            .await?;
            (ImportOutcome::Created, row)
        }
        Some(row) if notice::load(&txn, &row).await? == notice => (ImportOutcome::Unchanged, row),
        Some(row) => {
            let row = replace(&txn, actor, row, None, notice).await?;
            (ImportOutcome::Updated, row)
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

/// Marks published notices past their closing instant as closed, each with its
/// `vacancy.closed` event; returns how many. A notice another replica closed first is skipped
/// (its update changes nothing here), so each closing is recorded once.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn close_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    let due = vacancy::Entity::find()
        .filter(vacancy::Column::Status.eq(VacancyStatus::Published.as_str()))
        .filter(vacancy::Column::ClosingAt.lte(now))
        .all(db)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let txn = crate::db::begin_write(db).await?;
    let mut closed = 0;
    for row in due {
        let result = vacancy::Entity::update_many()
            .col_expr(
                vacancy::Column::Status,
                Expr::value(VacancyStatus::Closed.as_str()),
            )
            .col_expr(
                vacancy::Column::Version,
                Expr::col(vacancy::Column::Version).add(1),
            )
            .col_expr(vacancy::Column::UpdatedAt, Expr::value(now))
            .filter(vacancy::Column::Id.eq(row.id))
            .filter(vacancy::Column::Status.eq(VacancyStatus::Published.as_str()))
            .filter(vacancy::Column::ClosingAt.lte(now))
            .exec(&txn)
            .await?;
        if result.rows_affected == 0 {
            continue;
        }
        let Some(updated) = vacancy::Entity::find_by_id(row.id).one(&txn).await? else {
            continue;
        };
        events::record(
            &txn,
            DomainEvent::VacancyClosed {
                vacancy: VacancyFacts::load(&txn, &updated).await?,
                from: VacancyStatus::Published,
            },
        )
        .await?;
        closed += 1;
    }
    txn.commit().await?;
    Ok(closed)
}
