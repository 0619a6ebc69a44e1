//! The command line, as a function of the arguments and the workspace root, so that tests can
//! run it on a scratch copy of the workspace.

use std::fmt::Write as _;
use std::path::Path;

use crate::workspace;

pub const USAGE: &str = "usage: cargo xtask [--root DIR] generate [--check] [--explain] [SERVICE..]
       cargo xtask new-service NAME --spec PATH [--no-man-pages]
       cargo xtask man-pages
       cargo xtask services
       cargo xtask release-plan [--since REV]
       cargo xtask surface SERVICE
       cargo xtask bench [--no-build-cost] [--scale [--sizes N,..]]
       cargo xtask upstream [SERVICE..] [--from FILE] [--format text|markdown|json]
       cargo xtask corpus DIR [--timeout SECONDS] [--build]

  --root DIR          work on the workspace (or a copy of it) at DIR instead of the one this
                      xtask was built in
  generate            regenerate crates/<service>/src/generated.rs from specs/<service>.yaml;
                      nothing is written unless every selected spec generates
  generate --check    exit 1 with a unified diff when a committed file differs from its spec
  generate --explain  also list what was changed in memory to read each spec: each
                      conversion of an OpenAPI 3.1 spec to 3.0, with its JSON pointer,
                      and each default taken where the spec is silent
  SERVICE             only these services (file stems of specs/*.yaml), e.g. rentri-ca;
                      without, also the clients of tests/fixtures/generator/ok_*.yaml
                      (tests/fixture-clients, compiled by the workspace build) and the
                      command line's commands (crates/cli/src/generated.rs)
  new-service         add a service: copy its spec to specs/NAME.yaml, write crates/NAME,
                      register it in the workspace, the facade and the spec linters, and
                      generate; nothing is written unless the spec generates; then the
                      man pages, as man-pages does (not with --no-man-pages, which corpus
                      uses for its scratch copies)
  man-pages           build the command line and bring crates/cli/man up to date with its
                      commands (generate does it too when it rewrites them)
  services            print each service's name and its facade feature, one per line
  release-plan        print the version each service crate needs since its last release tag
                      (<crate>-v<version>), from the change of its API surface
  release-plan --since
                      the same against the commit REV for every crate (CI compares it with
                      cargo-semver-checks against the previous commit)
  surface             print the API surface (one line per operation and type) of a service
  bench               run every benchmark and print their tables (BENCHMARKS.md)
  bench --scale       instead: generation time, client lines and crate build time per
                      operation on a synthetic spec of N operations, beside bare progenitor
  --sizes N,..        the scale benchmark's numbers of operations (default 10,100)
  upstream            compare each spec with the definition its vendor publishes
                      (info.x-credkit-upstream): what differs, its class (breaking,
                      compatible, informational) and what to change in specs/; exit 0 when
                      only declared deviations differ, 1 on drift, 2 when it cannot compare
  upstream --from     read the published definition from FILE (one SERVICE) instead of
                      fetching it
  corpus              try new-service on each .yaml, .yml and .json definition in DIR, each
                      in a scratch copy of the workspace (never the workspace itself), and
                      print a table: accepted or refused (with the first reasons),
                      operations exposed, client lines, time (default limit 300 s each);
                      --build also builds each accepted crate with its mock feature
";

/// What a command printed and its exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub(crate) fn fail(code: u8, stderr: String) -> Self {
        Self {
            code,
            stdout: String::new(),
            stderr,
        }
    }
}

/// Runs `cargo xtask <args>` against the workspace at `root`.
pub fn run(args: &[String], root: &Path) -> Outcome {
    match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..], root),
        Some("surface") => surface(&args[1..], root),
        Some("new-service") => crate::new_service::run(&args[1..], root),
        Some("services") => services(root),
        Some("man-pages") => man_pages(root),
        Some("release-plan") => release_plan(&args[1..], root),
        Some("bench") => crate::bench::run(&args[1..], root),
        Some("upstream") => crate::upstream::run(&args[1..], root),
        Some("corpus") => crate::corpus::run(&args[1..], root),
        Some("-h" | "--help" | "help") => Outcome {
            stdout: USAGE.to_owned(),
            ..Outcome::default()
        },
        _ => Outcome::fail(2, USAGE.to_owned()),
    }
}

/// `man-pages`: the committed man pages brought up to date by the built command line.
pub fn man_pages(root: &Path) -> Outcome {
    match crate::man_pages::refresh(root) {
        Ok(changes) => Outcome {
            stdout: changes.iter().map(|c| format!("{c}\n")).collect(),
            ..Outcome::default()
        },
        Err(message) => Outcome::fail(1, format!("error: man pages: {message}\n")),
    }
}

fn generate(args: &[String], root: &Path) -> Outcome {
    let check = args.iter().any(|a| a == "--check");
    let explain = args.iter().any(|a| a == "--explain");
    if let Some(flag) = args
        .iter()
        .find(|a| a.starts_with('-') && !matches!(a.as_str(), "--check" | "--explain"))
    {
        return Outcome::fail(2, format!("error: unknown option {flag}\n\n{USAGE}"));
    }
    let all = match workspace::services(root) {
        Ok(all) => all,
        Err(e) => return Outcome::fail(1, format!("error: cannot list specs/: {e}\n")),
    };
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let everything = names.is_empty();
    let selected = match select(all, names) {
        Ok(selected) => selected,
        Err(outcome) => return outcome,
    };

    let explained = if explain {
        explanation(root, &selected, everything)
    } else {
        String::new()
    };
    let generated = workspace::generate_all(root, &selected).and_then(|mut outputs| {
        if everything {
            outputs.extend(workspace::fixture_clients(root)?);
            let commands = crate::command_line::outputs(root, &selected, &outputs)?;
            outputs.extend(commands);
        }
        Ok(outputs)
    });
    let outputs = match generated {
        Ok(outputs) => outputs,
        Err(problems) => {
            let mut stderr = String::new();
            for problem in &problems {
                let _ = writeln!(stderr, "error: {problem}");
            }
            let _ = writeln!(stderr, "{} problem(s); no file was changed", problems.len());
            return Outcome {
                stdout: explained,
                ..Outcome::fail(1, stderr)
            };
        }
    };

    let mut outputs = outputs;
    let mut outcome = Outcome {
        stdout: explained,
        ..Outcome::default()
    };
    let changed = api_changes(root, &outputs);
    for api in &changed {
        let package = format!("credkit-{}", api.service);
        outcome
            .stdout
            .push_str(&change_report(&package, &api.version, &api.changes));
    }
    if check {
        let mut stale = 0;
        for output in &outputs {
            let committed = workspace::committed(root, &output.target);
            if let Some(diff) = workspace::diff(&output.target, &committed, &output.contents) {
                stale += 1;
                let _ = writeln!(
                    outcome.stderr,
                    "error: {} is stale; run `cargo xtask generate`\n{diff}",
                    output.target
                );
            }
        }
        if stale > 0 {
            outcome.code = 1;
        } else {
            let _ = writeln!(
                outcome.stdout,
                "{} generated file(s) up to date",
                outputs.len()
            );
        }
        return outcome;
    }

    // Written in the same all-or-nothing pass as the code whose changes they record.
    outputs.extend(changelogs(root, &changed));
    match workspace::write(root, &outputs) {
        Ok(changed) => {
            for target in &changed {
                let _ = writeln!(outcome.stdout, "wrote {target}");
            }
            let _ = writeln!(
                outcome.stdout,
                "{} generated, {} changed",
                outputs.len(),
                changed.len()
            );
            if changed
                .iter()
                .any(|target| target == crate::man_pages::COMMANDS)
            {
                let pages = man_pages(root);
                outcome.stdout.push_str(&pages.stdout);
                outcome.stderr.push_str(&pages.stderr);
                outcome.code = outcome.code.max(pages.code);
            }
        }
        Err(e) => {
            outcome.code = 1;
            let _ = writeln!(outcome.stderr, "error: writing generated files: {e}");
        }
    }
    outcome
}

/// `--explain`: for each spec generated (the services', and the accepted fixtures' when every
/// service is), what was changed in memory to read it. Specs that need no change are counted.
fn explanation(root: &Path, selected: &[workspace::Service], everything: bool) -> String {
    let mut files: Vec<String> = selected.iter().map(|s| s.spec.clone()).collect();
    if everything {
        let mut fixtures: Vec<String> = std::fs::read_dir(root.join(workspace::FIXTURES))
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                (name.starts_with("ok_") && name.ends_with(".yaml"))
                    .then(|| format!("{}/{name}", workspace::FIXTURES))
            })
            .collect();
        fixtures.sort();
        files.extend(fixtures);
    }
    let mut out = String::new();
    let mut unchanged = 0;
    for file in &files {
        let Ok(spec) = crate::Spec::load(&root.join(file), file) else {
            continue;
        };
        let defaults = crate::defaults::taken(&spec);
        match crate::parse::down_convert(&spec.doc) {
            Ok(Some((_, conversions))) => {
                let _ = writeln!(out, "{file}: read as OpenAPI 3.0 after these conversions:");
                for c in conversions {
                    let _ = writeln!(out, "  {}: {}", c.pointer, c.change);
                }
            }
            Ok(None) if defaults.is_empty() => unchanged += 1,
            Ok(None) => {}
            // Refusals are reported by the generation itself, with their places.
            Err(_) => {}
        }
        if !defaults.is_empty() {
            let _ = writeln!(
                out,
                "{file}: takes these defaults (the rules: xtask/src/defaults.rs):"
            );
            for taken in defaults {
                let _ = writeln!(out, "  {}: {}", taken.pointer, taken.what);
            }
        }
    }
    let _ = writeln!(out, "{unchanged} spec(s) read as written");
    out
}

/// The services named (file stems of `specs/*.yaml`), or all of them when none is; an unknown
/// name is a usage error.
pub(crate) fn select<'n>(
    all: Vec<workspace::Service>,
    names: impl IntoIterator<Item = &'n String>,
) -> Result<Vec<workspace::Service>, Outcome> {
    let mut selected = Vec::new();
    for name in names {
        match all.iter().find(|s| &s.name == name) {
            Some(service) => selected.push(service.clone()),
            None => {
                let known: Vec<_> = all.iter().map(|s| s.name.as_str()).collect();
                return Err(Outcome::fail(
                    2,
                    format!(
                        "error: no spec specs/{name}.yaml (services: {})\n",
                        known.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(if selected.is_empty() { all } else { selected })
}

fn surface(args: &[String], root: &Path) -> Outcome {
    let [name] = args else {
        return Outcome::fail(2, USAGE.to_owned());
    };
    let target = format!("crates/{name}/src/generated.rs");
    if !root.join(&target).is_file() {
        return Outcome::fail(2, format!("error: {target} does not exist\n"));
    }
    match crate::surface::api_surface(&workspace::committed(root, &target)) {
        Ok(surface) => Outcome {
            stdout: surface,
            ..Outcome::default()
        },
        Err(e) => Outcome::fail(1, format!("error: {e}\n")),
    }
}

/// `rentri-ca rentri-ca`: each service and the facade feature that enables it, for scripts
/// (`.ci/run` builds the facade with each).
fn services(root: &Path) -> Outcome {
    let all = match workspace::services(root) {
        Ok(all) => all,
        Err(e) => return Outcome::fail(1, format!("error: cannot list specs/: {e}\n")),
    };
    let facade = workspace::committed(root, "crates/credkit/Cargo.toml");
    let mut outcome = Outcome::default();
    for service in all {
        match workspace::facade_feature(&facade, &service.name) {
            Some(feature) => {
                let _ = writeln!(outcome.stdout, "{} {feature}", service.name);
            }
            None => {
                outcome.code = 1;
                let _ = writeln!(
                    outcome.stderr,
                    "error: crates/credkit/Cargo.toml has no feature `= [\"dep:credkit-{}\"]`",
                    service.name
                );
            }
        }
    }
    outcome
}

/// The classified changes of one service crate's API surface.
struct ApiChanges {
    service: String,
    version: String,
    changes: Vec<crate::compat::Change>,
}

/// Per service crate whose client changes: each change of its API surface, classified
/// (`compat.rs`).
fn api_changes(root: &Path, outputs: &[workspace::Output]) -> Vec<ApiChanges> {
    let mut found = Vec::new();
    for output in outputs {
        let Some(service) = output
            .target
            .strip_prefix("crates/")
            .and_then(|t| t.strip_suffix("/src/generated.rs"))
        else {
            continue;
        };
        let committed = workspace::committed(root, &output.target);
        if committed == output.contents {
            continue;
        }
        let surfaces = crate::surface::api_surface(&committed)
            .and_then(|old| Ok((old, crate::surface::api_surface(&output.contents)?)));
        let Ok((old, new)) = surfaces else { continue };
        let changes = crate::compat::classify(&old, &new);
        if !changes.is_empty() {
            found.push(ApiChanges {
                service: service.to_owned(),
                version: workspace::crate_version(root, service),
                changes,
            });
        }
    }
    found
}

/// Each changed crate's `CHANGELOG.md` with its changes recorded under Unreleased.
fn changelogs(root: &Path, changed: &[ApiChanges]) -> Vec<workspace::Output> {
    changed
        .iter()
        .map(|api| {
            let target = format!("crates/{}/{}", api.service, crate::changelog::FILE);
            let text = match workspace::committed(root, &target) {
                // A crate without one gets one holding just these changes.
                text if text.is_empty() => {
                    crate::changelog::preamble(&format!("credkit-{}", api.service))
                }
                text => text,
            };
            let contents = crate::changelog::record(&text, &api.changes);
            workspace::Output { target, contents }
        })
        .collect()
}

/// `credkit-x: breaking, needs 0.2.0 (now 0.1.0)` and one line per change; empty when there
/// is no change.
fn change_report(package: &str, version: &str, changes: &[crate::compat::Change]) -> String {
    let Some(class) = crate::compat::overall(changes) else {
        return String::new();
    };
    let needed = crate::compat::next_version(version, class).unwrap_or_else(|| "?".into());
    let mut report = format!("{package}: {class}, needs {needed} (now {version})\n");
    for change in changes {
        let _ = writeln!(report, "  {}: {}", change.class, change.what);
    }
    report
}

/// For each service crate, the version it needs since its last release tag.
fn release_plan(args: &[String], root: &Path) -> Outcome {
    let since = match args {
        [] => None,
        [flag, rev] if flag == "--since" => Some(rev.as_str()),
        _ => return Outcome::fail(2, USAGE.to_owned()),
    };
    let all = match workspace::services(root) {
        Ok(all) => all,
        Err(e) => return Outcome::fail(1, format!("error: cannot list specs/: {e}\n")),
    };
    let mut outcome = Outcome::default();
    let mut members = Vec::new();
    for service in all {
        let package = format!("credkit-{}", service.name);
        let current = workspace::committed(root, &service.target);
        let baseline = match since {
            None => workspace::last_release(root, &package, &service.target),
            Some(rev) => workspace::file_at(root, rev, &service.target).map(|file| {
                file.map(|file| {
                    let version = workspace::crate_version(root, &service.name);
                    (rev.to_owned(), version, file)
                })
            }),
        };
        let released = match baseline {
            Ok(released) => released,
            Err(e) => {
                outcome.code = 1;
                let _ = writeln!(outcome.stderr, "error: {package}: {e}");
                continue;
            }
        };
        let Some((tag, version, old)) = released else {
            let version = workspace::crate_version(root, &service.name);
            let _ = match since {
                None => writeln!(
                    outcome.stdout,
                    "{package}: not released yet (no tag {package}-v*): first release {version}"
                ),
                Some(rev) => writeln!(outcome.stdout, "{package}: new since {rev}"),
            };
            continue;
        };
        let surfaces = crate::surface::api_surface(&old)
            .and_then(|old| Ok((old, crate::surface::api_surface(&current)?)));
        match surfaces {
            Ok((old, new)) => {
                let mut changes = crate::compat::classify(&old, &new);
                // What the changelog says broke besides the spec: a change of the generator.
                let changelog = format!("crates/{}/{}", service.name, crate::changelog::FILE);
                let then = workspace::file_at(root, &tag, &changelog)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                let now = std::fs::read_to_string(root.join(&changelog)).unwrap_or_default();
                let by_hand = crate::changelog::breaking_by_hand(&then, &now, &changes);
                changes.extend(by_hand);
                if let Some(class) = crate::compat::overall(&changes) {
                    members.push((package.clone(), class));
                }
                let report = change_report(&package, &version, &changes);
                if report.is_empty() {
                    let _ = writeln!(
                        outcome.stdout,
                        "{package}: no API change since {tag}: a patch release if anything else changed"
                    );
                } else {
                    let _ = writeln!(outcome.stdout, "since {tag}:");
                    outcome.stdout.push_str(&report);
                }
            }
            Err(e) => {
                outcome.code = 1;
                let _ = writeln!(outcome.stderr, "error: {package}: {e}");
            }
        }
    }
    if since.is_none() {
        outcome.stdout.push_str(&facade_plan(root, &members));
    }
    outcome
}

/// The facade's line of the release plan: it re-exports the service crates, so its version
/// follows the most severe change among them.
fn facade_plan(root: &Path, members: &[(String, crate::compat::Class)]) -> String {
    let version = workspace::crate_version(root, "credkit");
    let tags = workspace::last_release(root, "credkit", workspace::FACADE_MANIFEST);
    match (tags, members.iter().map(|(_, class)| *class).max()) {
        (Ok(None), _) => {
            format!("credkit: not released yet (no tag credkit-v*): first release {version}\n")
        }
        (Ok(Some((tag, released, _))), Some(class)) => {
            let needed =
                crate::compat::next_version(&released, class).unwrap_or_else(|| "?".into());
            let causes: Vec<_> = members
                .iter()
                .filter(|(_, c)| *c == class)
                .map(|(package, _)| package.as_str())
                .collect();
            format!(
                "credkit: {class} since {tag} (follows {}), needs {needed} (now {version})\n",
                causes.join(", ")
            )
        }
        (Ok(Some((tag, _, _))), None) => format!(
            "credkit: no member's API changed since {tag}: a patch release if anything else changed\n"
        ),
        (Err(e), _) => format!("credkit: cannot read its release tags: {e}\n"),
    }
}
