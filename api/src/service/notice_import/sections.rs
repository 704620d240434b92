//! The notice's sections: context, responsibilities, education (its "or" paths), experience,
//! skills and conditions.

use super::dates::years;
use super::fields::*;
use super::layout::{Entry, Layout};
use super::vocabulary::{contains_word, find_word, first_of, fold, Vocabulary};
use crate::domain::{EducationLevel, Requirement};
use crate::service::vacancy::input::{NoticeInput, QualificationPathInput, TextInput};
use crate::service::vacancy::notice::NoticeLine;

pub(super) fn entries<'a>(
    layout: &'a Layout,
    kind: &'a str,
) -> impl Iterator<Item = &'a Entry> + 'a {
    layout.sections_of(kind).flat_map(|s| s.entries.iter())
}

pub(super) fn education_level(
    v: &Vocabulary,
    folded: &str,
) -> Option<(EducationLevel, usize, usize)> {
    let e = &v.education;
    [
        (&e.secondary, EducationLevel::Secondary),
        (&e.doctorate, EducationLevel::Doctorate),
        (&e.master, EducationLevel::Master),
        (&e.bachelor, EducationLevel::Bachelor),
        (&e.vocational, EducationLevel::Vocational),
    ]
    .into_iter()
    .find_map(|(words, level)| {
        words
            .iter()
            .find_map(|w| find_word(folded, w).map(|at| (level, at, w.len())))
    })
}

/// "Diplôme universitaire en A, B ou C, etc." → A, B, C.
pub(super) fn fields_of_study(
    v: &Vocabulary,
    original: &str,
    folded: &str,
    after: usize,
) -> Vec<String> {
    let rest_folded = &folded[after..];
    let Some(start) = rest_folded
        .find(" en ")
        .or_else(|| rest_folded.find(" in "))
        .filter(|at| *at < 3)
    else {
        return Vec::new();
    };
    let from = after + start + 4;
    let tail = &folded[from..];
    let end = v
        .education
        .fields_end
        .iter()
        .filter_map(|w| tail.find(w.as_str()))
        .chain(tail.find(['.', ';']))
        .min()
        .unwrap_or(tail.len());
    let list = original_of(original, folded, from, end);
    list.split(',')
        .flat_map(|p| p.split(" ou ").flat_map(|q| q.split(" or ")))
        .map(|s| s.trim().trim_end_matches(['.', ';']).trim().to_owned())
        .filter(|s| !s.is_empty() && fold(s) != "etc")
        .collect()
}

pub(super) fn list_item(text: &str) -> String {
    let t = text.trim();
    let t = t
        .strip_suffix("; ou,")
        .or_else(|| t.strip_suffix("; ou"))
        .or_else(|| t.strip_suffix("; or"))
        .unwrap_or(t);
    t.trim().to_owned()
}

pub(super) fn sections(
    b: &mut Builder<'_>,
    layout: &Layout,
    text: &mut TextInput,
    input: &mut NoticeInput,
) {
    let v = b.v;
    // The organisation's presentation: the preamble's long paragraphs.
    let intro: Vec<&str> = entries_of_preamble(layout)
        .filter(|t| t.chars().count() > 200)
        .collect();
    if !intro.is_empty() {
        text.organisation_intro = Some(intro.join("\n\n"));
        b.found(
            "organisationIntro",
            short(&text.organisation_intro),
            "the opening paragraphs",
            None,
            0.5,
        );
    }
    let context: Vec<&str> = entries(layout, "context")
        .map(Entry::text)
        .filter(|t| t.chars().count() > 80)
        .collect();
    if context.is_empty() {
        b.unfilled.push("context");
    } else {
        text.context = Some(context.join("\n\n"));
        let line = layout.sections_of("context").next().map(|s| s.line);
        b.found(
            "context",
            short(&text.context),
            "section \u{ab}Contexte\u{bb}",
            line,
            0.7,
        );
    }
    if let Some(e) = entries(layout, "reporting").next() {
        text.reporting_lines = Some(e.text().to_owned());
    }
    for section in layout.sections_of("responsibilities") {
        let mut seen_item = false;
        for e in &section.entries {
            match e {
                Entry::Item(t, _) => {
                    seen_item = true;
                    text.responsibilities.push(list_item(t));
                }
                Entry::Para(t, _) if !seen_item && t.trim_end().ends_with(':') => {
                    text.responsibilities_intro = Some(t.clone());
                }
                Entry::Para(t, _) if !seen_item && text.reporting_lines.is_none() => {
                    text.reporting_lines = Some(t.clone());
                }
                Entry::Para(..) => {}
            }
        }
    }
    record_list(
        b,
        "responsibilities",
        &text.responsibilities,
        layout
            .sections_of("responsibilities")
            .next()
            .map(|s| s.line),
    );

    // Education sections mix diplomas, experience and skills (one list in some notices).
    let mut paths: Vec<(QualificationPathInput, bool, usize)> = Vec::new();
    for e in entries(layout, "education") {
        let t = list_item(e.text());
        let folded = fold(&t);
        if let Some((level, at, len)) = education_level(v, &folded) {
            let own_years = years(v, &t);
            paths.push((
                QualificationPathInput {
                    education_level: level,
                    min_years_experience: own_years.unwrap_or(0),
                    fields: fields_of_study(v, &t, &folded, at + len),
                    description: Some(t.clone()),
                },
                own_years.is_some(),
                e.line(),
            ));
        } else if contains_word(&folded, "experience") {
            text.experience.push(notice_line(v, t));
        } else if matches!(e, Entry::Item(..)) {
            text.skills.push(notice_line(v, t));
        }
    }
    text.experience
        .extend(entries(layout, "experience").map(|e| notice_line(v, list_item(e.text()))));
    text.skills
        .extend(entries(layout, "skills").map(|e| notice_line(v, list_item(e.text()))));
    let stated_years = text.experience.iter().find_map(|t| years(v, &t.text));
    for (mut path, own, line) in paths {
        if !own {
            path.min_years_experience = stated_years.unwrap_or(0);
        }
        b.found(
            "qualificationPaths",
            format!(
                "{} + {} years",
                path.education_level.as_str(),
                path.min_years_experience
            ),
            "section \u{ab}Éducation\u{bb}",
            Some(line),
            if own || stated_years.is_some() {
                0.8
            } else {
                0.6
            },
        );
        input.qualification_paths.push(path);
    }
    if input.qualification_paths.is_empty() {
        b.unfilled.push("qualificationPaths");
    }
    record_list(
        b,
        "experience",
        &lines_text(&text.experience),
        layout.sections_of("experience").next().map(|s| s.line),
    );
    record_list(
        b,
        "skills",
        &lines_text(&text.skills),
        layout.sections_of("skills").next().map(|s| s.line),
    );
    for e in entries(layout, "conditions") {
        text.conditions.extend(sentences(e.text()));
    }
    record_list(
        b,
        "conditions",
        &text.conditions,
        layout.sections_of("conditions").next().map(|s| s.line),
    );
}

pub(super) fn entries_of_preamble(layout: &Layout) -> impl Iterator<Item = &str> {
    layout
        .sections
        .iter()
        .filter(|s| s.kind.is_none())
        .flat_map(|s| s.entries.iter())
        .map(Entry::text)
}

pub(super) fn short(text: &Option<String>) -> String {
    let t = text.as_deref().unwrap_or_default();
    let mut s: String = t.chars().take(80).collect();
    if t.chars().count() > 80 {
        s.push('…');
    }
    s
}

pub(super) fn record_list(
    b: &mut Builder<'_>,
    field: &'static str,
    items: &[String],
    line: Option<usize>,
) {
    if items.is_empty() {
        b.unfilled.push(field);
    } else {
        b.found(
            field,
            format!("{} items", items.len()),
            "its section's list",
            line,
            0.7,
        );
    }
}

fn lines_text(lines: &[NoticeLine]) -> Vec<String> {
    lines.iter().map(|l| l.text.clone()).collect()
}

/// An experience or skill line, required or desirable when its own words say so ("obligatoire",
/// "un atout"); an asset's words win, as "serait un avantage" qualifies the whole line.
fn notice_line(v: &Vocabulary, text: String) -> NoticeLine {
    let folded = fold(&text);
    let requirement = if first_of(&folded, &v.values.desirable_line).is_some() {
        Some(Requirement::Desirable)
    } else if first_of(&folded, &v.values.required_line).is_some() {
        Some(Requirement::Required)
    } else {
        None
    };
    NoticeLine { text, requirement }
}
