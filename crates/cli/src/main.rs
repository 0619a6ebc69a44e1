//! `credkit <service> <operation> [FLAGS]`: every operation of every credkit client as a
//! command, generated from the same specs (`src/generated.rs`, written by
//! `cargo xtask generate`); what is written by hand is the configuration, the output and the
//! few commands that are not operations.
#![doc = include_str!("../README.md")]

mod call;
mod colour;
mod command;
mod config;
mod config_init;
mod doctor;
mod example;
#[rustfmt::skip]
mod generated;
mod jq;
mod output;
mod secret_flag;
mod services;
mod table;
mod text_table;
mod wait;

use std::io::Write as _;
use std::process::ExitCode;

use clap::ArgMatches;

use crate::call::{Call, Failure, Options};

fn main() -> ExitCode {
    let matches = match command::root().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let Some((name, matches)) = matches.subcommand() else {
        return ExitCode::from(2);
    };
    if name == "completions" {
        return completions(matches);
    }
    if name == "man" {
        return man(matches);
    }
    if name == "doctor" {
        return match doctor::run(matches) {
            Ok(code) => ExitCode::from(code),
            Err(failure) => {
                eprintln!("error: {}", failure.message);
                ExitCode::from(failure.code)
            }
        };
    }
    if name == "config" {
        let profile = matches.get_one::<String>(command::flag::PROFILE).cloned();
        let written = config_init::run(
            profile.as_deref(),
            &mut std::io::stdin().lock(),
            &mut std::io::stderr(),
        );
        return match written {
            Ok(place) => {
                eprintln!("wrote {place}");
                ExitCode::SUCCESS
            }
            Err(failure) => {
                eprintln!("error: {}", failure.message);
                ExitCode::from(failure.code)
            }
        };
    }
    let Some((operation, matches)) = matches.subcommand() else {
        return ExitCode::from(2);
    };
    let verbose = Options::from(matches).verbose;
    trace(verbose);
    match run(name, operation, matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            use std::io::IsTerminal as _;
            let label = colour::error_label(colour::wanted(std::io::stderr().is_terminal()));
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{label} {}", failure.message);
            if let Some(body) = failure.body.filter(|b| verbose > 0 && !b.is_empty()) {
                let _ = err.write_all(&body);
                let _ = writeln!(err);
            }
            ExitCode::from(failure.code)
        }
    }
}

/// Sends `credkit <service> <operation>`.
fn run(service: &str, operation: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let service = generated::SERVICES
        .iter()
        .find(|s| s.name == service)
        .ok_or_else(|| Failure::usage(format!("no service {service}")))?;
    let operation = service
        .operations
        .iter()
        .find(|o| o.name == operation)
        .ok_or_else(|| Failure::usage(format!("no operation {} {operation}", service.name)))?;
    let file = config::ProfileFile::load()?;
    let call = Call::new(service, operation, matches, &file)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(generated::send(&call))
}

/// `-v`: the library's tracing (a `credkit.request` span per attempt, closed with its status
/// and duration; retries) on stderr; `-vv`: everything at debug level. The runtime's spans are
/// at debug level, so that a service logging at info pays nothing for them: `-v` asks for
/// them by the runtime's target, and for the rest at info.
fn trace(verbose: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = match verbose {
        0 => return,
        1 => Targets::new()
            .with_default(LevelFilter::INFO)
            .with_target("credkit_runtime", LevelFilter::DEBUG),
        _ => Targets::new().with_default(LevelFilter::DEBUG),
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(LevelFilter::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .finish()
        .with(filter)
        .init();
}

/// `credkit man DIR` (hidden): a man page per command, as committed in `crates/cli/man/`
/// (`tests/cli/man.rs` checks they are current).
fn man(matches: &ArgMatches) -> ExitCode {
    let Some(dir) = matches.get_one::<std::path::PathBuf>("dir") else {
        return ExitCode::from(2);
    };
    match std::fs::create_dir_all(dir).and_then(|()| man_pages(&command::root(), "credkit", dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing man pages to {}: {e}", dir.display());
            ExitCode::from(2)
        }
    }
}

/// `NAME.1` for `command`, and `NAME-<sub>.1` for each command under it that a person types
/// (not clap's `help`, whose pages would say what `--help` says, nor a hidden one).
fn man_pages(command: &clap::Command, name: &str, dir: &std::path::Path) -> std::io::Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone().name(name.to_owned())).render(&mut page)?;
    std::fs::write(dir.join(format!("{name}.1")), page)?;
    for sub in command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
    {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}

/// `credkit completions <shell>`.
fn completions(matches: &ArgMatches) -> ExitCode {
    let Some(shell) = matches.get_one::<clap_complete::Shell>("shell") else {
        return ExitCode::from(2);
    };
    let mut script = Vec::new();
    clap_complete::generate(*shell, &mut command::root(), "credkit", &mut script);
    match output::bytes(&script) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
