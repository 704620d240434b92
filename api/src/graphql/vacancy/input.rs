//! The input of a vacancy notice, as partner agencies send it.

use std::collections::BTreeMap;

use async_graphql::{InputObject, ID};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{
    ContractType, DocumentKind, EducationLevel, LanguageLevel, NationalityRule, Requirement,
    ResidencyRule,
};
use crate::error::{AppError, AppResult};
use crate::graphql::relay::{decode, NodeKind};
use crate::service::application::form::{Question, QuestionKind, QuestionOption};
use crate::service::vacancy::notice::{
    ClosingInput, CompetencyInput, DocumentInput, DutyStationInput, LanguageInput, NoticeInput,
    NoticeLine, QualificationPathInput, TextInput,
};

/// A whole vacancy notice. Lists replace what a stored notice had.
#[derive(InputObject)]
pub struct VacancyInput {
    /// The notice's reference, unique within the organisation (`VN 2023/005`).
    reference: String,
    /// The job id in the organisation's own recruitment system.
    external_job_id: Option<String>,
    /// The project the post serves (global ID); the organisation must lead or partner in it.
    project_id: Option<ID>,
    /// The other projects the post serves (global IDs), in order, after `projectId`; the
    /// organisation must lead or partner in each.
    #[graphql(default)]
    other_project_ids: Vec<ID>,
    /// The unit or office (`BP-Alger`).
    unit: Option<String>,
    /// The department, when the notice names one besides the unit (`BR-Afrique`).
    department: Option<String>,
    /// The job family or category the notice files the post under (`Finance`).
    job_family: Option<String>,
    /// The language the post works in (ISO 639).
    working_language: Option<String>,
    /// Whom candidates who need reasonable accommodation write to (an e-mail address).
    accommodation_contact: Option<String>,
    /// The publication date the notice states; kept as given when the notice is published
    /// (`publishedAt` records when it went live here).
    stated_publication_date: Option<NaiveDate>,
    /// The language whose text is authoritative (ISO 639); a text in it is required.
    authoritative_language: String,
    /// The grade (`G5`, `P4`, `NO-B`, `INTERN`, `CONSULTANT`); its category is derived.
    grade: Option<String>,
    /// The kind of contract.
    contract_type: Option<ContractType>,
    /// The contract's length in months (1–120).
    duration_months: Option<i32>,
    /// Whether the contract may be extended.
    renewable: Option<bool>,
    /// How many posts the notice fills (default 1).
    positions: Option<i32>,
    /// Whether the organisation's own staff may apply.
    open_to_internal: bool,
    /// Whether outside candidates may apply.
    open_to_external: bool,
    /// Whether internal candidates are considered first (default false).
    #[graphql(default)]
    internal_first: bool,
    /// Where candidates must live (default NONE).
    residency: Option<ResidencyRule>,
    /// Whose nationals may apply (default NONE): `DUTY_STATION_COUNTRY` for a National Officer
    /// post, `LISTED_COUNTRIES` with `nationalityCountries`. Not the residency rule.
    nationality: Option<NationalityRule>,
    /// The countries (ISO 3166-1 alpha-2) of a `LISTED_COUNTRIES` rule; none for another rule.
    #[graphql(default)]
    nationality_countries: Vec<String>,
    /// The IANA time zone the notice's dates are in (`Europe/Zurich` for "midnight, Geneva time").
    time_zone: String,
    /// The exact closing instant. Give this, or `closingDate`.
    closing_at: Option<DateTime<Utc>>,
    /// The closing date in `timeZone`: the notice closes at the end of that day, or at `closingTime`.
    closing_date: Option<NaiveDate>,
    /// A local closing time (HH:MM) on `closingDate`.
    closing_time: Option<String>,
    /// The planned start date.
    start_date: Option<NaiveDate>,
    /// Whether the post starts as soon as possible (default false).
    #[graphql(default)]
    start_asap: bool,
    /// The e-mail address applications go to.
    apply_email: Option<String>,
    /// The page where one applies online.
    apply_url: Option<String>,
    /// The subject line applications by e-mail must carry.
    apply_email_subject: Option<String>,
    /// Where the posts are based.
    #[graphql(default)]
    duty_stations: Vec<DutyStationInputObject>,
    /// Language requirements.
    #[graphql(default)]
    languages: Vec<LanguageRequirementInput>,
    /// Ways to qualify; any one suffices.
    #[graphql(default)]
    qualification_paths: Vec<QualificationPathInputObject>,
    /// Competencies asked for, from the organisation's framework or the global one.
    #[graphql(default)]
    competencies: Vec<VacancyCompetencyInput>,
    /// Documents an application must include.
    #[graphql(default)]
    required_documents: Vec<RequiredDocumentInput>,
    /// The notice's text, one per language.
    texts: Vec<VacancyTextInput>,
    /// The notice's own application form: screening questions, in order.
    #[graphql(default)]
    questions: Vec<QuestionInput>,
}

/// Text in one language.
#[derive(InputObject)]
pub struct LocalizedTextInput {
    /// ISO 639 code.
    language: String,
    /// The text.
    text: String,
}

/// A screening question of the application form.
#[derive(InputObject)]
pub struct QuestionInput {
    /// The kind of answer it takes.
    kind: QuestionKind,
    /// Whether an answer is required (default false).
    #[graphql(default)]
    required: bool,
    /// The wording, in the notice's languages.
    prompt: Vec<LocalizedTextInput>,
    /// The options of a choice question.
    #[graphql(default)]
    options: Vec<QuestionOptionInput>,
    /// The smallest number accepted, for a number question.
    min_number: Option<f64>,
    /// The largest number accepted, for a number question.
    max_number: Option<f64>,
}

/// An option of a choice question.
#[derive(InputObject)]
pub struct QuestionOptionInput {
    /// The value answers carry; stable across languages.
    value: String,
    /// The option's label, in the notice's languages.
    labels: Vec<LocalizedTextInput>,
}

fn by_language(texts: Vec<LocalizedTextInput>) -> BTreeMap<String, String> {
    texts
        .into_iter()
        .map(|t| (t.language.trim().to_ascii_lowercase(), t.text))
        .collect()
}

/// An experience or skill line.
#[derive(InputObject)]
pub struct NoticeLineInput {
    /// The line as the notice words it.
    text: String,
    /// Required ("obligatoire") or desirable ("un atout"); leave it out when the notice does not say.
    requirement: Option<Requirement>,
}

/// Plain lines, or lines with their requirements: one or the other.
fn lines(
    field: &str,
    plain: Vec<String>,
    marked: Option<Vec<NoticeLineInput>>,
) -> AppResult<Vec<NoticeLine>> {
    match marked {
        None => Ok(plain.into_iter().map(NoticeLine::from).collect()),
        Some(_) if !plain.is_empty() => Err(AppError::bad_input(
            format!("{field}Lines"),
            format!("give `{field}` or `{field}Lines`, not both"),
        )),
        Some(marked) => Ok(marked
            .into_iter()
            .map(|l| NoticeLine {
                text: l.text,
                requirement: l.requirement,
            })
            .collect()),
    }
}

/// A place a post is based.
#[derive(InputObject)]
#[graphql(name = "DutyStationInput")]
pub struct DutyStationInputObject {
    /// The city; leave it out when the duty station is the whole country (`Maroc`).
    city: Option<String>,
    /// The country (ISO 3166-1 alpha-2).
    country: String,
}

/// A language the post asks for.
#[derive(InputObject)]
pub struct LanguageRequirementInput {
    /// ISO 639 code (`fr`, `ary`).
    language: String,
    /// The level asked for.
    level: Option<LanguageLevel>,
    /// Required or desirable.
    requirement: Requirement,
    /// Requirements sharing this number are alternatives.
    one_of_group: Option<i32>,
    /// The notice's own wording ("Maîtriser au moins une langue locale parlée au Maroc").
    note: Option<String>,
}

/// One way to qualify.
#[derive(InputObject)]
#[graphql(name = "QualificationPathInput")]
pub struct QualificationPathInputObject {
    /// The lowest education level accepted.
    education_level: EducationLevel,
    /// Years of relevant experience required (0–60).
    min_years_experience: i32,
    /// Fields of study.
    #[graphql(default)]
    fields: Vec<String>,
    /// The notice's own wording.
    description: Option<String>,
}

/// A competency asked for.
#[derive(InputObject)]
pub struct VacancyCompetencyInput {
    /// The competency (global ID).
    competency_id: ID,
    /// The level asked for (1–3).
    level: Option<i32>,
    /// Required or desirable.
    requirement: Requirement,
}

/// A document applications must include.
#[derive(InputObject)]
pub struct RequiredDocumentInput {
    /// The kind of document.
    kind: DocumentKind,
    /// How many.
    count: Option<i32>,
    /// What the notice says about it.
    note: Option<String>,
}

/// The notice's text in one language.
#[derive(InputObject)]
pub struct VacancyTextInput {
    /// ISO 639 code of this text.
    language: String,
    /// The post's title.
    title: String,
    /// The paragraph presenting the organisation.
    organisation_intro: Option<String>,
    /// The context of the post.
    context: Option<String>,
    /// Who the post reports to.
    reporting_lines: Option<String>,
    /// The sentence introducing the responsibilities.
    responsibilities_intro: Option<String>,
    /// The responsibilities, in order.
    #[graphql(default)]
    responsibilities: Vec<String>,
    /// Experience sought, as plain lines. Give this or `experienceLines`.
    #[graphql(default)]
    experience: Vec<String>,
    /// Experience sought, each line with whether it is required or desirable.
    experience_lines: Option<Vec<NoticeLineInput>>,
    /// Skills sought, as plain lines. Give this or `skillLines`.
    #[graphql(default)]
    skills: Vec<String>,
    /// Skills sought, each line with whether it is required or desirable.
    skill_lines: Option<Vec<NoticeLineInput>>,
    /// Conditions of the offer.
    #[graphql(default)]
    conditions: Vec<String>,
    /// How to apply.
    how_to_apply: Option<String>,
    /// Everything else the notice says.
    additional_information: Option<String>,
}

impl VacancyInput {
    /// Decodes IDs and closing fields into the service's input.
    pub fn into_notice(self) -> AppResult<NoticeInput> {
        let closing = match (self.closing_at, self.closing_date, self.closing_time) {
            (Some(_), Some(_), _) => {
                return Err(AppError::bad_input(
                    "input.closingDate",
                    "give `closingAt` or `closingDate`, not both",
                ))
            }
            (Some(at), None, None) => Some(ClosingInput::At(at)),
            (Some(_), None, Some(_)) | (None, None, Some(_)) => {
                return Err(AppError::bad_input(
                    "input.closingTime",
                    "`closingTime` goes with `closingDate`",
                ))
            }
            (None, Some(date), time) => Some(ClosingInput::On { date, time }),
            (None, None, None) => None,
        };
        let competencies = self
            .competencies
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                Ok(CompetencyInput {
                    competency_id: decode(
                        &format!("input.competencies[{i}].competencyId"),
                        NodeKind::Competency,
                        &c.competency_id,
                    )?,
                    level: c.level,
                    requirement: c.requirement,
                })
            })
            .collect::<AppResult<_>>()?;
        Ok(NoticeInput {
            reference: self.reference,
            external_job_id: self.external_job_id,
            project_id: self
                .project_id
                .map(|id| decode("input.projectId", NodeKind::Project, &id))
                .transpose()?,
            other_project_ids: self
                .other_project_ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    decode(
                        &format!("input.otherProjectIds[{i}]"),
                        NodeKind::Project,
                        id,
                    )
                })
                .collect::<AppResult<_>>()?,
            unit: self.unit,
            department: self.department,
            job_family: self.job_family,
            working_language: self.working_language,
            accommodation_contact: self.accommodation_contact,
            stated_publication_date: self.stated_publication_date,
            authoritative_language: self.authoritative_language,
            grade: self.grade,
            contract_type: self.contract_type,
            duration_months: self.duration_months,
            renewable: self.renewable,
            positions: self.positions,
            open_to_internal: self.open_to_internal,
            open_to_external: self.open_to_external,
            internal_first: self.internal_first,
            residency: self.residency,
            nationality: self.nationality,
            nationality_countries: self.nationality_countries,
            time_zone: self.time_zone,
            closing,
            start_date: self.start_date,
            start_asap: self.start_asap,
            apply_email: self.apply_email,
            apply_url: self.apply_url,
            apply_email_subject: self.apply_email_subject,
            duty_stations: self
                .duty_stations
                .into_iter()
                .map(|d| DutyStationInput {
                    city: d.city,
                    country: d.country,
                })
                .collect(),
            languages: self
                .languages
                .into_iter()
                .map(|l| LanguageInput {
                    language: l.language,
                    level: l.level,
                    requirement: l.requirement,
                    one_of_group: l.one_of_group,
                    note: l.note,
                })
                .collect(),
            qualification_paths: self
                .qualification_paths
                .into_iter()
                .map(|q| QualificationPathInput {
                    education_level: q.education_level,
                    min_years_experience: q.min_years_experience,
                    fields: q.fields,
                    description: q.description,
                })
                .collect(),
            competencies,
            required_documents: self
                .required_documents
                .into_iter()
                .map(|d| DocumentInput {
                    kind: d.kind,
                    count: d.count,
                    note: d.note,
                })
                .collect(),
            texts: self
                .texts
                .into_iter()
                .enumerate()
                .map(|(i, t)| {
                    Ok(TextInput {
                        experience: lines(
                            &format!("input.texts[{i}].experience"),
                            t.experience,
                            t.experience_lines,
                        )?,
                        skills: lines(
                            &format!("input.texts[{i}].skills"),
                            t.skills,
                            t.skill_lines,
                        )?,
                        language: t.language,
                        title: t.title,
                        organisation_intro: t.organisation_intro,
                        context: t.context,
                        reporting_lines: t.reporting_lines,
                        responsibilities_intro: t.responsibilities_intro,
                        responsibilities: t.responsibilities,
                        conditions: t.conditions,
                        how_to_apply: t.how_to_apply,
                        additional_information: t.additional_information,
                    })
                })
                .collect::<AppResult<_>>()?,
            questions: self
                .questions
                .into_iter()
                .map(|q| Question {
                    kind: q.kind,
                    required: q.required,
                    prompt: by_language(q.prompt),
                    options: q
                        .options
                        .into_iter()
                        .map(|o| QuestionOption {
                            value: o.value.trim().to_owned(),
                            labels: by_language(o.labels),
                        })
                        .collect(),
                    min_number: q.min_number,
                    max_number: q.max_number,
                })
                .collect(),
        })
    }
}
