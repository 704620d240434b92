//! Eligibility screening: does an application meet a vacancy's stated requirements?
//!
//! Pure rules, no storage: the caller builds [`Requirements`] from the vacancy and a
//! [`Candidate`] from the application, and [`assess`] lists every unmet requirement in plain
//! English words for the recruiter.
//!
//! - Qualification: meeting any one path (education level at least the path's and years of
//!   experience at least its minimum) suffices; a notice with no paths asks for nothing.
//! - Languages: each `REQUIRED` language outside a group must be known at least at its level (any
//!   level when none is given); for a `one_of` group, any one of its `REQUIRED` members suffices.
//!   `DESIRABLE` languages never make a candidate ineligible.
//! - Residency: `NONE` asks for nothing; `DUTY_STATION_COUNTRY` asks for residence in one of the
//!   duty stations' countries; `DUTY_STATION_OR_NEIGHBOURING` also accepts a country bordering
//!   one of them (see `neighbours.txt`). A notice without duty stations cannot be held against
//!   a candidate, so it meets either rule.
//! - Nationality: `NONE` asks for nothing; `DUTY_STATION_COUNTRY` asks for the nationality of
//!   one of the duty stations' countries (a National Officer post: not the same rule as living
//!   there); `LISTED_COUNTRIES` for one of the listed countries. A candidate who states no
//!   nationality does not meet a nationality rule. The message never repeats the candidate's
//!   nationality: it is sensitive, and the message is stored with the application.
//! - Opening: an internal candidate needs a notice open to internal candidates, an external one
//!   a notice open to external candidates.

use std::collections::HashSet;

use super::{
    CountryCode, EducationLevel, LanguageCode, LanguageLevel, NationalityRule, Requirement,
    ResidencyRule,
};

/// What a vacancy asks of its candidates, as far as screening goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirements {
    /// Alternative education/experience paths; any one suffices, none means no requirement.
    pub qualification_paths: Vec<PathRequirement>,
    /// Languages, required or desirable, possibly in `one_of` groups.
    pub languages: Vec<LanguageRequirement>,
    /// Where candidates must live.
    pub residency: ResidencyRule,
    /// Whose nationals may apply.
    pub nationality: NationalityRule,
    /// The countries a `LISTED_COUNTRIES` rule names.
    pub nationality_countries: Vec<CountryCode>,
    /// The countries of the vacancy's duty stations.
    pub duty_station_countries: Vec<CountryCode>,
    /// Whether the organisation's own staff may apply.
    pub open_to_internal: bool,
    /// Whether candidates from outside the organisation may apply.
    pub open_to_external: bool,
}

/// One qualification path: an education level with a minimum of years of experience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathRequirement {
    pub education_level: EducationLevel,
    pub min_years_experience: i32,
}

/// One language a notice names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageRequirement {
    pub language: LanguageCode,
    /// The least level accepted; `None` accepts any level.
    pub level: Option<LanguageLevel>,
    pub requirement: Requirement,
    /// Languages sharing a group number are alternatives: any one of them suffices.
    pub one_of_group: Option<i32>,
}

/// What an application states about its candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub education_level: EducationLevel,
    pub years_experience: i32,
    pub languages: Vec<(LanguageCode, LanguageLevel)>,
    pub residence_country: CountryCode,
    /// The candidate's nationality, when stated (only asked where a rule needs it).
    pub nationality: Option<CountryCode>,
    /// Whether the candidate is a member of the organisation's staff.
    pub internal: bool,
}

/// The outcome of screening: eligible exactly when nothing is unmet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub eligible: bool,
    /// Unmet requirements, in the order qualification, languages, residency, nationality,
    /// opening.
    pub unmet: Vec<UnmetRequirement>,
}

/// The family of an unmet requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnmetKind {
    /// No qualification path is met.
    Qualification,
    /// A required language, or a required group of languages, is missing or below its level.
    Language,
    /// The candidate lives outside the accepted countries.
    Residency,
    /// The candidate is not (or does not say they are) a national of an accepted country.
    Nationality,
    /// The notice is not open to the candidate's kind (internal or external).
    Opening,
}

impl UnmetKind {
    pub const ALL: &'static [Self] = &[
        Self::Qualification,
        Self::Language,
        Self::Residency,
        Self::Nationality,
        Self::Opening,
    ];

    /// The code, spelt as the other enums are (`QUALIFICATION`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Qualification => "QUALIFICATION",
            Self::Language => "LANGUAGE",
            Self::Residency => "RESIDENCY",
            Self::Nationality => "NATIONALITY",
            Self::Opening => "OPENING",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.as_str() == code)
    }
}

/// One unmet requirement, with a sentence saying what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmetRequirement {
    pub kind: UnmetKind,
    /// Plain English, starting in lower case: "needs French at excellent level (has fluent)".
    pub message: String,
}

impl UnmetRequirement {
    fn new(kind: UnmetKind, message: String) -> Self {
        Self { kind, message }
    }
}

/// Screens a candidate against a vacancy's requirements.
pub fn assess(requirements: &Requirements, candidate: &Candidate) -> Eligibility {
    let unmet: Vec<UnmetRequirement> = qualification(requirements, candidate)
        .into_iter()
        .chain(languages(requirements, candidate))
        .chain(residency(requirements, candidate))
        .chain(nationality(requirements, candidate))
        .chain(opening(requirements, candidate))
        .collect();
    Eligibility {
        eligible: unmet.is_empty(),
        unmet,
    }
}

fn qualification(requirements: &Requirements, candidate: &Candidate) -> Option<UnmetRequirement> {
    let paths = &requirements.qualification_paths;
    let met = paths.is_empty()
        || paths.iter().any(|path| {
            candidate.education_level >= path.education_level
                && candidate.years_experience >= path.min_years_experience
        });
    if met {
        return None;
    }
    let mut experience_named = false;
    let wanted: Vec<String> = paths
        .iter()
        .map(|path| {
            let mut text = education_phrase(path.education_level).to_owned();
            if path.min_years_experience > 0 {
                text.push_str(" with ");
                text.push_str(&years(path.min_years_experience));
                if !experience_named {
                    text.push_str(" of experience");
                    experience_named = true;
                }
            }
            text
        })
        .collect();
    let mut has = education_phrase(candidate.education_level).to_owned();
    if experience_named {
        has.push_str(" with ");
        has.push_str(&years(candidate.years_experience));
    }
    Some(UnmetRequirement::new(
        UnmetKind::Qualification,
        format!("needs {} (has {has})", wanted.join(", or ")),
    ))
}

fn languages(requirements: &Requirements, candidate: &Candidate) -> Vec<UnmetRequirement> {
    let required = requirements
        .languages
        .iter()
        .filter(|l| l.requirement == Requirement::Required);
    let mut seen_groups = HashSet::new();
    let mut unmet = Vec::new();
    for language in required.clone() {
        let members: Vec<&LanguageRequirement> = match language.one_of_group {
            None => vec![language],
            Some(group) => {
                if !seen_groups.insert(group) {
                    continue;
                }
                required
                    .clone()
                    .filter(|l| l.one_of_group == Some(group))
                    .collect()
            }
        };
        let met = members
            .iter()
            .any(|wanted| meets_language(wanted, best_level(candidate, &wanted.language)));
        if !met {
            let message = match members.as_slice() {
                [single] => single_language_message(single, candidate),
                _ => group_message(&members, candidate),
            };
            unmet.push(UnmetRequirement::new(UnmetKind::Language, message));
        }
    }
    unmet
}

/// The best level the candidate states for a language, if any.
fn best_level(candidate: &Candidate, language: &LanguageCode) -> Option<LanguageLevel> {
    candidate
        .languages
        .iter()
        .filter(|(code, _)| code == language)
        .map(|(_, level)| *level)
        .max()
}

fn meets_language(wanted: &LanguageRequirement, has: Option<LanguageLevel>) -> bool {
    match (has, wanted.level) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(has), Some(needed)) => has >= needed,
    }
}

fn single_language_message(wanted: &LanguageRequirement, candidate: &Candidate) -> String {
    let name = language_name(&wanted.language);
    let needs = match wanted.level {
        Some(level) => format!("needs {name} at {} level", level_word(level)),
        None => format!("needs {name}"),
    };
    match best_level(candidate, &wanted.language) {
        Some(has) => format!("{needs} (has {})", level_word(has)),
        None => format!("{needs} (has no {name})"),
    }
}

fn group_message(members: &[&LanguageRequirement], candidate: &Candidate) -> String {
    let common_level = members
        .iter()
        .all(|m| m.level == members[0].level)
        .then_some(members[0].level);
    let names: Vec<String> = members
        .iter()
        .map(|m| {
            let name = language_name(&m.language);
            match (common_level, m.level) {
                (None, Some(level)) => format!("{name} at {} level", level_word(level)),
                _ => name.to_owned(),
            }
        })
        .collect();
    let mut message = format!("needs one of {}", names.join(", "));
    if let Some(Some(level)) = common_level {
        message.push_str(&format!(" at {} level", level_word(level)));
    }
    let known: Vec<String> = members
        .iter()
        .filter_map(|m| {
            best_level(candidate, &m.language)
                .map(|has| format!("{} at {}", language_name(&m.language), level_word(has)))
        })
        .collect();
    if known.is_empty() {
        message.push_str(" (has none of them)");
    } else {
        message.push_str(&format!(" (has {})", known.join(", ")));
    }
    message
}

fn residency(requirements: &Requirements, candidate: &Candidate) -> Option<UnmetRequirement> {
    let mut stations: Vec<&CountryCode> = Vec::new();
    for country in &requirements.duty_station_countries {
        if !stations.contains(&country) {
            stations.push(country);
        }
    }
    if stations.is_empty() {
        return None;
    }
    let lives = &candidate.residence_country;
    let in_station_country = stations.contains(&lives);
    let mut places: Vec<&str> = stations.iter().map(|c| country_name(c)).collect();
    match requirements.residency {
        ResidencyRule::None => return None,
        ResidencyRule::DutyStationCountry => {
            if in_station_country {
                return None;
            }
        }
        ResidencyRule::DutyStationOrNeighbouring => {
            if in_station_country || stations.iter().any(|c| are_neighbours(c, lives)) {
                return None;
            }
            places.push("a neighbouring country");
        }
    }
    Some(UnmetRequirement::new(
        UnmetKind::Residency,
        format!(
            "must live in {} (lives in {})",
            or_list(&places),
            country_name(lives)
        ),
    ))
}

fn nationality(requirements: &Requirements, candidate: &Candidate) -> Option<UnmetRequirement> {
    let accepted: &[CountryCode] = match requirements.nationality {
        NationalityRule::None => return None,
        NationalityRule::DutyStationCountry => &requirements.duty_station_countries,
        NationalityRule::ListedCountries => &requirements.nationality_countries,
    };
    let mut countries: Vec<&CountryCode> = Vec::new();
    for country in accepted {
        if !countries.contains(&country) {
            countries.push(country);
        }
    }
    if countries.is_empty() {
        return None;
    }
    let names: Vec<&str> = countries.iter().map(|c| country_name(c)).collect();
    let message = match &candidate.nationality {
        Some(has) if countries.contains(&has) => return None,
        Some(_) => format!("must be a national of {}", or_list(&names)),
        None => format!(
            "must be a national of {} (nationality not stated)",
            or_list(&names)
        ),
    };
    Some(UnmetRequirement::new(UnmetKind::Nationality, message))
}

fn opening(requirements: &Requirements, candidate: &Candidate) -> Option<UnmetRequirement> {
    let open = if candidate.internal {
        requirements.open_to_internal
    } else {
        requirements.open_to_external
    };
    if open {
        return None;
    }
    let message = match (requirements.open_to_internal, requirements.open_to_external) {
        (true, _) => "the notice is open to internal candidates only",
        (false, true) => "the notice is open to external candidates only",
        (false, false) => "the notice is open to neither internal nor external candidates",
    };
    Some(UnmetRequirement::new(
        UnmetKind::Opening,
        message.to_owned(),
    ))
}

/// "A", "A or B", "A, B or C".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn years(n: i32) -> String {
    if n == 1 {
        "1 year".to_owned()
    } else {
        format!("{n} years")
    }
}

fn education_phrase(level: EducationLevel) -> &'static str {
    match level {
        EducationLevel::Secondary => "a secondary diploma",
        EducationLevel::Vocational => "a vocational diploma",
        EducationLevel::Bachelor => "a bachelor's degree",
        EducationLevel::Master => "a master's degree",
        EducationLevel::Doctorate => "a doctorate",
    }
}

fn level_word(level: LanguageLevel) -> &'static str {
    match level {
        LanguageLevel::Basic => "basic",
        LanguageLevel::Working => "working",
        LanguageLevel::Fluent => "fluent",
        LanguageLevel::Excellent => "excellent",
    }
}

/// Land borders (and the Morocco–Spain crossing), one "AA BB" pair a line; see the file's header.
const NEIGHBOURS: &str = include_str!("neighbours.txt");

fn neighbour_pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
    NEIGHBOURS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(' '))
}

/// Whether two countries share a land border (or are Morocco and Spain). A country is not its
/// own neighbour.
pub fn are_neighbours(a: &CountryCode, b: &CountryCode) -> bool {
    let (a, b) = (a.as_str(), b.as_str());
    neighbour_pairs().any(|(x, y)| (x == a && y == b) || (x == b && y == a))
}

/// The countries bordering one, in alphabetical order of code.
pub fn neighbours_of(country: &CountryCode) -> Vec<CountryCode> {
    let code = country.as_str();
    let mut found: Vec<CountryCode> = neighbour_pairs()
        .filter_map(|(x, y)| match (x == code, y == code) {
            (true, _) => Some(y),
            (_, true) => Some(x),
            _ => None,
        })
        .filter_map(|other| CountryCode::parse(other).ok())
        .collect();
    found.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    found
}

/// The English name of a country, or its code when it has none here.
pub fn country_name(code: &CountryCode) -> &str {
    known_country_name(code.as_str()).unwrap_or(code.as_str())
}

/// The English name of a language, or its code when it has none here.
pub fn language_name(code: &LanguageCode) -> &str {
    known_language_name(code.as_str()).unwrap_or(code.as_str())
}

fn known_language_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "ar" => "Arabic",
        "ary" => "Moroccan Arabic (Darija)",
        "arq" => "Algerian Arabic",
        "aeb" => "Tunisian Arabic",
        "zgh" => "Standard Moroccan Tamazight",
        "tzm" => "Central Atlas Tamazight",
        "shi" => "Tachelhit",
        "rif" => "Tarifit",
        "ber" => "Berber",
        "kab" => "Kabyle",
        "fr" => "French",
        "en" => "English",
        "es" => "Spanish",
        "it" => "Italian",
        "pt" => "Portuguese",
        "de" => "German",
        "nl" => "Dutch",
        "ru" => "Russian",
        "zh" => "Chinese",
        "tr" => "Turkish",
        "fa" => "Persian",
        "ha" => "Hausa",
        "sw" => "Swahili",
        "am" => "Amharic",
        "wo" => "Wolof",
        "ff" => "Fula",
        "bm" => "Bambara",
        _ => return None,
    })
}

fn known_country_name(code: &str) -> Option<&'static str> {
    Some(match code {
        // Africa
        "AO" => "Angola",
        "BF" => "Burkina Faso",
        "BI" => "Burundi",
        "BJ" => "Benin",
        "BW" => "Botswana",
        "CD" => "the Democratic Republic of the Congo",
        "CF" => "the Central African Republic",
        "CG" => "the Republic of the Congo",
        "CI" => "Côte d'Ivoire",
        "CM" => "Cameroon",
        "CV" => "Cabo Verde",
        "DJ" => "Djibouti",
        "DZ" => "Algeria",
        "EG" => "Egypt",
        "EH" => "Western Sahara",
        "ER" => "Eritrea",
        "ET" => "Ethiopia",
        "GA" => "Gabon",
        "GH" => "Ghana",
        "GM" => "the Gambia",
        "GN" => "Guinea",
        "GQ" => "Equatorial Guinea",
        "GW" => "Guinea-Bissau",
        "KE" => "Kenya",
        "KM" => "the Comoros",
        "LR" => "Liberia",
        "LS" => "Lesotho",
        "LY" => "Libya",
        "MA" => "Morocco",
        "MG" => "Madagascar",
        "ML" => "Mali",
        "MR" => "Mauritania",
        "MU" => "Mauritius",
        "MW" => "Malawi",
        "MZ" => "Mozambique",
        "NA" => "Namibia",
        "NE" => "Niger",
        "NG" => "Nigeria",
        "RW" => "Rwanda",
        "SC" => "Seychelles",
        "SD" => "Sudan",
        "SL" => "Sierra Leone",
        "SN" => "Senegal",
        "SO" => "Somalia",
        "SS" => "South Sudan",
        "ST" => "São Tomé and Príncipe",
        "SZ" => "Eswatini",
        "TD" => "Chad",
        "TG" => "Togo",
        "TN" => "Tunisia",
        "TZ" => "Tanzania",
        "UG" => "Uganda",
        "ZA" => "South Africa",
        "ZM" => "Zambia",
        "ZW" => "Zimbabwe",
        // Europe
        "AD" => "Andorra",
        "AL" => "Albania",
        "AT" => "Austria",
        "BA" => "Bosnia and Herzegovina",
        "BE" => "Belgium",
        "BG" => "Bulgaria",
        "BY" => "Belarus",
        "CH" => "Switzerland",
        "CY" => "Cyprus",
        "CZ" => "Czechia",
        "DE" => "Germany",
        "DK" => "Denmark",
        "EE" => "Estonia",
        "ES" => "Spain",
        "FI" => "Finland",
        "FR" => "France",
        "GB" => "the United Kingdom",
        "GI" => "Gibraltar",
        "GR" => "Greece",
        "HR" => "Croatia",
        "HU" => "Hungary",
        "IE" => "Ireland",
        "IS" => "Iceland",
        "IT" => "Italy",
        "LI" => "Liechtenstein",
        "LT" => "Lithuania",
        "LU" => "Luxembourg",
        "LV" => "Latvia",
        "MC" => "Monaco",
        "MD" => "Moldova",
        "ME" => "Montenegro",
        "MK" => "North Macedonia",
        "MT" => "Malta",
        "NL" => "the Netherlands",
        "NO" => "Norway",
        "PL" => "Poland",
        "PT" => "Portugal",
        "RO" => "Romania",
        "RS" => "Serbia",
        "RU" => "Russia",
        "SE" => "Sweden",
        "SI" => "Slovenia",
        "SK" => "Slovakia",
        "SM" => "San Marino",
        "UA" => "Ukraine",
        "VA" => "the Holy See",
        "XK" => "Kosovo",
        // Middle East, Caucasus, Central and South Asia
        "AE" => "the United Arab Emirates",
        "AF" => "Afghanistan",
        "AM" => "Armenia",
        "AZ" => "Azerbaijan",
        "BH" => "Bahrain",
        "GE" => "Georgia",
        "IL" => "Israel",
        "IN" => "India",
        "IQ" => "Iraq",
        "IR" => "Iran",
        "JO" => "Jordan",
        "KG" => "Kyrgyzstan",
        "KW" => "Kuwait",
        "KZ" => "Kazakhstan",
        "LB" => "Lebanon",
        "OM" => "Oman",
        "PK" => "Pakistan",
        "PS" => "Palestine",
        "QA" => "Qatar",
        "SA" => "Saudi Arabia",
        "SY" => "Syria",
        "TJ" => "Tajikistan",
        "TM" => "Turkmenistan",
        "TR" => "Türkiye",
        "UZ" => "Uzbekistan",
        "YE" => "Yemen",
        // Elsewhere
        "AU" => "Australia",
        "BR" => "Brazil",
        "CA" => "Canada",
        "CN" => "China",
        "JP" => "Japan",
        "KP" => "North Korea",
        "MN" => "Mongolia",
        "US" => "the United States",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).expect("a valid country code")
    }

    fn lang(code: &str) -> LanguageCode {
        LanguageCode::parse(code).expect("a valid language code")
    }

    fn path(education_level: EducationLevel, min_years_experience: i32) -> PathRequirement {
        PathRequirement {
            education_level,
            min_years_experience,
        }
    }

    fn required(code: &str, level: Option<LanguageLevel>) -> LanguageRequirement {
        LanguageRequirement {
            language: lang(code),
            level,
            requirement: Requirement::Required,
            one_of_group: None,
        }
    }

    fn in_group(mut language: LanguageRequirement, group: i32) -> LanguageRequirement {
        language.one_of_group = Some(group);
        language
    }

    fn desirable(code: &str, level: Option<LanguageLevel>) -> LanguageRequirement {
        LanguageRequirement {
            requirement: Requirement::Desirable,
            ..required(code, level)
        }
    }

    /// Open to all, no requirement, duty station in Rabat.
    fn open_notice() -> Requirements {
        Requirements {
            qualification_paths: vec![],
            languages: vec![],
            residency: ResidencyRule::None,
            nationality: NationalityRule::None,
            nationality_countries: vec![],
            duty_station_countries: vec![country("MA")],
            open_to_internal: true,
            open_to_external: true,
        }
    }

    /// An external candidate in Rabat with a bachelor's, 5 years and no languages.
    fn candidate() -> Candidate {
        Candidate {
            education_level: EducationLevel::Bachelor,
            years_experience: 5,
            languages: vec![],
            residence_country: country("MA"),
            nationality: None,
            internal: false,
        }
    }

    fn speaking(mut candidate: Candidate, languages: &[(&str, LanguageLevel)]) -> Candidate {
        candidate.languages = languages
            .iter()
            .map(|(code, level)| (lang(code), *level))
            .collect();
        candidate
    }

    fn with_education(level: EducationLevel, years: i32) -> Candidate {
        Candidate {
            education_level: level,
            years_experience: years,
            ..candidate()
        }
    }

    fn messages(eligibility: &Eligibility) -> Vec<&str> {
        eligibility
            .unmet
            .iter()
            .map(|u| u.message.as_str())
            .collect()
    }

    /// THAMM+ (iom-lmi-maroc-2025): secondary with 7 years, or bachelor's with 5.
    fn thamm_plus() -> Requirements {
        Requirements {
            qualification_paths: vec![
                path(EducationLevel::Secondary, 7),
                path(EducationLevel::Bachelor, 5),
            ],
            ..open_notice()
        }
    }

    /// ORION (iom-orion-2019) languages: fr excellent, ary or zgh fluent, en fluent.
    fn orion_languages() -> Requirements {
        use LanguageLevel::*;
        Requirements {
            languages: vec![
                required("fr", Some(Excellent)),
                in_group(required("ary", Some(Fluent)), 1),
                in_group(required("zgh", Some(Fluent)), 1),
                required("en", Some(Fluent)),
            ],
            ..open_notice()
        }
    }

    /// VN 2023/005 (iom-vn-2023-005): Rabat, residence in Morocco or a neighbouring country.
    fn vn_2023_005() -> Requirements {
        Requirements {
            residency: ResidencyRule::DutyStationOrNeighbouring,
            ..open_notice()
        }
    }

    fn living_in(code: &str) -> Candidate {
        Candidate {
            residence_country: country(code),
            ..candidate()
        }
    }

    #[test]
    fn no_requirements_is_eligible() {
        let result = assess(&open_notice(), &candidate());
        assert_eq!(
            result,
            Eligibility {
                eligible: true,
                unmet: vec![]
            }
        );
    }

    #[test]
    fn thamm_plus_secondary_with_seven_years_is_eligible() {
        let result = assess(&thamm_plus(), &with_education(EducationLevel::Secondary, 7));
        assert!(result.eligible, "{:?}", result.unmet);
    }

    #[test]
    fn thamm_plus_secondary_with_six_years_is_not() {
        let result = assess(&thamm_plus(), &with_education(EducationLevel::Secondary, 6));
        assert!(!result.eligible);
        assert_eq!(result.unmet[0].kind, UnmetKind::Qualification);
    }

    #[test]
    fn thamm_plus_bachelor_with_four_years_is_not_and_the_message_lists_the_paths() {
        let result = assess(&thamm_plus(), &with_education(EducationLevel::Bachelor, 4));
        assert!(!result.eligible);
        assert_eq!(result.unmet.len(), 1);
        assert_eq!(result.unmet[0].kind, UnmetKind::Qualification);
        assert_eq!(
            result.unmet[0].message,
            "needs a secondary diploma with 7 years of experience, or a bachelor's degree \
             with 5 years (has a bachelor's degree with 4 years)"
        );
    }

    #[test]
    fn thamm_plus_bachelor_with_five_years_is_eligible() {
        let result = assess(&thamm_plus(), &with_education(EducationLevel::Bachelor, 5));
        assert!(result.eligible, "{:?}", result.unmet);
    }

    #[test]
    fn thamm_plus_master_with_five_years_is_eligible() {
        let result = assess(&thamm_plus(), &with_education(EducationLevel::Master, 5));
        assert!(result.eligible, "{:?}", result.unmet);
    }

    #[test]
    fn higher_education_does_not_replace_missing_years() {
        let result = assess(&thamm_plus(), &with_education(EducationLevel::Doctorate, 4));
        assert!(!result.eligible);
        assert!(result.unmet[0]
            .message
            .ends_with("(has a doctorate with 4 years)"));
    }

    #[test]
    fn a_path_without_years_asks_only_for_education() {
        // The AVRR internship: a bachelor's degree, no experience stated.
        let requirements = Requirements {
            qualification_paths: vec![path(EducationLevel::Bachelor, 0)],
            ..open_notice()
        };
        assert!(assess(&requirements, &with_education(EducationLevel::Bachelor, 0)).eligible);
        let result = assess(
            &requirements,
            &with_education(EducationLevel::Vocational, 10),
        );
        assert_eq!(
            messages(&result),
            ["needs a bachelor's degree (has a vocational diploma)"]
        );
    }

    #[test]
    fn one_year_is_singular() {
        let requirements = Requirements {
            qualification_paths: vec![path(EducationLevel::Master, 2)],
            ..open_notice()
        };
        let result = assess(&requirements, &with_education(EducationLevel::Master, 1));
        assert_eq!(
            messages(&result),
            ["needs a master's degree with 2 years of experience (has a master's degree with 1 year)"]
        );
    }

    #[test]
    fn orion_languages_met_with_tamazight() {
        use LanguageLevel::*;
        let who = speaking(
            candidate(),
            &[("fr", Excellent), ("en", Fluent), ("zgh", Fluent)],
        );
        let result = assess(&orion_languages(), &who);
        assert!(result.eligible, "{:?}", result.unmet);
    }

    #[test]
    fn orion_languages_met_with_darija_above_the_level() {
        use LanguageLevel::*;
        let who = speaking(
            candidate(),
            &[("fr", Excellent), ("en", Excellent), ("ary", Excellent)],
        );
        assert!(assess(&orion_languages(), &who).eligible);
    }

    #[test]
    fn orion_languages_without_a_local_language_name_the_group() {
        use LanguageLevel::*;
        let who = speaking(candidate(), &[("fr", Excellent), ("en", Fluent)]);
        let result = assess(&orion_languages(), &who);
        assert!(!result.eligible);
        assert_eq!(result.unmet.len(), 1);
        assert_eq!(result.unmet[0].kind, UnmetKind::Language);
        assert_eq!(
            result.unmet[0].message,
            "needs one of Moroccan Arabic (Darija), Standard Moroccan Tamazight at fluent level \
             (has none of them)"
        );
    }

    #[test]
    fn orion_languages_with_a_local_language_below_the_level() {
        use LanguageLevel::*;
        let who = speaking(
            candidate(),
            &[("fr", Excellent), ("en", Fluent), ("ary", Working)],
        );
        let result = assess(&orion_languages(), &who);
        assert_eq!(
            messages(&result),
            ["needs one of Moroccan Arabic (Darija), Standard Moroccan Tamazight at fluent level \
              (has Moroccan Arabic (Darija) at working)"]
        );
    }

    #[test]
    fn orion_french_below_the_level_is_named() {
        use LanguageLevel::*;
        let who = speaking(
            candidate(),
            &[("fr", Fluent), ("en", Fluent), ("ary", Fluent)],
        );
        let result = assess(&orion_languages(), &who);
        assert_eq!(
            messages(&result),
            ["needs French at excellent level (has fluent)"]
        );
    }

    #[test]
    fn every_missing_language_is_listed_in_notice_order() {
        let result = assess(&orion_languages(), &candidate());
        assert_eq!(
            messages(&result),
            [
                "needs French at excellent level (has no French)",
                "needs one of Moroccan Arabic (Darija), Standard Moroccan Tamazight at fluent \
                 level (has none of them)",
                "needs English at fluent level (has no English)",
            ]
        );
        assert!(result.unmet.iter().all(|u| u.kind == UnmetKind::Language));
    }

    #[test]
    fn a_language_without_a_level_accepts_any_level() {
        // The AVRR internship asks for Arabic without a level.
        let requirements = Requirements {
            languages: vec![required("ar", None)],
            ..open_notice()
        };
        let who = speaking(candidate(), &[("ar", LanguageLevel::Basic)]);
        assert!(assess(&requirements, &who).eligible);
        assert_eq!(
            messages(&assess(&requirements, &candidate())),
            ["needs Arabic (has no Arabic)"]
        );
    }

    #[test]
    fn the_best_stated_level_counts() {
        let requirements = Requirements {
            languages: vec![required("fr", Some(LanguageLevel::Fluent))],
            ..open_notice()
        };
        let who = speaking(
            candidate(),
            &[("fr", LanguageLevel::Basic), ("fr", LanguageLevel::Fluent)],
        );
        assert!(assess(&requirements, &who).eligible);
    }

    #[test]
    fn desirable_languages_never_block() {
        use LanguageLevel::*;
        // THAMM+: Arabic at working level is desirable; VN 2023/005: Darija or Arabic desirable.
        let requirements = Requirements {
            languages: vec![
                required("en", Some(Fluent)),
                desirable("ar", Some(Working)),
                in_group(desirable("ary", None), 1),
                in_group(desirable("ar", None), 1),
                desirable("es", Some(Excellent)),
            ],
            ..open_notice()
        };
        let who = speaking(candidate(), &[("en", Fluent), ("es", Basic)]);
        let result = assess(&requirements, &who);
        assert!(result.eligible, "{:?}", result.unmet);
    }

    #[test]
    fn desirable_members_do_not_satisfy_a_required_group() {
        use LanguageLevel::*;
        let requirements = Requirements {
            languages: vec![
                in_group(required("ary", Some(Fluent)), 2),
                in_group(desirable("ar", None), 2),
            ],
            ..open_notice()
        };
        let who = speaking(candidate(), &[("ar", Excellent)]);
        assert_eq!(
            messages(&assess(&requirements, &who)),
            ["needs Moroccan Arabic (Darija) at fluent level (has no Moroccan Arabic (Darija))"]
        );
    }

    #[test]
    fn a_group_with_different_levels_names_each_level() {
        use LanguageLevel::*;
        let requirements = Requirements {
            languages: vec![
                in_group(required("es", Some(Excellent)), 3),
                in_group(required("pt", Some(Working)), 3),
                in_group(required("it", None), 3),
            ],
            ..open_notice()
        };
        let who = speaking(candidate(), &[("es", Fluent), ("pt", Basic)]);
        assert_eq!(
            messages(&assess(&requirements, &who)),
            [
                "needs one of Spanish at excellent level, Portuguese at working level, Italian \
              (has Spanish at fluent, Portuguese at basic)"
            ]
        );
        let italian = speaking(candidate(), &[("it", Basic)]);
        assert!(assess(&requirements, &italian).eligible);
    }

    #[test]
    fn separate_groups_are_assessed_separately() {
        use LanguageLevel::*;
        let requirements = Requirements {
            languages: vec![
                in_group(required("fr", Some(Fluent)), 1),
                in_group(required("en", Some(Fluent)), 1),
                in_group(required("ary", None), 2),
                in_group(required("zgh", None), 2),
            ],
            ..open_notice()
        };
        let who = speaking(candidate(), &[("en", Fluent)]);
        let result = assess(&requirements, &who);
        assert_eq!(
            messages(&result),
            ["needs one of Moroccan Arabic (Darija), Standard Moroccan Tamazight (has none of them)"]
        );
    }

    #[test]
    fn vn_2023_005_accepts_morocco_and_its_neighbours() {
        for code in ["MA", "DZ", "ES", "EH"] {
            let result = assess(&vn_2023_005(), &living_in(code));
            assert!(result.eligible, "{code}: {:?}", result.unmet);
        }
    }

    #[test]
    fn vn_2023_005_refuses_france() {
        let result = assess(&vn_2023_005(), &living_in("FR"));
        assert!(!result.eligible);
        assert_eq!(result.unmet.len(), 1);
        assert_eq!(result.unmet[0].kind, UnmetKind::Residency);
        assert_eq!(
            result.unmet[0].message,
            "must live in Morocco or a neighbouring country (lives in France)"
        );
    }

    #[test]
    fn vn_2023_005_refuses_countries_two_borders_away() {
        for code in ["TN", "PT", "MR", "LY"] {
            assert!(!assess(&vn_2023_005(), &living_in(code)).eligible, "{code}");
        }
    }

    #[test]
    fn duty_station_country_rule_accepts_only_that_country() {
        let requirements = Requirements {
            residency: ResidencyRule::DutyStationCountry,
            ..open_notice()
        };
        assert!(assess(&requirements, &living_in("MA")).eligible);
        let result = assess(&requirements, &living_in("DZ"));
        assert_eq!(
            messages(&result),
            ["must live in Morocco (lives in Algeria)"]
        );
    }

    #[test]
    fn several_duty_stations_accept_any_of_their_countries_and_neighbours() {
        // "Maroc/Tunisie".
        let requirements = Requirements {
            residency: ResidencyRule::DutyStationOrNeighbouring,
            duty_station_countries: vec![country("MA"), country("TN"), country("MA")],
            ..open_notice()
        };
        for code in ["MA", "TN", "LY", "DZ", "ES"] {
            assert!(assess(&requirements, &living_in(code)).eligible, "{code}");
        }
        assert_eq!(
            messages(&assess(&requirements, &living_in("IT"))),
            ["must live in Morocco, Tunisia or a neighbouring country (lives in Italy)"]
        );
        let country_only = Requirements {
            residency: ResidencyRule::DutyStationCountry,
            ..requirements
        };
        assert_eq!(
            messages(&assess(&country_only, &living_in("DZ"))),
            ["must live in Morocco or Tunisia (lives in Algeria)"]
        );
    }

    #[test]
    fn no_residency_rule_accepts_anyone() {
        assert!(assess(&open_notice(), &living_in("US")).eligible);
    }

    #[test]
    fn a_notice_without_duty_stations_does_not_fail_residency() {
        let requirements = Requirements {
            residency: ResidencyRule::DutyStationCountry,
            duty_station_countries: vec![],
            ..open_notice()
        };
        assert!(assess(&requirements, &living_in("FR")).eligible);
    }

    #[test]
    fn unknown_countries_fall_back_to_their_code() {
        let requirements = Requirements {
            residency: ResidencyRule::DutyStationCountry,
            ..open_notice()
        };
        assert_eq!(
            messages(&assess(&requirements, &living_in("ZZ"))),
            ["must live in Morocco (lives in ZZ)"]
        );
    }

    fn national_of(code: &str) -> Candidate {
        Candidate {
            nationality: Some(country(code)),
            ..candidate()
        }
    }

    #[test]
    fn a_national_officer_post_accepts_nationals_of_the_duty_station_country_only() {
        let requirements = Requirements {
            nationality: NationalityRule::DutyStationCountry,
            ..open_notice()
        };
        assert!(assess(&requirements, &national_of("MA")).eligible);
        // Living in Morocco is not being Moroccan: the rule is not residency.
        let french_in_rabat = national_of("FR");
        let result = assess(&requirements, &french_in_rabat);
        assert_eq!(result.unmet.len(), 1);
        assert_eq!(result.unmet[0].kind, UnmetKind::Nationality);
        assert_eq!(result.unmet[0].message, "must be a national of Morocco");
        // A Moroccan living abroad meets it.
        let abroad = Candidate {
            residence_country: country("FR"),
            ..national_of("MA")
        };
        assert!(assess(&requirements, &abroad).eligible);
    }

    #[test]
    fn an_unstated_nationality_does_not_meet_a_nationality_rule() {
        let requirements = Requirements {
            nationality: NationalityRule::DutyStationCountry,
            duty_station_countries: vec![country("MA"), country("TN")],
            ..open_notice()
        };
        assert_eq!(
            messages(&assess(&requirements, &candidate())),
            ["must be a national of Morocco or Tunisia (nationality not stated)"]
        );
        assert!(assess(&requirements, &national_of("TN")).eligible);
    }

    #[test]
    fn listed_countries_accept_their_nationals_only() {
        let requirements = Requirements {
            nationality: NationalityRule::ListedCountries,
            nationality_countries: vec![country("DZ"), country("LY")],
            ..open_notice()
        };
        assert!(assess(&requirements, &national_of("LY")).eligible);
        assert_eq!(
            messages(&assess(&requirements, &national_of("MA"))),
            ["must be a national of Algeria or Libya"]
        );
        let empty = Requirements {
            nationality_countries: vec![],
            ..requirements
        };
        assert!(assess(&empty, &candidate()).eligible);
    }

    #[test]
    fn no_nationality_rule_never_asks_for_one() {
        assert!(assess(&open_notice(), &candidate()).eligible);
        assert!(assess(&open_notice(), &national_of("US")).eligible);
    }

    #[test]
    fn internal_only_notice_refuses_external_candidates() {
        let requirements = Requirements {
            open_to_external: false,
            ..open_notice()
        };
        let internal = Candidate {
            internal: true,
            ..candidate()
        };
        assert!(assess(&requirements, &internal).eligible);
        let result = assess(&requirements, &candidate());
        assert_eq!(result.unmet.len(), 1);
        assert_eq!(result.unmet[0].kind, UnmetKind::Opening);
        assert_eq!(
            result.unmet[0].message,
            "the notice is open to internal candidates only"
        );
    }

    #[test]
    fn external_only_notice_refuses_internal_candidates() {
        let requirements = Requirements {
            open_to_internal: false,
            ..open_notice()
        };
        assert!(assess(&requirements, &candidate()).eligible);
        let internal = Candidate {
            internal: true,
            ..candidate()
        };
        assert_eq!(
            messages(&assess(&requirements, &internal)),
            ["the notice is open to external candidates only"]
        );
    }

    #[test]
    fn a_notice_open_to_nobody_refuses_everyone() {
        let requirements = Requirements {
            open_to_internal: false,
            open_to_external: false,
            ..open_notice()
        };
        for internal in [true, false] {
            let who = Candidate {
                internal,
                ..candidate()
            };
            assert_eq!(
                messages(&assess(&requirements, &who)),
                ["the notice is open to neither internal nor external candidates"]
            );
        }
    }

    #[test]
    fn every_unmet_requirement_is_listed_in_order() {
        use LanguageLevel::*;
        let requirements = Requirements {
            open_to_external: false,
            residency: ResidencyRule::DutyStationOrNeighbouring,
            nationality: NationalityRule::DutyStationCountry,
            ..Requirements {
                qualification_paths: thamm_plus().qualification_paths,
                ..orion_languages()
            }
        };
        let who = speaking(
            Candidate {
                education_level: EducationLevel::Bachelor,
                years_experience: 4,
                residence_country: country("FR"),
                ..candidate()
            },
            &[("fr", Excellent), ("en", Fluent)],
        );
        let result = assess(&requirements, &who);
        assert!(!result.eligible);
        let kinds: Vec<UnmetKind> = result.unmet.iter().map(|u| u.kind).collect();
        assert_eq!(
            kinds,
            [
                UnmetKind::Qualification,
                UnmetKind::Language,
                UnmetKind::Residency,
                UnmetKind::Nationality,
                UnmetKind::Opening
            ]
        );
    }

    #[test]
    fn unmet_kind_codes_round_trip() {
        for kind in UnmetKind::ALL {
            assert_eq!(UnmetKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(UnmetKind::Residency.as_str(), "RESIDENCY");
        assert_eq!(UnmetKind::parse("residency"), None);
    }

    #[test]
    fn maghreb_neighbours_are_accurate() {
        let of = |code: &str| -> Vec<String> {
            neighbours_of(&country(code))
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect()
        };
        assert_eq!(of("MA"), ["DZ", "EH", "ES"]);
        assert_eq!(of("TN"), ["DZ", "LY"]);
        assert_eq!(of("DZ"), ["EH", "LY", "MA", "ML", "MR", "NE", "TN"]);
        assert_eq!(of("LY"), ["DZ", "EG", "NE", "SD", "TD", "TN"]);
        assert_eq!(of("EH"), ["DZ", "MA", "MR"]);
        assert_eq!(of("MR"), ["DZ", "EH", "ML", "SN"]);
        assert_eq!(of("EG"), ["IL", "LY", "PS", "SD"]);
        assert_eq!(of("ES"), ["AD", "FR", "GI", "MA", "PT"]);
        assert_eq!(of("PT"), ["ES"]);
        assert_eq!(of("IT"), ["AT", "CH", "FR", "SI", "SM", "VA"]);
        assert_eq!(of("FR"), ["AD", "BE", "CH", "DE", "ES", "IT", "LU", "MC"]);
        assert!(of("MT").is_empty());
        assert!(of("CV").is_empty());
    }

    #[test]
    fn neighbours_are_symmetric_and_not_reflexive() {
        let (ma, es, dz, fr) = (country("MA"), country("ES"), country("DZ"), country("FR"));
        assert!(are_neighbours(&ma, &es) && are_neighbours(&es, &ma));
        assert!(are_neighbours(&ma, &dz) && are_neighbours(&dz, &ma));
        assert!(!are_neighbours(&ma, &fr));
        assert!(!are_neighbours(&ma, &ma));
        assert!(!are_neighbours(&country("MA"), &country("MR")));
        assert!(are_neighbours(&country("TN"), &country("DZ")));
        assert!(are_neighbours(&country("LY"), &country("TN")));
    }

    #[test]
    fn neighbour_table_is_well_formed() {
        let mut seen = HashSet::new();
        let mut count = 0;
        for line in NEIGHBOURS.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (a, b) = line.split_once(' ').expect("a pair");
            for code in [a, b] {
                let parsed = CountryCode::parse(code).expect("an ISO alpha-2 code");
                assert_eq!(parsed.as_str(), code, "{line:?}");
                assert!(known_country_name(code).is_some(), "no name for {code}");
            }
            assert!(a < b, "pairs are written in alphabetical order: {line:?}");
            assert!(seen.insert((a, b)), "duplicate pair {line:?}");
            count += 1;
        }
        assert!(count > 200, "{count} pairs");
    }

    #[test]
    fn whole_regions_are_covered() {
        // Every mainland country of Africa, Europe and the Middle East has at least one neighbour.
        let mainland = "DZ AO BJ BW BF BI CM CF TD CD CG CI DJ EG GQ ER SZ ET GA GM GH GN GW KE \
            LS LR LY MW ML MR MA MZ NA NE NG RW SN SL SO ZA SS SD TZ TG TN UG ZM ZW EH \
            AL AD AT BY BE BA BG HR CZ DK EE FI FR DE GR HU IE IT XK LV LI LT LU MD MC ME NL \
            MK NO PL PT RO RU SM RS SK SI ES SE CH UA GB VA \
            TR IL PS LB SY JO IQ IR KW SA QA AE OM YE GE AM AZ";
        for code in mainland.split_whitespace() {
            assert!(!neighbours_of(&country(code)).is_empty(), "{code}");
        }
    }

    #[test]
    fn names_cover_the_seed_notices() {
        for (code, name) in [
            ("fr", "French"),
            ("en", "English"),
            ("ar", "Arabic"),
            ("ary", "Moroccan Arabic (Darija)"),
            ("zgh", "Standard Moroccan Tamazight"),
            ("es", "Spanish"),
            ("it", "Italian"),
            ("pt", "Portuguese"),
            ("de", "German"),
        ] {
            assert_eq!(language_name(&lang(code)), name);
        }
        assert_eq!(language_name(&lang("xyz")), "xyz");
        for (code, name) in [
            ("MA", "Morocco"),
            ("TN", "Tunisia"),
            ("DZ", "Algeria"),
            ("LY", "Libya"),
            ("MR", "Mauritania"),
            ("ES", "Spain"),
            ("IT", "Italy"),
            ("FR", "France"),
            ("PT", "Portugal"),
            ("CH", "Switzerland"),
            ("EG", "Egypt"),
        ] {
            assert_eq!(country_name(&country(code)), name);
        }
    }
}
