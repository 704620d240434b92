//! The labels of codes in a language, for a frontend's dictionary.

use async_graphql::{Object, Result, SimpleObject};

use crate::domain::labels::{self, CodeKind};
use crate::domain::WrittenLanguage;

/// A code and its label in the language asked for.
#[derive(SimpleObject)]
pub struct CodeLabel {
    /// The set the code belongs to.
    kind: CodeKind,
    /// The code as the API spells it (`REJECTED`, `fr`, `MA`).
    code: &'static str,
    /// Its label.
    label: &'static str,
}

/// Reading the labels of codes.
#[derive(Default)]
pub struct LabelQuery;

#[Object]
impl LabelQuery {
    /// The label of every code a frontend shows (statuses, levels, categories, languages,
    /// countries) in `en`, `fr` or `ar`; any other ISO 639 code reads English. Fetch it once.
    async fn labels(
        &self,
        #[graphql(desc = "ISO 639 language code: `en`, `fr` or `ar`.")] language: String,
        #[graphql(desc = "Only these kinds; every kind when absent.")] kinds: Option<Vec<CodeKind>>,
    ) -> Result<Vec<CodeLabel>> {
        let language = WrittenLanguage::from_input("language", &language)?;
        Ok(labels::entries()
            .iter()
            .filter(|e| kinds.as_ref().is_none_or(|kinds| kinds.contains(&e.kind)))
            .map(|e| CodeLabel {
                kind: e.kind,
                code: e.code,
                label: e.label(language),
            })
            .collect())
    }
}

/// A code's label for a `label(language:)`-style field.
pub fn label_in(kind: CodeKind, code: &str, language: &str) -> Result<String> {
    let language = WrittenLanguage::from_input("language", language)?;
    Ok(labels::label(kind, code, language).to_owned())
}
