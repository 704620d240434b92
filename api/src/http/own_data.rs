//! `GET /me/data.json`: everything the system holds on the signed-in person, as a download (the
//! same document as the `myData` query).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::AppError;
use crate::http::{caller, error_response};
use crate::service;

#[derive(Debug, thiserror::Error)]
#[error("cannot write the data export: {0}")]
struct JsonError(String);

/// The person's data as an attachment, never cached.
pub async fn my_data(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let actor = match caller(&state, &headers, peer).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let data = match service::account::export_own_data(&actor, &state.db).await {
        Ok(data) => data,
        Err(error) => return error_response(error),
    };
    let body = match serde_json::to_vec_pretty(&data) {
        Ok(body) => body,
        Err(error) => return error_response(AppError::internal(JsonError(error.to_string()))),
    };
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"my-data.json\""),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response()
}
