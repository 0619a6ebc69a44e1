//! A loopback server that keeps a quota the way RENTRI states its own: more than `requests`
//! requests of one credential in any window of `period` are refused with `429`, and then every
//! request of that credential is refused for `penalty` (`Retry-After`); a request during that
//! silence is refused too and prolongs it. What it accepted and refused is counted, each
//! refusal with what it broke, so that a test can tell whether its callers kept to the quota.
//! It can also refuse one request of its own accord, as RENTRI does when other clients of the
//! credential spent the quota, to see how callers keep the silence that follows.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::raw_server::{RawServer, Reply};

/// The short synthetic quota of the quota tests, so that a burst over several windows takes
/// seconds: 20 requests a second; after a 429, 2 s of silence (RENTRI's shape, at a fifth of
/// its period).
pub const SYNTHETIC: ServerQuota = ServerQuota {
    requests: 20,
    period: Duration::from_secs(1),
    penalty: Duration::from_secs(2),
};

/// [`SYNTHETIC`] as clients are told it.
pub const SYNTHETIC_QUOTA: credkit_runtime::Quota =
    credkit_runtime::Quota::per(20, Duration::from_secs(1)).penalty(Duration::from_secs(2));

/// RENTRI's published quota: 100 requests in 5 s; after a 429, 10 s of silence.
pub const RENTRI: ServerQuota = ServerQuota {
    requests: 100,
    period: Duration::from_secs(5),
    penalty: Duration::from_secs(10),
};

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
    /// Refused requests that arrived with `requests` already in the window before them.
    pub over_quota: Vec<Instant>,
    /// Refused requests that arrived during a silence, each with how long after the `429`
    /// that began the silence.
    pub in_silence: Vec<Duration>,
    /// When the server refused a request of its own accord.
    pub refused_on_purpose: Vec<Instant>,
}

impl Tally {
    /// Requests that arrived during a silence more than `in_flight` after the `429` that began
    /// it: sent by a caller that should have known. Those sooner were on their way when the
    /// `429` was answered (a burst has as many requests in flight as it has tasks).
    pub fn in_silence_after(&self, in_flight: Duration) -> Vec<Duration> {
        let mut late: Vec<Duration> = self
            .in_silence
            .iter()
            .copied()
            .filter(|after| *after > in_flight)
            .collect();
        late.sort_unstable();
        late
    }

    /// The first accepted request after the last refusal, how long after it.
    pub fn resumed_after_refusal(&self) -> Option<Duration> {
        let refused = self.refused.last()?;
        let next = self.accepted.iter().find(|t| *t > refused)?;
        Some(*next - *refused)
    }

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
    /// The silence under way: when its `429` was answered, and until when it lasts.
    silence: Option<(Instant, Instant)>,
}

#[derive(Default)]
struct State {
    credentials: HashMap<String, Credential>,
    tally: Tally,
    /// Requests seen, of every credential.
    seen: usize,
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
        Self::refusing(quota, body, None).await
    }

    /// The same server, which also refuses the `nth` request (from 1) with `429` of its own
    /// accord, beginning a silence, as if other clients of the credential had spent the quota.
    pub async fn refusing(quota: ServerQuota, body: &'static str, nth: Option<usize>) -> Self {
        Self::answering(quota, nth, move |_| body.to_owned()).await
    }

    /// The same server, answering each accepted request `200` with `answer(request)` (a
    /// resource whose state changes over time).
    pub async fn answering(
        quota: ServerQuota,
        nth: Option<usize>,
        answer: impl Fn(&crate::raw_server::RawRequest) -> String + Send + Sync + 'static,
    ) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let retry_after = quota.penalty.as_secs_f64().ceil().to_string();
        let raw = RawServer::start(move |request| {
            let now = Instant::now();
            let mut state = shared.lock().expect("not poisoned");
            state.seen += 1;
            let on_purpose = Some(state.seen) == nth;
            let who = request.header("authorization").unwrap_or("").to_owned();
            let credential = state.credentials.entry(who).or_default();
            while credential
                .window
                .front()
                .is_some_and(|t| now.duration_since(*t) >= quota.period)
            {
                credential.window.pop_front();
            }
            let silence = credential.silence.filter(|(_, until)| now < *until);
            let over_quota = credential.window.len() >= quota.requests;
            if silence.is_some() || over_quota || on_purpose {
                // A request during a silence prolongs it; any other refusal begins one.
                let began = silence.map_or(now, |(began, _)| began);
                credential.silence = Some((began, now + quota.penalty));
                let tally = &mut state.tally;
                tally.refused.push(now);
                match silence {
                    Some(_) => tally.in_silence.push(now - began),
                    None if over_quota => tally.over_quota.push(now),
                    None => tally.refused_on_purpose.push(now),
                }
                return Reply::http(429, &[("retry-after", retry_after.as_str())], "");
            }
            credential.window.push_back(now);
            state.tally.accepted.push(now);
            Reply::http(
                200,
                &[("content-type", "application/json")],
                answer(request),
            )
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
