//! Buckets in Redis, shared by every process and machine that uses the same Redis: a sliding log
//! of booked turns in one Lua script (`sliding_log.lua`), run atomically, with Redis's clock.
//!
//! The script books a turn, now or in the future: each caller learns its wait in one round trip
//! and sleeps it here, so callers of many processes never poll. A caller that slept confirms its
//! turn when it comes, in a second round trip: a `429` seen meanwhile by any process holds the
//! credential and forgets the turns booked for later, and the confirmation then books again,
//! after the hold. When Redis cannot be reached the limiter does what [`WhenUnreachable`] says;
//! it tries Redis again a second later, not on every call.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// Redis failed: not tried again before this instant, and why.
    retry_at: Mutex<Option<(Instant, String)>>,
    /// Names this limiter's bookings in Redis's log, with `bookings`.
    id: u64,
    bookings: AtomicU64,
}

/// What the script answered.
enum Booking {
    /// The turn is booked this long from now (it may have been booked again, after a hold).
    Turn(Duration),
    /// The turn booked earlier has come and stands.
    Confirmed,
    /// Nothing booked: the turn would be this long from now.
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
            script: redis::Script::new(include_str!("sliding_log.lua")),
            connection: tokio::sync::Mutex::new(None),
            when_unreachable: WhenUnreachable::default(),
            timeout: Duration::from_millis(500),
            fallback: LocalRateLimiter::global(),
            down: AtomicBool::new(false),
            retry_at: Mutex::default(),
            id: fastrand::u64(..),
            bookings: AtomicU64::new(0),
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

    fn retry_at(&self) -> std::sync::MutexGuard<'_, Option<(Instant, String)>> {
        self.retry_at.lock().expect("not poisoned")
    }

    /// The connection, connecting first if there is none and Redis was not found down lately.
    async fn connection(&self) -> Result<MultiplexedConnection, String> {
        let mut connection = self.connection.lock().await;
        if let Some(connection) = connection.as_ref() {
            return Ok(connection.clone());
        }
        if let Some((at, message)) = &*self.retry_at()
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
        *self.retry_at() = Some((Instant::now() + RETRY_REDIS_AFTER, message.clone()));
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

    /// Runs the script in `mode` with `args`, or says why it could not.
    async fn run(&self, key: &str, mode: &str, args: &[&str]) -> Result<(i64, i64), String> {
        let mut connection = self.connection().await?;
        let mut invocation = self.script.key(format!("{{{key}}}:log"));
        invocation.key(format!("{{{key}}}:held")).arg(mode);
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

    /// Books a turn (`book`), or confirms one booked before whose time has come (`confirm`).
    async fn book(
        &self,
        mode: &str,
        key: &str,
        quota: &Quota,
        max_wait: Duration,
        id: &str,
    ) -> Result<Booking, String> {
        // What this process alone knows (its own turns, a hold it saw) still counts when Redis
        // lost its log: a restart, or an outage during which this process counted alone.
        let earliest = self
            .fallback
            .next_free(key, quota)
            .saturating_duration_since(Instant::now());
        let args = [
            quota.requests.to_string(),
            micros(quota.window()).to_string(),
            micros(max_wait).to_string(),
            micros(earliest).to_string(),
        ];
        let args = [&args[0], &args[1], &args[2], &args[3], id];
        let (status, wait) = self.run(key, mode, &args).await?;
        let wait = Duration::from_micros(wait.max(0).unsigned_abs());
        Ok(match status {
            1 if mode == "confirm" => Booking::Confirmed,
            1 | 2 => Booking::Turn(wait),
            _ => Booking::TooLong(wait),
        })
    }

    async fn take_turn(
        &self,
        key: &str,
        quota: &Quota,
        max_wait: Duration,
    ) -> Result<Duration, RateLimitError> {
        let arrived = Instant::now();
        let id = format!(
            "{:016x}-{}",
            self.id,
            self.bookings.fetch_add(1, Ordering::Relaxed)
        );
        let mut mode = "book";
        // The sleeps until booked turns: what the quota cost, without Redis's round trips.
        let mut waited = Duration::ZERO;
        loop {
            let left = max_wait.saturating_sub(arrived.elapsed());
            let booking = match self.book(mode, key, quota, left, &id).await {
                Ok(booking) => booking,
                Err(message) => {
                    return match self.when_unreachable {
                        WhenUnreachable::FailClosed => Err(RateLimitError::Unavailable { message }),
                        WhenUnreachable::FallBackToLocal => {
                            let wait = self.fallback.acquire(key, quota, left).await?;
                            Ok(waited + wait)
                        }
                    };
                }
            };
            match booking {
                Booking::Confirmed | Booking::Turn(Duration::ZERO) => {
                    self.fallback.record(key, quota, Instant::now());
                    return Ok(waited);
                }
                Booking::Turn(wait) => {
                    tokio::time::sleep(wait).await;
                    waited += wait;
                    mode = "confirm";
                }
                Booking::TooLong(wait) => {
                    return Err(RateLimitError::WaitTooLong {
                        wait: arrived.elapsed() + wait,
                        max_wait,
                        quota: *quota,
                    });
                }
            }
        }
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
            let _ = self.run(key, "pause", &[&micros(pause).to_string()]).await;
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
        for _ in 0..11 {
            waits.push(
                limiter
                    .acquire(&key, &QUOTA, Duration::from_secs(60))
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(waits[..10], [Duration::ZERO; 10]);
        assert_eq!(waits[10], QUOTA.window());
    }
}
