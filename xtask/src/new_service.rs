//! `cargo xtask new-service NAME --spec PATH`: adds a service to the workspace from its spec.
//!
//! The spec is parsed and generated in memory first; only when it generates is anything
//! written: `specs/NAME.yaml`, the crate `crates/NAME/` (manifest, crate root, README, generated
//! client and mocks), and the registrations: workspace member, the facade's feature, dependency,
//! `mock` forwarding and re-export, and the spec linters' list; and the command line's commands
//! are regenerated with the new service's, and then its man pages (`man_pages.rs`, by building
//! the command line). CI reads the services from `cargo xtask services`,
//! so it needs no edit.

use std::path::Path;

use crate::cli::Outcome;
use crate::generate::{self, Prepared};
use crate::spec::Spec;
use crate::{crates, workspace};

/// Runs `new-service` with its arguments against the workspace at `root`.
pub fn run(args: &[String], root: &Path) -> Outcome {
    let (name, spec_path, man_pages) = match arguments(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            return Outcome::fail(2, format!("error: {message}\n\n{}", crate::cli::USAGE));
        }
    };
    let written = match add(root, &name, Path::new(&spec_path)) {
        Ok(written) => written,
        Err(stderr) => return Outcome::fail(1, stderr),
    };
    let mut outcome = Outcome {
        stdout: written.iter().map(|w| format!("wrote {w}\n")).collect(),
        ..Outcome::default()
    };
    if man_pages {
        let pages = crate::cli::man_pages(root);
        outcome.stdout.push_str(&pages.stdout);
        outcome.stderr.push_str(&pages.stderr);
        outcome.code = pages.code;
    }
    outcome.stdout.push_str(&format!(
        "added service {name}: run `cargo test --workspace` (it adds the crate to Cargo.lock), write tests of what is special about it, and commit\n"
    ));
    outcome
}

/// The name, the spec's path, and whether to write the man pages (not with `--no-man-pages`).
fn arguments(args: &[String]) -> Result<(String, String, bool), String> {
    let mut name = None;
    let mut spec = None;
    let mut man_pages = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--spec" => spec = rest.next().cloned(),
            "--no-man-pages" => man_pages = false,
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            value if name.is_none() => name = Some(value.to_owned()),
            value => return Err(format!("unexpected argument {value}")),
        }
    }
    let name = name.ok_or("new-service needs a NAME")?;
    let spec = spec.ok_or("new-service needs --spec PATH")?;
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if !valid {
        return Err(format!(
            "service name `{name}`: lower-case letters, digits and dashes, starting with a letter (it names the spec, the crate credkit-{name} and the facade feature)"
        ));
    }
    Ok((name, spec, man_pages))
}

/// Adds the service; on any problem nothing is written and the problems are returned.
fn add(root: &Path, name: &str, spec_path: &Path) -> Result<Vec<String>, String> {
    let spec_file = format!("specs/{name}.yaml");
    for taken in [spec_file.clone(), format!("crates/{name}")] {
        if root.join(&taken).exists() {
            return Err(format!("error: {taken} already exists\n"));
        }
    }
    let clashes = names_taken(root, name);
    if !clashes.is_empty() {
        return Err(clashes
            .iter()
            .map(|clash| format!("error: service name `{name}`: {clash}\n"))
            .collect());
    }
    // Problems name the file being edited, not the copy `specs/NAME.yaml` not yet written.
    let passed = spec_path.display().to_string();
    let text = Spec::read(spec_path, &passed).map_err(|p| format!("error: {p}\n"))?;
    let generated = Spec::parse(&text, &spec_file)
        .map_err(|p| vec![p])
        .and_then(|spec| {
            let prepared = Prepared::new(&spec)?;
            let client = generate::client(&spec, &prepared)?;
            let mock = crate::mock::mocks(&spec, &prepared)?;
            Ok((prepared.service, client, mock))
        });
    let (service, client, mock) = generated.map_err(|problems| {
        let mut stderr: String = problems
            .iter()
            .map(|p| match p.file == spec_file {
                true => crate::Problem {
                    file: passed.clone(),
                    ..p.clone()
                },
                false => p.clone(),
            })
            .map(|p| format!("error: {p}\n"))
            .collect();
        stderr.push_str(&format!(
            "{} problem(s); no file was changed\n",
            problems.len()
        ));
        stderr
    })?;

    let listing = crate::surface::api_surface(&client.code).map_err(|e| format!("error: {e}\n"))?;
    let facade_feature = name.to_owned();
    let module = name.replace('-', "_");
    let package = service.package();
    let mut edits: Vec<(String, String)> = vec![
        (spec_file, text),
        (
            format!("crates/{name}/Cargo.toml"),
            crates::new_manifest(
                &service,
                client.uses,
                &workspace::crate_version(root, "runtime"),
            ),
        ),
        (
            format!("crates/{name}/src/lib.rs"),
            crates::new_lib(&service),
        ),
        (
            format!("crates/{name}/README.md"),
            crates::new_readme(&service),
        ),
        (
            format!("crates/{name}/{}", crate::changelog::FILE),
            crate::changelog::new(
                &package,
                &format!(
                    "The client of the {} operation(s) of the {} API, generated from `specs/{name}.yaml`.",
                    service.operations.len(),
                    service.title
                ),
            ),
        ),
        (format!("crates/{name}/src/generated.rs"), client.code),
        (format!("crates/{name}/src/mock.rs"), mock),
    ];
    let read = |file: &str| {
        std::fs::read_to_string(root.join(file))
            .map_err(|e| format!("error: cannot read {file}: {e}\n"))
    };
    let edit = |file: &str, change: &dyn Fn(&str) -> Result<String, String>| {
        change(&read(file)?).map_err(|m| format!("error: {file}: {m}\n"))
    };
    edits.push((
        "Cargo.toml".into(),
        edit("Cargo.toml", &|text| workspace_member(text, name))?,
    ));
    // The facade's generated blocks (dependencies, TLS forwarding) with the new crate among
    // the existing ones, at its first version.
    let existing = workspace::services(root).map_err(|e| format!("error: specs/: {e}\n"))?;
    let mut members = workspace::facade_members(root, &existing, &[]);
    members.push(crates::Member {
        name: name.to_owned(),
        version: crates::FIRST_VERSION.to_owned(),
        all_tags: !crate::tag_features::features(&service).is_empty(),
    });
    members.sort_by(|a, b| a.name.cmp(&b.name));
    edits.push((
        workspace::FACADE_MANIFEST.into(),
        edit(workspace::FACADE_MANIFEST, &|text| {
            facade_manifest(text, &facade_feature, &package, &module, &service.title)
                .and_then(|text| workspace::facade_manifest(&text, &members))
        })?,
    ));
    edits.push((
        "crates/credkit/src/lib.rs".into(),
        edit("crates/credkit/src/lib.rs", &|text| {
            facade_root(text, &facade_feature, &service.crate_ident(), &module)
        })?,
    ));
    edits.push((
        "redocly.yaml".into(),
        edit("redocly.yaml", &|text| {
            Ok(format!(
                "{}\n  {name}:\n    root: specs/{name}.yaml\n",
                text.trim_end()
            ))
        })?,
    ));

    // The service's first API-surface snapshot, accepted as generated: the review of later
    // changes starts from it, and the test over every service finds it.
    if root.join(workspace::SURFACE_SNAPSHOTS).is_dir() {
        edits.push((
            format!(
                "{}/it__generator__surface_{name}.snap",
                workspace::SURFACE_SNAPSHOTS
            ),
            format!(
                "---\nsource: tests/tests/it/generator.rs\nexpression: listing\n---\n{}\n",
                listing.trim_end()
            ),
        ));
    }
    let mut outputs: Vec<workspace::Output> = edits
        .into_iter()
        .map(|(target, contents)| workspace::Output { target, contents })
        .collect();
    // The command line's commands, the new service's among them.
    let mut services = workspace::services(root).map_err(|e| format!("error: specs/: {e}\n"))?;
    services.push(workspace::Service::named(name));
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let commands = crate::command_line::outputs(root, &services, &outputs).map_err(|problems| {
        problems
            .iter()
            .map(|p| format!("error: {p}\n"))
            .collect::<String>()
    })?;
    outputs.extend(commands);
    for output in &outputs {
        if let Some(parent) = root.join(&output.target).parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("error: cannot create {}: {e}\n", parent.display()))?;
        }
    }
    workspace::write(root, &outputs).map_err(|e| format!("error: writing: {e}\n"))
}

/// The command line's own top-level commands (`crates/cli/src/command.rs`), which a service's
/// commands would shadow.
const CLI_COMMANDS: [&str; 2] = ["completions", "help"];

/// What the names a service takes (the package `credkit-NAME`, the facade feature `NAME`, the
/// module `credkit::NAME`, the command `credkit NAME`) would meet in the workspace: each
/// clash, said. A clash would otherwise give a manifest with a key written twice, a workspace
/// with two packages of one name, or a re-export that does not parse.
fn names_taken(root: &Path, name: &str) -> Vec<String> {
    let manifest = |file: &str| -> Option<toml_edit::DocumentMut> {
        std::fs::read_to_string(root.join(file)).ok()?.parse().ok()
    };
    let mut clashes = Vec::new();
    let package = format!("credkit-{name}");
    let members = manifest("Cargo.toml").and_then(|doc| {
        let members = doc["workspace"]["members"].as_array()?;
        Some(
            members
                .iter()
                .filter_map(|m| m.as_str().map(str::to_owned))
                .collect::<Vec<_>>(),
        )
    });
    for member in members.unwrap_or_default() {
        let file = format!("{member}/Cargo.toml");
        if manifest(&file).is_some_and(|doc| doc["package"]["name"].as_str() == Some(&package)) {
            clashes.push(format!(
                "the package {package} is already in the workspace ({file})"
            ));
        }
    }
    if manifest(workspace::FACADE_MANIFEST).is_some_and(|doc| {
        doc["features"]
            .as_table()
            .is_some_and(|f| f.contains_key(name))
    }) {
        clashes.push(format!(
            "the facade already has a feature `{name}` ({})",
            workspace::FACADE_MANIFEST
        ));
    }
    let module = name.replace('-', "_");
    if syn::parse_str::<syn::Ident>(&module).is_err() {
        clashes.push(format!(
            "`{module}` is a Rust keyword, and the facade would re-export the crate as `credkit::{module}`"
        ));
    }
    if CLI_COMMANDS.contains(&name) {
        clashes.push(format!("`credkit {name}` is a command of the command line"));
    }
    clashes
}

/// Inserts `crates/<name>` into `members` and `default-members`, before the facade.
fn workspace_member(text: &str, name: &str) -> Result<String, String> {
    let facade = "\"crates/credkit\"";
    if text.matches(facade).count() != 2 {
        return Err("expected `\"crates/credkit\"` in `members` and in `default-members`".into());
    }
    Ok(text.replace(facade, &format!("\"crates/{name}\", {facade}")))
}

/// Adds the service to the facade's manifest: its feature, opt-in (users who want it name
/// it; the command line, which has every service, names them all), and `mock` forwarding (its
/// dependency and TLS forwarding are generated blocks).
fn facade_manifest(
    text: &str,
    feature: &str,
    package: &str,
    module: &str,
    title: &str,
) -> Result<String, String> {
    let mut out = String::new();
    let mut mock = false;
    for line in text.lines() {
        if line.starts_with("## `mock::MockServerExt`") {
            out.push_str(&format!(
                "## The {title} client, as `credkit::{module}`.\n{feature} = [\"dep:{package}\"]\n"
            ));
        }
        if let Some(rest) = line.strip_prefix("mock = [") {
            out.push_str(&format!("mock = [\"{package}?/mock\", {rest}\n"));
            mock = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if mock {
        Ok(out)
    } else {
        Err("expected the line `mock = [`".into())
    }
}

/// Adds the re-export of the service crate to the facade's root, before the runtime's.
fn facade_root(
    text: &str,
    feature: &str,
    crate_ident: &str,
    module: &str,
) -> Result<String, String> {
    let anchor = "pub use credkit_runtime::{";
    let at = text
        .find(anchor)
        .ok_or_else(|| format!("expected the line `{anchor}`"))?;
    Ok(format!(
        "{}#[cfg(feature = \"{feature}\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"{feature}\")))]\n#[doc(inline)]\npub use {crate_ident} as {module};\n\n{}",
        &text[..at],
        &text[at..]
    ))
}

#[cfg(test)]
mod tests {
    use super::names_taken;

    #[test]
    fn a_name_that_meets_one_the_workspace_has_is_refused_with_each_clash() {
        let root = crate::workspace::root();
        for (name, clash) in [
            (
                "tests",
                "the package credkit-tests is already in the workspace (tests/Cargo.toml)",
            ),
            ("fixture-clients", "the package credkit-fixture-clients"),
            ("mock", "the facade already has a feature `mock`"),
            ("default", "the facade already has a feature `default`"),
            ("rustls", "the facade already has a feature `rustls`"),
            ("type", "`type` is a Rust keyword"),
            ("completions", "`credkit completions` is a command"),
        ] {
            let found = names_taken(&root, name);
            assert!(found.iter().any(|c| c.contains(clash)), "{name}: {found:?}");
        }
        assert_eq!(names_taken(&root, "scratch-vault"), Vec::<String>::new());
        assert_eq!(names_taken(&root, "acme-2"), Vec::<String>::new());
    }
}
