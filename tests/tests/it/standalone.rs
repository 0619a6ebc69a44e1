//! `tests/standalone`, the program outside the workspace that depends on one service crate
//! alone, is built by `.ci/run` with its own lock file and `--locked`: a dependency the
//! workspace gains must reach that lock file too, or CI stops there. This finds it here first.
//!
//! cargo resolves the program's dependencies as it does by default, online: the lock file also
//! names crates of other platforms (Windows, wasm) that no build here downloads, so an offline
//! resolution would depend on what this machine's cache happens to hold.

use std::process::Command;

#[test]
fn the_standalone_programs_lock_file_has_every_dependency() {
    let root = xtask::workspace::root();
    let manifest = root.join("tests/standalone/Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--locked",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "tests/standalone/Cargo.lock is out of date; refresh it from the workspace's with\n  \
         cp Cargo.lock tests/standalone/ && cargo metadata --manifest-path tests/standalone/Cargo.toml >/dev/null\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
