//! HTTP routes: `/graphql` (API and playground), `/health`, `/ready`, application documents
//! and exports.

mod account_pages;
mod documents;
mod export;
mod feeds;
pub mod graphql;
mod health;
mod job_posting;
pub mod limits;
pub mod metrics;
mod own_data;
pub mod persisted_queries;
mod playground;
pub mod rate_limit;
pub mod subscription;

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::{AppState, StartError};
use crate::auth::{authenticate, Actor, ClientAddr};
use crate::config::limits::MAX_BODY_BYTES;
use crate::error::{error_body, AppError, Code};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let body = error_body("internal error", Code::InternalServerError);
    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
}

/// HTTP settings from the configuration.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Longest a request may take before it is answered 408.
    pub timeout: Duration,
    /// Browser origins allowed to call the API cross-site.
    pub cors_allowed_origins: Vec<String>,
    /// Tell browsers to use https only (`Strict-Transport-Security`): when `PUBLIC_URL` is
    /// https, so a server reached over plain http in development does not pin its host.
    pub strict_transport_security: bool,
}

/// HSTS for a year, on https deployments only.
const STRICT_TRANSPORT_SECURITY: HeaderValue = HeaderValue::from_static("max-age=31536000");

/// Headers on every response, errors, preflights and timeouts included: no content sniffing
/// (a document or an export is never run as a script), no `Referer` carrying an id to other
/// sites, and HSTS when the server is https.
fn with_security_headers(router: Router, options: &HttpOptions) -> Router {
    let router = router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));
    if !options.strict_transport_security {
        return router;
    }
    router.layer(SetResponseHeaderLayer::overriding(
        header::STRICT_TRANSPORT_SECURITY,
        STRICT_TRANSPORT_SECURITY,
    ))
}

/// Lets the listed browser origins call the API, with the headers a GraphQL client sends.
fn cors(origins: &[String]) -> Result<CorsLayer, StartError> {
    let origins = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .map(|o| {
            let valid = o.starts_with("http://") || o.starts_with("https://");
            HeaderValue::from_str(o)
                .ok()
                .filter(|_| valid)
                .ok_or_else(|| StartError::CorsOrigin(o.to_owned()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("graphql-require-preflight"),
            HeaderName::from_static("apollo-require-preflight"),
        ])
        .expose_headers([REQUEST_ID])
        .max_age(Duration::from_secs(3600)))
}

pub fn router(state: AppState, options: &HttpOptions) -> Result<Router, StartError> {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let request_id = request
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // A caller's W3C trace context, so its traces and these logs can be joined.
            let traceparent = request
                .headers()
                .get("traceparent")
                .and_then(|v| v.to_str().ok())
                .filter(|v| v.len() <= 128)
                .unwrap_or("-");
            // The path only: query strings carry the tokens of mail links. The GraphQL operation
            // is recorded once the request is read.
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                request_id,
                traceparent,
                operation = tracing::field::Empty,
            )
        })
        // One line per request at INFO, with the span's request id, operation and trace context.
        .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO));
    let router = Router::new()
        .route("/graphql", get(subscription::get).post(graphql::post))
        .route("/graphql/ws", get(subscription::websocket))
        .route("/graphql/assets/{file}", get(playground::asset))
        .route("/documents/{id}", get(documents::download))
        .route(
            "/vacancies/{id}/applications.csv",
            get(export::applications_csv),
        )
        .route(
            "/vacancies/{id}/jobposting.json",
            get(job_posting::job_posting),
        )
        .route("/feeds/vacancies.atom", get(feeds::vacancies_atom))
        .route("/me/data.json", get(own_data::my_data))
        .route(
            "/account/verify-email",
            get(account_pages::verify_form).post(account_pages::verify),
        )
        .route(
            "/account/reset-password",
            get(account_pages::reset_form).post(account_pages::reset),
        )
        .route(
            "/account/invitation",
            get(account_pages::invitation_form).post(account_pages::accept_invitation),
        )
        .route(
            "/unsubscribe",
            get(account_pages::unsubscribe_form).post(account_pages::unsubscribe),
        )
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route_layer(axum::middleware::from_fn(metrics::record))
        .with_state(state);
    // Outermost first: request id, tracing, then CORS (answering preflights before the body
    // limit), the body limit and the time limit closest to the routes.
    let router = router
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            options.timeout,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(cors(&options.cors_allowed_origins)?)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                // A bug must answer 500, never drop the connection or show its message.
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
        );
    Ok(with_security_headers(router, options))
}

/// The caller's address seen from a connection's `peer` (behind trusted proxies, the one they
/// saw).
fn client_of(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> Option<ClientAddr> {
    graphql::client_address(headers, Some(peer.ip()), state.forwarded_hops).map(ClientAddr)
}

/// Who calls an HTTP endpoint outside GraphQL, from `peer`: a valid bearer token, or 401.
async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<Actor, Response> {
    let client = client_of(state, headers, peer);
    match authenticate(&state.db, &state.jwt, headers, client).await {
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
        // The services answer not found to callers who may not see a thing, so a refusal
        // reaches only those who may (an integration token without the scope): 403.
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Internal(source) => {
            tracing::error!(error = %source, "internal error");
            error.status()
        }
        AppError::DatabaseUnavailable(source) => {
            tracing::warn!(error = %source, "database unavailable");
            error.status()
        }
        AppError::StorageUnavailable(source) => {
            tracing::error!(error = %source, "document storage unavailable");
            error.status()
        }
        _ => error.status(),
    };
    let message = match status {
        StatusCode::NOT_FOUND => "not found".to_owned(),
        _ => error.to_string(),
    };
    graphql::plain_error(status, &message)
}
