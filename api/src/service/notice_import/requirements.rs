//! Languages (with level, required or desirable, "any one of") and the competencies of the
//! organisation's framework a notice names.

use super::fields::*;
use super::layout::Layout;
use super::sections::entries;
use super::vocabulary::{contains_word, find_word, first_of, fold, Vocabulary};
use crate::domain::{LanguageLevel, Requirement};
use crate::service::vacancy::input::{CompetencyInput, LanguageInput, NoticeInput};

const LEVEL_ORDER: [(&str, LanguageLevel); 4] = [
    ("EXCELLENT", LanguageLevel::Excellent),
    ("FLUENT", LanguageLevel::Fluent),
    ("WORKING", LanguageLevel::Working),
    ("BASIC", LanguageLevel::Basic),
];

/// Language mentions in a sentence, in order, with "any one of" groups.
pub(super) fn mentions(v: &Vocabulary, folded: &str) -> Vec<(usize, Vec<String>)> {
    let mut found: Vec<(usize, Vec<String>)> = Vec::new();
    for (codes, words) in &v.language_groups {
        if let Some(at) = words.iter().find_map(|w| find_word(folded, w)) {
            found.push((at, codes.split_whitespace().map(str::to_owned).collect()));
        }
    }
    for (code, words) in &v.languages {
        if let Some(at) = words.iter().find_map(|w| find_word(folded, w)) {
            // "arabe" inside "arabe marocain" is Darija's mention, not Arabic's.
            if found
                .iter()
                .any(|(other, codes)| *other == at && !codes.contains(code))
            {
                continue;
            }
            found.push((at, vec![code.clone()]));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found
}

pub(super) fn languages(b: &mut Builder<'_>, layout: &Layout, input: &mut NoticeInput) {
    let v = b.v;
    let mut group = 0;
    let mut out: Vec<LanguageInput> = Vec::new();
    let level_of = |folded: &str| {
        LEVEL_ORDER
            .iter()
            .find(|(key, _)| {
                v.language_levels
                    .get(*key)
                    .is_some_and(|w| first_of(folded, w).is_some())
            })
            .map(|(_, level)| *level)
    };
    let mut line = None;
    for e in entries(layout, "languages") {
        line.get_or_insert(e.line());
        for sentence in sentences(e.text()) {
            let folded = fold(&sentence);
            let found = mentions(v, &folded);
            let level = level_of(&folded);
            let requirement = match v.requirements.get("DESIRABLE") {
                Some(w) if first_of(&folded, w).is_some() => Requirement::Desirable,
                _ => Requirement::Required,
            };
            for (i, (at, codes)) in found.iter().enumerate() {
                let joined_with_previous = i > 0 && {
                    let between = &folded[found[i - 1].0..*at];
                    between.contains('/')
                        || contains_word(between, "ou")
                        || contains_word(between, "or")
                };
                let one_of = if codes.len() > 1 || joined_with_previous {
                    if !joined_with_previous {
                        group += 1;
                    }
                    if joined_with_previous && i > 0 {
                        if let Some(last) = out.last_mut().filter(|l| l.one_of_group.is_none()) {
                            group += 1;
                            last.one_of_group = Some(group);
                        }
                    }
                    Some(group)
                } else {
                    None
                };
                for code in codes {
                    if out.iter().any(|l| &l.language == code) {
                        continue;
                    }
                    out.push(LanguageInput {
                        language: code.clone(),
                        level,
                        requirement,
                        one_of_group: one_of,
                        note: None,
                    });
                }
            }
        }
    }
    // A level said elsewhere ("Bonne maîtrise du français et de l'anglais").
    for kind in ["education", "skills", "experience"] {
        for e in entries(layout, kind) {
            let folded = fold(e.text());
            let Some(level) = level_of(&folded) else {
                continue;
            };
            for (_, codes) in mentions(v, &folded) {
                for l in out
                    .iter_mut()
                    .filter(|l| codes.contains(&l.language) && l.level.is_none())
                {
                    l.level = Some(level);
                }
            }
        }
    }
    if out.is_empty() {
        b.unfilled.push("languages");
    }
    for l in &out {
        let level = l.level.map(|l| l.as_str()).unwrap_or("no level");
        b.found(
            "languages",
            format!("{} {level} {}", l.language, l.requirement.as_str()),
            "section \u{ab}Langues\u{bb}",
            line,
            0.75,
        );
    }
    input.languages = out;
}

pub(super) fn competencies(
    b: &mut Builder<'_>,
    layout: &Layout,
    catalogue: &[CatalogueEntry],
    input: &mut NoticeInput,
) {
    let mut matches: Vec<(Vec<&CatalogueEntry>, Option<i32>, usize, String)> = Vec::new();
    for section in layout.sections_of("competencies") {
        for e in &section.entries {
            let t = e.text();
            let name = match t.split_once(':') {
                Some((name, _)) if name.chars().count() < 60 => name,
                _ if t.chars().count() < 60 && !t.trim_end().ends_with(['.', ';', ':']) => t,
                _ => continue,
            };
            let folded = fold(name.trim());
            let found: Vec<&CatalogueEntry> = catalogue
                .iter()
                .filter(|c| c.names.contains(&folded))
                .collect();
            if !found.is_empty() {
                matches.push((found, section.level, e.line(), name.trim().to_owned()));
            }
        }
    }
    // Names shared by two frameworks ("Communication"): the framework most names point to.
    let family = |code: &str| -> String {
        match code.rsplit_once('_') {
            Some((_, suffix)) if suffix.chars().all(|c| c.is_ascii_digit()) => suffix.to_owned(),
            _ => String::new(),
        }
    };
    let mut votes: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (found, ..) in &matches {
        for c in found {
            *votes.entry(family(&c.code)).or_default() += 1;
        }
    }
    for (found, level, line, name) in matches {
        let Some(best) = found
            .iter()
            .max_by_key(|c| votes.get(&family(&c.code)).copied().unwrap_or(0))
        else {
            continue;
        };
        if input
            .competencies
            .iter()
            .any(|c| c.competency_id == best.id)
        {
            continue;
        }
        b.found(
            "competencies",
            format!("{} ({name})", best.code),
            "section \u{ab}Compétences requises\u{bb}",
            Some(line),
            0.7,
        );
        input.competencies.push(CompetencyInput {
            competency_id: best.id,
            level,
            requirement: Requirement::Required,
        });
    }
    if input.competencies.is_empty() {
        b.unfilled.push("competencies");
    }
}
