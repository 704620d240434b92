//! `/metrics` on its own listener (`METRICS_ADDR`), and the middleware that times every API
//! request.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::event_bus::EventBus;

/// What a scrape reads.
#[derive(Clone)]
pub struct Scrape {
    pub handle: &'static PrometheusHandle,
    /// The bearer token a scrape must carry, if any.
    pub token: Option<Arc<str>>,
    pub db: DatabaseConnection,
    pub bus: EventBus,
    pub max_connections: u32,
}

/// The router of the metrics listener: `/metrics` and nothing else.
pub fn router(scrape: Scrape) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(scrape)
}

async fn metrics(State(scrape): State<Scrape>, headers: HeaderMap) -> Response {
    if let Some(token) = &scrape.token {
        if !bearer_matches(&headers, token) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "a bearer token is required",
            )
                .into_response();
        }
    }
    crate::metrics::sample(&scrape.db, &scrape.bus, scrape.max_connections).await;
    scrape.handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.handle.render(),
    )
        .into_response()
}

/// Compares digests, so the comparison takes as long whatever the guess.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    Sha256::digest(given.as_bytes()) == Sha256::digest(token.as_bytes())
}

/// Counts and times each request by its route pattern and status.
pub async fn record(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let started = Instant::now();
    let response = next.run(request).await;
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    crate::metrics::http_request(route, response.status().as_u16(), started.elapsed());
    response
}
