//! How a client narrows a vacancy list.

use async_graphql::{InputObject, Result, ID};
use chrono::{DateTime, Utc};

use crate::domain::{ContractType, CountryCode, GradeCategory, VacancyStatus};
use crate::error::AppError;
use crate::graphql::relay::{decode, global_id, NodeKind};
use crate::service::vacancy::VacancyFilter;

/// Narrows a vacancy list; every field is optional and they combine with AND.
#[derive(InputObject, Default)]
pub struct VacancyFilterInput {
    /// Vacancies of this organisation (global ID).
    organisation_id: Option<ID>,
    /// Vacancies of the organisation with this acronym, in any language (`IOM` or `OIM`).
    organisation: Option<String>,
    /// Vacancies of this project (global ID).
    project_id: Option<ID>,
    /// Vacancies of a project with this code (`ORION`), whichever organisation leads it: a code
    /// is unique within its lead organisation only. With `organisation` (or `organisationId`)
    /// too, that organisation's vacancies on a project with this code; `projectId` names one
    /// project.
    project: Option<String>,
    /// Vacancies with a duty station in this country (ISO 3166-1 alpha-2).
    country: Option<String>,
    /// Vacancies with a duty station in this city (case-insensitive).
    city: Option<String>,
    /// Vacancies of this grade (`G5`, `P4`).
    grade: Option<String>,
    /// Vacancies whose grade is in this category.
    grade_category: Option<GradeCategory>,
    /// Vacancies offering this kind of contract.
    contract_type: Option<ContractType>,
    /// Vacancies in any of these statuses (a published notice past its deadline counts as closed).
    status: Option<Vec<VacancyStatus>>,
    /// Only vacancies accepting applications now.
    open_only: Option<bool>,
    /// Vacancies closing at or after this instant.
    closing_after: Option<DateTime<Utc>>,
    /// Vacancies closing before this instant.
    closing_before: Option<DateTime<Utc>>,
    /// A web-style search. Words must all occur in the notice, in any order, case and accents
    /// ignored (`réintégration` finds `Reintegration`; Arabic without harakat or tatweel, any
    /// alef, `ة`/`ه`, `ى`/`ي`, Arabic-Indic digits as 0-9); the last word, typed plain, may be
    /// the start of one (`coord` finds `Coordonnateur`). `"a phrase"` finds its words in a
    /// row; `-word` and `-"a phrase"` exclude; `OR` (uppercase) between two terms finds
    /// either (`maroc OR tunisie`). A word with punctuation is the phrase of its parts
    /// (`VN-2023/005`). Searches titles, reference, organisation names and every acronym
    /// (`OIM` finds IOM's notices), project code and name, duty stations and countries (code,
    /// English and French name), and the notice's text. At most 200 characters and 12 words;
    /// a search with only exclusions is refused (`BAD_USER_INPUT`).
    search: Option<String>,
    /// Vacancies that are (true) or are not (false) open to the organisation's own staff.
    open_to_internal: Option<bool>,
    /// Vacancies that are (true) or are not (false) open to candidates from outside.
    open_to_external: Option<bool>,
    /// Only open vacancies the signed-in candidate's profile meets: qualification paths,
    /// required languages, residency, nationality and who may apply, by the same rules as the
    /// recruiters' screening. Candidates with a complete profile only: anonymous callers get
    /// `UNAUTHENTICATED`, staff `FORBIDDEN`, an incomplete profile `BAD_USER_INPUT`. At most
    /// 2,000 open vacancies are screened per request: narrow the filter past that.
    eligible_for_me: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
#[error("a vacancy filter cannot be written as JSON: {0}")]
struct FilterJson(String);

impl VacancyFilterInput {
    /// The input that asks for `filter` (its internal criteria aside).
    pub fn from_service(filter: &VacancyFilter) -> Self {
        Self {
            organisation_id: filter
                .organisation_id
                .map(|id| global_id(NodeKind::Organisation, id)),
            organisation: filter.organisation_acronym.clone(),
            project_id: filter.project_id.map(|id| global_id(NodeKind::Project, id)),
            project: filter.project_code.clone(),
            country: filter.country.as_ref().map(|c| c.as_str().to_owned()),
            city: filter.city.clone(),
            grade: filter.grade.clone(),
            grade_category: filter.grade_category,
            contract_type: filter.contract_type,
            status: filter.statuses.clone(),
            open_only: filter.open_only.then_some(true),
            closing_after: filter.closing_after,
            closing_before: filter.closing_before,
            search: filter.search.clone(),
            open_to_internal: filter.open_to_internal,
            open_to_external: filter.open_to_external,
            eligible_for_me: filter.eligible_for_me.then_some(true),
        }
    }

    /// The input as a client would send it, as JSON without the fields left out.
    pub fn to_json(&self) -> Result<serde_json::Value, AppError> {
        let mut json = async_graphql::InputType::to_value(self)
            .into_json()
            .map_err(|e| AppError::internal(FilterJson(e.to_string())))?;
        if let serde_json::Value::Object(fields) = &mut json {
            fields.retain(|_, v| !v.is_null());
        }
        Ok(json)
    }

    pub fn into_service(self) -> Result<VacancyFilter, AppError> {
        let decode_opt =
            |field: &str, kind, id: Option<ID>| id.map(|id| decode(field, kind, &id)).transpose();
        Ok(VacancyFilter {
            search: self.search,
            organisation_id: decode_opt(
                "filter.organisationId",
                NodeKind::Organisation,
                self.organisation_id,
            )?,
            organisation_acronym: self.organisation,
            project_id: decode_opt("filter.projectId", NodeKind::Project, self.project_id)?,
            project_code: self.project,
            competency_id: None,
            country: self
                .country
                .map(|c| {
                    CountryCode::parse(&c).map_err(|e| AppError::bad_input("filter.country", e))
                })
                .transpose()?,
            city: self.city,
            grade: self.grade,
            grade_category: self.grade_category,
            contract_type: self.contract_type,
            statuses: self.status,
            open_only: self.open_only.unwrap_or(false),
            closing_after: self.closing_after,
            closing_before: self.closing_before,
            open_to_internal: self.open_to_internal,
            open_to_external: self.open_to_external,
            eligible_for_me: self.eligible_for_me.unwrap_or(false),
            eligible_ids: None,
            published_after: None,
        })
    }
}
