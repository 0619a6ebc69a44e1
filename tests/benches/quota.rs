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
//! 2. Bursts: 61 calls (and 20) from 16 tasks against a server that refuses more than 20
//!    requests a second (`credkit_tests::quota_server`), without a limiter, with the local one
//!    and with Redis: calls refused, wall time, and the least time the quota allows.
//!
//! Without `CREDKIT_TEST_REDIS_URL` the Redis rows are skipped. Prints tables; asserts nothing.

#[path = "../../crates/credkit/benches/median/mod.rs"]
mod median;
#[path = "../../crates/credkit/benches/stub/mod.rs"]
mod stub;

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::{Duration, Instant};

use credkit_rentri_ca::Client;
use credkit_runtime::{
    LocalRateLimiter, Quota, RateLimit, RateLimiter, RedisRateLimiter, RetryPolicy,
};
use credkit_tests::quota_server::{
    QuotaServer, STATUS_BODY, SYNTHETIC, SYNTHETIC_QUOTA, ServerQuota, burst, minimum_time,
};
use hyper::Method;
use median::median;
use stub::{Route, StubServer};

const ROUNDS: usize = 21;
const CALLS_PER_ROUND: usize = 200;
/// So large that no call ever waits: what is measured is taking a turn.
const NEVER_WAITS: Quota = Quota::per(u32::MAX, Duration::from_secs(1));

const SERVER_QUOTA: ServerQuota = SYNTHETIC;
const QUOTA: Quota = SYNTHETIC_QUOTA;
const TASKS: usize = 16;
const BURST_RUNS: usize = 3;

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

async fn bursts() {
    println!(
        "\n### Bursts from {TASKS} tasks against a server refusing more than {} requests in {:?} (median of {BURST_RUNS} runs)\n",
        SERVER_QUOTA.requests, SERVER_QUOTA.period
    );
    println!(
        "| calls | way | answered 429 | calls failed | wall time | least time the quota allows | ratio |"
    );
    println!("|--:|---|--:|--:|--:|--:|--:|");
    let ways = ways();
    for calls in [61, 20] {
        for (name, limiter) in &ways {
            let mut runs = Vec::new();
            for _ in 0..BURST_RUNS {
                let server = QuotaServer::start(SERVER_QUOTA, STATUS_BODY).await;
                let token = unique_token();
                let result = burst(calls, TASKS, || {
                    client(&server.base_url(), &token, QUOTA, limiter)
                })
                .await;
                runs.push((
                    result.elapsed,
                    server.tally().refused.len(),
                    result.errors.len(),
                ));
                // The server's penalty and the limiter's buckets are over before the next run.
                tokio::time::sleep(SERVER_QUOTA.period + SERVER_QUOTA.penalty).await;
            }
            runs.sort();
            let (elapsed, refused, failed) = runs[runs.len() / 2];
            let minimum = minimum_time(calls, &SERVER_QUOTA);
            let ratio = match minimum.is_zero() {
                true => "-".to_owned(),
                false => format!("{:.2}", elapsed.as_secs_f64() / minimum.as_secs_f64()),
            };
            println!(
                "| {calls} | {name} | {refused} | {failed} | {:.2} s | {:.2} s | {ratio} |",
                elapsed.as_secs_f64(),
                minimum.as_secs_f64()
            );
        }
    }
}

fn main() {
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
