//! The shape of the demo-data files (see `seed/README.md`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::domain::{
    CompetencyKind, ContractType, DocumentKind, EducationLevel, LanguageLevel, OrganisationKind,
    PartnerRole, Requirement, ResidencyRule, VacancyStatus,
};

/// A TOML local date (`2023-09-07`), which TOML does not hand to serde as a string.
#[derive(Debug, Clone, Copy)]
pub struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        match (value.date, value.time, value.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .map(Date)
                    .ok_or_else(|| serde::de::Error::custom(format!("{value} is not a valid date")))
            }
            _ => Err(serde::de::Error::custom(format!(
                "{value}: expected a plain date (YYYY-MM-DD)"
            ))),
        }
    }
}

/// Text keyed by language code.
pub type Localized<T = String> = BTreeMap<String, T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationsFile {
    pub organisation: Vec<OrganisationSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationSeed {
    pub acronym: String,
    #[serde(default)]
    pub other_acronyms: Vec<AcronymSeed>,
    pub name: Localized,
    pub kind: OrganisationKind,
    pub founded_year: Option<i32>,
    #[serde(default)]
    pub description: Localized,
    pub website: Option<String>,
    pub recruitment_email: Option<String>,
    #[serde(default)]
    pub offices: Vec<OfficeSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcronymSeed {
    pub language: String,
    pub acronym: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeSeed {
    pub name: Option<String>,
    pub city: String,
    pub country: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetenciesFile {
    pub competency: Vec<CompetencySeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetencySeed {
    pub organisation: Option<String>,
    pub code: String,
    pub kind: CompetencyKind,
    pub name: Localized,
    #[serde(default)]
    pub description: Localized,
    #[serde(default)]
    pub indicators: Vec<IndicatorSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSeed {
    pub level: Option<i32>,
    pub language: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectsFile {
    pub project: Vec<ProjectSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSeed {
    pub code: String,
    pub name: Localized,
    #[serde(default)]
    pub description: Localized,
    #[serde(default)]
    pub objectives: Localized<Vec<String>>,
    #[serde(default)]
    pub countries: Vec<String>,
    pub start_on: Option<Date>,
    pub end_on: Option<Date>,
    pub lead_organisation: String,
    #[serde(default)]
    pub partners: Vec<PartnerSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerSeed {
    pub organisation: String,
    pub role: PartnerRole,
    pub note: Option<String>,
    /// For a donor: the acronym of the organisation its funds flow through.
    pub through: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VacancySeed {
    pub reference: String,
    pub external_job_id: Option<String>,
    pub organisation: String,
    pub project: Option<String>,
    /// Codes of the other projects the post serves, in order (looked up like `project`).
    #[serde(default)]
    pub other_projects: Vec<String>,
    pub unit: Option<String>,
    pub authoritative_language: String,
    pub status: VacancyStatus,
    pub grade: Option<String>,
    pub contract_type: Option<ContractType>,
    pub duration_months: Option<i32>,
    pub renewable: Option<bool>,
    #[serde(default = "one")]
    pub positions: i32,
    pub open_to_internal: bool,
    pub open_to_external: bool,
    #[serde(default)]
    pub internal_first: bool,
    pub residency: ResidencyRule,
    pub time_zone: String,
    pub published_on: Option<Date>,
    pub closing_on: Option<Date>,
    pub closing_time: Option<String>,
    pub start_on: Option<Date>,
    #[serde(default)]
    pub start_asap: bool,
    pub apply_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email_subject: Option<String>,
    pub working_language: Option<String>,
    pub job_family: Option<String>,
    pub department: Option<String>,
    pub accommodation_contact: Option<String>,
    #[serde(default)]
    pub duty_stations: Vec<DutyStationSeed>,
    #[serde(default)]
    pub languages: Vec<LanguageSeed>,
    #[serde(default)]
    pub qualification_paths: Vec<QualificationPathSeed>,
    #[serde(default)]
    pub competencies: Vec<VacancyCompetencySeed>,
    #[serde(default)]
    pub required_documents: Vec<DocumentSeed>,
    pub text: BTreeMap<String, VacancyTextSeed>,
}

fn one() -> i32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyStationSeed {
    /// Absent when the duty station is the whole country.
    pub city: Option<String>,
    pub country: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageSeed {
    pub language: String,
    pub level: Option<LanguageLevel>,
    pub requirement: Requirement,
    pub one_of: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualificationPathSeed {
    pub education_level: EducationLevel,
    #[serde(default)]
    pub min_years_experience: i32,
    #[serde(default)]
    pub fields: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VacancyCompetencySeed {
    pub code: String,
    pub level: Option<i32>,
    pub requirement: Requirement,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSeed {
    pub kind: DocumentKind,
    pub count: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VacancyTextSeed {
    pub title: String,
    pub organisation_intro: Option<String>,
    pub context: Option<String>,
    pub reporting_lines: Option<String>,
    pub responsibilities_intro: Option<String>,
    pub how_to_apply: Option<String>,
    pub additional_information: Option<String>,
    #[serde(default)]
    pub responsibilities: Vec<String>,
    #[serde(default)]
    pub experience: Vec<LineSeed>,
    #[serde(default)]
    pub skills: Vec<LineSeed>,
    #[serde(default)]
    pub conditions: Vec<String>,
}

/// An experience or skill line: its text, or a table with its requirement.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum LineSeed {
    Plain(String),
    Marked {
        text: String,
        requirement: Requirement,
    },
}

impl LineSeed {
    pub fn text(&self) -> &str {
        match self {
            Self::Plain(text) | Self::Marked { text, .. } => text,
        }
    }

    pub fn requirement(&self) -> Option<Requirement> {
        match self {
            Self::Plain(_) => None,
            Self::Marked { requirement, .. } => Some(*requirement),
        }
    }
}
