//! Buckets in this process: a sliding log of the turns given in the last window.
//!
//! A turn is free when the last window ([`Quota::window`]: the period and the margin) holds
//! fewer than `requests` turns and no hold is under way. The callers of a bucket queue in
//! arrival order (a FIFO lock): the first takes a free turn at once, or sleeps until the oldest
//! turn of the window leaves it or the hold ends, and then looks at the log and the hold again,
//! so that a hold set during its sleep wins. The log records when each turn was given, not
//! when it was booked. A caller knows on arrival how long its wait is at least (the callers
//! ahead of it take the free turns first), so that one beyond its budget is refused at once.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::{Quota, RateLimitError, RateLimiter};
use crate::auth::BoxFuture;

/// Buckets in this process. [`LocalRateLimiter::global`] is the one every client uses unless
/// told otherwise, so that all the clients of a process with one credential share its quota.
#[derive(Default)]
pub struct LocalRateLimiter {
    buckets: Mutex<HashMap<String, Arc<Bucket>>>,
}

/// Idle buckets are dropped when there are more than this many.
const KEPT: usize = 256;

struct Bucket {
    /// At most this many turns...
    requests: usize,
    /// ...in any window this long.
    window: Duration,
    /// Held by the caller whose turn is next; the others queue for it in arrival order.
    turn: tokio::sync::Mutex<()>,
    /// Callers waiting for a turn, the one holding `turn` included.
    waiting: AtomicUsize,
    log: Mutex<Log>,
}

#[derive(Default)]
struct Log {
    /// When each turn of the last window was given, oldest first.
    turns: VecDeque<Instant>,
    /// No turn before this instant (a `429` was answered).
    held_until: Option<Instant>,
}

impl std::fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let buckets = self.buckets.lock().map_or(0, |b| b.len());
        f.debug_struct("LocalRateLimiter")
            .field("buckets", &buckets)
            .finish()
    }
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bucket")
            .field("requests", &self.requests)
            .field("window", &self.window)
            .field("waiting", &self.waiting)
            .finish_non_exhaustive()
    }
}

impl LocalRateLimiter {
    /// Buckets of one's own, shared with no other client (tests, or clients that must not
    /// count against the process's quota).
    pub fn new() -> Self {
        Self::default()
    }

    /// The buckets of this process, shared by every client that is not given another limiter.
    pub fn global() -> Arc<LocalRateLimiter> {
        static GLOBAL: LazyLock<Arc<LocalRateLimiter>> = LazyLock::new(Arc::default);
        Arc::clone(&GLOBAL)
    }

    fn bucket(&self, key: &str, quota: &Quota) -> Arc<Bucket> {
        let mut buckets = self.buckets.lock().expect("not poisoned");
        if let Some(bucket) = buckets.get(key) {
            return Arc::clone(bucket);
        }
        if buckets.len() >= KEPT {
            let now = Instant::now();
            buckets.retain(|_, bucket| Arc::strong_count(bucket) > 1 || !bucket.idle(now));
        }
        let bucket = Arc::new(Bucket::new(quota));
        buckets.insert(key.to_owned(), Arc::clone(&bucket));
        bucket
    }

    /// Waits for a turn, none before `not_before`; see [`RateLimiter::acquire`].
    pub(crate) async fn acquire_after(
        &self,
        key: &str,
        quota: &Quota,
        max_wait: Duration,
        not_before: Option<Instant>,
    ) -> Result<Duration, RateLimitError> {
        let bucket = self.bucket(key, quota);
        let arrived = Instant::now();
        let ahead = bucket.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting(&bucket.waiting);
        let too_long = |wait: Duration| RateLimitError::WaitTooLong {
            wait,
            max_wait,
            quota: *quota,
        };
        let queued = bucket
            .log()
            .turn_after(ahead, &bucket, arrived, not_before)
            .saturating_duration_since(arrived);
        if queued > max_wait {
            return Err(too_long(queued));
        }
        let _turn = bucket.turn.lock().await;
        loop {
            let now = Instant::now();
            let free = {
                let mut log = bucket.log();
                let free = log.turn_after(0, &bucket, now, not_before);
                if free <= now {
                    log.turns.push_back(now);
                    return Ok(now - arrived);
                }
                free
            };
            let total = free - arrived;
            if total > max_wait {
                return Err(too_long(total));
            }
            tokio::time::sleep_until(free).await;
        }
    }

    /// No turn of bucket `key` before `until`.
    pub(crate) fn hold(&self, key: &str, quota: &Quota, until: Instant) {
        let bucket = self.bucket(key, quota);
        let mut log = bucket.log();
        log.held_until = Some(log.held_until.map_or(until, |held| held.max(until)));
    }

    /// Counts a turn given elsewhere (by Redis) at `at`, so that this process's own turns are
    /// known here when counting falls back to it.
    #[cfg(feature = "redis")]
    pub(crate) fn record(&self, key: &str, quota: &Quota, at: Instant) {
        let bucket = self.bucket(key, quota);
        let mut log = bucket.log();
        log.forget_before(at, bucket.window);
        let later = log.turns.iter().rev().take_while(|t| **t > at).count();
        let at_index = log.turns.len() - later;
        log.turns.insert(at_index, at);
    }

    /// The earliest a turn of bucket `key` could be given by what this process knows.
    #[cfg(feature = "redis")]
    pub(crate) fn next_free(&self, key: &str, quota: &Quota) -> Instant {
        let bucket = self.bucket(key, quota);
        let now = Instant::now();
        bucket.log().turn_after(0, &bucket, now, None)
    }
}

impl RateLimiter for LocalRateLimiter {
    fn acquire<'a>(
        &'a self,
        key: &'a str,
        quota: &'a Quota,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Duration, RateLimitError>> {
        Box::pin(self.acquire_after(key, quota, max_wait, None))
    }

    fn pause<'a>(&'a self, key: &'a str, quota: &'a Quota, pause: Duration) -> BoxFuture<'a, ()> {
        self.hold(key, quota, Instant::now() + pause);
        Box::pin(async {})
    }
}

impl Bucket {
    fn new(quota: &Quota) -> Self {
        Self {
            requests: usize::try_from(quota.requests.max(1)).unwrap_or(usize::MAX),
            window: quota.window(),
            turn: tokio::sync::Mutex::new(()),
            waiting: AtomicUsize::new(0),
            log: Mutex::default(),
        }
    }

    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().expect("not poisoned")
    }

    /// Whether a new bucket would behave the same: no turn in the last window, no hold.
    fn idle(&self, now: Instant) -> bool {
        let log = self.log();
        log.turns
            .back()
            .is_none_or(|last| *last + self.window <= now)
            && log.held_until.is_none_or(|until| until <= now)
    }
}

impl Log {
    /// Drops the turns that left the window ending at `now`.
    fn forget_before(&mut self, now: Instant, window: Duration) {
        while self.turns.front().is_some_and(|t| *t + window <= now) {
            self.turns.pop_front();
        }
    }

    /// The earliest instant at which the turn of a caller with `ahead` callers before it can
    /// come, seen from `now`: the callers ahead take the free turns first, and a turn is free
    /// once the window before it holds fewer than `requests` turns and the hold is over.
    fn turn_after(
        &mut self,
        ahead: usize,
        bucket: &Bucket,
        now: Instant,
        not_before: Option<Instant>,
    ) -> Instant {
        self.forget_before(now, bucket.window);
        let earliest = now
            .max(self.held_until.unwrap_or(now))
            .max(not_before.unwrap_or(now));
        // The turns to come repeat the log's a window later: turn `n` of the callers waiting
        // is `n / requests` windows after the log's turn `len + n % requests - requests`.
        let (rounds, index) = (ahead / bucket.requests, ahead % bucket.requests);
        let first = match (self.turns.len() + index).checked_sub(bucket.requests) {
            Some(oldest) => earliest.max(self.turns[oldest] + bucket.window),
            None => earliest,
        };
        first + bucket.window * u32::try_from(rounds).unwrap_or(u32::MAX)
    }
}

/// Counts a caller out of a bucket's queue, however its wait ends (a dropped future too).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10 a second, a window of 1.05 s.
    const QUOTA: Quota = Quota::per(10, Duration::from_secs(1));
    const LONG: Duration = Duration::from_secs(3600);

    /// Sends `calls` calls at once through `limiter` and returns when each got its turn, from
    /// the start, in milliseconds.
    async fn turns(limiter: &Arc<LocalRateLimiter>, key: &str, calls: usize) -> Vec<u128> {
        let start = Instant::now();
        let tasks: Vec<_> = (0..calls)
            .map(|_| {
                let limiter = Arc::clone(limiter);
                let key = key.to_owned();
                tokio::spawn(async move {
                    limiter.acquire(&key, &QUOTA, LONG).await.unwrap();
                    start.elapsed().as_millis()
                })
            })
            .collect();
        let mut turns = Vec::new();
        for task in tasks {
            turns.push(task.await.unwrap());
        }
        turns.sort_unstable();
        turns
    }

    #[tokio::test(start_paused = true)]
    async fn the_quota_goes_at_once_then_a_window_later_and_no_window_holds_more() {
        let limiter = Arc::new(LocalRateLimiter::new());
        let turns = turns(&limiter, "a", 25).await;
        let expected: Vec<u128> = [0; 10]
            .into_iter()
            .chain([1050; 10])
            .chain([2100; 5])
            .collect();
        assert_eq!(turns, expected);
        for (i, first) in turns.iter().enumerate() {
            let in_window = turns[i..].iter().take_while(|t| **t < first + 1000).count();
            assert!(
                in_window <= 10,
                "{in_window} turns in a second from {first} ms"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_turn_comes_as_the_oldest_of_the_window_leaves_it() {
        let limiter = Arc::new(LocalRateLimiter::new());
        for _ in 0..5 {
            limiter.acquire("a", &QUOTA, LONG).await.unwrap();
        }
        tokio::time::advance(Duration::from_millis(300)).await;
        for _ in 0..5 {
            limiter.acquire("a", &QUOTA, LONG).await.unwrap();
        }
        // Ten in the window: the next two come when the first five leave it, at 1.05 s.
        let turns = turns(&limiter, "a", 7).await;
        assert_eq!(turns, [750, 750, 750, 750, 750, 1050, 1050]);
    }

    #[tokio::test(start_paused = true)]
    async fn buckets_are_independent() {
        let limiter = Arc::new(LocalRateLimiter::new());
        let (a, b) = tokio::join!(turns(&limiter, "a", 11), turns(&limiter, "b", 11));
        assert_eq!(a[9..], [0, 1050]);
        assert_eq!(b[9..], [0, 1050]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_back_every_caller_then_the_quota_goes_at_once() {
        let limiter = Arc::new(LocalRateLimiter::new());
        limiter.acquire("a", &QUOTA, LONG).await.unwrap();
        limiter.pause("a", &QUOTA, Duration::from_secs(2)).await;
        let turns = turns(&limiter, "a", 11).await;
        assert_eq!(turns[..10], [2000; 10]);
        assert_eq!(turns[10], 3050);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_during_a_wait_holds_back_the_turn_that_was_coming() {
        let limiter = Arc::new(LocalRateLimiter::new());
        turns(&limiter, "a", 10).await;
        let waiting = {
            let limiter = Arc::clone(&limiter);
            tokio::spawn(async move { limiter.acquire("a", &QUOTA, LONG).await.unwrap() })
        };
        tokio::task::yield_now().await;
        // The turn was to come at 1.05 s; a 429 at 0.5 s holds everything until 2.5 s.
        tokio::time::advance(Duration::from_millis(500)).await;
        limiter.pause("a", &QUOTA, Duration::from_secs(2)).await;
        assert_eq!(waiting.await.unwrap(), Duration::from_millis(2500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_turn_beyond_the_budget_is_refused_at_once_saying_how_far() {
        let limiter = Arc::new(LocalRateLimiter::new());
        limiter.pause("a", &QUOTA, Duration::from_secs(5)).await;
        let start = Instant::now();
        let refused = limiter
            .acquire("a", &QUOTA, Duration::from_secs(1))
            .await
            .unwrap_err();
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(
            refused,
            RateLimitError::WaitTooLong {
                wait: Duration::from_secs(5),
                max_wait: Duration::from_secs(1),
                quota: QUOTA,
            }
        );
        let message = refused.to_string();
        assert!(
            message.contains("5.0 s") && message.contains("1.0 s"),
            "{message}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_queue_ahead_counts_against_the_budget() {
        let limiter = Arc::new(LocalRateLimiter::new());
        let queued: Vec<_> = (0..25)
            .map(|_| {
                let limiter = Arc::clone(&limiter);
                tokio::spawn(async move { limiter.acquire("a", &QUOTA, LONG).await })
            })
            .collect();
        tokio::task::yield_now().await;
        // 25 callers ahead, ten a window: this one's turn is two windows away, at 2.1 s.
        let refused = limiter
            .acquire("a", &QUOTA, Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(
            matches!(refused, RateLimitError::WaitTooLong { wait, .. } if wait == Duration::from_millis(2100)),
            "{refused:?}"
        );
        for task in queued {
            task.await.unwrap().unwrap();
        }
        // A refused caller took no turn: the next one comes with the last five.
        assert_eq!(
            limiter.acquire("a", &QUOTA, LONG).await.unwrap(),
            Duration::ZERO
        );
    }

    #[tokio::test(start_paused = true)]
    async fn idle_buckets_are_dropped_and_busy_ones_kept() {
        let limiter = LocalRateLimiter::new();
        limiter.pause("held", &QUOTA, LONG).await;
        for n in 0..KEPT {
            limiter.acquire(&n.to_string(), &QUOTA, LONG).await.unwrap();
        }
        tokio::time::advance(QUOTA.window()).await;
        limiter.acquire("new", &QUOTA, LONG).await.unwrap();
        let buckets = limiter.buckets.lock().unwrap();
        assert_eq!(buckets.len(), 2, "{:?}", buckets.keys());
        assert!(buckets.contains_key("held") && buckets.contains_key("new"));
    }
}
