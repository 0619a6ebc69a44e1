//! What the workspace tests share: a client pointed at a mock server, a clock that records
//! retry waits instead of sleeping, a server that answers with raw bytes, a call of every
//! operation of every service, an OpenAPI schema checker for the spec examples, and the
//! benchmarks' worker processes.

pub mod answer_samples;
pub mod calls;
pub mod https_once;
pub mod openapi_schema;
pub mod quota_server;
pub mod raw_server;
pub mod redis;
pub mod workers;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use credkit_runtime::{GeneratedClient, RateLimit, RetryPolicy, Sleeper};
use httpmock::MockServer;

/// A client of service `C` talking to `server` with `token`, retries and quotas disabled.
pub fn client<C: GeneratedClient>(server: &MockServer, token: &str) -> C {
    client_at(&server.base_url(), token)
}

/// A client of service `C` talking to `base_url` with `token`, retries and quotas disabled.
pub fn client_at<C: GeneratedClient>(base_url: &str, token: &str) -> C {
    C::builder()
        .base_url(base_url)
        .token(token)
        .retry_policy(RetryPolicy::disabled())
        .rate_limit(RateLimit::disabled())
        .build()
        .expect("a loopback base URL is valid")
}

/// A client of service `C` talking to `server` with `token` and `policy`, waiting through
/// `waits` instead of sleeping; quotas disabled (a quota's waits are real time).
pub fn retrying_client<C: GeneratedClient>(
    server: &MockServer,
    token: &str,
    waits: &RecordedWaits,
    policy: RetryPolicy,
) -> C {
    C::builder()
        .base_url(server.base_url())
        .token(token)
        .retry_policy(waits.policy(policy))
        .rate_limit(RateLimit::disabled())
        .build()
        .expect("a loopback base URL is valid")
}

/// Records the waits the retry loop asks for and returns at once.
#[derive(Clone, Default)]
pub struct RecordedWaits(Arc<Mutex<Vec<Duration>>>);

impl RecordedWaits {
    /// A retry policy that waits through this recorder.
    pub fn policy(&self, policy: RetryPolicy) -> RetryPolicy {
        let waits = self.0.clone();
        policy.with_sleeper(Sleeper::new(move |wait| {
            waits.lock().unwrap().push(wait);
            Box::pin(async {})
        }))
    }

    /// The waits so far.
    pub fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }

    /// The waits so far, forgetting them: the next call starts from none.
    pub fn take(&self) -> Vec<Duration> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}
