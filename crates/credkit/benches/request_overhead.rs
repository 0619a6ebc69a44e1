//! What a generated client costs per call against hand-written reqwest + serde_json code making
//! the same request, both against one fast local server (`stub`), in the same run.
//!
//! ```text
//! cargo bench -p credkit --bench request_overhead
//! ```
//!
//! For a JSON read and a JSON write of each service (`calls`), one at a time and 32 in flight,
//! without a tracing subscriber, with one at INFO (what a service's logs usually keep), and with
//! one at INFO that also keeps credkit's DEBUG spans, three ways are measured in interleaved
//! rounds (their
//! order rotates each round, so that drift of the machine's load touches all three alike):
//! hand-written code, the generated client with retries off (`RetryPolicy::disabled()`) and
//! with the default retry policy. Each row prints the median latency of the hand-written call,
//! then the generated client's median latency and throughput as ratios to the hand-written
//! ones of the same round (the median of those ratios over the rounds).
//!
//! The client runs on this thread and the server on one of its own, so on two cores each has
//! one. Loopback HTTP dominates both sides: the ratios bound the client's own work from above.
//!
//! Timings move with the machine's load. The client's own work can also be counted, which
//! does not: with `REQUEST_OVERHEAD_WAY=<hand-written|retries-off|retries-on>` the benchmark
//! only makes `REQUEST_OVERHEAD_CALLS` calls (default 1,000) of each of the six, one at a
//! time, that way, and under callgrind each thread's instructions are counted apart:
//!
//! ```text
//! REQUEST_OVERHEAD_WAY=hand-written valgrind --tool=callgrind --separate-threads=yes \
//!     target/release/deps/request_overhead-<hash> --bench
//! ```
//!
//! The main thread's count (the client's), divided by the calls, is the instructions per call.

mod calls;
mod median;
mod stub;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use calls::{Call, Generated, HandWritten};
use credkit::RetryPolicy;
use futures::StreamExt as _;
use median::median;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Measured rounds per configuration; one more, first, warms connections and caches up.
const ROUNDS: usize = 21;
/// Calls per round and way, whatever the number in flight: short rounds, so that the three
/// ways of a round see the same load.
const CALLS_PER_ROUND: usize = 224;
const IN_FLIGHT: [usize; 2] = [1, 32];

/// The three ways of making a call.
#[derive(Clone, Copy)]
enum Way {
    HandWritten,
    RetriesOff,
    RetriesOn,
}

struct Clients {
    hand_written: HandWritten,
    retries_off: Generated,
    retries_on: Generated,
}

impl Clients {
    async fn send(&self, way: Way, call: Call) {
        match way {
            Way::HandWritten => self.hand_written.send(call).await,
            Way::RetriesOff => self.retries_off.send(call).await,
            Way::RetriesOn => self.retries_on.send(call).await,
        }
    }
}

/// What one round of one way measured.
#[derive(Clone, Copy)]
struct Round {
    /// Median latency of the round's calls.
    latency: Duration,
    /// Calls per second over the round.
    throughput: f64,
}

/// The median, over the rounds, of a way's figure divided by the hand-written one of the
/// same round: pairing rounds keeps a burst of load on the machine from favouring one way.
fn paired_ratio(way: &[Round], hand: &[Round], figure: impl Fn(&Round) -> f64) -> f64 {
    let mut ratios: Vec<f64> = way
        .iter()
        .zip(hand)
        .map(|(way, hand)| figure(way) / figure(hand))
        .collect();
    median(&mut ratios)
}

/// Which tracing subscriber the calls run under. Each writes every closed span as a line
/// (`FmtSpan::CLOSE`), as the `credkit` command's `-v` does, to a sink that counts the bytes.
#[derive(Clone, Copy)]
enum Tracing {
    /// No subscriber.
    Off,
    /// `tracing_subscriber::fmt` at INFO.
    Info,
    /// The same, with credkit's spans (`credkit_runtime` at DEBUG) kept too.
    CredkitDebug,
}

impl Tracing {
    const ALL: [Tracing; 3] = [Tracing::Off, Tracing::Info, Tracing::CredkitDebug];

    fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Info => "info",
            Self::CredkitDebug => "info + credkit debug",
        }
    }

    /// Installs the subscriber on this thread until the returned guard is dropped.
    fn install(self, sink: &CountingSink) -> Option<impl Sized> {
        let sink = sink.clone();
        let fmt = tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .with_span_events(FmtSpan::CLOSE);
        match self {
            Self::Off => None,
            Self::Info => Some(fmt.with_max_level(LevelFilter::INFO).finish().set_default()),
            Self::CredkitDebug => Some(
                fmt.with_max_level(LevelFilter::DEBUG)
                    .finish()
                    .with(
                        Targets::new()
                            .with_default(LevelFilter::INFO)
                            .with_target("credkit_runtime", LevelFilter::DEBUG),
                    )
                    .set_default(),
            ),
        }
    }
}

/// Bytes a subscriber wrote: proof of what the rows with a subscriber recorded.
#[derive(Clone, Default)]
struct CountingSink(Arc<AtomicU64>);

impl io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn main() {
    let server = stub::StubServer::start(calls::routes());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match std::env::var("REQUEST_OVERHEAD_WAY") {
        Ok(way) => runtime.block_on(count(server.base_url(), &way)),
        Err(_) => runtime.block_on(run(server.base_url())),
    }
}

fn clients(base_url: &str) -> Clients {
    // The hand-written client sets the timeouts a credkit builder sets by default (a careful
    // hand-written client sets them too); each generated client has the builder's own.
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client");
    Clients {
        hand_written: HandWritten::new(base_url, &http),
        retries_off: Generated::new(base_url, RetryPolicy::disabled()),
        retries_on: Generated::new(base_url, RetryPolicy::default()),
    }
}

/// Only the calls of one way, one at a time, for counting instructions (module documentation).
async fn count(base_url: &str, way: &str) {
    let way = match way {
        "hand-written" => Way::HandWritten,
        "retries-off" => Way::RetriesOff,
        "retries-on" => Way::RetriesOn,
        other => {
            panic!("REQUEST_OVERHEAD_WAY: {other} is none of hand-written, retries-off, retries-on")
        }
    };
    let calls: usize = std::env::var("REQUEST_OVERHEAD_CALLS")
        .map(|n| n.parse().expect("REQUEST_OVERHEAD_CALLS: a number"))
        .unwrap_or(1_000);
    let clients = clients(base_url);
    for call in Call::ALL {
        for _ in 0..calls {
            clients.send(way, call).await;
        }
    }
    println!("{} calls", calls * Call::ALL.len());
}

async fn run(base_url: &str) {
    let clients = clients(base_url);
    let trace_output = Tracing::ALL.map(|_| CountingSink::default());
    let mut latency_ratios = Vec::new();
    let mut throughput_ratios = Vec::new();

    println!(
        "rounds: {ROUNDS} (+1 warm-up), calls per round and way: {CALLS_PER_ROUND}; ratios are generated / hand-written, per round, median over the rounds"
    );
    println!();
    println!(
        "| service | operation | in flight | tracing | retries | hand-written median latency | latency ratio | throughput ratio |"
    );
    println!("|---|---|--:|---|---|--:|--:|--:|");
    for call in Call::ALL {
        for in_flight in IN_FLIGHT {
            for (tracing, sink) in Tracing::ALL.into_iter().zip(&trace_output) {
                let _subscriber = tracing.install(sink);
                let [hand, off, on] = measure(&clients, call, in_flight).await;
                let (service, operation) = call.name();
                let mut hand_latencies: Vec<f64> =
                    hand.iter().map(|r| r.latency.as_secs_f64()).collect();
                let baseline = Duration::from_secs_f64(median(&mut hand_latencies));
                for (retries, generated) in [("off", off), ("on", on)] {
                    let latency = paired_ratio(&generated, &hand, |r| r.latency.as_secs_f64());
                    let throughput = paired_ratio(&generated, &hand, |r| r.throughput);
                    latency_ratios.push(latency);
                    throughput_ratios.push(throughput);
                    println!(
                        "| {service} | {operation} | {in_flight} | {} | {retries} | {baseline:.1?} | {latency:.3} | {throughput:.3} |",
                        tracing.name(),
                    );
                }
            }
        }
    }
    println!();
    println!(
        "median over all rows: latency ratio {:.3}, throughput ratio {:.3}",
        median(&mut latency_ratios),
        median(&mut throughput_ratios)
    );
    for (tracing, sink) in Tracing::ALL.into_iter().zip(&trace_output).skip(1) {
        println!(
            "trace output written with the subscriber \"{}\": {} bytes",
            tracing.name(),
            sink.0.load(Ordering::Relaxed)
        );
    }
}

/// Interleaved rounds of the three ways for one call and concurrency.
async fn measure(clients: &Clients, call: Call, in_flight: usize) -> [Vec<Round>; 3] {
    let mut rounds: [Vec<Round>; 3] = Default::default();
    let mut ways = [
        (0, Way::HandWritten),
        (1, Way::RetriesOff),
        (2, Way::RetriesOn),
    ];
    for round in 0..=ROUNDS {
        ways.rotate_left(1);
        for (index, way) in ways {
            let started = Instant::now();
            let mut latencies: Vec<Duration> = futures::stream::iter(0..CALLS_PER_ROUND)
                .map(|_| async move {
                    let sent = Instant::now();
                    clients.send(way, call).await;
                    sent.elapsed()
                })
                .buffer_unordered(in_flight)
                .collect()
                .await;
            let throughput = CALLS_PER_ROUND as f64 / started.elapsed().as_secs_f64();
            latencies.sort_unstable();
            if round > 0 {
                rounds[index].push(Round {
                    latency: latencies[latencies.len() / 2],
                    throughput,
                });
            }
        }
    }
    rounds
}
