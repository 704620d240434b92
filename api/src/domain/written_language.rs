//! The languages the platform itself writes in: mails, the pages mail links open, and the labels
//! of codes. Notices may be written in any language; these three are the platform's own.

use crate::domain::LanguageCode;
use crate::error::{AppError, AppResult};

/// English, French or Arabic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WrittenLanguage {
    #[default]
    En,
    Fr,
    Ar,
}

impl WrittenLanguage {
    pub const ALL: [Self; 3] = [Self::En, Self::Fr, Self::Ar];

    pub const fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::Ar => "ar",
        }
    }

    /// The language of `code` (`fr`, `FR`, `fr-CA`), if it is one of the three.
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next().unwrap_or("").to_lowercase();
        Self::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The language of `code`; English for any other.
    pub fn parse_or_default(code: &str) -> Self {
        Self::parse(code).unwrap_or_default()
    }

    /// A client's `language` argument: a malformed ISO 639 code is refused, naming `field`; a
    /// well-formed one the platform does not write in reads English.
    pub fn from_input(field: &str, input: &str) -> AppResult<Self> {
        let code = LanguageCode::parse(input).map_err(|e| AppError::bad_input(field, e))?;
        Ok(Self::parse_or_default(code.as_str()))
    }

    /// The HTML text direction.
    pub const fn direction(self) -> &'static str {
        match self {
            Self::Ar => "rtl",
            _ => "ltr",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_the_three_languages_or_english() {
        assert_eq!(WrittenLanguage::parse("fr-CA"), Some(WrittenLanguage::Fr));
        assert_eq!(WrittenLanguage::parse("AR"), Some(WrittenLanguage::Ar));
        assert_eq!(WrittenLanguage::parse("es"), None);
        assert_eq!(WrittenLanguage::parse_or_default("es"), WrittenLanguage::En);
        assert_eq!(
            WrittenLanguage::from_input("language", "es").unwrap(),
            WrittenLanguage::En
        );
        assert!(WrittenLanguage::from_input("language", "french").is_err());
        assert_eq!(WrittenLanguage::Ar.direction(), "rtl");
    }
}
