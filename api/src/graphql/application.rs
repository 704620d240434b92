//! Applications: candidates apply, follow and withdraw theirs; the posting organisation's staff
//! screen, move and decide. Also the public application form of a vacancy.

use std::io::Read;

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, Upload, ID};
use chrono::{DateTime, Utc};
use entity::{application, application_event, vacancy_question};

use crate::domain::document::{MAX_DOCUMENTS, MAX_DOCUMENT_BYTES};
use crate::domain::eligibility::{Eligibility as Assessment, UnmetKind};
use crate::domain::{ApplicationStatus, DocumentKind, EducationLevel, LanguageLevel};
use crate::error::AppError;
use crate::graphql::account::Account;
use crate::graphql::context;
use crate::graphql::loaders::{children, one, preload};
use crate::graphql::relay::{connection, decode, global_id, page_cost, AppConnection, NodeKind};
use crate::graphql::vacancy::Vacancy;
use crate::policy;
use crate::service;
use crate::service::application::{ApplicationFilter, ApplicationOrder, DocumentMeta};
use crate::service::application_form::{self, QuestionKind};
use crate::service::pagination::PageArgs;

#[derive(Debug, thiserror::Error)]
#[error("cannot read an uploaded file: {0}")]
struct UploadError(String);

/// A candidate's application to one vacancy. Visible to the candidate and to the posting
/// organisation's recruiters and admins only.
#[derive(Clone)]
pub struct Application(pub application::Model);

/// A candidate's application to one vacancy. Visible to the candidate and to the posting
/// organisation's recruiters and admins only.
#[Object]
impl Application {
    /// The application's global ID.
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Application, self.0.id)
    }

    /// The vacancy applied to.
    async fn vacancy(&self, ctx: &Context<'_>) -> Result<Vacancy> {
        // Whoever sees the application sees its vacancy, whatever became of it.
        Ok(Vacancy(
            one(&context::loaders(ctx)?.vacancy, self.0.vacancy_id).await?,
        ))
    }

    /// The candidate's account (whoever sees the application sees who made it).
    async fn candidate(&self, ctx: &Context<'_>) -> Result<Account> {
        Ok(Account(
            one(&context::loaders(ctx)?.account, self.0.candidate_id).await?,
        ))
    }

    /// Where the application stands.
    async fn status(&self) -> Result<ApplicationStatus> {
        Ok(ApplicationStatus::from_db(&self.0.status)?)
    }

    /// The cover letter, when written in the form rather than uploaded.
    async fn cover_letter(&self) -> Option<&str> {
        self.0.cover_letter.as_deref()
    }

    /// Whether the candidate is a member of the organisation's staff.
    async fn internal_candidate(&self) -> bool {
        self.0.internal_candidate
    }

    /// The candidate's country of residence (ISO 3166-1 alpha-2).
    async fn residence_country(&self) -> &str {
        &self.0.residence_country
    }

    /// The candidate's highest education level.
    async fn education_level(&self) -> Result<EducationLevel> {
        Ok(EducationLevel::from_db(&self.0.education_level)?)
    }

    /// The field of that education.
    async fn education_field(&self) -> Option<&str> {
        self.0.education_field.as_deref()
    }

    /// Years of relevant experience.
    async fn years_experience(&self) -> i32 {
        self.0.years_experience
    }

    /// The languages the candidate declares, with their level.
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<ApplicationLanguage>> {
        let rows = children(&context::loaders(ctx)?.application_languages, self.0.id).await?;
        rows.into_iter()
            .map(|l| {
                Ok(ApplicationLanguage {
                    language: l.language_code,
                    level: LanguageLevel::from_db(&l.level)?,
                })
            })
            .collect()
    }

    /// The referees the candidate names, in their order.
    async fn referees(&self, ctx: &Context<'_>) -> Result<Vec<Referee>> {
        let rows = children(&context::loaders(ctx)?.application_referees, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|r| Referee {
                name: r.name,
                email: r.email,
                position: r.position,
                relation: r.relation,
            })
            .collect())
    }

    /// The uploaded documents (their description; the bytes are at `downloadUrl`).
    async fn documents(&self, ctx: &Context<'_>) -> Result<Vec<ApplicationDocument>> {
        let rows = context::loaders(ctx)?
            .application_documents
            .load_one(self.0.id)
            .await
            .map_err(AppError::internal)?
            .unwrap_or_default();
        Ok(rows.into_iter().map(ApplicationDocument).collect())
    }

    /// The answers to the vacancy's screening questions.
    async fn answers(&self, ctx: &Context<'_>) -> Result<Vec<Answer>> {
        let rows = children(&context::loaders(ctx)?.application_answers, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|a| Answer {
                question_id: a.question_id,
                value: async_graphql::Json(a.value),
            })
            .collect())
    }

    /// Every status change, oldest first, from the submission on.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<ApplicationEvent>> {
        let rows = children(&context::loaders(ctx)?.application_events, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|event| ApplicationEvent {
                event,
                application: self.0.clone(),
            })
            .collect())
    }

    /// Whether the application meets the vacancy's requirements (qualification paths, required
    /// languages, residency, internal/external opening), as assessed when it was submitted,
    /// with every unmet requirement in plain words.
    async fn eligibility(&self, ctx: &Context<'_>) -> Result<Eligibility> {
        Ok(
            service::application::eligibility_of(context::db(ctx)?, &self.0)
                .await?
                .into(),
        )
    }

    /// When it was submitted.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }

    /// When its status last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Changes with every status change; pass it to `updateApplicationStatus` to detect
    /// concurrent moves.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A language a candidate declares.
#[derive(SimpleObject)]
pub struct ApplicationLanguage {
    /// ISO 639 code.
    language: String,
    /// The candidate's level.
    level: LanguageLevel,
}

/// A referee a candidate names.
#[derive(SimpleObject)]
pub struct Referee {
    /// The referee's name.
    name: String,
    /// The referee's e-mail address.
    email: String,
    /// The referee's position.
    position: Option<String>,
    /// How the referee knows the candidate (former supervisor).
    relation: Option<String>,
}

/// A document uploaded with an application.
pub struct ApplicationDocument(DocumentMeta);

/// A document uploaded with an application.
#[Object]
impl ApplicationDocument {
    /// The document's global ID.
    async fn id(&self) -> ID {
        global_id(NodeKind::Document, self.0.id)
    }

    /// What the document is.
    async fn kind(&self) -> Result<DocumentKind> {
        Ok(DocumentKind::from_db(&self.0.kind)?)
    }

    /// The file's name as uploaded.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// The media type recognised from its content (`application/pdf`).
    async fn media_type(&self) -> &str {
        &self.0.media_type
    }

    /// Its size in bytes.
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }

    /// The SHA-256 of its content, hex-encoded.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Where to download it (GET, with the same `Authorization` header): for the candidate and
    /// the posting organisation's staff only.
    async fn download_url(&self) -> String {
        format!("/documents/{}", global_id(NodeKind::Document, self.0.id).0)
    }

    /// When it was uploaded.
    async fn uploaded_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// An answer to one screening question.
#[derive(SimpleObject)]
pub struct Answer {
    /// The question's `id` on the vacancy's `applicationForm`.
    question_id: i32,
    /// The answer: a string, a boolean, a number or a list of option values, by the question's
    /// kind.
    value: async_graphql::Json<serde_json::Value>,
}

/// One status change of an application.
pub struct ApplicationEvent {
    event: application_event::Model,
    application: application::Model,
}

/// One status change of an application.
#[Object]
impl ApplicationEvent {
    /// The status before; null for the submission.
    async fn from(&self) -> Result<Option<ApplicationStatus>> {
        Ok(self
            .event
            .from_status
            .as_deref()
            .map(ApplicationStatus::from_db)
            .transpose()?)
    }

    /// The status after.
    async fn to(&self) -> Result<ApplicationStatus> {
        Ok(ApplicationStatus::from_db(&self.event.to_status)?)
    }

    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.event.created_at
    }

    /// The recruiter's note, if any: for the organisation's staff only, never the candidate.
    async fn note(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        if self.event.note.is_none() {
            return Ok(None);
        }
        let staff = service::application::is_staff(
            context::actor(ctx)?,
            context::db(ctx)?,
            &self.application,
        )
        .await?;
        Ok(if staff {
            self.event.note.as_deref()
        } else {
            None
        })
    }

    /// Who made the change: shown to the organisation's staff, and to the candidate for their own
    /// changes; null otherwise, or when an integration token made it.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        let Some(actor_id) = self.event.actor_id else {
            return Ok(None);
        };
        let (caller, loaders) = (context::actor(ctx)?, context::loaders(ctx)?);
        // Staff see who moved it; the candidate only sees their own moves.
        if caller.account_id() != Some(actor_id) {
            let vacancy = one(&loaders.vacancy, self.application.vacancy_id).await?;
            if policy::manage_postings(caller, vacancy.organisation_id).is_err() {
                return Ok(None);
            }
        }
        Ok(loaders
            .account
            .load_one(actor_id)
            .await
            .map_err(AppError::internal)?
            .map(Account))
    }
}

/// The family of an unmet requirement.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum RequirementKind {
    /// No qualification path (education level and years of experience) is met.
    Qualification,
    /// A required language is missing or below its level.
    Language,
    /// The candidate lives outside the accepted countries.
    Residency,
    /// The notice is not open to the candidate's kind (internal or external).
    Opening,
}

impl From<UnmetKind> for RequirementKind {
    fn from(kind: UnmetKind) -> Self {
        match kind {
            UnmetKind::Qualification => Self::Qualification,
            UnmetKind::Language => Self::Language,
            UnmetKind::Residency => Self::Residency,
            UnmetKind::Opening => Self::Opening,
        }
    }
}

/// One requirement an application does not meet.
#[derive(SimpleObject)]
pub struct UnmetRequirement {
    /// Which kind of requirement.
    kind: RequirementKind,
    /// What is missing, in plain words ("needs a bachelor's degree with 5 years of experience
    /// (has a bachelor's degree with 4 years)").
    message: String,
}

/// The eligibility screening of an application against its vacancy.
#[derive(SimpleObject)]
pub struct Eligibility {
    /// True exactly when every requirement is met.
    eligible: bool,
    /// The unmet requirements, in the order qualification, languages, residency, opening.
    unmet: Vec<UnmetRequirement>,
}

impl From<Assessment> for Eligibility {
    fn from(assessment: Assessment) -> Self {
        Self {
            eligible: assessment.eligible,
            unmet: assessment
                .unmet
                .into_iter()
                .map(|u| UnmetRequirement {
                    kind: u.kind.into(),
                    message: u.message,
                })
                .collect(),
        }
    }
}

/// How many of a vacancy's applications are in one status.
#[derive(SimpleObject)]
pub struct PipelineCount {
    /// The status.
    status: ApplicationStatus,
    /// How many applications are in it.
    pub count: i64,
}

/// A vacancy's pipeline for the caller, or nothing when the caller is not staff of the posting
/// organisation.
pub async fn pipeline_for(
    ctx: &Context<'_>,
    vacancy: &entity::vacancy::Model,
) -> Result<Option<Vec<PipelineCount>>> {
    if policy::manage_postings(context::actor(ctx)?, vacancy.organisation_id).is_err() {
        return Ok(None);
    }
    let counts = context::loaders(ctx)?
        .pipelines
        .load_one(vacancy.id)
        .await
        .map_err(AppError::internal)?
        .unwrap_or_default();
    Ok(Some(
        counts
            .into_iter()
            .map(|(status, count)| PipelineCount { status, count })
            .collect(),
    ))
}

/// A screening question of a vacancy's application form.
pub struct Question {
    row: vacancy_question::Model,
    question: application_form::Question,
    authoritative_language: String,
}

impl Question {
    fn localized(
        &self,
        texts: &std::collections::BTreeMap<String, String>,
        language: Option<&str>,
    ) -> String {
        let wanted = language.map(str::to_ascii_lowercase);
        wanted
            .as_deref()
            .and_then(|l| texts.get(l))
            .or_else(|| texts.get(&self.authoritative_language))
            .or_else(|| texts.values().next())
            .cloned()
            .unwrap_or_default()
    }
}

/// The screening questions of a vacancy, in order.
pub async fn application_form(
    ctx: &Context<'_>,
    vacancy: &entity::vacancy::Model,
) -> Result<Vec<Question>> {
    let rows = children(&context::loaders(ctx)?.vacancy_questions, vacancy.id).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Question {
                question: application_form::Question::from_row(&row)?,
                row,
                authoritative_language: vacancy.authoritative_language.clone(),
            })
        })
        .collect())
}

/// A screening question of a vacancy's application form.
#[Object]
impl Question {
    /// The question's number, to pass as `questionId` in an answer.
    async fn id(&self) -> i32 {
        self.row.id
    }

    /// The kind of answer it takes.
    async fn kind(&self) -> QuestionKind {
        self.question.kind
    }

    /// Whether an answer is required.
    async fn required(&self) -> bool {
        self.question.required
    }

    /// The wording in a language, falling back to the notice's authoritative language.
    async fn prompt(
        &self,
        #[graphql(desc = "ISO 639 language code; the authoritative language when omitted.")]
        language: Option<String>,
    ) -> String {
        self.localized(&self.question.prompt, language.as_deref())
    }

    /// The options of a choice question, in order.
    async fn options(
        &self,
        #[graphql(
            desc = "ISO 639 language code for the labels; the authoritative language when omitted."
        )]
        language: Option<String>,
    ) -> Vec<QuestionChoice> {
        self.question
            .options
            .iter()
            .map(|o| QuestionChoice {
                value: o.value.clone(),
                label: self.localized(&o.labels, language.as_deref()),
            })
            .collect()
    }

    /// The smallest number accepted, for a number question.
    async fn min_number(&self) -> Option<f64> {
        self.question.min_number
    }

    /// The largest number accepted, for a number question.
    async fn max_number(&self) -> Option<f64> {
        self.question.max_number
    }
}

/// An option of a choice question.
#[derive(SimpleObject)]
pub struct QuestionChoice {
    /// The value to send in `choices`.
    value: String,
    /// The label in the language asked for.
    label: String,
}

/// Narrows a vacancy's applications; the fields combine with AND.
#[derive(InputObject, Default)]
pub struct ApplicationFilterInput {
    /// Applications in any of these statuses.
    status: Option<Vec<ApplicationStatus>>,
    /// Only eligible (true) or ineligible (false) applications.
    eligible: Option<bool>,
}

/// The order of a vacancy's applications.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ApplicationOrderBy {
    /// Oldest submission first.
    #[default]
    SubmittedFirst,
    /// Newest submission first.
    SubmittedLast,
    /// Eligible applications first (by the screening against the notice), each group oldest first.
    EligibleFirst,
}

/// A language a candidate knows.
#[derive(InputObject)]
pub struct ApplicationLanguageInput {
    /// ISO 639 code (`fr`, `ary`).
    language: String,
    /// The candidate's level.
    level: LanguageLevel,
}

/// A referee.
#[derive(InputObject)]
pub struct RefereeInput {
    /// The referee's name.
    name: String,
    /// The referee's e-mail address.
    email: String,
    /// The referee's position.
    position: Option<String>,
    /// How the referee knows the candidate.
    relation: Option<String>,
}

/// An answer to a screening question: fill the field matching the question's kind.
#[derive(InputObject)]
pub struct AnswerInput {
    /// The question's `id` from the vacancy's `applicationForm`.
    question_id: i32,
    /// For a `TEXT` question.
    text: Option<String>,
    /// For a `YES_NO` question.
    yes: Option<bool>,
    /// For a `NUMBER` question.
    number: Option<f64>,
    /// For a `SINGLE_CHOICE` (one value) or `MULTIPLE_CHOICE` question: option values.
    choices: Option<Vec<String>>,
}

/// An application to a vacancy.
#[derive(InputObject)]
pub struct ApplyInput {
    /// The vacancy (global ID); it must be published and before its closing instant.
    vacancy_id: ID,
    /// A cover letter written in the form (or upload one as a `COVER_LETTER` document).
    cover_letter: Option<String>,
    /// Whether the candidate is a member of the organisation's staff (default false).
    #[graphql(default)]
    internal_candidate: bool,
    /// The candidate's country of residence (ISO 3166-1 alpha-2).
    residence_country: String,
    /// The candidate's highest education level.
    education_level: EducationLevel,
    /// The field of that education.
    education_field: Option<String>,
    /// Years of relevant experience (0–70).
    years_experience: i32,
    /// Languages the candidate knows.
    #[graphql(default)]
    languages: Vec<ApplicationLanguageInput>,
    /// Referees.
    #[graphql(default)]
    referees: Vec<RefereeInput>,
    /// Answers to the vacancy's screening questions.
    #[graphql(default)]
    answers: Vec<AnswerInput>,
}

/// A document sent with an application, as a file of a multipart request.
#[derive(InputObject)]
pub struct DocumentUploadInput {
    /// What the document is.
    kind: DocumentKind,
    /// The file: PDF, DOCX or ODT (recognised by content), at most 5 MiB.
    file: Upload,
}

/// At most [`MAX_DOCUMENTS`] documents, each naming a file the request really carries and none
/// naming the same one, checked before any file is read: what a request can make the server
/// read stays bounded by the count and the size limit.
fn check_upload_references(
    ctx: &Context<'_>,
    documents: &[DocumentUploadInput],
) -> Result<(), AppError> {
    if documents.len() > MAX_DOCUMENTS {
        return Err(AppError::bad_input(
            "documents",
            format!("at most {MAX_DOCUMENTS} documents per application"),
        ));
    }
    let sent = ctx.query_env.uploads.len();
    let mut seen = std::collections::HashSet::new();
    for (i, document) in documents.iter().enumerate() {
        let file = document.file.0;
        if file >= sent {
            return Err(AppError::bad_input(
                format!("documents[{i}].file"),
                "no file was sent for this document (send it as a multipart upload)",
            ));
        }
        if !seen.insert(file) {
            return Err(AppError::bad_input(
                format!("documents[{i}].file"),
                "this file is already given for another document",
            ));
        }
    }
    Ok(())
}

/// Reads an uploaded file, never more than one byte past the size limit.
fn read_upload(
    ctx: &Context<'_>,
    index: usize,
    input: DocumentUploadInput,
) -> Result<service::application::Upload, AppError> {
    let value = input
        .file
        .value(ctx)
        .map_err(|e| AppError::bad_input(format!("documents[{index}].file"), e.to_string()))?;
    let file_name = value.filename.clone();
    let mut bytes = Vec::new();
    value
        .into_read()
        .take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AppError::internal(UploadError(e.to_string())))?;
    Ok(service::application::Upload {
        kind: input.kind,
        file_name,
        bytes,
    })
}

fn page_args(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        first,
        after,
        last,
        before,
    }
}

/// Reading applications.
#[derive(Default)]
pub struct ApplicationQuery;

/// Reading applications.
#[Object]
impl ApplicationQuery {
    /// The signed-in candidate's applications, newest first.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn my_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n applications (1–100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return applications after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n applications (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return applications before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Application>> {
        let page = page_args(first, after, last, before).validate()?;
        let page =
            service::application::mine(context::actor(ctx)?, context::db(ctx)?, page).await?;
        Ok(connection(page, Application))
    }

    /// One application, for its candidate and the posting organisation's staff; `NOT_FOUND`
    /// for anyone else.
    async fn application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application's global ID.")] id: ID,
    ) -> Result<Application> {
        let id = decode("id", NodeKind::Application, &id)?;
        Ok(Application(
            service::application::get(context::actor(ctx)?, context::db(ctx)?, id).await?,
        ))
    }

    /// A vacancy's applications, for the posting organisation's staff; `NOT_FOUND` for anyone
    /// else.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] vacancy_id: ID,
        #[graphql(desc = "Narrow the list.")] filter: Option<ApplicationFilterInput>,
        #[graphql(desc = "The order (default `SUBMITTED_FIRST`).")] order_by: Option<
            ApplicationOrderBy,
        >,
        #[graphql(desc = "Return the first n applications (1–100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return applications after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n applications (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return applications before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Application>> {
        let vacancy_id = decode("vacancyId", NodeKind::Vacancy, &vacancy_id)?;
        let filter = filter.unwrap_or_default();
        let filter = ApplicationFilter {
            statuses: filter.status,
            eligible: filter.eligible,
        };
        let order = match order_by.unwrap_or_default() {
            ApplicationOrderBy::SubmittedFirst => ApplicationOrder::SubmittedFirst,
            ApplicationOrderBy::SubmittedLast => ApplicationOrder::SubmittedLast,
            ApplicationOrderBy::EligibleFirst => ApplicationOrder::EligibleFirst,
        };
        let page = page_args(first, after, last, before).validate()?;
        let page = service::application::for_vacancy(
            context::actor(ctx)?,
            context::db(ctx)?,
            vacancy_id,
            &filter,
            order,
            page,
        )
        .await?;
        // A pipeline shows who applied: their accounts in one statement, at once.
        let look = ctx.look_ahead();
        if look
            .field("edges")
            .field("node")
            .field("candidate")
            .exists()
            || look.field("nodes").field("candidate").exists()
        {
            preload(
                &context::loaders(ctx)?.account,
                page.rows.iter().map(|(_, row)| row.candidate_id),
            )
            .await
            .map_err(AppError::internal)?;
        }
        Ok(connection(page, Application))
    }
}

/// Applying, moving and withdrawing applications.
#[derive(Default)]
pub struct ApplicationMutation;

/// Applying, moving and withdrawing applications.
#[Object]
impl ApplicationMutation {
    /// Applies to an open vacancy, as a signed-in candidate: once per vacancy (`CONFLICT`
    /// after). Documents travel as files of a GraphQL multipart request (which needs a
    /// `GraphQL-Require-Preflight` header): at most 5, each a PDF, DOCX or ODT of at most 5 MiB,
    /// including those the notice requires.
    async fn apply_to_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application.")] input: ApplyInput,
        #[graphql(desc = "The documents: CV, cover letter, references, diplomas.")]
        documents: Option<Vec<DocumentUploadInput>>,
    ) -> Result<Application> {
        // Who may apply, and how many files, are settled before any upload is read.
        service::application::candidate_id(context::actor(ctx)?)?;
        let vacancy_id = decode("input.vacancyId", NodeKind::Vacancy, &input.vacancy_id)?;
        let documents = documents.unwrap_or_default();
        check_upload_references(ctx, &documents)?;
        let documents = documents
            .into_iter()
            .enumerate()
            .map(|(i, d)| read_upload(ctx, i, d))
            .collect::<Result<Vec<_>, _>>()?;
        let row = service::application::apply(
            context::actor(ctx)?,
            context::db(ctx)?,
            service::application::ApplyInput {
                vacancy_id,
                cover_letter: input.cover_letter,
                internal_candidate: input.internal_candidate,
                residence_country: input.residence_country,
                education_level: input.education_level,
                education_field: input.education_field,
                years_experience: input.years_experience,
                languages: input
                    .languages
                    .into_iter()
                    .map(|l| (l.language, l.level))
                    .collect(),
                referees: input
                    .referees
                    .into_iter()
                    .map(|r| service::application::RefereeInput {
                        name: r.name,
                        email: r.email,
                        position: r.position,
                        relation: r.relation,
                    })
                    .collect(),
                documents,
                answers: input
                    .answers
                    .into_iter()
                    .map(|a| application_form::AnswerInput {
                        question_id: a.question_id,
                        text: a.text,
                        yes: a.yes,
                        number: a.number,
                        choices: a.choices,
                    })
                    .collect(),
            },
        )
        .await?;
        Ok(Application(row))
    }

    /// Moves an application one step along `SUBMITTED → SCREENING → SHORTLISTED → INTERVIEW →
    /// OFFERED → HIRED`, or to `REJECTED` while open; for the posting organisation's staff.
    /// Any other move, a stale `version`, or losing a race with another recruiter is `CONFLICT`.
    async fn update_application_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application's global ID.")] id: ID,
        #[graphql(desc = "The new status.")] status: ApplicationStatus,
        #[graphql(desc = "A note kept with the change.")] note: Option<String>,
        #[graphql(
            desc = "The `version` last read; when given, a changed application is `CONFLICT`."
        )]
        version: Option<i32>,
    ) -> Result<Application> {
        let id = decode("id", NodeKind::Application, &id)?;
        Ok(Application(
            service::application::update_status(
                context::actor(ctx)?,
                context::db(ctx)?,
                id,
                status,
                note,
                version,
            )
            .await?,
        ))
    }

    /// The candidate takes an application back, until a decision is made (`CONFLICT` after).
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application's global ID.")] id: ID,
    ) -> Result<Application> {
        let id = decode("id", NodeKind::Application, &id)?;
        Ok(Application(
            service::application::withdraw(context::actor(ctx)?, context::db(ctx)?, id).await?,
        ))
    }
}
