//! `GET /documents/{id}`: an application's document, for its candidate and the posting
//! organisation's staff only. Anyone else is told it does not exist.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::domain::document::clean_file_name;
use crate::domain::global_id::{decode, NodeKind};
use crate::http::{caller, error_response};
use crate::service;

/// Streams the stored bytes with their media type, as an attachment.
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let actor = match caller(&state, &headers, peer).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let Ok(id) = decode("id", NodeKind::Document, &async_graphql::ID(id)) else {
        return error_response(crate::error::AppError::NotFound("document"));
    };
    let (row, bytes) = match service::application::document(&actor, &state.db, id).await {
        Ok(found) => found,
        Err(error) => return error_response(error),
    };
    let media_type = HeaderValue::from_str(&row.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_DISPOSITION, attachment(&row.file_name)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `attachment; filename="…"` with a plain-ASCII name, and the exact name in `filename*`
/// (RFC 6266).
pub(crate) fn attachment(file_name: &str) -> HeaderValue {
    // Names stored before they were cleaned on upload may still hold controls.
    let file_name = clean_file_name(file_name);
    let plain: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_break_the_header() {
        assert_eq!(
            attachment("cv \"final\".pdf").to_str().unwrap(),
            "attachment; filename=\"cv _final_.pdf\"; filename*=UTF-8''cv%20%22final%22.pdf"
        );
        assert_eq!(
            attachment("résumé\r\n.pdf").to_str().unwrap(),
            "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
        );
        assert_eq!(
            attachment("cv\u{202E}fdp.exe").to_str().unwrap(),
            "attachment; filename=\"cvfdp.exe\"; filename*=UTF-8''cvfdp.exe"
        );
    }
}
