//! Wall time of `cargo xtask generate --check`, per service and for all of them, as a user
//! types it (cargo checks that the xtask is up to date, then the debug-built generator runs).
//! The baseline, measured in the same run, is `cargo xtask --help`: cargo's and the process's
//! start-up, with no generation.

use std::path::Path;
use std::time::Instant;

use super::{cargo, median_seconds};
use crate::workspace;

/// Runs of each command; the median is reported.
const RUNS: usize = 5;

pub fn run(root: &Path) -> Result<(), String> {
    let services = workspace::services(root).map_err(|e| format!("cannot list specs/: {e}"))?;
    // Builds the xtask if needed, so that no row includes compiling it.
    time(root, &["--help"])?;

    let mut commands: Vec<Vec<String>> = vec![vec!["--help".into()]];
    for service in &services {
        commands.push(vec![
            "generate".into(),
            "--check".into(),
            service.name.clone(),
        ]);
    }
    commands.push(vec!["generate".into(), "--check".into()]);
    // Interleaved: run i of every command, then run i + 1.
    let mut samples = vec![Vec::new(); commands.len()];
    for _ in 0..RUNS {
        for (command, samples) in commands.iter().zip(&mut samples) {
            let args: Vec<&str> = command.iter().map(String::as_str).collect();
            samples.push(time(root, &args)?);
        }
    }
    let medians: Vec<f64> = samples.into_iter().map(median_seconds).collect();
    let startup = medians[0];

    println!("median of {RUNS} interleaved runs; generation = wall time - start-up");
    println!();
    println!("| command | wall time | generation |");
    println!("|---|--:|--:|");
    for (command, median) in commands.iter().zip(&medians) {
        println!(
            "| `cargo xtask {}` | {:.0} ms | {} |",
            command.join(" "),
            median * 1000.0,
            if command[0] == "--help" {
                "(start-up)".to_owned()
            } else {
                format!("{:.0} ms", (median - startup) * 1000.0)
            }
        );
    }
    Ok(())
}

/// Runs `cargo xtask <args>` and returns its wall time in seconds; it must succeed.
fn time(root: &Path, args: &[&str]) -> Result<f64, String> {
    let started = Instant::now();
    let output = cargo(root)
        .args(["xtask"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "`cargo xtask {}` failed ({}):\n{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(seconds)
}
