//! Values read from the database and reused for a while, shared by the caches of counts, facets
//! and anonymous responses.
//!
//! A value is fresh for the configured time. After that it is still served to every request but
//! one, which computes the next value meanwhile: a popular value never makes a crowd of requests
//! wait for the database at once, only the one that refreshes it. A value older than twice the
//! time is gone. Keys start with the number of writes seen (`crate::cache::writes`), so after a write
//! nothing from before it is served at all: the first request computes, and concurrent requests
//! for the same key wait for that one computation.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::future::Cache;

/// The writes seen, and what was asked.
pub type Key = (u64, String);

/// A kept value and when it was made.
struct Kept<V> {
    value: V,
    made: Instant,
    /// Whether a request is computing its successor.
    refreshing: AtomicBool,
}

impl<V> Kept<V> {
    fn new(value: V) -> Arc<Self> {
        Arc::new(Self {
            value,
            made: Instant::now(),
            refreshing: AtomicBool::new(false),
        })
    }
}

pub struct Reuse<V> {
    /// The cache's name in the metrics.
    name: &'static str,
    fresh_for: Duration,
    kept: Cache<Key, Arc<Kept<V>>>,
}

impl<V: Clone + Send + Sync + 'static> Reuse<V> {
    /// Keeps values fresh for `fresh_for`, at most `capacity` of them as `weigh` weighs them;
    /// lookups are counted under `name`.
    pub fn new(
        name: &'static str,
        fresh_for: Duration,
        capacity: u64,
        weigh: fn(&str, &V) -> u32,
    ) -> Self {
        let kept = Cache::builder()
            .max_capacity(capacity)
            .weigher(move |key: &Key, kept: &Arc<Kept<V>>| weigh(&key.1, &kept.value))
            .time_to_live(fresh_for.saturating_mul(2))
            .build();
        Self {
            name,
            fresh_for,
            kept,
        }
    }

    /// The value for `key`: a kept one, else `compute`'s, kept when it is `Ok`. An error is not
    /// kept; the requests that waited for it get it too.
    pub async fn get_or_compute<E: Send + Sync + 'static>(
        &self,
        key: Key,
        compute: impl Future<Output = Result<V, E>>,
    ) -> Result<V, Arc<E>> {
        let found = self.kept.get(&key).await;
        crate::metrics::cache_lookup(self.name, found.is_some());
        if let Some(kept) = found {
            let stale = kept.made.elapsed() >= self.fresh_for;
            if !stale || kept.refreshing.swap(true, Ordering::SeqCst) {
                return Ok(kept.value.clone());
            }
            // This request refreshes it; the others keep getting the stale value meanwhile.
            return match compute.await {
                Ok(value) => {
                    self.kept.insert(key, Kept::new(value.clone())).await;
                    Ok(value)
                }
                Err(error) => {
                    kept.refreshing.store(false, Ordering::SeqCst);
                    Err(Arc::new(error))
                }
            };
        }
        self.kept
            .try_get_with(key, async { compute.await.map(Kept::new) })
            .await
            .map(|kept| kept.value.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn reuse(fresh_for: Duration) -> Reuse<usize> {
        Reuse::new("test", fresh_for, 100, |_, _| 1)
    }

    async fn get(reuse: &Reuse<usize>, calls: &AtomicUsize) -> usize {
        reuse
            .get_or_compute::<()>((0, "k".to_owned()), async {
                Ok(calls.fetch_add(1, Ordering::SeqCst) + 1)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_fresh_value_is_reused_and_a_stale_one_served_once_while_refreshed() {
        let reuse = reuse(Duration::from_millis(100));
        let calls = AtomicUsize::new(0);
        assert_eq!(get(&reuse, &calls).await, 1);
        assert_eq!(get(&reuse, &calls).await, 1);
        tokio::time::sleep(Duration::from_millis(120)).await;
        // The first request after it went stale computes the next value.
        assert_eq!(get(&reuse, &calls).await, 2);
        assert_eq!(get(&reuse, &calls).await, 2);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn while_one_request_refreshes_the_others_get_the_stale_value() {
        let reuse = reuse(Duration::from_millis(50));
        let calls = AtomicUsize::new(0);
        assert_eq!(get(&reuse, &calls).await, 1);
        tokio::time::sleep(Duration::from_millis(60)).await;
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let key = (0, "k".to_owned());
        let refreshing = reuse.get_or_compute::<()>(key, async {
            let _ = wait.await;
            Ok(10)
        });
        let others = async {
            let stale = get(&reuse, &calls).await;
            let _ = release.send(());
            stale
        };
        let (refreshed, stale) = tokio::join!(refreshing, others);
        assert_eq!((refreshed.unwrap(), stale), (10, 1));
        assert_eq!(get(&reuse, &calls).await, 10);
    }

    #[tokio::test]
    async fn errors_are_not_kept() {
        let reuse = reuse(Duration::from_secs(60));
        let failed = reuse
            .get_or_compute((0, "k".to_owned()), async { Err("down") })
            .await;
        assert_eq!(failed.map_err(|e| *e), Err("down"));
        let calls = AtomicUsize::new(0);
        assert_eq!(get(&reuse, &calls).await, 1);
    }
}
