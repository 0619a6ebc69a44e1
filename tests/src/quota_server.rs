//! A loopback server that keeps a quota the way RENTRI states its own: more than `requests`
//! requests of one credential in any window of `period` are refused with `429`, and then every
//! request of that credential is refused for `penalty` (`Retry-After`). What it accepted and
//! refused is counted, so that a test can tell whether its callers kept to the quota.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::raw_server::{RawServer, Reply};

/// The short synthetic quota of the quota tests and benchmark, so that a burst over several
/// windows takes seconds: 20 requests a second, then a second of refusals.
pub const SYNTHETIC: ServerQuota = ServerQuota {
    requests: 20,
    period: Duration::from_secs(1),
    penalty: Duration::from_secs(1),
};

/// [`SYNTHETIC`] as clients are told it.
pub const SYNTHETIC_QUOTA: credkit_runtime::Quota =
    credkit_runtime::Quota::per(20, Duration::from_secs(1)).penalty(Duration::from_secs(1));

/// The quota the server keeps.
#[derive(Clone, Copy, Debug)]
pub struct ServerQuota {
    pub requests: usize,
    pub period: Duration,
    pub penalty: Duration,
}

/// What the server saw.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// When each accepted request arrived.
    pub accepted: Vec<Instant>,
    /// When each refused (`429`) request arrived.
    pub refused: Vec<Instant>,
}

impl Tally {
    /// From the first to the last accepted request.
    pub fn span(&self) -> Duration {
        match (self.accepted.first(), self.accepted.last()) {
            (Some(first), Some(last)) => *last - *first,
            _ => Duration::ZERO,
        }
    }
}

#[derive(Default)]
struct Credential {
    /// Accepted requests inside the last `period`.
    window: VecDeque<Instant>,
    /// Refusing everything until then.
    blocked_until: Option<Instant>,
}

#[derive(Default)]
struct State {
    credentials: HashMap<String, Credential>,
    tally: Tally,
}

/// The server; it stops when dropped.
pub struct QuotaServer {
    raw: RawServer,
    state: Arc<Mutex<State>>,
}

impl QuotaServer {
    /// A server keeping `quota` per `Authorization` header, answering every accepted request
    /// `200` with `body` (JSON).
    pub async fn start(quota: ServerQuota, body: &'static str) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let retry_after = quota.penalty.as_secs_f64().ceil().to_string();
        let raw = RawServer::start(move |request| {
            let now = Instant::now();
            let mut state = shared.lock().expect("not poisoned");
            let who = request.header("authorization").unwrap_or("").to_owned();
            let credential = state.credentials.entry(who).or_default();
            while credential
                .window
                .front()
                .is_some_and(|t| now.duration_since(*t) >= quota.period)
            {
                credential.window.pop_front();
            }
            let blocked = credential.blocked_until.is_some_and(|until| now < until);
            if blocked || credential.window.len() >= quota.requests {
                if !blocked {
                    credential.blocked_until = Some(now + quota.penalty);
                }
                state.tally.refused.push(now);
                return Reply::http(429, &[("retry-after", retry_after.as_str())], "");
            }
            credential.window.push_back(now);
            state.tally.accepted.push(now);
            Reply::http(200, &[("content-type", "application/json")], body)
        })
        .await;
        Self { raw, state }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        self.raw.base_url()
    }

    /// What the server saw so far.
    pub fn tally(&self) -> Tally {
        self.state.lock().expect("not poisoned").tally.clone()
    }
}

/// The shortest time in which `calls` requests can all be accepted under `quota`: `requests`
/// of them at once, then `requests` more a `period` later, and so on.
pub fn minimum_time(calls: usize, quota: &ServerQuota) -> Duration {
    quota.period * u32::try_from(calls.div_ceil(quota.requests).saturating_sub(1)).unwrap_or(0)
}

/// What a burst of calls made of it.
#[derive(Debug, Default)]
pub struct Burst {
    /// Calls that succeeded.
    pub ok: usize,
    /// The errors of the others, as displayed.
    pub errors: Vec<String>,
    /// From the first call to the end of the last.
    pub elapsed: Duration,
}

/// The answer of RENTRI's `get_credentials_status` that [`burst`] expects.
pub const STATUS_BODY: &str = r#"{"stato":"attivo"}"#;

/// `calls` calls of RENTRI's `get_credentials_status` from `tasks` concurrent tasks, each with a
/// client of its own from `client` (the same credential, when a test wants them to share a
/// quota).
pub async fn burst(
    calls: usize,
    tasks: usize,
    client: impl Fn() -> credkit_rentri_ca::Client,
) -> Burst {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Every client is built before the first call, so that the tasks start together.
    let clients: Vec<_> = (0..tasks).map(|_| client()).collect();
    let started = Instant::now();
    let handles: Vec<_> = clients
        .into_iter()
        .map(|client| {
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                while next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < calls {
                    let answer = client
                        .get_credentials_status()
                        .credentials_id("B4HUPE820")
                        .send()
                        .await;
                    outcomes.push(answer.map(drop).map_err(|e| e.to_string()));
                }
                outcomes
            })
        })
        .collect();
    let mut burst = Burst::default();
    for handle in handles {
        for outcome in handle.await.expect("a burst task does not panic") {
            match outcome {
                Ok(()) => burst.ok += 1,
                Err(error) => burst.errors.push(error),
            }
        }
    }
    burst.elapsed = started.elapsed();
    burst
}
