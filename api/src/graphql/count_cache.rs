//! A short-lived cache of list totals (`totalCount`).
//!
//! Counting a list means reading every row that matches it: for the public list of open
//! vacancies that is most of the table, many times the cost of the page itself. A total a few
//! seconds old is good enough for a pager ("1,234 vacancies"), so totals are kept for
//! `TOTAL_COUNT_CACHE_SECONDS` (0 turns this off). The key is the exact counting statement with
//! its values, visibility condition included, so a total is only ever reused for a caller who
//! would have counted the same rows.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::AppResult;
use crate::service::pagination::TotalCount;

/// Most totals kept; past it, stale entries go, and if none is stale, all of them.
const MAX_ENTRIES: usize = 10_000;

pub struct CountCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, i64)>>,
}

impl CountCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The total, from the cache while it is fresh, else counted (and kept).
    pub async fn get(&self, total: &TotalCount) -> AppResult<i64> {
        if self.ttl.is_zero() {
            return total.get().await;
        }
        let key = total.key();
        let now = Instant::now();
        if let Some(n) = self.fresh(&key, now) {
            return Ok(n);
        }
        let n = total.get().await?;
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                let ttl = self.ttl;
                entries.retain(|_, (at, _)| now.duration_since(*at) < ttl);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(key, (now, n));
        }
        Ok(n)
    }

    fn fresh(&self, key: &str, now: Instant) -> Option<i64> {
        let entries = self.entries.lock().ok()?;
        let (at, n) = entries.get(key)?;
        (now.duration_since(*at) < self.ttl).then_some(*n)
    }
}
