//! Text normalised for search, identically for documents and queries on both databases:
//! lowercase, accents folded (`Réintégration` → `reintegration`), every run of characters that
//! are not letters or digits turned into one space.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The words of `text`, lowercase with accents folded.
pub fn words(text: &str) -> Vec<String> {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => folded.push_str("oe"),
            'æ' | 'Æ' => folded.push_str("ae"),
            'ß' => folded.push_str("ss"),
            'ø' | 'Ø' => folded.push('o'),
            'đ' | 'Đ' => folded.push('d'),
            'ł' | 'Ł' => folded.push('l'),
            c if c.is_alphanumeric() => folded.extend(c.to_lowercase()),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().map(str::to_owned).collect()
}

/// Accumulates the searchable text of a document.
#[derive(Debug, Default)]
pub struct Document {
    words: Vec<String>,
}

impl Document {
    pub fn push(&mut self, text: &str) {
        self.words.extend(words(text));
    }

    /// The words, single-space separated, padded with a space at each end so that
    /// `LIKE '% word %'` finds the first and last word too.
    pub fn padded(&self) -> String {
        if self.words.is_empty() {
            " ".to_owned()
        } else {
            format!(" {} ", self.words.join(" "))
        }
    }
}

/// A country's name in English and in French, from the ISO 3166 data file.
pub fn country_names(code: &str) -> Option<(&'static str, &'static str)> {
    static NAMES: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            include_str!("countries.tsv")
                .lines()
                .filter(|line| !line.starts_with('#'))
                .filter_map(|line| {
                    let mut fields = line.split('\t');
                    Some((fields.next()?, (fields.next()?, fields.next()?)))
                })
                .collect()
        })
        .get(code.to_ascii_uppercase().as_str())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(words("Réintégration"), ["reintegration"]);
        assert_eq!(
            words("  Coordonnateur/trice de l'ŒUVRE, VN 2023/005 "),
            [
                "coordonnateur",
                "trice",
                "de",
                "l",
                "oeuvre",
                "vn",
                "2023",
                "005"
            ]
        );
        assert_eq!(words("THAMM+ Y-MED"), ["thamm", "y", "med"]);
        assert!(words(" -- / ").is_empty());
    }

    #[test]
    fn documents_are_padded() {
        let mut doc = Document::default();
        doc.push("Maroc");
        doc.push("Côte d'Ivoire");
        assert_eq!(doc.padded(), " maroc cote d ivoire ");
        assert_eq!(Document::default().padded(), " ");
    }

    #[test]
    fn country_names_in_both_languages() {
        assert_eq!(country_names("ma"), Some(("Morocco", "Maroc")));
        assert_eq!(country_names("DZ"), Some(("Algeria", "Algérie")));
        assert_eq!(country_names("XX"), None);
    }
}
