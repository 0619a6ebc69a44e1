//! The generator, reviewed as diffs: the API surface of each service, what it does with each
//! tricky spec pattern (including the ones it refuses, with their messages), and the drift check.

use std::path::{Path, PathBuf};

use xtask::{Spec, cli, surface, workspace};

fn root() -> PathBuf {
    workspace::root()
}

/// What generating a spec gives: its API surface, or the problems, one per line.
fn outcome(spec: &Spec) -> String {
    match xtask::generate(spec) {
        Ok(source) => surface::api_surface(&source).expect("generated code parses"),
        Err(problems) => problems.iter().map(|p| format!("refused: {p}\n")).collect(),
    }
}

#[test]
fn api_surface_of_each_service() {
    for service in workspace::services(&root()).unwrap() {
        let source = workspace::committed(&root(), &service.target);
        let listing = surface::api_surface(&source).unwrap();
        insta::assert_snapshot!(format!("surface_{}", service.name), listing);
    }
}

#[test]
fn generator_fixtures() {
    let dir = root().join("tests/fixtures/generator");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 25, "fixtures went missing: {names:?}");
    for path in names {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let file = format!("tests/fixtures/generator/{stem}.yaml");
        let result = match Spec::load(&path, &file) {
            Ok(spec) => outcome(&spec),
            Err(problem) => format!("refused: {problem}\n"),
        };
        // The file name says which way it must go, so a fixture cannot silently flip.
        assert_eq!(
            stem.starts_with("bad_"),
            result.starts_with("refused: "),
            "{stem}:\n{result}"
        );
        insta::assert_snapshot!(format!("fixture_{stem}"), result);
        // Every accepted spec also gets its mocks, and they parse as Rust.
        if let Ok(spec) = Spec::load(&path, &file)
            && stem.starts_with("ok_")
        {
            let mock = xtask::mock::generate(&spec).unwrap_or_else(|p| panic!("{stem}: {p:?}"));
            syn::parse_file(&mock).unwrap_or_else(|e| panic!("{stem}: {e}\n{mock}"));
        }
    }
}

/// A binary download's mock answers bytes with the spec's media type, not a JSON value.
#[test]
fn the_mock_of_a_binary_download_sends_bytes() {
    let path = root().join("tests/fixtures/generator/ok_binary_download.yaml");
    let spec = Spec::load(&path, "ok_binary_download.yaml").unwrap();
    let mock = xtask::mock::generate(&spec).unwrap();
    let ok = mock
        .split("impl DownloadFormThen {")
        .nth(1)
        .and_then(|rest| rest.split("pub fn ok").nth(1))
        .unwrap_or_else(|| panic!("no DownloadFormThen::ok in\n{mock}"));
    let ok = &ok[..ok.find("\n        }\n").unwrap()];
    assert!(ok.contains("value: impl AsRef<[u8]>"), "{ok}");
    assert!(
        ok.contains(".header(\"content-type\", \"application/pdf\")"),
        "{ok}"
    );
    assert!(ok.contains(".body(value)"), "{ok}");
    assert!(!ok.contains("json"), "{ok}");
}

/// `generate --explain` lists each conversion of an OpenAPI 3.1 spec to 3.0 with its JSON
/// pointer, and counts the specs read as written.
#[test]
fn generate_explain_lists_each_openapi_31_conversion_with_its_place() {
    let args: Vec<String> = ["generate", "--check", "--explain"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    let outcome = cli::run(&args, &root());
    assert_eq!(outcome.code, 0, "{outcome:?}");
    let fixture = "tests/fixtures/generator/ok_openapi31.yaml";
    let listed: Vec<&str> = outcome
        .stdout
        .lines()
        .skip_while(|line| !line.starts_with(fixture))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .collect();
    for expected in [
        "  /openapi: `3.1.0` → `3.0.3`",
        "  /webhooks/parcelLost: `$ref: #/components/pathItems/ParcelLost` → a copy of it",
        "  /components/pathItems: dropped (OpenAPI 3.1 only; nothing is generated from it)",
        "  /webhooks/parcelLost/post/requestBody/content/application~1json/schema/properties/last_seen: `type: [string, null]` → `type: string` + `nullable: true`",
        "  /webhooks: moved to `x-webhooks`",
        "  /components/schemas/Parcel/properties/note: `type: [string, null]` → `type: string` + `nullable: true`",
        "  /components/schemas/Parcel/properties/kind: `const: parcel` → `enum: [parcel]`",
        "  /components/schemas/Parcel/properties/owner: `oneOf` of a `$ref` and `null` → `allOf: [$ref]` + `nullable: true`",
        "  /components/schemas/Parcel/properties/weight: `exclusiveMinimum: 0` → `minimum: 0` + `exclusiveMinimum: true`",
        "  /paths/~1parcels~1{code}~1label/get/responses/200/content/application~1pdf/schema: `contentMediaType: application/pdf` → `type: string` + `format: binary`",
    ] {
        assert!(
            listed.contains(&expected),
            "{expected}\nnot in\n{}",
            outcome.stdout
        );
    }
    assert!(
        !outcome.stdout.contains("specs/rentri-ca.yaml: read as"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("spec(s) read as written"),
        "{}",
        outcome.stdout
    );
}

/// A multipart upload's mock has no JSON body matcher (a multipart request never matches one);
/// a JSON body's mock keeps its own.
#[test]
fn the_mock_of_a_multipart_upload_does_not_match_its_body_as_json() {
    let mock_of = |fixture: &str| {
        let path = root().join(format!("tests/fixtures/generator/{fixture}.yaml"));
        xtask::mock::generate(&Spec::load(&path, fixture).unwrap()).unwrap()
    };
    let when = |mock: &str, helper: &str| {
        let start = mock
            .find(&format!("impl {helper} {{"))
            .unwrap_or_else(|| panic!("no {helper} in\n{mock}"));
        let rest = &mock[start..];
        rest[..rest.find("\n    }\n").unwrap()].to_owned()
    };
    let upload = when(&mock_of("ok_multipart_upload"), "UploadDocumentWhen");
    assert!(!upload.contains("pub fn body"), "{upload}");
    assert!(upload.contains("pub fn into_inner"), "{upload}");
    let json = when(&mock_of("ok_read_write_only"), "OpenAccountWhen");
    assert!(json.contains("pub fn body"), "{json}");
}

#[test]
fn generation_is_deterministic() {
    let service = &workspace::services(&root()).unwrap()[0];
    let spec = Spec::load(&root().join(&service.spec), &service.spec).unwrap();
    assert_eq!(
        xtask::generate(&spec).unwrap(),
        xtask::generate(&spec).unwrap()
    );
}

/// `cargo test` fails when a committed generated file is stale, like `cargo xtask generate --check`.
#[test]
fn committed_generated_files_are_fresh() {
    let services = workspace::services(&root()).unwrap();
    assert!(services.len() >= 3, "{services:?}");
    let outputs = workspace::generate_all(&root(), &services).and_then(|mut outputs| {
        outputs.extend(workspace::fixture_clients(&root())?);
        let commands = xtask::command_line::outputs(&root(), &services, &outputs)?;
        outputs.extend(commands);
        Ok(outputs)
    });
    let outputs = outputs.unwrap_or_else(|problems| {
        panic!(
            "{}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    for output in outputs {
        let committed = workspace::committed(&root(), &output.target);
        assert!(
            committed.starts_with("// @generated") || committed.contains("credkit:generated"),
            "{} lacks its @generated header or block",
            output.target
        );
        if let Some(diff) = workspace::diff(&output.target, &committed, &output.contents) {
            panic!(
                "{} is stale; run `cargo xtask generate`\n{diff}",
                output.target
            );
        }
    }
}

/// A scratch workspace holding copies of the real specs and crates' manifests.
struct Scratch(PathBuf);

/// Copies the workspace's `file` to the same place under `dir`.
fn copy(file: &str, dir: &Path) {
    let to = dir.join(file);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(root().join(file), to).unwrap();
}

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("credkit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for service in workspace::services(&root()).unwrap() {
            for file in [
                service.spec.clone(),
                format!("crates/{}/Cargo.toml", service.name),
                format!("crates/{}/src/lib.rs", service.name),
                format!("crates/{}/CHANGELOG.md", service.name),
                service.target.clone(),
                service.mock.clone(),
            ] {
                copy(&file, &dir);
            }
        }
        // What `new-service` registers a service in, and the command line it adds it to.
        for file in [
            "Cargo.toml",
            "crates/runtime/Cargo.toml",
            "crates/credkit/Cargo.toml",
            "crates/credkit/src/lib.rs",
            "redocly.yaml",
            "crates/cli/Cargo.toml",
            "crates/cli/src/generated.rs",
        ] {
            copy(file, &dir);
        }
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join(file)).unwrap()
    }

    fn write(&self, file: &str, contents: &str) {
        std::fs::write(self.0.join(file), contents).unwrap();
    }

    fn run(&self, args: &[&str]) -> cli::Outcome {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        cli::run(&args, &self.0)
    }
}

impl Scratch {
    /// Every file of every crate's `src/`, by path: what a failed run must leave as it was.
    fn crate_files(&self) -> std::collections::BTreeMap<PathBuf, String> {
        let mut files = std::collections::BTreeMap::new();
        for service in workspace::services(&root()).unwrap() {
            let src = self.0.join(format!("crates/{}/src", service.name));
            for entry in std::fs::read_dir(&src).unwrap() {
                let path = entry.unwrap().path();
                files.insert(path.clone(), std::fs::read_to_string(&path).unwrap());
            }
        }
        files
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_broken_spec_is_named_and_no_file_changes() {
    let scratch = Scratch::new("broken");
    // Sparkfly is valid but stale: it must not be written either, because RENTRI fails.
    scratch.write("crates/sparkfly/src/generated.rs", "// stale\n");
    let spec = scratch.read("specs/rentri-ca.yaml");
    let broken = spec
        .replacen(
            "      operationId: get_credentials_status\n",
            "      operationId: get_boarding_info\n",
            1,
        )
        .replacen(
            "        '403':\n          description: Boarding parameters not valid.\n",
            "        '403':\n          description: Boarding parameters not valid.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/CredentialsSito'\n",
            1,
        );
    assert_ne!(spec, broken, "the test's edits must apply");
    scratch.write("specs/rentri-ca.yaml", &broken);
    let before_rentri = scratch.read("crates/rentri-ca/src/generated.rs");
    let before_rentri_mock = scratch.read("crates/rentri-ca/src/mock.rs");

    let outcome = scratch.run(&["generate"]);

    assert_eq!(outcome.code, 1, "{outcome:?}");
    assert!(
        outcome.stderr.contains(
            "duplicate operationId `get_boarding_info`, already used by GET /credentials/boarding/{qrcode_token}"
        ),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("specs/rentri-ca.yaml: GET /credentials/boarding/{qrcode_token} (get_boarding_info): error response 403 (application/json) has schema"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("no file was changed"),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
    assert_eq!(
        scratch.read("crates/rentri-ca/src/generated.rs"),
        before_rentri
    );
    assert_eq!(
        scratch.read("crates/rentri-ca/src/mock.rs"),
        before_rentri_mock
    );
    assert_eq!(
        scratch.read("crates/sparkfly/src/generated.rs"),
        "// stale\n"
    );
}

#[test]
fn check_reports_a_stale_file_with_a_diff_and_generate_fixes_it() {
    let scratch = Scratch::new("stale");
    let target = "crates/rentri-ca/src/generated.rs";
    let spec = scratch.read("specs/rentri-ca.yaml");
    let edited = spec.replacen(
        "description: Name of the local unit.",
        "description: Name of the local unit (sito).",
        1,
    );
    assert_ne!(spec, edited);
    scratch.write("specs/rentri-ca.yaml", &edited);

    let check = scratch.run(&["generate", "--check", "rentri-ca"]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check.stderr.contains(&format!("error: {target} is stale")),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains(&format!("--- {target} (committed)")),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("@@ "), "{}", check.stderr);
    assert!(
        check
            .stderr
            .contains("+        ///Name of the local unit (sito)."),
        "{}",
        check.stderr
    );

    let generate = scratch.run(&["generate", "rentri-ca"]);
    assert_eq!(generate.code, 0, "{generate:?}");
    assert!(
        generate.stdout.contains(&format!("wrote {target}")),
        "{}",
        generate.stdout
    );
    assert_eq!(scratch.run(&["generate", "--check"]).code, 0);
    // Nothing but the generated files is left behind (the temporary file was renamed).
    let mut leftovers: Vec<_> = std::fs::read_dir(scratch.path().join("crates/rentri-ca/src"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    leftovers.sort();
    assert_eq!(leftovers, ["generated.rs", "lib.rs", "mock.rs"]);
}

/// The typed mocks are generated files like the clients: the drift check covers them.
#[test]
fn check_covers_the_mocks_and_generate_rewrites_them() {
    let scratch = Scratch::new("mocks");
    let target = "crates/sparkfly/src/mock.rs";
    let fresh = scratch.read(target);
    assert!(fresh.starts_with("// @generated"), "{fresh}");
    assert!(fresh.contains("pub trait MockServerExt"), "{fresh}");
    scratch.write(target, "// edited by hand\n");

    let check = scratch.run(&["generate", "--check"]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check.stderr.contains(&format!("error: {target} is stale")),
        "{}",
        check.stderr
    );

    let generate = scratch.run(&["generate", "sparkfly"]);
    assert_eq!(generate.code, 0, "{generate:?}");
    assert_eq!(scratch.read(target), fresh);
}

/// The generated blocks of a crate's manifest and root are generated files too: the drift
/// check names a hand edit, and `generate` puts back exactly what the generated code needs.
#[test]
fn the_generator_keeps_a_crates_manifest_and_root_in_sync() {
    let scratch = Scratch::new("owned");
    let manifest = "crates/rentri-ca/Cargo.toml";
    let lib = "crates/rentri-ca/src/lib.rs";
    let (fresh_manifest, fresh_lib) = (scratch.read(manifest), scratch.read(lib));
    let edited = fresh_manifest
        .replace("mock = [\"dep:httpmock\"]\n", "")
        .replace("uuid.workspace = true\n", "");
    assert_ne!(edited, fresh_manifest, "the test's edit must apply");
    scratch.write(manifest, &edited);
    scratch.write(lib, &fresh_lib.replace(", servers, types", ", types"));

    let check = scratch.run(&["generate", "--check"]);
    assert_eq!(check.code, 1, "{check:?}");
    for target in [manifest, lib] {
        assert!(
            check.stderr.contains(&format!("error: {target} is stale")),
            "{}",
            check.stderr
        );
    }

    assert_eq!(scratch.run(&["generate", "rentri-ca"]).code, 0);
    assert_eq!(scratch.read(manifest), fresh_manifest);
    assert_eq!(scratch.read(lib), fresh_lib);
}

/// A crate whose manifest lost its generated block is named, and nothing is written.
#[test]
fn a_crate_without_its_generated_block_is_named() {
    let scratch = Scratch::new("noblock");
    let manifest = "crates/rentri-ca/Cargo.toml";
    let original = scratch.read(manifest);
    let without = original.replace("# credkit:end dependencies\n", "");
    assert_ne!(original, without, "the test's edit must apply");
    scratch.write(manifest, &without);
    scratch.write("crates/sparkfly/src/generated.rs", "// stale\n");

    let outcome = scratch.run(&["generate"]);
    assert_eq!(outcome.code, 1, "{outcome:?}");
    assert!(
        outcome.stderr.contains(
            "specs/rentri-ca.yaml: crates/rentri-ca/Cargo.toml has no line `# credkit:end dependencies`"
        ),
        "{}",
        outcome.stderr
    );
    assert_eq!(
        scratch.read("crates/sparkfly/src/generated.rs"),
        "// stale\n"
    );
}

/// Bad input through the command line: exit status 1, one message naming the file and the
/// place, and every committed file as it was.
#[test]
fn bad_input_exits_1_with_one_message_naming_the_place_and_changes_nothing() {
    let cases = [
        (
            "bad_malformed_yaml",
            "not valid YAML: did not find expected ',' or ']' at line 34 column 17",
        ),
        (
            "bad_missing_schema_ref",
            "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema: `$ref` #/components/schemas/Thingy does not resolve",
        ),
        (
            "bad_duplicate_operation_id",
            "GET /things/{id} (get_thing): duplicate operationId `get_thing`",
        ),
        (
            "bad_type_list",
            "/components/schemas/Thing/properties/name: `type` is a list",
        ),
        (
            "bad_required_flag",
            "/components/schemas/Thing: not a valid OpenAPI 3.0 schema",
        ),
    ];
    for (fixture, place) in cases {
        let scratch = Scratch::new(fixture);
        let before = scratch.crate_files();
        let text = std::fs::read_to_string(
            root().join(format!("tests/fixtures/generator/{fixture}.yaml")),
        )
        .unwrap();
        scratch.write("specs/sparkfly.yaml", &text);

        let outcome = scratch.run(&["generate"]);

        assert_eq!(outcome.code, 1, "{fixture}: {outcome:?}");
        let errors: Vec<&str> = outcome
            .stderr
            .lines()
            .filter(|line| line.starts_with("error: "))
            .collect();
        assert_eq!(errors.len(), 1, "{fixture}: {}", outcome.stderr);
        assert!(
            errors[0].starts_with(&format!("error: specs/sparkfly.yaml: {place}")),
            "{fixture}: {}",
            errors[0]
        );
        assert!(
            outcome
                .stderr
                .ends_with("1 problem(s); no file was changed\n"),
            "{fixture}: {}",
            outcome.stderr
        );
        assert_eq!(scratch.crate_files(), before, "{fixture}");
    }
}

#[test]
fn unknown_services_and_options_are_usage_errors() {
    let scratch = Scratch::new("usage");
    let unknown = scratch.run(&["generate", "nope"]);
    assert_eq!(unknown.code, 2);
    let services: Vec<String> = workspace::services(&root())
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    let expected = format!(
        "no spec specs/nope.yaml (services: {})",
        services.join(", ")
    );
    assert!(unknown.stderr.contains(&expected), "{}", unknown.stderr);
    assert_eq!(scratch.run(&["generate", "--frobnicate"]).code, 2);
    assert_eq!(scratch.run(&[]).code, 2);
}

/// `new-service` adds a service from its spec alone: the spec, the crate with exactly the
/// dependencies its generated code needs, and every registration; the workspace then checks
/// clean. A spec that does not generate writes nothing.
#[test]
fn new_service_adds_a_crate_and_registers_it_everywhere() {
    let scratch = Scratch::new("new-service");
    std::fs::create_dir_all(scratch.path().join(workspace::SURFACE_SNAPSHOTS)).unwrap();
    let spec = root().join("tests/fixtures/generator/ok_awkward_names.yaml");
    let spec = spec.to_str().unwrap();
    let members_before = toml_strings(&scratch.read("Cargo.toml"), &["workspace", "members"]);
    let facade_defaults_before = toml_strings(
        &scratch.read("crates/credkit/Cargo.toml"),
        &["features", "default"],
    );
    let cli_features_before = toml_strings(
        &scratch.read("crates/cli/Cargo.toml"),
        &["dependencies", "credkit", "features"],
    );

    // Without the man pages, which would build the command line in the scratch copy.
    let outcome = scratch.run(&[
        "new-service",
        "scratch-vault",
        "--no-man-pages",
        "--spec",
        spec,
    ]);

    assert_eq!(outcome.code, 0, "{outcome:?}");
    let members_after = toml_strings(&scratch.read("Cargo.toml"), &["workspace", "members"]);
    assert_eq!(
        scratch.read("specs/scratch-vault.yaml"),
        std::fs::read_to_string(spec).unwrap()
    );
    let manifest = scratch.read("crates/scratch-vault/Cargo.toml");
    assert!(
        manifest.contains("name = \"credkit-scratch-vault\""),
        "{manifest}"
    );
    assert!(manifest.contains("mock = [\"dep:httpmock\"]"), "{manifest}");
    assert!(
        !manifest.contains("chrono"),
        "no date-time in this spec: {manifest}"
    );
    let lib = scratch.read("crates/scratch-vault/src/lib.rs");
    assert!(
        lib.contains("mod generated;") && lib.contains("pub use generated::{"),
        "{lib}"
    );
    let readme = scratch.read("crates/scratch-vault/README.md");
    assert!(readme.contains("```rust,no_run"), "{readme}");
    assert!(
        readme.starts_with("# credkit-scratch-vault\n\n```toml\n[dependencies]\ncredkit-scratch-vault = \"0.1\"\n```\n"),
        "{readme}"
    );
    let changelog = scratch.read("crates/scratch-vault/CHANGELOG.md");
    assert!(
        changelog.contains("## [Unreleased]\n\n### Added\n\n- The client of the "),
        "{changelog}"
    );
    let manifest = scratch.read("crates/scratch-vault/Cargo.toml");
    assert!(manifest.contains("\nversion = \"0.1.0\"\n"), "{manifest}");
    assert!(
        manifest.contains("\ndefault = [\"rustls\"]\n"),
        "{manifest}"
    );
    assert!(
        scratch
            .read("crates/scratch-vault/src/generated.rs")
            .contains("pub fn get_thing(")
    );
    // The registrations add the service to what the workspace lists today, whatever it is.
    assert_eq!(
        without(&members_after, "crates/scratch-vault"),
        members_before,
        "workspace members"
    );
    let facade = scratch.read("crates/credkit/Cargo.toml");
    for line in [
        "scratch-vault = [\"dep:credkit-scratch-vault\"]",
        "credkit-scratch-vault = { path = \"../scratch-vault\", version = \"0.1.0\", optional = true, default-features = false }",
        "\"credkit-scratch-vault?/rustls\"",
        "\"credkit-scratch-vault?/native-tls\"",
        "mock = [\"credkit-scratch-vault?/mock\", ",
    ] {
        assert!(facade.contains(line), "{line} in\n{facade}");
    }
    // Opt-in: a new service is not in the facade's defaults; the command line names it.
    assert_eq!(
        toml_strings(&facade, &["features", "default"]),
        facade_defaults_before
    );
    let cli = toml_strings(
        &scratch.read("crates/cli/Cargo.toml"),
        &["dependencies", "credkit", "features"],
    );
    assert_eq!(
        without(&cli, "scratch-vault"),
        cli_features_before,
        "{cli:?}"
    );
    assert!(
        scratch
            .read("crates/credkit/src/lib.rs")
            .contains("pub use credkit_scratch_vault as scratch_vault;")
    );
    assert!(
        scratch
            .read("redocly.yaml")
            .contains("  scratch-vault:\n    root: specs/scratch-vault.yaml\n")
    );
    let snapshot = scratch.read(&format!(
        "{}/it__generator__surface_scratch-vault.snap",
        workspace::SURFACE_SNAPSHOTS
    ));
    assert!(
        snapshot.contains("\nop GET /type [idempotent] type_() -> Answer<Type>\n"),
        "{snapshot}"
    );
    let services = scratch.run(&["services"]);
    assert!(
        services.stdout.contains("scratch-vault scratch-vault\n"),
        "{services:?}"
    );
    let commands = scratch.read("crates/cli/src/generated.rs");
    assert!(
        commands.contains("(\"scratch-vault\", \"get-thing\") => {"),
        "{commands}"
    );
    let check = scratch.run(&["generate", "--check"]);
    assert_eq!(check.code, 0, "{check:?}");

    let again = scratch.run(&["new-service", "scratch-vault", "--spec", spec]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(
        again
            .stderr
            .contains("specs/scratch-vault.yaml already exists"),
        "{again:?}"
    );
}

/// The strings of the array at `path` in the TOML text `manifest`.
fn toml_strings(manifest: &str, path: &[&str]) -> Vec<String> {
    let doc: toml_edit::DocumentMut = manifest.parse().unwrap();
    let item = path.iter().fold(doc.as_item(), |item, key| &item[*key]);
    let array = item
        .as_array()
        .unwrap_or_else(|| panic!("{path:?} is not an array in\n{manifest}"));
    array
        .iter()
        .map(|value| value.as_str().unwrap().to_owned())
        .collect()
}

/// `list` less `item`, which it holds exactly once.
fn without(list: &[String], item: &str) -> Vec<String> {
    assert_eq!(
        list.iter().filter(|i| *i == item).count(),
        1,
        "{item} once in {list:?}"
    );
    list.iter().filter(|i| *i != item).cloned().collect()
}

#[test]
fn new_service_writes_nothing_when_the_spec_is_refused() {
    let scratch = Scratch::new("new-service-refused");
    let before = scratch.read("Cargo.toml");
    let spec = root().join("tests/fixtures/generator/bad_names_that_collide.yaml");

    let outcome = scratch.run(&["new-service", "acme", "--spec", spec.to_str().unwrap()]);

    assert_eq!(outcome.code, 1, "{outcome:?}");
    // Problems name the file being edited, not `specs/acme.yaml`, which does not exist yet.
    assert!(
        outcome
            .stderr
            .contains(&format!("error: {}: /components/schemas/", spec.display())),
        "{}",
        outcome.stderr
    );
    assert!(
        !outcome.stderr.contains("specs/acme.yaml"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome
            .stderr
            .ends_with("2 problem(s); no file was changed\n"),
        "{}",
        outcome.stderr
    );
    assert!(!scratch.path().join("specs/acme.yaml").exists());
    assert!(!scratch.path().join("crates/acme").exists());
    assert_eq!(scratch.read("Cargo.toml"), before);
}

/// Regenerating after a vendor change says, per crate, what changed for its users and the
/// version the crate then needs: a new optional answer member breaks struct literals, a new
/// optional query parameter does not, a parameter that becomes required does.
#[test]
fn generate_reports_each_api_change_with_its_semver_class() {
    let scratch = Scratch::new("semver");
    let spec = scratch.read("specs/sparkfly.yaml");
    let changed = spec
        .replacen(
            "    Credential:\n      description: A credential as the service returns it.\n      type: object\n      properties:\n",
            "    Credential:\n      description: A credential as the service returns it.\n      type: object\n      properties:\n        nickname:\n          description: A name the member gave it.\n          type: string\n",
            1,
        )
        .replacen(
            "        - name: store_id\n          in: query\n          required: false\n",
            "        - name: store_id\n          in: query\n          required: true\n",
            1,
        )
        .replacen(
            "      parameters:\n        - name: member_id\n",
            "      parameters:\n        - name: page\n          in: query\n          description: The page.\n          schema:\n            type: integer\n        - name: member_id\n",
            1,
        );
    assert_ne!(changed, spec, "the test's edits must apply");
    scratch.write("specs/sparkfly.yaml", &changed);

    let outcome = scratch.run(&["generate", "sparkfly"]);

    assert_eq!(outcome.code, 0, "{outcome:?}");
    let report: Vec<&str> = outcome
        .stdout
        .lines()
        .filter(|line| !line.starts_with("wrote ") && !line.contains(" generated, "))
        .collect();
    assert_eq!(
        report,
        [
            "credkit-sparkfly: breaking, needs 0.2.0 (now 0.1.0)",
            "  breaking: operation list_credentials: input store_id is now required",
            "  breaking: field Credential.nickname added (`nickname: Option<String>`)",
            "  compatible: operation list_credentials: new optional input page: i64",
        ],
        "{}",
        outcome.stdout
    );
    // Generated again, nothing changes, and nothing is reported.
    let again = scratch.run(&["generate", "sparkfly"]);
    assert!(
        !again.stdout.contains("credkit-sparkfly:"),
        "{}",
        again.stdout
    );
}

/// Six vendor changes, each made alone to a copy of a spec: the class the generator gives
/// it, the version the crate then needs, and the entry it records in the crate's changelog.
#[test]
fn each_kind_of_vendor_change_gets_its_semver_class() {
    struct VendorChange {
        what: &'static str,
        spec: &'static str,
        from: &'static str,
        to: &'static str,
        report: &'static [&'static str],
    }
    let table = [
        VendorChange {
            what: "a new optional answer member",
            spec: "sparkfly",
            from: "    Credential:\n      description: A credential as the service returns it.\n      type: object\n      properties:\n",
            to: "    Credential:\n      description: A credential as the service returns it.\n      type: object\n      properties:\n        nickname:\n          description: A name the member gave it.\n          type: string\n",
            report: &[
                "credkit-sparkfly: breaking, needs 0.2.0 (now 0.1.0)",
                "  breaking: field Credential.nickname added (`nickname: Option<String>`)",
            ],
        },
        VendorChange {
            what: "a new required request member",
            spec: "sparkfly",
            from: "    CredentialInputRequest:\n      description: Body of create and update.\n      type: object\n      properties:\n",
            to: "    CredentialInputRequest:\n      description: Body of create and update.\n      type: object\n      required: [terminal]\n      properties:\n        terminal:\n          description: The point of sale sending the request.\n          type: string\n",
            report: &[
                "credkit-sparkfly: breaking, needs 0.2.0 (now 0.1.0)",
                "  breaking: field CredentialInputRequest.terminal added (`terminal: String`)",
            ],
        },
        VendorChange {
            what: "a new operation",
            spec: "sparkfly",
            from: "  /v1.0/credentials/{credential_id}/void:\n",
            to: "  /v1.0/credentials/{credential_id}/renew:\n    put:\n      operationId: renew_credential\n      summary: Renew a credential.\n      description: Extends the validity of a credential.\n      tags: [Credentials]\n      x-credkit-idempotent: true\n      parameters:\n        - $ref: '#/components/parameters/CredentialId'\n      responses:\n        '200':\n          description: The renewed credential.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/CredentialResponse'\n  /v1.0/credentials/{credential_id}/void:\n",
            report: &[
                "credkit-sparkfly: compatible, needs 0.1.1 (now 0.1.0)",
                "  compatible: operation renew_credential added",
            ],
        },
        VendorChange {
            what: "a renamed query parameter",
            spec: "sparkfly",
            from: "        - name: store_id\n          in: query\n",
            to: "        - name: shop_id\n          in: query\n",
            report: &[
                "credkit-sparkfly: breaking, needs 0.2.0 (now 0.1.0)",
                "  breaking: operation list_credentials: input store_id removed",
                "  compatible: operation list_credentials: new optional input shop_id: i64",
            ],
        },
        VendorChange {
            what: "a new enum value",
            spec: "openapi-pec",
            from: "      enum: [STANDARD, BRONZE, SILVER, GOLD]\n",
            to: "      enum: [STANDARD, BRONZE, SILVER, GOLD, PLATINUM]\n",
            report: &[
                "credkit-openapi-pec: breaking, needs 0.2.0 (now 0.1.0)",
                "  breaking: variant MailboxUpgradeType.Platinum added (`Platinum`)",
            ],
        },
        VendorChange {
            what: "a member changing from integer to string",
            spec: "sparkfly",
            from: "        account_id:\n          description: The Sparkfly account owning the credential.\n          type: integer\n          format: int64\n",
            to: "        account_id:\n          description: The Sparkfly account owning the credential.\n          type: string\n",
            report: &[
                "credkit-sparkfly: breaking, needs 0.2.0 (now 0.1.0)",
                "  breaking: field Credential.account_id changed from `account_id: Option<i64>` to `account_id: Option<String>`",
            ],
        },
    ];
    let scratch = Scratch::new("vendor-changes");
    for change in table {
        let file = format!("specs/{}.yaml", change.spec);
        let original = scratch.read(&file);
        let changelog_file = format!("crates/{}/CHANGELOG.md", change.spec);
        let changelog = scratch.read(&changelog_file);
        let edited = original.replacen(change.from, change.to, 1);
        assert_ne!(edited, original, "{}: the edit must apply", change.what);
        scratch.write(&file, &edited);

        let outcome = scratch.run(&["generate", change.spec]);

        assert_eq!(outcome.code, 0, "{}: {outcome:?}", change.what);
        let report: Vec<&str> = outcome
            .stdout
            .lines()
            .filter(|line| !line.starts_with("wrote ") && !line.contains(" generated, "))
            .collect();
        assert_eq!(report, change.report, "{}: {}", change.what, outcome.stdout);
        // The changelog gains each change under Unreleased, breaking ones marked.
        let recorded = scratch.read(&changelog_file);
        for line in &change.report[1..] {
            let (class, what) = line.trim().split_once(": ").unwrap();
            let entry = match class {
                "breaking" => format!("- **Breaking:** {what}"),
                _ => format!("- {what}"),
            };
            assert!(
                recorded.contains(&entry),
                "{}: {entry} not in\n{recorded}",
                change.what
            );
        }
        // Back to the committed spec and code for the next change.
        scratch.write(&file, &original);
        assert_eq!(scratch.run(&["generate", change.spec]).code, 0);
        scratch.write(&changelog_file, &changelog);
    }
}

/// A service that opts in to per-tag features keeps all its operations through the facade
/// (whose dependencies turn default features off) and so through the command line.
#[test]
fn the_facade_turns_on_every_tag_of_a_service_with_per_tag_features() {
    let scratch = Scratch::new("tag-features");
    let spec = scratch.read("specs/sparkfly.yaml");
    let opted_in = spec.replacen("info:\n", "info:\n  x-credkit-tag-features: true\n", 1);
    assert_ne!(opted_in, spec, "the test's edit must apply");
    scratch.write("specs/sparkfly.yaml", &opted_in);

    let outcome = scratch.run(&["generate", "sparkfly"]);

    assert_eq!(outcome.code, 0, "{outcome:?}");
    let manifest = scratch.read("crates/sparkfly/Cargo.toml");
    assert!(manifest.contains("\nall-tags = ["), "{manifest}");
    let facade = scratch.read("crates/credkit/Cargo.toml");
    assert!(
        facade.contains(
            "credkit-sparkfly = { path = \"../sparkfly\", version = \"0.1.0\", optional = true, default-features = false, features = [\"all-tags\"] }\n"
        ),
        "{facade}"
    );
    assert!(
        facade.contains("credkit-rentri-ca = { path = \"../rentri-ca\", version = \"0.1.0\", optional = true, default-features = false }\n"),
        "{facade}"
    );
}

/// `release-plan` compares each crate's API surface with the one of its last release tag.
#[test]
fn release_plan_gives_each_crate_its_version_since_its_last_tag() {
    let scratch = Scratch::new("release-plan");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(scratch.path())
            .args([
                "-c",
                "user.name=credkit",
                "-c",
                "user.email=credkit@example.com",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "release"]);
    git(&["tag", "credkit-sparkfly-v0.1.0"]);
    git(&["tag", "credkit-rentri-ca-v0.1.0"]);
    git(&["tag", "credkit-v0.1.0"]);
    let spec = scratch.read("specs/sparkfly.yaml");
    let changed = spec.replacen(
        "      parameters:\n        - name: member_id\n",
        "      parameters:\n        - name: page\n          in: query\n          description: The page.\n          schema:\n            type: integer\n        - name: member_id\n",
        1,
    );
    assert_ne!(changed, spec, "the test's edit must apply");
    scratch.write("specs/sparkfly.yaml", &changed);
    assert_eq!(scratch.run(&["generate", "sparkfly"]).code, 0);

    let plan = scratch.run(&["release-plan"]);

    assert_eq!(plan.code, 0, "{plan:?}");
    // Every crate without a tag (openapi-pec, and any service added since) is a first release.
    let expected: String = workspace::services(&root())
        .unwrap()
        .iter()
        .map(|service| match service.name.as_str() {
            "rentri-ca" => "credkit-rentri-ca: no API change since credkit-rentri-ca-v0.1.0: a patch release if anything else changed\n".to_owned(),
            "sparkfly" => "since credkit-sparkfly-v0.1.0:\n\
                 credkit-sparkfly: compatible, needs 0.1.1 (now 0.1.0)\n  \
                 compatible: operation list_credentials: new optional input page: i64\n"
                .to_owned(),
            other => format!(
                "credkit-{other}: not released yet (no tag credkit-{other}-v*): first release 0.1.0\n"
            ),
        })
        .collect();
    assert!(
        expected.contains("credkit-openapi-pec: not released yet"),
        "{expected}"
    );
    // The facade re-exports the service crates: its version follows the most severe change.
    let expected = format!(
        "{expected}credkit: compatible since credkit-v0.1.0 (follows credkit-sparkfly), needs 0.1.1 (now 0.1.0)\n"
    );
    assert_eq!(plan.stdout, expected);
}

/// The generator names the runtime's environments without depending on the runtime (it would
/// compile reqwest and tokio for nothing): its list must be the runtime's, spelling and variant.
#[test]
fn the_generator_knows_exactly_the_runtime_environments() {
    use credkit_runtime::Environment as Runtime;
    use xtask::model::Environment as Generator;
    let runtime: Vec<(String, String)> = Runtime::ALL
        .iter()
        .map(|e| (e.name().to_owned(), format!("{e:?}")))
        .collect();
    let generator: Vec<(String, String)> = Generator::ALL
        .iter()
        .map(|e| (e.as_str().to_owned(), e.variant().to_owned()))
        .collect();
    assert_eq!(generator, runtime);
}
