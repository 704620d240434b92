//! `importNoticeDocument`: a draft from the PDF or Word file of a notice.

use std::io::Read;

use async_graphql::{Context, Enum, Object, Result, SimpleObject, Upload, ID};

use super::types::Vacancy;
use crate::domain::document::{DocumentFormat, MAX_DOCUMENT_BYTES};
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::relay::{decode, NodeKind};
use crate::service::notice_import::{self, fields::FieldSource};

/// The format a notice document was read as.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum NoticeDocumentFormat {
    /// A PDF with a text layer.
    Pdf,
    /// A Word document (DOCX).
    Docx,
}

/// One field the importer filled, and where it found it.
#[derive(SimpleObject)]
pub struct ImportedField {
    /// The field, as `VacancyInput` names it (`closingDate`, `languages`, …); list fields
    /// appear once per entry.
    field: String,
    /// What was read, as text.
    value: String,
    /// Where: the label, section or rule that gave it.
    source: String,
    /// The line of the document's extracted text it starts on, when one line gave it.
    line: Option<i32>,
    /// From 0 to 1: about 0.9 for a labelled value, lower for running text or an assumption.
    confidence: f64,
}

impl From<FieldSource> for ImportedField {
    fn from(f: FieldSource) -> Self {
        Self {
            field: f.field.to_owned(),
            value: f.value,
            source: f.source,
            line: f.line.and_then(|l| i32::try_from(l).ok()),
            confidence: f.confidence,
        }
    }
}

/// A draft made from a notice document, with the importer's account of it.
#[derive(SimpleObject)]
pub struct NoticeImportPayload {
    /// The draft (never published by the import): edit it with `updateVacancy`.
    vacancy: Vacancy,
    /// The format the document was read as.
    format: NoticeDocumentFormat,
    /// Every field filled, with its source and confidence.
    fields: Vec<ImportedField>,
    /// The fields the document did not give (a missing reference is replaced by an
    /// `IMPORT-…` placeholder to change).
    unfilled_fields: Vec<String>,
    /// What the draft still needs before it can be published.
    missing_to_publish: Vec<String>,
    /// The document holds several posts; this draft is the first.
    more_posts: bool,
}

#[derive(Default)]
pub struct NoticeImportMutation;

#[Object]
impl NoticeImportMutation {
    /// Creates a draft vacancy from an agency's notice document (a PDF with a text layer or a
    /// DOCX, at most 5 MiB, sent as a GraphQL multipart upload), filled with what the
    /// document says. Allowed to whoever may create the organisation's vacancies. A scan
    /// without text, an encrypted file or a document that is not a notice is BAD_USER_INPUT.
    async fn import_notice_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The notice document.")] file: Upload,
        #[graphql(desc = "The posting organisation (global ID); defaults to the caller's own.")]
        organisation_id: Option<ID>,
    ) -> Result<NoticeImportPayload> {
        let actor = context::actor(ctx)?;
        let db = context::db(ctx)?;
        let org = organisation_id
            .map(|id| decode("organisationId", NodeKind::Organisation, &id))
            .transpose()?;
        let value = file
            .value(ctx)
            .map_err(|e| AppError::bad_input("file", e.to_string()))?;
        let mut bytes = Vec::new();
        value
            .into_read()
            .take(MAX_DOCUMENT_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| AppError::bad_input("file", "the file could not be read"))?;
        let imported = notice_import::import(actor, db, org, &bytes).await?;
        Ok(NoticeImportPayload {
            vacancy: Vacancy(imported.vacancy),
            format: match imported.format {
                DocumentFormat::Docx => NoticeDocumentFormat::Docx,
                _ => NoticeDocumentFormat::Pdf,
            },
            fields: imported.fields.into_iter().map(Into::into).collect(),
            unfilled_fields: imported.unfilled.into_iter().map(str::to_owned).collect(),
            missing_to_publish: imported
                .missing_to_publish
                .into_iter()
                .map(str::to_owned)
                .collect(),
            more_posts: imported.more_posts,
        })
    }
}
