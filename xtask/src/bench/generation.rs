//! Wall time of `cargo xtask generate --check`, per service and for all of them, once the
//! xtask is built: the generator binary running this benchmark is started again for each
//! command, as `cargo xtask` starts it after its up-to-date check. The baseline, measured in
//! the same run, is the start-up of the same binary doing no generation (`--help`); cargo's
//! own up-to-date check is measured beside it.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::{cargo, median_seconds};
use crate::workspace;

/// Runs of each command; the median is reported.
const RUNS: usize = 5;

pub fn run(root: &Path) -> Result<(), String> {
    let services = workspace::services(root).map_err(|e| format!("cannot list specs/: {e}"))?;
    let xtask = std::env::current_exe().map_err(|e| format!("the xtask's own path: {e}"))?;

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
    let mut with_cargo = Vec::new();
    for _ in 0..RUNS {
        for (args, samples) in commands.iter().zip(&mut samples) {
            samples.push(time(&mut generator(&xtask, root, args))?);
        }
        with_cargo.push(time(cargo(root).args(["xtask", "--help"]))?);
    }
    let medians: Vec<f64> = samples.into_iter().map(median_seconds).collect();
    let startup = medians[0];

    println!(
        "the xtask binary as `cargo xtask` starts it, median of {RUNS} interleaved runs; generation = wall time - start-up"
    );
    println!();
    println!("| `cargo xtask` arguments | wall time | generation |");
    println!("|---|--:|--:|");
    for (args, median) in commands.iter().zip(&medians) {
        let generation = if args[0] == "--help" {
            "(start-up)".to_owned()
        } else {
            format!("{:.0} ms", (median - startup) * 1000.0)
        };
        println!(
            "| `{}` | {:.0} ms | {generation} |",
            args.join(" "),
            median * 1000.0
        );
    }
    println!();
    println!(
        "`cargo xtask` adds cargo's up-to-date check of the xtask: {:.0} ms (`cargo xtask --help` minus start-up)",
        (median_seconds(with_cargo) - startup) * 1000.0
    );
    Ok(())
}

/// The generator binary with these arguments, in the workspace.
fn generator(xtask: &Path, root: &Path, args: &[String]) -> Command {
    let mut command = Command::new(xtask);
    command.args(args).current_dir(root);
    command
}

/// Runs a command and returns its wall time in seconds; it must succeed.
fn time(command: &mut Command) -> Result<f64, String> {
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(seconds)
}
