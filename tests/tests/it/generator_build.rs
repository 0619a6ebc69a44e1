//! `cargo xtask` builds the generator alone; `cargo test --workspace` builds it with everything
//! else, and cargo gives a crate the union of the features the selected packages ask of it.
//! Where the two differ, cargo compiles the crate a second time, and every crate above it:
//! 30 of the generator's crates (syn, serde, typify-impl, progenitor-impl ...) once did. xtask's
//! manifest asks for the workspace's features itself, which this test keeps true: every crate
//! the generator's build compiles, it compiles with features the workspace's build also uses.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each package (`name vX.Y.Z`) of `cargo tree` over `selection` with the feature sets it is
/// built with (one per way it is built: for the target, for the host).
fn feature_sets(selection: &[&str], edges: &str) -> BTreeMap<String, BTreeSet<String>> {
    let root = xtask::workspace::root();
    let output = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "tree", "--locked", "--prefix", "none", "--format", "{p}|{f}",
        ])
        .args(["--edges", edges])
        .args(selection)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut sets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // `name vX.Y.Z (path) (proc-macro)`: the name and version say which package.
        let package = package.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let features = features
            .trim_end_matches(" (*)")
            .trim_end_matches(" (proc-macro)");
        sets.entry(package).or_default().insert(features.to_owned());
    }
    sets
}

#[test]
fn xtask_builds_its_dependencies_as_the_workspace_does() {
    let generator = feature_sets(&["--package", "xtask"], "normal,build");
    let workspace = feature_sets(&["--workspace"], "normal,build,dev");
    assert!(generator.len() > 50, "{generator:?}");
    let apart: Vec<String> = generator
        .iter()
        .flat_map(|(package, sets)| {
            let built = workspace.get(package);
            sets.iter()
                .filter(move |set| !built.is_some_and(|built| built.contains(*set)))
                .map(move |set| {
                    format!(
                        "{package} [{set}]; the workspace's build: {:?}",
                        built.cloned().unwrap_or_default()
                    )
                })
        })
        .collect();
    assert!(
        apart.is_empty(),
        "the generator's build compiles these crates with features the workspace's does not, \
         so `cargo test --workspace` compiles them again; add the missing features to \
         xtask/Cargo.toml (dependencies for the target, build-dependencies for proc macros):\n  {}",
        apart.join("\n  ")
    );
}
