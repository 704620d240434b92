//! `/graphql` over HTTP, following the GraphQL-over-HTTP specification: POST JSON for everything,
//! GET for queries only, `application/graphql-response+json` when the client accepts it.

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{ServerError, Value};
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::GraphQLRequest;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::auth::authenticate;
use crate::auth::{Actor, ClientAddr};
use crate::cache::documents::Lookup;
use crate::cache::responses::{Rendered, ResponseCache};
use crate::cache::writes;
use crate::error::{error_body, with_code, AppError, Code};
use crate::graphql::loaders::Loaders;
use crate::http::playground;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";

fn accepts(headers: &HeaderMap, media: &str) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|part| part.trim().starts_with(media)))
}

/// Whether the client accepts a media type `/graphql` answers with: JSON, the GraphQL response
/// type, or anything; no `Accept` header at all means anything.
fn acceptable(headers: &HeaderMap) -> bool {
    let mut ranges = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|range| range.split(';').next().unwrap_or_default().trim())
        .peekable();
    ranges.peek().is_none()
        || ranges.any(|range| {
            [GRAPHQL_RESPONSE, JSON, "application/*", "*/*"]
                .iter()
                .any(|media| range.eq_ignore_ascii_case(media))
        })
}

fn content_type_is(headers: &HeaderMap, media: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(media))
}

pub(crate) fn plain_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_owned(),
    )
        .into_response()
}

/// GET: the playground for a browser, or a query given in the URL.
pub async fn get(State(state): State<AppState>, request: Request) -> Response {
    let has_query = request.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.starts_with("query=") || pair.starts_with("extensions="))
    });
    if !has_query && accepts(request.headers(), "text/html") {
        return playground::page();
    }
    execute(state, request, None).await
}

/// Headers a multipart request must carry: a browser cannot send them cross-site without a
/// CORS preflight, so a form on another site cannot post uploads with the user's credentials.
const PREFLIGHT_HEADERS: [&str; 2] = ["graphql-require-preflight", "apollo-require-preflight"];

fn has_preflight_header(headers: &HeaderMap) -> bool {
    PREFLIGHT_HEADERS
        .iter()
        .any(|name| headers.get(*name).is_some_and(|v| !v.is_empty()))
}

/// POST: any operation, as JSON; or with file uploads, as a GraphQL multipart request.
pub async fn post(State(state): State<AppState>, request: Request) -> Response {
    if content_type_is(request.headers(), MULTIPART) {
        if !has_preflight_header(request.headers()) {
            return plain_error(
                StatusCode::BAD_REQUEST,
                "multipart requests (file uploads) must carry a GraphQL-Require-Preflight header, \
                 as protection against cross-site request forgery",
            );
        }
        // Uploads are for signed-in callers: who calls is settled before the body is read.
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        let client = client_address(request.headers(), peer, state.forwarded_hops).map(ClientAddr);
        return match authenticate(&state.db, &state.jwt, request.headers(), client).await {
            Ok(Actor::Anonymous) => {
                let error = AppError::Unauthenticated.into_server_error();
                let graphql_response = accepts(request.headers(), GRAPHQL_RESPONSE);
                let mut response = respond(
                    async_graphql::Response::from_errors(vec![error]),
                    graphql_response,
                );
                *response.status_mut() = StatusCode::UNAUTHORIZED;
                response
            }
            Ok(actor) => execute(state, request, Some(actor)).await,
            Err(error) => respond(
                async_graphql::Response::from_errors(vec![error.into_server_error()]),
                accepts(request.headers(), GRAPHQL_RESPONSE),
            ),
        };
    }
    if !content_type_is(request.headers(), JSON) {
        return plain_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "POST /graphql takes Content-Type: application/json, or multipart/form-data for \
             file uploads",
        );
    }
    let (parts, body) = request.into_parts();
    // File uploads go as multipart requests, with a larger limit (`config::limits::MAX_BODY_BYTES`).
    let max_bytes = state.limits.max_json_body_bytes;
    let Ok(bytes) = axum::body::to_bytes(body, max_bytes).await else {
        return plain_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "a JSON request body may be at most {max_bytes} bytes; send files as a multipart \
                 request"
            ),
        );
    };
    execute(
        state,
        Request::from_parts(parts, axum::body::Body::from(bytes)),
        None,
    )
    .await
}

/// What the metrics record of a request, noted while it runs.
#[derive(Default)]
struct Outcome {
    operation: Option<String>,
    code: Option<String>,
}

tokio::task_local! {
    static OUTCOME: std::sync::Arc<std::sync::Mutex<Outcome>>;
}

fn note(update: impl FnOnce(&mut Outcome)) {
    let _ = OUTCOME.try_with(|outcome| {
        if let Ok(mut outcome) = outcome.lock() {
            update(&mut outcome);
        }
    });
}

/// Runs a request, logs its operation in the request's span and records it in the metrics.
async fn execute(state: AppState, request: Request, caller: Option<Actor>) -> Response {
    let started = std::time::Instant::now();
    let outcome = std::sync::Arc::new(std::sync::Mutex::new(Outcome::default()));
    let response = OUTCOME
        .scope(
            outcome.clone(),
            Box::pin(execute_request(state, request, caller)),
        )
        .await;
    let Outcome { operation, code } = outcome
        .lock()
        .map(|mut outcome| std::mem::take(&mut *outcome))
        .unwrap_or_default();
    let status = response.status();
    let code = code.unwrap_or_else(|| match status {
        status if status.is_success() => "OK".to_owned(),
        status => format!("HTTP_{}", status.as_u16()),
    });
    let operation = operation.unwrap_or_else(|| "unknown".to_owned());
    crate::metrics::graphql_request(&operation, &code, started.elapsed());
    response
}

/// The operation a document runs: the one named, else its only one.
fn operation_name_of(
    document: &async_graphql::parser::types::ExecutableDocument,
    name: Option<&str>,
) -> Option<String> {
    match (name, &document.operations) {
        (Some(name), _) => Some(name.to_owned()),
        (None, DocumentOperations::Single(_)) => None,
        (None, DocumentOperations::Multiple(operations)) => {
            let mut names = operations.keys();
            match (names.next(), names.next()) {
                (Some(only), None) => Some(only.to_string()),
                _ => None,
            }
        }
    }
}

/// Runs a request; `caller` is who calls when the transport settled it already.
async fn execute_request(state: AppState, request: Request, caller: Option<Actor>) -> Response {
    let headers = request.headers().clone();
    if !acceptable(&headers) {
        return plain_error(
            StatusCode::NOT_ACCEPTABLE,
            "/graphql answers application/graphql-response+json or application/json",
        );
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let client = client_address(&headers, peer, state.forwarded_hops).map(ClientAddr);
    let is_get = request.method() == Method::GET;
    let graphql_response = accepts(&headers, GRAPHQL_RESPONSE);
    let mut gql = match GraphQLRequest::<GraphQLRejection>::from_request(request, &state).await {
        Ok(req) => req.into_inner(),
        Err(GraphQLRejection(error)) => return malformed(&error),
    };
    if let Some(error) = forged_upload(&gql) {
        return respond(
            async_graphql::Response::from_errors(vec![error]),
            graphql_response,
        );
    }
    // Before the persisted query is resolved, so that one sent with its hash is not parsed.
    let lookup = state.documents.prepare(&mut gql).await;
    let persisted_hash = match state.persisted_queries.resolve(&mut gql).await {
        Ok(hash) => hash,
        Err(error) => {
            return respond(
                async_graphql::Response::from_errors(vec![error]),
                graphql_response,
            )
        }
    };
    let operation_name = gql.operation_name.clone();
    if let Ok(document) = gql.parsed_query() {
        let named = operation_name_of(document, operation_name.as_deref());
        let label = crate::metrics::operation_label(named.as_deref());
        tracing::Span::current().record("operation", label.as_str());
        crate::metrics::document_lookup(&label, lookup == Lookup::Hit);
        note(|outcome| outcome.operation = Some(label));
    } else {
        crate::metrics::document_lookup("unknown", false);
    }
    // How many operations the request runs, for the rate limit, and what it writes.
    let (operations, written) = match gql.parsed_query() {
        Err(error) => {
            let response = async_graphql::Response::from_errors(vec![with_code(
                shortened(error),
                Code::GraphqlParseFailed,
            )]);
            return respond(response, graphql_response);
        }
        Ok(document)
            if is_get && selects_mutation(&document.operations, operation_name.as_deref()) =>
        {
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::ALLOW, "POST")],
                "mutations must be sent with POST",
            )
                .into_response();
        }
        Ok(document) => match state
            .limits
            .check_document(document, operation_name.as_deref())
        {
            Ok(operations) => (
                operations,
                writes::written_by(document, operation_name.as_deref()),
            ),
            Err(error) => {
                let response = async_graphql::Response::from_errors(vec![error]);
                return respond(response, graphql_response);
            }
        },
    };
    let known = match caller {
        Some(actor) => Ok(actor),
        None => authenticate(&state.db, &state.jwt, &headers, client).await,
    };
    let actor = match known {
        Ok(actor) => actor,
        Err(error) => {
            return respond(
                async_graphql::Response::from_errors(vec![error.into_server_error()]),
                graphql_response,
            );
        }
    };
    if let Err(error) = state.limits.spend(&actor, client, operations) {
        return rate_limited(error, graphql_response);
    }
    // Anonymous reads are the same for every visitor: one response serves them all.
    let cache_key = (written.is_none() && matches!(actor, Actor::Anonymous))
        .then(|| ResponseCache::key(&gql, persisted_hash.as_deref(), graphql_response))
        .flatten();
    // Anonymous reads may be served by the read-only copy (request data comes before the
    // schema's, so resolvers get this connection).
    let copy = crate::db::may_read_from_copy(matches!(actor, Actor::Anonymous), written.is_some());
    let reader = if copy { &state.read_db } else { &state.db };
    let mut gql = gql.data(actor).data(Loaders::new(reader));
    if copy {
        gql = gql.data(state.read_db.clone());
    }
    if let Some(client) = client {
        gql = gql.data(client);
    }
    let run = async {
        let mut response = state.schema.execute(gql).await;
        // Before the response goes out, so the caller's next read sees what it wrote.
        if let Some(written) = written {
            state.writes.record(written);
        }
        response.errors = response.errors.into_iter().map(classify).collect();
        let went_well = response.errors.is_empty();
        let rendered = render(&response, graphql_response);
        let keep = went_well && rendered.status == StatusCode::OK;
        (rendered, keep)
    };
    match cache_key {
        Some(key) => state.responses.get_or_execute(key, run).await,
        None => run.await.0,
    }
    .to_response()
}

/// A body that is not a GraphQL request at all: 400 (413 when too large), with a JSON error a
/// client can read, never the parser's internals.
fn malformed(error: &async_graphql::ParseRequestError) -> Response {
    use async_graphql::ParseRequestError as E;
    let (status, message) = match error {
        E::PayloadTooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is too large",
        ),
        E::UnsupportedBatch => (
            StatusCode::BAD_REQUEST,
            "send one operation per request (batches are not accepted)",
        ),
        E::InvalidRequest(_) | E::InvalidFilesMap(_) => (
            StatusCode::BAD_REQUEST,
            "the body is not a GraphQL request: send JSON {\"query\": …, \"variables\": …}",
        ),
        E::InvalidMultipart(_)
        | E::MissingOperatorsPart
        | E::MissingMapPart
        | E::NotUpload
        | E::MissingFiles => (
            StatusCode::BAD_REQUEST,
            "the multipart request does not follow the GraphQL multipart request spec",
        ),
        _ => (StatusCode::BAD_REQUEST, "the request cannot be read"),
    };
    let body = error_body(message, Code::GraphqlParseFailed);
    (status, axum::Json(body)).into_response()
}

/// The caller's address: the connection's peer, or, behind `hops` trusted proxies, the address
/// the outermost of them saw (the `hops`-th entry from the right of `X-Forwarded-For`; entries
/// further left are whatever the client claimed).
pub(crate) fn client_address(
    headers: &HeaderMap,
    peer: Option<IpAddr>,
    hops: usize,
) -> Option<IpAddr> {
    if hops == 0 {
        if headers.contains_key("x-forwarded-for") {
            warn_forwarded_for_ignored();
        }
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    forwarded
        .len()
        .checked_sub(hops)
        .and_then(|i| forwarded.get(i))
        .and_then(|ip| ip.parse().ok())
        .or(peer)
}

/// Behind a proxy with `FORWARDED_HOPS=0`, every client has the proxy's address: one rate-limit
/// and sign-in bucket for all. Said once per process, not per request.
fn warn_forwarded_for_ignored() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        tracing::warn!(
            "requests carry X-Forwarded-For but FORWARDED_HOPS is 0, so it is ignored: behind a \
             load balancer every client then shares its address, and so one rate limit and one \
             sign-in throttle; set FORWARDED_HOPS to the number of trusted proxies"
        );
    });
}

/// The marker by which the multipart request spec names an uploaded file in the variables.
const UPLOAD_MARKER: &str = "#__graphql_file__:";

/// An upload reference the request does not carry a file for. async-graphql would panic on it,
/// so it is refused before execution.
fn forged_upload(request: &async_graphql::Request) -> Option<ServerError> {
    fn names_missing_file(value: &Value, files: usize) -> bool {
        match value {
            Value::String(text) => text
                .strip_prefix(UPLOAD_MARKER)
                .is_some_and(|index| index.parse::<usize>().map_or(true, |index| index >= files)),
            Value::List(items) => items.iter().any(|item| names_missing_file(item, files)),
            Value::Object(fields) => fields
                .values()
                .any(|field| names_missing_file(field, files)),
            _ => false,
        }
    }
    let files = request.uploads.len();
    let forged = request.query.contains(UPLOAD_MARKER)
        || request
            .variables
            .values()
            .any(|value| names_missing_file(value, files));
    forged.then(|| {
        with_code(
            ServerError::new("an upload names a file the request does not carry", None),
            Code::BadUserInput,
        )
    })
}

pub(crate) fn selects_mutation(operations: &DocumentOperations, name: Option<&str>) -> bool {
    let is_mutation = |ty: OperationType| ty == OperationType::Mutation;
    match (operations, name) {
        (DocumentOperations::Single(op), _) => is_mutation(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .any(|(op_name, op)| op_name.as_str() == name && is_mutation(op.node.ty)),
        (DocumentOperations::Multiple(ops), None) => ops.values().any(|op| is_mutation(op.node.ty)),
    }
}

/// Every error carries a code: resolvers set theirs; the rest come from validation (no path) or
/// from coercing an argument (a path).
fn classify(error: ServerError) -> ServerError {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some());
    if has_code {
        error
    } else if error.path.is_empty() {
        with_code(error, Code::GraphqlValidationFailed)
    } else {
        with_code(error, Code::BadUserInput)
    }
}

/// Longest parse error message sent back: the parser quotes the offending line, which may be the
/// whole (large) request.
const MAX_PARSE_MESSAGE_CHARS: usize = 500;

fn shortened(mut error: ServerError) -> ServerError {
    if let Some((cut, _)) = error.message.char_indices().nth(MAX_PARSE_MESSAGE_CHARS) {
        error.message.truncate(cut);
        error.message.push('…');
    }
    error
}

/// Over the client's operations per minute: 429 with `Retry-After`, and the GraphQL error.
fn rate_limited(error: crate::error::AppError, graphql_response: bool) -> Response {
    crate::metrics::rate_limited();
    let retry_after = match &error {
        crate::error::AppError::RateLimited {
            retry_after_seconds,
        } => *retry_after_seconds,
        _ => 1,
    };
    let mut response = respond(
        async_graphql::Response::from_errors(vec![error.into_server_error()]),
        graphql_response,
    );
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

fn respond(response: async_graphql::Response, graphql_response: bool) -> Response {
    render(&response, graphql_response).to_response()
}

/// The response's status, media type and body, as the client asked for them.
fn render(response: &async_graphql::Response, graphql_response: bool) -> Rendered {
    let code = response.errors.first().map_or_else(
        || "OK".to_owned(),
        |error| match error.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(Value::String(code)) => code.clone(),
            _ => "UNKNOWN".to_owned(),
        },
    );
    note(|outcome| outcome.code = Some(code));
    // Apollo clients expect a persisted-query miss with status 200, and send the query again.
    let persisted_query_miss = response.errors.iter().any(|error| {
        error.extensions.as_ref().and_then(|e| e.get("code"))
            == Some(&Value::from(Code::PersistedQueryNotFound.as_str()))
    });
    let request_error =
        response.data == Value::Null && !response.errors.is_empty() && !persisted_query_miss;
    // Nothing ran because the database could not be reached: 503, whatever the media type, so
    // that balancers and clients know to try again.
    let unavailable = response.data == Value::Null
        && response.errors.iter().any(|error| {
            error.extensions.as_ref().and_then(|e| e.get("code"))
                == Some(&Value::from(Code::DatabaseUnavailable.as_str()))
        });
    let (status, content_type) = if unavailable {
        let media = if graphql_response {
            GRAPHQL_RESPONSE
        } else {
            JSON
        };
        (StatusCode::SERVICE_UNAVAILABLE, media)
    } else if graphql_response {
        let status = if request_error {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        (status, GRAPHQL_RESPONSE)
    } else {
        (StatusCode::OK, JSON)
    };
    // A request that never ran has no `data` at all in the GraphQL response media type.
    let never_ran = request_error && response.errors.iter().all(|e| e.path.is_empty());
    let body = if graphql_response && never_ran {
        serde_json::to_value(response).and_then(|mut value| {
            if let serde_json::Value::Object(fields) = &mut value {
                fields.remove("data");
            }
            serde_json::to_vec(&value)
        })
    } else {
        serde_json::to_vec(response)
    };
    match body {
        Ok(body) => Rendered {
            status,
            content_type,
            body: body.into(),
        },
        Err(error) => {
            tracing::error!(%error, "cannot serialise a GraphQL response");
            Rendered {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                content_type: "text/plain; charset=utf-8",
                body: "internal error".into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(forwarded).unwrap());
        headers
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let peer = "10.0.0.5".parse().ok();
        assert_eq!(client_address(&headers("1.2.3.4"), peer, 0), peer);
    }

    #[test]
    fn behind_one_proxy_the_last_forwarded_address_is_the_client() {
        let peer = "10.0.0.5".parse().ok();
        // The client claimed 6.6.6.6; the load balancer appended what it saw, 1.2.3.4.
        let found = client_address(&headers("6.6.6.6, 1.2.3.4"), peer, 1);
        assert_eq!(found, "1.2.3.4".parse().ok());
        let found = client_address(&headers("6.6.6.6, 1.2.3.4, 10.0.0.9"), peer, 2);
        assert_eq!(found, "1.2.3.4".parse().ok());
    }

    #[test]
    fn a_missing_or_garbled_header_falls_back_to_the_peer() {
        let peer = "10.0.0.5".parse().ok();
        assert_eq!(client_address(&HeaderMap::new(), peer, 1), peer);
        assert_eq!(client_address(&headers("not an address"), peer, 1), peer);
    }
}
