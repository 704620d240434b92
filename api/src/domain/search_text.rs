//! Text normalised for search, identically for documents and queries on both databases:
//! lowercase, accents folded (`Réintégration` → `reintegration`), every run of characters that
//! are not letters or digits turned into one space. Arabic folds as readers type it: no
//! harakat or tatweel, one alef, `ة` as `ه`, `ى` as `ي`, and Arabic-Indic digits as 0-9.

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
            // Tatweel only stretches a word; hamza-carrying alefs lose their hamza in NFKD.
            '\u{0640}' => {}
            '\u{0671}' => folded.push('\u{0627}'),
            '\u{0629}' => folded.push('\u{0647}'),
            '\u{0649}' => folded.push('\u{064A}'),
            '\u{0660}'..='\u{0669}' => folded.push(arabic_digit(c, '\u{0660}')),
            '\u{06F0}'..='\u{06F9}' => folded.push(arabic_digit(c, '\u{06F0}')),
            c if c.is_alphanumeric() => folded.extend(c.to_lowercase()),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().map(str::to_owned).collect()
}

/// The ASCII digit of an Arabic-Indic one, `zero` being its script's zero.
fn arabic_digit(c: char, zero: char) -> char {
    char::from_digit(u32::from(c) - u32::from(zero), 10).unwrap_or(c)
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
    fn folds_arabic_as_readers_type_it() {
        // Harakat and tatweel go; the alef forms are one alef.
        assert_eq!(words("مُسَاعِد"), ["مساعد"]);
        assert_eq!(words("مـــديـر"), ["مدير"]);
        assert_eq!(words("أ إ آ ٱ ا"), ["ا", "ا", "ا", "ا", "ا"]);
        assert_eq!(words("إعادة الإدماج"), ["اعاده", "الادماج"]);
        // Taa marbuta and alef maqsura as they are often typed.
        assert_eq!(words("مؤسسة مستشفى"), words("مؤسسه مستشفي"));
        // Arabic-Indic and Persian digits are ASCII digits.
        assert_eq!(words("٢٠٢٥/٠٣ ۲۰۲۵"), ["2025", "03", "2025"]);
        // Punctuation, Arabic or not, separates words.
        assert_eq!(words("مساعد(ة)، برامج؛"), ["مساعد", "ه", "برامج"]);
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
