//! From a notice's layout to the input of a draft, each field with where it came from.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::layout::{after_chars, Entry, Layout};
use super::vocabulary::{contains_word, find_word, first_of, fold, Vocabulary};
use crate::domain::{
    ContractType, DocumentKind, EducationLevel, Grade, LanguageLevel, Requirement,
};
use crate::service::vacancy::input::{
    ClosingInput, CompetencyInput, DocumentInput, DutyStationInput, LanguageInput, NoticeInput,
    QualificationPathInput, TextInput,
};

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
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pattern).unwrap_or_else(|_| unreachable!("constant")));
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

const LEVEL_ORDER: [(&str, LanguageLevel); 4] = [
    ("EXCELLENT", LanguageLevel::Excellent),
    ("FLUENT", LanguageLevel::Fluent),
    ("WORKING", LanguageLevel::Working),
    ("BASIC", LanguageLevel::Basic),
];

struct Builder<'v> {
    v: &'v Vocabulary,
    fields: Vec<FieldSource>,
    unfilled: Vec<&'static str>,
}

impl Builder<'_> {
    fn found(
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

fn labelled(source: &str) -> String {
    format!("label \u{ab}{source}\u{bb}")
}

/// A date in French or English words, or numeric day first, or ISO.
pub fn parse_date(v: &Vocabulary, text: &str) -> Option<NaiveDate> {
    let folded = fold(text);
    let mut candidates: Vec<(usize, NaiveDate)> = Vec::new();
    for c in DATE_WORDS.captures_iter(&folded) {
        if let (Some(d), Some(m), Some(y)) = (c.get(1), c.get(2), c.get(3)) {
            if let (Some(month), Ok(day), Ok(year)) = (
                v.values.months.get(m.as_str()),
                d.as_str().parse::<u32>(),
                y.as_str().parse::<i32>(),
            ) {
                if let Some(date) = NaiveDate::from_ymd_opt(year, *month, day) {
                    candidates.push((d.start(), date));
                }
            }
        }
    }
    for c in DATE_WORDS_EN.captures_iter(&folded) {
        if let (Some(m), Some(d), Some(y)) = (c.get(1), c.get(2), c.get(3)) {
            if let (Some(month), Ok(day), Ok(year)) = (
                v.values.months.get(m.as_str()),
                d.as_str().parse::<u32>(),
                y.as_str().parse::<i32>(),
            ) {
                if let Some(date) = NaiveDate::from_ymd_opt(year, *month, day) {
                    candidates.push((m.start(), date));
                }
            }
        }
    }
    for c in DATE_NUMERIC.captures_iter(&folded) {
        let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        if let (Some(d), Some(m), Some(y), Some(start)) = (n(1), n(2), n(3), c.get(0)) {
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) {
                candidates.push((start.start(), date));
            }
        }
    }
    for c in DATE_ISO.captures_iter(&folded) {
        let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        if let (Some(y), Some(m), Some(d), Some(start)) = (n(1), n(2), n(3), c.get(0)) {
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) {
                candidates.push((start.start(), date));
            }
        }
    }
    candidates.sort_by_key(|(at, _)| *at);
    candidates.first().map(|(_, d)| *d)
}

fn number(v: &Vocabulary, word: &str) -> Option<i32> {
    word.parse()
        .ok()
        .or_else(|| v.values.numbers.get(word).copied())
}

/// The first "N ans / années / years" of a text.
fn years(v: &Vocabulary, text: &str) -> Option<i32> {
    YEARS
        .captures_iter(&fold(text))
        .find_map(|c| c.get(1).and_then(|m| number(v, m.as_str())))
}

fn months(v: &Vocabulary, text: &str) -> Option<i32> {
    let folded = fold(text);
    if let Some(n) = MONTHS
        .captures(&folded)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
    {
        return Some(n);
    }
    YEARS
        .captures(&folded)
        .and_then(|c| c.get(1))
        .and_then(|m| number(v, m.as_str()))
        .map(|y| y * 12)
}

fn sentences(text: &str) -> Vec<String> {
    let marked = SENTENCE_END.replace_all(text, "$1\u{1}$2");
    marked
        .split('\u{1}')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The original text of a folded match, by character positions.
fn original_of(original: &str, folded: &str, byte_start: usize, byte_len: usize) -> String {
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
        let city = city.unwrap_or(name);
        b.found(
            "dutyStations",
            format!("{city}, {code}"),
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

fn dates(b: &mut Builder<'_>, layout: &Layout, input: &mut NoticeInput) {
    let v = b.v;
    if let Some(l) = layout.label("start") {
        let folded = fold(&l.value);
        if first_of(&folded, &v.values.asap).is_some() {
            input.start_asap = true;
            b.found(
                "startAsap",
                true,
                &labelled("date de début"),
                Some(l.line),
                0.9,
            );
        } else if let Some(d) = parse_date(v, &l.value) {
            input.start_date = Some(d);
            b.found(
                "startDate",
                d,
                &labelled("date de début"),
                Some(l.line),
                0.9,
            );
        }
    }
    let station_zone = input
        .duty_stations
        .first()
        .and_then(|s| v.country.iter().find(|c| c.code == s.country))
        .map(|c| c.zone.clone());
    let Some(l) = layout.label("closing") else {
        b.unfilled.push("closingDate");
        input.time_zone = station_zone.unwrap_or_else(|| "UTC".to_owned());
        return;
    };
    let whole = fold(&format!("{} {}", l.note, l.value));
    let named_zone = v
        .zones
        .iter()
        .find(|(_, words)| first_of(&whole, words).is_some())
        .map(|(zone, _)| zone.clone());
    match (named_zone, station_zone) {
        (Some(zone), _) => {
            b.found(
                "timeZone",
                &zone,
                &format!("{} {}", labelled("date de clôture"), l.note),
                Some(l.line),
                0.9,
            );
            input.time_zone = zone;
        }
        (None, Some(zone)) => {
            b.found("timeZone", &zone, "the duty station's country", None, 0.7);
            input.time_zone = zone;
        }
        (None, None) => {
            b.unfilled.push("timeZone");
            input.time_zone = "UTC".to_owned();
        }
    }
    let Some(date) = parse_date(v, &l.value) else {
        b.unfilled.push("closingDate");
        return;
    };
    let time = if first_of(&whole, &v.values.end_of_day).is_some() {
        None
    } else {
        TIME.captures(&fold(&l.value)).and_then(|c| {
            let h: u32 = c.get(1)?.as_str().parse().ok()?;
            let m: u32 = c.get(2)?.as_str().parse().ok()?;
            (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
        })
    };
    b.found(
        "closingDate",
        date,
        &labelled("date de clôture"),
        Some(l.line),
        0.9,
    );
    if let Some(t) = &time {
        b.found(
            "closingTime",
            t,
            &labelled("date de clôture"),
            Some(l.line),
            0.8,
        );
    }
    input.closing = Some(ClosingInput::On { date, time });
}

fn entries<'a>(layout: &'a Layout, kind: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
    layout.sections_of(kind).flat_map(|s| s.entries.iter())
}

fn education_level(v: &Vocabulary, folded: &str) -> Option<(EducationLevel, usize, usize)> {
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
fn fields_of_study(v: &Vocabulary, original: &str, folded: &str, after: usize) -> Vec<String> {
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

fn list_item(text: &str) -> String {
    let t = text.trim();
    let t = t
        .strip_suffix("; ou,")
        .or_else(|| t.strip_suffix("; ou"))
        .or_else(|| t.strip_suffix("; or"))
        .unwrap_or(t);
    t.trim().to_owned()
}

fn sections(b: &mut Builder<'_>, layout: &Layout, text: &mut TextInput, input: &mut NoticeInput) {
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
            text.experience.push(t);
        } else if matches!(e, Entry::Item(..)) {
            text.skills.push(t);
        }
    }
    text.experience
        .extend(entries(layout, "experience").map(|e| list_item(e.text())));
    text.skills
        .extend(entries(layout, "skills").map(|e| list_item(e.text())));
    let stated_years = text.experience.iter().find_map(|t| years(v, t));
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
        &text.experience,
        layout.sections_of("experience").next().map(|s| s.line),
    );
    record_list(
        b,
        "skills",
        &text.skills,
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

fn entries_of_preamble(layout: &Layout) -> impl Iterator<Item = &str> {
    layout
        .sections
        .iter()
        .filter(|s| s.kind.is_none())
        .flat_map(|s| s.entries.iter())
        .map(Entry::text)
}

fn short(text: &Option<String>) -> String {
    let t = text.as_deref().unwrap_or_default();
    let mut s: String = t.chars().take(80).collect();
    if t.chars().count() > 80 {
        s.push('…');
    }
    s
}

fn record_list(b: &mut Builder<'_>, field: &'static str, items: &[String], line: Option<usize>) {
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

/// Language mentions in a sentence, in order, with "any one of" groups.
fn mentions(v: &Vocabulary, folded: &str) -> Vec<(usize, Vec<String>)> {
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

fn languages(b: &mut Builder<'_>, layout: &Layout, input: &mut NoticeInput) {
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

fn competencies(
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

fn applying(b: &mut Builder<'_>, layout: &Layout, text: &mut TextInput, input: &mut NoticeInput) {
    let v = b.v;
    let section: Vec<&Entry> = entries(layout, "how_to_apply").collect();
    if !section.is_empty() {
        text.how_to_apply = Some(
            section
                .iter()
                .map(|e| e.text())
                .collect::<Vec<_>>()
                .join("\n\n"),
        );
    }
    // Paragraphs about applying, wherever they are; not the accessibility ones.
    let elsewhere = layout
        .sections
        .iter()
        .flat_map(|s| s.entries.iter())
        .filter(|e| {
            let folded = fold(e.text());
            first_of(&folded, &v.values.apply_words).is_some()
                && first_of(&folded, &v.values.not_apply_words).is_none()
        });
    let apply: Vec<&Entry> = section.iter().copied().chain(elsewhere).collect();
    if let Some((email, line)) = apply.iter().find_map(|e| {
        EMAIL
            .find(e.text())
            .map(|m| (m.as_str().to_owned(), e.line()))
    }) {
        b.found(
            "applyEmail",
            &email,
            "the paragraph on how to apply",
            Some(line),
            0.85,
        );
        input.apply_email = Some(email);
    } else {
        b.unfilled.push("applyEmail");
    }
    // The subject can be a paragraph of its own after "l'objet du mail :".
    let joined = apply.iter().map(|e| e.text()).collect::<Vec<_>>().join(" ");
    let subject = SUBJECT
        .captures(&joined)
        .or_else(|| SUBJECT_EN.captures(&joined))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_owned());
    let subject_line = apply
        .iter()
        .find(|e| fold(e.text()).contains("objet"))
        .map(|e| e.line());
    if let Some((subject, line)) = subject.map(|s| (s, subject_line.unwrap_or_default())) {
        b.found(
            "applyEmailSubject",
            &subject,
            "the paragraph on how to apply",
            Some(line),
            0.8,
        );
        input.apply_email_subject = Some(subject);
    }
    let mut documents: Vec<DocumentInput> = Vec::new();
    for e in &apply {
        let folded = fold(e.text());
        for (kind, words) in &v.documents {
            let Some(kind) = DocumentKind::parse(kind) else {
                continue;
            };
            if documents.iter().any(|d| d.kind == kind) || first_of(&folded, words).is_none() {
                continue;
            }
            let count = (kind == DocumentKind::References)
                .then(|| {
                    REFERENCE_COUNT
                        .captures(&folded)
                        .and_then(|c| c.get(1))
                        .and_then(|m| number(v, m.as_str()))
                })
                .flatten()
                .filter(|n| (1..=10).contains(n));
            b.found(
                "requiredDocuments",
                kind.as_str(),
                "the paragraph on how to apply",
                Some(e.line()),
                0.7,
            );
            documents.push(DocumentInput {
                kind,
                count,
                note: None,
            });
        }
    }
    if documents.is_empty() {
        b.unfilled.push("requiredDocuments");
    }
    // In the order a reader expects: CV, letter, references, online profile.
    documents.sort_by_key(|d| match d.kind {
        DocumentKind::Cv => 0,
        DocumentKind::CoverLetter => 1,
        DocumentKind::References => 2,
        DocumentKind::OnlineProfile => 3,
        _ => 4,
    });
    input.required_documents = documents;
}
