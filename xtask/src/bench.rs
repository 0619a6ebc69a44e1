//! `cargo xtask bench [--no-build-cost]`: every benchmark of the workspace, in one command, each
//! against a baseline measured in the same run.
//!
//! 1. generation: wall time of `cargo xtask generate --check`, per service and for all;
//! 2. `cargo bench -p credkit`: per-call overhead against hand-written reqwest + serde_json
//!    code (`request_overhead`), large transfers and their peak memory (`transfer_memory`);
//!    `cargo bench -p credkit-tests --bench modi_signing`: RENTRI's request signing, and
//!    `--bench quota`: what keeping to a quota costs per call and gives in a burst (with
//!    Redis when `CREDKIT_TEST_REDIS_URL` is set);
//! 3. build cost (skipped with `--no-build-cost`, it takes minutes): clean builds of small
//!    programs using credkit against one using reqwest directly, and the rebuild after a
//!    one-line spec change (`build_cost`).
//!
//! Each part prints its table as soon as it is measured; BENCHMARKS.md records them.

mod build_cost;
mod generation;

use std::path::Path;
use std::process::Command;

use crate::cli::Outcome;

/// Runs the benchmarks of the workspace at `root`.
pub fn run(args: &[String], root: &Path) -> Outcome {
    let mut build_cost = true;
    for arg in args {
        match arg.as_str() {
            "--no-build-cost" => build_cost = false,
            other => {
                return Outcome {
                    code: 2,
                    stderr: format!("error: unknown option {other}\n\n{}", crate::cli::USAGE),
                    ..Outcome::default()
                };
            }
        }
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
/// request signing and quotas (`credkit-tests`, `modi_signing`, `quota`).
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

/// A `cargo` command in `dir`: the cargo that runs this xtask (`$CARGO`), or the one on the path.
fn cargo(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir);
    command
}

/// The median of some durations, in seconds.
fn median_seconds(mut samples: Vec<f64>) -> f64 {
    samples.sort_unstable_by(f64::total_cmp);
    samples[samples.len() / 2]
}
