//! Operations per minute for each client, in this replica's memory: a token bucket per signed-in
//! account or integration token, and per address for anonymous callers. A request costs the
//! number of operations (root fields, aliases included) it runs.
//!
//! Each replica counts on its own, so behind a load balancer a client gets up to the limit from
//! each replica; the limit is there to stop floods and scrapers, not to bill. Sign-in attempts are
//! limited separately, in the database (see `service::account`).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::Actor;
use crate::error::AppError;

/// Whose budget a request spends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Client {
    Account(i32),
    Integration(i32),
    /// An anonymous caller's address; IPv6 by its /64, which one subscriber usually holds whole.
    Address(IpAddr),
    /// An anonymous caller whose address is unknown (not over a network connection).
    Unknown,
}

impl Client {
    /// The account or integration token calling, else the caller's address.
    pub fn of(actor: &Actor, address: Option<IpAddr>) -> Self {
        match actor {
            Actor::Account { id, .. } => Self::Account(*id),
            Actor::Integration { token_id, .. } => Self::Integration(*token_id),
            Actor::Anonymous => match address {
                Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Self::Address(IpAddr::V6(prefix.into()))
                }
                Some(IpAddr::V6(v6)) => v6
                    .to_ipv4_mapped()
                    .map_or(Self::Unknown, |v4| Self::Address(IpAddr::V4(v4))),
                Some(v4) => Self::Address(v4),
                None => Self::Unknown,
            },
        }
    }
}

/// How often buckets that are full again are forgotten, so memory holds only recent clients.
const FORGET_IDLE_EVERY: Duration = Duration::from_secs(60);

/// The per-client token buckets.
pub struct RateLimit {
    limiter: DefaultKeyedRateLimiter<Client>,
    quota: Quota,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit")
            .field("quota", &self.quota)
            .field("clients", &self.limiter.len())
            .finish()
    }
}

impl RateLimit {
    /// Buckets of `burst` operations refilled at `per_minute`; inside a Tokio runtime, a task
    /// forgets idle buckets every minute for as long as the limiter lives.
    pub fn start(per_minute: NonZeroU32, burst: NonZeroU32) -> Arc<Self> {
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        let limit = Arc::new(Self {
            limiter: RateLimiter::keyed(quota),
            quota,
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(forget_idle(Arc::downgrade(&limit)));
        }
        limit
    }

    /// Spends `operations` from the client's bucket, or says how long to wait.
    pub fn check(&self, client: &Client, operations: u32) -> Result<(), AppError> {
        let cost = NonZeroU32::new(operations).unwrap_or(NonZeroU32::MIN);
        match self.limiter.check_key_n(client, cost) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(AppError::RateLimited {
                retry_after_seconds: whole_seconds(
                    not_until.wait_time_from(self.limiter.clock().now()),
                ),
            }),
            // More operations than a full bucket holds: never, as sent; after a full refill the
            // client may send them in smaller requests.
            Err(_) => Err(AppError::RateLimited {
                retry_after_seconds: whole_seconds(self.quota.burst_size_replenished_in()),
            }),
        }
    }

    /// How many clients the limiter remembers.
    pub fn clients(&self) -> usize {
        self.limiter.len()
    }

    fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Seconds to wait, rounded up and at least 1 (`Retry-After: 0` would invite a busy loop).
fn whole_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

async fn forget_idle(limit: Weak<RateLimit>) {
    let mut ticks = tokio::time::interval(FORGET_IDLE_EVERY);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        match limit.upgrade() {
            Some(limit) => limit.forget_idle(),
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn limit(per_minute: u32, burst: u32) -> Arc<RateLimit> {
        RateLimit::start(
            NonZeroU32::new(per_minute).expect("non-zero"),
            NonZeroU32::new(burst).expect("non-zero"),
        )
    }

    #[test]
    fn a_bucket_holds_its_burst_then_asks_to_wait() {
        let limit = limit(1, 3);
        let client = Client::Account(1);
        assert!(limit.check(&client, 2).is_ok());
        assert!(limit.check(&client, 1).is_ok());
        match limit.check(&client, 1) {
            Err(AppError::RateLimited {
                retry_after_seconds,
            }) => assert!((1..=60).contains(&retry_after_seconds)),
            other => panic!("expected RATE_LIMITED, got {other:?}"),
        }
        // Another client has a bucket of its own.
        assert!(limit.check(&Client::Account(2), 3).is_ok());
    }

    #[test]
    fn a_request_larger_than_the_bucket_is_refused() {
        let limit = limit(60, 2);
        assert!(matches!(
            limit.check(&Client::Unknown, 3),
            Err(AppError::RateLimited { .. })
        ));
        assert!(limit.check(&Client::Unknown, 2).is_ok());
    }

    #[test]
    fn a_bucket_in_use_is_kept_when_idle_ones_are_forgotten() {
        let limit = limit(60, 100);
        limit
            .check(&Client::Account(1), 1)
            .expect("within the limit");
        assert_eq!(limit.clients(), 1);
        // A bucket refills one operation a second: not yet full, so it is kept.
        limit.forget_idle();
        assert_eq!(limit.clients(), 1);
    }

    #[test]
    fn signed_in_callers_are_counted_by_account_and_others_by_address() {
        let address: IpAddr = "2001:db8:1:2:3:4:5:6".parse().expect("an address");
        let neighbour: IpAddr = "2001:db8:1:2:ffff::1".parse().expect("an address");
        assert_eq!(
            Client::of(&Actor::Anonymous, Some(address)),
            Client::of(&Actor::Anonymous, Some(neighbour))
        );
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("an address");
        assert_eq!(
            Client::of(&Actor::Anonymous, Some(mapped)),
            Client::Address("192.0.2.1".parse().expect("an address"))
        );
        let account = Actor::Account {
            id: 7,
            role: Role::Candidate,
            organisation_id: None,
            session_id: None,
            email_verified: true,
        };
        assert_eq!(Client::of(&account, Some(address)), Client::Account(7));
        let token = Actor::Integration {
            token_id: 3,
            organisation_id: 1,
            scopes: crate::domain::ScopeSet::all(),
        };
        assert_eq!(Client::of(&token, None), Client::Integration(3));
    }
}
