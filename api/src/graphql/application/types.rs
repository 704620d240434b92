//! Applications as the schema shows them: the application, its documents, events and eligibility.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{application, application_event};

use crate::domain::eligibility::{Eligibility as Assessment, UnmetKind};
use crate::domain::{ApplicationStatus, DocumentKind, EducationLevel, LanguageLevel};
use crate::error::AppError;
use crate::graphql::account::Account;
use crate::graphql::context;
use crate::graphql::loaders::{children, one};
use crate::graphql::relay::{global_id, NodeKind};
use crate::graphql::vacancy::Vacancy;
use crate::service;
use crate::service::application::DocumentMeta;

#[derive(Debug, thiserror::Error)]
#[error("cannot read an uploaded file: {0}")]
pub(super) struct UploadError(pub(super) String);

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

    /// The candidate's nationality (ISO 3166-1 alpha-2), stated only for a notice with a
    /// nationality rule; null otherwise and once anonymised.
    async fn nationality(&self) -> Option<&str> {
        self.0.nationality.as_deref()
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
        let staff = service::application::can_read_notes(
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
            if !service::application::can_see_who_moved(caller, actor_id, vacancy.organisation_id) {
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
    /// The candidate is not (or does not say they are) a national of an accepted country.
    Nationality,
    /// The notice is not open to the candidate's kind (internal or external).
    Opening,
}

impl From<UnmetKind> for RequirementKind {
    fn from(kind: UnmetKind) -> Self {
        match kind {
            UnmetKind::Qualification => Self::Qualification,
            UnmetKind::Language => Self::Language,
            UnmetKind::Residency => Self::Residency,
            UnmetKind::Nationality => Self::Nationality,
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
    /// The unmet requirements, in the order qualification, languages, residency, nationality,
    /// opening.
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
    if !service::application::can_read_pipeline(context::actor(ctx)?, vacancy.organisation_id) {
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
