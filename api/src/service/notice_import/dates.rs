//! Dates in a notice's words, the start and the closing instant with its time zone.

use super::fields::*;
use super::layout::Layout;
use super::vocabulary::{first_of, fold, Vocabulary};
use crate::service::vacancy::input::{ClosingInput, NoticeInput};
use chrono::NaiveDate;

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

pub(super) fn number(v: &Vocabulary, word: &str) -> Option<i32> {
    word.parse()
        .ok()
        .or_else(|| v.values.numbers.get(word).copied())
}

/// The first "N ans / années / years" of a text.
pub(super) fn years(v: &Vocabulary, text: &str) -> Option<i32> {
    YEARS
        .captures_iter(&fold(text))
        .find_map(|c| c.get(1).and_then(|m| number(v, m.as_str())))
}

pub(super) fn months(v: &Vocabulary, text: &str) -> Option<i32> {
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

pub(super) fn dates(b: &mut Builder<'_>, layout: &Layout, input: &mut NoticeInput) {
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
    // A publication period ("du 14 au 28 mai 2025") states its first day first.
    if let Some(l) = layout.label("published") {
        if let Some(d) = parse_date(v, &l.value) {
            input.stated_publication_date = Some(d);
            b.found(
                "statedPublicationDate",
                d,
                &labelled("date de publication"),
                Some(l.line),
                0.8,
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
