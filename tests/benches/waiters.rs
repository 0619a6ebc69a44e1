//! What a waiter costs and gives (`crates/runtime/src/wait.rs`, `x-credkit-waiters`).
//!
//! ```text
//! CREDKIT_TEST_REDIS_URL=redis://127.0.0.1:6379/ cargo bench -p credkit-tests --bench waiters
//! ```
//!
//! 1. Per poll: RENTRI's `wait_until_credentials_active` against the benchmarks' keep-alive
//!    server (`crates/credkit/benches/stub`), on credentials that stay `Nuovo`, with no delay
//!    between polls and no quota, until its maximum wait; beside a hand-written loop calling
//!    `get_credentials_status` and comparing `stato` for the same time. Interleaved rounds,
//!    medians of the time per poll.
//! 2. Many waiters on one RENTRI credential (RENTRI's quota: 100 requests in 5 s, 10 s of
//!    silence after a 429), in three processes sharing the quota through Redis, against a server
//!    that keeps the quota strictly (`credkit_tests::quota_server`) and makes each credential
//!    `Attivo` at a random time: polls sent, 429s, and the polls against what the quota allows.
//!
//! Without `CREDKIT_TEST_REDIS_URL` the second part is skipped. Prints tables; asserts nothing.

#[path = "../../crates/credkit/benches/median/mod.rs"]
mod median;
#[path = "../../crates/credkit/benches/stub/mod.rs"]
mod stub;

use std::sync::Arc;
use std::time::{Duration, Instant};

use credkit_rentri_ca::Client;
use credkit_rentri_ca::types::Stato;
use credkit_runtime::{Quota, RateLimit, RateLimiter, RedisRateLimiter, Waited};
use credkit_tests::quota_server::{QuotaServer, RENTRI};
use credkit_tests::workers::run_workers;
use hyper::Method;
use median::median;
use stub::{Route, StubServer};

const ROUNDS: usize = 11;
const ROUND: Duration = Duration::from_millis(500);
const WORKER: &str = "CREDKIT_WAITERS_BENCH_WORKER";
/// The waiters of part 2, each process's share, and when their credentials become active.
const WAITERS: usize = 300;
const ACTIVATED_WITHIN: Duration = Duration::from_secs(20);
const QUOTA: Quota = Quota::per(100, Duration::from_secs(5)).penalty(Duration::from_secs(10));

fn plain_client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .token("bench")
        .rate_limit(RateLimit::disabled())
        .build()
        .expect("a loopback base URL is valid")
}

/// Polls a waiter makes in `ROUND`, and the time each took.
async fn waiter_round(client: &Client) -> Duration {
    let started = Instant::now();
    let polls = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counted = Arc::clone(&polls);
    let waited = client
        .wait_until_credentials_active()
        .credentials_id("PENDING")
        .first_delay(Duration::ZERO)
        .max_delay(Duration::ZERO)
        .max_wait(ROUND)
        .on_poll(move |_| {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .send()
        .await
        .expect("the stub answers");
    assert!(matches!(waited, Waited::TimedOut { .. }));
    started.elapsed() / polls.load(std::sync::atomic::Ordering::Relaxed).max(1)
}

/// The hand-written loop: call, compare the state, again, for `ROUND`.
async fn hand_round(client: &Client) -> Duration {
    let started = Instant::now();
    let mut polls = 0u32;
    while started.elapsed() < ROUND {
        let answer = client
            .get_credentials_status()
            .credentials_id("PENDING")
            .send()
            .await
            .expect("the stub answers");
        polls += 1;
        if answer.stato == Some(Stato::Attivo) {
            break;
        }
    }
    started.elapsed() / polls.max(1)
}

async fn per_poll() {
    let server = StubServer::start(vec![Route::json(
        Method::GET,
        "/credentials/PENDING/status",
        200,
        r#"{"identifier":"PENDING","stato":"Nuovo"}"#,
    )]);
    let client = plain_client(server.base_url());
    hand_round(&client).await; // warm the connection
    let (mut waiter, mut hand) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            waiter.push(waiter_round(&client).await);
            hand.push(hand_round(&client).await);
        } else {
            hand.push(hand_round(&client).await);
            waiter.push(waiter_round(&client).await);
        }
    }
    let (waiter, hand) = (median(&mut waiter), median(&mut hand));
    println!(
        "\n### Per poll, no delay, no quota ({ROUNDS} interleaved rounds of {ROUND:?}, medians)\n"
    );
    println!("| loop | time per poll | ratio to the hand-written loop |");
    println!("|---|--:|--:|");
    println!(
        "| hand-written `get_credentials_status` loop | {:.1} µs | 1.000 |",
        hand.as_secs_f64() * 1e6
    );
    println!(
        "| `wait_until_credentials_active` | {:.1} µs | {:.3} |",
        waiter.as_secs_f64() * 1e6,
        waiter.as_secs_f64() / hand.as_secs_f64()
    );
}

/// One process of part 2: `count` waiters from `first`, sharing the quota through Redis;
/// prints `reached timed_out failed errors`.
fn worker(job: &str) {
    let job: Vec<&str> = job.split(' ').collect();
    let [base_url, first, count, url] = job[..] else {
        panic!("{WORKER}: {job:?}");
    };
    let (first, count): (usize, usize) = (first.parse().unwrap(), count.parse().unwrap());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let limiter: Arc<dyn RateLimiter> = Arc::new(RedisRateLimiter::new(url).unwrap());
    let client = Client::builder()
        .base_url(base_url)
        .token("one-credential")
        .rate_limit(RateLimit::custom(QUOTA).limiter(limiter))
        .build()
        .unwrap();
    let outcomes = runtime.block_on(async {
        let waits = (first..first + count).map(|n| {
            let client = client.clone();
            async move {
                client
                    .wait_until_credentials_active()
                    .credentials_id(format!("C{n}"))
                    .max_wait(Duration::from_secs(180))
                    .send()
                    .await
                    .map(|waited| waited.name())
            }
        });
        futures::future::join_all(waits).await
    });
    let count = |name: &str| {
        outcomes
            .iter()
            .filter(|o| o.as_deref().ok() == Some(name))
            .count()
    };
    let errors = outcomes.iter().filter(|o| o.is_err()).count();
    println!(
        "{} {} {} {errors}",
        count("reached"),
        count("timed out"),
        count("failed")
    );
}

async fn shared_quota(url: &str) {
    // Each credential becomes active at its own random time within ACTIVATED_WITHIN.
    let started = Instant::now();
    let activation: Arc<Vec<Duration>> = Arc::new(
        (0..WAITERS)
            .map(|n| ACTIVATED_WITHIN.mul_f64(uniform(n)))
            .collect(),
    );
    let active = Arc::clone(&activation);
    let server = QuotaServer::answering(RENTRI, None, move |request| {
        let n: usize = request
            .path()
            .trim_start_matches("/credentials/C")
            .trim_end_matches("/status")
            .parse()
            .unwrap_or(0);
        let state = if started.elapsed() >= active[n] {
            "Attivo"
        } else {
            "Nuovo"
        };
        format!(r#"{{"stato":"{state}"}}"#)
    })
    .await;
    let jobs = (0..3)
        .map(|p| {
            let (first, count) = (
                p * WAITERS / 3,
                WAITERS / 3 + usize::from(p == 2) * (WAITERS % 3),
            );
            format!("{} {first} {count} {url}", server.base_url())
        })
        .collect();
    let outputs = run_workers(WORKER, jobs).await;
    let elapsed = started.elapsed();
    let mut totals = [0usize; 4];
    for output in outputs {
        for (total, n) in totals.iter_mut().zip(output.split_whitespace()) {
            *total += n.parse::<usize>().unwrap();
        }
    }
    let tally = server.tally();
    let polls = tally.accepted.len() + tally.refused.len();
    // The quota allows 100 polls in any 5 s from the first: what the run could have sent.
    let allowed =
        RENTRI.requests * (elapsed.as_secs_f64() / RENTRI.period.as_secs_f64()).ceil() as usize;
    println!(
        "\n### {WAITERS} waiters of one RENTRI credential in three processes through Redis, each credential active within {ACTIVATED_WITHIN:?}\n"
    );
    println!(
        "| reached | timed out | failed | errors | polls | 429 | polls per waiter | run | most polls the quota allows in the run | polls / that |"
    );
    println!("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    println!(
        "| {} | {} | {} | {} | {polls} | {} | {:.2} | {:.1} s | {allowed} | {:.3} |",
        totals[0],
        totals[1],
        totals[2],
        totals[3],
        tally.refused.len(),
        polls as f64 / WAITERS as f64,
        elapsed.as_secs_f64(),
        polls as f64 / allowed as f64
    );
    let last_activation = activation
        .iter()
        .copied()
        .fold(Duration::ZERO, Duration::max);
    println!(
        "\nThe last credential became active after {:.1} s; every waiter needs at least one poll after its credential's activation ({WAITERS} polls at the fewest).",
        last_activation.as_secs_f64()
    );
}

/// A number in [0, 1) that differs per `n` and per run.
fn uniform(n: usize) -> f64 {
    use std::hash::BuildHasher as _;
    static SEED: std::sync::OnceLock<std::hash::RandomState> = std::sync::OnceLock::new();
    let hash = SEED.get_or_init(std::hash::RandomState::new).hash_one(n);
    (hash >> 11) as f64 / (1u64 << 53) as f64
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
        per_poll().await;
        match std::env::var("CREDKIT_TEST_REDIS_URL") {
            Ok(url) => shared_quota(&url).await,
            Err(_) => println!("\n(set CREDKIT_TEST_REDIS_URL for the waiters sharing a quota)"),
        }
    });
}
