//! The per-process event bus: every committed domain event reaches every subscriber of every
//! replica.
//!
//! A dispatcher task feeds a bounded `tokio::sync::broadcast` channel:
//! - on PostgreSQL it LISTENs on [`events::CHANNEL`]; writers NOTIFY in their transaction, so
//!   PostgreSQL hands each committed event to every replica's listener (reconnecting on
//!   failure, and then catching up from the table);
//! - on SQLite (one process) it polls `domain_event` for ids above the last one seen. SQLite
//!   has one writer at a time, so ids become visible in increasing order and nothing is
//!   skipped; polling also sees events written outside requests (the deadline task, the CLI),
//!   which publishing after each commit in process would have to hook one by one.
//!
//! Publishing never waits for subscribers: a subscriber that falls more than the channel's
//! capacity behind skips the events it missed (and the log says so).

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::futures_util::stream::{self, Stream};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::cache::writes::{Writes, Written};
use crate::service::events::{self, Notification, StoredEvent};

/// How many events a subscriber may fall behind before it skips some.
pub const CAPACITY: usize = 1024;

/// How often SQLite is polled for new events.
const POLL_EVERY: Duration = Duration::from_millis(150);

/// How long the dispatcher waits before trying again after a database error.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Most events read from the table at once (polling and catching up).
const BATCH: u64 = 500;

/// How many recently delivered event ids are remembered, so that catching up after a lost
/// connection delivers nothing twice.
const REMEMBERED: usize = 4096;

/// The bus of one process; clones share it.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<StoredEvent>>,
    shutdown: Arc<watch::Sender<bool>>,
    /// Every event is a write, possibly another replica's: cached reads go stale.
    writes: Writes,
    /// The highest event id published (or present when the dispatcher started), for the lag
    /// metric.
    last_published: Arc<AtomicI32>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(CAPACITY, Writes::default())
    }
}

impl EventBus {
    /// A bus whose subscribers may fall `capacity` events behind; each event it publishes is
    /// recorded in `writes`.
    pub fn new(capacity: usize, writes: Writes) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        let (shutdown, _) = watch::channel(false);
        Self {
            sender,
            shutdown: Arc::new(shutdown),
            writes,
            last_published: Arc::default(),
        }
    }

    /// Records the write and hands the event to every current subscriber, without waiting for
    /// any of them.
    pub fn publish(&self, event: StoredEvent) {
        self.writes.record(Written::by(event.kind));
        self.seen_up_to(event.id);
        crate::metrics::event_bus("published", 1);
        // An error only means nobody is subscribed right now.
        let _ = self.sender.send(Arc::new(event));
    }

    /// Records that events up to `id` need no publishing (any more).
    fn seen_up_to(&self, id: i32) {
        self.last_published.fetch_max(id, Ordering::Relaxed);
    }

    /// The highest event id published, or present when the dispatcher started.
    pub fn last_published(&self) -> i32 {
        self.last_published.load(Ordering::Relaxed)
    }

    /// How many subscription streams are open in this process.
    pub fn subscriber_count(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Ends every subscription stream (the server is shutting down).
    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn is_shut_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Resolves once [`EventBus::shut_down`] was called.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut receiver = self.shutdown.subscribe();
        async move { wait_for_shutdown(&mut receiver).await }
    }

    /// The events published from now on, until shutdown. A subscriber that lags behind skips
    /// what it missed.
    pub fn subscribe(&self) -> impl Stream<Item = Arc<StoredEvent>> + Send + 'static {
        let receiver = self.sender.subscribe();
        let shutdown = self.shutdown.subscribe();
        stream::unfold(
            (receiver, shutdown),
            |(mut receiver, mut shutdown)| async move {
                loop {
                    tokio::select! {
                        biased;
                        () = wait_for_shutdown(&mut shutdown) => return None,
                        received = receiver.recv() => match received {
                            Ok(event) => return Some((event, (receiver, shutdown))),
                            Err(broadcast::error::RecvError::Lagged(skipped)) => {
                                crate::metrics::event_bus("skipped", skipped);
                                tracing::warn!(skipped, "a slow subscriber skipped events");
                            }
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                    }
                }
            },
        )
    }
}

async fn wait_for_shutdown(receiver: &mut watch::Receiver<bool>) {
    while !*receiver.borrow_and_update() {
        if receiver.changed().await.is_err() {
            // The bus is gone: its subscribers end with its channel instead.
            std::future::pending::<()>().await;
        }
    }
}

/// Starts feeding `bus` from the database until the bus shuts down.
pub fn spawn_dispatcher(
    bus: EventBus,
    db: DatabaseConnection,
    database_url: String,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let closed = bus.closed();
        let dispatch = async {
            match db.get_database_backend() {
                DbBackend::Postgres => listen(&bus, &db, &database_url).await,
                _ => poll(&bus, &db).await,
            }
        };
        tokio::select! {
            () = closed => {},
            () = dispatch => {},
        }
    })
}

/// The newest event's id, retrying until the database answers.
async fn newest_id(db: &DatabaseConnection) -> i32 {
    loop {
        match events::latest_id(db).await {
            Ok(id) => return id,
            Err(error) => {
                tracing::warn!(%error, "event dispatcher cannot read the event table");
                tokio::time::sleep(RETRY_AFTER).await;
            }
        }
    }
}

/// SQLite: reads new rows every [`POLL_EVERY`].
async fn poll(bus: &EventBus, db: &DatabaseConnection) {
    let mut last = newest_id(db).await;
    bus.seen_up_to(last);
    let mut ticks = tokio::time::interval(POLL_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match events::after(db, last, BATCH).await {
            Ok(batch) => {
                for event in batch {
                    last = last.max(event.id);
                    bus.publish(event);
                }
            }
            Err(error) => tracing::warn!(%error, "event dispatcher cannot read new events"),
        }
    }
}

/// Event ids already delivered, so that nothing is delivered twice.
struct Delivered {
    order: VecDeque<i32>,
    ids: HashSet<i32>,
    /// The highest id delivered (or present at start).
    last: i32,
    /// The newest id when listening started: older events are never delivered.
    floor: i32,
}

impl Delivered {
    fn new(last: i32) -> Self {
        Self {
            order: VecDeque::new(),
            ids: HashSet::new(),
            last,
            floor: last,
        }
    }

    /// Where catching up starts reading. PostgreSQL ids are not in commit order, so it looks
    /// a little below the highest one delivered (those are still remembered), but never at
    /// events from before listening started.
    fn catch_up_from(&self) -> i32 {
        self.last
            .saturating_sub(REMEMBERED as i32 / 2)
            .max(self.floor)
    }

    fn was_delivered(&self, id: i32) -> bool {
        self.ids.contains(&id)
    }

    /// Records `id`; false when it was delivered already.
    fn first_time(&mut self, id: i32) -> bool {
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        self.last = self.last.max(id);
        true
    }
}

/// PostgreSQL: LISTENs on the events channel, reconnecting after a failure.
async fn listen(bus: &EventBus, db: &DatabaseConnection, url: &str) {
    let mut delivered: Option<Delivered> = None;
    loop {
        let mut listener = match PgListener::connect(url).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "event dispatcher cannot connect to PostgreSQL");
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(events::CHANNEL).await {
            tracing::warn!(%error, "event dispatcher cannot LISTEN");
            tokio::time::sleep(RETRY_AFTER).await;
            continue;
        }
        // Listening from here on: what committed while not listening is read from the table.
        let state = match delivered.as_mut() {
            Some(state) => {
                catch_up(bus, db, state).await;
                state
            }
            None => {
                let newest = newest_id(db).await;
                bus.seen_up_to(newest);
                delivered.insert(Delivered::new(newest))
            }
        };
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => deliver(bus, db, state, notification.payload()).await,
                Ok(None) => {
                    // The connection dropped and was re-established (LISTEN included).
                    tracing::warn!("event listener reconnected; catching up");
                    crate::metrics::event_bus("reconnected", 1);
                    catch_up(bus, db, state).await;
                }
                Err(error) => {
                    tracing::warn!(%error, "event listener failed; reconnecting");
                    crate::metrics::event_bus("reconnected", 1);
                    break;
                }
            }
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

async fn deliver(bus: &EventBus, db: &DatabaseConnection, state: &mut Delivered, payload: &str) {
    let notification: Notification = match serde_json::from_str(payload) {
        Ok(notification) => notification,
        Err(error) => {
            tracing::warn!(%error, "ignoring a malformed event notification");
            return;
        }
    };
    if state.was_delivered(notification.id) {
        return;
    }
    // Only a committed row counts: a notification naming no event (anyone may NOTIFY) delivers
    // nothing, and does not stop the real one from being delivered later.
    match events::by_id(db, notification.id).await {
        Ok(Some(event)) => {
            if state.first_time(event.id) {
                bus.publish(event);
            }
        }
        Ok(None) => tracing::warn!(id = notification.id, "a notification names no event"),
        Err(error) => {
            tracing::warn!(%error, id = notification.id, "cannot read an announced event")
        }
    }
}

/// Delivers the events stored since the last one delivered that were not delivered yet.
async fn catch_up(bus: &EventBus, db: &DatabaseConnection, state: &mut Delivered) {
    match events::after(db, state.catch_up_from(), REMEMBERED as u64).await {
        Ok(batch) => {
            for event in batch {
                if state.first_time(event.id) {
                    bus.publish(event);
                }
            }
        }
        Err(error) => tracing::warn!(%error, "event dispatcher cannot catch up"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivered_ids_are_remembered_and_forgotten_in_order() {
        let mut delivered = Delivered::new(10);
        assert!(delivered.first_time(11));
        assert!(!delivered.first_time(11));
        assert_eq!(delivered.last, 11);
        for id in 12..(12 + REMEMBERED as i32) {
            assert!(delivered.first_time(id));
        }
        // 11 was forgotten: the oldest goes first.
        assert!(delivered.first_time(11));
        assert_eq!(delivered.ids.len(), REMEMBERED);
    }

    #[test]
    fn catching_up_never_reaches_below_where_listening_started() {
        let mut delivered = Delivered::new(5_000);
        assert_eq!(delivered.catch_up_from(), 5_000);
        delivered.first_time(5_001);
        assert_eq!(delivered.catch_up_from(), 5_000);
        for id in 5_002..10_000 {
            delivered.first_time(id);
        }
        assert_eq!(delivered.catch_up_from(), 9_999 - REMEMBERED as i32 / 2);
    }

    #[tokio::test]
    async fn a_subscriber_that_never_reads_does_not_hold_up_publishing() {
        use async_graphql::futures_util::StreamExt;
        let bus = EventBus::new(4, Writes::default());
        let _idle = bus.subscribe();
        let mut reader = Box::pin(bus.subscribe());
        let event = |id| StoredEvent {
            id,
            event_id: format!("e{id}"),
            kind: events::EventKind::VacancyPublished,
            organisation_id: 1,
            vacancy_id: 1,
            application_id: None,
            candidate_account_id: None,
            payload: serde_json::Value::Null,
            occurred_at: chrono::Utc::now(),
        };
        for id in 1..=100 {
            bus.publish(event(id));
        }
        // The reader lagged too: it skips to the newest events it still can read.
        assert_eq!(reader.next().await.map(|e| e.id), Some(97));
        bus.shut_down();
        assert!(reader.next().await.is_none());
    }
}
