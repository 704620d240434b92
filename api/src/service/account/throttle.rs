//! Sign-in counters in the `login_throttle` table. The database is the only state, and every
//! change is a compare-and-swap on the row's previous values, so any number of replicas agree.

use std::net::IpAddr;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::login_throttle;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::MAX_EMAIL_LEN;
use crate::error::{AppError, AppResult};

/// Sign-in throttling, per key (`account:<e-mail>` and `ip:<client address>`): failures are
/// counted in a window of [`FAILURE_WINDOW_MINUTES`] that starts at the first failure.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// After this many failures in the window, every further attempt first waits
/// [`SLOW_DOWN_DELAY`].
pub const SLOW_DOWN_AFTER_FAILURES: i32 = 5;
/// How long a slowed-down attempt waits before the password is even looked at.
pub const SLOW_DOWN_DELAY: std::time::Duration = std::time::Duration::from_secs(1);
/// After this many failures in the window the key is locked for [`LOCKOUT_MINUTES`]: sign-in is
/// refused with `RATE_LIMITED`, even with the right password.
pub const LOCK_AFTER_FAILURES: i32 = 10;
/// How long a locked key stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;

/// How many times a throttle counter update is retried when another request (on this replica or
/// another) changed the same counter in between.
const THROTTLE_RETRIES: usize = 8;

pub(super) fn throttle_key_for_email(email: &str) -> String {
    let email: String = email.chars().take(MAX_EMAIL_LEN).collect();
    format!("account:{email}")
}

/// IPv6 clients are counted by their /64 network: one host usually holds a whole /64.
pub(super) fn throttle_key_for_ip(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("ip:{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
    }
}

/// A key's counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Counter {
    pub failures: i32,
    pub window_started_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl From<&login_throttle::Model> for Counter {
    fn from(row: &login_throttle::Model) -> Self {
        Self {
            failures: row.failures,
            window_started_at: row.window_started_at,
            locked_until: row.locked_until,
        }
    }
}

/// What to do with an attempt, given the counter before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Decision {
    /// Refuse it: the key is locked.
    Locked { retry_after_seconds: u64 },
    /// Go on (after waiting, if `slow_down`), with the attempt counted in `next`.
    Proceed { slow_down: bool, next: Counter },
}

/// Counts one attempt against `current` at `now`.
pub(super) fn decide(current: Option<&Counter>, now: DateTime<Utc>) -> Decision {
    if let Some(until) = current.and_then(|c| c.locked_until) {
        if until > now {
            let millis = (until - now).num_milliseconds().max(0);
            let seconds = u64::try_from((millis + 999) / 1000).unwrap_or(1).max(1);
            return Decision::Locked {
                retry_after_seconds: seconds,
            };
        }
    }
    let counting = current.filter(|c| {
        c.locked_until.is_none()
            && c.window_started_at + Duration::minutes(FAILURE_WINDOW_MINUTES) > now
    });
    let (prior, window_started_at) = match counting {
        Some(c) => (c.failures, c.window_started_at),
        None => (0, now),
    };
    let failures = prior.saturating_add(1);
    Decision::Proceed {
        slow_down: prior >= SLOW_DOWN_AFTER_FAILURES,
        next: Counter {
            failures,
            window_started_at,
            locked_until: (failures >= LOCK_AFTER_FAILURES)
                .then(|| now + Duration::minutes(LOCKOUT_MINUTES)),
        },
    }
}

/// Takes one counted attempt back (it turned out not to be a failure).
pub(super) fn undo(current: &Counter) -> Counter {
    let failures = (current.failures - 1).max(0);
    Counter {
        failures,
        window_started_at: current.window_started_at,
        locked_until: current
            .locked_until
            .filter(|_| failures >= LOCK_AFTER_FAILURES),
    }
}

async fn load(db: &DatabaseConnection, key: &str) -> AppResult<Option<login_throttle::Model>> {
    Ok(login_throttle::Entity::find()
        .filter(login_throttle::Column::Key.eq(key))
        .one(db)
        .await?)
}

/// Writes `next` if the row still holds `current` (or still does not exist); `false` if
/// another request got there first.
async fn swap(
    db: &DatabaseConnection,
    key: &str,
    current: Option<&login_throttle::Model>,
    next: &Counter,
) -> AppResult<bool> {
    match current {
        None => {
            let inserted = login_throttle::Entity::insert(login_throttle::ActiveModel {
                key: Set(key.to_owned()),
                failures: Set(next.failures),
                window_started_at: Set(next.window_started_at),
                locked_until: Set(next.locked_until),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::column(login_throttle::Column::Key)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
            Ok(inserted == 1)
        }
        Some(row) => {
            let updated = login_throttle::Entity::update_many()
                .col_expr(login_throttle::Column::Failures, next.failures.into())
                .col_expr(
                    login_throttle::Column::WindowStartedAt,
                    next.window_started_at.into(),
                )
                .col_expr(
                    login_throttle::Column::LockedUntil,
                    next.locked_until.into(),
                )
                .filter(login_throttle::Column::Id.eq(row.id))
                .filter(login_throttle::Column::Failures.eq(row.failures))
                .filter(login_throttle::Column::WindowStartedAt.eq(row.window_started_at))
                .exec(db)
                .await?;
            Ok(updated.rows_affected == 1)
        }
    }
}

/// Heavy contention on one key is an attack in progress: refuse rather than spin.
fn contended() -> AppError {
    AppError::RateLimited {
        retry_after_seconds: 1,
    }
}

/// Counts an attempt for `key`; refuses it when the key is locked. Returns whether the
/// attempt must be slowed down.
pub(super) async fn attempt(db: &DatabaseConnection, key: &str) -> AppResult<bool> {
    for _ in 0..THROTTLE_RETRIES {
        let row = load(db, key).await?;
        // Whole microseconds: what PostgreSQL keeps, so the next swap compares equal.
        let now = Utc::now().trunc_subsecs(6);
        match decide(row.as_ref().map(Counter::from).as_ref(), now) {
            Decision::Locked {
                retry_after_seconds,
            } => {
                return Err(AppError::RateLimited {
                    retry_after_seconds,
                })
            }
            Decision::Proceed { slow_down, next } => {
                if swap(db, key, row.as_ref(), &next).await? {
                    return Ok(slow_down);
                }
            }
        }
    }
    Err(contended())
}

/// Takes back one attempt counted by [`attempt`].
pub(super) async fn release(db: &DatabaseConnection, key: &str) -> AppResult<()> {
    for _ in 0..THROTTLE_RETRIES {
        let Some(row) = load(db, key).await? else {
            return Ok(());
        };
        if swap(db, key, Some(&row), &undo(&Counter::from(&row))).await? {
            return Ok(());
        }
    }
    Err(contended())
}

/// Forgets every failure of `key` (after a successful sign-in to that account).
pub(super) async fn clear(db: &DatabaseConnection, key: &str) -> AppResult<()> {
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets failed sign-ins whose window and lock are both over, so the table does not grow
/// with every address and e-mail ever tried. Returns how many were removed.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn purge_stale_throttles(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    let window_over = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let result = login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStartedAt.lt(window_over))
        .filter(
            Condition::any()
                .add(login_throttle::Column::LockedUntil.is_null())
                .add(login_throttle::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_network() {
        let a: Ipv6Addr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(
            throttle_key_for_ip(IpAddr::V6(a)),
            throttle_key_for_ip(IpAddr::V6(b))
        );
        assert_eq!(
            throttle_key_for_ip(IpAddr::V6(Ipv4Addr::new(10, 0, 0, 7).to_ipv6_mapped())),
            "ip:10.0.0.7"
        );
    }

    fn run(attempts: usize, now: DateTime<Utc>) -> (Option<Counter>, Vec<Decision>) {
        let mut counter = None;
        let mut decisions = Vec::new();
        for _ in 0..attempts {
            let decision = decide(counter.as_ref(), now);
            if let Decision::Proceed { next, .. } = &decision {
                counter = Some(next.clone());
            }
            decisions.push(decision);
        }
        (counter, decisions)
    }

    #[test]
    fn attempts_are_slowed_down_then_locked() {
        let now = Utc::now();
        let (counter, decisions) = run(LOCK_AFTER_FAILURES as usize + 1, now);
        for (i, decision) in decisions.iter().enumerate() {
            let prior = i as i32;
            match decision {
                Decision::Proceed { slow_down, .. } => {
                    assert!(prior < LOCK_AFTER_FAILURES);
                    assert_eq!(*slow_down, prior >= SLOW_DOWN_AFTER_FAILURES, "attempt {i}");
                }
                Decision::Locked {
                    retry_after_seconds,
                } => {
                    assert_eq!(prior, LOCK_AFTER_FAILURES);
                    assert_eq!(*retry_after_seconds, LOCKOUT_MINUTES as u64 * 60);
                }
            }
        }
        let counter = counter.unwrap();
        assert_eq!(counter.failures, LOCK_AFTER_FAILURES);
        assert_eq!(
            counter.locked_until,
            Some(now + Duration::minutes(LOCKOUT_MINUTES))
        );
    }

    #[test]
    fn a_lock_and_a_window_expire() {
        let now = Utc::now();
        let (counter, _) = run(LOCK_AFTER_FAILURES as usize, now);
        let later = now + Duration::minutes(LOCKOUT_MINUTES) + Duration::seconds(1);
        match decide(counter.as_ref(), later) {
            Decision::Proceed { slow_down, next } => {
                assert!(!slow_down);
                assert_eq!(next.failures, 1);
                assert_eq!(next.window_started_at, later);
                assert_eq!(next.locked_until, None);
            }
            other => panic!("{other:?}"),
        }

        let (counter, _) = run(SLOW_DOWN_AFTER_FAILURES as usize + 2, now);
        let later = now + Duration::minutes(FAILURE_WINDOW_MINUTES) + Duration::seconds(1);
        assert!(matches!(
            decide(counter.as_ref(), later),
            Decision::Proceed {
                slow_down: false,
                ..
            }
        ));
    }

    #[test]
    fn undoing_the_locking_attempt_unlocks() {
        let now = Utc::now();
        let (counter, _) = run(LOCK_AFTER_FAILURES as usize, now);
        let undone = undo(&counter.unwrap());
        assert_eq!(undone.failures, LOCK_AFTER_FAILURES - 1);
        assert_eq!(undone.locked_until, None);
        assert!(matches!(
            decide(Some(&undone), now),
            Decision::Proceed { .. }
        ));
        let zero = Counter {
            failures: 0,
            window_started_at: now,
            locked_until: None,
        };
        assert_eq!(undo(&zero).failures, 0);
    }
}
