//! `cargo xtask bench --scale [--sizes 10,100,1000] [--no-build-cost]`: what the generator and
//! its output cost as an API grows, on the synthetic spec of N operations (`synthetic.rs`),
//! beside bare progenitor on the same spec.
//!
//! For each N: generation time in process (credkit: parse, model, client; its mocks apart;
//! progenitor: read the document, `generate_tokens`, format the same way), the generated
//! client's lines per operation, and the build time of a crate holding nothing but the
//! generated code, and credkit's with the features of its first tag only (the synthetic spec
//! asks for per-tag features). The crates sit in one scratch workspace with a copy of the
//! workspace's Cargo.lock and of the runtime, and a target directory of its own; the
//! dependencies are built once, then each crate is rebuilt alone (its `lib.rs` touched)
//! without incremental compilation, as a dependency is compiled for its users.

use std::path::Path;
use std::time::{Instant, SystemTime};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use super::build_cost::{build_in, copy_workspace};
use super::{median_seconds, synthetic};
use crate::crates;
use crate::generate::{self, Prepared};
use crate::spec::Spec;

/// The sizes measured without `--sizes`: N = 1 000 takes minutes more.
pub const DEFAULT_SIZES: [usize; 2] = [10, 100];

/// Runs of each generation; the median is reported.
const GENERATION_RUNS: usize = 5;

/// Rebuilds of each crate; the median is reported.
const BUILD_RUNS: usize = 3;

/// The generators measured, by the name their crate has: credkit's, then the baselines.
const CREDKIT: &str = "credkit";
const BASELINES: [(&str, InterfaceStyle); 2] = [
    ("progenitor", InterfaceStyle::Positional),
    ("progenitor-builder", InterfaceStyle::Builder),
];

/// What one generator gave for one N.
struct Output {
    name: &'static str,
    /// The client module, formatted.
    client: String,
    /// The crates it names.
    uses: crates::Uses,
    /// Median wall time of the generation, in seconds.
    seconds: f64,
    /// credkit's model of the spec: its crate's root and features.
    model: Option<crate::model::Service>,
}

pub fn run(root: &Path, sizes: &[usize], build: bool) -> Result<(), String> {
    println!(
        "synthetic spec of N operations (xtask/src/bench/synthetic.rs); generation in process, median of {GENERATION_RUNS} runs; \
         `progenitor` is bare progenitor 0.15 with its default settings (positional), `progenitor-builder` its builder interface"
    );
    println!();
    println!(
        "| N | generator | generation | per operation | client lines | lines per operation | ratio to progenitor |"
    );
    println!("|--:|---|--:|--:|--:|--:|--:|");
    let mut measured = Vec::new();
    for &n in sizes {
        let text = serde_json::to_string(&synthetic::spec(n))
            .map_err(|e| format!("the synthetic spec of {n} operations: {e}"))?;
        let outputs = generate_all(&text)?;
        let baseline_lines = outputs[1].client.lines().count() as f64;
        for output in &outputs {
            let lines = output.client.lines().count();
            println!(
                "| {n} | {} | {:.3} s | {:.2} ms | {lines} | {:.0} | {:.2} |",
                output.name,
                output.seconds,
                output.seconds * 1000.0 / n as f64,
                lines as f64 / n as f64,
                lines as f64 / baseline_lines
            );
        }
        measured.push((n, outputs));
    }
    if !build {
        println!();
        println!("crate builds skipped (--no-build-cost)");
        return Ok(());
    }
    let scratch = std::env::temp_dir().join(format!("credkit-scale-{}", std::process::id()));
    let result = builds(root, &scratch, &measured);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// Each generator's client for the spec `text`, credkit's first, each timed.
fn generate_all(text: &str) -> Result<Vec<Output>, String> {
    let problems = |problems: Vec<crate::Problem>| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let credkit = timed(|| {
        let spec = Spec::parse(text, "synthetic.yaml").map_err(|p| p.to_string())?;
        let prepared = Prepared::new(&spec).map_err(problems)?;
        let client = generate::client(&spec, &prepared).map_err(problems)?;
        Ok((client.code, client.uses))
    })?;
    let mocks = timed(|| {
        let spec = Spec::parse(text, "synthetic.yaml").map_err(|p| p.to_string())?;
        let prepared = Prepared::new(&spec).map_err(problems)?;
        let mocks = crate::mock::mocks(&spec, &prepared).map_err(problems)?;
        // Never built: its crates are not asked.
        Ok((mocks, crates::Uses::default()))
    })?;
    let spec = Spec::parse(text, "synthetic.yaml").map_err(|p| p.to_string())?;
    let model = Prepared::new(&spec).map_err(problems)?.service;
    let mut outputs = vec![
        Output {
            name: CREDKIT,
            client: credkit.0.0,
            uses: credkit.0.1,
            seconds: credkit.1,
            model: Some(model),
        },
        Output {
            name: "credkit mocks",
            client: mocks.0.0,
            uses: mocks.0.1,
            seconds: mocks.1,
            model: None,
        },
    ];
    for (name, interface) in BASELINES {
        let ((client, uses), seconds) = timed(|| bare_progenitor(text, interface.clone()))?;
        outputs.insert(
            outputs.len() - 1,
            Output {
                name,
                client,
                uses,
                seconds,
                model: None,
            },
        );
    }
    Ok(outputs)
}

/// Bare progenitor's client for the spec `text`, formatted as credkit formats its own, and the
/// crates it names.
fn bare_progenitor(
    text: &str,
    interface: InterfaceStyle,
) -> Result<(String, crates::Uses), String> {
    let document: openapiv3::OpenAPI =
        serde_json::from_str(text).map_err(|e| format!("openapiv3 cannot read it: {e}"))?;
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(interface)
        .with_tag(TagStyle::Merged);
    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&document)
        .map_err(|e| format!("progenitor refused it: {e}"))?;
    let types = generator.get_type_space();
    // progenitor's own builders and bodies name serde and serde_json whatever the types.
    let uses = crates::Uses {
        serde: true,
        serde_json: true,
        chrono: types.uses_chrono(),
        uuid: types.uses_uuid(),
        regress: types.uses_regress(),
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    let code = progenitor_impl::space_out_items(prettyplease::unparse(&file))
        .map_err(|e| format!("cannot format progenitor's output: {e}"))?;
    Ok((code, uses))
}

/// `f`'s result and the median of its wall times over `GENERATION_RUNS` runs.
fn timed<T>(f: impl Fn() -> Result<T, String>) -> Result<(T, f64), String> {
    let started = Instant::now();
    let mut result = f()?;
    let mut samples = vec![started.elapsed().as_secs_f64()];
    for _ in 1..GENERATION_RUNS {
        let started = Instant::now();
        result = f()?;
        samples.push(started.elapsed().as_secs_f64());
    }
    Ok((result, median_seconds(samples)))
}

/// The build table: for each N, each crate rebuilt alone.
fn builds(root: &Path, scratch: &Path, measured: &[(usize, Vec<Output>)]) -> Result<(), String> {
    write_workspace(root, scratch)?;
    let target = scratch.join("target");
    let env = [("CARGO_INCREMENTAL", "0")];
    println!();
    println!(
        "crate builds: `cargo build --offline -p <each crate>` after touching one crate's lib.rs, dependencies built, \
         CARGO_INCREMENTAL=0, dev profile; median of {BUILD_RUNS}"
    );
    println!();
    println!("| N | generator | crate build | per operation | ratio to progenitor |");
    println!("|--:|---|--:|--:|--:|");
    for (n, outputs) in measured {
        let crates: Vec<&Output> = outputs
            .iter()
            .filter(|o| o.name == CREDKIT || BASELINES.iter().any(|(b, _)| *b == o.name))
            .collect();
        for output in &crates {
            write_crate(scratch, output)?;
        }
        let packages: Vec<String> = crates.iter().map(|o| package(o.name)).collect();
        let mut all = Vec::new();
        for package in &packages {
            all.extend(["-p", package.as_str()]);
        }
        // Each row: what it is called, the crate touched, the arguments of its build. Every
        // build selects every crate: the dependencies' features stay the same, so only the
        // touched crate is compiled again.
        let mut rows: Vec<(String, &Output, Vec<String>)> = crates
            .iter()
            .map(|output| (output.name.to_owned(), *output, owned(&all)))
            .collect();
        let credkit = crates[0];
        if let Some(model) = &credkit.model
            && let Some(tag) = crate::tag_features::features(model).first().copied()
        {
            let operations = model
                .operations
                .iter()
                .filter(|op| op.feature.as_deref() == Some(tag))
                .count();
            let mut args = owned(&all);
            args.extend(owned(&[
                "--no-default-features",
                "--features",
                &format!("{}/{tag}", package(CREDKIT)),
            ]));
            rows.push((
                format!("{CREDKIT}, `{tag}` only ({operations} operations)"),
                credkit,
                args,
            ));
        }
        eprintln!("building the crates of N = {n} and their dependencies...");
        build_in(scratch, &target, &all, &env)?;
        // Interleaved: run i of every row, then run i + 1.
        let mut samples = vec![Vec::new(); rows.len()];
        for _ in 0..BUILD_RUNS {
            for ((_, output, args), samples) in rows.iter().zip(&mut samples) {
                touch(&scratch.join(output.name).join("src/lib.rs"))?;
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let built = build_in(scratch, &target, &args, &env)?;
                let package = package(output.name);
                if built.compiled != [package.clone()] {
                    return Err(format!(
                        "rebuilding {package} compiled {:?}, not the crate alone",
                        built.compiled
                    ));
                }
                samples.push(built.seconds);
            }
        }
        let medians: Vec<f64> = samples.into_iter().map(median_seconds).collect();
        let baseline = medians[1];
        for ((name, _, _), seconds) in rows.iter().zip(&medians) {
            println!(
                "| {n} | {name} | {seconds:.1} s | {:.0} ms | {:.2} |",
                seconds * 1000.0 / *n as f64,
                seconds / baseline
            );
        }
    }
    Ok(())
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

fn package(name: &str) -> String {
    format!("synthetic-{name}")
}

/// The scratch workspace: its manifest (the workspace's dependency table, its two crates), a
/// copy of the workspace's Cargo.lock.
fn write_workspace(root: &Path, scratch: &Path) -> Result<(), String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("reading Cargo.toml: {e}"))?;
    // The tables after `[workspace]`: the shared package fields, the dependencies, profiles.
    let tables = manifest
        .find("[workspace.package]")
        .map(|start| &manifest[start..])
        .ok_or("Cargo.toml has no [workspace.package] table")?;
    let members: Vec<String> = std::iter::once(CREDKIT)
        .chain(BASELINES.iter().map(|(name, _)| *name))
        .map(|name| format!("\"{name}\""))
        .collect();
    // A copy of the runtime: the workspace may change while the benchmark runs.
    let runtime = scratch.join("runtime");
    copy_workspace(&root.join("crates/runtime"), &runtime)
        .map_err(|e| format!("copying crates/runtime: {e}"))?;
    let tables = tables.replace(
        "\n[workspace.dependencies]\n",
        &format!(
            "\n[workspace.dependencies]\ncredkit-runtime = {{ path = \"{}\" }}\n",
            runtime.display()
        ),
    );
    write(
        scratch,
        "Cargo.toml",
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n{tables}",
            members.join(", ")
        ),
    )?;
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    write(scratch, "Cargo.lock", &lock)
}

/// The crate of one generator's output: a manifest naming what the code uses, a crate root as
/// a service crate's, the generated module.
fn write_crate(scratch: &Path, output: &Output) -> Result<(), String> {
    let dir = scratch.join(output.name);
    let credkit = output.model.is_some();
    // The crates the code names, as a service crate's manifest lists them; the runtime
    // through the scratch workspace's table.
    let dependencies: String = crates::dependencies_block(output.uses, "0")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("httpmock"))
        .filter_map(|line| match line.starts_with("credkit-runtime") {
            true => credkit.then_some("credkit-runtime.workspace = true"),
            false => Some(line),
        })
        .map(|line| format!("{line}\n"))
        .collect();
    // The crate root's `mock` module is left out; credkit's per-tag features, all in the
    // default, as a service crate's.
    let features = match &output.model {
        Some(model) => format!(
            "default = [\"all-tags\"]\nmock = []\n{}",
            crate::tag_features::manifest_lines(model)
        ),
        None => "mock = []\n".to_owned(),
    };
    write(
        &dir,
        "Cargo.toml",
        &format!(
            "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n\n[dependencies]\n{dependencies}\n[features]\n{features}",
            package(output.name)
        ),
    )?;
    let lib = match &output.model {
        Some(model) => {
            write(&dir, "README.md", "A synthetic client.\n")?;
            crates::lib_block(model)
        }
        None => {
            "#[allow(clippy::all, unused, missing_docs)]\nmod generated;\npub use generated::*;\n"
                .to_owned()
        }
    };
    write(&dir, "src/lib.rs", &lib)?;
    write(&dir, "src/generated.rs", &output.client)
}

/// Writes `contents` to `dir/path`, creating the directories.
fn write(dir: &Path, path: &str, contents: &str) -> Result<(), String> {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a file in a directory"))
        .and_then(|()| std::fs::write(&path, contents))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Marks a file changed now, so that cargo rebuilds its crate.
fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|e| format!("touching {}: {e}", path.display()))
}
