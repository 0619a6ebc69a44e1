//! The command line's man pages (`crates/cli/man/`), brought up to date by the binary itself.
//!
//! The pages are clap's rendering of the commands, so only the built `credkit` can write them:
//! `cargo xtask man-pages` builds it (cargo's progress shows) and runs `credkit man DIR` into a
//! scratch folder, then writes the pages that changed and removes those of commands that are
//! gone. `generate` does this when it rewrites the commands (`crates/cli/src/generated.rs`),
//! and `new-service` after adding a service, so that neither leaves the committed pages stale
//! for the test that compares them.

use std::collections::BTreeMap;
use std::path::Path;

/// Where the committed pages are.
pub const DIR: &str = "crates/cli/man";

/// The generated file whose change means the pages may have changed.
pub const COMMANDS: &str = "crates/cli/src/generated.rs";

/// Brings `crates/cli/man` of the workspace at `root` up to date; returns each page written or
/// removed, as `wrote …` / `removed …` lines.
pub fn refresh(root: &Path) -> Result<Vec<String>, String> {
    let scratch = root.join("target").join("xtask-man-pages");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let status = crate::workspace::cargo(root)
        .args([
            "run",
            "--quiet",
            "-p",
            "credkit-cli",
            "--bin",
            "credkit",
            "--",
            "man",
        ])
        .arg(&scratch)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`cargo run -p credkit-cli -- man` failed ({status}); run `cargo xtask man-pages` once the command line builds"
        ));
    }
    let changes = sync(&scratch, &root.join(DIR), DIR);
    let _ = std::fs::remove_dir_all(&scratch);
    changes
}

/// Makes the pages of `committed` (named `shown` in what is returned) those of `written`:
/// changed and new pages written, pages not written removed, the others left as they are.
fn sync(written: &Path, committed: &Path, shown: &str) -> Result<Vec<String>, String> {
    let written = pages(written)?;
    std::fs::create_dir_all(committed).map_err(|e| format!("cannot create {shown}: {e}"))?;
    let before = pages(committed)?;
    let mut changes = Vec::new();
    for (name, page) in &written {
        if before.get(name) != Some(page) {
            std::fs::write(committed.join(name), page)
                .map_err(|e| format!("cannot write {shown}/{name}: {e}"))?;
            changes.push(format!("wrote {shown}/{name}"));
        }
    }
    for name in before.keys().filter(|name| !written.contains_key(*name)) {
        std::fs::remove_file(committed.join(name))
            .map_err(|e| format!("cannot remove {shown}/{name}: {e}"))?;
        changes.push(format!("removed {shown}/{name}"));
    }
    Ok(changes)
}

/// The `.1` pages of a folder, by file name.
fn pages(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut pages = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".1") {
            let page = std::fs::read(entry.path())
                .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
            pages.insert(name, page);
        }
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_writes_changed_and_new_pages_and_removes_those_of_commands_gone() {
        let base = std::env::temp_dir().join(format!("xtask-man-sync-{}", std::process::id()));
        let (written, committed) = (base.join("written"), base.join("committed"));
        for dir in [&written, &committed] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(written.join("credkit.1"), "same").unwrap();
        std::fs::write(committed.join("credkit.1"), "same").unwrap();
        std::fs::write(written.join("credkit-a.1"), "new text").unwrap();
        std::fs::write(committed.join("credkit-a.1"), "old text").unwrap();
        std::fs::write(written.join("credkit-b.1"), "added").unwrap();
        std::fs::write(committed.join("credkit-gone.1"), "stale").unwrap();
        std::fs::write(committed.join("README"), "not a page").unwrap();

        let changes = sync(&written, &committed, "man").unwrap();

        assert_eq!(
            changes,
            [
                "wrote man/credkit-a.1",
                "wrote man/credkit-b.1",
                "removed man/credkit-gone.1"
            ]
        );
        let after = pages(&committed).unwrap();
        assert_eq!(after, pages(&written).unwrap());
        assert!(committed.join("README").exists());
        assert!(sync(&written, &committed, "man").unwrap().is_empty());
        std::fs::remove_dir_all(&base).unwrap();
    }
}
