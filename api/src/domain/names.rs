//! Names and descriptions of organisations, projects and competencies in any language.
//!
//! English and French are columns of their own (every record has an English and a French name).
//! Any other language is in the record's `translations`, a JSON map from an ISO 639 code to its
//! name and description (`{"ar": {"name": "…", "description": "…"}}`), so a further language
//! needs no migration. A reader asks for a language and gets it, else English, else French (for
//! a description, which may be missing in English): the rule of notice texts, English being
//! the language these records are kept in.

use serde_json::{Map, Value};

use super::LanguageCode;

/// A name (and perhaps a description) in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    pub language: LanguageCode,
    pub name: String,
    pub description: Option<String>,
}

/// A record's stored names: the English and French columns and the other languages' map.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    pub name_en: &'a str,
    pub name_fr: &'a str,
    pub description_en: Option<&'a str>,
    pub description_fr: Option<&'a str>,
    pub translations: Option<&'a Value>,
}

/// One language's entry of the stored map.
fn entry<'a>(translations: Option<&'a Value>, language: &str) -> Option<&'a Map<String, Value>> {
    translations?.get(language)?.as_object()
}

fn text<'a>(entry: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a str> {
    entry?.get(key)?.as_str()
}

impl<'a> Names<'a> {
    /// The name in `language`, else in English.
    pub fn name(&self, language: &LanguageCode) -> &'a str {
        match language.as_str() {
            "en" => self.name_en,
            "fr" => self.name_fr,
            other => text(entry(self.translations, other), "name").unwrap_or(self.name_en),
        }
    }

    /// The description in `language`, else in English, else in French, else in any language.
    pub fn description(&self, language: &LanguageCode) -> Option<&'a str> {
        let asked = match language.as_str() {
            "en" => self.description_en,
            "fr" => self.description_fr,
            other => text(entry(self.translations, other), "description"),
        };
        asked
            .or(self.description_en)
            .or(self.description_fr)
            .or_else(|| {
                self.translations?
                    .as_object()?
                    .values()
                    .find_map(|e| e.get("description")?.as_str())
            })
    }

    /// Every language's name and description: English, French, then the others by code.
    pub fn all(&self) -> Vec<(String, &'a str, Option<&'a str>)> {
        let mut all = vec![
            ("en".to_owned(), self.name_en, self.description_en),
            ("fr".to_owned(), self.name_fr, self.description_fr),
        ];
        if let Some(map) = self.translations.and_then(Value::as_object) {
            let mut others: Vec<_> = map
                .iter()
                .filter_map(|(language, e)| {
                    let name = e.get("name")?.as_str()?;
                    let description = e.get("description").and_then(Value::as_str);
                    Some((language.clone(), name, description))
                })
                .collect();
            others.sort_by(|a, b| a.0.cmp(&b.0));
            all.extend(others);
        }
        all
    }

    /// Every name, for a search document.
    pub fn every_name(&self) -> impl Iterator<Item = &'a str> + '_ {
        [self.name_en, self.name_fr].into_iter().chain(
            self.translations
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|map| map.values().filter_map(|e| e.get("name")?.as_str())),
        )
    }
}

/// The stored map of `translations` (already checked), or nothing when there are none.
pub fn to_stored(translations: &[Translation]) -> Option<Value> {
    let map: Map<String, Value> = translations
        .iter()
        .map(|t| {
            let mut entry = Map::new();
            entry.insert("name".to_owned(), Value::String(t.name.clone()));
            if let Some(description) = &t.description {
                entry.insert("description".to_owned(), Value::String(description.clone()));
            }
            (t.language.as_str().to_owned(), Value::Object(entry))
        })
        .collect();
    (!map.is_empty()).then_some(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn lang(code: &str) -> LanguageCode {
        LanguageCode::parse(code).unwrap()
    }

    #[test]
    fn a_name_falls_back_to_english_and_a_description_to_any_language() {
        let stored = json!({ "ar": { "name": "المنظمة الدولية للهجرة" } });
        let names = Names {
            name_en: "International Organization for Migration",
            name_fr: "Organisation internationale pour les migrations",
            description_en: None,
            description_fr: Some("Créée en 1951"),
            translations: Some(&stored),
        };
        assert_eq!(names.name(&lang("ar")), "المنظمة الدولية للهجرة");
        assert_eq!(
            names.name(&lang("FR")),
            "Organisation internationale pour les migrations"
        );
        assert_eq!(
            names.name(&lang("es")),
            "International Organization for Migration"
        );
        assert_eq!(names.description(&lang("ar")), Some("Créée en 1951"));
        let all = names.all();
        assert_eq!(all.len(), 3);
        assert_eq!(all[2], ("ar".to_owned(), "المنظمة الدولية للهجرة", None));
        assert_eq!(names.every_name().count(), 3);
    }

    #[test]
    fn translations_are_stored_by_language() {
        let stored = to_stored(&[Translation {
            language: lang("ar"),
            name: "الاتحاد الأوروبي".into(),
            description: Some("وصف".into()),
        }]);
        assert_eq!(
            stored,
            Some(json!({ "ar": { "name": "الاتحاد الأوروبي", "description": "وصف" } }))
        );
        assert_eq!(to_stored(&[]), None);
    }
}
