//! Labels of the codes a frontend shows, in English, French and Arabic, from one table
//! (`labels.tsv`, with country names from `countries.tsv` and `countries_ar.tsv`), so that no
//! frontend keeps its own translations.

use std::sync::OnceLock;

use crate::domain::WrittenLanguage;

/// A set of codes that has labels.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// `GradeCategory`.
    GradeCategory,
    /// `ContractType`.
    ContractType,
    /// `VacancyStatus`.
    VacancyStatus,
    /// `ApplicationStatus`.
    ApplicationStatus,
    /// `EducationLevel`.
    EducationLevel,
    /// `LanguageLevel`.
    LanguageLevel,
    /// `Requirement` (required or desirable).
    Requirement,
    /// `PartnerRole`.
    PartnerRole,
    /// `CompetencyKind`.
    CompetencyKind,
    /// `ResidencyRule`.
    ResidencyRule,
    /// `NationalityRule`.
    NationalityRule,
    /// ISO 639 language codes (`fr`, `ary`).
    Language,
    /// ISO 3166-1 alpha-2 country codes (`MA`).
    Country,
}

impl CodeKind {
    pub const ALL: &'static [Self] = &[
        Self::GradeCategory,
        Self::ContractType,
        Self::VacancyStatus,
        Self::ApplicationStatus,
        Self::EducationLevel,
        Self::LanguageLevel,
        Self::Requirement,
        Self::PartnerRole,
        Self::CompetencyKind,
        Self::ResidencyRule,
        Self::NationalityRule,
        Self::Language,
        Self::Country,
    ];

    /// How the kind is spelt in `labels.tsv` (and in the schema).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GradeCategory => "GRADE_CATEGORY",
            Self::ContractType => "CONTRACT_TYPE",
            Self::VacancyStatus => "VACANCY_STATUS",
            Self::ApplicationStatus => "APPLICATION_STATUS",
            Self::EducationLevel => "EDUCATION_LEVEL",
            Self::LanguageLevel => "LANGUAGE_LEVEL",
            Self::Requirement => "REQUIREMENT",
            Self::PartnerRole => "PARTNER_ROLE",
            Self::CompetencyKind => "COMPETENCY_KIND",
            Self::ResidencyRule => "RESIDENCY_RULE",
            Self::NationalityRule => "NATIONALITY_RULE",
            Self::Language => "LANGUAGE",
            Self::Country => "COUNTRY",
        }
    }

    fn parse(kind: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == kind)
    }
}

/// One code's labels.
#[derive(Debug)]
pub struct Entry {
    pub kind: CodeKind,
    pub code: &'static str,
    en: &'static str,
    fr: &'static str,
    ar: &'static str,
}

impl Entry {
    /// The label in `language`, or the English one when that is missing.
    pub fn label(&self, language: WrittenLanguage) -> &'static str {
        let text = match language {
            WrittenLanguage::En => self.en,
            WrittenLanguage::Fr => self.fr,
            WrittenLanguage::Ar => self.ar,
        };
        if text.is_empty() {
            self.en
        } else {
            text
        }
    }
}

/// Every labelled code, kind by kind in [`CodeKind::ALL`] order, each kind in its table order.
pub fn entries() -> &'static [Entry] {
    static TABLE: OnceLock<Vec<Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<Entry> = rows(include_str!("labels.tsv"))
            .filter_map(|f| {
                Some(Entry {
                    kind: CodeKind::parse(f.first()?)?,
                    code: f.get(1)?,
                    en: f.get(2)?,
                    fr: f.get(3).copied().unwrap_or_default(),
                    ar: f.get(4).copied().unwrap_or_default(),
                })
            })
            .collect();
        let arabic: Vec<Vec<&'static str>> = rows(include_str!("countries_ar.tsv")).collect();
        table.extend(rows(include_str!("countries.tsv")).filter_map(|f| {
            let code = *f.first()?;
            Some(Entry {
                kind: CodeKind::Country,
                code,
                en: f.get(1)?,
                fr: f.get(2).copied().unwrap_or_default(),
                ar: arabic
                    .iter()
                    .find(|a| a.first() == Some(&code))
                    .and_then(|a| a.get(1).copied())
                    .unwrap_or_default(),
            })
        }));
        table.sort_by_key(|e| CodeKind::ALL.iter().position(|k| *k == e.kind));
        table
    })
}

fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('\t').collect())
}

/// The labels of one code, if it has any. Country codes are matched in any case.
pub fn find(kind: CodeKind, code: &str) -> Option<&'static Entry> {
    entries()
        .iter()
        .find(|e| e.kind == kind && e.code.eq_ignore_ascii_case(code))
}

/// A code's label in `language`, falling back to English, and to the code itself when the
/// table does not know it.
pub fn label(kind: CodeKind, code: &str, language: WrittenLanguage) -> &str {
    find(kind, code).map_or(code, |entry| entry.label(language))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::*;
    use crate::error::AppError;

    fn codes(kind: CodeKind) -> Vec<&'static str> {
        fn all<T: Copy>(values: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
            values.iter().map(|v| as_str(*v)).collect()
        }
        match kind {
            CodeKind::GradeCategory => all(GradeCategory::ALL, GradeCategory::as_str),
            CodeKind::ContractType => all(ContractType::ALL, ContractType::as_str),
            CodeKind::VacancyStatus => all(VacancyStatus::ALL, VacancyStatus::as_str),
            CodeKind::ApplicationStatus => all(ApplicationStatus::ALL, ApplicationStatus::as_str),
            CodeKind::EducationLevel => all(EducationLevel::ALL, EducationLevel::as_str),
            CodeKind::LanguageLevel => all(LanguageLevel::ALL, LanguageLevel::as_str),
            CodeKind::Requirement => all(Requirement::ALL, Requirement::as_str),
            CodeKind::PartnerRole => all(PartnerRole::ALL, PartnerRole::as_str),
            CodeKind::CompetencyKind => all(CompetencyKind::ALL, CompetencyKind::as_str),
            CodeKind::ResidencyRule => all(ResidencyRule::ALL, ResidencyRule::as_str),
            CodeKind::NationalityRule => all(NationalityRule::ALL, NationalityRule::as_str),
            CodeKind::Language | CodeKind::Country => Vec::new(),
        }
    }

    const LANGUAGES: [WrittenLanguage; 3] = [
        WrittenLanguage::En,
        WrittenLanguage::Fr,
        WrittenLanguage::Ar,
    ];

    #[test]
    fn every_variant_of_every_labelled_enum_has_a_label_in_en_fr_and_ar() {
        for kind in CodeKind::ALL {
            for code in codes(*kind) {
                let entry =
                    find(*kind, code).unwrap_or_else(|| panic!("no label for {kind:?} {code}"));
                for language in LANGUAGES {
                    let text = match language {
                        WrittenLanguage::En => entry.en,
                        WrittenLanguage::Fr => entry.fr,
                        WrittenLanguage::Ar => entry.ar,
                    };
                    assert!(!text.trim().is_empty(), "{kind:?} {code} in {language:?}");
                }
            }
        }
    }

    #[test]
    fn every_row_is_complete_known_and_unique() {
        let table = entries();
        for kind in CodeKind::ALL {
            assert!(table.iter().any(|e| e.kind == *kind), "no {kind:?} rows");
        }
        assert!(table.iter().filter(|e| e.kind == CodeKind::Country).count() >= 249);
        for (i, entry) in table.iter().enumerate() {
            let known = codes(entry.kind);
            assert!(
                known.is_empty() || known.contains(&entry.code),
                "stale row {entry:?}"
            );
            for text in [entry.en, entry.fr, entry.ar] {
                assert!(!text.trim().is_empty(), "incomplete row {entry:?}");
            }
            assert!(
                !table[..i]
                    .iter()
                    .any(|e| e.kind == entry.kind && e.code == entry.code),
                "duplicate row {entry:?}"
            );
        }
    }

    #[test]
    fn labels_fall_back_to_english_then_to_the_code() {
        let es = WrittenLanguage::from_input("language", "es").unwrap();
        assert_eq!(label(CodeKind::Requirement, "DESIRABLE", es), "Desirable");
        assert_eq!(
            label(CodeKind::Requirement, "DESIRABLE", WrittenLanguage::Fr),
            "Un atout"
        );
        assert_eq!(
            label(CodeKind::Country, "ma", WrittenLanguage::Ar),
            "المغرب"
        );
        assert_eq!(label(CodeKind::Country, "MA", WrittenLanguage::Fr), "Maroc");
        assert_eq!(
            label(CodeKind::Language, "ary", WrittenLanguage::En),
            "Moroccan Arabic (Darija)"
        );
        assert_eq!(label(CodeKind::Language, "xyz", WrittenLanguage::Fr), "xyz");
    }

    #[test]
    fn a_malformed_language_is_bad_input_naming_the_field() {
        let error = WrittenLanguage::from_input("language", "french").unwrap_err();
        assert_eq!(error.code(), "BAD_USER_INPUT");
        assert!(matches!(error, AppError::BadUserInput { ref field, .. } if field == "language"));
    }
}
