//! ISO 3166-1 country and ISO 639 language codes.

use std::fmt;

/// An ISO 3166-1 alpha-2 country code, upper case (`MA`, `TN`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl TryFrom<String> for CountryCode {
    type Error = String;

    fn try_from(code: String) -> Result<Self, String> {
        Self::parse(&code)
    }
}

impl From<CountryCode> for String {
    fn from(code: CountryCode) -> Self {
        code.0
    }
}

impl CountryCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_ascii_uppercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(format!(
                "{input:?} is not an ISO 3166-1 alpha-2 country code (like MA)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 639-1 (`fr`) or ISO 639-3 (`ary`, Moroccan Arabic) language code, lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_ascii_lowercase();
        if (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(code))
        } else {
            Err(format!(
                "{input:?} is not an ISO 639 language code (like fr or ary)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_normalised() {
        assert_eq!(CountryCode::parse("ma").unwrap().as_str(), "MA");
        assert!(CountryCode::parse("MAR").is_err());
        assert!(CountryCode::parse("M1").is_err());
    }

    #[test]
    fn language_codes_accept_two_and_three_letters() {
        assert_eq!(LanguageCode::parse("FR").unwrap().as_str(), "fr");
        assert_eq!(LanguageCode::parse("ary").unwrap().as_str(), "ary");
        assert!(LanguageCode::parse("french").is_err());
        assert!(LanguageCode::parse("f").is_err());
    }
}
