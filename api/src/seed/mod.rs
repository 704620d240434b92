//! Demo data built from the five vacancy notices in `seed/`, loaded idempotently: rows that
//! already exist (by acronym, code within the organisation, or reference) are left as they are.

mod model;
pub mod samples;
pub mod synthetic;

use std::fmt;

use chrono::{NaiveTime, Utc};
use chrono_tz::Tz;
use entity::{
    competency, competency_indicator, office, organisation, organisation_acronym, project,
    project_country, project_partner, vacancy, vacancy_competency, vacancy_document,
    vacancy_duty_station, vacancy_item, vacancy_language, vacancy_project,
    vacancy_qualification_path, vacancy_text,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, Set,
};
use serde::de::DeserializeOwned;

use crate::domain::names::Translation;
use crate::domain::{
    closing_instant, start_of_day, CountryCode, Grade, ItemSection, LanguageCode, Requirement,
};
use model::*;

const ORGANISATIONS: &str = include_str!("../../../seed/organisations.toml");
const COMPETENCIES: &str = include_str!("../../../seed/competencies.toml");
const PROJECTS: &str = include_str!("../../../seed/projects.toml");
const VACANCIES: &[(&str, &str)] = &[
    (
        "iom-vn-2023-005.toml",
        include_str!("../../../seed/vacancies/iom-vn-2023-005.toml"),
    ),
    (
        "iom-lmi-maroc-2025.toml",
        include_str!("../../../seed/vacancies/iom-lmi-maroc-2025.toml"),
    ),
    (
        "iom-mecc-tunisie-2025.toml",
        include_str!("../../../seed/vacancies/iom-mecc-tunisie-2025.toml"),
    ),
    (
        "iom-orion-2019.toml",
        include_str!("../../../seed/vacancies/iom-orion-2019.toml"),
    ),
    (
        "ilo-alg-dc-p-2025-03.toml",
        include_str!("../../../seed/vacancies/ilo-alg-dc-p-2025-03.toml"),
    ),
    (
        "iom-avrr-intern.toml",
        include_str!("../../../seed/vacancies/iom-avrr-intern.toml"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed file {file}: {source}")]
    Parse {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("seed data: {0}")]
    Invalid(String),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// How many rows of each kind a run inserted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub organisations: usize,
    pub competencies: usize,
    pub projects: usize,
    pub vacancies: usize,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seeded {} organisations, {} competencies, {} projects, {} vacancies",
            self.organisations, self.competencies, self.projects, self.vacancies
        )
    }
}

fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, SeedError> {
    toml::from_str(text).map_err(|source| SeedError::Parse {
        file: file.to_owned(),
        source,
    })
}

fn invalid(message: impl Into<String>) -> SeedError {
    SeedError::Invalid(message.into())
}

/// Whether the database holds no organisation yet (a fresh install).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(organisation::Entity::find().count(db).await? == 0)
}

/// What the first start of an empty database loads: the demo data, and in development the
/// sample notices too (`samples`, whose closing dates follow `now`).
pub async fn first_start(
    db: &DatabaseConnection,
    with_samples: bool,
    now: chrono::DateTime<Utc>,
) -> Result<(SeedReport, usize), SeedError> {
    let report = load_demo(db).await?;
    let samples = if with_samples {
        samples::load(db, now).await?
    } else {
        0
    };
    Ok((report, samples))
}

/// Loads every demo file in one transaction.
pub async fn load_demo(db: &DatabaseConnection) -> Result<SeedReport, SeedError> {
    let organisations: OrganisationsFile = parse("organisations.toml", ORGANISATIONS)?;
    let competencies: CompetenciesFile = parse("competencies.toml", COMPETENCIES)?;
    let projects: ProjectsFile = parse("projects.toml", PROJECTS)?;
    let vacancies = VACANCIES
        .iter()
        .map(|(file, text)| parse::<VacancySeed>(file, text))
        .collect::<Result<Vec<_>, _>>()?;

    let txn = crate::db::begin_write(db).await?;
    let mut report = SeedReport::default();
    for org in &organisations.organisation {
        report.organisations += usize::from(insert_organisation(&txn, org).await?);
    }
    for comp in &competencies.competency {
        report.competencies += usize::from(insert_competency(&txn, comp).await?);
    }
    for proj in &projects.project {
        report.projects += usize::from(insert_project(&txn, proj).await?);
    }
    for vac in &vacancies {
        report.vacancies += usize::from(insert_vacancy(&txn, vac).await?);
    }
    crate::service::vacancy::search_document::refresh_all(&txn).await?;
    txn.commit().await?;
    Ok(report)
}

fn name_in(names: &Localized, language: &str, what: &str) -> Result<String, SeedError> {
    names
        .get(language)
        .cloned()
        .ok_or_else(|| invalid(format!("{what} has no {language} name")))
}

/// The names and descriptions in languages other than English and French, as stored.
fn translations(
    names: &Localized,
    descriptions: &Localized,
    what: &str,
) -> Result<Option<serde_json::Value>, SeedError> {
    let mut list = Vec::new();
    for (code, name) in names
        .iter()
        .filter(|(l, _)| !matches!(l.as_str(), "en" | "fr"))
    {
        list.push(Translation {
            language: LanguageCode::parse(code).map_err(invalid)?,
            name: name.clone(),
            description: descriptions.get(code).cloned(),
        });
    }
    if let Some(code) = descriptions
        .keys()
        .find(|l| !matches!(l.as_str(), "en" | "fr") && !names.contains_key(*l))
    {
        return Err(invalid(format!(
            "{what} has a {code} description but no {code} name"
        )));
    }
    Ok(crate::domain::names::to_stored(&list))
}

fn country(code: &str) -> Result<String, SeedError> {
    CountryCode::parse(code)
        .map(|c| c.as_str().to_owned())
        .map_err(invalid)
}

fn language(code: &str) -> Result<String, SeedError> {
    LanguageCode::parse(code)
        .map(|c| c.as_str().to_owned())
        .map_err(invalid)
}

async fn organisation_id(db: &impl ConnectionTrait, acronym: &str) -> Result<i32, SeedError> {
    organisation_acronym::Entity::find()
        .filter(organisation_acronym::Column::Acronym.eq(acronym.to_uppercase()))
        .one(db)
        .await?
        .map(|a| a.organisation_id)
        .ok_or_else(|| invalid(format!("unknown organisation {acronym}")))
}

async fn insert_organisation(
    db: &impl ConnectionTrait,
    seed: &OrganisationSeed,
) -> Result<bool, SeedError> {
    let acronym = seed.acronym.to_uppercase();
    let exists = organisation::Entity::find()
        .filter(organisation::Column::Acronym.eq(&acronym))
        .one(db)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let now = Utc::now();
    let org = organisation::ActiveModel {
        acronym: Set(acronym.clone()),
        name_en: Set(name_in(&seed.name, "en", &acronym)?),
        name_fr: Set(name_in(&seed.name, "fr", &acronym)?),
        kind: Set(seed.kind.as_str().to_owned()),
        founded_year: Set(seed.founded_year),
        description_en: Set(seed.description.get("en").cloned()),
        description_fr: Set(seed.description.get("fr").cloned()),
        translations: Set(translations(&seed.name, &seed.description, &acronym)?),
        website: Set(seed.website.clone()),
        recruitment_email: Set(seed.recruitment_email.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let canonical = AcronymSeed {
        language: "en".into(),
        acronym: acronym.clone(),
    };
    for a in std::iter::once(&canonical).chain(&seed.other_acronyms) {
        organisation_acronym::ActiveModel {
            organisation_id: Set(org.id),
            language: Set(language(&a.language)?),
            acronym: Set(a.acronym.to_uppercase()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (order, o) in seed.offices.iter().enumerate() {
        office::ActiveModel {
            organisation_id: Set(org.id),
            name: Set(o.name.clone()),
            city: Set(o.city.clone()),
            country_code: Set(country(&o.country)?),
            address: Set(o.address.clone()),
            phone: Set(o.phone.clone()),
            email: Set(o.email.clone()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(true)
}

async fn competency_id(
    db: &impl ConnectionTrait,
    organisation_id: Option<i32>,
    code: &str,
) -> Result<Option<i32>, SeedError> {
    let mut query = competency::Entity::find().filter(competency::Column::Code.eq(code));
    query = match organisation_id {
        Some(org) => query.filter(competency::Column::OrganisationId.eq(org)),
        None => query.filter(competency::Column::OrganisationId.is_null()),
    };
    Ok(query.one(db).await?.map(|c| c.id))
}

async fn insert_competency(
    db: &impl ConnectionTrait,
    seed: &CompetencySeed,
) -> Result<bool, SeedError> {
    let org = match &seed.organisation {
        Some(acronym) => Some(organisation_id(db, acronym).await?),
        None => None,
    };
    if competency_id(db, org, &seed.code).await?.is_some() {
        return Ok(false);
    }
    let now = Utc::now();
    let comp = competency::ActiveModel {
        organisation_id: Set(org),
        code: Set(seed.code.clone()),
        kind: Set(seed.kind.as_str().to_owned()),
        name_en: Set(name_in(&seed.name, "en", &seed.code)?),
        name_fr: Set(name_in(&seed.name, "fr", &seed.code)?),
        description_en: Set(seed.description.get("en").cloned()),
        description_fr: Set(seed.description.get("fr").cloned()),
        translations: Set(translations(&seed.name, &seed.description, &seed.code)?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (order, indicator) in seed.indicators.iter().enumerate() {
        if indicator.level.is_some_and(|l| !(1..=3).contains(&l)) {
            return Err(invalid(format!(
                "{}: indicator level must be 1–3",
                seed.code
            )));
        }
        competency_indicator::ActiveModel {
            competency_id: Set(comp.id),
            level: Set(indicator.level),
            language: Set(language(&indicator.language)?),
            text: Set(indicator.text.clone()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(true)
}

async fn insert_project(db: &impl ConnectionTrait, seed: &ProjectSeed) -> Result<bool, SeedError> {
    // A code is unique within its lead organisation only.
    let lead = organisation_id(db, &seed.lead_organisation).await?;
    let exists = project::Entity::find()
        .filter(project::Column::Code.eq(&seed.code))
        .filter(project::Column::LeadOrganisationId.eq(lead))
        .one(db)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let now = Utc::now();
    let objectives = (!seed.objectives.is_empty())
        .then(|| serde_json::to_value(&seed.objectives))
        .transpose()
        .map_err(|e| invalid(e.to_string()))?;
    let proj = project::ActiveModel {
        code: Set(seed.code.clone()),
        name_en: Set(name_in(&seed.name, "en", &seed.code)?),
        name_fr: Set(name_in(&seed.name, "fr", &seed.code)?),
        description_en: Set(seed.description.get("en").cloned()),
        description_fr: Set(seed.description.get("fr").cloned()),
        translations: Set(translations(&seed.name, &seed.description, &seed.code)?),
        objectives: Set(objectives),
        start_on: Set(seed.start_on.map(|d| d.0)),
        end_on: Set(seed.end_on.map(|d| d.0)),
        lead_organisation_id: Set(lead),
        status: Set(crate::domain::ProjectStatus::Active.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for code in &seed.countries {
        project_country::ActiveModel {
            project_id: Set(proj.id),
            country_code: Set(country(code)?),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (order, partner) in seed.partners.iter().enumerate() {
        let through = match &partner.through {
            Some(acronym) => Some(organisation_id(db, acronym).await?),
            None => None,
        };
        project_partner::ActiveModel {
            project_id: Set(proj.id),
            organisation_id: Set(organisation_id(db, &partner.organisation).await?),
            role: Set(partner.role.as_str().to_owned()),
            note: Set(partner.note.clone()),
            through_organisation_id: Set(through),
            sort_order: Set(order as i32),
            accepted_at: Set(Some(chrono::Utc::now())),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(true)
}

/// The project with this code that a vacancy's organisation leads, else the one it partners
/// in (codes are unique per lead organisation, so two organisations may have the same one).
async fn project_of(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    code: &str,
    reference: &str,
) -> Result<i32, SeedError> {
    let led = project::Entity::find()
        .filter(project::Column::Code.eq(code))
        .filter(project::Column::LeadOrganisationId.eq(organisation_id))
        .one(db)
        .await?;
    if let Some(project) = led {
        return Ok(project.id);
    }
    let partnered = project_partner::Entity::find()
        .select_only()
        .column(project_partner::Column::ProjectId)
        .filter(project_partner::Column::OrganisationId.eq(organisation_id))
        .into_query();
    let found = project::Entity::find()
        .filter(project::Column::Code.eq(code))
        .filter(project::Column::Id.in_subquery(partnered))
        .limit(2)
        .all(db)
        .await?;
    match found.as_slice() {
        [project] => Ok(project.id),
        [] => Err(invalid(format!(
            "{reference}: no project {code} that the organisation leads or partners in"
        ))),
        _ => Err(invalid(format!(
            "{reference}: the organisation partners in several projects {code}"
        ))),
    }
}

async fn insert_vacancy(db: &impl ConnectionTrait, seed: &VacancySeed) -> Result<bool, SeedError> {
    let reference = &seed.reference;
    let org_id = organisation_id(db, &seed.organisation).await?;
    // Reads and writes name only the columns they need, so the demo data loads into the schema
    // of any migration (the migration tests seed mid-way).
    let exists: Option<i32> = vacancy::Entity::find()
        .select_only()
        .column(vacancy::Column::Id)
        .filter(vacancy::Column::OrganisationId.eq(org_id))
        .filter(vacancy::Column::Reference.eq(reference))
        .into_tuple()
        .one(db)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let project_id = match &seed.project {
        Some(code) => Some(project_of(db, org_id, code, reference).await?),
        None => None,
    };
    let tz: Tz = seed
        .time_zone
        .parse()
        .map_err(|_| invalid(format!("{reference}: unknown time zone {}", seed.time_zone)))?;
    let closing_time = seed
        .closing_time
        .as_deref()
        .map(|t| NaiveTime::parse_from_str(t, "%H:%M"))
        .transpose()
        .map_err(|_| invalid(format!("{reference}: closing_time must be HH:MM")))?;
    let closing_at = seed
        .closing_on
        .map(|date| closing_instant(date.0, closing_time, tz))
        .map(|at| {
            at.ok_or_else(|| invalid(format!("{reference}: closing time does not exist in {tz}")))
        })
        .transpose()?;
    let published_at = seed.published_on.and_then(|date| start_of_day(date.0, tz));
    let grade = seed
        .grade
        .as_deref()
        .map(Grade::parse)
        .transpose()
        .map_err(|e| invalid(format!("{reference}: {e}")))?;
    if !seed.text.contains_key(&seed.authoritative_language) {
        return Err(invalid(format!(
            "{reference}: no text in its authoritative language"
        )));
    }
    let now = Utc::now();
    let row = vacancy::ActiveModel {
        organisation_id: Set(org_id),
        project_id: Set(project_id),
        reference: Set(reference.clone()),
        external_job_id: Set(seed.external_job_id.clone()),
        unit: Set(seed.unit.clone()),
        authoritative_language: Set(language(&seed.authoritative_language)?),
        grade: Set(grade.as_ref().map(|g| g.code().to_owned())),
        grade_category: Set(grade.as_ref().map(|g| g.category().as_str().to_owned())),
        contract_type: Set(seed.contract_type.map(|c| c.as_str().to_owned())),
        duration_months: Set(seed.duration_months),
        renewable: Set(seed.renewable),
        positions: Set(seed.positions),
        open_to_internal: Set(seed.open_to_internal),
        open_to_external: Set(seed.open_to_external),
        internal_first: Set(seed.internal_first),
        residency: Set(seed.residency.as_str().to_owned()),
        time_zone: Set(tz.name().to_owned()),
        published_at: Set(published_at),
        closing_at: Set(closing_at),
        start_on: Set(seed.start_on.map(|d| d.0)),
        start_asap: Set(seed.start_asap),
        apply_email: Set(seed.apply_email.clone()),
        apply_url: Set(seed.apply_url.clone()),
        apply_email_subject: Set(seed.apply_email_subject.clone()),
        working_language: Set(seed.working_language.as_deref().map(language).transpose()?),
        job_family: Set(seed.job_family.clone()),
        department: Set(seed.department.clone()),
        accommodation_contact: Set(seed.accommodation_contact.clone()),
        stated_publication_date: Set(seed.published_on.map(|d| d.0)),
        status: Set(seed.status.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let id = vacancy::Entity::insert(row).exec(db).await?.last_insert_id;
    insert_vacancy_children(db, id, org_id, seed).await?;
    for (order, code) in seed.other_projects.iter().enumerate() {
        vacancy_project::ActiveModel {
            vacancy_id: Set(id),
            project_id: Set(project_of(db, org_id, code, reference).await?),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(true)
}

async fn insert_vacancy_children(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    org_id: i32,
    seed: &VacancySeed,
) -> Result<(), SeedError> {
    let reference = &seed.reference;
    for (lang, text) in &seed.text {
        let lang = language(lang)?;
        vacancy_text::ActiveModel {
            vacancy_id: Set(vacancy_id),
            language: Set(lang.clone()),
            title: Set(text.title.clone()),
            organisation_intro: Set(text.organisation_intro.clone()),
            context: Set(text.context.clone()),
            reporting_lines: Set(text.reporting_lines.clone()),
            responsibilities_intro: Set(text.responsibilities_intro.clone()),
            how_to_apply: Set(text.how_to_apply.clone()),
            additional_information: Set(text.additional_information.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let plain = |items: &[String]| -> Vec<(String, Option<Requirement>)> {
            items.iter().map(|t| (t.clone(), None)).collect()
        };
        let marked = |lines: &[LineSeed]| -> Vec<(String, Option<Requirement>)> {
            lines
                .iter()
                .map(|l| (l.text().to_owned(), l.requirement()))
                .collect()
        };
        let sections = [
            (ItemSection::Responsibility, plain(&text.responsibilities)),
            (ItemSection::Experience, marked(&text.experience)),
            (ItemSection::Skill, marked(&text.skills)),
            (ItemSection::Condition, plain(&text.conditions)),
        ];
        for (section, items) in sections {
            for (order, (item, requirement)) in items.into_iter().enumerate() {
                vacancy_item::ActiveModel {
                    vacancy_id: Set(vacancy_id),
                    section: Set(section.as_str().to_owned()),
                    language: Set(lang.clone()),
                    sort_order: Set(order as i32),
                    text: Set(item),
                    requirement: Set(requirement.map(|r| r.as_str().to_owned())),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
    }
    for (order, station) in seed.duty_stations.iter().enumerate() {
        vacancy_duty_station::ActiveModel {
            vacancy_id: Set(vacancy_id),
            city: Set(station.city.clone()),
            country_code: Set(country(&station.country)?),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (order, lang) in seed.languages.iter().enumerate() {
        vacancy_language::ActiveModel {
            vacancy_id: Set(vacancy_id),
            language_code: Set(language(&lang.language)?),
            level: Set(lang.level.map(|l| l.as_str().to_owned())),
            requirement: Set(lang.requirement.as_str().to_owned()),
            one_of: Set(lang.one_of),
            note: Set(lang.note.clone()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (order, path) in seed.qualification_paths.iter().enumerate() {
        vacancy_qualification_path::ActiveModel {
            vacancy_id: Set(vacancy_id),
            education_level: Set(path.education_level.as_str().to_owned()),
            min_years_experience: Set(path.min_years_experience),
            fields: Set(serde_json::json!(path.fields)),
            description: Set(path.description.clone()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (order, comp) in seed.competencies.iter().enumerate() {
        let id = match competency_id(db, Some(org_id), &comp.code).await? {
            Some(id) => id,
            None => competency_id(db, None, &comp.code)
                .await?
                .ok_or_else(|| invalid(format!("{reference}: unknown competency {}", comp.code)))?,
        };
        vacancy_competency::ActiveModel {
            vacancy_id: Set(vacancy_id),
            competency_id: Set(id),
            level: Set(comp.level),
            requirement: Set(comp.requirement.as_str().to_owned()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (order, doc) in seed.required_documents.iter().enumerate() {
        vacancy_document::ActiveModel {
            vacancy_id: Set(vacancy_id),
            kind: Set(doc.kind.as_str().to_owned()),
            count: Set(doc.count),
            note: Set(doc.note.clone()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
