//! GraphQL subscriptions over WebSocket, at `/graphql/ws` and on `/graphql` (a GET with an
//! `Upgrade: websocket` header), in the `graphql-transport-ws` protocol (and the legacy
//! `graphql-ws` one). The caller's token comes in the `connection_init` payload.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_graphql::futures_util::{stream, SinkExt, StreamExt};
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::app::AppState;
use crate::auth::authenticate;
use crate::error::AppError;
use crate::graphql::loaders::Loaders;
use crate::http::graphql;

/// Close code sent to clients when the server shuts down ("going away").
const GOING_AWAY: u16 = 1001;

/// `/graphql/ws`: upgrades to a GraphQL WebSocket.
pub async fn websocket(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(socket, state, protocol))
}

/// GET `/graphql`: a WebSocket upgrade goes to subscriptions, anything else to the playground
/// or a query.
pub async fn get(state: State<AppState>, request: Request) -> Response {
    let upgrading = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrading {
        return graphql::get(state, request).await;
    }
    let (mut parts, _) = request.into_parts();
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &state.0).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    match WebSocketUpgrade::from_request_parts(&mut parts, &state.0).await {
        Ok(upgrade) => websocket(state, protocol, upgrade).await,
        Err(rejection) => rejection.into_response(),
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

async fn serve(socket: WebSocket, state: AppState, protocol: GraphQLProtocol) {
    let (mut sink, incoming) = socket.split();
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
        .take_until(state.bus.closed())
        .chain(stops);

    let (db, jwt, bus) = (state.db.clone(), state.jwt.clone(), state.bus.clone());
    GraphQLWebSocket::new_with_pair(&mut sink, input, state.ws_schema.clone(), protocol)
        .on_connection_init(move |payload| async move {
            let actor = authenticate(&db, &jwt, &init_headers(&payload)?)
                .await
                .map_err(async_graphql::Error::from)?;
            let mut data = Data::default();
            data.insert(actor);
            data.insert(Loaders::uncached(&db));
            data.insert(bus);
            Ok(data)
        })
        .serve()
        .await;
    if state.bus.is_shut_down() {
        let close = Message::Close(Some(CloseFrame {
            code: GOING_AWAY,
            reason: "the server is shutting down".into(),
        }));
        let _ = sink.send(close).await;
    }
    let _ = sink.close().await;
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
