//! Limits on what one request may ask of the server, each a setting with the issue's default.

use clap::Args;

use super::ConfigError;

/// Largest request body accepted: a multipart request with five documents of 5 MiB and room
/// to spare. JSON bodies are held to `MAX_JSON_BODY_BYTES` (1 MiB by default) by their handler.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// How much one request may ask: the shape of its query, its size, and how many operations a
/// client may run per minute.
#[derive(Debug, Clone, Args)]
pub struct LimitsConfig {
    /// Deepest a query may nest data fields (introspection fields aside).
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = 10)]
    pub max_query_depth: usize,

    /// Largest cost a query may have: each field costs 1 and a connection its page size
    /// (`first`/`last`) times what each item costs.
    #[arg(long, env = "MAX_QUERY_COMPLEXITY", default_value_t = 2_000)]
    pub max_query_complexity: usize,

    /// Deepest nesting of selection sets and fragments the parser and validator follow,
    /// introspection included.
    #[arg(long, env = "MAX_RECURSION_DEPTH", default_value_t = 32)]
    pub max_recursion_depth: usize,

    /// Most fields one operation may select once its fragments are spread (a field repeated
    /// counts each time it is written).
    #[arg(long, env = "MAX_QUERY_FIELDS", default_value_t = 250)]
    pub max_query_fields: usize,

    /// Most aliases one operation may use, counted through its fragments.
    #[arg(long, env = "MAX_ALIASES", default_value_t = 15)]
    pub max_aliases: usize,

    /// Most directives one field may carry.
    #[arg(long, env = "MAX_DIRECTIVES_PER_FIELD", default_value_t = 5)]
    pub max_directives_per_field: usize,

    /// Largest JSON request body, in bytes; uploads go as multipart requests with their own limit.
    #[arg(long, env = "MAX_JSON_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_json_body_bytes: usize,

    /// Most bytes of application documents one candidate may keep stored, all applications
    /// together.
    #[arg(long, env = "MAX_DOCUMENT_BYTES_PER_ACCOUNT", default_value_t = 100 * 1024 * 1024)]
    pub max_document_bytes_per_account: u64,

    /// Operations (root fields, aliases included) one client may run per minute: per account or
    /// integration token when signed in, else per address. 0 switches the limit off.
    #[arg(long, env = "RATE_LIMIT_OPERATIONS_PER_MINUTE", default_value_t = 600)]
    pub rate_limit_operations_per_minute: u32,

    /// Operations a client may run at once before the per-minute rate applies.
    #[arg(long, env = "RATE_LIMIT_BURST", default_value_t = 100)]
    pub rate_limit_burst: u32,

    /// Seconds a WebSocket client has to send `connection_init` before it is closed (4408).
    #[arg(long, env = "WS_INIT_TIMEOUT_SECONDS", default_value_t = 10)]
    pub ws_init_timeout_seconds: u64,

    /// How often, in seconds, an open WebSocket checks that its caller may still call: a
    /// deactivated account or a revoked token is closed with 4403, an expired token with 4401.
    #[arg(long, env = "WS_RECHECK_SECONDS", default_value_t = 5)]
    pub ws_recheck_seconds: u64,

    /// Most subscriptions one WebSocket may run at once.
    #[arg(long, env = "WS_MAX_SUBSCRIPTIONS", default_value_t = 20)]
    pub ws_max_subscriptions: usize,

    /// How long, in milliseconds, a failed sign-in to an account puts off the next attempt at it
    /// from the same address; doubled after each further failure in the window.
    #[arg(long, env = "SIGN_IN_DELAY_MS", default_value_t = 1_000)]
    pub sign_in_delay_ms: u64,

    /// The longest such delay, in milliseconds.
    #[arg(long, env = "SIGN_IN_MAX_DELAY_MS", default_value_t = 30_000)]
    pub sign_in_max_delay_ms: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_query_depth: 10,
            max_query_complexity: 2_000,
            max_recursion_depth: 32,
            max_query_fields: 250,
            max_aliases: 15,
            max_directives_per_field: 5,
            max_json_body_bytes: 1024 * 1024,
            max_document_bytes_per_account: 100 * 1024 * 1024,
            rate_limit_operations_per_minute: 600,
            rate_limit_burst: 100,
            ws_init_timeout_seconds: 10,
            ws_recheck_seconds: 5,
            ws_max_subscriptions: 20,
            sign_in_delay_ms: 1_000,
            sign_in_max_delay_ms: 30_000,
        }
    }
}

impl LimitsConfig {
    /// Refuses values that would switch a limit off by accident or break the server.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let check = |ok: bool, setting: &'static str, range: &'static str| {
            if ok {
                Ok(())
            } else {
                Err(ConfigError::Limit { setting, range })
            }
        };
        check(
            (1..=100).contains(&self.max_query_depth),
            "MAX_QUERY_DEPTH",
            "1 to 100",
        )?;
        check(
            (1..=1_000_000).contains(&self.max_query_complexity),
            "MAX_QUERY_COMPLEXITY",
            "1 to 1000000",
        )?;
        // The parser stops at 64 levels of selections whatever is set; deeper recursion risks
        // the stack.
        check(
            (4..=64).contains(&self.max_recursion_depth),
            "MAX_RECURSION_DEPTH",
            "4 to 64",
        )?;
        check(self.max_aliases <= 1_000, "MAX_ALIASES", "0 to 1000")?;
        check(
            (1..=100).contains(&self.max_directives_per_field),
            "MAX_DIRECTIVES_PER_FIELD",
            "1 to 100",
        )?;
        check(
            (1024..=MAX_BODY_BYTES).contains(&self.max_json_body_bytes),
            "MAX_JSON_BODY_BYTES",
            "1024 to 33554432",
        )?;
        check(
            self.rate_limit_operations_per_minute == 0 || self.rate_limit_burst >= 1,
            "RATE_LIMIT_BURST",
            "at least 1 while RATE_LIMIT_OPERATIONS_PER_MINUTE is set",
        )?;
        check(
            (1..=300).contains(&self.ws_init_timeout_seconds),
            "WS_INIT_TIMEOUT_SECONDS",
            "1 to 300",
        )?;
        check(
            (1..=3600).contains(&self.ws_recheck_seconds),
            "WS_RECHECK_SECONDS",
            "1 to 3600",
        )?;
        check(
            (1..=1000).contains(&self.ws_max_subscriptions),
            "WS_MAX_SUBSCRIPTIONS",
            "1 to 1000",
        )?;
        check(
            (10..=10_000).contains(&self.max_query_fields),
            "MAX_QUERY_FIELDS",
            "10 to 10000",
        )?;
        check(
            (1..=60_000).contains(&self.sign_in_delay_ms),
            "SIGN_IN_DELAY_MS",
            "1 to 60000",
        )?;
        check(
            (self.sign_in_delay_ms..=3_600_000).contains(&self.sign_in_max_delay_ms),
            "SIGN_IN_MAX_DELAY_MS",
            "SIGN_IN_DELAY_MS to 3600000",
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_issues_and_valid() {
        let limits = LimitsConfig::default();
        assert!(limits.validate().is_ok());
        assert_eq!(limits.max_query_depth, 10);
        assert_eq!(limits.max_query_complexity, 2_000);
        assert_eq!(limits.max_json_body_bytes, 1024 * 1024);
    }

    #[test]
    fn limits_that_would_break_the_server_are_refused() {
        let refused = |change: fn(&mut LimitsConfig)| {
            let mut limits = LimitsConfig::default();
            change(&mut limits);
            limits.validate().is_err()
        };
        assert!(refused(|l| l.max_query_depth = 0));
        assert!(refused(|l| l.max_query_complexity = 0));
        assert!(refused(|l| l.max_recursion_depth = 1_000));
        assert!(refused(|l| l.max_directives_per_field = 0));
        assert!(refused(|l| l.max_json_body_bytes = 10));
        assert!(refused(|l| l.max_json_body_bytes = MAX_BODY_BYTES + 1));
        assert!(refused(|l| l.rate_limit_burst = 0));
        assert!(refused(|l| l.sign_in_delay_ms = 0));
        assert!(refused(|l| l.sign_in_max_delay_ms = 10));
        assert!(!refused(|l| {
            l.rate_limit_operations_per_minute = 0;
            l.rate_limit_burst = 0;
        }));
    }
}
