//! Buckets in this process: the `governor` crate's GCRA, one direct limiter per bucket.
//!
//! governor decides whether a turn is free now, and when the next one is; it cannot book a
//! turn in the future. So the callers of a bucket queue (a FIFO lock) and only the first asks
//! governor and sleeps until its turn: the others wait in arrival order, and a caller knows on
//! arrival roughly how long its wait is (the callers ahead of it times the spacing), so that
//! one beyond its budget is refused at once.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::ops::Add;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use governor::clock::{Clock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed};
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

type Gcra =
    governor::RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<TokioInstant>>;

struct Bucket {
    gcra: Gcra,
    spacing: Duration,
    /// Held by the caller whose turn is next; the others queue for it in arrival order.
    turn: tokio::sync::Mutex<()>,
    /// Callers waiting for a turn, the one holding `turn` included.
    waiting: AtomicUsize,
    times: Mutex<Times>,
}

#[derive(Default)]
struct Times {
    /// No turn before this instant (a `429` was answered).
    held_until: Option<Instant>,
    /// When the last turn was given.
    last_turn: Option<Instant>,
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
            .field("spacing", &self.spacing)
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
        let held = bucket.held_until(not_before);
        let queued = held.map_or(Duration::ZERO, |until| {
            until.saturating_duration_since(arrived)
        }) + bucket.spacing * u32::try_from(ahead).unwrap_or(u32::MAX);
        if queued > max_wait {
            return Err(too_long(queued));
        }
        let _turn = bucket.turn.lock().await;
        loop {
            let now = Instant::now();
            let wait = match bucket.held_until(not_before) {
                Some(until) if until > now => until - now,
                _ => match bucket.gcra.check() {
                    Ok(()) => {
                        bucket.times().last_turn = Some(now);
                        return Ok(now - arrived);
                    }
                    Err(not_until) => not_until.wait_time_from(TokioInstant(now)),
                },
            };
            let total = now - arrived + wait;
            if total > max_wait {
                return Err(too_long(total));
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// No turn of bucket `key` before `until`.
    pub(crate) fn hold(&self, key: &str, quota: &Quota, until: Instant) {
        let bucket = self.bucket(key, quota);
        let mut times = bucket.times();
        times.held_until = Some(times.held_until.map_or(until, |held| held.max(until)));
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
        let spacing = quota.spacing().max(Duration::from_nanos(1));
        let gcra = governor::Quota::with_period(spacing)
            .expect("the spacing is not zero")
            .allow_burst(NonZeroU32::MIN);
        Self {
            gcra: governor::RateLimiter::direct_with_clock(gcra, TokioClock),
            spacing,
            turn: tokio::sync::Mutex::new(()),
            waiting: AtomicUsize::new(0),
            times: Mutex::default(),
        }
    }

    fn times(&self) -> std::sync::MutexGuard<'_, Times> {
        self.times.lock().expect("not poisoned")
    }

    fn held_until(&self, not_before: Option<Instant>) -> Option<Instant> {
        self.times().held_until.max(not_before)
    }

    /// Whether a new bucket would behave the same: the last turn is a spacing old and nothing
    /// is held back.
    fn idle(&self, now: Instant) -> bool {
        let times = self.times();
        times
            .last_turn
            .is_none_or(|last| last + self.spacing <= now)
            && times.held_until.is_none_or(|until| until <= now)
    }
}

/// Counts a caller out of a bucket's queue, however its wait ends (a dropped future too).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// tokio's clock for governor, so that the waits follow tokio's time (and its paused clock in
/// tests).
#[derive(Clone, Copy, Debug, Default)]
struct TokioClock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TokioInstant(Instant);

impl Add<Nanos> for TokioInstant {
    type Output = Self;

    fn add(self, nanos: Nanos) -> Self {
        Self(self.0 + Duration::from(nanos))
    }
}

impl Reference for TokioInstant {
    fn duration_since(&self, earlier: Self) -> Nanos {
        self.0.saturating_duration_since(earlier.0).into()
    }

    fn saturating_sub(&self, duration: Nanos) -> Self {
        self.0
            .checked_sub(Duration::from(duration))
            .map_or(*self, Self)
    }
}

impl Clock for TokioClock {
    type Instant = TokioInstant;

    fn now(&self) -> TokioInstant {
        TokioInstant(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    async fn turns_are_evenly_spaced_and_in_any_period_at_most_the_quota() {
        let limiter = Arc::new(LocalRateLimiter::new());
        let turns = turns(&limiter, "a", 25).await;
        let expected: Vec<u128> = (0..25).map(|n| n * 110).collect();
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
    async fn buckets_are_independent() {
        let limiter = Arc::new(LocalRateLimiter::new());
        let (a, b) = tokio::join!(turns(&limiter, "a", 3), turns(&limiter, "b", 3));
        assert_eq!(a, [0, 110, 220]);
        assert_eq!(b, [0, 110, 220]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_back_every_caller_then_spacing_resumes() {
        let limiter = Arc::new(LocalRateLimiter::new());
        limiter.acquire("a", &QUOTA, LONG).await.unwrap();
        limiter.pause("a", &QUOTA, Duration::from_secs(2)).await;
        let turns = turns(&limiter, "a", 3).await;
        assert_eq!(turns, [2000, 2110, 2220]);
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
        let queued: Vec<_> = (0..10)
            .map(|_| {
                let limiter = Arc::clone(&limiter);
                tokio::spawn(async move { limiter.acquire("a", &QUOTA, LONG).await })
            })
            .collect();
        tokio::task::yield_now().await;
        // Ten callers ahead, 110 ms apart: this one's turn is about 1.1 s away.
        let refused = limiter
            .acquire("a", &QUOTA, Duration::from_millis(500))
            .await
            .unwrap_err();
        assert!(
            matches!(refused, RateLimitError::WaitTooLong { wait, .. } if wait >= Duration::from_millis(990)),
            "{refused:?}"
        );
        for task in queued {
            task.await.unwrap().unwrap();
        }
        // A refused caller took no turn: the next one comes right after the ten.
        assert_eq!(
            limiter.acquire("a", &QUOTA, LONG).await.unwrap(),
            Duration::from_millis(110)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn idle_buckets_are_dropped_and_busy_ones_kept() {
        let limiter = LocalRateLimiter::new();
        limiter.pause("held", &QUOTA, LONG).await;
        for n in 0..KEPT {
            limiter.acquire(&n.to_string(), &QUOTA, LONG).await.unwrap();
        }
        tokio::time::advance(Duration::from_secs(1)).await;
        limiter.acquire("new", &QUOTA, LONG).await.unwrap();
        let buckets = limiter.buckets.lock().unwrap();
        assert_eq!(buckets.len(), 2, "{:?}", buckets.keys());
        assert!(buckets.contains_key("held") && buckets.contains_key("new"));
    }
}
