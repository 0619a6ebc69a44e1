//! Buckets in Redis, shared by every process and machine that uses the same Redis: GCRA in one
//! Lua script (`gcra.lua`), run atomically, with Redis's clock.
//!
//! Unlike governor, the script books a turn in the future: each caller learns its wait in one
//! round trip and sleeps it here, so callers of many processes never poll. When Redis cannot be
//! reached the limiter does what [`WhenUnreachable`] says; it tries Redis again a second later,
//! not on every call.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use tokio::time::Instant;

use super::{LocalRateLimiter, Quota, RateLimitError, RateLimiter};
use crate::auth::BoxFuture;
use crate::error::Error;

/// How long a Redis that could not be reached is left alone before it is tried again.
const RETRY_REDIS_AFTER: Duration = Duration::from_secs(1);

/// What a [`RedisRateLimiter`] does while Redis cannot be reached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WhenUnreachable {
    /// Counts in this process ([`LocalRateLimiter::global`]) and logs a warning once per
    /// outage. Each process then keeps to the whole quota on its own: several processes
    /// together may exceed it, and a `429` then holds them back.
    #[default]
    FallBackToLocal,
    /// Sends nothing: every call fails with [`RateLimitError::Unavailable`] until Redis is
    /// back.
    FailClosed,
}

/// Buckets in Redis, for processes and machines that share a credential (feature `redis`).
///
/// ```no_run
/// # fn run() -> Result<(), credkit_runtime::Error> {
/// use credkit_runtime::{RateLimit, RedisRateLimiter, WhenUnreachable};
/// use std::sync::Arc;
///
/// let redis = RedisRateLimiter::new("redis://127.0.0.1:6379/")?
///     .when_unreachable(WhenUnreachable::FailClosed);
/// let rate_limit = RateLimit::from_service().limiter(Arc::new(redis));
/// # Ok(()) }
/// ```
///
/// Connects on first use; its connection belongs to the tokio runtime that made it.
pub struct RedisRateLimiter {
    client: redis::Client,
    /// `host:port`, for messages: the URL may hold a password.
    address: String,
    script: redis::Script,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    when_unreachable: WhenUnreachable,
    timeout: Duration,
    fallback: Arc<LocalRateLimiter>,
    /// Whether the outage under way was logged.
    down: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Redis failed: not tried again before this instant, and why.
    retry_at: Option<(Instant, String)>,
    /// The last turn this process booked in each bucket, in Redis or here: after Redis lost its
    /// buckets (a restart) or when counting falls back to this process, no turn comes sooner
    /// than a spacing later, so that turns booked before and after do not overlap.
    last_turns: HashMap<String, Instant>,
}

/// What the script answered.
enum Booking {
    Turn(Duration),
    TooLong(Duration),
}

impl RedisRateLimiter {
    /// A limiter for the Redis at `url` (`redis://[:password@]host:port[/db]`); nothing is
    /// connected until the first call.
    pub fn new(url: &str) -> Result<Self, Error> {
        let client = redis::Client::open(url)
            .map_err(|e| Error::config(format!("the Redis URL is not valid: {e}")))?;
        let address = client.get_connection_info().addr().to_string();
        Ok(Self {
            client,
            address,
            script: redis::Script::new(include_str!("gcra.lua")),
            connection: tokio::sync::Mutex::new(None),
            when_unreachable: WhenUnreachable::default(),
            timeout: Duration::from_millis(500),
            fallback: LocalRateLimiter::global(),
            down: AtomicBool::new(false),
            state: Mutex::default(),
        })
    }

    /// What to do while Redis cannot be reached (default [`WhenUnreachable::FallBackToLocal`]).
    pub fn when_unreachable(mut self, when: WhenUnreachable) -> Self {
        self.when_unreachable = when;
        self
    }

    /// The longest a connection or a script may take before Redis counts as unreachable
    /// (default 500 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("not poisoned")
    }

    /// The connection, connecting first if there is none and Redis was not found down lately.
    async fn connection(&self) -> Result<MultiplexedConnection, String> {
        let mut connection = self.connection.lock().await;
        if let Some(connection) = connection.as_ref() {
            return Ok(connection.clone());
        }
        if let Some((at, message)) = &self.state().retry_at
            && Instant::now() < *at
        {
            return Err(message.clone());
        }
        let connected =
            tokio::time::timeout(self.timeout, self.client.get_multiplexed_async_connection())
                .await;
        match connected {
            Ok(Ok(connected)) => {
                *connection = Some(connected.clone());
                Ok(connected)
            }
            Ok(Err(e)) => {
                Err(self.failed(format!("cannot connect to Redis at {}: {e}", self.address)))
            }
            Err(_) => Err(self.failed(format!(
                "no connection to Redis at {} within {:?}",
                self.address, self.timeout
            ))),
        }
    }

    /// Remembers that Redis failed, and warns once per outage.
    fn failed(&self, message: String) -> String {
        self.state().retry_at = Some((Instant::now() + RETRY_REDIS_AFTER, message.clone()));
        if !self.down.swap(true, Ordering::SeqCst) {
            match self.when_unreachable {
                WhenUnreachable::FallBackToLocal => tracing::warn!(
                    "{message}; counting the quota in this process until Redis is back"
                ),
                WhenUnreachable::FailClosed => {
                    tracing::warn!("{message}; no call is sent until Redis is back (fail closed)")
                }
            }
        }
        message
    }

    /// Runs the script with `args`, or says why it could not.
    async fn run(&self, key: &str, args: &[u64], mode: &str) -> Result<(i64, i64), String> {
        let mut connection = self.connection().await?;
        let mut invocation = self.script.key(key);
        invocation.arg(mode);
        for arg in args {
            invocation.arg(*arg);
        }
        let answer =
            tokio::time::timeout(self.timeout, invocation.invoke_async(&mut connection)).await;
        let message = match answer {
            Ok(Ok(answer)) => {
                if self.down.swap(false, Ordering::SeqCst) {
                    tracing::info!(
                        "Redis at {} is back: counting the quota there",
                        self.address
                    );
                }
                return Ok(answer);
            }
            Ok(Err(e)) => format!("Redis at {} failed: {e}", self.address),
            Err(_) => format!(
                "Redis at {} did not answer within {:?}",
                self.address, self.timeout
            ),
        };
        self.connection.lock().await.take();
        Err(self.failed(message))
    }

    async fn book(
        &self,
        key: &str,
        quota: &Quota,
        max_wait: Duration,
        not_before: Option<Instant>,
    ) -> Result<Booking, String> {
        let earliest = not_before.map_or(Duration::ZERO, |t| {
            t.saturating_duration_since(Instant::now())
        });
        let args = [micros(quota.spacing()), micros(max_wait), micros(earliest)];
        let (booked, wait) = self.run(key, &args, "acquire").await?;
        let wait = Duration::from_micros(wait.max(0).unsigned_abs());
        Ok(match booked {
            1 => Booking::Turn(wait),
            _ => Booking::TooLong(wait),
        })
    }

    async fn take_turn(
        &self,
        key: &str,
        quota: &Quota,
        max_wait: Duration,
    ) -> Result<Duration, RateLimitError> {
        let not_before = self
            .state()
            .last_turns
            .get(key)
            .map(|last| *last + quota.spacing());
        match self.book(key, quota, max_wait, not_before).await {
            Ok(Booking::Turn(wait)) => {
                self.booked(key, Instant::now() + wait);
                // tokio rounds every sleep up to its next millisecond, a zero one too.
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                Ok(wait)
            }
            Ok(Booking::TooLong(wait)) => Err(RateLimitError::WaitTooLong {
                wait,
                max_wait,
                quota: *quota,
            }),
            Err(message) => match self.when_unreachable {
                WhenUnreachable::FailClosed => Err(RateLimitError::Unavailable { message }),
                WhenUnreachable::FallBackToLocal => {
                    let wait = self
                        .fallback
                        .acquire_after(key, quota, max_wait, not_before)
                        .await?;
                    self.booked(key, Instant::now());
                    Ok(wait)
                }
            },
        }
    }

    fn booked(&self, key: &str, turn: Instant) {
        let mut state = self.state();
        let last = state.last_turns.entry(key.to_owned()).or_insert(turn);
        *last = (*last).max(turn);
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

impl RateLimiter for RedisRateLimiter {
    fn acquire<'a>(
        &'a self,
        key: &'a str,
        quota: &'a Quota,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Duration, RateLimitError>> {
        Box::pin(self.take_turn(key, quota, max_wait))
    }

    fn pause<'a>(&'a self, key: &'a str, quota: &'a Quota, pause: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            // Held here too, in case counting falls back to this process during the pause.
            self.fallback.hold(key, quota, Instant::now() + pause);
            // Unreachable: already logged; the calls themselves fall back or fail.
            let _ = self.run(key, &[micros(pause)], "pause").await;
        })
    }
}

impl fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("address", &self.address)
            .field("when_unreachable", &self.when_unreachable)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUOTA: Quota = Quota::per(10, Duration::from_secs(1));

    /// A Redis URL where nothing listens.
    fn nowhere() -> String {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        format!("redis://:a-password@127.0.0.1:{port}/")
    }

    #[tokio::test]
    async fn unreachable_and_failing_closed_sends_nothing_and_says_why_without_the_password() {
        let url = nowhere();
        let limiter = RedisRateLimiter::new(&url)
            .unwrap()
            .when_unreachable(WhenUnreachable::FailClosed);
        let error = limiter
            .acquire("a", &QUOTA, Duration::from_secs(60))
            .await
            .unwrap_err();
        let RateLimitError::Unavailable { message } = &error else {
            panic!("{error:?}");
        };
        assert!(
            message.contains("cannot connect to Redis at 127.0.0.1:"),
            "{message}"
        );
        assert!(!error.to_string().contains("a-password"), "{error}");
        assert!(!format!("{limiter:?}").contains("a-password"));
        // Redis is not tried again for a second: the next refusal says the same at once.
        let again = limiter
            .acquire("a", &QUOTA, Duration::from_secs(60))
            .await
            .unwrap_err();
        assert_eq!(again, error);
    }

    #[tokio::test(start_paused = true)]
    async fn unreachable_and_falling_back_counts_in_this_process() {
        let limiter = RedisRateLimiter::new(&nowhere()).unwrap();
        let key = format!("fallback-{}", fastrand::u64(..));
        let mut waits = Vec::new();
        for _ in 0..3 {
            waits.push(
                limiter
                    .acquire(&key, &QUOTA, Duration::from_secs(60))
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(
            waits,
            [
                Duration::ZERO,
                Duration::from_millis(110),
                Duration::from_millis(110)
            ]
        );
    }
}
