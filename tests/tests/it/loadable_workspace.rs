//! `cargo xtask generate` never leaves a workspace that cargo cannot load: removing any
//! `x-credkit-*` key from any spec makes it either refuse, naming the spec and the place, or
//! write files that `cargo metadata` reads (deleting RENTRI's `x-credkit-error-schema` once
//! made it write a second `serde_json` key into the crate's manifest, after which no cargo
//! command, `cargo xtask` included, could run until the file was repaired by hand); a manifest
//! it cannot complete, and any output that would not parse, is refused with nothing written.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::workspace::Output;
use xtask::{cli, workspace};

/// A copy of every file of the workspace git tracks or would track, removed when dropped.
struct Copy(PathBuf);

impl Copy {
    fn new(name: &str) -> Self {
        let root = workspace::root();
        let dir = std::env::temp_dir().join(format!("credkit-keys-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // Files not yet committed too: a service just added by new-service is tested before
        // its commit.
        for file in xtask::corpus::workspace_files(&root).unwrap() {
            let to = dir.join(&file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(&file), to).unwrap();
        }
        Self(dir)
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The distinct `x-credkit-*` keys of the YAML document `text`, wherever they are.
fn extension_keys(text: &str) -> Vec<String> {
    fn walk(value: &serde_yaml::Value, keys: &mut Vec<String>) {
        match value {
            serde_yaml::Value::Mapping(map) => {
                for (key, value) in map {
                    if let Some(key) = key.as_str().filter(|k| k.starts_with("x-credkit-")) {
                        keys.push(key.to_owned());
                    }
                    walk(value, keys);
                }
            }
            serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| walk(v, keys)),
            _ => {}
        }
    }
    let mut keys = Vec::new();
    walk(&serde_yaml::from_str(text).unwrap(), &mut keys);
    keys.sort();
    keys.dedup();
    keys
}

/// `text` without any line writing `key`, nor the lines of its block value (those indented
/// deeper under it).
fn without_key(text: &str, key: &str) -> String {
    let mut kept = String::new();
    let mut removing: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(depth) = removing {
            if line.trim().is_empty() || indent > depth {
                continue;
            }
            removing = None;
        }
        let content = line.trim_start();
        if content.starts_with(&format!("{key}:")) {
            removing = Some(indent);
            continue;
        }
        if let Some(rest) = content.strip_prefix("- ")
            && rest.starts_with(&format!("{key}:"))
        {
            // The first member of a list item: the item keeps its other members.
            kept.push_str(&format!("{}-\n", &line[..indent]));
            removing = Some(indent + 2);
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

/// Whether cargo can read every manifest of the workspace at `root`, without building.
fn cargo_loads(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(root)
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    match output.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
    }
}

/// Every `x-credkit-*` key has a default or is refused with its place when missing, so the
/// keys tried are whatever the workspace's specs write today. Each case in its own copy and
/// thread: they are independent, and one after another they were the test binary's longest run.
#[test]
fn removing_any_credkit_key_of_a_spec_leaves_a_workspace_cargo_can_load() {
    let services = workspace::services(&workspace::root()).unwrap();
    let mut cases = Vec::new();
    for service in &services {
        let text = std::fs::read_to_string(workspace::root().join(&service.spec)).unwrap();
        for key in extension_keys(&text) {
            let edited = without_key(&text, &key);
            let left = extension_keys(&edited);
            assert!(!left.contains(&key), "{key} left in\n{edited}");
            cases.push((service, key, edited));
        }
    }
    assert!(!cases.is_empty(), "the specs write no `x-credkit-*` key");
    std::thread::scope(|scope| {
        let running: Vec<_> = cases
            .iter()
            .map(|(service, key, edited)| {
                scope.spawn(move || without_one_key(service, key, edited))
            })
            .collect();
        for case in running {
            if let Err(panic) = case.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// `service`'s spec without `key` (`edited`) generates into a workspace cargo loads, or is
/// refused naming the spec and a place, with nothing changed.
fn without_one_key(service: &workspace::Service, key: &str, edited: &str) {
    let copy = Copy::new(&format!("{}-{key}", service.name));
    std::fs::write(copy.0.join(&service.spec), edited).unwrap();
    let outcome = cli::run(&["generate".to_owned(), service.name.clone()], &copy.0);
    let case = format!("{} without {key}", service.spec);
    if outcome.code != 0 {
        // Refused: every problem names the spec and a place in it, and nothing changed.
        let refused =
            workspace::generate_all(&copy.0, std::slice::from_ref(service)).expect_err(&case);
        for problem in &refused {
            assert_eq!(problem.file, service.spec, "{case}: {problem}");
            assert!(
                problem.location.is_some(),
                "{case}: {problem} names no place"
            );
        }
        assert!(
            outcome.stderr.contains("no file was changed"),
            "{case}: {outcome:?}"
        );
    }
    cargo_loads(&copy.0).unwrap_or_else(|e| panic!("{case}: cargo cannot load: {e}"));
}

#[test]
fn a_key_and_its_block_value_are_removed_and_nothing_else() {
    let text = "info:\n  x-credkit-rate-limit:\n    requests: 1\n    period: 1s\n  title: T\nservers:\n  - x-credkit-deviation: why\n    url: https://a\n";
    assert_eq!(
        without_key(text, "x-credkit-rate-limit"),
        "info:\n  title: T\nservers:\n  - x-credkit-deviation: why\n    url: https://a\n"
    );
    assert_eq!(
        without_key(text, "x-credkit-deviation"),
        "info:\n  x-credkit-rate-limit:\n    requests: 1\n    period: 1s\n  title: T\nservers:\n  -\n    url: https://a\n"
    );
    assert_eq!(
        extension_keys(text),
        ["x-credkit-deviation", "x-credkit-rate-limit"]
    );
}

#[test]
fn a_dependency_written_by_hand_as_optional_that_the_client_needs_is_refused_and_nothing_changes() {
    let copy = Copy::new("optional-dependency");
    let manifest = "crates/rentri-ca/Cargo.toml";
    let before = std::fs::read_to_string(copy.0.join(manifest)).unwrap();
    // The generated client names `reqwest::`; the maintainer made it optional by hand.
    let edited = before.replacen(
        "serde_json.workspace = true\n",
        "serde_json.workspace = true\nreqwest = { workspace = true, optional = true }\n",
        1,
    );
    assert_ne!(edited, before, "the test's edit must apply");
    std::fs::write(copy.0.join(manifest), &edited).unwrap();

    let outcome = cli::run(&["generate".to_owned(), "rentri-ca".to_owned()], &copy.0);

    refused_with(
        &outcome,
        &[
            "crates/rentri-ca/Cargo.toml writes `reqwest` in [dependencies] by hand as optional, and the generated block `dependencies` writes it too",
            "no file was changed",
        ],
    );
    assert_eq!(
        std::fs::read_to_string(copy.0.join(manifest)).unwrap(),
        edited
    );
}

#[test]
fn outputs_that_would_not_parse_are_refused_and_none_is_written() {
    let copy = Copy::new("unparsable");
    let lib = "crates/sparkfly/src/lib.rs";
    let manifest = "crates/sparkfly/Cargo.toml";
    let (lib_before, manifest_before) = (
        std::fs::read_to_string(copy.0.join(lib)).unwrap(),
        std::fs::read_to_string(copy.0.join(manifest)).unwrap(),
    );
    let outputs = [
        Output {
            target: "crates/sparkfly/README.md".to_owned(),
            contents: "# changed\n".to_owned(),
        },
        Output {
            target: lib.to_owned(),
            contents: "pub fn broken( {\n".to_owned(),
        },
        Output {
            target: manifest.to_owned(),
            contents: "[package]\nname = \"a\"\nname = \"b\"\n".to_owned(),
        },
    ];

    let refused = workspace::write(&copy.0, &outputs).unwrap_err().to_string();

    assert!(
        refused.contains(&format!(
            "{lib}: the generator would write a file that does not parse"
        )),
        "{refused}"
    );
    assert!(
        refused.contains(&format!(
            "{manifest}: the generator would write a file that does not parse"
        )),
        "{refused}"
    );
    assert!(refused.contains("duplicate key"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(copy.0.join(lib)).unwrap(),
        lib_before
    );
    assert_eq!(
        std::fs::read_to_string(copy.0.join(manifest)).unwrap(),
        manifest_before
    );
    assert_ne!(
        std::fs::read_to_string(copy.0.join("crates/sparkfly/README.md")).unwrap(),
        "# changed\n"
    );
}

/// `new-service` names the file the maintainer passed and is editing, with the place in it,
/// not `specs/NAME.yaml`, which it has not written.
#[test]
fn new_service_names_the_spec_it_was_given() {
    let copy = Copy::new("new-service-place");
    let given = copy.0.join("vendor.yaml");
    let fixture = workspace::root().join("tests/fixtures/generator/bad_upper_case_method.yaml");
    std::fs::copy(fixture, &given).unwrap();

    let args = ["new-service", "acme", "--spec", given.to_str().unwrap()];
    let outcome = cli::run(&args.map(str::to_owned), &copy.0);

    let named = format!(
        "error: {}: /paths/~1parcels/POST: `POST` is not an operation",
        given.display()
    );
    refused_with(&outcome, &[&named]);
    assert!(
        !outcome.stderr.contains("specs/acme.yaml"),
        "{}",
        outcome.stderr
    );
    assert!(!copy.0.join("specs/acme.yaml").exists());
}

/// The command exited 1 and said each of `texts`.
fn refused_with(outcome: &cli::Outcome, texts: &[&str]) {
    assert_eq!(outcome.code, 1, "{outcome:?}");
    for text in texts {
        assert!(
            outcome.stderr.contains(text),
            "{text}\nnot in\n{}",
            outcome.stderr
        );
    }
}
