//! Sign-in counters in the `login_throttle` table. The database is the only state, and every
//! change is a compare-and-swap on the row's previous values, so any number of replicas agree.

use std::net::IpAddr;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::login_throttle;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::MAX_EMAIL_LEN;
use crate::error::{AppError, AppResult};

/// Failed sign-ins are counted in a window of this many minutes that starts at the first one,
/// per address and account (`pair:<address>|<e-mail>`) and per address (`ip:<address>`).
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// After this many failures from one address in the window, whatever the accounts, the address
/// is refused with `RATE_LIMITED` for [`ADDRESS_LOCKOUT_MINUTES`], so that one address cannot
/// try many accounts. Nothing locks an account itself: failures from elsewhere never keep its
/// owner out.
pub const ADDRESS_LOCK_AFTER_FAILURES: i32 = 10;
/// How long a locked address stays locked.
pub const ADDRESS_LOCKOUT_MINUTES: i64 = 15;

/// How many times a throttle counter update is retried when another request (on this replica or
/// another) changed the same counter in between.
const THROTTLE_RETRIES: usize = 8;

/// How failed sign-ins to one account from one address are paced: each failure in the window
/// puts the next attempt off for longer (1 s, 2 s, 4 s … 30 s by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// The wait after the first failure, doubled after each further one.
    pub first_delay: std::time::Duration,
    /// The longest wait.
    pub max_delay: std::time::Duration,
    /// The longest a request waits for its turn in the server; one that would wait longer is
    /// refused with `RATE_LIMITED`, saying when its turn comes.
    pub max_wait: std::time::Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            first_delay: std::time::Duration::from_secs(1),
            max_delay: std::time::Duration::from_secs(30),
            max_wait: std::time::Duration::from_secs(5),
        }
    }
}

impl Pacing {
    /// The wait before the next attempt after `failures` failures in the window.
    pub fn delay_after(&self, failures: i32) -> std::time::Duration {
        let Some(doublings) = u32::try_from(failures - 1).ok() else {
            return std::time::Duration::ZERO;
        };
        self.first_delay
            .saturating_mul(1 << doublings.min(30))
            .min(self.max_delay)
    }
}

/// IPv6 clients are counted by their /64 network: one host usually holds a whole /64.
fn network_of(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
    }
}

pub(super) fn throttle_key_for_ip(ip: IpAddr) -> String {
    format!("ip:{}", network_of(ip))
}

/// Requests that send mail (registration, password reset, a new verification link) from one
/// address, counted like failed sign-ins so that one address cannot mail the world.
pub(super) fn throttle_key_for_mail(ip: IpAddr) -> String {
    format!("mail:{}", network_of(ip))
}

/// One account tried from one address (callers whose address is unknown share one).
pub(super) fn throttle_key_for_pair(client: Option<IpAddr>, email: &str) -> String {
    let email: String = email.chars().take(MAX_EMAIL_LEN).collect();
    let network = client.map_or_else(|| "unknown".to_owned(), network_of);
    format!("pair:{network}|{email}")
}

/// A key's counter. `locked_until` is when an address lock ends, or when an address and
/// account pair's next attempt may be checked.
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
    /// Refuse it, uncounted, saying when to come back.
    Refused { retry_after_seconds: u64 },
    /// Check the password after `wait`, with the attempt counted in `next`.
    Proceed {
        wait: std::time::Duration,
        next: Counter,
    },
}

fn in_window(counter: &Counter, now: DateTime<Utc>) -> bool {
    counter.window_started_at + Duration::minutes(FAILURE_WINDOW_MINUTES) > now
}

fn seconds_until(instant: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    let millis = (instant - now).num_milliseconds().max(0);
    u64::try_from((millis + 999) / 1000).unwrap_or(1).max(1)
}

/// Counts one attempt from an address, whatever the account: refused while the address is
/// locked, locked once it has failed [`ADDRESS_LOCK_AFTER_FAILURES`] times in the window.
pub(super) fn decide_for_address(current: Option<&Counter>, now: DateTime<Utc>) -> Decision {
    if let Some(until) = current.and_then(|c| c.locked_until) {
        if until > now {
            return Decision::Refused {
                retry_after_seconds: seconds_until(until, now),
            };
        }
    }
    let counting = current.filter(|c| c.locked_until.is_none() && in_window(c, now));
    let (prior, window_started_at) = match counting {
        Some(c) => (c.failures, c.window_started_at),
        None => (0, now),
    };
    let failures = prior.saturating_add(1);
    Decision::Proceed {
        wait: std::time::Duration::ZERO,
        next: Counter {
            failures,
            window_started_at,
            locked_until: (failures >= ADDRESS_LOCK_AFTER_FAILURES)
                .then(|| now + Duration::minutes(ADDRESS_LOCKOUT_MINUTES)),
        },
    }
}

/// Counts one attempt at an account from an address: its turn comes when the previous
/// attempt's delay is over. Attempts sent together queue one after the other, so sending many
/// at once gains nothing; one whose turn is further off than [`Pacing::max_wait`] is refused.
pub(super) fn decide_for_pair(
    current: Option<&Counter>,
    now: DateTime<Utc>,
    pacing: &Pacing,
) -> Decision {
    let counting = current.filter(|c| in_window(c, now));
    let (prior, window_started_at, turn) = match counting {
        Some(c) => (
            c.failures,
            c.window_started_at,
            c.locked_until.map_or(now, |at| at.max(now)),
        ),
        None => (0, now, now),
    };
    let wait = (turn - now).to_std().unwrap_or_default();
    if wait > pacing.max_wait {
        return Decision::Refused {
            retry_after_seconds: seconds_until(turn, now),
        };
    }
    let failures = prior.saturating_add(1);
    Decision::Proceed {
        wait,
        next: Counter {
            failures,
            window_started_at,
            locked_until: Some(turn + chrono_of(pacing.delay_after(failures))),
        },
    }
}

/// Delays are validated at start to be at most an hour.
fn chrono_of(delay: std::time::Duration) -> Duration {
    Duration::from_std(delay).unwrap_or(Duration::hours(1))
}

/// Takes one counted attempt back from an address (it turned out not to be a failure).
pub(super) fn undo(current: &Counter) -> Counter {
    let failures = (current.failures - 1).max(0);
    Counter {
        failures,
        window_started_at: current.window_started_at,
        locked_until: current
            .locked_until
            .filter(|_| failures >= ADDRESS_LOCK_AFTER_FAILURES),
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
                .filter(match row.locked_until {
                    Some(at) => login_throttle::Column::LockedUntil.eq(at),
                    None => login_throttle::Column::LockedUntil.is_null(),
                })
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

/// Counts an attempt for `key` as `decide` says; refuses it, or returns how long it must wait
/// before its password is checked.
pub(super) async fn attempt(
    db: &DatabaseConnection,
    key: &str,
    decide: impl Fn(Option<&Counter>, DateTime<Utc>) -> Decision,
) -> AppResult<std::time::Duration> {
    for _ in 0..THROTTLE_RETRIES {
        let row = load(db, key).await?;
        // Whole microseconds: what PostgreSQL keeps, so the next swap compares equal.
        let now = Utc::now().trunc_subsecs(6);
        match decide(row.as_ref().map(Counter::from).as_ref(), now) {
            Decision::Refused {
                retry_after_seconds,
            } => {
                crate::metrics::login_throttled(key);
                return Err(AppError::RateLimited {
                    retry_after_seconds,
                });
            }
            Decision::Proceed { wait, next } => {
                if swap(db, key, row.as_ref(), &next).await? {
                    return Ok(wait);
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

/// Forgets every failure of `key` (after a successful sign-in from that address).
pub(super) async fn clear(db: &DatabaseConnection, key: &str) -> AppResult<()> {
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets failed sign-ins whose window and lock (or turn) are both over, so the table does not
/// grow with every address and e-mail ever tried. Returns how many were removed.
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
    use std::time::Duration as StdDuration;

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
        assert_eq!(
            throttle_key_for_pair(Some(IpAddr::V6(a)), "x@example.org"),
            "pair:2001:db8:1:2::/64|x@example.org"
        );
        assert_ne!(
            throttle_key_for_pair(Some(Ipv4Addr::new(10, 0, 0, 7).into()), "x@example.org"),
            throttle_key_for_pair(Some(Ipv4Addr::new(10, 0, 0, 8).into()), "x@example.org")
        );
    }

    #[test]
    fn each_further_failure_waits_longer_up_to_the_cap() {
        let pacing = Pacing::default();
        let delays: Vec<u64> = (0..=8)
            .map(|failures| pacing.delay_after(failures).as_secs())
            .collect();
        assert_eq!(delays, [0, 1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(pacing.delay_after(i32::MAX), pacing.max_delay);
    }

    /// `attempts` attempts, each sent when the previous one's decision came, at `now` plus the
    /// waits so far; the counter after them and the decisions.
    fn run_pair(attempts: usize, now: DateTime<Utc>) -> (Option<Counter>, Vec<Decision>) {
        let pacing = Pacing::default();
        let mut counter = None;
        let mut decisions = Vec::new();
        for _ in 0..attempts {
            let decision = decide_for_pair(counter.as_ref(), now, &pacing);
            if let Decision::Proceed { next, .. } = &decision {
                counter = Some(next.clone());
            }
            decisions.push(decision);
        }
        (counter, decisions)
    }

    #[test]
    fn attempts_sent_together_queue_then_are_refused() {
        let now = Utc::now();
        let (counter, decisions) = run_pair(5, now);
        let waits: Vec<_> = decisions
            .iter()
            .map(|decision| match decision {
                Decision::Proceed { wait, .. } => Ok(wait.as_secs()),
                Decision::Refused {
                    retry_after_seconds,
                } => Err(*retry_after_seconds),
            })
            .collect();
        // Turns at 0, 1 and 3 s; the fourth would wait 7 s, more than `max_wait`.
        assert_eq!(waits, [Ok(0), Ok(1), Ok(3), Err(7), Err(7)]);
        let counter = counter.unwrap();
        assert_eq!(counter.failures, 3);
        assert_eq!(counter.locked_until, Some(now + Duration::seconds(7)));
    }

    #[test]
    fn an_attempt_after_its_turn_proceeds_at_once_and_sets_the_next() {
        let pacing = Pacing::default();
        let start = Utc::now();
        let mut counter = None;
        let mut now = start;
        for failures in 1..=8 {
            let Decision::Proceed { wait, next } = decide_for_pair(counter.as_ref(), now, &pacing)
            else {
                panic!("attempt {failures} refused");
            };
            assert_eq!(wait, StdDuration::ZERO);
            assert_eq!(next.failures, failures);
            let delay = chrono_of(pacing.delay_after(failures));
            assert_eq!(next.locked_until, Some(now + delay));
            // Too early: refused, uncounted, told when to come back.
            let early = now + delay - Duration::seconds(6);
            if early > now {
                assert_eq!(
                    decide_for_pair(Some(&next), early, &pacing),
                    Decision::Refused {
                        retry_after_seconds: 6
                    }
                );
            }
            counter = Some(next);
            now += delay;
        }
        // A new window starts afresh.
        let later = start + Duration::minutes(FAILURE_WINDOW_MINUTES) + Duration::seconds(1);
        match decide_for_pair(counter.as_ref(), later, &pacing) {
            Decision::Proceed { wait, next } => {
                assert_eq!(wait, StdDuration::ZERO);
                assert_eq!(next.failures, 1);
                assert_eq!(next.window_started_at, later);
            }
            other => panic!("{other:?}"),
        }
    }

    fn run_address(attempts: usize, now: DateTime<Utc>) -> (Option<Counter>, Vec<Decision>) {
        let mut counter = None;
        let mut decisions = Vec::new();
        for _ in 0..attempts {
            let decision = decide_for_address(counter.as_ref(), now);
            if let Decision::Proceed { next, .. } = &decision {
                counter = Some(next.clone());
            }
            decisions.push(decision);
        }
        (counter, decisions)
    }

    #[test]
    fn an_address_is_locked_after_its_failures() {
        let now = Utc::now();
        let (counter, decisions) = run_address(ADDRESS_LOCK_AFTER_FAILURES as usize + 1, now);
        for (i, decision) in decisions.iter().enumerate() {
            let prior = i as i32;
            match decision {
                Decision::Proceed { wait, .. } => {
                    assert!(prior < ADDRESS_LOCK_AFTER_FAILURES);
                    assert_eq!(*wait, StdDuration::ZERO);
                }
                Decision::Refused {
                    retry_after_seconds,
                } => {
                    assert_eq!(prior, ADDRESS_LOCK_AFTER_FAILURES);
                    assert_eq!(*retry_after_seconds, ADDRESS_LOCKOUT_MINUTES as u64 * 60);
                }
            }
        }
        let counter = counter.unwrap();
        assert_eq!(counter.failures, ADDRESS_LOCK_AFTER_FAILURES);
        assert_eq!(
            counter.locked_until,
            Some(now + Duration::minutes(ADDRESS_LOCKOUT_MINUTES))
        );
    }

    #[test]
    fn a_lock_and_a_window_expire() {
        let now = Utc::now();
        let (counter, _) = run_address(ADDRESS_LOCK_AFTER_FAILURES as usize, now);
        let later = now + Duration::minutes(ADDRESS_LOCKOUT_MINUTES) + Duration::seconds(1);
        match decide_for_address(counter.as_ref(), later) {
            Decision::Proceed { next, .. } => {
                assert_eq!(next.failures, 1);
                assert_eq!(next.window_started_at, later);
                assert_eq!(next.locked_until, None);
            }
            other => panic!("{other:?}"),
        }

        let (counter, _) = run_address(3, now);
        let later = now + Duration::minutes(FAILURE_WINDOW_MINUTES) + Duration::seconds(1);
        match decide_for_address(counter.as_ref(), later) {
            Decision::Proceed { next, .. } => assert_eq!(next.failures, 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn undoing_the_locking_attempt_unlocks() {
        let now = Utc::now();
        let (counter, _) = run_address(ADDRESS_LOCK_AFTER_FAILURES as usize, now);
        let undone = undo(&counter.unwrap());
        assert_eq!(undone.failures, ADDRESS_LOCK_AFTER_FAILURES - 1);
        assert_eq!(undone.locked_until, None);
        assert!(matches!(
            decide_for_address(Some(&undone), now),
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
