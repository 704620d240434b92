//! Posting a notice from the PDF or Word file an agency already has: the document's text is
//! read (`pdf`, `docx`), laid out in labels and sections (`layout`), its fields found
//! (`fields`) with the words of `vocabulary.toml`, and the result created as a draft through
//! the normal write path, so every check and the audit entry are those of `createVacancy`.

mod applying;
mod dates;
mod docx;
pub mod fields;
pub mod layout;
mod pdf;
mod requirements;
mod sections;
pub mod vocabulary;

use chrono::Utc;
use entity::{competency, vacancy};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use crate::auth::Actor;
use crate::domain::document::{sha256_hex, DocumentFormat, MAX_DOCUMENT_BYTES};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::vacancy::write;
use fields::{CatalogueEntry, FieldSource};
use vocabulary::fold;

/// Why a document cannot become a draft; each is `BAD_USER_INPUT` on `file` (`error.rs`).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the file is not a PDF or a Word (DOCX) document")]
    NotSupported,
    #[error("the {0} file cannot be read (it is damaged or not what it claims to be)")]
    Unreadable(&'static str),
    #[error("the document is encrypted or password-protected: send it unprotected")]
    Encrypted,
    #[error("the document has no text to read (a scan without a text layer?): send the original PDF or Word file")]
    NoText,
    #[error("the document has more than {0} pages: a notice is shorter")]
    TooLong(usize),
    #[error("the document does not read as a vacancy notice (no title, duty station, closing date or sections found)")]
    NotANotice,
}

/// What the import made: the draft, and how each field was found.
#[derive(Debug)]
pub struct ImportedNotice {
    pub vacancy: vacancy::Model,
    pub format: DocumentFormat,
    pub fields: Vec<FieldSource>,
    /// Fields the document did not give.
    pub unfilled: Vec<&'static str>,
    /// What the draft still needs before it can be published.
    pub missing_to_publish: Vec<&'static str>,
    /// The document holds several posts; the draft is the first.
    pub more_posts: bool,
}

/// The document's text, whichever format it is.
pub fn document_text(bytes: &[u8]) -> Result<(DocumentFormat, String), ImportError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ImportError::TooLarge(MAX_DOCUMENT_BYTES));
    }
    match DocumentFormat::sniff(bytes) {
        Some(DocumentFormat::Pdf) => Ok((DocumentFormat::Pdf, pdf::text(bytes)?)),
        Some(DocumentFormat::Docx) => Ok((DocumentFormat::Docx, docx::text(bytes)?)),
        _ => Err(ImportError::NotSupported),
    }
}

/// Reads a notice's text into the input of a draft; no database.
pub fn parse(text: &str, catalogue: &[CatalogueEntry]) -> AppResult<(fields::Parsed, bool)> {
    let v = vocabulary::vocabulary().map_err(|e| AppError::internal(VocabularyBroken(e)))?;
    let layout = layout::read(v, text);
    let parsed = fields::extract(v, &layout, catalogue);
    let signals = [
        "title",
        "dutyStations",
        "closingDate",
        "responsibilities",
        "grade",
        "reference",
    ]
    .iter()
    .filter(|f| !parsed.unfilled.contains(f))
    .count();
    if signals < 2 {
        return Err(ImportError::NotANotice.into());
    }
    Ok((parsed, layout.more_posts))
}

#[derive(Debug, thiserror::Error)]
#[error("vocabulary.toml: {0}")]
struct VocabularyBroken(String);

/// The competencies a notice of `organisation_id` may name: its own and the global ones.
async fn catalogue(
    db: &DatabaseConnection,
    organisation_id: i32,
) -> AppResult<Vec<CatalogueEntry>> {
    let rows = competency::Entity::find()
        .filter(
            Condition::any()
                .add(competency::Column::OrganisationId.eq(organisation_id))
                .add(competency::Column::OrganisationId.is_null()),
        )
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| CatalogueEntry {
            id: c.id,
            names: vec![fold(c.name_fr.trim()), fold(c.name_en.trim())],
            code: c.code,
        })
        .collect())
}

/// Creates a draft of the caller's organisation (or `organisation_id`, for a platform admin)
/// from a notice document. Allowed to whoever may create the organisation's vacancies.
#[tracing::instrument(level = "debug", skip(db, bytes), fields(bytes = bytes.len()))]
pub async fn import(
    actor: &Actor,
    db: &DatabaseConnection,
    organisation_id: Option<i32>,
    bytes: &[u8],
) -> AppResult<ImportedNotice> {
    let organisation_id = policy::posting_organisation(actor, organisation_id)?;
    let owned = bytes.to_vec();
    // Parsing is CPU work: off the async workers.
    let (format, text) = tokio::task::spawn_blocking(move || document_text(&owned))
        .await
        .map_err(AppError::internal)??;
    let catalogue = catalogue(db, organisation_id).await?;
    let (mut parsed, more_posts) = parse(&text, &catalogue)?;
    if parsed.input.reference.is_empty() {
        // A reference is required and unique: one the recruiter will replace, stable per file.
        parsed.input.reference = format!("IMPORT-{}", &sha256_hex(bytes)[..12]);
    }
    let notice = parsed.input.clone().validate(db, organisation_id).await?;
    let missing_to_publish = notice
        .missing_for_publication(Utc::now())
        .into_iter()
        .map(|(_, what)| what)
        .collect();
    let row = write::create(actor, db, Some(organisation_id), parsed.input).await?;
    Ok(ImportedNotice {
        vacancy: row,
        format,
        fields: parsed.fields,
        unfilled: parsed.unfilled,
        missing_to_publish,
        more_posts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_notice(prefix: &str) -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../seed/notices");
        let entry = std::fs::read_dir(dir)
            .expect("seed/notices")
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .expect("the notice");
        std::fs::read_to_string(entry.path()).expect("readable")
    }

    #[test]
    fn notices_give_their_zone_languages_and_paths() {
        let (vn, _) = parse(&seed_notice("000"), &[]).expect("a notice");
        assert_eq!(vn.input.reference, "VN 2023/005");
        assert!(
            vn.input.internal_first,
            "« candidat.e.s de premier rang », broken over two lines"
        );
        let darija = vn
            .input
            .languages
            .iter()
            .find(|l| l.language == "ary")
            .expect("Darija");
        assert_eq!(darija.requirement, crate::domain::Requirement::Desirable);
        assert!(darija.one_of_group.is_some());

        let (ilo, _) = parse(&seed_notice("003"), &[]).expect("a notice");
        assert_eq!(
            ilo.input.time_zone, "Europe/Zurich",
            "« minuit, heure de Genève »"
        );
        assert_eq!(ilo.input.external_job_id.as_deref(), Some("12986"));

        let (lmi, more_posts) = parse(&seed_notice("001"), &[]).expect("a notice");
        assert!(more_posts);
        let paths: Vec<_> = lmi
            .input
            .qualification_paths
            .iter()
            .map(|p| (p.education_level, p.min_years_experience))
            .collect();
        assert_eq!(
            paths,
            [
                (crate::domain::EducationLevel::Secondary, 7),
                (crate::domain::EducationLevel::Bachelor, 5)
            ]
        );
        assert_eq!(
            lmi.input.duty_stations.len(),
            1,
            "Maroc/Tunisie, first post LMI_Maroc"
        );
        assert!(lmi.unfilled.contains(&"reference"));
    }

    #[test]
    fn english_notices_read_too() {
        let text = "Vacancy Notice No.: SVN 2027/012\n\
            Position title: Programme Officer\n\
            Grade: P3\n\
            Duty station: Geneva, Switzerland\n\
            Type of appointment: Fixed-term, one year, renewable\n\
            Closing date: 15 March 2027 (midnight, Geneva time)\n\n\
            Responsibilities\n\
            \u{2022} Coordinate the project.\n\
            \u{2022} Report to the donor.\n\n\
            Education\n\
            \u{2022} Master's degree in law with five years of relevant experience.\n\n\
            Languages\n\
            Fluency in English is required. Working knowledge of French is desirable.\n";
        let (parsed, _) = parse(text, &[]).expect("a notice");
        let i = &parsed.input;
        assert_eq!(i.authoritative_language, "en");
        assert_eq!(i.reference, "SVN 2027/012");
        assert_eq!(i.texts[0].title, "Programme Officer");
        assert_eq!(i.grade.as_deref(), Some("P3"));
        assert_eq!(i.duty_stations[0].city.as_deref(), Some("Geneva"));
        assert_eq!(i.duty_stations[0].country, "CH");
        assert_eq!(
            i.contract_type,
            Some(crate::domain::ContractType::FixedTerm)
        );
        assert_eq!((i.duration_months, i.renewable), (Some(12), Some(true)));
        assert_eq!(i.time_zone, "Europe/Zurich");
        assert_eq!(i.texts[0].responsibilities.len(), 2);
        assert_eq!(
            i.qualification_paths[0].education_level,
            crate::domain::EducationLevel::Master
        );
        assert_eq!(i.qualification_paths[0].min_years_experience, 5);
        let languages: Vec<_> = i
            .languages
            .iter()
            .map(|l| (l.language.as_str(), l.level, l.requirement))
            .collect();
        assert_eq!(
            languages,
            [
                (
                    "en",
                    Some(crate::domain::LanguageLevel::Fluent),
                    crate::domain::Requirement::Required
                ),
                (
                    "fr",
                    Some(crate::domain::LanguageLevel::Working),
                    crate::domain::Requirement::Desirable
                )
            ]
        );
    }

    #[test]
    fn prose_is_not_a_notice() {
        let prose = "Le chat dort au soleil sur le rebord de la fenêtre. ".repeat(20);
        assert!(parse(&prose, &[]).is_err());
    }
}
