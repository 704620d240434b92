//! HTTP routes: `/graphql` (API and playground), `/health`, `/ready`.

pub mod graphql;
mod health;
mod playground;

use axum::http::{HeaderName, Request};
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::app::AppState;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

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
