//! The search syntax, web-search style, parsed once into a small tree and rendered for each
//! database: words must all match, `"a phrase"` matches its words in a row, `-word` and
//! `-"a phrase"` exclude, `OR` (uppercase) between two terms matches either, and the last word
//! may be the start of one when it is typed plain (not quoted, not excluded).
//!
//! Every token is folded by [`words`], as the documents are, so a token holding punctuation
//! (`l'œuvre`, `VN-2023/005`) is the phrase of its words.

use sha2::{Digest, Sha256};

use crate::domain::search_text::words;
use crate::error::{AppError, AppResult};

/// Words in a row; the last one may be a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub words: Vec<String>,
    pub prefix: bool,
}

/// One condition of a search; a search's clauses combine with AND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// At least one of these terms (one term, or terms joined by `OR`).
    Any(Vec<Term>),
    /// Not this term.
    Not(Term),
}

/// A search, parsed; empty when there is nothing to search for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchWords(pub Vec<Clause>);

/// How a search can be refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchError {
    TooManyWords(usize),
    OnlyExclusions,
    NothingToFind,
}

impl SearchError {
    pub fn into_app_error(self, field: &str) -> AppError {
        let message = match self {
            Self::TooManyWords(max) => format!("`search` must have at most {max} words"),
            Self::OnlyExclusions => {
                "`search` excludes words but looks for none: add a word to find".to_owned()
            }
            Self::NothingToFind => {
                "`search` holds no word to find (only `OR` or punctuation)".to_owned()
            }
        };
        AppError::bad_input(field, message)
    }
}

/// A lexed token: a term with how it was typed, or `OR`.
enum Token {
    Or,
    Term {
        words: Vec<String>,
        negated: bool,
        quoted: bool,
    },
}

fn lex(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negated = false;
        if c == '-' {
            chars.next();
            match chars.peek() {
                Some(next) if !next.is_whitespace() && *next != '-' => negated = true,
                _ => continue,
            }
        }
        let quoted = chars.peek() == Some(&'"');
        let mut raw = String::new();
        if quoted {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                raw.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                raw.push(c);
                chars.next();
            }
        }
        if raw == "OR" && !quoted && !negated {
            tokens.push(Token::Or);
            continue;
        }
        let words = words(&raw);
        if !words.is_empty() {
            tokens.push(Token::Term {
                words,
                negated,
                quoted,
            });
        }
    }
    tokens
}

/// Parses `text`; `Ok` of an empty search when it holds no word at all (a blank search).
pub fn parse(text: &str, max_words: usize) -> Result<SearchWords, SearchError> {
    let mut tokens = lex(text);
    if tokens.is_empty() {
        return Ok(SearchWords::default());
    }
    // The last word typed plain may be unfinished; quoted or excluded, it is taken as typed.
    let prefix_at = match tokens.last() {
        Some(Token::Term {
            negated: false,
            quoted: false,
            ..
        }) => Some(tokens.len() - 1),
        _ => None,
    };
    let count: usize = tokens
        .iter()
        .map(|t| match t {
            Token::Term { words, .. } => words.len(),
            Token::Or => 0,
        })
        .sum();
    if count > max_words {
        return Err(SearchError::TooManyWords(max_words));
    }

    let mut clauses: Vec<Clause> = Vec::new();
    // An `OR` counts only between two terms to find; elsewhere it is dropped.
    let mut joining = false;
    for (i, token) in tokens.drain(..).enumerate() {
        match token {
            Token::Or => joining = matches!(clauses.last(), Some(Clause::Any(_))),
            Token::Term { words, negated, .. } => {
                let term = Term {
                    words,
                    prefix: prefix_at == Some(i),
                };
                match (negated, joining, clauses.last_mut()) {
                    (true, _, _) => clauses.push(Clause::Not(term)),
                    (false, true, Some(Clause::Any(terms))) => terms.push(term),
                    (false, _, _) => clauses.push(Clause::Any(vec![term])),
                }
                joining = false;
            }
        }
    }
    if clauses.is_empty() {
        return Err(SearchError::NothingToFind);
    }
    if clauses.iter().all(|c| matches!(c, Clause::Not(_))) {
        return Err(SearchError::OnlyExclusions);
    }
    Ok(SearchWords(clauses))
}

/// A lexeme of a PostgreSQL tsquery, quoted (folded words hold no quote, but be safe).
fn lexeme(word: &str) -> String {
    format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
}

impl Term {
    fn tsquery(&self) -> String {
        let last = self.words.len().saturating_sub(1);
        let parts: Vec<String> = self
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if self.prefix && i == last {
                    format!("{}:*", lexeme(w))
                } else {
                    lexeme(w)
                }
            })
            .collect();
        if parts.len() == 1 {
            parts.join("")
        } else {
            format!("({})", parts.join(" <-> "))
        }
    }

    fn fts(&self) -> String {
        let star = if self.prefix { "*" } else { "" };
        format!("\"{}\"{star}", self.words.join(" ").replace('"', "\"\""))
    }

    /// A `LIKE` pattern over a padded, folded text (`vacancy_search.title`).
    fn like(&self) -> String {
        let words = self.words.join(" ").replace(['%', '_'], "");
        if self.prefix {
            format!("% {words}%")
        } else {
            format!("% {words} %")
        }
    }
}

fn any_tsquery(terms: &[Term]) -> String {
    let parts: Vec<String> = terms.iter().map(Term::tsquery).collect();
    if parts.len() == 1 {
        parts.join("")
    } else {
        format!("({})", parts.join(" | "))
    }
}

fn any_fts(terms: &[Term]) -> String {
    let parts: Vec<String> = terms.iter().map(Term::fts).collect();
    if parts.len() == 1 {
        parts.join("")
    } else {
        format!("({})", parts.join(" OR "))
    }
}

impl SearchWords {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text of `to_tsquery('jobboard_search', …)` (PostgreSQL).
    pub fn tsquery(&self) -> String {
        self.0
            .iter()
            .map(|clause| match clause {
                Clause::Any(terms) => any_tsquery(terms),
                Clause::Not(term) => format!("!{}", term.tsquery()),
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The FTS5 `MATCH` expression (SQLite): its `NOT` is binary, so the exclusions follow
    /// the terms to find.
    pub fn fts_query(&self) -> String {
        let positive: Vec<String> = self.positive().map(any_fts).collect();
        let mut query = format!("({})", positive.join(" AND "));
        for clause in &self.0 {
            if let Clause::Not(term) = clause {
                query.push_str(" NOT ");
                query.push_str(&term.fts());
            }
        }
        query
    }

    /// The clauses to find (their terms), which relevance counts in the title.
    pub fn positive(&self) -> impl Iterator<Item = &[Term]> {
        self.0.iter().filter_map(|clause| match clause {
            Clause::Any(terms) => Some(terms.as_slice()),
            Clause::Not(_) => None,
        })
    }

    /// Per clause to find: its tsquery text, to match against the title alone.
    pub fn title_tsqueries(&self) -> Vec<String> {
        self.positive().map(any_tsquery).collect()
    }

    /// Per clause to find: the `LIKE` patterns of its terms over the padded title.
    pub fn title_patterns(&self) -> Vec<Vec<String>> {
        self.positive()
            .map(|terms| terms.iter().map(Term::like).collect())
            .collect()
    }

    /// Identifies the search in cursors: two searches that find the same have the same one.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.tsquery().as_bytes());
        digest[..6].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Parses a search for `field`, refusing it with a message the caller can act on.
pub fn parse_for(field: &str, text: &str, max_words: usize) -> AppResult<SearchWords> {
    parse(text, max_words).map_err(|e| e.into_app_error(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> SearchWords {
        parse(text, 12).unwrap()
    }

    fn term(words: &[&str], prefix: bool) -> Term {
        Term {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            prefix,
        }
    }

    #[test]
    fn plain_words_all_match_and_the_last_is_a_prefix() {
        assert_eq!(
            parsed("Réintégration MAR"),
            SearchWords(vec![
                Clause::Any(vec![term(&["reintegration"], false)]),
                Clause::Any(vec![term(&["mar"], true)]),
            ])
        );
        let search = parsed("reintegration mar");
        assert_eq!(search.tsquery(), "'reintegration' & 'mar':*");
        assert_eq!(search.fts_query(), "(\"reintegration\" AND \"mar\"*)");
    }

    #[test]
    fn quoted_phrases_match_in_a_row_and_are_never_prefixes() {
        let search = parsed("\"chef de projet\" maroc \"rabat\"");
        assert_eq!(
            search.0,
            [
                Clause::Any(vec![term(&["chef", "de", "projet"], false)]),
                Clause::Any(vec![term(&["maroc"], false)]),
                Clause::Any(vec![term(&["rabat"], false)]),
            ]
        );
        assert_eq!(
            search.tsquery(),
            "('chef' <-> 'de' <-> 'projet') & 'maroc' & 'rabat'"
        );
        assert_eq!(
            search.fts_query(),
            "(\"chef de projet\" AND \"maroc\" AND \"rabat\")"
        );
        // An unclosed quote runs to the end.
        assert_eq!(
            parsed("\"chef de").0,
            [Clause::Any(vec![term(&["chef", "de"], false)])]
        );
    }

    #[test]
    fn a_token_with_punctuation_is_a_phrase_of_its_words() {
        assert_eq!(
            parsed("l'œuvre VN-2023/005").0,
            [
                Clause::Any(vec![term(&["l", "oeuvre"], false)]),
                Clause::Any(vec![term(&["vn", "2023", "005"], true)]),
            ]
        );
        assert_eq!(
            parsed("VN-2023/00").tsquery(),
            "('vn' <-> '2023' <-> '00':*)"
        );
        assert_eq!(parsed("VN-2023/00").fts_query(), "(\"vn 2023 00\"*)");
    }

    #[test]
    fn a_minus_excludes_a_word_or_a_phrase() {
        let search = parsed("assistant -stage -\"cote d'ivoire\"");
        assert_eq!(
            search.0,
            [
                Clause::Any(vec![term(&["assistant"], false)]),
                Clause::Not(term(&["stage"], false)),
                Clause::Not(term(&["cote", "d", "ivoire"], false)),
            ]
        );
        assert_eq!(
            search.tsquery(),
            "'assistant' & !'stage' & !('cote' <-> 'd' <-> 'ivoire')"
        );
        assert_eq!(
            search.fts_query(),
            "(\"assistant\") NOT \"stage\" NOT \"cote d ivoire\""
        );
        // A dash inside a word, or alone, is punctuation.
        assert_eq!(
            parsed("Y-MED").0,
            [Clause::Any(vec![term(&["y", "med"], true)])]
        );
        assert_eq!(parsed("a - b").0.len(), 2);
    }

    #[test]
    fn or_joins_the_terms_on_either_side() {
        let search = parsed("maroc OR tunisie OR \"cote d ivoire\" assistant");
        assert_eq!(
            search.0,
            [
                Clause::Any(vec![
                    term(&["maroc"], false),
                    term(&["tunisie"], false),
                    term(&["cote", "d", "ivoire"], false),
                ]),
                Clause::Any(vec![term(&["assistant"], true)]),
            ]
        );
        assert_eq!(
            search.tsquery(),
            "('maroc' | 'tunisie' | ('cote' <-> 'd' <-> 'ivoire')) & 'assistant':*"
        );
        assert_eq!(
            search.fts_query(),
            "((\"maroc\" OR \"tunisie\" OR \"cote d ivoire\") AND \"assistant\"*)"
        );
        // Lowercase `or` is a word (French "gold"); a dangling OR is dropped.
        assert_eq!(parsed("or").0, [Clause::Any(vec![term(&["or"], true)])]);
        assert_eq!(parsed("OR maroc OR").tsquery(), "'maroc'");
        assert_eq!(parsed("maroc OR -stage").tsquery(), "'maroc' & !'stage'");
        assert_eq!(parsed("maroc OR tun").tsquery(), "('maroc' | 'tun':*)");
    }

    #[test]
    fn searches_with_nothing_to_find_are_refused_and_blank_ones_are_none() {
        assert_eq!(parse("-stage", 12), Err(SearchError::OnlyExclusions));
        assert_eq!(
            parse("-stage -\"a b\"", 12),
            Err(SearchError::OnlyExclusions)
        );
        assert_eq!(parse("OR", 12), Err(SearchError::NothingToFind));
        assert_eq!(parse("  -- / \"\" ", 12), Ok(SearchWords::default()));
        assert_eq!(parse("", 12), Ok(SearchWords::default()));
        assert_eq!(parse("a b c", 2), Err(SearchError::TooManyWords(2)));
        assert_eq!(parse("a-b", 2).map(|s| s.0.len()), Ok(1));
    }

    #[test]
    fn relevance_counts_each_clause_to_find_in_the_title() {
        let search = parsed("maroc OR tunisie -stage \"chef de\" coord");
        assert_eq!(
            search.title_tsqueries(),
            ["('maroc' | 'tunisie')", "('chef' <-> 'de')", "'coord':*"]
        );
        assert_eq!(
            search.title_patterns(),
            [
                vec!["% maroc %".to_owned(), "% tunisie %".to_owned()],
                vec!["% chef de %".to_owned()],
                vec!["% coord%".to_owned()],
            ]
        );
    }

    #[test]
    fn fingerprints_tell_searches_apart_but_not_spellings() {
        assert_eq!(
            parsed("Réintégration  maroc").fingerprint(),
            parsed("reintegration maroc").fingerprint()
        );
        assert_ne!(
            parsed("reintegration maroc").fingerprint(),
            parsed("\"reintegration maroc\"").fingerprint()
        );
        assert_ne!(parsed("a -b").fingerprint(), parsed("a b").fingerprint());
    }
}
