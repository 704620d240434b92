//! `GET /vacancies/{id}/applications.csv`: a vacancy's applications as CSV, for the posting
//! organisation's HR tools. Only its staff may read it; for anyone else the vacancy does not
//! exist.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::domain::global_id::{decode, global_id, NodeKind};
use crate::error::AppError;
use crate::http::{caller, error_response};
use crate::service::application::{self, ExportRow};

const HEADER: [&str; 14] = [
    "id",
    "submitted_at",
    "status",
    "candidate_name",
    "candidate_email",
    "residence_country",
    "internal_candidate",
    "education_level",
    "education_field",
    "years_experience",
    "languages",
    "eligible",
    "unmet_requirements",
    "documents",
];

#[derive(Debug, thiserror::Error)]
#[error("cannot write the CSV export: {0}")]
struct CsvError(String);

/// One row per application, oldest first, after a header row.
pub async fn applications_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let actor = match caller(&state, &headers, peer).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(vacancy_id) = decode("id", NodeKind::Vacancy, &async_graphql::ID(id)) else {
        return error_response(AppError::NotFound("vacancy"));
    };
    let rows = match application::export(&actor, &state.db, vacancy_id).await {
        Ok(rows) => rows,
        Err(error) => return error_response(error),
    };
    match to_csv(&rows) {
        Ok(body) => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"applications.csv\""),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
            ],
            body,
        )
            .into_response(),
        Err(error) => error_response(error),
    }
}

/// Text a candidate typed: a leading `=`, `+`, `-` or `@` would make a spreadsheet run it as a
/// formula, so such text is quoted with an apostrophe.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn to_csv(rows: &[ExportRow]) -> Result<Vec<u8>, AppError> {
    let fail = |e: csv::Error| AppError::internal(CsvError(e.to_string()));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).map_err(fail)?;
    for row in rows {
        let a = &row.application;
        let languages: Vec<String> = row
            .languages
            .iter()
            .map(|(code, level)| format!("{code}:{level}"))
            .collect();
        let documents: Vec<String> = row.documents.iter().map(|d| cell(d)).collect();
        writer
            .write_record([
                global_id(NodeKind::Application, a.id).0,
                a.submitted_at.to_rfc3339(),
                a.status.clone(),
                cell(&row.candidate_name),
                cell(&row.candidate_email),
                a.residence_country.clone(),
                a.internal_candidate.to_string(),
                a.education_level.clone(),
                cell(a.education_field.as_deref().unwrap_or_default()),
                a.years_experience.to_string(),
                languages.join("; "),
                row.eligible.to_string(),
                row.unmet.join("; "),
                documents.join("; "),
            ])
            .map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::internal(CsvError(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("Amina"), "Amina");
    }
}
