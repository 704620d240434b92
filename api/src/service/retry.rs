//! Retrying what failed for a passing reason (webhook deliveries, mails): exponential backoff
//! with a cap and jitter.

use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};

/// The longest wait between two attempts, before jitter.
pub const MAX_DELAY: Duration = Duration::from_secs(6 * 3600);

/// The wait before the next attempt after `attempts` failed ones: the base, doubled for each
/// further failure, capped, then spread by ±20 % so that failed deliveries do not return in step.
pub fn backoff(base: Duration, attempts: i32, jitter: f64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(30);
    let delay = base
        .checked_mul(1u32 << doublings)
        .unwrap_or(MAX_DELAY)
        .min(MAX_DELAY);
    delay.mul_f64(jitter.clamp(0.8, 1.2))
}

/// A factor in [0.8, 1.2].
pub fn jitter() -> f64 {
    0.8 + 0.4 * f64::from(OsRng.next_u32()) / f64::from(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_cap_with_bounded_jitter() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1, 1.0), Duration::from_secs(30));
        assert_eq!(backoff(base, 2, 1.0), Duration::from_secs(60));
        assert_eq!(backoff(base, 5, 1.0), Duration::from_secs(480));
        assert_eq!(backoff(base, 40, 1.0), MAX_DELAY);
        assert_eq!(backoff(base, 1, 5.0), Duration::from_secs(36));
        assert_eq!(backoff(base, 1, 0.0), Duration::from_secs(24));
        let j = jitter();
        assert!((0.8..=1.2).contains(&j));
    }

    #[test]
    fn the_default_schedule_retries_for_more_than_a_day() {
        // Attempts at 30 s · 2^n (capped at 6 h) until 25 h have passed: at least 12 of them,
        // and the last more than 24 h after the first.
        let base = Duration::from_secs(30);
        let horizon = Duration::from_secs(90_000);
        let (mut elapsed, mut attempts) = (Duration::ZERO, 0);
        while elapsed < horizon {
            attempts += 1;
            elapsed += backoff(base, attempts, 0.8);
        }
        assert!(attempts >= 12, "{attempts}");
        assert!(elapsed > Duration::from_secs(24 * 3600));
    }
}
