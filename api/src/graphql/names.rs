//! Names and descriptions in any language, shared by organisations, projects and competencies:
//! the `translations` input and output, and the `language` argument of `name` and `description`.

use async_graphql::{InputObject, SimpleObject};

use crate::domain::names::{Names, Translation};
use crate::domain::LanguageCode;
use crate::error::AppError;

/// A name and description in a language other than English and French (which have fields of
/// their own): `{ language: "ar", name: "المنظمة الدولية للهجرة" }`.
#[derive(InputObject)]
pub struct NameTranslationInput {
    /// ISO 639 language code (`ar`, `es`); not `en` nor `fr`.
    pub language: String,
    /// The name in that language.
    pub name: String,
    /// The description in that language.
    pub description: Option<String>,
}

/// A name and description in one language.
#[derive(SimpleObject)]
pub struct NameTranslation {
    /// ISO 639 language code.
    pub language: String,
    /// The name in that language.
    pub name: String,
    /// The description in that language, if there is one.
    pub description: Option<String>,
}

/// The service's translations from the input, each language code checked.
pub fn translations_into_service(
    list: Vec<NameTranslationInput>,
) -> Result<Vec<Translation>, AppError> {
    list.into_iter()
        .enumerate()
        .map(|(i, t)| {
            Ok(Translation {
                language: LanguageCode::parse(&t.language).map_err(|e| {
                    AppError::bad_input(format!("input.translations[{i}].language"), e)
                })?,
                name: t.name,
                description: t.description,
            })
        })
        .collect()
}

/// The `language` argument of `name` and `description`, checked.
pub fn language_arg(language: &str) -> Result<LanguageCode, AppError> {
    LanguageCode::parse(language).map_err(|e| AppError::bad_input("language", e))
}

/// Every language's name and description, English and French first.
pub fn all_translations(names: Names<'_>) -> Vec<NameTranslation> {
    names
        .all()
        .into_iter()
        .map(|(language, name, description)| NameTranslation {
            language,
            name: name.to_owned(),
            description: description.map(str::to_owned),
        })
        .collect()
}

/// The names of a row with `name_en` … `description_fr` and `translations` columns.
macro_rules! names_of {
    ($row:expr) => {
        $crate::domain::names::Names {
            name_en: &$row.name_en,
            name_fr: &$row.name_fr,
            description_en: $row.description_en.as_deref(),
            description_fr: $row.description_fr.as_deref(),
            translations: $row.translations.as_ref(),
        }
    };
}
pub(crate) use names_of;
