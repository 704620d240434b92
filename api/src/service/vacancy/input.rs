//! What a vacancy write receives, and its checks: the notice as an agency sends it, turned
//! into a [`Notice`] ready to store.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use entity::{competency, project, project_partner};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::notice::{Notice, NoticeLine, NoticeText};
use crate::domain::{
    closing_instant, ContractType, CountryCode, DocumentKind, EducationLevel, Grade, LanguageCode,
    LanguageLevel, NationalityRule, Requirement, ResidencyRule,
};
use crate::error::{AppError, AppResult};
use crate::service::application::form::Question;

/// The longest a reference may be.
const MAX_REFERENCE_LEN: usize = 64;

/// When the notice closes, as the agency gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum ClosingInput {
    /// An exact instant.
    At(DateTime<Utc>),
    /// A date in the notice's time zone: at `time` that day, or at the end of it.
    On {
        date: NaiveDate,
        time: Option<String>,
    },
}

#[derive(Debug, Clone, Default)]
pub struct NoticeInput {
    pub reference: String,
    pub external_job_id: Option<String>,
    pub project_id: Option<i32>,
    /// The other projects the post serves, in order.
    pub other_project_ids: Vec<i32>,
    pub unit: Option<String>,
    pub authoritative_language: String,
    pub grade: Option<String>,
    pub contract_type: Option<ContractType>,
    pub duration_months: Option<i32>,
    pub renewable: Option<bool>,
    pub positions: Option<i32>,
    pub open_to_internal: bool,
    pub open_to_external: bool,
    pub internal_first: bool,
    pub residency: Option<ResidencyRule>,
    pub nationality: Option<NationalityRule>,
    /// The countries of a `LISTED_COUNTRIES` nationality rule.
    pub nationality_countries: Vec<String>,
    pub time_zone: String,
    pub closing: Option<ClosingInput>,
    pub start_date: Option<NaiveDate>,
    pub start_asap: bool,
    pub apply_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email_subject: Option<String>,
    /// The language the post works in (ISO 639).
    pub working_language: Option<String>,
    /// The job family or category ("Finance").
    pub job_family: Option<String>,
    /// The department, besides the unit.
    pub department: Option<String>,
    /// Whom candidates needing reasonable accommodation write to.
    pub accommodation_contact: Option<String>,
    /// The publication date the notice states; kept when the notice is published.
    pub stated_publication_date: Option<NaiveDate>,
    pub duty_stations: Vec<DutyStationInput>,
    pub languages: Vec<LanguageInput>,
    pub qualification_paths: Vec<QualificationPathInput>,
    pub competencies: Vec<CompetencyInput>,
    pub required_documents: Vec<DocumentInput>,
    pub texts: Vec<TextInput>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone)]
pub struct DutyStationInput {
    /// Absent (or blank) when the duty station is the whole country.
    pub city: Option<String>,
    pub country: String,
}

#[derive(Debug, Clone)]
pub struct LanguageInput {
    pub language: String,
    pub level: Option<LanguageLevel>,
    pub requirement: Requirement,
    pub one_of_group: Option<i32>,
    /// The notice's own wording ("at least one local language spoken in Morocco").
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct QualificationPathInput {
    pub education_level: EducationLevel,
    pub min_years_experience: i32,
    pub fields: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CompetencyInput {
    pub competency_id: i32,
    pub level: Option<i32>,
    pub requirement: Requirement,
}

#[derive(Debug, Clone)]
pub struct DocumentInput {
    pub kind: DocumentKind,
    pub count: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TextInput {
    pub language: String,
    pub title: String,
    pub organisation_intro: Option<String>,
    pub context: Option<String>,
    pub reporting_lines: Option<String>,
    pub responsibilities_intro: Option<String>,
    pub responsibilities: Vec<String>,
    pub experience: Vec<NoticeLine>,
    pub skills: Vec<NoticeLine>,
    pub conditions: Vec<String>,
    pub how_to_apply: Option<String>,
    pub additional_information: Option<String>,
}

/// Longest title, unit, city, field of study or e-mail subject, in characters.
const MAX_LINE_CHARS: usize = 300;
/// Longest text section (context, reporting lines, how to apply, …), in characters.
const MAX_SECTION_CHARS: usize = 20_000;
/// Longest list item (a responsibility, a skill, a document note, …), in characters.
const MAX_ITEM_CHARS: usize = 2_000;
/// Longest application URL or e-mail address, in characters.
const MAX_ADDRESS_CHARS: usize = 2_000;

/// Trims optional text; blank becomes absent.
fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

fn at_most(field: &str, text: String, max: usize) -> AppResult<String> {
    if text.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` is longer than {max} characters"),
        ));
    }
    Ok(text)
}

/// Trims optional text, blank becoming absent, of at most `max` characters.
fn optional(field: &str, text: Option<String>, max: usize) -> AppResult<Option<String>> {
    clean(text).map(|t| at_most(field, t, max)).transpose()
}

/// Where candidates apply: a web page or an e-mail link. Anything else (`javascript:`,
/// `data:`) would run in the pages and feeds that show the link.
fn apply_url(field: &str, text: Option<String>) -> AppResult<Option<String>> {
    let Some(text) = optional(field, text, MAX_ADDRESS_CHARS)? else {
        return Ok(None);
    };
    let url = reqwest::Url::parse(&text)
        .map_err(|_| AppError::bad_input(field, format!("`{field}` is not an absolute URL")))?;
    match url.scheme() {
        "https" | "http" | "mailto" => Ok(Some(text)),
        _ => Err(AppError::bad_input(
            field,
            format!("`{field}` must be an https, http or mailto URL"),
        )),
    }
}

/// A notice's reference: not blank, at most 64 characters.
pub fn parse_reference(field: &str, text: &str) -> AppResult<String> {
    let reference = required(field, text)?;
    if reference.chars().count() > MAX_REFERENCE_LEN {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` is longer than {MAX_REFERENCE_LEN} characters"),
        ));
    }
    Ok(reference)
}

/// Most entries any one list of a notice may hold.
const MAX_LIST_LEN: usize = 100;

fn bounded<T>(field: &str, items: &[T]) -> AppResult<()> {
    if items.len() > MAX_LIST_LEN {
        Err(AppError::bad_input(
            field,
            format!("`{field}` holds more than {MAX_LIST_LEN} entries"),
        ))
    } else {
        Ok(())
    }
}

fn required(field: &str, text: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        Err(AppError::bad_input(
            field,
            format!("`{field}` must not be empty"),
        ))
    } else {
        Ok(text.to_owned())
    }
}

fn required_at_most(field: &str, text: &str, max: usize) -> AppResult<String> {
    at_most(field, required(field, text)?, max)
}

fn clean_list(field: &str, items: Vec<String>, max: usize) -> AppResult<Vec<String>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| required_at_most(&format!("{field}[{i}]"), item, max))
        .collect()
}

fn language(field: &str, code: &str) -> AppResult<String> {
    LanguageCode::parse(code)
        .map(|c| c.as_str().to_owned())
        .map_err(|e| AppError::bad_input(field, e))
}

impl NoticeInput {
    /// Checks every field of a notice written by `organisation_id`.
    #[tracing::instrument(level = "debug", skip(db))]
    pub async fn validate(
        self,
        db: &impl ConnectionTrait,
        organisation_id: i32,
    ) -> AppResult<Notice> {
        let reference = parse_reference("input.reference", &self.reference)?;
        bounded("input.dutyStations", &self.duty_stations)?;
        bounded("input.languages", &self.languages)?;
        bounded("input.qualificationPaths", &self.qualification_paths)?;
        bounded("input.competencies", &self.competencies)?;
        bounded("input.requiredDocuments", &self.required_documents)?;
        bounded("input.texts", &self.texts)?;
        bounded("input.questions", &self.questions)?;
        for (i, text) in self.texts.iter().enumerate() {
            for (name, items) in [
                ("responsibilities", &text.responsibilities),
                ("conditions", &text.conditions),
            ] {
                bounded(&format!("input.texts[{i}].{name}"), items)?;
            }
            for (name, lines) in [("experience", &text.experience), ("skills", &text.skills)] {
                bounded(&format!("input.texts[{i}].{name}"), lines)?;
            }
        }
        let authoritative_language =
            language("input.authoritativeLanguage", &self.authoritative_language)?;
        let tz: Tz = self.time_zone.trim().parse().map_err(|_| {
            AppError::bad_input(
                "input.timeZone",
                format!(
                    "{:?} is not an IANA time zone (like Europe/Zurich)",
                    self.time_zone
                ),
            )
        })?;
        let closing_at = match self.closing {
            None => None,
            Some(ClosingInput::At(at)) => Some(at),
            Some(ClosingInput::On { date, time }) => {
                let time = time
                    .map(|t| NaiveTime::parse_from_str(t.trim(), "%H:%M"))
                    .transpose()
                    .map_err(|_| {
                        AppError::bad_input(
                            "input.closingTime",
                            "`input.closingTime` must be HH:MM",
                        )
                    })?;
                Some(closing_instant(date, time, tz).ok_or_else(|| {
                    AppError::bad_input(
                        "input.closingDate",
                        "that closing time does not exist in the notice's time zone",
                    )
                })?)
            }
        };
        let grade = self
            .grade
            .as_deref()
            .map(|g| Grade::parse(g).map_err(|e| AppError::bad_input("input.grade", e)))
            .transpose()?;
        if let Some(months) = self.duration_months {
            if !(1..=120).contains(&months) {
                return Err(AppError::bad_input(
                    "input.durationMonths",
                    "`input.durationMonths` must be between 1 and 120",
                ));
            }
        }
        let positions = self.positions.unwrap_or(1);
        if !(1..=1000).contains(&positions) {
            return Err(AppError::bad_input(
                "input.positions",
                "`input.positions` must be between 1 and 1000",
            ));
        }
        if !self.open_to_internal && !self.open_to_external {
            return Err(AppError::bad_input(
                "input.openToExternal",
                "a notice must be open to internal or external candidates (or both)",
            ));
        }
        if let Some(project_id) = self.project_id {
            check_project(db, project_id, organisation_id, "input.projectId").await?;
        }
        for (i, id) in self.other_project_ids.iter().enumerate() {
            let field = format!("input.otherProjectIds[{i}]");
            if self.project_id.is_none() {
                return Err(AppError::bad_input(
                    field,
                    "give the main project in `projectId` before the others",
                ));
            }
            if Some(*id) == self.project_id || self.other_project_ids[..i].contains(id) {
                return Err(AppError::bad_input(field, "this project is given twice"));
            }
            check_project(db, *id, organisation_id, &field).await?;
        }

        let mut duty_stations = Vec::new();
        for (i, station) in self.duty_stations.into_iter().enumerate() {
            let country = CountryCode::parse(&station.country)
                .map_err(|e| AppError::bad_input(format!("input.dutyStations[{i}].country"), e))?;
            let city = optional(
                &format!("input.dutyStations[{i}].city"),
                station.city,
                MAX_LINE_CHARS,
            )?;
            duty_stations.push((city, country.as_str().to_owned()));
        }
        let nationality = self.nationality.unwrap_or(NationalityRule::None);
        let mut nationality_countries: Vec<String> = Vec::new();
        if self.nationality_countries.len() > 250 {
            return Err(AppError::bad_input(
                "input.nationalityCountries",
                "at most 250 countries",
            ));
        }
        for (i, code) in self.nationality_countries.iter().enumerate() {
            let country = CountryCode::parse(code)
                .map_err(|e| AppError::bad_input(format!("input.nationalityCountries[{i}]"), e))?;
            if !nationality_countries.iter().any(|c| c == country.as_str()) {
                nationality_countries.push(country.as_str().to_owned());
            }
        }
        match nationality {
            NationalityRule::ListedCountries if nationality_countries.is_empty() => {
                return Err(AppError::bad_input(
                    "input.nationalityCountries",
                    "a LISTED_COUNTRIES nationality rule needs at least one country",
                ))
            }
            NationalityRule::ListedCountries => {}
            _ if !nationality_countries.is_empty() => {
                return Err(AppError::bad_input(
                    "input.nationalityCountries",
                    "countries are listed only with the LISTED_COUNTRIES nationality rule",
                ))
            }
            _ => {}
        }
        let mut languages = Vec::new();
        for (i, l) in self.languages.into_iter().enumerate() {
            let code = language(&format!("input.languages[{i}].language"), &l.language)?;
            let note = optional(
                &format!("input.languages[{i}].note"),
                l.note,
                MAX_ITEM_CHARS,
            )?;
            languages.push((code, l.level, l.requirement, l.one_of_group, note));
        }
        let mut qualification_paths = Vec::new();
        for (i, q) in self.qualification_paths.into_iter().enumerate() {
            if !(0..=60).contains(&q.min_years_experience) {
                return Err(AppError::bad_input(
                    format!("input.qualificationPaths[{i}].minYearsExperience"),
                    "years of experience must be between 0 and 60",
                ));
            }
            let field = format!("input.qualificationPaths[{i}]");
            let fields = clean_list(&format!("{field}.fields"), q.fields, MAX_LINE_CHARS)?;
            let description = optional(
                &format!("{field}.description"),
                q.description,
                MAX_ITEM_CHARS,
            )?;
            qualification_paths.push((
                q.education_level,
                q.min_years_experience,
                fields,
                description,
            ));
        }
        let mut competencies = Vec::new();
        for (i, c) in self.competencies.into_iter().enumerate() {
            let field = format!("input.competencies[{i}]");
            if c.level.is_some_and(|l| !(1..=3).contains(&l)) {
                return Err(AppError::bad_input(
                    format!("{field}.level"),
                    "competency levels are 1 to 3",
                ));
            }
            check_competency(
                db,
                c.competency_id,
                organisation_id,
                &format!("{field}.competencyId"),
            )
            .await?;
            if competencies.iter().any(|(id, _, _)| *id == c.competency_id) {
                return Err(AppError::bad_input(
                    format!("{field}.competencyId"),
                    "this competency is listed twice",
                ));
            }
            competencies.push((c.competency_id, c.level, c.requirement));
        }
        let mut documents = Vec::new();
        for (i, d) in self.required_documents.into_iter().enumerate() {
            if d.count.is_some_and(|n| !(1..=10).contains(&n)) {
                return Err(AppError::bad_input(
                    format!("input.requiredDocuments[{i}].count"),
                    "a count is 1 to 10",
                ));
            }
            let note = optional(
                &format!("input.requiredDocuments[{i}].note"),
                d.note,
                MAX_ITEM_CHARS,
            )?;
            documents.push((d.kind, d.count, note));
        }
        let mut texts: Vec<NoticeText> = Vec::new();
        for (i, t) in self.texts.into_iter().enumerate() {
            let field = format!("input.texts[{i}]");
            let lang = language(&format!("{field}.language"), &t.language)?;
            if texts.iter().any(|existing| existing.language == lang) {
                return Err(AppError::bad_input(
                    format!("{field}.language"),
                    format!("two texts in {lang}"),
                ));
            }
            texts.push(notice_text(&field, lang, t)?);
        }
        for (i, question) in self.questions.iter().enumerate() {
            question.validate(&format!("input.questions[{i}]"))?;
            for lang in question
                .prompt
                .keys()
                .chain(question.options.iter().flat_map(|o| o.labels.keys()))
            {
                language(&format!("input.questions[{i}].prompt"), lang)?;
            }
        }
        if !texts.iter().any(|t| t.language == authoritative_language) {
            return Err(AppError::bad_input(
                "input.texts",
                format!("the notice needs a text in its authoritative language ({authoritative_language})"),
            ));
        }
        Ok(Notice {
            reference,
            external_job_id: clean(self.external_job_id)
                .map(|id| parse_reference("input.externalJobId", &id))
                .transpose()?,
            project_id: self.project_id,
            other_project_ids: self.other_project_ids,
            unit: optional("input.unit", self.unit, MAX_LINE_CHARS)?,
            working_language: clean(self.working_language)
                .map(|code| language("input.workingLanguage", &code))
                .transpose()?,
            job_family: optional("input.jobFamily", self.job_family, MAX_LINE_CHARS)?,
            department: optional("input.department", self.department, MAX_LINE_CHARS)?,
            accommodation_contact: optional(
                "input.accommodationContact",
                self.accommodation_contact,
                MAX_ADDRESS_CHARS,
            )?,
            stated_publication_date: self.stated_publication_date,
            authoritative_language,
            grade_category: grade.as_ref().map(|g| g.category().as_str().to_owned()),
            grade: grade.map(|g| g.code().to_owned()),
            contract_type: self.contract_type,
            duration_months: self.duration_months,
            renewable: self.renewable,
            positions,
            open_to_internal: self.open_to_internal,
            open_to_external: self.open_to_external,
            internal_first: self.internal_first,
            residency: self.residency.unwrap_or(ResidencyRule::None),
            nationality,
            nationality_countries,
            time_zone: tz.name().to_owned(),
            closing_at,
            start_on: self.start_date,
            start_asap: self.start_asap,
            apply_email: optional("input.applyEmail", self.apply_email, MAX_ADDRESS_CHARS)?,
            apply_url: apply_url("input.applyUrl", self.apply_url)?,
            apply_email_subject: optional(
                "input.applyEmailSubject",
                self.apply_email_subject,
                MAX_LINE_CHARS,
            )?,
            duty_stations,
            languages,
            qualification_paths,
            competencies,
            documents,
            texts,
            questions: self.questions,
        })
    }
}

/// One language's text of a notice, every part trimmed and bounded.
fn notice_text(field: &str, language: String, t: TextInput) -> AppResult<NoticeText> {
    let section = |name: &str, text: Option<String>| {
        optional(&format!("{field}.{name}"), text, MAX_SECTION_CHARS)
    };
    let items = |name: &str, items: Vec<String>| {
        clean_list(&format!("{field}.{name}"), items, MAX_ITEM_CHARS)
    };
    let lines = |name: &str, lines: Vec<NoticeLine>| {
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                Ok(NoticeLine {
                    text: required_at_most(
                        &format!("{field}.{name}[{i}].text"),
                        &line.text,
                        MAX_ITEM_CHARS,
                    )?,
                    requirement: line.requirement,
                })
            })
            .collect::<AppResult<Vec<_>>>()
    };
    Ok(NoticeText {
        language,
        title: required_at_most(&format!("{field}.title"), &t.title, MAX_LINE_CHARS)?,
        organisation_intro: section("organisationIntro", t.organisation_intro)?,
        context: section("context", t.context)?,
        reporting_lines: section("reportingLines", t.reporting_lines)?,
        responsibilities_intro: section("responsibilitiesIntro", t.responsibilities_intro)?,
        how_to_apply: section("howToApply", t.how_to_apply)?,
        additional_information: section("additionalInformation", t.additional_information)?,
        responsibilities: items("responsibilities", t.responsibilities)?,
        experience: lines("experience", t.experience)?,
        skills: lines("skills", t.skills)?,
        conditions: items("conditions", t.conditions)?,
    })
}

/// The project must exist and be led or partnered by the posting organisation.
async fn check_project(
    db: &impl ConnectionTrait,
    project_id: i32,
    organisation_id: i32,
    field: &str,
) -> AppResult<()> {
    let project = project::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::bad_input(field, "no such project"))?;
    if project.lead_organisation_id == organisation_id {
        return Ok(());
    }
    let partner = project_partner::Entity::find()
        .filter(project_partner::Column::ProjectId.eq(project_id))
        .filter(project_partner::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?;
    match partner {
        Some(_) => Ok(()),
        None => Err(AppError::bad_input(
            field,
            "the organisation neither leads nor partners in this project",
        )),
    }
}

/// The competency must exist and be global or the posting organisation's own.
async fn check_competency(
    db: &impl ConnectionTrait,
    id: i32,
    organisation_id: i32,
    field: &str,
) -> AppResult<()> {
    let found = competency::Entity::find_by_id(id).one(db).await?;
    match found {
        Some(c) if c.organisation_id.is_none() || c.organisation_id == Some(organisation_id) => {
            Ok(())
        }
        _ => Err(AppError::bad_input(
            field,
            "no such competency in this organisation's framework or the global one",
        )),
    }
}
