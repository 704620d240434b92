//! HTTP routes: `/graphql` (API and playground), `/health`, `/ready`, application documents
//! and exports.

mod documents;
mod export;
pub mod graphql;
mod health;
mod playground;

use axum::http::{header, HeaderMap, HeaderName, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::app::AppState;
use crate::auth::{authenticate, Actor};
use crate::error::AppError;

/// Largest request body accepted: a multipart request with five documents of 5 MiB and room
/// to spare. JSON bodies are held to [`graphql::MAX_JSON_BODY_BYTES`] by their handler.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let request_id = request
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id)
    });
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/assets/{file}", get(playground::asset))
        .route("/documents/{id}", get(documents::download))
        .route(
            "/vacancies/{id}/applications.csv",
            get(export::applications_csv),
        )
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
}

/// Who calls an HTTP endpoint outside GraphQL: a valid bearer token, or 401.
async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Actor, Response> {
    match authenticate(&state.db, &state.jwt, headers).await {
        Ok(Actor::Anonymous) | Err(AppError::Unauthenticated) => {
            Err(error_response(AppError::Unauthenticated))
        }
        Ok(actor) => Ok(actor),
        Err(error) => Err(error_response(error)),
    }
}

/// A plain-text error for the non-GraphQL endpoints. What the caller may not see is not found.
fn error_response(error: AppError) -> Response {
    let status = match &error {
        AppError::Unauthenticated => {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "authentication required",
            )
                .into_response()
        }
        AppError::NotFound(_) | AppError::Forbidden => StatusCode::NOT_FOUND,
        AppError::BadUserInput { .. } => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(source) => {
            tracing::error!(error = %source, "internal error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let message = match status {
        StatusCode::NOT_FOUND => "not found".to_owned(),
        _ => error.to_string(),
    };
    graphql::plain_error(status, &message)
}
