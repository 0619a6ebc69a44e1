//! `cargo xtask bench [--no-build-cost] [--scale [--sizes N,..]]`: every benchmark of the workspace, in one command, each
//! against a baseline measured in the same run.
//!
//! 1. generation: wall time of `cargo xtask generate --check`, per service and for all;
//! 2. `cargo bench -p credkit`: per-call overhead against hand-written reqwest + serde_json
//!    code (`request_overhead`), large transfers and their peak memory (`transfer_memory`);
//!    `cargo bench -p credkit-tests --bench modi_signing`: RENTRI's request signing, and
//!    `--bench quota`: what keeping to a quota costs per call and gives in a burst (with
//!    Redis when `CREDKIT_TEST_REDIS_URL` is set), `--bench waiters`: a waiter's cost per poll
//!    against a hand-written loop, and waiters of several processes sharing one quota (Redis);
//! 3. build cost (skipped with `--no-build-cost`, it takes minutes): clean builds of small
//!    programs using credkit against one using reqwest directly, and the rebuild after a
//!    one-line spec change (`build_cost`).
//!
//! Each part prints its table as soon as it is measured; BENCHMARKS.md records them.
//!
//! `--scale` runs the scale benchmark instead (`scale.rs`): generation time, generated lines
//! and crate build time per operation on a synthetic spec of N operations (`--sizes`, default
//! 10,100), beside bare progenitor; `--no-build-cost` skips its builds.

mod build_cost;
mod generation;
mod scale;
mod synthetic;

use std::path::Path;

use crate::cli::Outcome;
use crate::workspace::cargo;

/// The synthetic spec of `operations` operations the scale benchmark generates from, for
/// tests of what needs a large spec.
pub fn synthetic_spec(operations: usize) -> serde_json::Value {
    synthetic::spec(operations)
}

/// Runs the benchmarks of the workspace at `root`.
pub fn run(args: &[String], root: &Path) -> Outcome {
    let usage = |message: String| Outcome {
        code: 2,
        stderr: format!("error: {message}\n\n{}", crate::cli::USAGE),
        ..Outcome::default()
    };
    let mut build_cost = true;
    let mut scale = false;
    let mut sizes = scale::DEFAULT_SIZES.to_vec();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--no-build-cost" => build_cost = false,
            "--scale" => scale = true,
            "--sizes" => match rest.next().map(|list| parse_sizes(list)) {
                Some(Ok(parsed)) => sizes = parsed,
                Some(Err(message)) => return usage(message),
                None => return usage("--sizes needs a list, e.g. 10,100,1000".into()),
            },
            other => return usage(format!("unknown option {other}")),
        }
    }
    if scale {
        return outcome(section("scale", || scale::run(root, &sizes, build_cost)));
    }
    let result = section("generation", || generation::run(root))
        .and_then(|()| section("client benchmarks", || client_benchmarks(root)))
        .and_then(|()| match build_cost {
            true => section("build cost", || build_cost::run(root)),
            false => section("build cost", || {
                println!("skipped (--no-build-cost)");
                Ok(())
            }),
        });
    outcome(result)
}

/// `--sizes 10,100,1000`: numbers of operations, each at least 1.
fn parse_sizes(list: &str) -> Result<Vec<usize>, String> {
    list.split(',')
        .map(|size| match size.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "--sizes {list}: `{size}` is not a number of operations (1 or more)"
            )),
        })
        .collect()
}

fn outcome(result: Result<(), String>) -> Outcome {
    match result {
        Ok(()) => Outcome::default(),
        Err(stderr) => Outcome {
            code: 1,
            stderr,
            ..Outcome::default()
        },
    }
}

/// Prints a heading, then runs one part; its error names the part.
fn section(name: &str, part: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    println!("\n## {name}\n");
    part().map_err(|e| format!("error: {name}: {e}\n"))
}

/// The cargo benchmarks, which print their own tables: the clients' (`credkit`), RENTRI's
/// request signing, quotas and waiters (`credkit-tests`: `modi_signing`, `quota`, `waiters`).
fn client_benchmarks(root: &Path) -> Result<(), String> {
    let benches: [&[&str]; 2] = [
        &[
            "-p",
            "credkit",
            "--bench",
            "request_overhead",
            "--bench",
            "transfer_memory",
        ],
        &[
            "-p",
            "credkit-tests",
            "--bench",
            "modi_signing",
            "--bench",
            "quota",
            "--bench",
            "waiters",
        ],
    ];
    for bench in benches {
        let status = cargo(root)
            .args(["bench", "--quiet"])
            .args(bench)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("cargo bench {} failed: {status}", bench.join(" ")));
        }
        println!();
    }
    Ok(())
}

/// The median of some durations, in seconds.
fn median_seconds(mut samples: Vec<f64>) -> f64 {
    samples.sort_unstable_by(f64::total_cmp);
    samples[samples.len() / 2]
}
