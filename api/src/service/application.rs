//! Applications: candidates apply and withdraw; recruiters of the posting organisation screen
//! and decide. An application is visible to its candidate and to that organisation's staff
//! only; to anyone else it does not exist.

use std::collections::HashMap;

use chrono::Utc;
use entity::{
    account, application, application_answer, application_document, application_event,
    application_language, application_referee, vacancy, vacancy_document, vacancy_duty_station,
    vacancy_language, vacancy_qualification_path, vacancy_question,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use crate::auth::Actor;
use crate::domain::document::{sha256_hex, DocumentFormat, MAX_DOCUMENTS, MAX_DOCUMENT_BYTES};
use crate::domain::eligibility::{
    self, Candidate, Eligibility, LanguageRequirement, PathRequirement, Requirements,
};
use crate::domain::{
    ApplicationStatus, CountryCode, DocumentKind, EducationLevel, LanguageCode, LanguageLevel,
    Requirement, ResidencyRule, Role, VacancyStatus,
};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::application_form::{self, AnswerInput};
use crate::service::events::{self, ApplicationFacts, DomainEvent};
use crate::service::pagination::{
    paginate, paginate_flag_first, paginate_newest_first, Page, PageRequest,
};
use crate::service::vacancy::effective_status;

/// A file sent with an application.
#[derive(Debug, Clone)]
pub struct Upload {
    pub kind: DocumentKind,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct RefereeInput {
    pub name: String,
    pub email: String,
    pub position: Option<String>,
    pub relation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApplyInput {
    pub vacancy_id: i32,
    pub cover_letter: Option<String>,
    pub internal_candidate: bool,
    pub residence_country: String,
    pub education_level: EducationLevel,
    pub education_field: Option<String>,
    pub years_experience: i32,
    pub languages: Vec<(String, LanguageLevel)>,
    pub referees: Vec<RefereeInput>,
    pub documents: Vec<Upload>,
    pub answers: Vec<AnswerInput>,
}

/// The signed-in candidate calling: anyone else may not apply or withdraw.
pub fn candidate_id(actor: &Actor) -> AppResult<i32> {
    match (actor.role(), actor.account_id()) {
        (None, _) => Err(AppError::Unauthenticated),
        (Some(Role::Candidate), Some(id)) => Ok(id),
        _ => Err(AppError::Forbidden),
    }
}

/// The requirements of a vacancy, as the eligibility check reads them.
pub async fn requirements(
    db: &impl ConnectionTrait,
    row: &vacancy::Model,
) -> AppResult<Requirements> {
    let paths = vacancy_qualification_path::Entity::find()
        .filter(vacancy_qualification_path::Column::VacancyId.eq(row.id))
        .all(db)
        .await?;
    let languages = vacancy_language::Entity::find()
        .filter(vacancy_language::Column::VacancyId.eq(row.id))
        .order_by_asc(vacancy_language::Column::SortOrder)
        .all(db)
        .await?;
    let stations = vacancy_duty_station::Entity::find()
        .filter(vacancy_duty_station::Column::VacancyId.eq(row.id))
        .all(db)
        .await?;
    requirements_from(row, paths, languages, stations)
}

/// The requirements of many vacancies, in three statements whatever their number.
pub async fn requirements_of_many(
    db: &impl ConnectionTrait,
    rows: &[vacancy::Model],
) -> AppResult<HashMap<i32, Requirements>> {
    let ids = || rows.iter().map(|row| row.id);
    let mut paths: HashMap<i32, Vec<_>> = HashMap::new();
    for path in vacancy_qualification_path::Entity::find()
        .filter(vacancy_qualification_path::Column::VacancyId.is_in(ids()))
        .all(db)
        .await?
    {
        paths.entry(path.vacancy_id).or_default().push(path);
    }
    let mut languages: HashMap<i32, Vec<_>> = HashMap::new();
    for language in vacancy_language::Entity::find()
        .filter(vacancy_language::Column::VacancyId.is_in(ids()))
        .order_by_asc(vacancy_language::Column::SortOrder)
        .all(db)
        .await?
    {
        languages
            .entry(language.vacancy_id)
            .or_default()
            .push(language);
    }
    let mut stations: HashMap<i32, Vec<_>> = HashMap::new();
    for station in vacancy_duty_station::Entity::find()
        .filter(vacancy_duty_station::Column::VacancyId.is_in(ids()))
        .all(db)
        .await?
    {
        stations
            .entry(station.vacancy_id)
            .or_default()
            .push(station);
    }
    rows.iter()
        .map(|row| {
            let requirements = requirements_from(
                row,
                paths.remove(&row.id).unwrap_or_default(),
                languages.remove(&row.id).unwrap_or_default(),
                stations.remove(&row.id).unwrap_or_default(),
            )?;
            Ok((row.id, requirements))
        })
        .collect()
}

fn requirements_from(
    row: &vacancy::Model,
    paths: Vec<vacancy_qualification_path::Model>,
    languages: Vec<vacancy_language::Model>,
    stations: Vec<vacancy_duty_station::Model>,
) -> AppResult<Requirements> {
    Ok(Requirements {
        qualification_paths: paths
            .into_iter()
            .map(|p| {
                Ok(PathRequirement {
                    education_level: EducationLevel::from_db(&p.education_level)?,
                    min_years_experience: p.min_years_experience,
                })
            })
            .collect::<AppResult<_>>()?,
        languages: languages
            .into_iter()
            .filter_map(|l| {
                let code = LanguageCode::parse(&l.language_code).ok()?;
                Some(Ok(LanguageRequirement {
                    language: code,
                    level: match l.level.as_deref().map(LanguageLevel::from_db).transpose() {
                        Ok(level) => level,
                        Err(e) => return Some(Err(e)),
                    },
                    requirement: match Requirement::from_db(&l.requirement) {
                        Ok(r) => r,
                        Err(e) => return Some(Err(e)),
                    },
                    one_of_group: l.one_of,
                }))
            })
            .collect::<AppResult<_>>()?,
        residency: ResidencyRule::from_db(&row.residency)?,
        duty_station_countries: stations
            .into_iter()
            .filter_map(|s| CountryCode::parse(&s.country_code).ok())
            .collect(),
        open_to_internal: row.open_to_internal,
        open_to_external: row.open_to_external,
    })
}

/// The application as the eligibility check reads it.
pub async fn candidate_profile(
    db: &impl ConnectionTrait,
    row: &application::Model,
) -> AppResult<Candidate> {
    let languages = application_language::Entity::find()
        .filter(application_language::Column::ApplicationId.eq(row.id))
        .all(db)
        .await?;
    Ok(Candidate {
        education_level: EducationLevel::from_db(&row.education_level)?,
        years_experience: row.years_experience,
        languages: languages
            .into_iter()
            .filter_map(|l| {
                Some((
                    LanguageCode::parse(&l.language_code).ok()?,
                    LanguageLevel::from_db(&l.level).ok()?,
                ))
            })
            .collect(),
        residence_country: CountryCode::parse(&row.residence_country)
            .map_err(|e| AppError::internal(BadRow(e)))?,
        internal: row.internal_candidate,
    })
}

#[derive(Debug, thiserror::Error)]
#[error("stored application holds a bad value: {0}")]
struct BadRow(String);

pub(crate) fn unmet_json(eligibility: &Eligibility) -> serde_json::Value {
    json!(eligibility
        .unmet
        .iter()
        .map(|u| json!({ "kind": u.kind.as_str(), "message": u.message }))
        .collect::<Vec<_>>())
}

/// Longest cover letter written in the form.
const MAX_COVER_LETTER_CHARS: usize = 20_000;
/// Longest short text (names, e-mail addresses, fields of study, file names).
const MAX_SHORT_TEXT_CHARS: usize = 255;
/// Most referees and languages one application may list.
const MAX_LIST_ENTRIES: usize = 20;

fn too_long(field: String, text: &str, max: usize) -> AppResult<()> {
    if text.chars().count() > max {
        Err(AppError::bad_input(
            field,
            format!("at most {max} characters"),
        ))
    } else {
        Ok(())
    }
}

fn check_lengths(input: &ApplyInput) -> AppResult<()> {
    if let Some(letter) = &input.cover_letter {
        too_long("input.coverLetter".into(), letter, MAX_COVER_LETTER_CHARS)?;
    }
    if let Some(field) = &input.education_field {
        too_long("input.educationField".into(), field, MAX_SHORT_TEXT_CHARS)?;
    }
    if input.referees.len() > MAX_LIST_ENTRIES || input.languages.len() > MAX_LIST_ENTRIES {
        return Err(AppError::bad_input(
            "input",
            format!("at most {MAX_LIST_ENTRIES} referees and languages"),
        ));
    }
    for (i, referee) in input.referees.iter().enumerate() {
        let texts = [
            ("name", Some(&referee.name)),
            ("email", Some(&referee.email)),
            ("position", referee.position.as_ref()),
            ("relation", referee.relation.as_ref()),
        ];
        for (name, text) in texts {
            if let Some(text) = text {
                too_long(
                    format!("input.referees[{i}].{name}"),
                    text,
                    MAX_SHORT_TEXT_CHARS,
                )?;
            }
        }
    }
    for (i, document) in input.documents.iter().enumerate() {
        too_long(
            format!("documents[{i}].file"),
            &document.file_name,
            MAX_SHORT_TEXT_CHARS,
        )?;
    }
    Ok(())
}

fn check_documents(input: &ApplyInput) -> AppResult<Vec<(DocumentFormat, String)>> {
    if input.documents.len() > MAX_DOCUMENTS {
        return Err(AppError::bad_input(
            "documents",
            format!("at most {MAX_DOCUMENTS} documents per application"),
        ));
    }
    input
        .documents
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let field = format!("documents[{i}]");
            if doc.bytes.len() > MAX_DOCUMENT_BYTES {
                return Err(AppError::bad_input(
                    field,
                    format!("{} is larger than 5 MiB", doc.file_name),
                ));
            }
            let format = DocumentFormat::sniff(&doc.bytes).ok_or_else(|| {
                AppError::bad_input(
                    &field,
                    format!("{} is not a PDF, DOCX or ODT document", doc.file_name),
                )
            })?;
            Ok((format, sha256_hex(&doc.bytes)))
        })
        .collect()
}

/// Documents the notice asks for that the application lacks.
fn missing_documents(
    required: &[vacancy_document::Model],
    input: &ApplyInput,
) -> Vec<&'static str> {
    let has = |kind: DocumentKind| input.documents.iter().any(|d| d.kind == kind);
    required
        .iter()
        .filter_map(|doc| match DocumentKind::parse(&doc.kind)? {
            DocumentKind::Cv if !has(DocumentKind::Cv) => Some("a CV"),
            DocumentKind::CoverLetter
                if !has(DocumentKind::CoverLetter)
                    && input
                        .cover_letter
                        .as_deref()
                        .is_none_or(|c| c.trim().is_empty()) =>
            {
                Some("a cover letter")
            }
            DocumentKind::References
                if !has(DocumentKind::References)
                    && input.referees.len() < doc.count.unwrap_or(1).max(1) as usize =>
            {
                Some("references")
            }
            DocumentKind::Diploma if !has(DocumentKind::Diploma) => Some("a copy of the diploma"),
            _ => None,
        })
        .collect()
}

pub async fn apply(
    actor: &Actor,
    db: &DatabaseConnection,
    input: ApplyInput,
) -> AppResult<application::Model> {
    let candidate = candidate_id(actor)?;
    let vacancy = vacancy::Entity::find_by_id(input.vacancy_id)
        .one(db)
        .await?
        .filter(|v| {
            policy::can_read_vacancy(
                actor,
                v.organisation_id,
                VacancyStatus::parse(&v.status).unwrap_or(VacancyStatus::Draft),
            )
        })
        .ok_or(AppError::NotFound("vacancy"))?;
    match effective_status(&vacancy, Utc::now())? {
        VacancyStatus::Published => {}
        VacancyStatus::Closed => {
            return Err(AppError::bad_input(
                "vacancyId",
                "this vacancy closed: its deadline has passed",
            ))
        }
        _ => {
            return Err(AppError::bad_input(
                "vacancyId",
                "this vacancy is not open for applications",
            ))
        }
    }
    let residence = CountryCode::parse(&input.residence_country)
        .map_err(|e| AppError::bad_input("input.residenceCountry", e))?;
    if !(0..=70).contains(&input.years_experience) {
        return Err(AppError::bad_input(
            "input.yearsExperience",
            "years of experience must be between 0 and 70",
        ));
    }
    let mut languages = Vec::new();
    for (i, (code, level)) in input.languages.iter().enumerate() {
        let code = LanguageCode::parse(code)
            .map_err(|e| AppError::bad_input(format!("input.languages[{i}].language"), e))?;
        languages.push((code, *level));
    }
    for (i, referee) in input.referees.iter().enumerate() {
        if referee.name.trim().is_empty() {
            return Err(AppError::bad_input(
                format!("input.referees[{i}].name"),
                "a referee needs a name",
            ));
        }
        if !referee.email.contains('@') {
            return Err(AppError::bad_input(
                format!("input.referees[{i}].email"),
                "a referee needs an e-mail address",
            ));
        }
    }
    check_lengths(&input)?;
    let formats = check_documents(&input)?;
    let required = vacancy_document::Entity::find()
        .filter(vacancy_document::Column::VacancyId.eq(vacancy.id))
        .all(db)
        .await?;
    let missing = missing_documents(&required, &input);
    if !missing.is_empty() {
        return Err(AppError::bad_input(
            "documents",
            format!("the notice asks for {}", missing.join(", ")),
        ));
    }
    let questions = vacancy_question::Entity::find()
        .filter(vacancy_question::Column::VacancyId.eq(vacancy.id))
        .order_by_asc(vacancy_question::Column::SortOrder)
        .all(db)
        .await?;
    let answers = application_form::check_answers(&questions, &input.answers)?;
    let already = application::Entity::find()
        .filter(application::Column::VacancyId.eq(vacancy.id))
        .filter(application::Column::CandidateId.eq(candidate))
        .one(db)
        .await?;
    if already.is_some() {
        return Err(AppError::Conflict(
            "you have already applied to this vacancy".into(),
        ));
    }

    let profile = Candidate {
        education_level: input.education_level,
        years_experience: input.years_experience,
        languages: languages.clone(),
        residence_country: residence.clone(),
        internal: input.internal_candidate,
    };
    let eligibility = eligibility::assess(&requirements(db, &vacancy).await?, &profile);
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let row = application::ActiveModel {
        vacancy_id: Set(vacancy.id),
        candidate_id: Set(candidate),
        status: Set(ApplicationStatus::Submitted.as_str().to_owned()),
        cover_letter: Set(input.cover_letter.clone().filter(|c| !c.trim().is_empty())),
        internal_candidate: Set(input.internal_candidate),
        residence_country: Set(residence.as_str().to_owned()),
        education_level: Set(input.education_level.as_str().to_owned()),
        education_field: Set(input.education_field.clone()),
        years_experience: Set(input.years_experience),
        eligible: Set(Some(eligibility.eligible)),
        unmet: Set(Some(unmet_json(&eligibility))),
        version: Set(1),
        submitted_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => {
            AppError::Conflict("you have already applied to this vacancy".into())
        }
        other => other,
    })?;
    for (code, level) in &languages {
        application_language::ActiveModel {
            application_id: Set(row.id),
            language_code: Set(code.as_str().to_owned()),
            level: Set(level.as_str().to_owned()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    for (order, referee) in input.referees.iter().enumerate() {
        application_referee::ActiveModel {
            application_id: Set(row.id),
            name: Set(referee.name.trim().to_owned()),
            email: Set(referee.email.trim().to_owned()),
            position: Set(referee.position.clone()),
            relation: Set(referee.relation.clone()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    for (doc, (format, hash)) in input.documents.iter().zip(formats) {
        application_document::ActiveModel {
            application_id: Set(row.id),
            kind: Set(doc.kind.as_str().to_owned()),
            file_name: Set(doc.file_name.clone()),
            media_type: Set(format.media_type().to_owned()),
            size_bytes: Set(doc.bytes.len() as i64),
            sha256: Set(hash),
            content: Set(Some(doc.bytes.clone())),
            storage_path: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    for (question_id, value) in answers {
        application_answer::ActiveModel {
            application_id: Set(row.id),
            question_id: Set(question_id),
            value: Set(value),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    record_event(
        &txn,
        actor,
        row.id,
        None,
        ApplicationStatus::Submitted,
        None,
    )
    .await?;
    events::record(
        &txn,
        DomainEvent::ApplicationSubmitted {
            application: ApplicationFacts::load(&txn, &row).await?,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

async fn record_event(
    db: &impl ConnectionTrait,
    actor: &Actor,
    application_id: i32,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    note: Option<String>,
) -> AppResult<()> {
    application_event::ActiveModel {
        application_id: Set(application_id),
        actor_id: Set(actor.account_id()),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        note: Set(note),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Whether the caller may see this application: its candidate, or the posting organisation's
/// staff.
async fn visible(
    actor: &Actor,
    db: &impl ConnectionTrait,
    row: &application::Model,
) -> AppResult<bool> {
    if actor.account_id() == Some(row.candidate_id) {
        return Ok(true);
    }
    let organisation = vacancy::Entity::find_by_id(row.vacancy_id)
        .select_only()
        .column(vacancy::Column::OrganisationId)
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Ok(organisation.is_some_and(|org| policy::manage_postings(actor, org).is_ok()))
}

pub async fn get(actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<application::Model> {
    policy::signed_in(actor)?;
    let row = application::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    if visible(actor, db, &row).await? {
        Ok(row)
    } else {
        Err(AppError::NotFound("application"))
    }
}

/// The caller's own applications, newest first.
pub async fn mine(
    actor: &Actor,
    db: &DatabaseConnection,
    page: PageRequest,
) -> AppResult<Page<application::Model>> {
    let candidate = candidate_id(actor)?;
    let select = application::Entity::find().filter(application::Column::CandidateId.eq(candidate));
    paginate_newest_first(db, select, application::Column::Id, page).await
}

/// Narrows a vacancy's applications.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub statuses: Option<Vec<ApplicationStatus>>,
    pub eligible: Option<bool>,
}

/// How to order a vacancy's applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApplicationOrder {
    #[default]
    SubmittedFirst,
    SubmittedLast,
    /// Eligible applications first, each group oldest first.
    EligibleFirst,
}

/// A vacancy the caller's organisation posts; for anyone else it does not exist.
pub async fn own_vacancy(
    actor: &Actor,
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> AppResult<vacancy::Model> {
    policy::signed_in(actor)?;
    let row = vacancy::Entity::find_by_id(vacancy_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    policy::manage_postings(actor, row.organisation_id)
        .map_err(|_| AppError::NotFound("vacancy"))?;
    Ok(row)
}

pub async fn for_vacancy(
    actor: &Actor,
    db: &DatabaseConnection,
    vacancy_id: i32,
    filter: &ApplicationFilter,
    order: ApplicationOrder,
    page: PageRequest,
) -> AppResult<Page<application::Model>> {
    own_vacancy(actor, db, vacancy_id).await?;
    let mut select =
        application::Entity::find().filter(application::Column::VacancyId.eq(vacancy_id));
    if let Some(statuses) = &filter.statuses {
        select =
            select.filter(application::Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    }
    if let Some(eligible) = filter.eligible {
        select = select.filter(application::Column::Eligible.eq(eligible));
    }
    match order {
        ApplicationOrder::SubmittedFirst => {
            paginate(db, select, application::Column::Id, page).await
        }
        ApplicationOrder::SubmittedLast => {
            paginate_newest_first(db, select, application::Column::Id, page).await
        }
        ApplicationOrder::EligibleFirst => {
            paginate_flag_first(
                db,
                select,
                application::Column::Eligible,
                application::Column::Id,
                page,
            )
            .await
        }
    }
}

/// Moves an application along the hiring pipeline. Two recruiters moving it at once cannot
/// both win: the second finds it changed and gets CONFLICT.
pub async fn update_status(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    to: ApplicationStatus,
    note: Option<String>,
    version: Option<i32>,
) -> AppResult<application::Model> {
    let row = get(actor, db, id).await?;
    // The candidate sees the application but may not move it.
    own_vacancy(actor, db, row.vacancy_id)
        .await
        .map_err(|_| AppError::Forbidden)?;
    let from = ApplicationStatus::from_db(&row.status)?;
    if !from.can_move_to(to) || to == ApplicationStatus::Withdrawn {
        return Err(AppError::Conflict(format!(
            "an application cannot move from {} to {}",
            from.as_str(),
            to.as_str()
        )));
    }
    if version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict(
            "the application changed since you read it".into(),
        ));
    }
    move_status(actor, db, row, from, to, note).await
}

async fn move_status(
    actor: &Actor,
    db: &DatabaseConnection,
    row: application::Model,
    from: ApplicationStatus,
    to: ApplicationStatus,
    note: Option<String>,
) -> AppResult<application::Model> {
    let txn = crate::db::begin_write(db).await?;
    let result = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(to.as_str()))
        .col_expr(application::Column::Version, Expr::value(row.version + 1))
        .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(application::Column::Id.eq(row.id))
        .filter(application::Column::Version.eq(row.version))
        .filter(application::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict(
            "someone else moved this application first; reload it".into(),
        ));
    }
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    record_event(&txn, actor, row.id, Some(from), to, note).await?;
    let updated = application::Entity::find_by_id(row.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    events::record(
        &txn,
        DomainEvent::ApplicationStatusChanged {
            application: ApplicationFacts::load(&txn, &updated).await?,
            from,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// The candidate takes an application back, until a decision is made.
pub async fn withdraw(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<application::Model> {
    let candidate = candidate_id(actor)?;
    let row = application::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| a.candidate_id == candidate)
        .ok_or(AppError::NotFound("application"))?;
    let from = ApplicationStatus::from_db(&row.status)?;
    if !from.can_move_to(ApplicationStatus::Withdrawn) {
        return Err(AppError::Conflict(format!(
            "an application that is {} cannot be withdrawn",
            from.as_str()
        )));
    }
    move_status(actor, db, row, from, ApplicationStatus::Withdrawn, None).await
}

/// Applications per vacancy and status, for many vacancies in one statement. Callers check
/// that the caller may see each vacancy's counts (`policy::manage_postings` on its organisation).
pub async fn counts_by_status(
    db: &impl ConnectionTrait,
    vacancy_ids: &[i32],
) -> AppResult<Vec<(i32, ApplicationStatus, i64)>> {
    let rows: Vec<(i32, String, i64)> = application::Entity::find()
        .select_only()
        .column(application::Column::VacancyId)
        .column(application::Column::Status)
        .column_as(application::Column::Id.count(), "n")
        .filter(application::Column::VacancyId.is_in(vacancy_ids.iter().copied()))
        .group_by(application::Column::VacancyId)
        .group_by(application::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(vacancy, status, n)| Ok((vacancy, ApplicationStatus::from_db(&status)?, n)))
        .collect()
}

/// Whether the caller is staff of the organisation that posted the application's vacancy.
pub async fn is_staff(
    actor: &Actor,
    db: &impl ConnectionTrait,
    row: &application::Model,
) -> AppResult<bool> {
    let organisation = vacancy::Entity::find_by_id(row.vacancy_id)
        .select_only()
        .column(vacancy::Column::OrganisationId)
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Ok(organisation.is_some_and(|org| policy::manage_postings(actor, org).is_ok()))
}

/// The vacancy an application was made to. Whoever sees the application sees its vacancy.
pub async fn vacancy_of(
    db: &DatabaseConnection,
    row: &application::Model,
) -> AppResult<vacancy::Model> {
    vacancy::Entity::find_by_id(row.vacancy_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::internal(BadRow(format!("application {} lost its vacancy", row.id)))
        })
}

/// The screening outcome: as stored when the application was submitted, or computed now for a
/// row that has none.
pub async fn eligibility_of(
    db: &DatabaseConnection,
    row: &application::Model,
) -> AppResult<Eligibility> {
    if let (Some(eligible), Some(unmet)) = (row.eligible, row.unmet.as_ref()) {
        let unmet = unmet
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| {
                Some(eligibility::UnmetRequirement {
                    kind: eligibility::UnmetKind::parse(u.get("kind")?.as_str()?)?,
                    message: u.get("message")?.as_str()?.to_owned(),
                })
            })
            .collect();
        return Ok(Eligibility { eligible, unmet });
    }
    let vacancy = vacancy_of(db, row).await?;
    Ok(eligibility::assess(
        &requirements(db, &vacancy).await?,
        &candidate_profile(db, row).await?,
    ))
}

/// A document's description, without its bytes.
#[derive(Debug, Clone)]
pub struct DocumentMeta {
    pub id: i32,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: chrono::DateTime<Utc>,
}

type DocumentMetaRow = (
    i32,
    i32,
    String,
    String,
    String,
    i64,
    String,
    chrono::DateTime<Utc>,
);

/// The documents of some applications, in upload order, without their bytes, each with its
/// application's id.
pub async fn documents_of(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> AppResult<Vec<(i32, DocumentMeta)>> {
    use application_document::Column as C;
    let rows: Vec<DocumentMetaRow> = application_document::Entity::find()
        .select_only()
        .columns([
            C::ApplicationId,
            C::Id,
            C::Kind,
            C::FileName,
            C::MediaType,
            C::SizeBytes,
            C::Sha256,
            C::CreatedAt,
        ])
        .filter(C::ApplicationId.is_in(application_ids.iter().copied()))
        .order_by_asc(C::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(application, id, kind, file_name, media_type, size_bytes, sha256, created_at)| {
                let meta = DocumentMeta {
                    id,
                    kind,
                    file_name,
                    media_type,
                    size_bytes,
                    sha256,
                    created_at,
                };
                (application, meta)
            },
        )
        .collect())
}

/// A stored document with its bytes, for its candidate and the posting organisation's staff;
/// for anyone else it does not exist.
pub async fn document(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<(application_document::Model, Vec<u8>)> {
    policy::signed_in(actor)?;
    // Whose document it is comes first; its bytes are read only for those who may have them.
    let owner = application_document::Entity::find_by_id(id)
        .select_only()
        .column(application_document::Column::ApplicationId)
        .into_tuple::<i32>()
        .one(db)
        .await?
        .ok_or(AppError::NotFound("document"))?;
    get(actor, db, owner)
        .await
        .map_err(|_| AppError::NotFound("document"))?;
    let row = application_document::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("document"))?;
    let bytes = row
        .content
        .clone()
        .ok_or_else(|| AppError::internal(BadRow(format!("document {id} has no content"))))?;
    Ok((row, bytes))
}

/// One line of a vacancy's export.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub application: application::Model,
    pub candidate_name: String,
    pub candidate_email: String,
    pub languages: Vec<(String, String)>,
    pub eligible: bool,
    pub unmet: Vec<String>,
    pub documents: Vec<String>,
}

/// Every application to one of the caller's organisation's vacancies, oldest first, with what
/// an HR tool needs.
pub async fn export(
    actor: &Actor,
    db: &DatabaseConnection,
    vacancy_id: i32,
) -> AppResult<Vec<ExportRow>> {
    own_vacancy(actor, db, vacancy_id).await?;
    let rows = application::Entity::find()
        .filter(application::Column::VacancyId.eq(vacancy_id))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let candidates = account::Entity::find()
        .filter(account::Column::Id.is_in(rows.iter().map(|r| r.candidate_id)))
        .all(db)
        .await?;
    let languages = application_language::Entity::find()
        .filter(application_language::Column::ApplicationId.is_in(ids.iter().copied()))
        .order_by_asc(application_language::Column::Id)
        .all(db)
        .await?;
    let documents = documents_of(db, &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let candidate = candidates.iter().find(|c| c.id == row.candidate_id);
        let eligibility = eligibility_of(db, &row).await?;
        out.push(ExportRow {
            candidate_name: candidate.map(|c| c.full_name.clone()).unwrap_or_default(),
            candidate_email: candidate.map(|c| c.email.clone()).unwrap_or_default(),
            languages: languages
                .iter()
                .filter(|l| l.application_id == row.id)
                .map(|l| (l.language_code.clone(), l.level.clone()))
                .collect(),
            eligible: eligibility.eligible,
            unmet: eligibility.unmet.into_iter().map(|u| u.message).collect(),
            documents: documents
                .iter()
                .filter(|(app, _)| *app == row.id)
                .map(|(_, d)| d.file_name.clone())
                .collect(),
            application: row,
        });
    }
    Ok(out)
}
