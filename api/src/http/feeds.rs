//! `GET /feeds/vacancies.atom`: an Atom feed of the newest open vacancies, narrowed by the
//! query parameters `organisation` (any acronym), `country` (ISO 3166-1 alpha-2),
//! `gradeCategory` (`PROFESSIONAL`, …) and `search` (words). A bad parameter is answered 400
//! with a plain message.

use atom_syndication::{Category, Entry, Feed, Generator, Link, Person, Text};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::app::AppState;
use crate::domain::global_id::{global_id, NodeKind};
use crate::domain::{CountryCode, GradeCategory, WrittenLanguage};
use crate::error::AppError;
use crate::http::error_response;
use crate::service::notice_facts::{closing_line, station_line};
use crate::service::vacancy::feed::{self, FeedEntry};
use crate::service::vacancy::VacancyFilter;

const PARAMETERS: &str = "organisation, country, gradeCategory and search";

/// The feed's filter from its query string; every problem is a 400 naming the parameter.
fn filter_from(params: &[(String, String)]) -> Result<VacancyFilter, AppError> {
    let mut filter = VacancyFilter::default();
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in params {
        if seen.contains(&name.as_str()) {
            return Err(AppError::bad_input(
                name.clone(),
                format!("`{name}` is given more than once"),
            ));
        }
        seen.push(name);
        let value = value.trim();
        if value.is_empty() {
            return Err(AppError::bad_input(
                name.clone(),
                format!("`{name}` must not be empty"),
            ));
        }
        match name.as_str() {
            "organisation" => filter.organisation_acronym = Some(value.to_owned()),
            "country" => {
                filter.country =
                    Some(CountryCode::parse(value).map_err(|e| AppError::bad_input("country", e))?)
            }
            "gradeCategory" => {
                filter.grade_category = Some(GradeCategory::parse(value).ok_or_else(|| {
                    let codes: Vec<&str> = GradeCategory::ALL.iter().map(|c| c.as_str()).collect();
                    AppError::bad_input(
                        "gradeCategory",
                        format!("`gradeCategory` must be one of {}", codes.join(", ")),
                    )
                })?)
            }
            "search" => {
                if value.chars().count() > 200 {
                    return Err(AppError::bad_input(
                        "search",
                        "`search` is longer than 200 characters",
                    ));
                }
                filter.search = Some(value.to_owned());
            }
            other => {
                return Err(AppError::bad_input(
                    other.to_owned(),
                    format!("unknown parameter `{other}`; the feed takes {PARAMETERS}"),
                ))
            }
        }
    }
    Ok(filter)
}

/// The address clients reach the server at: `PUBLIC_URL`, else the request's `Host`.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn link(href: String, rel: &str, mime_type: &str) -> Link {
    Link {
        href,
        rel: rel.to_owned(),
        mime_type: Some(mime_type.to_owned()),
        ..Link::default()
    }
}

fn entry(base: &str, item: &FeedEntry) -> Entry {
    let v = &item.vacancy;
    let id = global_id(NodeKind::Vacancy, v.id).0;
    let posting = format!("{base}/vacancies/{id}/jobposting.json");
    let places: Vec<String> = item
        .duty_stations
        .iter()
        .map(|(city, country)| station_line(city.as_deref(), country, WrittenLanguage::En))
        .collect();
    let mut summary = format!("{} · {}", item.organisation.acronym, v.reference);
    if !places.is_empty() {
        summary.push_str(&format!(" · {}", places.join(", ")));
    }
    if let Some(grade) = &v.grade {
        summary.push_str(&format!(" · {grade}"));
    }
    if v.closing_at.is_some() {
        summary.push_str(&format!(" · closes {}", closing_line(v)));
    }
    let mut categories: Vec<Category> = Vec::new();
    if let Some(category) = &v.grade_category {
        categories.push(Category {
            term: category.clone(),
            scheme: Some(format!("{base}/graphql#GradeCategory")),
            label: None,
        });
    }
    for (_, country) in &item.duty_stations {
        if !categories.iter().any(|c| &c.term == country) {
            categories.push(Category {
                term: country.clone(),
                scheme: Some("urn:iso:std:iso:3166:-1:alpha-2".to_owned()),
                label: None,
            });
        }
    }
    let mut links = vec![link(posting.clone(), "alternate", "application/ld+json")];
    if let Some(apply) = &v.apply_url {
        links.push(link(apply.clone(), "related", "text/html"));
    }
    Entry {
        title: Text::plain(item.title.clone()),
        id: posting,
        updated: v.updated_at.fixed_offset(),
        published: v.published_at.map(|p| p.fixed_offset()),
        authors: vec![Person {
            name: item.organisation.name_en.clone(),
            uri: item.organisation.website.clone(),
            ..Person::default()
        }],
        categories,
        links,
        summary: Some(Text::plain(summary)),
        ..Entry::default()
    }
}

fn feed_of(base: &str, query: Option<&str>, entries: &[FeedEntry], now: DateTime<Utc>) -> Feed {
    let self_href = match query {
        Some(q) if !q.is_empty() => format!("{base}/feeds/vacancies.atom?{q}"),
        _ => format!("{base}/feeds/vacancies.atom"),
    };
    let updated = entries
        .iter()
        .map(|e| e.vacancy.updated_at)
        .max()
        .unwrap_or(now);
    Feed {
        title: Text::plain("Open vacancies"),
        id: self_href.clone(),
        updated: updated.fixed_offset(),
        authors: vec![Person {
            name: "Job board".to_owned(),
            ..Person::default()
        }],
        generator: Some(Generator {
            value: "jobboard".to_owned(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        links: vec![
            link(self_href, "self", "application/atom+xml"),
            link(format!("{base}/graphql"), "related", "text/html"),
        ],
        subtitle: Some(Text::plain(
            "The newest open vacancies of international agencies, newest first.",
        )),
        entries: entries.iter().map(|e| entry(base, e)).collect(),
        ..Feed::default()
    }
}

pub async fn vacancies_atom(
    State(state): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let filter = match filter_from(&params) {
        Ok(filter) => filter,
        Err(error) => return error_response(error),
    };
    let entries = match feed::latest(&state.db, filter).await {
        Ok(entries) => entries,
        Err(error) => return error_response(error),
    };
    let base = base_url(&state, &headers);
    let body = feed_of(&base, uri.query(), &entries, Utc::now()).to_string();
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn feed_parameters_are_checked() {
        let filter = filter_from(&params(&[
            ("organisation", "OIM"),
            ("country", "ma"),
            ("gradeCategory", "PROFESSIONAL"),
            ("search", "réintégration"),
        ]))
        .unwrap();
        assert_eq!(filter.organisation_acronym.as_deref(), Some("OIM"));
        assert_eq!(filter.country.unwrap().as_str(), "MA");
        assert_eq!(filter.grade_category, Some(GradeCategory::Professional));
        assert_eq!(filter.search.as_deref(), Some("réintégration"));
        for bad in [
            params(&[("country", "Morocco")]),
            params(&[("gradeCategory", "BOSS")]),
            params(&[("colour", "red")]),
            params(&[("country", "MA"), ("country", "TN")]),
            params(&[("organisation", " ")]),
        ] {
            assert_eq!(filter_from(&bad).unwrap_err().code(), Code::BadUserInput);
        }
    }
}
