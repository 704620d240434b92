//! A candidate's profile: what they state once (residence, education, experience, languages,
//! whether they are staff, and their nationality only if they choose to give it), so that
//! applications are pre-filled and vacancies can be screened for them (`eligibleForMe`).
//!
//! One row per candidate account, replaced as a whole by `update`, with `version` for
//! concurrent edits. Nationality is sensitive: it is never logged (no `Debug` of the input in
//! spans), and erasure deletes the row.

use chrono::Utc;
use entity::candidate_profile;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::json;

use crate::auth::Actor;
use crate::domain::eligibility::Candidate;
use crate::domain::{CountryCode, EducationLevel, LanguageCode, LanguageLevel};
use crate::error::{AppError, AppResult};
use crate::policy;

/// Most languages a profile lists.
const MAX_LANGUAGES: usize = 20;
/// Longest field of education.
const MAX_FIELD_CHARS: usize = 255;

/// What a candidate states about themselves; every field may be left out.
#[derive(Clone, Default)]
pub struct ProfileInput {
    pub residence_country: Option<String>,
    pub nationality: Option<String>,
    pub education_level: Option<EducationLevel>,
    pub education_field: Option<String>,
    pub years_experience: Option<i32>,
    pub languages: Vec<(String, LanguageLevel)>,
    pub internal_candidate: bool,
}

/// The signed-in candidate's profile, if they keep one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mine(
    actor: &Actor,
    db: &impl ConnectionTrait,
) -> AppResult<Option<candidate_profile::Model>> {
    let account = policy::keep_candidate_profile(actor)?;
    of_account(db, account).await
}

/// The profile of `account_id`, if any (no policy: callers decide).
pub async fn of_account(
    db: &impl ConnectionTrait,
    account_id: i32,
) -> AppResult<Option<candidate_profile::Model>> {
    Ok(candidate_profile::Entity::find()
        .filter(candidate_profile::Column::AccountId.eq(account_id))
        .one(db)
        .await?)
}

fn country(field: &str, code: Option<String>) -> AppResult<Option<CountryCode>> {
    code.filter(|c| !c.trim().is_empty())
        .map(|c| CountryCode::parse(c.trim()).map_err(|e| AppError::bad_input(field, e)))
        .transpose()
}

/// Replaces the signed-in candidate's profile. `version` is the one read: leave it out only to
/// create the profile; a stale one is `CONFLICT`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    actor: &Actor,
    db: &DatabaseConnection,
    version: Option<i32>,
    input: ProfileInput,
) -> AppResult<candidate_profile::Model> {
    let account = policy::keep_candidate_profile(actor)?;
    let residence = country("input.residenceCountry", input.residence_country)?;
    let nationality = country("input.nationality", input.nationality)?;
    if let Some(years) = input.years_experience {
        if !(0..=70).contains(&years) {
            return Err(AppError::bad_input(
                "input.yearsExperience",
                "years of experience must be between 0 and 70",
            ));
        }
    }
    let field = input
        .education_field
        .map(|f| f.trim().to_owned())
        .filter(|f| !f.is_empty());
    if field
        .as_ref()
        .is_some_and(|f| f.chars().count() > MAX_FIELD_CHARS)
    {
        return Err(AppError::bad_input(
            "input.educationField",
            format!("at most {MAX_FIELD_CHARS} characters"),
        ));
    }
    if input.languages.len() > MAX_LANGUAGES {
        return Err(AppError::bad_input(
            "input.languages",
            format!("at most {MAX_LANGUAGES} languages"),
        ));
    }
    let mut languages = Vec::new();
    for (i, (code, level)) in input.languages.iter().enumerate() {
        let code = LanguageCode::parse(code)
            .map_err(|e| AppError::bad_input(format!("input.languages[{i}].language"), e))?;
        languages.push(json!({ "language": code.as_str(), "level": level.as_str() }));
    }
    let fields = candidate_profile::ActiveModel {
        residence_country: Set(residence.map(|c| c.as_str().to_owned())),
        nationality: Set(nationality.map(|c| c.as_str().to_owned())),
        education_level: Set(input.education_level.map(|l| l.as_str().to_owned())),
        education_field: Set(field),
        years_experience: Set(input.years_experience),
        languages: Set(json!(languages)),
        internal_candidate: Set(input.internal_candidate),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db).await?;
    let saved = match (of_account(&txn, account).await?, version) {
        (None, None) => candidate_profile::ActiveModel {
            account_id: Set(account),
            version: Set(1),
            created_at: Set(Utc::now()),
            ..fields
        }
        .insert(&txn)
        .await
        // Two first saves at once: the unique account index lets one through.
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::stale("profile"),
            other => other,
        })?,
        (Some(row), Some(version)) if row.version == version => {
            let updated = candidate_profile::Entity::update_many()
                .set(candidate_profile::ActiveModel {
                    version: Set(version + 1),
                    ..fields
                })
                .filter(candidate_profile::Column::Id.eq(row.id))
                .filter(candidate_profile::Column::Version.eq(version))
                .exec(&txn)
                .await?;
            if updated.rows_affected != 1 {
                return Err(AppError::stale("profile"));
            }
            candidate_profile::Entity::find_by_id(row.id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound("profile"))?
        }
        (None, Some(_)) => return Err(AppError::NotFound("profile")),
        (Some(_), _) => return Err(AppError::stale("profile")),
    };
    txn.commit().await?;
    Ok(saved)
}

/// The languages a profile lists, in its order.
pub fn languages(row: &candidate_profile::Model) -> Vec<(LanguageCode, LanguageLevel)> {
    row.languages
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some((
                LanguageCode::parse(l.get("language")?.as_str()?).ok()?,
                LanguageLevel::parse(l.get("level")?.as_str()?)?,
            ))
        })
        .collect()
}

/// The profile as the eligibility check reads it; `None` until it states a residence country,
/// an education level and years of experience (the rules cannot be judged without them).
pub fn as_candidate(row: &candidate_profile::Model) -> Option<Candidate> {
    Some(Candidate {
        education_level: EducationLevel::parse(row.education_level.as_deref()?)?,
        years_experience: row.years_experience?,
        languages: languages(row),
        residence_country: CountryCode::parse(row.residence_country.as_deref()?).ok()?,
        nationality: row
            .nationality
            .as_deref()
            .and_then(|c| CountryCode::parse(c).ok()),
        internal: row.internal_candidate,
    })
}

/// The account whose profile screens vacancies for the caller: a signed-in candidate's, else
/// none (anonymous callers and staff see no `Vacancy.eligibility`).
pub fn screener(actor: &Actor) -> Option<i32> {
    policy::screen_for_me(actor).ok()
}

/// The signed-in candidate as the eligibility check reads them, for screening vacancies on
/// their behalf: candidates only, with a complete profile (`field` names the argument asking).
pub async fn screening_candidate(
    actor: &Actor,
    db: &impl ConnectionTrait,
    field: &str,
) -> AppResult<Candidate> {
    let account = policy::screen_for_me(actor)?;
    of_account(db, account)
        .await?
        .as_ref()
        .and_then(as_candidate)
        .ok_or_else(|| {
            AppError::bad_input(
                field,
                "complete your profile first (updateMyProfile): residence country, education \
                 level and years of experience",
            )
        })
}

/// The profile as `myData` shows it.
pub fn own_data(row: &candidate_profile::Model) -> serde_json::Value {
    json!({
        "residenceCountry": row.residence_country,
        "nationality": row.nationality,
        "educationLevel": row.education_level,
        "educationField": row.education_field,
        "yearsExperience": row.years_experience,
        "languages": row.languages,
        "internalCandidate": row.internal_candidate,
        "version": row.version,
        "createdAt": row.created_at,
        "updatedAt": row.updated_at,
    })
}

/// Deletes the profile of `account_id` (erasure), on the caller's transaction.
pub async fn delete_for(conn: &impl ConnectionTrait, account_id: i32) -> AppResult<()> {
    candidate_profile::Entity::delete_many()
        .filter(candidate_profile::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}
