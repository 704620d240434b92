//! A vacancy notice as written by an agency: the raw input, its validation (every refusal names
//! the offending field), and reading a stored notice back in the same shape.

use chrono::{DateTime, NaiveDate, Utc};
use entity::vacancy;
use sea_orm::ConnectionTrait;

use crate::domain::{
    ContractType, DocumentKind, EducationLevel, ItemSection, LanguageLevel, NationalityRule,
    Requirement, ResidencyRule,
};
use crate::error::AppResult;
use crate::service::application::form::Question;
use crate::service::vacancy::children::{Tables, VacancyChildren};
pub use crate::service::vacancy::input::{
    parse_reference, ClosingInput, CompetencyInput, DocumentInput, DutyStationInput, LanguageInput,
    NoticeInput, QualificationPathInput, TextInput,
};

/// An experience or skill line, and whether the notice requires it ("obligatoire") or counts
/// it as a plus ("un atout"); `None` when the notice does not say.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NoticeLine {
    pub text: String,
    pub requirement: Option<Requirement>,
}

impl From<String> for NoticeLine {
    fn from(text: String) -> Self {
        Self {
            text,
            requirement: None,
        }
    }
}

/// A language requirement: (code, level, requirement, alternatives group, the notice's wording).
pub type NoticeLanguage = (
    String,
    Option<LanguageLevel>,
    Requirement,
    Option<i32>,
    Option<String>,
);

/// A validated notice, ready to store. Equal notices store identical rows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Notice {
    pub reference: String,
    pub external_job_id: Option<String>,
    pub project_id: Option<i32>,
    /// The other projects the post serves, in order.
    pub other_project_ids: Vec<i32>,
    pub unit: Option<String>,
    pub authoritative_language: String,
    pub grade: Option<String>,
    pub grade_category: Option<String>,
    pub contract_type: Option<ContractType>,
    pub duration_months: Option<i32>,
    pub renewable: Option<bool>,
    pub positions: i32,
    pub open_to_internal: bool,
    pub open_to_external: bool,
    pub internal_first: bool,
    pub residency: ResidencyRule,
    pub nationality: NationalityRule,
    /// ISO codes of a `LISTED_COUNTRIES` rule, in the notice's order.
    pub nationality_countries: Vec<String>,
    pub time_zone: String,
    pub closing_at: Option<DateTime<Utc>>,
    pub start_on: Option<NaiveDate>,
    pub start_asap: bool,
    pub apply_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email_subject: Option<String>,
    pub working_language: Option<String>,
    pub job_family: Option<String>,
    pub department: Option<String>,
    pub accommodation_contact: Option<String>,
    pub stated_publication_date: Option<NaiveDate>,
    /// (city, country code); no city when the duty station is the whole country.
    pub duty_stations: Vec<(Option<String>, String)>,
    pub languages: Vec<NoticeLanguage>,
    pub qualification_paths: Vec<(EducationLevel, i32, Vec<String>, Option<String>)>,
    pub competencies: Vec<(i32, Option<i32>, Requirement)>,
    pub documents: Vec<(DocumentKind, Option<i32>, Option<String>)>,
    pub texts: Vec<NoticeText>,
    /// The notice's own application form.
    pub questions: Vec<Question>,
}

/// A notice's text in one language; list sections keep their order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NoticeText {
    pub language: String,
    pub title: String,
    pub organisation_intro: Option<String>,
    pub context: Option<String>,
    pub reporting_lines: Option<String>,
    pub responsibilities_intro: Option<String>,
    pub how_to_apply: Option<String>,
    pub additional_information: Option<String>,
    pub responsibilities: Vec<String>,
    pub experience: Vec<NoticeLine>,
    pub skills: Vec<NoticeLine>,
    pub conditions: Vec<String>,
}

impl NoticeText {
    /// A list section's lines in order, each with its requirement when it has one.
    pub fn lines(&self, section: ItemSection) -> Vec<(&str, Option<Requirement>)> {
        let (plain, marked) = match section {
            ItemSection::Responsibility => (&self.responsibilities[..], &[][..]),
            ItemSection::Experience => (&[][..], &self.experience[..]),
            ItemSection::Skill => (&[][..], &self.skills[..]),
            ItemSection::Condition => (&self.conditions[..], &[][..]),
        };
        plain
            .iter()
            .map(|t| (t.as_str(), None))
            .chain(marked.iter().map(|l| (l.text.as_str(), l.requirement)))
            .collect()
    }
}

/// Reads a stored notice back in the shape validation produces, to compare or copy it.
#[tracing::instrument(level = "debug", skip(db, row))]
pub async fn load(db: &impl ConnectionTrait, row: &vacancy::Model) -> AppResult<Notice> {
    let VacancyChildren {
        texts,
        items,
        duty_stations: stations,
        languages,
        qualification_paths: paths,
        competencies,
        documents,
        questions,
        projects,
    } = VacancyChildren::load_one(db, row.id, Tables::ALL).await?;
    let section_items = |language: &str, section: ItemSection| -> Vec<String> {
        items
            .iter()
            .filter(|i| i.language == language && i.section == section.as_str())
            .map(|i| i.text.clone())
            .collect()
    };
    let section_lines = |language: &str, section: ItemSection| -> AppResult<Vec<NoticeLine>> {
        items
            .iter()
            .filter(|i| i.language == language && i.section == section.as_str())
            .map(|i| {
                Ok(NoticeLine {
                    text: i.text.clone(),
                    requirement: i
                        .requirement
                        .as_deref()
                        .map(Requirement::from_db)
                        .transpose()?,
                })
            })
            .collect()
    };
    Ok(Notice {
        reference: row.reference.clone(),
        external_job_id: row.external_job_id.clone(),
        project_id: row.project_id,
        other_project_ids: projects.into_iter().map(|p| p.project_id).collect(),
        unit: row.unit.clone(),
        authoritative_language: row.authoritative_language.clone(),
        grade: row.grade.clone(),
        grade_category: row.grade_category.clone(),
        contract_type: row
            .contract_type
            .as_deref()
            .map(ContractType::from_db)
            .transpose()?,
        duration_months: row.duration_months,
        renewable: row.renewable,
        positions: row.positions,
        open_to_internal: row.open_to_internal,
        open_to_external: row.open_to_external,
        internal_first: row.internal_first,
        residency: ResidencyRule::from_db(&row.residency)?,
        nationality: NationalityRule::from_db(&row.nationality_rule)?,
        nationality_countries: crate::service::application::nationality_countries(row)
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        time_zone: row.time_zone.clone(),
        closing_at: row.closing_at,
        start_on: row.start_on,
        start_asap: row.start_asap,
        apply_email: row.apply_email.clone(),
        apply_url: row.apply_url.clone(),
        apply_email_subject: row.apply_email_subject.clone(),
        working_language: row.working_language.clone(),
        job_family: row.job_family.clone(),
        department: row.department.clone(),
        accommodation_contact: row.accommodation_contact.clone(),
        stated_publication_date: row.stated_publication_date,
        duty_stations: stations
            .into_iter()
            .map(|s| (s.city, s.country_code))
            .collect(),
        languages: languages
            .into_iter()
            .map(|l| {
                Ok((
                    l.language_code,
                    l.level.as_deref().map(LanguageLevel::from_db).transpose()?,
                    Requirement::from_db(&l.requirement)?,
                    l.one_of,
                    l.note,
                ))
            })
            .collect::<AppResult<_>>()?,
        qualification_paths: paths
            .into_iter()
            .map(|q| {
                Ok((
                    EducationLevel::from_db(&q.education_level)?,
                    q.min_years_experience,
                    serde_json::from_value(q.fields).unwrap_or_default(),
                    q.description,
                ))
            })
            .collect::<AppResult<_>>()?,
        competencies: competencies
            .into_iter()
            .map(|c| {
                Ok((
                    c.competency_id,
                    c.level,
                    Requirement::from_db(&c.requirement)?,
                ))
            })
            .collect::<AppResult<_>>()?,
        documents: documents
            .into_iter()
            .map(|d| Ok((DocumentKind::from_db(&d.kind)?, d.count, d.note)))
            .collect::<AppResult<_>>()?,
        texts: texts
            .into_iter()
            .map(|t| {
                Ok(NoticeText {
                    responsibilities: section_items(&t.language, ItemSection::Responsibility),
                    experience: section_lines(&t.language, ItemSection::Experience)?,
                    skills: section_lines(&t.language, ItemSection::Skill)?,
                    conditions: section_items(&t.language, ItemSection::Condition),
                    language: t.language,
                    title: t.title,
                    organisation_intro: t.organisation_intro,
                    context: t.context,
                    reporting_lines: t.reporting_lines,
                    responsibilities_intro: t.responsibilities_intro,
                    how_to_apply: t.how_to_apply,
                    additional_information: t.additional_information,
                })
            })
            .collect::<AppResult<_>>()?,
        questions: questions.iter().filter_map(Question::from_row).collect(),
    })
}

impl Notice {
    /// What a notice still lacks before it can be published, as (field, problem) pairs.
    pub fn missing_for_publication(&self, now: DateTime<Utc>) -> Vec<(&'static str, &'static str)> {
        let mut missing = Vec::new();
        match self.closing_at {
            None => missing.push(("input.closingAt", "a closing date")),
            Some(at) if at <= now => {
                missing.push(("input.closingAt", "a closing date in the future"))
            }
            Some(_) => {}
        }
        if self.duty_stations.is_empty() {
            missing.push(("input.dutyStations", "at least one duty station"));
        }
        let authoritative = self
            .texts
            .iter()
            .find(|t| t.language == self.authoritative_language);
        if authoritative.is_none_or(|t| t.responsibilities.is_empty()) {
            missing.push((
                "input.texts",
                "responsibilities in the authoritative language",
            ));
        }
        if self.qualification_paths.is_empty() {
            missing.push((
                "input.qualificationPaths",
                "at least one qualification path",
            ));
        }
        if self.languages.is_empty() {
            missing.push(("input.languages", "at least one language requirement"));
        }
        missing
    }
}
