//! Everything the system holds on the signed-in person, as one JSON document (`myData` and
//! `GET /me/data.json`): the right of access of the UN's data-protection principles and the
//! GDPR.
//!
//! Each kind of row is read in one statement for all of the person's applications, so the
//! number of statements does not grow with them. Left out, on purpose: the password hash, the
//! staff's notes on status changes and who among the staff made them (the staff's own, as
//! `Application.statusHistory` shows the candidate), and in the access log the staff member's
//! name (the organisation that read is what the person learns).

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entity::{
    account, account_session, application, application_access, application_answer,
    application_event, application_language, application_referee, organisation, saved_search,
    vacancy, vacancy_question, vacancy_text,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Map, Value};

use crate::auth::Actor;
use crate::domain::global_id::{global_id, NodeKind};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::application::{access_log_of, documents_of, DocumentMeta};

/// The rows of one application's children, grouped by application.
type ByApplication<T> = HashMap<i32, Vec<T>>;

fn group<T>(rows: Vec<T>, application_of: impl Fn(&T) -> i32) -> ByApplication<T> {
    let mut grouped: ByApplication<T> = HashMap::new();
    for row in rows {
        grouped.entry(application_of(&row)).or_default().push(row);
    }
    grouped
}

fn of<T>(grouped: &ByApplication<T>, application: i32) -> &[T] {
    grouped.get(&application).map(Vec::as_slice).unwrap_or(&[])
}

fn id(kind: NodeKind, id: i32) -> String {
    global_id(kind, id).0
}

/// Everything held on the caller, a person signed in (not an integration token).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn export_own_data(actor: &Actor, db: &DatabaseConnection) -> AppResult<Value> {
    let account_id = policy::read_own_data(actor)?;
    let me = account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let sessions = account_session::Entity::find()
        .filter(account_session::Column::AccountId.eq(account_id))
        .order_by_asc(account_session::Column::Id)
        .all(db)
        .await?;
    let saved_searches = saved_search::Entity::find()
        .filter(saved_search::Column::AccountId.eq(account_id))
        .order_by_asc(saved_search::Column::Id)
        .all(db)
        .await?;
    let applications = applications(db, account_id).await?;
    let profile = crate::service::profile::of_account(db, account_id).await?;
    Ok(json!({
        "exportedAt": Utc::now(),
        "account": {
            "id": id(NodeKind::Account, me.id),
            "email": me.email,
            "fullName": me.full_name,
            "role": me.role,
            "organisationId": me.organisation_id.map(|o| id(NodeKind::Organisation, o)),
            "active": me.active,
            "emailVerified": me.email_verified_at.is_some(),
            "emailVerifiedAt": me.email_verified_at,
            "language": me.language,
            "createdAt": me.created_at,
            "updatedAt": me.updated_at,
        },
        "notificationPreferences": {
            "language": me.language,
            "applicationUpdates": me.notify_application_updates,
            "recruiterDigest": me.recruiter_digest,
        },
        "sessions": sessions.iter().map(|s| json!({
            "createdAt": s.created_at,
            "expiresAt": s.expires_at,
            "endedAt": s.revoked_at,
        })).collect::<Vec<_>>(),
        "candidateProfile": profile.as_ref().map(crate::service::profile::own_data),
        "applications": applications,
        "savedSearches": saved_searches.iter().map(|s| json!({
            "id": id(NodeKind::SavedSearch, s.id),
            "name": s.name,
            "search": s.search,
            "filter": s.filter,
            "alert": s.alert,
            "createdAt": s.created_at,
            "updatedAt": s.updated_at,
        })).collect::<Vec<_>>(),
    }))
}

/// What an application's candidate sees of its vacancy: reference, titles, organisation.
struct VacancyFacts {
    reference: String,
    organisation_id: i32,
    titles: Map<String, Value>,
}

/// The person's applications with all their children, oldest first.
async fn applications(db: &DatabaseConnection, candidate_id: i32) -> AppResult<Vec<Value>> {
    let rows = application::Entity::find()
        .filter(application::Column::CandidateId.eq(candidate_id))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let vacancy_ids: HashSet<i32> = rows.iter().map(|r| r.vacancy_id).collect();
    let vacancies = vacancy_facts(db, &vacancy_ids).await?;
    let answers = application_answer::Entity::find()
        .filter(application_answer::Column::ApplicationId.is_in(ids.iter().copied()))
        .order_by_asc(application_answer::Column::Id)
        .all(db)
        .await?;
    let prompts: HashMap<i32, Value> = vacancy_question::Entity::find()
        .filter(vacancy_question::Column::Id.is_in(answers.iter().map(|a| a.question_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|q| (q.id, q.prompt))
        .collect();
    let answers = group(answers, |a| a.application_id);
    let languages = group(
        application_language::Entity::find()
            .filter(application_language::Column::ApplicationId.is_in(ids.iter().copied()))
            .order_by_asc(application_language::Column::Id)
            .all(db)
            .await?,
        |l| l.application_id,
    );
    let referees = group(
        application_referee::Entity::find()
            .filter(application_referee::Column::ApplicationId.is_in(ids.iter().copied()))
            .order_by_asc(application_referee::Column::SortOrder)
            .all(db)
            .await?,
        |r| r.application_id,
    );
    let events = group(
        application_event::Entity::find()
            .filter(application_event::Column::ApplicationId.is_in(ids.iter().copied()))
            .order_by_asc(application_event::Column::Id)
            .all(db)
            .await?,
        |e| e.application_id,
    );
    let documents = group(documents_of(db, &ids).await?, |(app, _)| *app);
    let accesses = access_log_of(db, &ids).await?;
    let organisation_ids: HashSet<i32> = vacancies
        .values()
        .map(|v| v.organisation_id)
        .chain(accesses.iter().filter_map(|a| a.reader_organisation_id))
        .collect();
    let organisations: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(organisation_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let accesses = group(accesses, |a| a.application_id);
    let organisation = |id: i32| {
        organisations
            .get(&id)
            .map(|o| json!({ "acronym": o.acronym, "name": o.name_en }))
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let vacancy = vacancies.get(&row.vacancy_id);
            json!({
                "id": id(NodeKind::Application, row.id),
                "vacancy": vacancy.map(|v| json!({
                    "id": id(NodeKind::Vacancy, row.vacancy_id),
                    "reference": v.reference,
                    "titles": v.titles,
                    "organisation": organisation(v.organisation_id),
                })),
                "status": row.status,
                "submittedAt": row.submitted_at,
                "updatedAt": row.updated_at,
                "coverLetter": row.cover_letter,
                "internalCandidate": row.internal_candidate,
                "residenceCountry": row.residence_country,
                "nationality": row.nationality,
                "educationLevel": row.education_level,
                "educationField": row.education_field,
                "yearsExperience": row.years_experience,
                "eligible": row.eligible,
                "unmetRequirements": row.unmet,
                "answers": of(&answers, row.id).iter().map(|a| json!({
                    "question": prompts.get(&a.question_id),
                    "value": a.value,
                })).collect::<Vec<_>>(),
                "languages": of(&languages, row.id).iter().map(|l| json!({
                    "language": l.language_code,
                    "level": l.level,
                })).collect::<Vec<_>>(),
                "referees": of(&referees, row.id).iter().map(|r| json!({
                    "name": r.name,
                    "email": r.email,
                    "position": r.position,
                    "relation": r.relation,
                })).collect::<Vec<_>>(),
                "documents": of(&documents, row.id).iter()
                    .map(|(_, d)| document(d)).collect::<Vec<_>>(),
                "statusHistory": of(&events, row.id).iter().map(|e| json!({
                    "from": e.from_status,
                    "to": e.to_status,
                    "at": e.created_at,
                })).collect::<Vec<_>>(),
                "accessLog": of(&accesses, row.id).iter().map(|a| json!({
                    "action": a.action,
                    "at": a.created_at,
                    "organisation": access_organisation(a, &organisation),
                })).collect::<Vec<_>>(),
            })
        })
        .collect())
}

/// Who read, as the candidate learns it: the reader's organisation, or for a platform admin of
/// none, the platform.
fn access_organisation(
    access: &application_access::Model,
    organisation: &impl Fn(i32) -> Option<Value>,
) -> Value {
    match access.reader_organisation_id {
        Some(org) => organisation(org).unwrap_or(Value::Null),
        None => json!({ "acronym": null, "name": "platform administration" }),
    }
}

fn document(d: &DocumentMeta) -> Value {
    let document_id = id(NodeKind::Document, d.id);
    json!({
        "id": document_id,
        "kind": d.kind,
        "fileName": d.file_name,
        "mediaType": d.media_type,
        "sizeBytes": d.size_bytes,
        "sha256": d.sha256,
        "uploadedAt": d.created_at,
        "link": format!("/documents/{document_id}"),
    })
}

async fn vacancy_facts(
    db: &DatabaseConnection,
    ids: &HashSet<i32>,
) -> AppResult<HashMap<i32, VacancyFacts>> {
    let mut facts: HashMap<i32, VacancyFacts> = vacancy::Entity::find()
        .filter(vacancy::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|v| {
            let facts = VacancyFacts {
                reference: v.reference,
                organisation_id: v.organisation_id,
                titles: Map::new(),
            };
            (v.id, facts)
        })
        .collect();
    let texts = vacancy_text::Entity::find()
        .filter(vacancy_text::Column::VacancyId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for text in texts {
        if let Some(f) = facts.get_mut(&text.vacancy_id) {
            f.titles.insert(text.language, Value::String(text.title));
        }
    }
    Ok(facts)
}
