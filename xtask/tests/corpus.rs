//! `cargo xtask corpus DIR`, run as a maintainer runs it (the real binary): one row per
//! definition, accepted ones with their operations and lines, refused ones with their reasons,
//! and the workspace itself never written.

use std::path::Path;
use std::process::Command;

#[test]
fn corpus_reports_each_definition_and_writes_nothing_into_the_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = std::env::temp_dir().join(format!("credkit-corpus-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // An accepted definition: the generator's smallest accepted fixture.
    std::fs::copy(
        root.join("tests/fixtures/generator/ok_minimal.yaml"),
        dir.join("small.yaml"),
    )
    .unwrap();
    // Refused: a server variable without its default (and, like most published definitions,
    // no credkit extensions).
    std::fs::write(
        dir.join("no-default.yaml"),
        "openapi: 3.0.3\ninfo: {title: Plain, version: '1'}\nservers:\n  - url: https://{tenant}.plain.example\n\
         paths:\n  /things:\n    get:\n      responses:\n        '200': {description: ok}\n    \
         delete:\n      responses:\n        '204': {description: gone}\n",
    )
    .unwrap();
    // Not a document at all; and a file of another kind, which is not tried.
    std::fs::write(dir.join("broken.json"), "{\"openapi\": ").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a definition").unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .arg("corpus")
        .arg(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(
        rows.len(),
        4,
        "a header and one row per definition:\n{stdout}"
    );
    assert!(rows[1].starts_with("| broken.json | refused ("), "{stdout}");
    assert!(rows[1].contains("| 0 / ? |"), "{stdout}");
    assert!(
        rows[2].starts_with("| no-default.yaml | refused ("),
        "{stdout}"
    );
    assert!(rows[2].contains("| 0 / 2 |"), "{stdout}");
    // ok_minimal declares one operation, GET /things/{id}.
    assert!(
        rows[3].starts_with("| small.yaml | accepted | 1 / 1 | "),
        "{stdout}"
    );
    assert!(
        stdout.contains("https://{tenant}.plain.example"),
        "the reason is named:\n{stdout}"
    );
    assert!(
        stdout.contains("\naccepted 1 of 3 definitions;"),
        "{stdout}"
    );
    for service in ["corpus-small", "corpus-no-default", "corpus-broken"] {
        assert!(!root.join(format!("specs/{service}.yaml")).exists());
        assert!(!root.join(format!("crates/{service}")).exists());
    }
}
