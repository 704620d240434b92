//! What a client sends about applications: filters, orders, the form with its uploads.

use std::io::Read;

use async_graphql::{Context, Enum, InputObject, Result, Upload, ID};

use super::types::UploadError;
use crate::domain::document::{MAX_DOCUMENTS, MAX_DOCUMENT_BYTES};
use crate::domain::{ApplicationStatus, DocumentKind, EducationLevel, LanguageLevel};
use crate::error::AppError;
use crate::service;
use crate::service::pagination::PageArgs;

/// Narrows a vacancy's applications; the fields combine with AND.
#[derive(InputObject, Default)]
pub struct ApplicationFilterInput {
    /// Applications in any of these statuses.
    pub(super) status: Option<Vec<ApplicationStatus>>,
    /// Only eligible (true) or ineligible (false) applications.
    pub(super) eligible: Option<bool>,
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
    pub(super) language: String,
    /// The candidate's level.
    pub(super) level: LanguageLevel,
}

/// A referee.
#[derive(InputObject)]
pub struct RefereeInput {
    /// The referee's name.
    pub(super) name: String,
    /// The referee's e-mail address.
    pub(super) email: String,
    /// The referee's position.
    pub(super) position: Option<String>,
    /// How the referee knows the candidate.
    pub(super) relation: Option<String>,
}

/// An answer to a screening question: fill the field matching the question's kind.
#[derive(InputObject)]
pub struct AnswerInput {
    /// The question's `id` from the vacancy's `applicationForm`.
    pub(super) question_id: i32,
    /// For a `TEXT` question.
    pub(super) text: Option<String>,
    /// For a `YES_NO` question.
    pub(super) yes: Option<bool>,
    /// For a `NUMBER` question.
    pub(super) number: Option<f64>,
    /// For a `SINGLE_CHOICE` (one value) or `MULTIPLE_CHOICE` question: option values.
    pub(super) choices: Option<Vec<String>>,
}

/// An application to a vacancy.
#[derive(InputObject)]
pub struct ApplyInput {
    /// The vacancy (global ID); it must be published and before its closing instant.
    pub(super) vacancy_id: ID,
    /// A cover letter written in the form (or upload one as a `COVER_LETTER` document).
    pub(super) cover_letter: Option<String>,
    /// Whether the candidate is a member of the organisation's staff (default: the profile's,
    /// else false).
    pub(super) internal_candidate: Option<bool>,
    /// The candidate's country of residence (ISO 3166-1 alpha-2); default: the profile's.
    /// Required when the profile has none.
    pub(super) residence_country: Option<String>,
    /// The candidate's nationality (ISO 3166-1 alpha-2), asked only by a notice with a
    /// nationality rule (`Vacancy.nationality` not `NONE`); default: the profile's. Ignored, and
    /// not stored, for any other notice.
    pub(super) nationality: Option<String>,
    /// The candidate's highest education level; default: the profile's. Required when the
    /// profile has none.
    pub(super) education_level: Option<EducationLevel>,
    /// The field of that education; default: the profile's.
    pub(super) education_field: Option<String>,
    /// Years of relevant experience (0–70); default: the profile's. Required when the profile
    /// has none.
    pub(super) years_experience: Option<i32>,
    /// Languages the candidate knows; default (left out): the profile's. An empty list states
    /// none.
    pub(super) languages: Option<Vec<ApplicationLanguageInput>>,
    /// Referees.
    #[graphql(default)]
    pub(super) referees: Vec<RefereeInput>,
    /// Answers to the vacancy's screening questions.
    #[graphql(default)]
    pub(super) answers: Vec<AnswerInput>,
}

/// A document sent with an application, as a file of a multipart request.
#[derive(InputObject)]
pub struct DocumentUploadInput {
    /// What the document is.
    pub(super) kind: DocumentKind,
    /// The file: PDF, DOCX or ODT (recognised by content), at most 5 MiB.
    pub(super) file: Upload,
}

/// At most [`MAX_DOCUMENTS`] documents, each naming a file the request really carries and none
/// naming the same one, checked before any file is read: what a request can make the server
/// read stays bounded by the count and the size limit.
pub(super) fn check_upload_references(
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
pub(super) fn read_upload(
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

pub(super) fn page_args(
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
