//! `cargo xtask generate [--check] [SERVICE..]`

use std::process::ExitCode;

use xtask::workspace;

const USAGE: &str = "usage: cargo xtask generate [--check] [SERVICE..]

  generate            regenerate crates/<service>/src/generated.rs from specs/<service>.yaml
  generate --check    exit 1 with a diff when a committed file differs from what the spec gives
  SERVICE             only these services (file stems of specs/*.yaml), e.g. rentri-ca
       cargo xtask surface SERVICE
  surface             print the API surface of a committed generated file";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => run_generate(&args[1..]),
        Some("surface") => run_surface(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run_generate(args: &[String]) -> ExitCode {
    let check = args.iter().any(|a| a == "--check");
    if let Some(flag) = args.iter().find(|a| a.starts_with('-') && *a != "--check") {
        eprintln!("error: unknown option {flag}\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let root = workspace::root();
    let all = match workspace::services(&root) {
        Ok(all) => all,
        Err(e) => {
            eprintln!("error: cannot list specs/: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut selected = Vec::new();
    for name in &names {
        match all.iter().find(|s| &&s.name == name) {
            Some(service) => selected.push(service.clone()),
            None => {
                let known: Vec<_> = all.iter().map(|s| s.name.as_str()).collect();
                eprintln!(
                    "error: no spec specs/{name}.yaml (services: {})",
                    known.join(", ")
                );
                return ExitCode::from(2);
            }
        }
    }
    if names.is_empty() {
        selected = all;
    }

    let outputs = match workspace::generate_all(&root, &selected) {
        Ok(outputs) => outputs,
        Err(problems) => {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            eprintln!("{} problem(s); no file was changed", problems.len());
            return ExitCode::FAILURE;
        }
    };

    if check {
        let mut stale = 0;
        for output in &outputs {
            let committed = workspace::committed(&root, &output.target);
            if let Some(diff) = workspace::diff(&output.target, &committed, &output.contents) {
                stale += 1;
                eprintln!(
                    "error: {} is stale; run `cargo xtask generate`\n{diff}",
                    output.target
                );
            }
        }
        if stale > 0 {
            return ExitCode::FAILURE;
        }
        println!("{} generated file(s) up to date", outputs.len());
        return ExitCode::SUCCESS;
    }

    match workspace::write(&root, &outputs) {
        Ok(changed) => {
            for target in &changed {
                println!("wrote {target}");
            }
            println!("{} generated, {} changed", outputs.len(), changed.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing generated files: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_surface(args: &[String]) -> ExitCode {
    let [name] = args else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let source = workspace::committed(
        &workspace::root(),
        &format!("crates/{name}/src/generated.rs"),
    );
    match xtask::surface::api_surface(&source) {
        Ok(surface) => {
            print!("{surface}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
