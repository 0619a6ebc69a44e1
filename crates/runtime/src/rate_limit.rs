//! Staying within a service's published quota, so that the server does not have to refuse.
//!
//! RENTRI answers `429` when it sees more than 100 requests in 5 s, and then wants 10 s of
//! silence. The retry policy honours `Retry-After` after the fact, one call at a time; this
//! layer keeps the calls under the quota in the first place, for every client that counts
//! against it:
//!
//! - **The quota** comes from the spec (`x-credkit-rate-limit`: `SERVICE.rate_limit`, or the
//!   operation's own) or from [`crate::ClientBuilder::rate_limit`]: [`RateLimit::custom`],
//!   [`RateLimit::disabled`].
//! - **The quota's own pace** (a sliding log of the turns given): a turn is given when the last
//!   window before it, the quota's period plus [`Quota::margin`], holds fewer than `requests`
//!   turns. RENTRI's 100 in 5 s go at once, and then one as each leaves the window, so that no
//!   window of the period ever holds more than the quota; the margin (a twentieth of the
//!   period) is room for requests that take different times to reach the server, from one
//!   machine or several. A call waits for its turn instead of being refused; a turn further away
//!   than what is left of the retry budget is an [`crate::ErrorKind::RateLimited`] error that
//!   says how far it was.
//! - **Shared by credential**: the clients of a service with the same credential count against
//!   one bucket, named by the service, the quota and a SHA-256 fingerprint of the credential
//!   (never the credential itself). [`QuotaScope::Client`] gives each client its own.
//! - **A `429` holds everyone back**: whichever call sees it, every call of its bucket waits for
//!   the answer's `Retry-After`, or the quota's penalty, and the margin, before the next turn.
//!   The hold wins over a turn booked before it: a call checks it again when its turn comes,
//!   and waits for the hold's end if it falls inside it.
//! - **Where buckets live** is a [`RateLimiter`]: [`LocalRateLimiter`] in this process (the
//!   default), or `RedisRateLimiter` (feature `redis`) for processes and machines that share a
//!   credential, with Redis's clock as the one clock of the fleet.

mod local;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::auth::{Auth, BoxFuture};
use crate::error::Error;
use crate::service::{OperationMeta, ServiceInfo};

pub use local::LocalRateLimiter;
#[cfg(feature = "redis")]
pub use redis::{RedisRateLimiter, WhenUnreachable};

/// How many requests a service accepts, as its documentation states it (`x-credkit-rate-limit`
/// in the spec), or as a contract of one's own says.
///
/// ```
/// use credkit_runtime::{Quota, QuotaScope};
/// use std::time::Duration;
///
/// // 20 requests per second; after a 429, 2 s of silence.
/// let quota = Quota::per(20, Duration::from_secs(1)).penalty(Duration::from_secs(2));
/// assert_eq!(quota.scope, QuotaScope::Credential);
/// assert_eq!(quota.margin(), Duration::from_millis(50));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quota {
    /// At most this many requests...
    pub requests: u32,
    /// ...in any window of this length.
    pub period: Duration,
    /// How long the service wants no request after a `429` without `Retry-After`.
    pub penalty: Duration,
    /// Whom the service counts the requests of.
    pub scope: QuotaScope,
}

/// Whom a service counts the requests of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuotaScope {
    /// Each credential: every client with the same credential shares one quota.
    Credential,
    /// Each client: a client built by [`crate::ClientBuilder::build`], and its clones, has a
    /// quota of its own.
    Client,
}

impl QuotaScope {
    /// The spelling in specs: `credential`, `client`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Credential => "credential",
            Self::Client => "client",
        }
    }
}

impl Quota {
    /// `requests` per `period`, counted per credential, with a penalty of one `period`.
    pub const fn per(requests: u32, period: Duration) -> Self {
        Self {
            requests,
            period,
            penalty: period,
            scope: QuotaScope::Credential,
        }
    }

    /// The same quota with this penalty after a `429` without `Retry-After`.
    pub const fn penalty(mut self, penalty: Duration) -> Self {
        self.penalty = penalty;
        self
    }

    /// The same quota counted per `scope`.
    pub const fn scope(mut self, scope: QuotaScope) -> Self {
        self.scope = scope;
        self
    }

    /// How much longer than the period the window of turns is, and how much longer than the
    /// server's `Retry-After` a hold lasts: a twentieth of the period (250 ms for RENTRI's 5 s).
    /// A request reaches the server some time after its turn, and not always the same time:
    /// a connection is opened or not, the machines of a fleet are nearer or further from the
    /// server and from Redis. Two requests a window apart at the client are then at least
    /// `period` apart at the server as long as their ways there differ by less than the margin
    /// (measured and discussed in BENCHMARKS.md, "Quotas").
    pub fn margin(&self) -> Duration {
        self.period / 20
    }

    /// The window in which at most `requests` turns are given: `period` and the margin.
    pub(crate) fn window(&self) -> Duration {
        self.period + self.margin()
    }

    /// The time between two turns of the even spacing the limiters used before they kept to
    /// the quota's own pace: `period × 1.1 / requests`.
    #[deprecated(
        since = "0.1.0",
        note = "turns are no longer evenly spaced: up to `requests` go at once, then one as each leaves the window of `period` and `margin()`"
    )]
    pub fn spacing(&self) -> Duration {
        self.period.mul_f64(1.1) / self.requests.max(1)
    }

    fn check(&self) -> Result<(), Error> {
        if self.requests == 0 || self.period.is_zero() {
            return Err(Error::config(format!(
                "the quota {self} allows nothing: it needs at least 1 request in a period longer than 0"
            )));
        }
        Ok(())
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requests per {:?} per {}",
            self.requests,
            self.period,
            self.scope.name()
        )
    }
}

/// Where the turns of a quota are counted: in this process ([`LocalRateLimiter`]) or in a
/// store that processes share (`RedisRateLimiter`).
///
/// A bucket is named by `key` (the service, the quota, a fingerprint of the credential). In any
/// window of the quota's period and [`Quota::margin`] it gives at most `requests` turns, and
/// none while it is held after a `429`.
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Waits for the next turn of bucket `key` and returns how long it waited. When that turn is
    /// more than `max_wait` away it takes none and returns [`RateLimitError::WaitTooLong`] at
    /// once (or as soon as it knows).
    fn acquire<'a>(
        &'a self,
        key: &'a str,
        quota: &'a Quota,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Duration, RateLimitError>>;

    /// Holds every call of bucket `key` back for `pause`: the server answered `429`. A turn
    /// that was booked before and falls inside the hold is not given: its caller waits for the
    /// hold's end.
    fn pause<'a>(&'a self, key: &'a str, quota: &'a Quota, pause: Duration) -> BoxFuture<'a, ()>;
}

/// A call was not sent because of the quota.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitError {
    /// The call's turn was further away than the time left of the retry budget.
    WaitTooLong {
        /// How long the call would have waited, at least.
        wait: Duration,
        /// What was left of the retry budget.
        max_wait: Duration,
        /// The quota.
        quota: Quota,
    },
    /// The store that counts the turns could not be reached, and the limiter fails closed.
    Unavailable {
        /// What went wrong, without credentials.
        message: String,
    },
}

impl fmt::Display for RateLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WaitTooLong {
                wait,
                max_wait,
                quota,
            } => write!(
                f,
                "the quota of {quota} would hold this call back {:.1} s, more than the {:.1} s left of the retry budget; nothing was sent",
                wait.as_secs_f64(),
                max_wait.as_secs_f64()
            ),
            Self::Unavailable { message } => write!(
                f,
                "the rate limiter's store is unreachable and it fails closed, so nothing was sent: {message}"
            ),
        }
    }
}

impl std::error::Error for RateLimitError {}

/// How a client keeps to its quota: [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit).
///
/// The default is [`RateLimit::from_service`]: the quota the spec declares, counted in this
/// process ([`LocalRateLimiter::global`]).
///
/// ```
/// use credkit_runtime::{LocalRateLimiter, Quota, RateLimit};
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// let spec = RateLimit::from_service();
/// let none = RateLimit::disabled();
/// let contract = RateLimit::custom(Quota::per(600, Duration::from_secs(60)));
/// let isolated = RateLimit::from_service().limiter(Arc::new(LocalRateLimiter::new()));
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct RateLimit {
    quota: Choice,
    limiter: Arc<dyn RateLimiter>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    Service,
    Disabled,
    Custom(Quota),
}

impl Default for RateLimit {
    fn default() -> Self {
        Self::from_service()
    }
}

impl RateLimit {
    /// The quotas of the spec (`SERVICE.rate_limit`, and an operation's own where it declares
    /// one); none for a service whose spec declares none.
    pub fn from_service() -> Self {
        Self {
            quota: Choice::Service,
            limiter: LocalRateLimiter::global(),
        }
    }

    /// No quota: every call is sent at once (tests, or a contract without limits).
    pub fn disabled() -> Self {
        Self {
            quota: Choice::Disabled,
            ..Self::from_service()
        }
    }

    /// This quota for every operation, instead of the spec's.
    pub fn custom(quota: Quota) -> Self {
        Self {
            quota: Choice::Custom(quota),
            ..Self::from_service()
        }
    }

    /// Counts the turns in `limiter`: a [`LocalRateLimiter`] of one's own, or a
    /// `RedisRateLimiter` shared with other processes.
    pub fn limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = limiter;
        self
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        match &self.quota {
            Choice::Custom(quota) => quota.check(),
            Choice::Service | Choice::Disabled => Ok(()),
        }
    }
}

/// The rate-limit layer of one client: which quota each call counts against, in which bucket.
/// [`crate::Runtime::execute`] asks it for a turn before each attempt and tells it of each
/// `429`.
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    config: RateLimit,
    service: &'static ServiceInfo,
    /// Who the calls count as: the credential's fingerprint, or this client's own id.
    credential: String,
    client: String,
}

impl Limits {
    pub(crate) fn new(service: &'static ServiceInfo, auth: &Auth, config: RateLimit) -> Self {
        Self {
            config,
            service,
            credential: fingerprint(service.name, auth),
            client: format!("client-{}-{:016x}", std::process::id(), fastrand::u64(..)),
        }
    }

    pub(crate) fn config(&self) -> &RateLimit {
        &self.config
    }

    /// The quota of `operation` and the name of its bucket, if it has one.
    fn bucket(&self, operation: &OperationMeta) -> Option<(Quota, String)> {
        let (quota, scope) = match self.config.quota {
            Choice::Disabled => return None,
            Choice::Custom(quota) => (quota, "*"),
            Choice::Service => match (operation.rate_limit, self.service.rate_limit) {
                (Some(own), _) => (own, operation.id),
                (None, Some(service)) => (service, "*"),
                (None, None) => return None,
            },
        };
        let who = match (quota.scope, operation.anonymous) {
            (QuotaScope::Client, _) => &self.client,
            (QuotaScope::Credential, true) => "anonymous",
            (QuotaScope::Credential, false) => &self.credential,
        };
        let key = format!(
            "credkit:rate-limit:{}:{scope}:{}/{}ms:{who}",
            self.service.name,
            quota.requests,
            quota.period.as_millis()
        );
        Some((quota, key))
    }

    /// Waits for the turn of a call of `operation`, at most `max_wait`; returns the wait.
    pub(crate) async fn acquire(
        &self,
        operation: &OperationMeta,
        max_wait: Duration,
    ) -> Result<Duration, Error> {
        match self.bucket(operation) {
            None => Ok(Duration::ZERO),
            Some((quota, key)) => self
                .config
                .limiter
                .acquire(&key, &quota, max_wait)
                .await
                .map_err(Error::from),
        }
    }

    /// Holds the bucket of `operation` back after a `429`: for `Retry-After`, or the penalty,
    /// and the margin.
    pub(crate) async fn observe(&self, operation: &OperationMeta, response: &reqwest::Response) {
        if response.status() != reqwest::StatusCode::TOO_MANY_REQUESTS {
            return;
        }
        if let Some((quota, key)) = self.bucket(operation) {
            let pause = crate::error::retry_after(response.headers()).unwrap_or(quota.penalty)
                + quota.margin();
            self.config.limiter.pause(&key, &quota, pause).await;
        }
    }
}

/// Names a credential without revealing it: the first 16 bytes of a SHA-256 of the service
/// and the credential, in hex. An [`crate::Authenticator`] is named by its
/// [`identity`](crate::Authenticator::identity), or else by the instance (so only clients that
/// share it share a quota, in this process only).
fn fingerprint(service: &str, auth: &Auth) -> String {
    let mut hash = Sha256::new();
    hash.update(b"credkit rate limit\0");
    hash.update(service.as_bytes());
    hash.update(b"\0");
    feed(&mut hash, auth);
    hash.finalize()[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Feeds one credential (each part of several, in order) to the fingerprint's hash.
fn feed(hash: &mut Sha256, auth: &Auth) {
    let mut named = |kind: &[u8], name: &str, secret: &str| {
        hash.update(kind);
        hash.update(b"\0");
        hash.update(name.as_bytes());
        hash.update(b"\0");
        hash.update(secret.as_bytes());
    };
    match auth {
        Auth::None => hash.update(b"none"),
        Auth::Bearer(token) => {
            hash.update(b"bearer\0");
            hash.update(token.expose().as_bytes());
        }
        Auth::Header { name, value } => named(b"header", name.as_str(), value.expose()),
        Auth::Basic { username, password } => named(b"basic", username, password.expose()),
        Auth::Query { name, value } => named(b"query", name, value.expose()),
        Auth::Cookie { name, value } => named(b"cookie", name, value.expose()),
        Auth::All(parts) => {
            hash.update(b"all\0");
            for part in parts {
                feed(hash, part);
                hash.update(b"\0");
            }
        }
        Auth::Custom(authenticator) => match authenticator.identity() {
            Some(identity) => {
                hash.update(b"identity\0");
                hash.update(&identity);
            }
            None => {
                hash.update(b"instance\0");
                hash.update(std::process::id().to_le_bytes());
                hash.update((Arc::as_ptr(authenticator).cast::<()>() as usize).to_le_bytes());
            }
        },
    }
}

impl From<RateLimitError> for Error {
    fn from(error: RateLimitError) -> Self {
        Error::new(crate::error::ErrorKind::RateLimited(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::AuthScheme;

    const QUOTA: Quota = Quota::per(100, Duration::from_secs(5)).penalty(Duration::from_secs(10));
    const OPERATIONS: &[OperationMeta] = &[
        OperationMeta {
            id: "get_status",
            method: "GET",
            path: "/status",
            anonymous: false,
            idempotent: true,
            secret_headers: &[],
            rate_limit: None,
            limits: &[],
        },
        OperationMeta {
            id: "board",
            method: "GET",
            path: "/boarding",
            anonymous: true,
            idempotent: true,
            secret_headers: &[],
            rate_limit: None,
            limits: &[],
        },
        OperationMeta {
            id: "sign",
            method: "POST",
            path: "/sign",
            anonymous: false,
            idempotent: false,
            secret_headers: &[],
            rate_limit: Some(Quota::per(5, Duration::from_secs(1)).scope(QuotaScope::Client)),
            limits: &[],
        },
    ];
    static SERVICE: ServiceInfo = ServiceInfo {
        name: "limited",
        title: "Limited",
        env_prefix: "LIMITED",
        auth: AuthScheme::Bearer,
        servers: &[],
        operations: OPERATIONS,
        credential_headers: &[],
        follow_redirects: true,
        rate_limit: Some(QUOTA),
    };

    fn key(limits: &Limits, operation: usize) -> Option<String> {
        limits.bucket(&OPERATIONS[operation]).map(|(_, key)| key)
    }

    #[test]
    fn the_window_and_the_hold_have_a_twentieth_of_the_period_more() {
        assert_eq!(QUOTA.margin(), Duration::from_millis(250));
        assert_eq!(QUOTA.window(), Duration::from_millis(5250));
    }

    #[test]
    fn the_same_credential_gives_the_same_bucket_and_never_appears_in_it() {
        let token = "the-token-itself";
        let a = Limits::new(&SERVICE, &Auth::bearer(token), RateLimit::default());
        let b = Limits::new(&SERVICE, &Auth::bearer(token), RateLimit::default());
        let other = Limits::new(&SERVICE, &Auth::bearer("another"), RateLimit::default());
        let header = Limits::new(
            &SERVICE,
            &Auth::header("x-token", token),
            RateLimit::default(),
        );
        assert_eq!(key(&a, 0), key(&b, 0));
        assert_ne!(key(&a, 0), key(&other, 0));
        assert_ne!(key(&a, 0), key(&header, 0));
        let key = key(&a, 0).unwrap();
        assert!(
            key.starts_with("credkit:rate-limit:limited:*:100/5000ms:"),
            "{key}"
        );
        assert!(!key.contains(token), "{key}");
        assert_eq!(key.rsplit(':').next().unwrap().len(), 32, "{key}");
    }

    #[test]
    fn anonymous_operations_and_own_quotas_have_their_own_buckets() {
        let a = Limits::new(&SERVICE, &Auth::bearer("t"), RateLimit::default());
        let b = Limits::new(&SERVICE, &Auth::bearer("u"), RateLimit::default());
        // Sent without the credential: counted together, whoever's client sends it.
        assert_eq!(key(&a, 1), key(&b, 1));
        assert!(key(&a, 1).unwrap().ends_with(":anonymous"));
        // The operation's own quota, per client: two clients never share it.
        let own = key(&a, 2).unwrap();
        assert!(own.contains(":sign:5/1000ms:client-"), "{own}");
        assert_eq!(key(&a, 2), key(&a.clone(), 2));
        assert_ne!(
            key(&a, 2),
            key(
                &Limits::new(&SERVICE, &Auth::bearer("t"), RateLimit::default()),
                2
            )
        );
    }

    #[test]
    fn disabled_and_custom_quotas_replace_the_specs() {
        let disabled = Limits::new(&SERVICE, &Auth::bearer("t"), RateLimit::disabled());
        assert!(OPERATIONS.iter().all(|op| disabled.bucket(op).is_none()));
        let custom = Quota::per(7, Duration::from_secs(2));
        let limits = Limits::new(&SERVICE, &Auth::bearer("t"), RateLimit::custom(custom));
        for operation in OPERATIONS {
            assert_eq!(limits.bucket(operation).unwrap().0, custom);
        }
        let none = Quota::per(0, Duration::from_secs(1));
        let error = RateLimit::custom(none).check().unwrap_err().to_string();
        assert!(error.contains("allows nothing"), "{error}");
    }
}
