//! `cargo xtask [--root DIR] generate [--check] [SERVICE..]`

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // The workspace this binary was built in, unless `--root DIR` names a copy of it (CI's
    // semver check regenerates a changed copy with the workspace's own build).
    let root = match args.first().map(String::as_str) {
        Some("--root") if args.len() > 1 => {
            let root = PathBuf::from(args.remove(1));
            args.remove(0);
            root
        }
        _ => xtask::workspace::root(),
    };
    let outcome = xtask::cli::run(&args, &root);
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    ExitCode::from(outcome.code)
}
