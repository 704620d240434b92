//! Sending webhook deliveries: a background worker claims due deliveries atomically (so each is
//! sent by one replica), POSTs them signed, and records the outcome or schedules a retry with
//! exponential backoff until the retry horizon has passed.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::Sha256;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::domain::WebhookDeliveryStatus;
use crate::error::{AppError, AppResult};
use crate::service::retry::{backoff, jitter};
use crate::service::webhook::{check_url, is_public, SecretBox, UrlRules};

/// Most deliveries one worker claims per round.
const BATCH: u64 = 20;

/// How deliveries are sent and retried, from the configuration.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    pub poll_interval: Duration,
    /// The wait before the first retry; each further retry waits twice as long.
    pub retry_base: Duration,
    /// How long after it was queued a failing delivery is still retried.
    pub retry_horizon: Duration,
    /// The most one request may take.
    pub timeout: Duration,
    pub urls: UrlRules,
    /// Opens the endpoints' stored secrets.
    pub secrets: SecretBox,
}

/// The headers of a signed delivery.
pub const ID_HEADER: &str = "webhook-id";
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// `v1=` and the hex HMAC-SHA256, keyed with the endpoint's secret, of `"<timestamp>.<body>"`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // `new_from_slice` cannot fail for HMAC, which takes keys of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[derive(Debug, thiserror::Error)]
#[error("the address is not on the public internet")]
struct NotPublic;

/// Resolves host names to public addresses only, so a public name pointing at a private
/// address (DNS rebinding included: the check is made on every connection) is refused.
struct PublicResolver;

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| is_public(addr.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(Box::new(NotPublic) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        }) as Pin<Box<dyn Future<Output = _> + Send>>
    }
}

/// The HTTP client deliveries go out with.
fn client(settings: &DeliverySettings) -> AppResult<reqwest::Client> {
    let mut client = reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        // A redirect could lead anywhere, a private address included: a 3xx is a failure.
        .redirect(reqwest::redirect::Policy::none())
        // A proxy from the environment (HTTP_PROXY, HTTPS_PROXY) would resolve the name
        // itself, past the public-address resolver below.
        .no_proxy()
        .user_agent(concat!("jobboard-webhooks/", env!("CARGO_PKG_VERSION")));
    if !settings.urls.allow_private_networks {
        client = client.dns_resolver(Arc::new(PublicResolver));
    }
    client.build().map_err(AppError::internal)
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    status_code: Option<u16>,
    /// Short, for the delivery log; never the error's own text.
    error: Option<&'static str>,
}

impl Outcome {
    fn delivered(&self) -> bool {
        self.error.is_none()
    }
}

/// Sends due deliveries, on every replica; a delivery is claimed by one of them at a time.
#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    client: reqwest::Client,
    settings: DeliverySettings,
    /// Names this worker in the deliveries it claims.
    id: String,
}

impl Worker {
    pub fn new(db: DatabaseConnection, settings: DeliverySettings) -> AppResult<Self> {
        Ok(Self {
            db,
            client: client(&settings)?,
            settings,
            id: Uuid::new_v4().simple().to_string(),
        })
    }

    /// Polls for due deliveries until the task is dropped.
    #[tracing::instrument(level = "debug", skip(self))]
    pub async fn run(self) {
        let mut ticks = tokio::time::interval(self.settings.poll_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(AppError::Internal(source)) = self.run_once().await {
                tracing::warn!(error = %source, "webhook deliveries: round failed");
            }
        }
    }

    /// Claims the deliveries that are due, sends them concurrently and records each outcome.
    /// Returns how many were sent.
    #[tracing::instrument(level = "debug", skip(self))]
    pub async fn run_once(&self) -> AppResult<usize> {
        let claimed = self.claim_due(Utc::now()).await?;
        let sent = claimed.len();
        let mut sending = JoinSet::new();
        for (delivery, endpoint) in claimed {
            let worker = self.clone();
            sending.spawn(async move {
                let outcome = worker.send(&delivery, &endpoint).await;
                worker.record(&delivery, outcome).await
            });
        }
        while let Some(result) = sending.join_next().await {
            match result {
                Ok(Ok(())) => {}
                Ok(Err(AppError::Internal(source))) => {
                    tracing::warn!(error = %source, "webhook delivery: could not record");
                }
                Ok(Err(_)) => {}
                Err(error) => tracing::warn!(%error, "webhook delivery task failed"),
            }
        }
        Ok(sent)
    }

    /// How long a claim lasts: longer than any request, so only a worker that died while
    /// sending loses it (and the delivery is sent again: receivers de-duplicate on its id).
    fn lease(&self) -> Duration {
        self.settings.timeout * 2 + Duration::from_secs(30)
    }

    /// Claims due deliveries of active endpoints. Each claim is a conditional update that
    /// succeeds only if the row is still pending, unclaimed (or its claim lapsed) and has not
    /// been attempted since it was read, so on several replicas one worker wins each delivery.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<(webhook_delivery::Model, webhook_endpoint::Model)>> {
        use webhook_delivery::Column as C;

        let pending = WebhookDeliveryStatus::Pending.as_str();
        let unclaimed = || {
            Condition::any()
                .add(C::LockedUntil.is_null())
                .add(C::LockedUntil.lt(now))
        };
        let due = webhook_delivery::Entity::find()
            .find_also_related(webhook_endpoint::Entity)
            .filter(C::Status.eq(pending))
            .filter(C::NextAttemptAt.lte(now))
            .filter(unclaimed())
            .filter(webhook_endpoint::Column::Active.eq(true))
            .order_by_asc(C::NextAttemptAt)
            .order_by_asc(C::Id)
            .limit(BATCH)
            .all(&self.db)
            .await?;
        let lease = chrono::Duration::from_std(self.lease()).map_err(AppError::internal)?;
        let mut claimed = Vec::new();
        for (delivery, endpoint) in due {
            let Some(endpoint) = endpoint else { continue };
            let won = webhook_delivery::Entity::update_many()
                .col_expr(C::LockedUntil, Expr::value(Some(now + lease)))
                .col_expr(C::ClaimedBy, Expr::value(Some(self.id.clone())))
                .filter(C::Id.eq(delivery.id))
                .filter(C::Status.eq(pending))
                .filter(C::Attempts.eq(delivery.attempts))
                .filter(unclaimed())
                .exec(&self.db)
                .await?
                .rows_affected
                == 1;
            if won {
                claimed.push((delivery, endpoint));
            }
        }
        Ok(claimed)
    }

    /// POSTs the delivery's body, signed, to the endpoint's URL.
    async fn send(
        &self,
        delivery: &webhook_delivery::Model,
        endpoint: &webhook_endpoint::Model,
    ) -> Outcome {
        // The rules may have tightened since the URL was registered.
        let Ok(url) = check_url("url", &endpoint.url, self.settings.urls) else {
            return Outcome {
                status_code: None,
                error: Some("URL not allowed"),
            };
        };
        let secret = match self.settings.secrets.open(&endpoint.secret) {
            Ok(secret) => secret,
            Err(error) => {
                tracing::error!(%error, endpoint = endpoint.id, "cannot sign a delivery");
                return Outcome {
                    status_code: None,
                    error: Some("signing secret unreadable"),
                };
            }
        };
        let timestamp = Utc::now().timestamp();
        let result = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(ID_HEADER, &delivery.event_id)
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(
                SIGNATURE_HEADER,
                signature(&secret, timestamp, &delivery.payload),
            )
            .body(delivery.payload.clone())
            .send()
            .await;
        match result {
            Ok(response) if response.status().is_success() => Outcome {
                status_code: Some(response.status().as_u16()),
                error: None,
            },
            Ok(response) => Outcome {
                status_code: Some(response.status().as_u16()),
                error: Some(if response.status().is_redirection() {
                    "redirect not followed"
                } else {
                    "non-2xx response"
                }),
            },
            Err(error) => Outcome {
                status_code: None,
                error: Some(describe(&error)),
            },
        }
    }

    /// Stores an attempt's outcome, if this worker still holds the claim.
    async fn record(&self, delivery: &webhook_delivery::Model, outcome: Outcome) -> AppResult<()> {
        use webhook_delivery::Column as C;

        let now = Utc::now();
        let attempts = delivery.attempts + 1;
        let horizon =
            chrono::Duration::from_std(self.settings.retry_horizon).map_err(AppError::internal)?;
        let (status, next_attempt_at) = if outcome.delivered() {
            (WebhookDeliveryStatus::Delivered, now)
        } else if now - delivery.created_at >= horizon {
            (WebhookDeliveryStatus::Failed, now)
        } else {
            let wait = backoff(self.settings.retry_base, attempts, jitter());
            let wait = chrono::Duration::from_std(wait).map_err(AppError::internal)?;
            (WebhookDeliveryStatus::Pending, now + wait)
        };
        crate::metrics::outbox_attempt(
            "webhook",
            match status {
                WebhookDeliveryStatus::Delivered => "delivered",
                WebhookDeliveryStatus::Failed => "failed",
                _ => "retry",
            },
        );
        webhook_delivery::Entity::update_many()
            .col_expr(C::Status, Expr::value(status.as_str()))
            .col_expr(C::Attempts, Expr::value(attempts))
            .col_expr(C::NextAttemptAt, Expr::value(next_attempt_at))
            .col_expr(C::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(C::ClaimedBy, Expr::value(Option::<String>::None))
            .col_expr(
                C::LastStatusCode,
                Expr::value(outcome.status_code.map(i32::from)),
            )
            .col_expr(C::LastError, Expr::value(outcome.error.map(str::to_owned)))
            .col_expr(
                C::DeliveredAt,
                Expr::value(outcome.delivered().then_some(now)),
            )
            .filter(C::Id.eq(delivery.id))
            .filter(C::ClaimedBy.eq(self.id.as_str()))
            .exec(&self.db)
            .await?;
        if !outcome.delivered() {
            tracing::info!(
                delivery = delivery.id,
                attempts,
                status = status.as_str(),
                error = outcome.error,
                "webhook delivery failed"
            );
        }
        Ok(())
    }
}

/// A short, client-safe account of why a request failed.
fn describe(error: &reqwest::Error) -> &'static str {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(current) = source {
        if current.is::<NotPublic>() {
            return "address not allowed";
        }
        source = current.source();
    }
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_the_timestamp_and_the_body() {
        // From: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let base = signature("whsec_test", 1_700_000_000, r#"{"a":1}"#);
        assert_eq!(
            base,
            "v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        assert_ne!(base, signature("whsec_test", 1_700_000_001, r#"{"a":1}"#));
        assert_ne!(base, signature("whsec_test", 1_700_000_000, r#"{"a":2}"#));
        assert_ne!(base, signature("whsec_other", 1_700_000_000, r#"{"a":1}"#));
    }

    /// The environment variable that tells the child test where the proxy listens.
    const PROXY_TEST_VARIABLE: &str = "JOBBOARD_PROXY_TEST";

    /// Run by [`deliveries_ignore_proxies_from_the_environment`] in a process of its own, whose
    /// environment names a proxy: a request from the delivery client reaches the receiver.
    #[tokio::test]
    #[ignore = "run by deliveries_ignore_proxies_from_the_environment"]
    async fn delivery_client_child_process() {
        if std::env::var_os(PROXY_TEST_VARIABLE).is_none() {
            return;
        }
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", receiver.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut stream, _) = receiver.accept().await.unwrap();
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let _ = stream
                .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                .await;
        });
        let settings = DeliverySettings {
            poll_interval: Duration::from_secs(1),
            retry_base: Duration::from_secs(1),
            retry_horizon: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
            urls: UrlRules {
                allow_http: true,
                allow_private_networks: true,
            },
            secrets: SecretBox::new(&[0; 32]),
        };
        let response = client(&settings).unwrap().post(url).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 204);
    }

    #[test]
    fn deliveries_ignore_proxies_from_the_environment() {
        // Setting the environment in this multi-threaded process would race other tests:
        // the check runs in a child process started with the proxy variables set.
        let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        proxy.set_nonblocking(true).unwrap();
        let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "service::webhook_delivery::tests::delivery_client_child_process",
            ])
            .env(PROXY_TEST_VARIABLE, "1")
            .env("HTTP_PROXY", &proxy_url)
            .env("HTTPS_PROXY", &proxy_url)
            .env("http_proxy", &proxy_url)
            .env("https_proxy", &proxy_url)
            .env("ALL_PROXY", &proxy_url)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .output()
            .unwrap();
        let output = String::from_utf8_lossy(&status.stdout);
        assert!(status.status.success(), "{output}");
        assert!(output.contains("1 passed"), "{output}");
        assert!(proxy.accept().is_err(), "the request went to the proxy");
    }
}
