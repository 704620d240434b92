//! The words notices use (`vocabulary.toml`), and the folding every match goes through.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Deserialize)]
pub struct Vocabulary {
    pub labels: BTreeMap<String, Vec<String>>,
    pub sections: BTreeMap<String, Vec<String>>,
    pub values: Values,
    pub zones: BTreeMap<String, Vec<String>>,
    pub country: Vec<Country>,
    pub languages: BTreeMap<String, Vec<String>>,
    pub language_groups: BTreeMap<String, Vec<String>>,
    pub language_levels: BTreeMap<String, Vec<String>>,
    pub requirements: BTreeMap<String, Vec<String>>,
    pub education: Education,
    pub documents: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct Values {
    pub intern: Vec<String>,
    pub consultant: Vec<String>,
    pub fixed_term: Vec<String>,
    pub temporary: Vec<String>,
    pub technical_cooperation: Vec<String>,
    pub internship: Vec<String>,
    pub consultancy: Vec<String>,
    pub renewable: Vec<String>,
    pub asap: Vec<String>,
    pub internal_first: Vec<String>,
    pub internal_only: Vec<String>,
    pub external_only: Vec<String>,
    pub end_of_day: Vec<String>,
    pub multi_post: Vec<String>,
    pub apply_words: Vec<String>,
    pub not_apply_words: Vec<String>,
    /// Words that make an experience or skill line a requirement ("obligatoire").
    pub required_line: Vec<String>,
    /// Words that make it an asset ("un atout", "préférée").
    pub desirable_line: Vec<String>,
    pub months: BTreeMap<String, u32>,
    pub numbers: BTreeMap<String, i32>,
}

#[derive(Debug, Deserialize)]
pub struct Country {
    pub code: String,
    pub names: Vec<String>,
    pub zone: String,
    pub cities: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Education {
    #[serde(rename = "SECONDARY")]
    pub secondary: Vec<String>,
    #[serde(rename = "DOCTORATE")]
    pub doctorate: Vec<String>,
    #[serde(rename = "MASTER")]
    pub master: Vec<String>,
    #[serde(rename = "BACHELOR")]
    pub bachelor: Vec<String>,
    #[serde(rename = "VOCATIONAL")]
    pub vocational: Vec<String>,
    pub fields_end: Vec<String>,
}

static VOCABULARY: LazyLock<Result<Vocabulary, String>> = LazyLock::new(|| {
    toml::from_str::<Vocabulary>(include_str!("vocabulary.toml"))
        .map(Vocabulary::folded)
        .map_err(|e| e.to_string())
});

/// The vocabulary; an error only if the data file shipped broken (a unit test loads it).
pub fn vocabulary() -> Result<&'static Vocabulary, String> {
    VOCABULARY.as_ref().map_err(Clone::clone)
}

fn fold_all(list: Vec<String>) -> Vec<String> {
    let mut list: Vec<String> = list.iter().map(|s| fold(s)).collect();
    // Longest first: "grade du poste" before "grade".
    list.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    list
}

fn fold_map(map: BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    map.into_iter().map(|(k, v)| (k, fold_all(v))).collect()
}

impl Vocabulary {
    fn folded(self) -> Self {
        let v = self.values;
        Self {
            labels: fold_map(self.labels),
            sections: fold_map(self.sections),
            values: Values {
                intern: fold_all(v.intern),
                consultant: fold_all(v.consultant),
                fixed_term: fold_all(v.fixed_term),
                temporary: fold_all(v.temporary),
                technical_cooperation: fold_all(v.technical_cooperation),
                internship: fold_all(v.internship),
                consultancy: fold_all(v.consultancy),
                renewable: fold_all(v.renewable),
                asap: fold_all(v.asap),
                internal_first: fold_all(v.internal_first),
                internal_only: fold_all(v.internal_only),
                external_only: fold_all(v.external_only),
                end_of_day: fold_all(v.end_of_day),
                multi_post: fold_all(v.multi_post),
                apply_words: fold_all(v.apply_words),
                not_apply_words: fold_all(v.not_apply_words),
                required_line: fold_all(v.required_line),
                desirable_line: fold_all(v.desirable_line),
                months: v.months,
                numbers: v.numbers,
            },
            zones: fold_map(self.zones),
            country: self
                .country
                .into_iter()
                .map(|c| Country {
                    code: c.code,
                    names: fold_all(c.names),
                    zone: c.zone,
                    cities: fold_all(c.cities),
                })
                .collect(),
            languages: fold_map(self.languages),
            language_groups: fold_map(self.language_groups),
            // Order matters here (strongest first), so no sorting by length.
            language_levels: self
                .language_levels
                .into_iter()
                .map(|(k, v)| (k, v.iter().map(|s| fold(s)).collect()))
                .collect(),
            requirements: fold_map(self.requirements),
            education: Education {
                secondary: fold_all(self.education.secondary),
                doctorate: fold_all(self.education.doctorate),
                master: fold_all(self.education.master),
                bachelor: fold_all(self.education.bachelor),
                vocational: fold_all(self.education.vocational),
                fields_end: self.education.fields_end.iter().map(|s| fold(s)).collect(),
            },
            documents: fold_map(self.documents),
        }
    }

    /// The country a name or city designates, by its vocabulary entry.
    pub fn country_of(&self, folded: &str) -> Option<&Country> {
        let word = folded.trim();
        self.country
            .iter()
            .find(|c| c.names.iter().any(|n| n == word))
    }
}

/// Lower case, accents off, ’ and ‘ as ', one character out for each character in, so that a
/// position in the folded text is the same position in the original.
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '’' | '‘' | '`' | 'ʼ' => '\'',
        '\u{a0}' | '\u{202f}' => ' ',
        _ => {
            let base = std::iter::once(c).nfd().next().unwrap_or(c);
            base.to_lowercase().next().unwrap_or(base)
        }
    }
}

/// Whether `needle` occurs in `haystack` (both folded) as whole words.
pub fn contains_word(haystack: &str, needle: &str) -> bool {
    find_word(haystack, needle).is_some()
}

/// The byte offset of the first whole-word occurrence of `needle` in `haystack`.
pub fn find_word(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(found) = haystack[from..].find(needle) {
        let start = from + found;
        let end = start + needle.len();
        let before = haystack[..start].chars().next_back();
        let after = haystack[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        let edge_ok = |c: Option<char>, n: Option<char>| {
            boundary(c) || n.is_some_and(|n| !n.is_alphanumeric())
        };
        if edge_ok(before, needle.chars().next()) && edge_ok(after, needle.chars().next_back()) {
            return Some(start);
        }
        from = start + needle.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The first entry of `list` that `text` holds as whole words.
pub fn first_of<'a>(text: &str, list: &'a [String]) -> Option<&'a str> {
    list.iter()
        .find(|w| contains_word(text, w))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_loads() {
        let v = vocabulary().expect("vocabulary.toml parses");
        assert!(v.labels["title"].contains(&"titre du poste".to_owned()));
        assert_eq!(v.country_of("maroc").map(|c| c.code.as_str()), Some("MA"));
    }

    #[test]
    fn folding_keeps_positions() {
        let text = "Lieu d’affectation : Genève";
        let folded = fold(text);
        assert_eq!(folded, "lieu d'affectation : geneve");
        assert_eq!(folded.chars().count(), text.chars().count());
    }

    #[test]
    fn words_match_whole() {
        assert!(contains_word("envoyer un cv et", "cv"));
        assert!(!contains_word("cvs", "cv"));
        assert!(contains_word(
            "candidat.e.s de premier rang",
            "candidat.e.s de premier rang"
        ));
        assert!(!contains_word("en faisant reference a", "references"));
    }
}
