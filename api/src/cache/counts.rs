//! A cache of list totals (`totalCount`) and vacancy facets, dropped by the writes that could
//! change them.
//!
//! Counting a list reads every row that matches it: for the public list of open vacancies that
//! is most of the table, and facets group the same rows nine ways, hundreds of times the cost
//! of the page itself. Job boards are read far more than written, so counts are kept for
//! `COUNT_CACHE_SECONDS` (0 turns this off) and dropped when something they count is written
//! (`crate::cache::writes`: any write for most totals, a catalogue write for vacancy totals and
//! facets), after every mutation this server executes and on every domain event the event bus
//! delivers, which covers the other replicas' publications, closings, edits and applications. A
//! caller therefore always sees its own writes counted; what raises no event on another replica
//! (a draft created there) shows within twice the TTL, and so does a deadline passing before the
//! deadline task closes the notice.
//!
//! Totals are keyed by the exact counting statement with its values, visibility condition
//! included; a vacancy list's total and facets (read with its page in one statement, which reads
//! the page alone while they are kept) by the caller's read scope, the whole filter and which of
//! them are asked, so counts are only ever reused for a caller who would have counted the same
//! rows. How a kept count is refreshed: `crate::cache::reuse`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::cache::reuse::Reuse;
use crate::cache::writes::Writes;
use crate::error::{AppError, AppResult};
use crate::service::pagination::TotalCount;
use crate::service::vacancy::listing::Counts;

/// Most totals, and most facet sets, kept at once.
const MAX_ENTRIES: u64 = 10_000;

#[derive(Clone, Default)]
pub struct CountCache {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    writes: Writes,
    totals: Reuse<i64>,
    lists: Reuse<Arc<Counts>>,
}

impl CountCache {
    /// Keeps counts for `ttl`, or until `writes` records one; a zero `ttl` counts on every
    /// request.
    pub fn new(ttl: Duration, writes: Writes) -> Self {
        if ttl.is_zero() {
            return Self { inner: None };
        }
        Self {
            inner: Some(Arc::new(Inner {
                writes,
                totals: Reuse::new("totals", ttl, MAX_ENTRIES, |_, _| 1),
                lists: Reuse::new("facets", ttl, MAX_ENTRIES, |_, _| 1),
            })),
        }
    }

    /// The total, from the cache while it is fresh, else counted (and kept).
    pub async fn total(&self, total: &TotalCount) -> AppResult<i64> {
        let Some(inner) = &self.inner else {
            return total.get().await;
        };
        let writes = if total.is_of_catalogue() {
            inner.writes.seen_in_catalogue()
        } else {
            inner.writes.seen()
        };
        inner
            .totals
            .get_or_compute((writes, total.key()), total.get())
            .await
            .map_err(shared)
    }

    /// Whether counts are kept at all.
    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// A vacancy list's counts (total and facets) `key` names, from the cache while fresh, else
    /// computed by `compute` (and kept).
    pub async fn list_counts(
        &self,
        key: String,
        compute: impl Future<Output = AppResult<Counts>>,
    ) -> AppResult<Arc<Counts>> {
        let Some(inner) = &self.inner else {
            return compute.await.map(Arc::new);
        };
        let key = (inner.writes.seen_in_catalogue(), key);
        inner
            .lists
            .get_or_compute(key, async { compute.await.map(Arc::new) })
            .await
            .map_err(shared)
    }
}

impl fmt::Debug for CountCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CountCache")
            .field("enabled", &self.inner.is_some())
            .finish()
    }
}

/// The error of a computation other requests were waiting for, as each of them reports it.
fn shared(error: Arc<AppError>) -> AppError {
    match error.as_ref() {
        AppError::BadUserInput { field, message } => AppError::bad_input(field, message),
        AppError::NotFound(what) => AppError::NotFound(what),
        AppError::DatabaseUnavailable(_) => {
            AppError::DatabaseUnavailable(Box::new(SharedError(error)))
        }
        _ => AppError::internal(SharedError(error)),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct SharedError(Arc<AppError>);
