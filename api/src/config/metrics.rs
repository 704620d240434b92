//! Where `/metrics` is served, and who may read it.

use std::net::SocketAddr;

use clap::Args;

#[derive(Debug, Clone, Default, Args)]
pub struct MetricsConfig {
    /// Address of a second listener that serves only `/metrics` (Prometheus text format), like
    /// `127.0.0.1:9100`; unset, no metrics are served. Never the API's own address: the API is
    /// public, the metrics are for the operator's network.
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// When set, `/metrics` answers only requests with `Authorization: Bearer <this token>`
    /// (for a metrics address other machines can reach).
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}
