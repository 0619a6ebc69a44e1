//! What depending on credkit costs a user's build: clean `cargo build` of a small program using
//! credkit with one service and with all three, against the baseline of a program calling the
//! same API with reqwest + serde_json directly; then the rebuild after a one-line spec change.
//!
//! Everything happens in a scratch directory: a copy of the workspace (so that its spec can be
//! changed and regenerated without touching this one), the programs with a copy of the
//! workspace's Cargo.lock (the same versions), and a fresh target directory per program.
//! Builds are `--offline`: the registry cache of the machine must hold every dependency.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::cargo;

/// A program and the dependencies its manifest declares.
struct Program {
    name: &'static str,
    what: &'static str,
    dependencies: &'static str,
    main: Main,
}

/// The source of a program's `main.rs`.
enum Main {
    /// Written out whole.
    Source(&'static str),
    /// An async `main` returning `credkit::Error` that makes these calls.
    Credkit(&'static [&'static str]),
}

impl Main {
    fn source(&self) -> String {
        match self {
            Main::Source(source) => (*source).to_owned(),
            Main::Credkit(calls) => format!(
                "#[tokio::main]\nasync fn main() -> Result<(), credkit::Error> {{\n{}\n    Ok(())\n}}\n",
                calls.join("\n")
            ),
        }
    }
}

const HAND_WRITTEN: Program = Program {
    name: "hand-written",
    what: "reqwest + serde_json, no credkit (baseline)",
    dependencies: r#"reqwest = { version = "0.13", default-features = false, features = ["json", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#,
    main: Main::Source(
        r#"#[derive(serde::Deserialize, Debug)]
struct Status {
    stato: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), reqwest::Error> {
    let status: Status = reqwest::Client::new()
        .get("https://demoapi.rentri.gov.it/ca-rentri/v1.0/credentials/B4HUPE820/status")
        .bearer_auth(std::env::var("RENTRI_CA_TOKEN").unwrap_or_default())
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{:?}", status.stato);
    Ok(())
}
"#,
    ),
};

const RENTRI_CALL: &str = r#"    let rentri = credkit::rentri_ca::Client::builder().token("token").build()?;
    let status = rentri.get_credentials_status().credentials_id("B4HUPE820").send().await?;
    println!("{:?}", status.stato);"#;
const SPARKFLY_CALL: &str = r#"    let sparkfly = credkit::sparkfly::Client::builder().token("token").build()?;
    let credential = sparkfly.get_credential().credential_id(1009).send().await?;
    println!("{:?}", credential.credential);"#;
const PEC_CALL: &str = r#"    let pec = credkit::pec::Client::builder().token("token").build()?;
    let mailbox = pec.get_mailbox().id("6040e4613a716838dc4eee0e").send().await?;
    println!("{:?}", mailbox.data);"#;

const ONE_SERVICE: Program = Program {
    name: "one-service",
    what: "credkit, features rentri-ca + rustls",
    dependencies: r#"credkit = { path = "WORKSPACE/crates/credkit", default-features = false, features = ["rentri-ca", "rustls"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#,
    main: Main::Credkit(&[RENTRI_CALL]),
};

const ALL_SERVICES: Program = Program {
    name: "all-services",
    what: "credkit, default features (three services, rustls)",
    dependencies: r#"credkit = { path = "WORKSPACE/crates/credkit" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#,
    main: Main::Credkit(&[RENTRI_CALL, SPARKFLY_CALL, PEC_CALL]),
};

/// The spec whose description changes, and the line changed.
const CHANGED_SPEC: &str = "specs/rentri-ca.yaml";
const CHANGED_LINE: &str =
    "      description: Returns the state of the given credentials, their local units and PIN.";

pub fn run(root: &Path) -> Result<(), String> {
    let scratch = std::env::temp_dir().join(format!("credkit-build-cost-{}", std::process::id()));
    let result = measure(root, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn measure(root: &Path, scratch: &Path) -> Result<(), String> {
    let workspace = scratch.join("workspace");
    copy_workspace(root, &workspace).map_err(|e| format!("copying the workspace: {e}"))?;
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;

    println!("clean builds: `cargo build --offline`, dev profile, a fresh target directory each");
    println!();
    println!("| program | dependencies | packages compiled | clean build | ratio to baseline |");
    println!("|---|---|--:|--:|--:|");
    let mut baseline = None;
    for program in [HAND_WRITTEN, ONE_SERVICE, ALL_SERVICES] {
        let dir = write_program(scratch, &workspace, &program, &lock)?;
        eprintln!("building {} (clean)...", program.name);
        let built = build(&dir)?;
        let baseline = *baseline.get_or_insert(built.seconds);
        println!(
            "| {} | {} | {} | {:.1} s | {:.2} |",
            program.name,
            program.what,
            built.compiled.len(),
            built.seconds,
            built.seconds / baseline
        );
    }

    // One line of a spec changes; the generator runs on the copy, then both credkit
    // programs rebuild in the target directories of their clean builds.
    let spec = workspace.join(CHANGED_SPEC);
    let text = std::fs::read_to_string(&spec).map_err(|e| format!("{CHANGED_SPEC}: {e}"))?;
    if !text.contains(CHANGED_LINE) {
        return Err(format!(
            "{CHANGED_SPEC} no longer has the line `{CHANGED_LINE}`"
        ));
    }
    let changed = text.replacen(CHANGED_LINE, &format!("{CHANGED_LINE} (Edited.)"), 1);
    std::fs::write(&spec, changed).map_err(|e| format!("{CHANGED_SPEC}: {e}"))?;
    let started = Instant::now();
    let outcome = crate::cli::run(&["generate".to_owned()], &workspace);
    let generation = started.elapsed().as_secs_f64();
    if outcome.code != 0 || !outcome.stdout.contains("1 changed") {
        return Err(format!(
            "regenerating the copy: {}{}",
            outcome.stdout, outcome.stderr
        ));
    }
    println!();
    println!("after one changed line of {CHANGED_SPEC} (an operation's description):");
    println!();
    println!("| step | packages compiled | wall time |");
    println!("|---|---|--:|");
    println!("| regenerate (in process, all services) | | {generation:.1} s |");
    for program in [ONE_SERVICE, ALL_SERVICES] {
        eprintln!("rebuilding {}...", program.name);
        let built = build(&scratch.join(program.name))?;
        // A rebuild that skipped the changed crate would measure nothing.
        if !built.compiled.iter().any(|p| p == "credkit-rentri-ca") {
            return Err(format!(
                "the rebuild of {} did not compile credkit-rentri-ca (compiled: {:?})",
                program.name, built.compiled
            ));
        }
        println!(
            "| incremental `cargo build`, {} | {} | {:.1} s |",
            program.name,
            built.compiled.join(", "),
            built.seconds
        );
    }
    Ok(())
}

/// Writes a program's manifest, its `main.rs` and a copy of the lock file.
fn write_program(
    scratch: &Path,
    workspace: &Path,
    program: &Program,
    lock: &str,
) -> Result<PathBuf, String> {
    let dir = scratch.join(program.name);
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n# A workspace of its own, whatever directory it is in.\n[workspace]\n",
        program.name,
        program
            .dependencies
            .replace("WORKSPACE", &workspace.display().to_string())
    );
    let write = |path: &str, contents: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a file in the program"))
            .and_then(|()| std::fs::write(&path, contents))
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    write("Cargo.toml", &manifest)?;
    write("Cargo.lock", lock)?;
    write("src/main.rs", &program.main.source())?;
    Ok(dir)
}

/// A finished build: its wall time and the packages cargo compiled.
pub(super) struct Built {
    pub(super) seconds: f64,
    pub(super) compiled: Vec<String>,
}

/// `cargo build --offline` of the program in `dir`, in its own target directory.
fn build(dir: &Path) -> Result<Built, String> {
    build_in(dir, &dir.join("target"), &[], &[])
}

/// `cargo build --offline` in `dir` with more arguments and environment variables, into the
/// target directory `target`.
pub(super) fn build_in(
    dir: &Path,
    target: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<Built, String> {
    let started = Instant::now();
    let output = cargo(dir)
        .args(["build", "--offline"])
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .envs(env.iter().copied())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if output.status.success() {
        let compiled = String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("Compiling "))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .collect();
        Ok(Built { seconds, compiled })
    } else {
        Err(format!(
            "building {} failed ({}):\n{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Copies the workspace's sources (no `target/`, no `.git`) to `to`; or any directory of it.
pub(super) fn copy_workspace(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with(".git") {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_workspace(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
