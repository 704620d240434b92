//! The application fields of the Mutation root.

use async_graphql::{Context, Object, Result, ID};

use super::input::{check_upload_references, read_upload, ApplyInput, DocumentUploadInput};
use super::types::Application;
use crate::domain::ApplicationStatus;
use crate::graphql::context;
use crate::graphql::relay::{decode, NodeKind};
use crate::service;
use crate::service::application::form;

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
        service::application::may_apply(context::actor(ctx)?)?;
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
            &context::settings(ctx)?.mailer,
            &context::settings(ctx)?.documents,
            context::settings(ctx)?.document_quota_bytes,
            service::application::ApplyInput {
                vacancy_id,
                cover_letter: input.cover_letter,
                internal_candidate: input.internal_candidate,
                residence_country: input.residence_country,
                nationality: input.nationality,
                education_level: input.education_level,
                education_field: input.education_field,
                years_experience: input.years_experience,
                languages: input
                    .languages
                    .map(|ls| ls.into_iter().map(|l| (l.language, l.level)).collect()),
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
                    .map(|a| form::AnswerInput {
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
                &context::settings(ctx)?.mailer,
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
