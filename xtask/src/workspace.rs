//! The services of the workspace, and writing or checking their generated files.

use std::path::{Path, PathBuf};

use crate::problem::Problem;
use crate::spec::Spec;

/// One service: a spec and the crate generated from it.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// `specs/<name>.yaml`, relative to the root.
    pub spec: String,
    /// `crates/<name>/src/generated.rs`, relative to the root.
    pub target: String,
    /// `crates/<name>/src/mock.rs`: the typed httpmock helpers, behind the crate's `mock` feature.
    pub mock: String,
}

impl Service {
    /// The service `name`, with its spec and generated files at their places.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            spec: format!("specs/{name}.yaml"),
            target: format!("crates/{name}/src/generated.rs"),
            mock: format!("crates/{name}/src/mock.rs"),
        }
    }
}

/// A generated file and what it should contain.
#[derive(Debug, Clone)]
pub struct Output {
    pub target: String,
    pub contents: String,
}

/// A `cargo` command in `dir`: the cargo that runs this xtask (`$CARGO`), or the one on the path.
pub fn cargo(dir: &Path) -> std::process::Command {
    let mut command =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir);
    command
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Every `specs/*.yaml`, by name.
pub fn services(root: &Path) -> std::io::Result<Vec<Service>> {
    let mut services = Vec::new();
    for entry in std::fs::read_dir(root.join("specs"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yaml")
            && let Some(name) = path.file_stem().and_then(|s| s.to_str())
        {
            services.push(Service::named(name));
        }
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(services)
}

/// Generates every service in memory. All problems of all services are returned together.
pub fn generate_all(root: &Path, services: &[Service]) -> Result<Vec<Output>, Vec<Problem>> {
    let mut outputs = Vec::new();
    let mut problems = Vec::new();
    for service in services {
        let crate_dir = root.join(format!("crates/{}", service.name));
        if !crate_dir.join("Cargo.toml").is_file() {
            problems.push(Problem::new(
                &service.spec,
                None,
                format!("crates/{}/Cargo.toml does not exist: create the crate first (README: adding a service)", service.name),
            ));
            continue;
        }
        let generated = Spec::load(&root.join(&service.spec), &service.spec)
            .map_err(|p| vec![p])
            .and_then(|s| {
                let prepared = crate::generate::Prepared::new(&s)?;
                Ok((
                    crate::generate::client(&s, &prepared)?,
                    crate::mock::mocks(&s, &prepared)?,
                    prepared.service,
                ))
            });
        match generated {
            Ok((client, mock, model)) => {
                match owned_parts(root, service, &model, client.uses) {
                    Ok(parts) => outputs.extend(parts),
                    Err(problem) => problems.push(problem),
                }
                outputs.push(Output {
                    target: service.target.clone(),
                    contents: client.code,
                });
                outputs.push(Output {
                    target: service.mock.clone(),
                    contents: mock,
                });
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if root.join(FACADE_MANIFEST).is_file() {
        // Every service of the workspace, not only those generated now.
        let all = self::services(root).unwrap_or_else(|_| services.to_vec());
        let members = facade_members(root, &all, &outputs);
        match facade_manifest(&committed(root, FACADE_MANIFEST), &members) {
            Ok(contents) => outputs.push(Output {
                target: FACADE_MANIFEST.to_owned(),
                contents,
            }),
            Err(message) => problems.push(Problem::new(
                FACADE_MANIFEST,
                None,
                format!("{message}: the generator keeps that block in sync"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(outputs)
    } else {
        Err(problems)
    }
}

/// The service crates as the facade depends on them, each at its version, with its per-tag
/// features turned on if its manifest (as `outputs` writes it, or as it is) has them.
pub fn facade_members(
    root: &Path,
    services: &[Service],
    outputs: &[Output],
) -> Vec<crate::crates::Member> {
    services
        .iter()
        .map(|service| {
            let manifest = format!("crates/{}/Cargo.toml", service.name);
            let manifest = outputs
                .iter()
                .find(|output| output.target == manifest)
                .map_or_else(|| committed(root, &manifest), |o| o.contents.clone());
            crate::crates::Member {
                name: service.name.clone(),
                version: crate_version(root, &service.name),
                all_tags: crate::tag_features::in_manifest(&manifest),
            }
        })
        .collect()
}

/// The facade's manifest, whose service dependencies and TLS features the generator writes.
pub const FACADE_MANIFEST: &str = "crates/credkit/Cargo.toml";

/// The facade's manifest `text` with its generated blocks written for these service crates:
/// each one a dependency at its current version, and the TLS choice forwarded to each.
pub fn facade_manifest(text: &str, members: &[crate::crates::Member]) -> Result<String, String> {
    crate::manifest::with_block(
        text,
        "service dependencies",
        &crate::crates::facade_dependencies_block(members),
    )
    .and_then(|text| {
        crate::manifest::with_block(
            &text,
            "tls features",
            &crate::crates::facade_tls_block(members),
        )
    })
}

/// Where the API-surface snapshots of the services are (insta's folder beside the test module
/// `tests/tests/it/generator.rs`, which names them `it__generator__surface_<service>.snap`).
pub const SURFACE_SNAPSHOTS: &str = "tests/tests/it/snapshots";

/// Where the generator's fixtures are: `ok_*.yaml` must generate, `bad_*.yaml` must be refused.
pub const FIXTURES: &str = "tests/fixtures/generator";
/// The crate the accepted fixtures' clients are generated into, one module each, so that CI
/// compiles every golden output instead of only parsing it.
pub const FIXTURE_CLIENTS: &str = "tests/fixture-clients";

/// The clients of the accepted fixtures (`tests/fixture-clients/src/<stem>.rs`) and the crate
/// root listing them.
/// A workspace without fixtures has no such crate.
pub fn fixture_clients(root: &Path) -> Result<Vec<Output>, Vec<Problem>> {
    if !root.join(FIXTURE_CLIENTS).join("Cargo.toml").is_file() {
        return Ok(Vec::new());
    }
    let mut stems: Vec<String> = std::fs::read_dir(root.join(FIXTURES))
        .map_err(|e| vec![Problem::new(FIXTURES, None, format!("cannot list: {e}"))])?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let stem = path.file_stem()?.to_str()?.to_owned();
            (path.extension()? == "yaml" && stem.starts_with("ok_")).then_some(stem)
        })
        .collect();
    stems.sort();
    let mut outputs = Vec::new();
    let mut problems = Vec::new();
    let mut modules = String::new();
    for stem in &stems {
        let file = format!("{FIXTURES}/{stem}.yaml");
        let client = Spec::load(&root.join(&file), &file)
            .map_err(|problem| vec![problem])
            .and_then(|spec| {
                crate::generate::Prepared::at(&spec, &format!("crate::{stem}"))
                    .and_then(|prepared| crate::generate::client(&spec, &prepared))
                    .map(|client| client.code)
            });
        match client {
            Ok(contents) => outputs.push(Output {
                target: format!("{FIXTURE_CLIENTS}/src/{stem}.rs"),
                contents,
            }),
            Err(mut found) => problems.append(&mut found),
        }
        modules.push_str(&format!(
            "#[rustfmt::skip]\n#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports)]\npub mod {stem};\n"
        ));
    }
    outputs.push(Output {
        target: format!("{FIXTURE_CLIENTS}/src/lib.rs"),
        contents: format!(
            "// @generated by `cargo xtask generate`, one module per {FIXTURES}/ok_*.yaml.\n\
             // Do not edit: add or change a fixture and run `cargo xtask generate`.\n\n\
             //! The clients generated from the generator's accepted fixtures, compiled so that \
             each\n//! snapshot of `tests/tests/it/generator.rs` is known to build.\n\n{modules}"
        ),
    });
    if problems.is_empty() {
        Ok(outputs)
    } else {
        Err(problems)
    }
}

/// The committed contents of a target, or empty when it does not exist yet.
pub fn committed(root: &Path, target: &str) -> String {
    std::fs::read_to_string(root.join(target)).unwrap_or_default()
}

/// A unified diff from the committed file to the regenerated one; `None` when they are equal.
pub fn diff(target: &str, committed: &str, regenerated: &str) -> Option<String> {
    if committed == regenerated {
        return None;
    }
    let diff = similar::TextDiff::from_lines(committed, regenerated);
    Some(
        diff.unified_diff()
            .context_radius(3)
            .header(
                &format!("{target} (committed)"),
                &format!("{target} (regenerated)"),
            )
            .to_string(),
    )
}

/// Why an output would leave the workspace unloadable, if it would: each Rust file must parse
/// (syn) and each TOML file too (toml_edit), before anything is written.
pub fn unloadable(outputs: &[Output]) -> Vec<Problem> {
    outputs
        .iter()
        .filter_map(|output| {
            let refused = if output.target.ends_with(".rs") {
                syn::parse_file(&output.contents)
                    .err()
                    .map(|e| e.to_string())
            } else if output.target.ends_with(".toml") {
                crate::manifest::parse(&output.contents).err()
            } else {
                None
            };
            refused.map(|why| {
                Problem::new(
                    &output.target,
                    None,
                    format!("the generator would write a file that does not parse ({why}): nothing was written"),
                )
            })
        })
        .collect()
}

/// Writes each changed output through a temporary file and a rename, so that a reader never
/// sees half a file; nothing at all when one of them would not parse ([`unloadable`]).
/// Returns the targets that changed.
pub fn write(root: &Path, outputs: &[Output]) -> std::io::Result<Vec<String>> {
    let refused = unloadable(outputs);
    if !refused.is_empty() {
        let listed: Vec<String> = refused.iter().map(ToString::to_string).collect();
        return Err(std::io::Error::other(listed.join("\n")));
    }
    let mut changed = Vec::new();
    for output in outputs {
        let path = root.join(&output.target);
        if committed(root, &output.target) == output.contents {
            continue;
        }
        let mut temporary = path.clone().into_os_string();
        temporary.push(format!(".tmp-{}", std::process::id()));
        let temporary = PathBuf::from(temporary);
        std::fs::write(&temporary, &output.contents)?;
        if let Err(e) = std::fs::rename(&temporary, &path) {
            let _ = std::fs::remove_file(&temporary);
            return Err(e);
        }
        changed.push(output.target.clone());
    }
    Ok(changed)
}

/// The crate root and the manifest of a service crate with their generated blocks brought up
/// to date (`crates.rs`); the rest of each file is the service's own.
fn owned_parts(
    root: &Path,
    service: &Service,
    model: &crate::model::Service,
    uses: crate::crates::Uses,
) -> Result<Vec<Output>, Problem> {
    let lib = format!("crates/{}/src/lib.rs", service.name);
    let manifest = format!("crates/{}/Cargo.toml", service.name);
    let refuse = |file: &str, message: String| {
        Problem::new(
            &service.spec,
            None,
            format!(
                "{file} {message}: the generator keeps that block in sync (README: adding a service)"
            ),
        )
    };
    let lib_text = crate::crates::replace_block(
        &committed(root, &lib),
        "//",
        "crate root",
        &crate::crates::lib_block(model),
    )
    .map_err(|m| refuse(&lib, m))?;
    let manifest_text = crate::manifest::with_block(
        &committed(root, &manifest),
        "dependencies",
        &crate::crates::dependencies_block(uses, &crate_version(root, "runtime")),
    )
    .and_then(|text| {
        crate::manifest::with_block(&text, "features", &crate::crates::features_block(model))
    })
    .map_err(|m| refuse(&manifest, m))?;
    Ok(vec![
        Output {
            target: lib,
            contents: lib_text,
        },
        Output {
            target: manifest,
            contents: manifest_text,
        },
    ])
}

/// The version of a service crate: its own `version = ".."`, or the workspace's.
pub fn crate_version(root: &Path, service: &str) -> String {
    let version_in = |manifest: &str| {
        manifest.lines().find_map(|line| {
            let value = line.strip_prefix("version = \"")?;
            Some(value.trim_end_matches('"').to_owned())
        })
    };
    version_in(&committed(root, &format!("crates/{service}/Cargo.toml")))
        .or_else(|| version_in(&committed(root, "Cargo.toml")))
        .unwrap_or_else(|| "0.0.0".to_owned())
}

/// Runs git in the workspace; its standard output, or what it said on failure.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The last release of `package` (the highest tag `<package>-v<version>`), its version, and
/// the file `target` as it was then; `None` when no such tag exists.
pub fn last_release(
    root: &Path,
    package: &str,
    target: &str,
) -> Result<Option<(String, String, String)>, String> {
    let prefix = format!("{package}-v");
    let tags = git(root, &["tag", "--list", &format!("{prefix}*")])?;
    let numbers = |version: &str| -> Vec<u64> {
        version.split('.').map(|p| p.parse().unwrap_or(0)).collect()
    };
    let Some((tag, version)) = tags
        .lines()
        .filter_map(|tag| Some((tag.to_owned(), tag.strip_prefix(&prefix)?.to_owned())))
        .max_by(|(_, a), (_, b)| numbers(a).cmp(&numbers(b)))
    else {
        return Ok(None);
    };
    let file = git(root, &["show", &format!("{tag}:{target}")])?;
    Ok(Some((tag, version, file)))
}

/// The file `target` at the commit `rev` (any revision git understands), `None` when it did
/// not exist there; an error when `rev` is not a commit.
pub fn file_at(root: &Path, rev: &str, target: &str) -> Result<Option<String>, String> {
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("`{rev}` is not a commit of this repository"))?;
    Ok(git(root, &["show", &format!("{rev}:{target}")]).ok())
}

/// The facade's feature that enables `service` (the line `<feature> = ["dep:credkit-<service>"]`
/// of its manifest): how users and the command line name the service.
pub fn facade_feature(facade_manifest: &str, service: &str) -> Option<String> {
    let dependency = format!("[\"dep:credkit-{service}\"]");
    facade_manifest.lines().find_map(|line| {
        let (feature, value) = line.split_once(" = ")?;
        (value == dependency).then(|| feature.to_owned())
    })
}
