//! Applying: the candidate's form checked against the notice, stored with its documents.

use chrono::Utc;
use entity::{
    application, application_answer, application_document, application_language,
    application_referee, vacancy, vacancy_document, vacancy_question,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::notify::queue_receipt;
use super::screening::{requirements, unmet_json};
use super::status::record_event;
use super::storage::{DocumentStorage, Location};
use crate::auth::Actor;
use crate::domain::document::{
    clean_file_name, sha256_hex, DocumentFormat, MAX_DOCUMENTS, MAX_DOCUMENT_BYTES,
};
use crate::domain::eligibility::{self, Candidate};
use crate::domain::{
    ApplicationStatus, CountryCode, DocumentKind, EducationLevel, LanguageCode, LanguageLevel,
    NationalityRule, VacancyStatus,
};
use crate::error::{AppError, AppResult, OnUnique};
use crate::policy;
use crate::service::application::form::{self, AnswerInput};
use crate::service::events::{self, ApplicationFacts, DomainEvent};
use crate::service::mail::Mailer;
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
    /// Each of these left out is taken from the candidate's profile (explicit input wins).
    pub internal_candidate: Option<bool>,
    pub residence_country: Option<String>,
    /// Stored only when the vacancy has a nationality rule.
    pub nationality: Option<String>,
    pub education_level: Option<EducationLevel>,
    pub education_field: Option<String>,
    pub years_experience: Option<i32>,
    pub languages: Option<Vec<(String, LanguageLevel)>>,
    pub referees: Vec<RefereeInput>,
    pub documents: Vec<Upload>,
    pub answers: Vec<AnswerInput>,
}

const ALREADY_APPLIED: &str = "you have already applied to this vacancy";

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
    let languages = input.languages.as_ref().map_or(0, Vec::len);
    if input.referees.len() > MAX_LIST_ENTRIES || languages > MAX_LIST_ENTRIES {
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

/// Refuses documents that would take the candidate's stored documents past `quota_bytes`.
async fn check_quota(
    db: &DatabaseConnection,
    candidate: i32,
    input: &ApplyInput,
    quota_bytes: u64,
) -> AppResult<()> {
    let adding: u64 = input.documents.iter().map(|d| d.bytes.len() as u64).sum();
    if adding == 0 {
        return Ok(());
    }
    // PostgreSQL sums a bigint column as numeric: cast back so both databases answer a bigint.
    let stored: Option<i64> = application_document::Entity::find()
        .select_only()
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(application_document.size_bytes), 0) AS BIGINT)"),
            "stored",
        )
        .inner_join(application::Entity)
        .filter(application::Column::CandidateId.eq(candidate))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    let stored = u64::try_from(stored.unwrap_or(0)).unwrap_or(0);
    if stored.saturating_add(adding) > quota_bytes {
        return Err(AppError::bad_input(
            "documents",
            format!(
                "your documents would take more than the {} MiB you may keep; withdraw an \
                 application you no longer need, or send smaller files",
                quota_bytes / (1024 * 1024)
            ),
        ));
    }
    Ok(())
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

/// Fills what the input leaves out from the candidate's profile; explicit input wins. What
/// neither gives is refused, naming the field.
async fn prefill(db: &DatabaseConnection, candidate: i32, input: &mut ApplyInput) -> AppResult<()> {
    if let Some(profile) = crate::service::profile::of_account(db, candidate).await? {
        input.residence_country = input
            .residence_country
            .take()
            .or(profile.residence_country.clone());
        input.nationality = input.nationality.take().or(profile.nationality.clone());
        input.education_level = input.education_level.or(profile
            .education_level
            .as_deref()
            .and_then(EducationLevel::parse));
        input.education_field = input
            .education_field
            .take()
            .or(profile.education_field.clone());
        input.years_experience = input.years_experience.or(profile.years_experience);
        input.internal_candidate = input
            .internal_candidate
            .or(Some(profile.internal_candidate));
        if input.languages.is_none() {
            input.languages = Some(
                crate::service::profile::languages(&profile)
                    .into_iter()
                    .map(|(code, level)| (code.as_str().to_owned(), level))
                    .collect(),
            );
        }
    }
    if input.residence_country.is_none() {
        return Err(AppError::bad_input(
            "input.residenceCountry",
            "give your country of residence, or keep it in your profile",
        ));
    }
    if input.years_experience.is_none() {
        return Err(AppError::bad_input(
            "input.yearsExperience",
            "give your years of experience, or keep them in your profile",
        ));
    }
    Ok(())
}

#[tracing::instrument(level = "debug", skip(db, mailer, input))]
/// Applies for the signed-in candidate, and mails the candidate a receipt. `quota_bytes` bounds
/// what the candidate's documents may weigh, all applications together.
///
/// The documents are written to `storage` first, then the application in one transaction; if
/// the transaction fails, the documents just written are deleted again.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    actor: &Actor,
    db: &DatabaseConnection,
    mailer: &Mailer,
    storage: &DocumentStorage,
    quota_bytes: u64,
    mut input: ApplyInput,
) -> AppResult<application::Model> {
    let candidate = policy::apply_as_candidate(actor)?;
    for document in &mut input.documents {
        document.file_name = clean_file_name(&document.file_name);
    }
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
    prefill(db, candidate, &mut input).await?;
    let residence = CountryCode::parse(input.residence_country.as_deref().unwrap_or_default())
        .map_err(|e| AppError::bad_input("input.residenceCountry", e))?;
    let years_experience = input.years_experience.unwrap_or_default();
    if !(0..=70).contains(&years_experience) {
        return Err(AppError::bad_input(
            "input.yearsExperience",
            "years of experience must be between 0 and 70",
        ));
    }
    let education_level = input.education_level.ok_or_else(|| {
        AppError::bad_input(
            "input.educationLevel",
            "give your education level, or keep it in your profile",
        )
    })?;
    let internal_candidate = input.internal_candidate.unwrap_or(false);
    let nationality = match NationalityRule::from_db(&vacancy.nationality_rule)? {
        // Sensitive, and not asked: never stored for a notice without a nationality rule.
        NationalityRule::None => None,
        _ => input
            .nationality
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| {
                CountryCode::parse(n.trim())
                    .map_err(|e| AppError::bad_input("input.nationality", e))
            })
            .transpose()?,
    };
    let mut languages = Vec::new();
    for (i, (code, level)) in input.languages.iter().flatten().enumerate() {
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
    check_quota(db, candidate, &input, quota_bytes).await?;
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
    let answers = form::check_answers(&questions, &input.answers)?;
    let already = application::Entity::find()
        .filter(application::Column::VacancyId.eq(vacancy.id))
        .filter(application::Column::CandidateId.eq(candidate))
        .one(db)
        .await?;
    if already.is_some() {
        return Err(AppError::Conflict(ALREADY_APPLIED.into()));
    }

    let profile = Candidate {
        education_level,
        years_experience,
        languages: languages.clone(),
        residence_country: residence.clone(),
        nationality: nationality.clone(),
        internal: internal_candidate,
    };
    let eligibility = eligibility::assess(&requirements(db, &vacancy).await?, &profile);
    let now = Utc::now();
    let uploads: Vec<&[u8]> = input.documents.iter().map(|d| d.bytes.as_slice()).collect();
    let locations = storage.put_new(&uploads).await?;
    let written: AppResult<application::Model> = async {
        let txn = crate::db::begin_write(db).await?;
        let row = application::ActiveModel {
            vacancy_id: Set(vacancy.id),
            candidate_id: Set(candidate),
            status: Set(ApplicationStatus::Submitted.as_str().to_owned()),
            cover_letter: Set(input.cover_letter.clone().filter(|c| !c.trim().is_empty())),
            internal_candidate: Set(internal_candidate),
            residence_country: Set(residence.as_str().to_owned()),
            nationality: Set(nationality.as_ref().map(|n| n.as_str().to_owned())),
            education_level: Set(education_level.as_str().to_owned()),
            education_field: Set(input.education_field.clone()),
            years_experience: Set(years_experience),
            eligible: Set(Some(eligibility.eligible)),
            unmet: Set(Some(unmet_json(&eligibility))),
            version: Set(1),
            submitted_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .on_unique(ALREADY_APPLIED)?;
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
        for ((doc, (format, hash)), location) in input.documents.iter().zip(formats).zip(&locations)
        {
            let in_row = *location == Location::Database;
            application_document::ActiveModel {
                application_id: Set(row.id),
                kind: Set(doc.kind.as_str().to_owned()),
                file_name: Set(doc.file_name.clone()),
                media_type: Set(format.media_type().to_owned()),
                size_bytes: Set(doc.bytes.len() as i64),
                sha256: Set(hash),
                content: Set(in_row.then(|| doc.bytes.clone())),
                storage_path: Set(location.storage_path()),
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
        queue_receipt(&txn, mailer, &row, &vacancy).await?;
        txn.commit().await?;
        Ok(row)
    }
    .await;
    if written.is_err() {
        Location::discard(&locations).await;
    }
    written
}
