//! `cargo xtask upstream [SERVICE..] [--from FILE] [--format text|markdown|json]`: compares each
//! hand-written spec with the definition its vendor publishes (`info.x-credkit-upstream`), so a
//! maintainer learns what changed upstream and what to change in `specs/` (see [`crate::drift`]).
//!
//! Exit codes: 0 when nothing differs but declared deviations, 1 when something undeclared
//! differs, 2 when the comparison could not be made (usage, a spec that does not parse, a
//! definition that cannot be fetched or read).

pub mod render;

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::cli::{Outcome, USAGE};
use crate::model::UpstreamFormat;
use crate::spec::Spec;
use crate::workspace;
use render::Compared;

/// How the reports are written.
#[derive(Clone, Copy)]
enum Format {
    Text,
    Markdown,
    Json,
}

/// The command's arguments.
struct Args {
    services: Vec<String>,
    from: Option<String>,
    format: Format,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        services: Vec::new(),
        from: None,
        format: Format::Text,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag {
            "--from" => parsed.from = Some(value()?),
            "--format" => {
                parsed.format = match value()?.as_str() {
                    "text" => Format::Text,
                    "markdown" => Format::Markdown,
                    "json" => Format::Json,
                    other => {
                        return Err(format!("unknown format `{other}`: text, markdown or json"));
                    }
                }
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            service => parsed.services.push(service.to_owned()),
        }
    }
    if parsed.from.is_some() && parsed.services.len() != 1 {
        return Err("--from FILE compares one service: name exactly one SERVICE".to_owned());
    }
    Ok(parsed)
}

/// Downloads the text at a URL, or says why it could not.
pub type Fetch<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Runs `cargo xtask upstream <args>` against the workspace at `root`, downloading with the
/// `xtask-fetch` program (see [`with_xtask_fetch`]).
pub fn run(args: &[String], root: &Path) -> Outcome {
    run_with(args, root, &with_xtask_fetch)
}

/// Runs `cargo xtask upstream <args>` against the workspace at `root`, downloading with `fetch`.
pub fn run_with(args: &[String], root: &Path, fetch: Fetch) -> Outcome {
    let args = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(message) => return Outcome::fail(2, format!("error: {message}\n\n{USAGE}")),
    };
    let all = match workspace::services(root) {
        Ok(all) => all,
        Err(e) => return Outcome::fail(2, format!("error: cannot list specs/: {e}\n")),
    };
    let named = !args.services.is_empty();
    let selected = match crate::cli::select(all, &args.services) {
        Ok(selected) => selected,
        Err(outcome) => return outcome,
    };

    let mut compared = Vec::new();
    let mut errors = Vec::new();
    let mut notes = String::new();
    for service in &selected {
        match compare(root, service, args.from.as_deref(), fetch) {
            Ok(Some(result)) => compared.push(result),
            Ok(None) if named => errors.push(format!(
                "{}: no `info.x-credkit-upstream`: say where the vendor publishes its definition (specs/README.md)",
                service.spec
            )),
            Ok(None) => {
                let _ = writeln!(
                    notes,
                    "note: {} declares no `info.x-credkit-upstream`; not compared",
                    service.spec
                );
            }
            Err(error) => errors.push(error),
        }
    }

    let mut outcome = Outcome {
        stdout: match args.format {
            Format::Text => render::text(&compared),
            Format::Markdown => render::markdown(&compared),
            Format::Json => render::json(&compared, &errors),
        },
        stderr: notes,
        code: 0,
    };
    for error in &errors {
        let _ = writeln!(outcome.stderr, "error: {error}");
    }
    outcome.code = if !errors.is_empty() {
        2
    } else if compared.iter().any(|c| c.report.has_drift()) {
        1
    } else {
        0
    };
    outcome
}

/// Downloads with the `xtask-fetch` program of this workspace, built on first use (cargo's
/// progress shows): the TLS stack lives there, so that the generator's everyday build
/// (`cargo xtask generate`) never compiles it.
pub fn with_xtask_fetch(url: &str) -> Result<String, String> {
    let root = workspace::root();
    let manifest = root.join("Cargo.toml");
    let build = workspace::cargo(&root)
        .args([
            "build",
            "--quiet",
            "--package",
            "xtask-fetch",
            "--manifest-path",
        ])
        .arg(&manifest)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !build.success() {
        return Err(format!("building xtask-fetch failed ({build})"));
    }
    let run = workspace::cargo(&root)
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask-fetch",
            "--manifest-path",
        ])
        .arg(&manifest)
        .args(["--", url])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if run.status.success() {
        String::from_utf8(run.stdout).map_err(|e| format!("not UTF-8: {e}"))
    } else {
        Err(String::from_utf8_lossy(&run.stderr).trim().to_owned())
    }
}

/// One service compared with its published definition; `None` when its spec names none.
fn compare(
    root: &Path,
    service: &workspace::Service,
    from: Option<&str>,
    fetch: Fetch,
) -> Result<Option<Compared>, String> {
    let spec = Spec::load(&root.join(&service.spec), &service.spec).map_err(|p| p.to_string())?;
    let model = crate::parse::parse(&spec).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        format!(
            "{} does not parse, fix it first (`cargo xtask generate`):\n  {}",
            service.spec,
            lines.join("\n  ")
        )
    })?;
    let Some(upstream) = model.upstream else {
        return Ok(None);
    };
    let (source, text, format) = match from {
        Some(file) => {
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
            let format = match Path::new(file).extension().and_then(|e| e.to_str()) {
                Some("json") => UpstreamFormat::Json,
                Some("yaml" | "yml") => UpstreamFormat::Yaml,
                _ => upstream.format,
            };
            (file.to_owned(), text, format)
        }
        None => {
            let text =
                fetch(&upstream.url).map_err(|e| format!("cannot fetch {}: {e}", upstream.url))?;
            (upstream.url.clone(), text, upstream.format)
        }
    };
    let published = read(&text, format)
        .map_err(|e| format!("{source} is not a {} document: {e}", format.as_str()))?;
    if published.get("paths").and_then(Value::as_object).is_none() {
        return Err(format!(
            "{source} is not an OpenAPI document: it has no `paths`"
        ));
    }
    Ok(Some(Compared {
        service: service.name.clone(),
        spec: service.spec.clone(),
        source,
        version: published
            .pointer("/info/version")
            .and_then(Value::as_str)
            .map(str::to_owned),
        report: crate::drift::compare(&spec.doc, &published),
    }))
}

/// A published definition as a JSON value.
fn read(text: &str, format: UpstreamFormat) -> Result<Value, String> {
    match format {
        UpstreamFormat::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        UpstreamFormat::Yaml => serde_yaml::from_str(text).map_err(|e| e.to_string()),
    }
}
