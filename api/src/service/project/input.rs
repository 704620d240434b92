//! What a project write receives, checked: its code, objectives, countries, partners and dates.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::domain::names::Translation;
use crate::domain::{CountryCode, LanguageCode, PartnerRole};
use crate::error::{AppError, AppResult};
use crate::service::fields::{optional_text, required_text, MAX_TEXT};

use super::MAX_CODE;

/// A project's objectives in one language, in order.
#[derive(Debug, Clone)]
pub struct ObjectivesInput {
    pub language: LanguageCode,
    pub items: Vec<String>,
}

/// An organisation's part in a project.
#[derive(Debug, Clone)]
pub struct PartnerInput {
    pub organisation_id: i32,
    pub role: PartnerRole,
    pub note: Option<String>,
    /// For a donor: the organisation its funds flow through (a fund manager).
    pub through_organisation_id: Option<i32>,
}

/// A new project, as received (IDs and codes already parsed).
#[derive(Debug, Clone)]
pub struct NewProject {
    pub code: String,
    pub name_en: String,
    pub name_fr: String,
    pub description_en: Option<String>,
    pub description_fr: Option<String>,
    /// Names and descriptions in languages other than English and French.
    pub translations: Vec<Translation>,
    pub objectives: Vec<ObjectivesInput>,
    pub countries: Vec<CountryCode>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub lead_organisation_id: i32,
    pub partners: Vec<PartnerInput>,
}

/// Changes to a project: `None` leaves a field as it is; `Some(None)` clears an optional field;
/// a list given replaces the stored one.
#[derive(Debug, Clone, Default)]
pub struct ProjectChanges {
    pub code: Option<String>,
    pub name_en: Option<String>,
    pub name_fr: Option<String>,
    pub description_en: Option<Option<String>>,
    pub description_fr: Option<Option<String>>,
    /// Names and descriptions in other languages, replacing the stored ones.
    pub translations: Option<Vec<Translation>>,
    pub objectives: Option<Vec<ObjectivesInput>>,
    pub countries: Option<Vec<CountryCode>>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
    pub lead_organisation_id: Option<i32>,
    pub partners: Option<Vec<PartnerInput>>,
}

pub(super) fn code(value: &str) -> AppResult<String> {
    Ok(required_text("input.code", value, MAX_CODE)?.to_uppercase())
}

/// Objectives as stored: `{"fr": ["…", "…"]}`, or nothing when none is given.
pub(super) fn objectives(input: &[ObjectivesInput]) -> AppResult<Option<Value>> {
    let mut by_language = Map::new();
    for (i, group) in input.iter().enumerate() {
        let language = group.language.as_str();
        if by_language.contains_key(language) {
            return Err(AppError::bad_input(
                format!("input.objectives[{i}].language"),
                format!("objectives in {language} are given twice"),
            ));
        }
        let items = group
            .items
            .iter()
            .enumerate()
            .map(|(j, item)| {
                required_text(&format!("input.objectives[{i}].items[{j}]"), item, MAX_TEXT)
                    .map(Value::String)
            })
            .collect::<AppResult<Vec<_>>>()?;
        if !items.is_empty() {
            by_language.insert(language.to_owned(), Value::Array(items));
        }
    }
    Ok((!by_language.is_empty()).then_some(Value::Object(by_language)))
}

pub(super) fn countries(input: &[CountryCode]) -> AppResult<Vec<String>> {
    let mut codes: Vec<String> = Vec::with_capacity(input.len());
    for (i, country) in input.iter().enumerate() {
        if codes.iter().any(|c| c == country.as_str()) {
            return Err(AppError::bad_input(
                format!("input.countries[{i}]"),
                format!("{country} is given twice"),
            ));
        }
        codes.push(country.as_str().to_owned());
    }
    Ok(codes)
}

/// A partner as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Partner {
    pub(super) organisation_id: i32,
    pub(super) role: String,
    pub(super) note: Option<String>,
    pub(super) through_organisation_id: Option<i32>,
}

pub(super) fn partners(input: &[PartnerInput]) -> AppResult<Vec<Partner>> {
    let mut partners: Vec<Partner> = Vec::with_capacity(input.len());
    for (i, p) in input.iter().enumerate() {
        let role = p.role.as_str().to_owned();
        if partners
            .iter()
            .any(|q| q.organisation_id == p.organisation_id && q.role == role)
        {
            return Err(AppError::bad_input(
                format!("input.partners[{i}]"),
                format!("this organisation is already a {role} partner"),
            ));
        }
        if let Some(through) = p.through_organisation_id {
            let field = format!("input.partners[{i}].throughOrganisationId");
            if p.role != PartnerRole::Donor {
                return Err(AppError::bad_input(
                    field,
                    "only a donor's funds flow through another organisation",
                ));
            }
            if through == p.organisation_id {
                return Err(AppError::bad_input(
                    field,
                    "a donor's funds flow through another organisation than itself",
                ));
            }
        }
        partners.push(Partner {
            organisation_id: p.organisation_id,
            through_organisation_id: p.through_organisation_id,
            role,
            note: optional_text(
                &format!("input.partners[{i}].note"),
                p.note.as_deref(),
                MAX_TEXT,
            )?,
        });
    }
    Ok(partners)
}

pub(super) fn check_dates(start: Option<NaiveDate>, end: Option<NaiveDate>) -> AppResult<()> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(AppError::bad_input(
            "input.endDate",
            "`endDate` must not be earlier than `startDate`",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field_of(error: AppError) -> String {
        match error {
            AppError::BadUserInput { field, .. } => field,
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    #[test]
    fn objectives_are_stored_by_language() {
        let stored = objectives(&[ObjectivesInput {
            language: LanguageCode::parse("fr").unwrap(),
            items: vec!["Renforcer".into(), " Protéger ".into()],
        }])
        .unwrap();
        assert_eq!(stored, Some(json!({ "fr": ["Renforcer", "Protéger"] })));
        assert_eq!(objectives(&[]).unwrap(), None);
        let blank = objectives(&[ObjectivesInput {
            language: LanguageCode::parse("fr").unwrap(),
            items: vec!["ok".into(), " ".into()],
        }]);
        assert_eq!(field_of(blank.unwrap_err()), "input.objectives[0].items[1]");
    }

    #[test]
    fn countries_and_partners_are_not_repeated() {
        let ma = CountryCode::parse("MA").unwrap();
        assert_eq!(
            field_of(countries(&[ma.clone(), ma]).unwrap_err()),
            "input.countries[1]"
        );
        let partner = PartnerInput {
            organisation_id: 1,
            role: PartnerRole::Donor,
            note: None,
            through_organisation_id: None,
        };
        assert_eq!(
            field_of(partners(&[partner.clone(), partner]).unwrap_err()),
            "input.partners[1]"
        );
    }

    #[test]
    fn a_project_does_not_end_before_it_starts() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 1, d).unwrap();
        assert!(check_dates(Some(day(1)), Some(day(1))).is_ok());
        assert_eq!(
            field_of(check_dates(Some(day(2)), Some(day(1))).unwrap_err()),
            "input.endDate"
        );
        assert!(check_dates(None, Some(day(1))).is_ok());
    }
}
