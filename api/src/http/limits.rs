//! What one request to `/graphql` may ask, from the configuration.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::ServerError;

use crate::auth::Actor;
use crate::auth::ClientAddr;
use crate::config::LimitsConfig;
use crate::error::{with_code, AppError, Code};
use crate::graphql::limits::{self, DocumentLimits};
use crate::http::rate_limit::{Client, RateLimit};

/// The limits the `/graphql` handler applies before running a request.
#[derive(Debug, Clone)]
pub struct RequestLimits {
    /// The shape of the query document.
    pub document: DocumentLimits,
    /// Largest JSON body, in bytes.
    pub max_json_body_bytes: usize,
    /// Operations per client; `None` when switched off.
    pub rate: Option<Arc<RateLimit>>,
    /// What a WebSocket connection may do.
    pub websocket: WebSocketLimits,
}

/// The limits of one WebSocket connection, on top of those of each operation.
#[derive(Debug, Clone, Copy)]
pub struct WebSocketLimits {
    /// How long a client has to send `connection_init`.
    pub init_timeout: Duration,
    /// How often the connection checks that its caller may still call.
    pub recheck: Duration,
    /// Most subscriptions running at once.
    pub max_subscriptions: usize,
}

impl RequestLimits {
    pub fn new(config: &LimitsConfig) -> Self {
        let rate = NonZeroU32::new(config.rate_limit_operations_per_minute)
            .zip(NonZeroU32::new(config.rate_limit_burst))
            .map(|(per_minute, burst)| RateLimit::start(per_minute, burst));
        Self {
            document: DocumentLimits {
                max_depth: config.max_query_depth,
                max_aliases: config.max_aliases,
                max_fields: config.max_query_fields,
                max_recursion: config.max_recursion_depth,
            },
            max_json_body_bytes: config.max_json_body_bytes,
            rate,
            websocket: WebSocketLimits {
                init_timeout: Duration::from_secs(config.ws_init_timeout_seconds),
                recheck: Duration::from_secs(config.ws_recheck_seconds),
                max_subscriptions: config.ws_max_subscriptions,
            },
        }
    }
}

impl RequestLimits {
    /// Checks a parsed document against the document limits (depth, aliases, fields), the one
    /// gate every transport passes, and says how many operations running it costs.
    pub fn check_document(
        &self,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
    ) -> Result<u32, ServerError> {
        limits::check(document, &self.document).map_err(|error| {
            with_code(
                ServerError::new(error.to_string(), None),
                Code::GraphqlValidationFailed,
            )
        })?;
        Ok(limits::operation_count(document, operation_name))
    }

    /// Spends `operations` from the budget of whoever calls, or refuses with `RATE_LIMITED`.
    pub fn spend(
        &self,
        actor: &Actor,
        address: Option<ClientAddr>,
        operations: u32,
    ) -> Result<(), AppError> {
        match &self.rate {
            Some(rate) => rate.check(
                &Client::of(actor, address.map(|ClientAddr(ip)| ip)),
                operations,
            ),
            None => Ok(()),
        }
    }
}
