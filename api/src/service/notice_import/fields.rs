//! From a notice's layout to the input of a draft, each field with where it came from: the
//! header fields here, the rest in `dates`, `sections`, `requirements` and `applying`.

use std::sync::LazyLock;

use regex::Regex;

use super::applying::applying;
use super::dates::{dates, months};
use super::layout::{after_chars, Layout};
use super::requirements::{competencies, languages};
use super::sections::sections;
use super::vocabulary::{contains_word, find_word, first_of, fold, Vocabulary};
use crate::domain::{ContractType, Grade};
use crate::service::vacancy::input::{DutyStationInput, NoticeInput, TextInput};

/// Where a field's value came from, and how sure the importer is of it.
#[derive(Debug, Clone)]
pub struct FieldSource {
    /// The field, as `VacancyInput` names it.
    pub field: &'static str,
    pub value: String,
    /// The label, section heading or rule that gave it.
    pub source: String,
    /// The 1-based line of the extracted text it starts on.
    pub line: Option<usize>,
    /// 0 to 1: 0.9 for a labelled value, less for a value found in running text or assumed.
    pub confidence: f64,
}

/// A competency of the posting organisation's catalogue (or the global one).
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    pub id: i32,
    pub code: String,
    /// Its names, folded.
    pub names: Vec<String>,
}

/// What a notice gives, ready to become a draft.
#[derive(Debug)]
pub struct Parsed {
    pub input: NoticeInput,
    pub fields: Vec<FieldSource>,
    /// Fields the document did not give (the draft holds a placeholder or nothing).
    pub unfilled: Vec<&'static str>,
}

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        pub(super) static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pattern).expect("a constant pattern"));
    };
}
re!(DATE_WORDS, r"(\d{1,2})(?:er)?\s+([a-z]+)\s+(\d{4})");
re!(DATE_WORDS_EN, r"([a-z]+)\s+(\d{1,2}),?\s+(\d{4})");
re!(DATE_NUMERIC, r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})");
re!(DATE_ISO, r"(\d{4})-(\d{2})-(\d{2})");
re!(TIME, r"(\d{1,2})\s*[h:]\s*(\d{2})");
re!(EMAIL, r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}");
re!(
    SUBJECT,
    r"(?i)objet[^«“\x22]{0,80}[«“\x22]\s*([^»”\x22]{1,200}?)\s*[»”\x22]"
);
re!(
    SUBJECT_EN,
    r"(?i)subject[^«“\x22]{0,80}[«“\x22]\s*([^»”\x22]{1,200}?)\s*[»”\x22]"
);
re!(POSTS, r"^0*(\d{1,3})\s+(?:postes?|posts?|positions?)\b");
re!(YEARS, r"\b(\d{1,2}|[a-z]+)\s+(?:annees?|ans?|years?)\b");
re!(MONTHS, r"\b(\d{1,3})\s*(?:mois|months?)\b");
re!(REFERENCE_LINE, r"^(?i:VN|SVN|VA|AV)\s*\d{4}\s*/\s*\d+");
re!(SLASH_SPACES, r"\s*/\s*");
re!(SENTENCE_END, r"([.!?])\s+(\p{Lu})");
re!(
    REFERENCE_COUNT,
    r"\b(\d{1,2}|[a-z]+)\s+(?:references|referees)\b"
);

pub(super) struct Builder<'v> {
    pub(super) v: &'v Vocabulary,
    pub(super) fields: Vec<FieldSource>,
    pub(super) unfilled: Vec<&'static str>,
}

impl Builder<'_> {
    pub(super) fn found(
        &mut self,
        field: &'static str,
        value: impl ToString,
        source: &str,
        line: Option<usize>,
        confidence: f64,
    ) {
        self.fields.push(FieldSource {
            field,
            value: value.to_string(),
            source: source.to_owned(),
            line,
            confidence,
        });
    }
}

pub(super) fn labelled(source: &str) -> String {
    format!("label \u{ab}{source}\u{bb}")
}

pub(super) fn sentences(text: &str) -> Vec<String> {
    let marked = SENTENCE_END.replace_all(text, "$1\u{1}$2");
    marked
        .split('\u{1}')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The original text of a folded match, by character positions.
pub(super) fn original_of(
    original: &str,
    folded: &str,
    byte_start: usize,
    byte_len: usize,
) -> String {
    let start = folded[..byte_start].chars().count();
    let len = folded[byte_start..byte_start + byte_len].chars().count();
    after_chars(original, start).chars().take(len).collect()
}

/// Reads every field the notice gives. `catalogue` is the competencies the organisation may
/// name.
pub fn extract(v: &Vocabulary, layout: &Layout, catalogue: &[CatalogueEntry]) -> Parsed {
    let mut b = Builder {
        v,
        fields: Vec::new(),
        unfilled: Vec::new(),
    };
    let mut input = NoticeInput {
        authoritative_language: "fr".to_owned(),
        open_to_internal: true,
        open_to_external: true,
        ..NoticeInput::default()
    };
    let all_text = layout.lines.join("\n");
    let folded_all = fold(&all_text.split_whitespace().collect::<Vec<_>>().join(" "));
    if first_of(
        &folded_all,
        &[
            "position title".into(),
            "duty station".into(),
            "closing date".into(),
            "responsibilities".into(),
        ],
    )
    .is_some()
        && !contains_word(&folded_all, "titre du poste")
        && !contains_word(&folded_all, "lieu d'affectation")
    {
        input.authoritative_language = "en".to_owned();
    }

    reference(&mut b, layout, &mut input);
    if let Some(l) = layout
        .label("external_job_id")
        .filter(|l| l.value.chars().any(|c| c.is_ascii_digit()))
    {
        input.external_job_id = Some(l.value.clone());
        b.found(
            "externalJobId",
            &l.value,
            &labelled("Job ID"),
            Some(l.line),
            0.9,
        );
    }
    if let Some(l) = layout.label("unit") {
        input.unit = Some(l.value.clone());
        b.found("unit", &l.value, &labelled("Unité"), Some(l.line), 0.8);
    }
    let title = title(&mut b, layout, &mut input);
    grade_and_contract(&mut b, layout, &mut input);
    stations(&mut b, layout, &title, &mut input);
    who_may_apply(&mut b, &folded_all, &mut input);
    dates(&mut b, layout, &mut input);

    let mut text = TextInput {
        language: input.authoritative_language.clone(),
        title: title.clone(),
        ..TextInput::default()
    };
    sections(&mut b, layout, &mut text, &mut input);
    languages(&mut b, layout, &mut input);
    competencies(&mut b, layout, catalogue, &mut input);
    applying(&mut b, layout, &mut text, &mut input);
    input.texts = vec![text];
    Parsed {
        input,
        fields: b.fields,
        unfilled: b.unfilled,
    }
}

fn reference(b: &mut Builder<'_>, layout: &Layout, input: &mut NoticeInput) {
    let labelled_ref = layout
        .label("reference")
        .filter(|l| l.value.chars().any(|c| c.is_ascii_digit()) && l.value.chars().count() <= 64);
    if let Some(l) = labelled_ref {
        input.reference = SLASH_SPACES.replace_all(&l.value, "/").into_owned();
        b.found(
            "reference",
            &input.reference,
            &labelled("référence"),
            Some(l.line),
            0.9,
        );
        return;
    }
    for (line, no) in &layout.first_lines {
        if let Some(m) = REFERENCE_LINE.find(line.trim()) {
            input.reference = SLASH_SPACES.replace_all(m.as_str(), "/").into_owned();
            b.found(
                "reference",
                &input.reference,
                "a vacancy-notice number at the top",
                Some(*no),
                0.8,
            );
            return;
        }
    }
    b.unfilled.push("reference");
}

fn title(b: &mut Builder<'_>, layout: &Layout, input: &mut NoticeInput) -> String {
    let mut title = None;
    for l in layout
        .labels
        .iter()
        .filter(|l| l.key == "title" && !l.value.is_empty())
    {
        if let Some(c) = POSTS.captures(&fold(&l.value)) {
            let n: i32 = c.get(1).and_then(|m| m.as_str().parse().ok()).unwrap_or(1);
            if layout.more_posts {
                input.positions = Some(1);
                b.found(
                    "positions",
                    1,
                    &format!(
                        "{}; the document holds {n} posts, this draft is the first",
                        labelled("poste")
                    ),
                    Some(l.line),
                    0.6,
                );
            } else {
                input.positions = Some(n);
                b.found("positions", n, &labelled("poste"), Some(l.line), 0.8);
            }
            continue;
        }
        if title.is_none() {
            b.found(
                "title",
                &l.value,
                &labelled("titre du poste"),
                Some(l.line),
                0.9,
            );
            title = Some(l.value.clone());
        }
    }
    if title.is_none() {
        // Some notices open with the bare title ("Project Manager").
        if let Some((line, no)) = layout.first_lines.first() {
            let words = line.split_whitespace().count();
            if (1..=8).contains(&words) && !line.contains(':') && !REFERENCE_LINE.is_match(line) {
                b.found(
                    "title",
                    line,
                    "the first line of the document",
                    Some(*no),
                    0.5,
                );
                title = Some(line.clone());
            }
        }
    }
    match title {
        Some(t) => t,
        None => {
            b.unfilled.push("title");
            "(title to complete)".to_owned()
        }
    }
}

fn grade_and_contract(b: &mut Builder<'_>, layout: &Layout, input: &mut NoticeInput) {
    let v = b.v;
    if let Some(l) = layout.label("grade") {
        let folded = fold(&l.value);
        let first = l.value.split_whitespace().next().unwrap_or_default();
        let grade = Grade::parse(first)
            .ok()
            .map(|g| g.code().to_owned())
            .or_else(|| first_of(&folded, &v.values.intern).map(|_| "INTERN".to_owned()))
            .or_else(|| first_of(&folded, &v.values.consultant).map(|_| "CONSULTANT".to_owned()));
        match grade {
            Some(g) => {
                b.found("grade", &g, &labelled("grade"), Some(l.line), 0.9);
                input.grade = Some(g);
            }
            None => b.unfilled.push("grade"),
        }
    } else {
        b.unfilled.push("grade");
    }
    let contract_label = layout.label("contract");
    let kinds = [
        (
            &v.values.technical_cooperation,
            ContractType::TechnicalCooperation,
        ),
        (&v.values.fixed_term, ContractType::FixedTerm),
        (&v.values.temporary, ContractType::Temporary),
        (&v.values.internship, ContractType::Internship),
        (&v.values.consultancy, ContractType::Consultancy),
    ];
    let from_label = contract_label.and_then(|l| {
        let folded = fold(&l.value);
        kinds
            .iter()
            .find(|(words, _)| first_of(&folded, words).is_some())
            .map(|(_, kind)| (*kind, l.line))
    });
    match (from_label, input.grade.as_deref()) {
        (Some((kind, line)), _) => {
            b.found(
                "contractType",
                kind.as_str(),
                &labelled("type de contrat"),
                Some(line),
                0.9,
            );
            input.contract_type = Some(kind);
        }
        (None, Some("INTERN")) => {
            b.found(
                "contractType",
                "INTERNSHIP",
                "the grade (an internship)",
                None,
                0.6,
            );
            input.contract_type = Some(ContractType::Internship);
        }
        (None, Some("CONSULTANT")) => {
            b.found(
                "contractType",
                "CONSULTANCY",
                "the grade (a consultancy)",
                None,
                0.6,
            );
            input.contract_type = Some(ContractType::Consultancy);
        }
        _ => b.unfilled.push("contractType"),
    }
    // The duration and its renewal: a duration label, else the contract's value.
    let duration = layout.label("duration").or(contract_label);
    let found = duration.and_then(|l| months(v, &l.value).map(|m| (m, l)));
    match found {
        Some((m, l)) if (1..=120).contains(&m) => {
            b.found("durationMonths", m, &labelled("durée"), Some(l.line), 0.8);
            input.duration_months = Some(m);
            if first_of(&fold(&l.value), &v.values.renewable).is_some() {
                b.found("renewable", true, &labelled("durée"), Some(l.line), 0.8);
                input.renewable = Some(true);
            }
        }
        _ => b.unfilled.push("durationMonths"),
    }
}

fn stations(b: &mut Builder<'_>, layout: &Layout, title: &str, input: &mut NoticeInput) {
    let v = b.v;
    let Some(l) = layout.label("duty_station") else {
        b.unfilled.push("dutyStations");
        return;
    };
    let mut found: Vec<(Option<String>, String, String)> = Vec::new(); // (city, country name, code)
    for part in l.value.split([',', '/', ';', '\u{2013}']) {
        let folded = fold(part);
        let city = v.country.iter().find_map(|c| {
            c.cities.iter().find_map(|city| {
                find_word(&folded, city).map(|at| (c, original_of(part, &folded, at, city.len())))
            })
        });
        if let Some((country, name)) = city {
            found.push((Some(name), String::new(), country.code.clone()));
            continue;
        }
        let country = v.country.iter().find_map(|c| {
            c.names.iter().find_map(|n| {
                find_word(&folded, n).map(|at| (c, original_of(part, &folded, at, n.len())))
            })
        });
        if let Some((country, name)) = country {
            // "Rabat, Maroc" is one station; "Maroc/Tunisie" two.
            if found
                .iter()
                .any(|(city, _, code)| city.is_some() && *code == country.code)
            {
                continue;
            }
            found.push((None, name, country.code.clone()));
        }
    }
    if layout.more_posts && found.len() > 1 {
        let folded_title = fold(title);
        let named: Vec<_> = found
            .iter()
            .filter(|(city, name, _)| {
                contains_word(&folded_title, &fold(city.as_deref().unwrap_or(name)))
            })
            .cloned()
            .collect();
        if !named.is_empty() {
            found = named;
        }
    }
    if found.is_empty() {
        b.unfilled.push("dutyStations");
        return;
    }
    for (city, name, code) in found {
        let shown = city.clone().unwrap_or(name);
        b.found(
            "dutyStations",
            format!("{shown}, {code}"),
            &labelled("lieu d'affectation"),
            Some(l.line),
            0.85,
        );
        input.duty_stations.push(DutyStationInput {
            city,
            country: code,
        });
    }
}

fn who_may_apply(b: &mut Builder<'_>, folded_all: &str, input: &mut NoticeInput) {
    let v = b.v;
    if first_of(folded_all, &v.values.internal_only).is_some() {
        input.open_to_external = false;
        b.found(
            "openToExternal",
            false,
            "\u{ab}internal candidates only\u{bb}",
            None,
            0.8,
        );
    } else if first_of(folded_all, &v.values.external_only).is_some() {
        input.open_to_internal = false;
        b.found(
            "openToInternal",
            false,
            "\u{ab}external candidates only\u{bb}",
            None,
            0.8,
        );
    } else {
        b.found(
            "openToInternal",
            true,
            "no restriction stated: open to all",
            None,
            0.5,
        );
        b.found(
            "openToExternal",
            true,
            "no restriction stated: open to all",
            None,
            0.5,
        );
    }
    if let Some(w) = first_of(folded_all, &v.values.internal_first) {
        input.internal_first = true;
        b.found(
            "internalFirst",
            true,
            &format!("\u{ab}{w}\u{bb}"),
            None,
            0.8,
        );
    }
}
