//! What keeping to a quota costs and gives (`crates/runtime/src/rate_limit.rs`).
//!
//! ```text
//! CREDKIT_TEST_REDIS_URL=redis://127.0.0.1:6379/ cargo bench -p credkit-tests --bench quota
//! ```
//!
//! 1. Per call: RENTRI's `get_credentials_status` against the benchmarks' keep-alive server
//!    (`crates/credkit/benches/stub`), one call at a time, without a quota, with the local
//!    limiter and with Redis, under a quota so large that no call waits: what taking a turn
//!    adds. Interleaved rounds, their order rotating; medians over the rounds. Then the turn
//!    alone, without HTTP.
//! 2. Bursts at RENTRI's own quota (100 requests in 5 s, 10 s of silence after a 429), against
//!    a server that keeps it strictly and counts what breaks it (`credkit_tests::quota_server`):
//!    300 calls, from 8 and 32 tasks, in one process and in three through Redis; the same
//!    with a 429 the server gives of its own accord at the 150th request (requests during the
//!    silence); 100 calls that meet a 429 at once (time from the 429 to the last answer). The
//!    pace of the runtime's sliding log is compared, in one process, with two limiters of
//!    this file: the even spacing the runtime had before (GCRA with a burst of one, 55 ms) and
//!    GCRA with a burst (governor's way).
//!
//! Without `CREDKIT_TEST_REDIS_URL` the Redis rows are skipped. Prints tables; asserts nothing.
//! Each row is one run (a burst takes 10 to 30 s); run it twice to see the spread.

#[path = "../../crates/credkit/benches/median/mod.rs"]
mod median;
#[path = "../../crates/credkit/benches/stub/mod.rs"]
mod stub;

use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use credkit_rentri_ca::Client;
use credkit_runtime::{
    BoxFuture, LocalRateLimiter, Quota, RateLimit, RateLimitError, RateLimiter, RedisRateLimiter,
    RetryPolicy,
};
use credkit_tests::quota_server::{
    Burst, QuotaServer, RENTRI, STATUS_BODY, Tally, burst, minimum_time,
};
use credkit_tests::workers::run_workers;
use hyper::Method;
use median::median;
use stub::{Route, StubServer};

const ROUNDS: usize = 21;
const CALLS_PER_ROUND: usize = 200;
/// So large that no call ever waits: what is measured is taking a turn.
const NEVER_WAITS: Quota = Quota::per(u32::MAX, Duration::from_secs(1));

/// RENTRI's quota, as its spec declares it.
const QUOTA: Quota = Quota::per(100, Duration::from_secs(5)).penalty(Duration::from_secs(10));
/// Requests that reach the server this soon after the 429 that began a silence were on their
/// way when it was answered.
const IN_FLIGHT: Duration = Duration::from_millis(100);
const WORKER: &str = "CREDKIT_QUOTA_BENCH_WORKER";

fn unique_token() -> String {
    format!("bench-{:016x}", RandomState::new().hash_one(Instant::now()))
}

/// The ways compared, each with the limiter it counts in (`None`: no quota).
fn ways() -> Vec<(&'static str, Option<Arc<dyn RateLimiter>>)> {
    let mut ways: Vec<(&'static str, Option<Arc<dyn RateLimiter>>)> = vec![
        ("no quota", None),
        ("local limiter", Some(Arc::new(LocalRateLimiter::new()))),
    ];
    match std::env::var("CREDKIT_TEST_REDIS_URL") {
        Ok(url) => ways.push((
            "Redis limiter",
            Some(Arc::new(RedisRateLimiter::new(&url).expect("a Redis URL"))),
        )),
        Err(_) => println!("(CREDKIT_TEST_REDIS_URL is not set: no Redis rows)"),
    }
    ways
}

/// A client without retries, under `quota` counted in `limiter` (`None`: no quota).
fn client(
    base_url: &str,
    token: &str,
    quota: Quota,
    limiter: &Option<Arc<dyn RateLimiter>>,
) -> Client {
    let rate_limit = match limiter {
        None => RateLimit::disabled(),
        Some(limiter) => RateLimit::custom(quota).limiter(Arc::clone(limiter)),
    };
    Client::builder()
        .base_url(base_url)
        .token(token)
        .retry_policy(RetryPolicy::disabled())
        .rate_limit(rate_limit)
        .build()
        .expect("a loopback base URL is valid")
}

async fn per_call() {
    let server = StubServer::start(vec![Route::json(
        Method::GET,
        "/credentials/B4HUPE820/status",
        200,
        STATUS_BODY,
    )]);
    let ways = ways();
    let token = unique_token();
    let clients: Vec<Client> = ways
        .iter()
        .map(|(_, limiter)| client(server.base_url(), &token, NEVER_WAITS, limiter))
        .collect();
    let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); ways.len()];
    for round in 0..=ROUNDS {
        for offset in 0..ways.len() {
            let way = (round + offset) % ways.len();
            let mut samples = Vec::with_capacity(CALLS_PER_ROUND);
            for _ in 0..CALLS_PER_ROUND {
                let start = Instant::now();
                clients[way]
                    .get_credentials_status()
                    .credentials_id("B4HUPE820")
                    .send()
                    .await
                    .unwrap();
                samples.push(start.elapsed());
            }
            if round > 0 {
                latencies[way].push(median(&mut samples));
            }
        }
    }
    println!("\n### Per call ({ROUNDS} rounds of {CALLS_PER_ROUND} calls, one at a time)\n");
    println!("| way | median latency | added per call |");
    println!("|---|--:|--:|");
    let baseline = median(&mut latencies[0].clone());
    for ((name, _), rounds) in ways.iter().zip(&mut latencies) {
        let latency = median(rounds);
        let added = latency.as_secs_f64() - baseline.as_secs_f64();
        println!(
            "| {name} | {:.1}µs | {:+.1}µs |",
            latency.as_secs_f64() * 1e6,
            added * 1e6
        );
    }

    println!("\n### A turn alone, no HTTP (median of {ROUNDS} rounds of {CALLS_PER_ROUND})\n");
    println!("| limiter | per turn |");
    println!("|---|--:|");
    for (name, limiter) in ways.iter().skip(1) {
        let limiter = limiter.as_ref().unwrap();
        let key = format!("credkit:bench:{}", unique_token());
        let mut rounds = Vec::new();
        for round in 0..=ROUNDS {
            let start = Instant::now();
            for _ in 0..CALLS_PER_ROUND {
                limiter
                    .acquire(&key, &NEVER_WAITS, Duration::from_secs(60))
                    .await
                    .unwrap();
            }
            if round > 0 {
                rounds.push(start.elapsed() / CALLS_PER_ROUND as u32);
            }
        }
        println!(
            "| {name} | {:.2}µs |",
            median(&mut rounds).as_secs_f64() * 1e6
        );
    }
}

/// GCRA with turns `interval` apart after a burst of `burst`, each caller in turn checking and
/// sleeping until its turn: the runtime's local limiter before the sliding log (burst 1,
/// `period × 1.1 / requests`), or governor's GCRA with a burst. A hold after a 429 is checked
/// at every turn.
#[derive(Debug)]
struct Gcra {
    interval: Duration,
    burst: u32,
    turn: tokio::sync::Mutex<()>,
    /// The theoretical arrival time of the next turn, and the hold.
    state: Mutex<(Option<tokio::time::Instant>, Option<tokio::time::Instant>)>,
}

impl Gcra {
    fn new(interval: Duration, burst: u32) -> Self {
        Self {
            interval,
            burst,
            turn: tokio::sync::Mutex::new(()),
            state: Mutex::new((None, None)),
        }
    }
}

impl RateLimiter for Gcra {
    fn acquire<'a>(
        &'a self,
        _: &'a str,
        _: &'a Quota,
        _: Duration,
    ) -> BoxFuture<'a, Result<Duration, RateLimitError>> {
        Box::pin(async move {
            let arrived = tokio::time::Instant::now();
            let _turn = self.turn.lock().await;
            loop {
                let now = tokio::time::Instant::now();
                let next = {
                    let mut state = self.state.lock().unwrap();
                    let tat = state.0.map_or(now, |tat| tat.max(now));
                    let allowed = tat
                        .checked_sub(self.interval * (self.burst - 1))
                        .unwrap_or(now)
                        .max(state.1.unwrap_or(now));
                    if allowed <= now {
                        state.0 = Some(tat + self.interval);
                        return Ok(now - arrived);
                    }
                    allowed
                };
                tokio::time::sleep_until(next).await;
            }
        })
    }

    fn pause<'a>(&'a self, _: &'a str, _: &'a Quota, pause: Duration) -> BoxFuture<'a, ()> {
        let until = tokio::time::Instant::now() + pause;
        let mut state = self.state.lock().unwrap();
        state.1 = Some(state.1.map_or(until, |held| held.max(until)));
        Box::pin(async {})
    }
}

/// A client with the default retries (a 429 is retried after its silence), under RENTRI's
/// quota counted in `limiter`.
fn rentri_client(base_url: &str, token: &str, limiter: &Arc<dyn RateLimiter>) -> Client {
    Client::builder()
        .base_url(base_url)
        .token(token)
        .rate_limit(RateLimit::custom(QUOTA).limiter(Arc::clone(limiter)))
        .build()
        .expect("a loopback base URL is valid")
}

/// Where the turns are counted.
#[derive(Clone, Copy)]
enum Way {
    /// This process, with the runtime's limiter or one of this file's.
    Here(fn() -> Arc<dyn RateLimiter>),
    /// Three processes of this benchmark through Redis, a third of the calls each.
    ThreeProcesses,
}

/// `calls` calls from `tasks` tasks (in each process) against a server keeping RENTRI's quota,
/// which refuses the `refuse`th request of its own accord.
async fn run(way: Way, calls: usize, tasks: usize, refuse: Option<usize>) -> (Burst, Tally) {
    let server = QuotaServer::refusing(RENTRI, STATUS_BODY, refuse).await;
    let token = unique_token();
    let burst = match way {
        Way::Here(limiter) => {
            let limiter = limiter();
            burst(calls, tasks, || {
                rentri_client(&server.base_url(), &token, &limiter)
            })
            .await
        }
        Way::ThreeProcesses => {
            let url = std::env::var("CREDKIT_TEST_REDIS_URL").expect("Redis rows need it");
            let started = Instant::now();
            let jobs = (0..3)
                .map(|n| {
                    let share = calls / 3 + usize::from(n < calls % 3);
                    format!("{} {token} {share} {tasks} {url}", server.base_url())
                })
                .collect();
            let outputs = run_workers(WORKER, jobs).await;
            let mut burst = Burst {
                elapsed: started.elapsed(),
                ..Burst::default()
            };
            for stdout in outputs {
                let (ok, failed) = stdout.trim().split_once(' ').expect("ok failed");
                burst.ok += ok.parse::<usize>().unwrap();
                let failed: usize = failed.parse().unwrap();
                burst
                    .errors
                    .extend((0..failed).map(|_| "failed".to_owned()));
            }
            burst
        }
    };
    (burst, server.tally())
}

/// One process of [`Way::ThreeProcesses`]: prints how many calls succeeded and failed.
fn worker(job: &str) {
    let job: Vec<&str> = job.split(' ').collect();
    let [base_url, token, calls, tasks, url] = job[..] else {
        panic!("{WORKER}: {job:?}");
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let limiter: Arc<dyn RateLimiter> = Arc::new(RedisRateLimiter::new(url).unwrap());
    let result = runtime.block_on(burst(
        calls.parse().unwrap(),
        tasks.parse().unwrap(),
        || rentri_client(base_url, token, &limiter),
    ));
    println!("{} {}", result.ok, result.errors.len());
}

/// The most accepted requests in any window of the quota's period.
fn busiest_window(tally: &Tally) -> usize {
    let accepted = &tally.accepted;
    (0..accepted.len())
        .map(|i| {
            accepted[i..]
                .iter()
                .take_while(|t| t.duration_since(accepted[i]) < RENTRI.period)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// The shortest time from an accepted request to the one `requests` after it: at least the
/// period when no window held more than the quota; what is left of the window's margin on the
/// way to the server.
fn tightest_window(tally: &Tally) -> Option<Duration> {
    let accepted = &tally.accepted;
    (RENTRI.requests..accepted.len())
        .map(|i| accepted[i] - accepted[i - RENTRI.requests])
        .min()
}

fn local() -> Arc<dyn RateLimiter> {
    Arc::new(LocalRateLimiter::new())
}

fn spacing() -> Arc<dyn RateLimiter> {
    Arc::new(Gcra::new(Duration::from_millis(55), 1))
}

fn gcra_full_burst() -> Arc<dyn RateLimiter> {
    Arc::new(Gcra::new(Duration::from_millis(50), 100))
}

fn gcra_half_burst() -> Arc<dyn RateLimiter> {
    Arc::new(Gcra::new(Duration::from_millis(100), 50))
}

/// The runtime's limiters, from 8 and 32 tasks (in each process).
fn sliding_log(redis: bool) -> Vec<(&'static str, Way, usize)> {
    let mut ways = vec![
        ("sliding log, one process", Way::Here(local), 8),
        ("sliding log, one process", Way::Here(local), 32),
    ];
    if redis {
        for tasks in [8, 32] {
            ways.push((
                "sliding log, three processes, Redis",
                Way::ThreeProcesses,
                tasks,
            ));
        }
    }
    ways
}

async fn bursts() {
    let redis = std::env::var("CREDKIT_TEST_REDIS_URL").is_ok();
    let least = minimum_time(300, &RENTRI);
    println!(
        "\n### 300 calls against RENTRI's quota (100 in 5 s; least time {:.2} s)\n",
        least.as_secs_f64()
    );
    println!(
        "| way | tasks | refused over the quota | refused in a silence | busiest 5 s | closest 101 accepted | wall time | ratio to the least time |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|--:|");
    let mut ways: Vec<(&str, Way, usize)> = vec![
        ("even spacing, 55 ms (before)", Way::Here(spacing), 8),
        ("GCRA, burst 100, 50 ms", Way::Here(gcra_full_burst), 8),
        ("GCRA, burst 50, 100 ms", Way::Here(gcra_half_burst), 8),
    ];
    ways.extend(sliding_log(redis));
    for (name, way, tasks) in &ways {
        let (burst, tally) = run(*way, 300, *tasks, None).await;
        // Three processes are timed at the server: starting them takes a while of its own.
        let elapsed = match way {
            Way::ThreeProcesses => tally.span(),
            Way::Here(_) => burst.elapsed,
        };
        println!(
            "| {name} | {tasks} | {} | {} | {} | {} | {:.2} s | {:.3} |",
            tally.over_quota.len(),
            tally.in_silence.len(),
            busiest_window(&tally),
            tightest_window(&tally).map_or("-".to_owned(), |t| format!("{:.3} s", t.as_secs_f64())),
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() / least.as_secs_f64()
        );
    }

    println!("\n### A 429 at the 150th of 300 calls: requests during the 10 s of silence\n");
    println!(
        "| way | tasks | in flight at the 429 (< {} ms) | sent during the silence | over the quota | next accepted after the last refusal | calls failed |",
        IN_FLIGHT.as_millis()
    );
    println!("|---|--:|--:|--:|--:|--:|--:|");
    let silences = sliding_log(redis);
    for (name, way, tasks) in &silences {
        let (burst, tally) = run(*way, 300, *tasks, Some(150)).await;
        let late = tally.in_silence_after(IN_FLIGHT).len();
        println!(
            "| {name} | {tasks} | {} | {late} | {} | {:.3} s | {} |",
            tally.in_silence.len() - late,
            tally.over_quota.len(),
            tally
                .resumed_after_refusal()
                .unwrap_or_default()
                .as_secs_f64(),
            burst.errors.len()
        );
    }

    println!("\n### 100 calls meeting a 429 at once: from the 429 to the last answer\n");
    println!("| way | tasks | refused after the first | time from the 429 | ratio to 10 s |");
    println!("|---|--:|--:|--:|--:|");
    for (name, way, tasks) in &silences {
        let (_, tally) = run(*way, 100, *tasks, Some(1)).await;
        let first = tally.refused[0];
        let last = *tally.accepted.last().unwrap();
        let after = last - first;
        println!(
            "| {name} | {tasks} | {} | {:.2} s | {:.3} |",
            tally.refused.len() - 1,
            after.as_secs_f64(),
            after.as_secs_f64() / RENTRI.penalty.as_secs_f64()
        );
    }
}

fn main() {
    if let Ok(job) = std::env::var(WORKER) {
        return worker(&job);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        per_call().await;
        bursts().await;
    });
}
