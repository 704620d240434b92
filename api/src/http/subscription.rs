//! GraphQL subscriptions over WebSocket, at `/graphql/ws` and on `/graphql` (a GET with an
//! `Upgrade: websocket` header), in the `graphql-transport-ws` protocol (and the legacy
//! `graphql-ws` one). The caller's token comes in the `connection_init` payload.
//!
//! A socket gets the protections of `/graphql` over HTTP, through the same code: each operation
//! passes the document limits and the caller's rate limit ([`Admission`]); messages are bounded
//! like a JSON body; mutations are refused (they go over HTTP, where each is counted once for
//! the caches and the sign-in throttle sees the caller's address); `connection_init` must come
//! within `WS_INIT_TIMEOUT_SECONDS`; at most `WS_MAX_SUBSCRIPTIONS` run at once; and the caller
//! is checked again every `WS_RECHECK_SECONDS`, so a deactivated account or a revoked token is
//! closed with 4403 and an expired token with 4401, on whichever replica holds the socket.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextSubscribe,
};
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::futures_util::{stream, SinkExt, StreamExt};
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Data, ServerError, ServerResult};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::Value;
use tokio::sync::oneshot;

use crate::app::AppState;
use crate::auth::jwt::JwtKeys;
use crate::auth::{authenticate, Actor, ClientAddr};
use crate::error::{with_code, AppError, Code};
use crate::graphql::loaders::Loaders;
use crate::http::graphql;
use crate::http::limits::{RequestLimits, WebSocketLimits};

/// Why the server closes a socket, and the close frame it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    /// The server is shutting down.
    GoingAway,
    /// No `connection_init` in time.
    InitTimeout,
    /// The caller's token expired.
    Expired,
    /// The account was deactivated or the token revoked.
    Revoked,
}

impl Closing {
    fn frame(self) -> CloseFrame {
        let (code, reason) = match self {
            Self::GoingAway => (1001, "the server is shutting down"),
            Self::InitTimeout => (4408, "connection initialisation timeout"),
            Self::Expired => (4401, "the token expired; connect again with a new one"),
            Self::Revoked => (4403, "this account or token may no longer call"),
        };
        CloseFrame {
            code,
            reason: reason.into(),
        }
    }
}

/// `/graphql/ws`: upgrades to a GraphQL WebSocket.
pub async fn websocket(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &state).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    let client =
        graphql::client_address(&parts.headers, peer, state.forwarded_hops).map(ClientAddr);
    let max_message = state.limits.max_json_body_bytes;
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .on_upgrade(move |socket| serve(socket, state, protocol, client))
}

/// GET `/graphql`: a WebSocket upgrade goes to subscriptions, anything else to the playground
/// or a query.
pub async fn get(state: State<AppState>, request: Request) -> Response {
    let upgrading = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if upgrading {
        websocket(state, request).await
    } else {
        graphql::get(state, request).await
    }
}

/// The subscription ids the client started and has not stopped.
type Active = Arc<Mutex<HashSet<String>>>;

/// Notes the ids of the client's `subscribe` (or legacy `start`) and `complete` (`stop`)
/// messages.
fn track(active: &Active, message: &Message) {
    let Message::Text(text) = message else {
        return;
    };
    let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else {
        return;
    };
    let (Some(kind), Some(id)) = (value["type"].as_str(), value["id"].as_str()) else {
        return;
    };
    if let Ok(mut active) = active.lock() {
        match kind {
            "subscribe" | "start" => {
                active.insert(id.to_owned());
            }
            "complete" | "stop" => {
                active.remove(id);
            }
            _ => {}
        }
    }
}

async fn serve(
    socket: WebSocket,
    state: AppState,
    protocol: GraphQLProtocol,
    client: Option<ClientAddr>,
) {
    let (mut sink, incoming) = socket.split();
    let (signed_in, caller) = oneshot::channel::<HeaderMap>();
    let closing: Arc<Mutex<Option<Closing>>> = Arc::default();
    let closed = {
        let (closing, bus) = (closing.clone(), state.bus.clone());
        let watch = watch_caller(
            state.db.clone(),
            state.jwt.clone(),
            caller,
            client,
            state.limits.websocket,
        );
        async move {
            let reason = tokio::select! {
                _ = bus.closed() => Closing::GoingAway,
                reason = watch => reason,
            };
            if let Ok(mut closing) = closing.lock() {
                *closing = Some(reason);
            }
        }
    };
    let active: Active = Arc::default();
    let tracked = active.clone();
    // On shutdown the client's messages stop being read, and each running subscription is
    // stopped as if the client had asked, so the client gets `complete` for each; then the
    // connection closes with "going away".
    let bus = state.bus.clone();
    let stops = stream::once(async move {
        let ids: Vec<String> = if bus.is_shut_down() {
            active
                .lock()
                .map(|ids| ids.iter().cloned().collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        stream::iter(ids.into_iter().map(|id| {
            let stop = serde_json::json!({ "type": "complete", "id": id }).to_string();
            Ok(Message::Text(stop.into()))
        }))
    })
    .flatten();
    let input = incoming
        .inspect(move |message| {
            if let Ok(message) = message {
                track(&tracked, message);
            }
        })
        .take_until(closed)
        .chain(stops);

    let (db, jwt, bus) = (state.db.clone(), state.jwt.clone(), state.bus.clone());
    let session = SocketSession::new(state.limits.clone(), client);
    GraphQLWebSocket::new_with_pair(&mut sink, input, state.ws_schema.clone(), protocol)
        .on_connection_init(move |payload| async move {
            let headers = init_headers(&payload)?;
            let actor = authenticate(&db, &jwt, &headers, client)
                .await
                .map_err(async_graphql::Error::from)?;
            // The watcher checks this caller again for as long as the socket is open.
            let _ = signed_in.send(headers);
            let mut data = Data::default();
            data.insert(actor);
            data.insert(Loaders::uncached(&db));
            data.insert(bus);
            if let Some(client) = client {
                data.insert(client);
            }
            data.insert(session);
            Ok(data)
        })
        .serve()
        .await;
    let reason = closing.lock().ok().and_then(|closing| *closing);
    if let Some(reason) = reason {
        let _ = sink.send(Message::Close(Some(reason.frame()))).await;
    }
    let _ = sink.close().await;
}

/// Waits for the caller's `connection_init` (or its time limit), then checks every
/// `limits.recheck`, and when the token expires, that the caller may still call. Returns why the
/// socket must close; never returns for a socket that may stay open.
async fn watch_caller(
    db: sea_orm::DatabaseConnection,
    jwt: Arc<JwtKeys>,
    caller: oneshot::Receiver<HeaderMap>,
    client: Option<ClientAddr>,
    limits: WebSocketLimits,
) -> Closing {
    let headers = match tokio::time::timeout(limits.init_timeout, caller).await {
        Ok(Ok(headers)) => headers,
        Err(_) => return Closing::InitTimeout,
        // The initialisation was refused: the protocol closes the socket itself.
        Ok(Err(_)) => return std::future::pending().await,
    };
    let Some(token) = bearer(&headers) else {
        // Anonymous callers read public data only: nothing of theirs can be revoked.
        return std::future::pending().await;
    };
    loop {
        let expires_in = jwt
            .verify(&token)
            .ok()
            .and_then(|claims| (claims.exp - Utc::now().timestamp()).try_into().ok())
            .map(std::time::Duration::from_secs);
        let Some(expires_in) = expires_in else {
            return Closing::Expired;
        };
        // A second past expiry, so that the token is refused when checked.
        let until_expiry = expires_in + std::time::Duration::from_secs(1);
        tokio::time::sleep(limits.recheck.min(until_expiry)).await;
        // Past `exp` the token is expired, whatever leeway requests get for clock skew.
        let expired = jwt
            .verify(&token)
            .map_or(true, |claims| claims.exp <= Utc::now().timestamp());
        if expired {
            return Closing::Expired;
        }
        match authenticate(&db, &jwt, &headers, client).await {
            Ok(Actor::Anonymous) | Err(AppError::Unauthenticated) => return Closing::Revoked,
            Ok(_) => {}
            // The database is unreachable: the subscriptions cannot deliver either; check again.
            Err(error) => tracing::warn!(%error, "cannot check a WebSocket caller again"),
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(|token| token.trim().to_owned())
}

/// One socket's address, limits and count of running subscriptions, kept in its session data.
struct SocketSession {
    limits: RequestLimits,
    client: Option<ClientAddr>,
    running: Arc<AtomicUsize>,
}

impl SocketSession {
    fn new(limits: RequestLimits, client: Option<ClientAddr>) -> Self {
        Self {
            limits,
            client,
            running: Arc::default(),
        }
    }

    /// Counts one more running subscription until the guard is dropped, if there is room.
    fn start(&self) -> Option<Running> {
        let max = self.limits.websocket.max_subscriptions;
        self.running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Running(self.running.clone()))
    }
}

/// A running subscription of a socket; dropping it frees its place.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The WebSocket schema's gate: every operation sent over a socket passes the checks of
/// `/graphql` over HTTP, through the same functions ([`RequestLimits::check_document`],
/// [`RequestLimits::spend`]), and the socket's own limits.
pub struct Admission;

impl ExtensionFactory for Admission {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Admission)
    }
}

fn refused(message: &str, code: Code) -> ServerError {
    with_code(ServerError::new(message, None), code)
}

#[async_graphql::async_trait::async_trait]
impl Extension for Admission {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        let (Some(session), Some(actor)) =
            (ctx.data_opt::<SocketSession>(), ctx.data_opt::<Actor>())
        else {
            return Err(refused("send connection_init first", Code::Unauthenticated));
        };
        let operation = request.operation_name.clone();
        let document = request
            .parsed_query()
            .map_err(|error| with_code(error, Code::GraphqlParseFailed))?;
        if graphql::selects_mutation(&document.operations, operation.as_deref()) {
            return Err(refused(
                "mutations are sent over HTTP (POST /graphql), not over the WebSocket",
                Code::GraphqlValidationFailed,
            ));
        }
        let operations = session
            .limits
            .check_document(document, operation.as_deref())?;
        session
            .limits
            .spend(actor, session.client, operations)
            .map_err(AppError::into_server_error)?;
        next.run(ctx, request).await
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, async_graphql::Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, async_graphql::Response> {
        let Some(session) = ctx.data_opt::<SocketSession>() else {
            return next.run(ctx, stream);
        };
        match session.start() {
            Some(running) => {
                let stream = next.run(ctx, stream);
                stream
                    .map(move |response| {
                        let _running = &running;
                        response
                    })
                    .boxed()
            }
            None => {
                let error = refused(
                    &format!(
                        "at most {} subscriptions may run on one connection; complete one first",
                        session.limits.websocket.max_subscriptions
                    ),
                    Code::RateLimited,
                );
                stream::once(async move { async_graphql::Response::from_errors(vec![error]) })
                    .boxed()
            }
        }
    }
}

/// The `Authorization` header the `connection_init` payload stands for: its `Authorization`,
/// `authorization` or `token` entry (or the same under `headers`), with or without `Bearer `.
fn init_headers(payload: &Value) -> Result<HeaderMap, AppError> {
    let token = [payload, &payload["headers"]]
        .into_iter()
        .find_map(|object| {
            ["Authorization", "authorization", "token"]
                .into_iter()
                .find_map(|key| object[key].as_str())
        });
    let mut headers = HeaderMap::new();
    if let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) {
        let value = if token.starts_with("Bearer ") || token.starts_with("bearer ") {
            token.to_owned()
        } else {
            format!("Bearer {token}")
        };
        let value = HeaderValue::from_str(&value).map_err(|_| AppError::Unauthenticated)?;
        headers.insert(header::AUTHORIZATION, value);
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn authorization(payload: Value) -> Option<String> {
        init_headers(&payload)
            .unwrap()
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    #[test]
    fn the_token_is_read_from_the_usual_places() {
        let bearer = Some("Bearer abc".to_owned());
        assert_eq!(
            authorization(json!({ "Authorization": "Bearer abc" })),
            bearer
        );
        assert_eq!(
            authorization(json!({ "authorization": "Bearer abc" })),
            bearer
        );
        assert_eq!(authorization(json!({ "token": "abc" })), bearer);
        assert_eq!(
            authorization(json!({ "headers": { "Authorization": "Bearer abc" } })),
            bearer
        );
        assert_eq!(authorization(json!({})), None);
        assert_eq!(authorization(Value::Null), None);
    }
}
