//! Field checks and update bookkeeping shared by the write services: trimmed and bounded
//! texts, e-mail addresses, the bilingual name and description of organisations, projects and
//! competencies, and the change set an update collects for its statement and its audit entry.

use sea_orm::sea_query::{Expr, SimpleExpr};
use serde_json::{json, Map, Value};

use crate::domain::names::{self, Translation};
use crate::error::{AppError, AppResult};

/// Longest name, address or other one-line text accepted.
pub(crate) const MAX_LINE: usize = 500;
/// Longest description accepted.
pub(crate) const MAX_TEXT: usize = 20_000;

/// Trimmed text that must not be blank nor longer than `max` characters.
pub(crate) fn required_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must not be empty"),
        ));
    }
    if trimmed.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must be at most {max} characters long"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Trimmed optional text; blank text counts as absent.
pub(crate) fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> AppResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => required_text(field, text, max).map(Some),
    }
}

/// The update columns and audit changes an update collects, field by field.
pub(crate) struct ChangeSet<C> {
    pub columns: Vec<(C, SimpleExpr)>,
    pub changes: Map<String, Value>,
}

impl<C> Default for ChangeSet<C> {
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            changes: Map::new(),
        }
    }
}

impl<C> ChangeSet<C> {
    /// Sets `column` to `new` (recorded as `name`) when it differs from `old`.
    pub fn field<T>(&mut self, name: &str, column: C, old: &T, new: Option<T>)
    where
        T: PartialEq + Clone + Into<sea_orm::Value> + serde::Serialize,
    {
        if let Some(new) = new {
            if &new != old {
                self.changes.insert(name.to_owned(), json!(new));
                self.columns.push((column, Expr::value(new)));
            }
        }
    }

    /// Records a change that is not a column of the row (a replaced list).
    pub fn record(&mut self, name: &str, value: Value) {
        self.changes.insert(name.to_owned(), value);
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Checks that a text looks like an e-mail address (one `@`, no spaces); the mail server has
/// the last word.
pub(crate) fn email(field: &str, value: Option<&str>) -> AppResult<Option<String>> {
    let address = optional_text(field, value, MAX_LINE)?;
    if let Some(address) = &address {
        let valid = matches!(address.split_once('@'), Some((user, host))
            if !user.is_empty() && host.contains('.') && !host.contains('@'))
            && !address.contains(char::is_whitespace);
        if !valid {
            return Err(AppError::bad_input(
                field,
                format!("`{field}` is not an e-mail address"),
            ));
        }
    }
    Ok(address)
}

/// The stored bilingual name and description of an organisation, project or competency, with
/// their columns.
pub(crate) struct Bilingual<'a, C> {
    pub name_en: (C, &'a String),
    pub name_fr: (C, &'a String),
    pub description_en: (C, &'a Option<String>),
    pub description_fr: (C, &'a Option<String>),
    pub translations: (C, &'a Option<Value>),
}

/// What an update asks of a bilingual name and description: `None` leaves a field as it is; a
/// description of `Some(None)` (or blank) removes it.
pub(crate) struct BilingualUpdate {
    pub name_en: Option<String>,
    pub name_fr: Option<String>,
    pub description_en: Option<Option<String>>,
    pub description_fr: Option<Option<String>>,
    pub translations: Option<Vec<Translation>>,
}

/// Checks the names and descriptions in languages other than English and French (which have
/// fields of their own), and gives them as stored.
pub(crate) fn translations(input: &[Translation]) -> AppResult<Option<Value>> {
    let mut checked: Vec<Translation> = Vec::with_capacity(input.len());
    for (i, t) in input.iter().enumerate() {
        let field = format!("input.translations[{i}]");
        let language = t.language.as_str();
        if matches!(language, "en" | "fr") {
            return Err(AppError::bad_input(
                format!("{field}.language"),
                format!("give the {language} name and description in their own fields (nameEn, nameFr …)"),
            ));
        }
        if checked.iter().any(|c| c.language == t.language) {
            return Err(AppError::bad_input(
                format!("{field}.language"),
                format!("a translation in {language} is given twice"),
            ));
        }
        checked.push(Translation {
            language: t.language.clone(),
            name: required_text(&format!("{field}.name"), &t.name, MAX_LINE)?,
            description: optional_text(
                &format!("{field}.description"),
                t.description.as_deref(),
                MAX_TEXT,
            )?,
        });
    }
    Ok(names::to_stored(&checked))
}

/// Records in the change set `$set` what the update `$input` asks of the stored row `$current`'s
/// bilingual name and description (fields `name_en` … `description_fr` on both, columns
/// `$column::NameEn` …): organisations, projects and competencies share these names.
macro_rules! bilingual_changes {
    ($set:expr, $current:expr, $input:expr, $column:ident) => {
        $set.bilingual(
            $crate::service::fields::Bilingual {
                name_en: ($column::NameEn, &$current.name_en),
                name_fr: ($column::NameFr, &$current.name_fr),
                description_en: ($column::DescriptionEn, &$current.description_en),
                description_fr: ($column::DescriptionFr, &$current.description_fr),
                translations: ($column::Translations, &$current.translations),
            },
            $crate::service::fields::BilingualUpdate {
                name_en: $input.name_en,
                name_fr: $input.name_fr,
                description_en: $input.description_en,
                description_fr: $input.description_fr,
                translations: $input.translations,
            },
        )
    };
}
pub(crate) use bilingual_changes;

impl<C> ChangeSet<C> {
    /// Checks and records the changes to a bilingual name and description.
    pub fn bilingual(
        &mut self,
        stored: Bilingual<'_, C>,
        update: BilingualUpdate,
    ) -> AppResult<()> {
        let name = |field: &str, value: Option<String>| {
            value
                .map(|n| required_text(field, &n, MAX_LINE))
                .transpose()
        };
        let description = |field: &str, value: Option<Option<String>>| {
            value
                .map(|d| optional_text(field, d.as_deref(), MAX_TEXT))
                .transpose()
        };
        let (column, old) = stored.name_en;
        self.field("nameEn", column, old, name("input.nameEn", update.name_en)?);
        let (column, old) = stored.name_fr;
        self.field("nameFr", column, old, name("input.nameFr", update.name_fr)?);
        let (column, old) = stored.description_en;
        let new = description("input.descriptionEn", update.description_en)?;
        self.field("descriptionEn", column, old, new);
        let (column, old) = stored.description_fr;
        let new = description("input.descriptionFr", update.description_fr)?;
        self.field("descriptionFr", column, old, new);
        let (column, old) = stored.translations;
        let new = update
            .translations
            .as_deref()
            .map(translations)
            .transpose()?;
        self.field("translations", column, old, new);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_required_text_is_refused_and_optional_blank_is_absent() {
        assert_eq!(
            required_text("input.nameEn", "  ", 10).unwrap_err().code(),
            "BAD_USER_INPUT"
        );
        assert_eq!(required_text("f", " IOM ", 10).unwrap(), "IOM");
        assert!(required_text("f", "abcdef", 5).is_err());
        assert_eq!(optional_text("f", Some(" "), 10).unwrap(), None);
    }

    #[test]
    fn e_mail_addresses_are_checked_loosely() {
        assert!(email("f", Some("jobs@iom.int")).is_ok());
        assert!(email("f", Some("jobs at iom")).is_err());
        assert!(email("f", Some("a@b@c.d")).is_err());
    }
}
