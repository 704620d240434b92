//! A notice's text as lines, labels and sections: what survives any layout (tables, tabs,
//! bullets, phrases broken over lines, markdown or HTML left by a converter).

use std::sync::LazyLock;

use regex::Regex;

use super::vocabulary::{fold, Vocabulary};

/// `Label : value`, where the document gave one.
#[derive(Debug, Clone)]
pub struct Label {
    pub key: String,
    /// The words between the label and its colon, e.g. "(minuit, heure de Genève)".
    pub note: String,
    pub value: String,
    pub line: usize,
}

/// One thing a section holds, in order.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A bulleted or numbered item.
    Item(String, usize),
    /// A paragraph (lines joined).
    Para(String, usize),
}

impl Entry {
    pub fn text(&self) -> &str {
        match self {
            Entry::Item(t, _) | Entry::Para(t, _) => t,
        }
    }
    pub fn line(&self) -> usize {
        match self {
            Entry::Item(_, l) | Entry::Para(_, l) => *l,
        }
    }
    fn text_mut(&mut self) -> &mut String {
        match self {
            Entry::Item(t, _) | Entry::Para(t, _) => t,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// The vocabulary's section kind; `None` before the first heading.
    pub kind: Option<String>,
    pub heading: String,
    pub line: usize,
    /// "Niveau 1" / "Level 1" in the heading.
    pub level: Option<i32>,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Default)]
pub struct Layout {
    pub labels: Vec<Label>,
    pub sections: Vec<Section>,
    /// The first non-blank lines, for a title the document gives without a label.
    pub first_lines: Vec<(String, usize)>,
    /// The whole text, cleaned, one string per line (1-based numbers index it minus one).
    pub lines: Vec<String>,
    /// More posts follow the first (the importer reads the first).
    pub more_posts: bool,
}

impl Layout {
    pub fn sections_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Section> + 'a {
        self.sections
            .iter()
            .filter(move |s| s.kind.as_deref() == Some(kind))
    }
    pub fn label(&self, key: &str) -> Option<&Label> {
        self.labels
            .iter()
            .find(|l| l.key == key && !l.value.is_empty())
    }
}

static BULLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-•◆●▪■*–·◦➢➤✓]\s+|[•◆●▪■◦➢➤]|\(?\d{1,2}[.)](?:\s+|$)|\(?[a-z][)]\s+|[a-z][.]\s+)",
    )
    .expect("a constant pattern")
});
static ROMAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:[ivx]{1,5})[.)]\s+").expect("a constant pattern"));
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[([^\]]*)\]\([^)]*\)|<(https?://[^>]*)>").expect("a constant pattern")
});
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<[^>]{1,200}>").expect("a constant pattern"));
static LEVEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:niveau|level)\s*(\d)").expect("a constant pattern"));

/// Markdown, HTML and table rules a converter may leave, off; list items in HTML on lines
/// of their own.
fn clean(raw: &str) -> Vec<String> {
    let text = raw.replace("<li>", "\n• ").replace("</li>", "\n");
    let text = LINK.replace_all(&text, "$1$2");
    let text = TAG.replace_all(&text, " ");
    text.lines()
        .map(|line| {
            let line = line.trim_start_matches(|c: char| c == '#' || c.is_whitespace());
            let line = line.replace("**", "").replace('|', "\t");
            let line = line
                .trim_matches(|c: char| c.is_whitespace() && c != '\t')
                .to_owned();
            let only_rules = line
                .chars()
                .all(|c| matches!(c, '-' | '\t' | ' ' | '_' | '='));
            let only_punct = line.chars().all(|c| !c.is_alphanumeric() && c != '•');
            if only_rules || only_punct {
                String::new()
            } else {
                line.trim_matches('*').trim().to_owned()
            }
        })
        .collect()
}

fn strip_bullet(line: &str) -> (bool, &str) {
    let mut rest = line;
    let mut bullet = false;
    // "- a) Assister": a dash, then a letter; at most two markers.
    for _ in 0..2 {
        match BULLET.find(rest) {
            Some(m) if m.end() < rest.len() => {
                bullet = true;
                rest = rest[m.end()..].trim_start();
            }
            _ => break,
        }
    }
    (bullet, rest)
}

/// The text after `n` characters.
pub fn after_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((i, _)) => &text[i..],
        None => "",
    }
}

/// The section kind a line announces, its level, and any text after its colon.
fn heading(v: &Vocabulary, line: &str) -> Option<(String, Option<i32>, String)> {
    let line = ROMAN.replace(line, "").into_owned();
    let folded = fold(line.trim());
    let long = folded.chars().count() > 90;
    let trimmed = folded.trim_end_matches([':', ' ', '.']);
    let mut best: Option<(&str, usize)> = None;
    for (kind, words) in &v.sections {
        for word in words {
            let exact = trimmed == word;
            let prefixed = folded.strip_prefix(word.as_str()).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with(':')
                    || rest.starts_with('–')
                    || rest.starts_with("- ")
                    || rest.starts_with('(')
            });
            let len = word.chars().count();
            // A long line is a heading only when its colon says so ("Comment postuler : …").
            let prefixed =
                prefixed && (!long || folded[word.len()..].trim_start().starts_with(':'));
            if ((exact && !long) || prefixed) && best.is_none_or(|(_, l)| len > l) {
                best = Some((kind, len));
            }
        }
    }
    let (kind, len) = best?;
    let level = LEVEL
        .captures(&folded)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok());
    let rest = after_chars(line.trim(), len).trim_start();
    let inline = match rest.strip_prefix(':') {
        Some(after) => after.trim().to_owned(),
        None => String::new(),
    };
    Some((kind.to_owned(), level, inline))
}

/// `Label : value`, `Label (note): value`, `Label<tab>value` or a label alone.
fn label(v: &Vocabulary, line: &str) -> Option<(String, String, String)> {
    let folded = fold(line);
    for (key, words) in &v.labels {
        for word in words {
            let Some(rest) = folded.strip_prefix(word.as_str()) else {
                continue;
            };
            let start = word.chars().count();
            let original = after_chars(line, start);
            let (note, value) = if rest.starts_with('\t') || rest.starts_with("  ") {
                let value = original.trim();
                match value.strip_prefix(':') {
                    Some(v) => (String::new(), v.trim().to_owned()),
                    None => (String::new(), value.to_owned()),
                }
            } else if rest.trim_start().starts_with(':') {
                let value = original.trim_start().trim_start_matches(':');
                (String::new(), value.trim().to_owned())
            } else if rest.trim_start().starts_with('(') {
                let Some(close) = original.find(')') else {
                    continue;
                };
                let note = original[..=close].trim().to_owned();
                let value = original[close + 1..].trim_start().trim_start_matches(':');
                (note, value.trim().to_owned())
            } else if rest.trim().is_empty() {
                (String::new(), String::new())
            } else {
                continue;
            };
            return Some((
                key.clone(),
                note,
                value.replace('\t', " ").trim().to_owned(),
            ));
        }
    }
    None
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end().ends_with(['.', ';', ':', '!', '?'])
}

fn starts_lower(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_lowercase())
}

/// Reads the text into labels and sections.
pub fn read(v: &Vocabulary, raw: &str) -> Layout {
    let lines = clean(raw);
    let mut layout = Layout {
        sections: vec![Section {
            kind: None,
            heading: String::new(),
            line: 1,
            level: None,
            entries: Vec::new(),
        }],
        ..Layout::default()
    };
    let mut blank_before = true;
    // The previous line's length: a full line was probably wrapped by the layout.
    let mut previous_len = 0;
    // A label whose value is on a later line; the next short text line is that value.
    let mut pending: Option<usize> = None;
    // A label value a following lower-case line may continue.
    let mut open_label: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        let no = i + 1;
        if line.is_empty() {
            blank_before = true;
            previous_len = 0;
            continue;
        }
        if layout.first_lines.len() < 3 {
            layout.first_lines.push((line.clone(), no));
        }
        let folded = fold(line);
        if v.values
            .multi_post
            .iter()
            .any(|w| folded.starts_with(w.as_str()))
        {
            layout.more_posts = true;
            break;
        }
        let (bullet, rest) = strip_bullet(line);
        if let Some((kind, level, inline)) = heading(v, rest) {
            layout.sections.push(Section {
                kind: Some(kind),
                heading: rest.to_owned(),
                line: no,
                level,
                entries: Vec::new(),
            });
            if !inline.is_empty() {
                push_entry(&mut layout, Entry::Para(inline, no));
            }
            pending = None;
            open_label = None;
            blank_before = false;
            continue;
        }
        if !bullet {
            if let Some((key, note, value)) = label(v, rest) {
                let index = layout.labels.len();
                pending = value.is_empty().then_some(index);
                open_label = (!value.is_empty()).then_some(index);
                layout.labels.push(Label {
                    key,
                    note,
                    value,
                    line: no,
                });
                blank_before = false;
                continue;
            }
        }
        if let Some(index) = pending.take() {
            if !bullet && rest.chars().count() < 100 {
                layout.labels[index].value = rest.replace('\t', " ").trim().to_owned();
                layout.labels[index].line = no;
                blank_before = false;
                continue;
            }
        }
        if let Some(index) = open_label.take() {
            let value = &mut layout.labels[index].value;
            if !bullet && starts_lower(rest) && !ends_sentence(value) {
                value.push(' ');
                value.push_str(rest.trim());
                open_label = Some(index);
                blank_before = false;
                continue;
            }
        }
        let text = rest.replace('\t', " ").trim().to_owned();
        let wrapped = std::mem::replace(&mut previous_len, line.chars().count()) >= 80;
        let section = layout.sections.last_mut();
        let last = section.and_then(|s| s.entries.last_mut());
        let continues = match &last {
            _ if bullet => false,
            Some(Entry::Item(..)) if !blank_before && wrapped => true,
            Some(entry) if !blank_before => !ends_sentence(entry.text()) || starts_lower(&text),
            Some(entry) => !ends_sentence(entry.text()) && starts_lower(&text),
            None => false,
        };
        match last {
            Some(entry) if continues => {
                let t = entry.text_mut();
                t.push(' ');
                t.push_str(&text);
            }
            _ if bullet => push_entry(&mut layout, Entry::Item(text, no)),
            _ => push_entry(&mut layout, Entry::Para(text, no)),
        }
        blank_before = false;
    }
    layout.lines = lines;
    layout
}

fn push_entry(layout: &mut Layout, entry: Entry) {
    if let Some(section) = layout.sections.last_mut() {
        section.entries.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::notice_import::vocabulary::vocabulary;

    #[test]
    fn labels_take_colons_tabs_notes_and_broken_values() {
        let v = vocabulary().expect("vocabulary");
        let text = "  Titre du poste : Assistant  \nGrade du poste\tG6\n\
            Date de clôture (minuit, heure de Genève): 3 juin 2025\n\
            Type de contrat : Durée déterminée, un an avec possibilité de\n\nprolongation\n";
        let layout = read(v, text);
        assert_eq!(
            layout.label("title").map(|l| l.value.as_str()),
            Some("Assistant")
        );
        assert_eq!(layout.label("grade").map(|l| l.value.as_str()), Some("G6"));
        let closing = layout.label("closing").expect("closing");
        assert_eq!(closing.value, "3 juin 2025");
        assert_eq!(closing.note, "(minuit, heure de Genève)");
        assert_eq!(
            layout.label("contract").map(|l| l.value.as_str()),
            Some("Durée déterminée, un an avec possibilité de prolongation")
        );
    }

    #[test]
    fn sections_hold_items_with_broken_lines() {
        let v = vocabulary().expect("vocabulary");
        let text = "III. Tâches et responsabilités :\n\n1. Coordonner le\nprojet.\n\n\
            2. Assurer la formation liée à la\n\nprotection des migrants.\n- a) Représenter l'OIM.\n";
        let layout = read(v, text);
        let section = layout
            .sections_of("responsibilities")
            .next()
            .expect("section");
        let items: Vec<&str> = section.entries.iter().map(Entry::text).collect();
        assert_eq!(
            items,
            [
                "Coordonner le projet.",
                "Assurer la formation liée à la protection des migrants.",
                "Représenter l'OIM."
            ]
        );
    }
}
