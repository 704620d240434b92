//! `GET /vacancies/{id}/jobposting.json`: a vacancy's schema.org `JobPosting` as JSON-LD, for
//! pages to embed and crawlers to read. `{id}` is the vacancy's GraphQL `id`. Anyone may read
//! a published or closed vacancy's posting; a draft only its organisation's staff, with their
//! token; for anyone else it does not exist.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::app::AppState;
use crate::auth::{authenticate, Actor};
use crate::domain::global_id::{decode, NodeKind};
use crate::error::AppError;
use crate::http::{client_of, error_response};
use crate::service::vacancy::job_posting;

/// The query string: an optional language.
#[derive(Debug, serde::Deserialize)]
pub struct PostingParams {
    /// ISO 639 code of the text wanted; the authoritative language otherwise.
    language: Option<String>,
}

pub async fn job_posting(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<PostingParams>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let client = client_of(&state, &headers, peer);
    let actor = match authenticate(&state.db, &state.jwt, &headers, client).await {
        Ok(actor) => actor,
        Err(error) => return error_response(error),
    };
    let Ok(vacancy_id) = decode("id", NodeKind::Vacancy, &async_graphql::ID(id)) else {
        return error_response(AppError::NotFound("vacancy"));
    };
    let posting = match job_posting::load(&actor, &state.db, vacancy_id).await {
        Ok(parts) => job_posting::build(&parts, params.language.as_deref(), Utc::now()),
        Err(error) => Err(error),
    };
    let body = match posting.and_then(|p| job_posting::script_safe_json(&p)) {
        Ok(body) => body,
        Err(error) => return error_response(error),
    };
    // What an anonymous caller reads is public; what a token reads may be a draft.
    let cache = if actor == Actor::Anonymous {
        "public, max-age=300"
    } else {
        "private, no-store"
    };
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/ld+json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (header::VARY, HeaderValue::from_static("Authorization")),
        ],
        body,
    )
        .into_response()
}
