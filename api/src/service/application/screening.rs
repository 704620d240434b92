//! What the eligibility check reads: a vacancy's requirements and an application's profile.

use std::collections::{HashMap, HashSet};

use entity::{
    application, application_language, vacancy, vacancy_duty_station, vacancy_language,
    vacancy_qualification_path,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use super::{vacancy_of, BadRow};
use crate::domain::eligibility::{
    self, Candidate, Eligibility, LanguageRequirement, PathRequirement, Requirements,
};
use crate::domain::{
    CountryCode, EducationLevel, LanguageCode, LanguageLevel, NationalityRule, Requirement,
    ResidencyRule,
};
use crate::error::{AppError, AppResult};
use crate::service::vacancy::children::{Tables, VacancyChildren};

/// The requirements of a vacancy, as the eligibility check reads them.
#[tracing::instrument(level = "debug", skip(db, row))]
pub async fn requirements(
    db: &impl ConnectionTrait,
    row: &vacancy::Model,
) -> AppResult<Requirements> {
    let children = VacancyChildren::load_one(db, row.id, Tables::REQUIREMENTS).await?;
    requirements_from(
        row,
        children.qualification_paths,
        children.languages,
        children.duty_stations,
    )
}

/// The requirements of many vacancies, in three statements whatever their number.
#[tracing::instrument(level = "debug", skip(db, rows))]
pub async fn requirements_of_many(
    db: &impl ConnectionTrait,
    rows: &[vacancy::Model],
) -> AppResult<HashMap<i32, Requirements>> {
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let mut children = VacancyChildren::load(db, &ids, Tables::REQUIREMENTS).await?;
    rows.iter()
        .map(|row| {
            let own = children.remove(&row.id).unwrap_or_default();
            let requirements = requirements_from(
                row,
                own.qualification_paths,
                own.languages,
                own.duty_stations,
            )?;
            Ok((row.id, requirements))
        })
        .collect()
}

/// The requirements of `row` from its children (as the per-request loaders hold them).
pub fn requirements_from(
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
        nationality: NationalityRule::from_db(&row.nationality_rule)?,
        nationality_countries: nationality_countries(row),
        duty_station_countries: stations
            .into_iter()
            .filter_map(|s| CountryCode::parse(&s.country_code).ok())
            .collect(),
        open_to_internal: row.open_to_internal,
        open_to_external: row.open_to_external,
    })
}

/// The countries a `LISTED_COUNTRIES` nationality rule names (a JSON array of ISO codes).
pub fn nationality_countries(row: &vacancy::Model) -> Vec<CountryCode> {
    row.nationality_countries
        .as_deref()
        .and_then(|json| serde_json::from_str::<Vec<String>>(json).ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|code| CountryCode::parse(code).ok())
        .collect()
}

/// The application as the eligibility check reads it.
#[tracing::instrument(level = "debug", skip(db, row))]
pub async fn candidate_profile(
    db: &impl ConnectionTrait,
    row: &application::Model,
) -> AppResult<Candidate> {
    let languages = application_language::Entity::find()
        .filter(application_language::Column::ApplicationId.eq(row.id))
        .all(db)
        .await?;
    candidate_from(row, languages)
}

/// The application as the eligibility check reads it, from its declared languages.
fn candidate_from(
    row: &application::Model,
    languages: Vec<application_language::Model>,
) -> AppResult<Candidate> {
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
        nationality: row
            .nationality
            .as_deref()
            .and_then(|code| CountryCode::parse(code).ok()),
        internal: row.internal_candidate,
    })
}

/// Screens, in memory, the applications among `rows` that have no stored outcome (submitted
/// before outcomes were stored), all at once: a page of them costs the same few statements
/// whatever its size, where [`eligibility_of`] would read each one's vacancy, requirements and
/// languages. Callers have checked that the caller may read these applications.
#[tracing::instrument(level = "debug", skip(db, rows))]
pub async fn screen_unscreened<'a>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = &'a mut application::Model>,
) -> AppResult<()> {
    let mut pending: Vec<&mut application::Model> = rows
        .into_iter()
        .filter(|row| row.eligible.is_none() || row.unmet.is_none())
        .collect();
    if pending.is_empty() {
        return Ok(());
    }
    let vacancy_ids: HashSet<i32> = pending.iter().map(|row| row.vacancy_id).collect();
    let vacancies = vacancy::Entity::find()
        .filter(vacancy::Column::Id.is_in(vacancy_ids))
        .all(db)
        .await?;
    let requirements = requirements_of_many(db, &vacancies).await?;
    let mut languages: HashMap<i32, Vec<application_language::Model>> = HashMap::new();
    for language in application_language::Entity::find()
        .filter(application_language::Column::ApplicationId.is_in(pending.iter().map(|r| r.id)))
        .all(db)
        .await?
    {
        languages
            .entry(language.application_id)
            .or_default()
            .push(language);
    }
    for row in &mut pending {
        let requirements = requirements.get(&row.vacancy_id).ok_or_else(|| {
            AppError::internal(BadRow(format!("application {} lost its vacancy", row.id)))
        })?;
        let candidate = candidate_from(row, languages.remove(&row.id).unwrap_or_default())?;
        let outcome = eligibility::assess(requirements, &candidate);
        row.eligible = Some(outcome.eligible);
        row.unmet = Some(unmet_json(&outcome));
    }
    Ok(())
}

pub(crate) fn unmet_json(eligibility: &Eligibility) -> serde_json::Value {
    json!(eligibility
        .unmet
        .iter()
        .map(|u| json!({ "kind": u.kind.as_str(), "message": u.message }))
        .collect::<Vec<_>>())
}

/// The screening outcome: as stored when the application was submitted, or computed now for a
/// row that has none.
#[tracing::instrument(level = "debug", skip(db, row))]
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
