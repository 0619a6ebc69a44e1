//! When a failed call is sent again, and after how long.
//!
//! Which outcomes may be sent again is classified apart, per outcome and per the operation's
//! `x-credkit-idempotent` flag (`execute/classify.rs`). The policy turns that verdict into a
//! wait, or gives up:
//! - `Retry-After`: the time the server asks for, unless that exceeds
//!   [`RetryPolicy::max_retry_after`]; then the error is returned with `retry_after()` set.
//! - Otherwise exponential backoff with jitter, from [`RetryPolicy::initial_backoff`] up to
//!   [`RetryPolicy::max_backoff`].
//! - Never more than [`RetryPolicy::max_attempts`] attempts, never beyond the time
//!   [`RetryPolicy::budget`] from the first attempt.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::BoxFuture;
use crate::execute::Verdict;

/// How calls are retried. [`RetryPolicy::default`] retries; [`RetryPolicy::disabled`] never does.
///
/// ```
/// use credkit_runtime::RetryPolicy;
/// use std::time::Duration;
///
/// let patient = RetryPolicy::default().max_attempts(5).budget(Duration::from_secs(120));
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    /// Most attempts per call, the first included (1 disables retries). Default 3.
    max_attempts: u32,
    /// Backoff before the first retry; doubled for each further one. Default 250 ms.
    initial_backoff: Duration,
    /// Longest backoff. Default 8 s.
    max_backoff: Duration,
    /// Longest `Retry-After` that is waited for; a longer one returns the error. Default 30 s.
    max_retry_after: Duration,
    /// Total time from the first attempt after which no retry starts. Default 60 s.
    budget: Duration,
    sleeper: Sleeper,
}

/// How the retry loop waits: `tokio::time::sleep` unless a test injects its own clock.
#[derive(Clone)]
pub struct Sleeper(Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>);

impl Sleeper {
    /// A sleeper calling `f` with each wait.
    pub fn new(f: impl Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(crate) async fn sleep(&self, wait: Duration) {
        (self.0)(wait).await
    }
}

impl Default for Sleeper {
    fn default() -> Self {
        Self::new(|wait| Box::pin(tokio::time::sleep(wait)))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            budget: Duration::from_secs(60),
            sleeper: Sleeper::default(),
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_retry_after", &self.max_retry_after)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The same policy waiting through `sleeper` (tests use it to record waits instantly).
    pub fn with_sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// Most attempts per call, the first included; 1 disables retries.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before the first retry, doubled for each further one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Longest backoff between two attempts.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Longest `Retry-After` that is waited for; a longer one returns the error at once.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Time from the first attempt after which no retry starts.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Whether the policy allows an attempt with this number (the first is 1).
    pub(crate) fn allows_attempt(&self, attempt: u32) -> bool {
        attempt <= self.max_attempts
    }

    pub(crate) async fn sleep(&self, wait: Duration) {
        self.sleeper.sleep(wait).await
    }

    /// What is left of the budget `elapsed` after the first attempt.
    pub(crate) fn remaining_budget(&self, elapsed: Duration) -> Duration {
        self.budget.saturating_sub(elapsed)
    }

    /// How long to wait before attempt `attempt + 1`, `elapsed` after the first began, when
    /// attempt `attempt` was classified `verdict`; `None` to give up.
    pub(crate) fn wait(
        &self,
        verdict: Verdict,
        attempt: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if !self.allows_attempt(attempt + 1) {
            return None;
        }
        let wait = match verdict {
            Verdict::RetryAfter(asked) if asked <= self.max_retry_after => asked,
            Verdict::RetryAfter(_) | Verdict::Final => return None,
            Verdict::Backoff => self.backoff(attempt),
        };
        (elapsed + wait <= self.budget).then_some(wait)
    }

    /// Exponential backoff with "equal jitter": half fixed, half random, so that clients that
    /// failed together do not retry together.
    fn backoff(&self, attempt: u32) -> Duration {
        equal_jitter(self.initial_backoff, self.max_backoff, attempt - 1)
    }
}

/// `first` doubled `doublings` times, capped at `max`, with "equal jitter": half of it fixed,
/// half random. Retries and waiters (`crate::wait`) back off alike.
pub(crate) fn equal_jitter(first: Duration, max: Duration, doublings: u32) -> Duration {
    let capped = first.saturating_mul(1u32 << doublings.min(16)).min(max);
    let half = capped / 2;
    half + half.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_backoff: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(
                first >= Duration::from_millis(125) && first <= Duration::from_millis(250),
                "{first:?}"
            );
            let tenth = policy.backoff(10);
            assert!(
                tenth >= Duration::from_millis(500) && tenth <= Duration::from_secs(1),
                "{tenth:?}"
            );
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .max_attempts(3)
            .initial_backoff(Duration::from_millis(100))
            .max_retry_after(Duration::from_secs(30))
            .budget(Duration::from_secs(60))
    }

    #[test]
    fn a_final_verdict_never_waits() {
        assert_eq!(policy().wait(Verdict::Final, 1, Duration::ZERO), None);
    }

    #[test]
    fn the_server_asked_wait_is_kept_up_to_the_longest_allowed() {
        let asked = |secs| Verdict::RetryAfter(Duration::from_secs(secs));
        assert_eq!(
            policy().wait(asked(30), 1, Duration::ZERO),
            Some(Duration::from_secs(30))
        );
        assert_eq!(policy().wait(asked(31), 1, Duration::ZERO), None);
        assert_eq!(
            policy().wait(asked(0), 2, Duration::ZERO),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn backoff_doubles_per_attempt_with_half_of_it_jitter() {
        for _ in 0..100 {
            let first = policy().wait(Verdict::Backoff, 1, Duration::ZERO).unwrap();
            assert!(
                (Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first),
                "{first:?}"
            );
            let second = policy().wait(Verdict::Backoff, 2, Duration::ZERO).unwrap();
            assert!(
                (Duration::from_millis(100)..=Duration::from_millis(200)).contains(&second),
                "{second:?}"
            );
        }
    }

    #[test]
    fn no_attempt_beyond_the_most_allowed_or_the_budget() {
        let asked = Verdict::RetryAfter(Duration::from_secs(10));
        // The third attempt is the last one.
        assert_eq!(policy().wait(asked, 3, Duration::ZERO), None);
        assert_eq!(RetryPolicy::disabled().wait(asked, 1, Duration::ZERO), None);
        // A wait that would end beyond the budget is not started; one that ends on it is.
        assert_eq!(policy().wait(asked, 1, Duration::from_secs(51)), None);
        assert_eq!(
            policy().wait(asked, 1, Duration::from_secs(50)),
            Some(Duration::from_secs(10))
        );
    }
}
