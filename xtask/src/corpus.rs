//! `cargo xtask corpus DIR`: tries `new-service` on every OpenAPI definition in a folder, as a
//! maintainer would add it, and prints a table: accepted or refused (with the first reasons),
//! operations exposed of those the definition declares, generated client lines and time.
//!
//! Each definition is added to its own scratch copy of the workspace (the files git knows, as
//! they are in the working tree), never to the workspace itself, by this same generator in a
//! child process: a definition that crashes it or runs past the time limit is reported as such
//! and the others still run.
//!
//! With `--build`, each accepted definition's crate is then built with its `mock` feature in its
//! scratch copy (`cargo build -p credkit-<name> --features mock`), into one target folder that
//! every row shares (`target/corpus` of the workspace, so that the dependencies are compiled
//! once), and the table says whether it built and how long it took.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli::{Outcome, USAGE};
use crate::spec::METHODS;

/// How long one definition may take unless `--timeout` says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// How many lines of a refusal the table's notes repeat.
const REASONS_SHOWN: usize = 3;
/// The longest reason line shown.
const REASON_WIDTH: usize = 200;

/// What happened to one definition.
enum Verdict {
    Accepted {
        exposed: usize,
        lines: usize,
    },
    Refused {
        problems: usize,
        reasons: Vec<String>,
    },
    Crashed(String),
    TimedOut,
}

/// One row of the table.
struct Row {
    file: String,
    declared: Option<usize>,
    verdict: Verdict,
    elapsed: Duration,
    /// With `--build`, an accepted crate's build with `mock`.
    build: Option<Build>,
}

/// How an accepted crate's build with `mock` went.
struct Build {
    /// The first error line when it failed.
    failed: Option<String>,
    elapsed: Duration,
}

/// What `corpus` was asked.
struct Options {
    dir: PathBuf,
    timeout: Duration,
    build: bool,
}

/// Runs `cargo xtask corpus DIR [--timeout SECONDS]` for the workspace at `root`.
pub fn run(args: &[String], root: &Path) -> Outcome {
    let Options {
        dir,
        timeout,
        build,
    } = match arguments(args) {
        Ok(parsed) => parsed,
        Err(message) => return Outcome::fail(2, format!("error: {message}\n\n{USAGE}")),
    };
    let definitions = match definitions(&dir) {
        Ok(found) if !found.is_empty() => found,
        Ok(_) => {
            return Outcome::fail(
                2,
                format!(
                    "error: {} holds no .yaml, .yml or .json file\n",
                    dir.display()
                ),
            );
        }
        Err(e) => return Outcome::fail(2, format!("error: cannot read {}: {e}\n", dir.display())),
    };
    let files = match workspace_files(root) {
        Ok(files) => files,
        Err(e) => return Outcome::fail(2, format!("error: {e}\n")),
    };
    let mut rows = Vec::new();
    for (index, definition) in definitions.iter().enumerate() {
        eprintln!("corpus: {}", definition.display());
        match try_definition(root, &files, definition, index, timeout, build) {
            Ok(row) => rows.push(row),
            Err(e) => return Outcome::fail(2, format!("error: {}: {e}\n", definition.display())),
        }
    }
    Outcome {
        stdout: table(&rows),
        ..Outcome::default()
    }
}

fn arguments(args: &[String]) -> Result<Options, String> {
    let mut dir = None;
    let mut timeout = DEFAULT_TIMEOUT;
    let mut build = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--timeout" => {
                let seconds = rest.next().ok_or("--timeout needs a number of seconds")?;
                let seconds: u64 = seconds
                    .parse()
                    .map_err(|_| format!("--timeout {seconds}: a whole number of seconds"))?;
                timeout = Duration::from_secs(seconds);
            }
            "--build" => build = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            value if dir.is_none() => dir = Some(PathBuf::from(value)),
            value => return Err(format!("unexpected argument {value}")),
        }
    }
    Ok(Options {
        dir: dir.ok_or("corpus needs a DIR of definitions")?,
        timeout,
        build,
    })
}

/// The definitions of `dir`, by name.
fn definitions(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if path.is_file() && matches!(extension, "yaml" | "yml" | "json") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// The workspace's files that a scratch copy needs: those git tracks or would track.
pub fn workspace_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .map_err(|e| format!("cannot run git to list the workspace's files: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git ls-files failed in {}: {}",
            root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output
        .stdout
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
        .filter(|name| root.join(name).is_file())
        .collect())
}

/// Adds `definition` to a scratch copy of the workspace and reads what came of it.
fn try_definition(
    root: &Path,
    files: &[PathBuf],
    definition: &Path,
    index: usize,
    timeout: Duration,
    build: bool,
) -> Result<Row, String> {
    let scratch = Scratch::copy(root, files, index)?;
    let name = service_name(definition);
    let spec = std::path::absolute(definition).map_err(|e| e.to_string())?;
    let program = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let started = Instant::now();
    let mut child = Command::new(program)
        .arg("--root")
        .arg(&scratch.0)
        .args(["new-service", &name, "--no-man-pages", "--spec"])
        .arg(&spec)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run the generator: {e}"))?;
    // The refusal is read beside the wait, so that a long one cannot fill the pipe and stall it.
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    let verdict = match status {
        None => Verdict::TimedOut,
        Some(status) if status.success() => {
            let client =
                std::fs::read_to_string(scratch.0.join(format!("crates/{name}/src/generated.rs")))
                    .map_err(|e| format!("accepted, but its client cannot be read: {e}"))?;
            let exposed = crate::surface::api_surface(&client)
                .map(|surface| surface.lines().filter(|l| l.starts_with("op ")).count())
                .map_err(|e| format!("accepted, but its API surface cannot be read: {e}"))?;
            Verdict::Accepted {
                exposed,
                lines: client.lines().count(),
            }
        }
        Some(status) => match status.code() {
            Some(_) => {
                let problems: Vec<String> = stderr
                    .lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(|line| shorten(line, REASON_WIDTH))
                    .collect();
                Verdict::Refused {
                    problems: problems.len(),
                    reasons: problems.into_iter().take(REASONS_SHOWN).collect(),
                }
            }
            None => Verdict::Crashed(shorten(
                stderr.lines().last().unwrap_or("killed by a signal"),
                REASON_WIDTH,
            )),
        },
    };
    let build = match verdict {
        Verdict::Accepted { .. } if build => Some(build_with_mock(root, &scratch.0, &name)),
        _ => None,
    };
    Ok(Row {
        build,
        file: definition
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        declared: declared_operations(definition),
        verdict,
        elapsed,
    })
}

/// Builds the crate of the service `name` in `scratch` with its `mock` feature.
fn build_with_mock(root: &Path, scratch: &Path, name: &str) -> Build {
    let started = Instant::now();
    let output = crate::workspace::cargo(scratch)
        .args(["build", "--quiet", "--features", "mock", "--package"])
        .arg(format!("credkit-{name}"))
        .env("CARGO_TARGET_DIR", root.join("target").join("corpus"))
        .stdin(Stdio::null())
        .output();
    let failed = match output {
        Err(e) => Some(format!("cannot run cargo: {e}")),
        Ok(output) if output.status.success() => None,
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Some(shorten(
                stderr
                    .lines()
                    .find(|line| line.starts_with("error"))
                    .or_else(|| stderr.lines().last())
                    .unwrap_or("failed")
                    .trim(),
                REASON_WIDTH,
            ))
        }
    };
    Build {
        failed,
        elapsed: started.elapsed(),
    }
}

/// A service name for a file: its stem in lower case, other characters as dashes.
fn service_name(definition: &Path) -> String {
    let stem = definition
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name = String::new();
    for c in stem.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    // Never one of the workspace's own services, and always starting with a letter.
    format!("corpus-{name}")
}

/// How many operations the definition declares under `paths`, when it can be read.
fn declared_operations(definition: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(definition).ok()?;
    let document: Value = if definition.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).ok()?
    } else {
        serde_yaml::from_str(&text).ok()?
    };
    // A definition of webhooks alone (OpenAPI 3.1) has no `paths`.
    let Some(paths) = document.get("paths") else {
        return Some(0);
    };
    Some(
        paths
            .as_object()?
            .values()
            .filter_map(Value::as_object)
            .map(|item| METHODS.iter().filter(|m| item.contains_key(**m)).count())
            .sum(),
    )
}

fn shorten(line: &str, width: usize) -> String {
    match line.char_indices().nth(width) {
        Some((cut, _)) => format!("{} ...", &line[..cut]),
        None => line.to_owned(),
    }
}

/// The table, then the refusals' first reasons, then the totals.
fn table(rows: &[Row]) -> String {
    let built = rows.iter().any(|row| row.build.is_some());
    let mut out = if built {
        String::from(
            "| definition | result | operations exposed / declared | client lines | time | build with mock | build time |\n\
             |---|---|--:|--:|--:|---|--:|\n",
        )
    } else {
        String::from(
            "| definition | result | operations exposed / declared | client lines | time |\n\
             |---|---|--:|--:|--:|\n",
        )
    };
    let declared = |row: &Row| row.declared.map_or("?".to_owned(), |n| n.to_string());
    for row in rows {
        let (result, exposed, lines) = match &row.verdict {
            Verdict::Accepted { exposed, lines } => (
                "accepted".to_owned(),
                exposed.to_string(),
                lines.to_string(),
            ),
            Verdict::Refused { problems, .. } => (
                format!("refused ({problems} lines)"),
                "0".to_owned(),
                String::new(),
            ),
            Verdict::Crashed(_) => ("crashed".to_owned(), "0".to_owned(), String::new()),
            Verdict::TimedOut => ("timed out".to_owned(), "0".to_owned(), String::new()),
        };
        let build = match (&row.build, built) {
            (_, false) => String::new(),
            (None, true) => "  |  |".to_owned(),
            (Some(build), true) => format!(
                " {} | {:.1} s |",
                if build.failed.is_some() {
                    "failed"
                } else {
                    "ok"
                },
                build.elapsed.as_secs_f64()
            ),
        };
        let _ = writeln!(
            out,
            "| {} | {result} | {exposed} / {} | {lines} | {:.1} s |{build}",
            row.file,
            declared(row),
            row.elapsed.as_secs_f64()
        );
    }
    let mut notes = String::new();
    for row in rows {
        match &row.verdict {
            Verdict::Refused { reasons, .. } => {
                let _ = writeln!(notes, "- {}:", row.file);
                for reason in reasons {
                    let _ = writeln!(notes, "  - `{}`", reason.replace('`', "'"));
                }
            }
            Verdict::Crashed(last) => {
                let _ = writeln!(notes, "- {}: crashed; last line `{last}`", row.file);
            }
            _ => {}
        }
        if let Some(Build {
            failed: Some(first),
            ..
        }) = &row.build
        {
            let _ = writeln!(
                notes,
                "- {}: its crate does not build with mock: `{}`",
                row.file,
                first.replace('`', "'")
            );
        }
    }
    if !notes.is_empty() {
        out.push_str("\nFirst lines of each refusal (and of each failed build):\n\n");
        out.push_str(&notes);
    }
    let accepted = rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Accepted { .. }))
        .count();
    let exposed: usize = rows
        .iter()
        .map(|r| match r.verdict {
            Verdict::Accepted { exposed, .. } => exposed,
            _ => 0,
        })
        .sum();
    let declared: usize = rows.iter().filter_map(|r| r.declared).sum();
    let _ = writeln!(
        out,
        "\naccepted {accepted} of {} definitions; {exposed} of {declared} operations exposed",
        rows.len()
    );
    if built {
        let ok = rows
            .iter()
            .filter(|r| r.build.as_ref().is_some_and(|b| b.failed.is_none()))
            .count();
        let _ = writeln!(out, "{ok} of {accepted} accepted crates build with mock");
    }
    out
}

/// A scratch copy of the workspace, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn copy(root: &Path, files: &[PathBuf], index: usize) -> Result<Self, String> {
        let dir =
            std::env::temp_dir().join(format!("credkit-corpus-{}-{index}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let scratch = Self(dir);
        for file in files {
            let to = scratch.0.join(file);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::copy(root.join(file), &to)
                .map_err(|e| format!("cannot copy {} to a scratch copy: {e}", file.display()))?;
        }
        Ok(scratch)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
