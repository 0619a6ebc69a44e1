//! The man pages committed in `crates/cli/man/` are those the binary writes (`credkit man
//! DIR`, which `cargo xtask man-pages` runs, and `generate` and `new-service` with it): a page per
//! command, none left over.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{Credkit, scratch};

fn pages(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

#[test]
fn the_committed_man_pages_are_those_of_the_commands() {
    let dir = scratch("man");
    Credkit::new(&["man", dir.to_str().unwrap()])
        .run()
        .success();
    let written = pages(&dir);
    let committed = pages(&Path::new(env!("CARGO_MANIFEST_DIR")).join("man"));
    let fix = "run `cargo xtask man-pages`";
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "the man pages are not those of the commands: {fix}"
    );
    for (name, page) in &written {
        assert!(
            committed[name] == *page,
            "crates/cli/man/{name} is stale: {fix}"
        );
    }
    // A page per operation, each with its flags and its method and path.
    let page = String::from_utf8_lossy(&written["credkit-pec-get-mailbox.1"]).into_owned();
    assert!(page.contains("GET /pec/{id}"), "{page}");
    assert!(page.contains("\\-\\-id"), "{page}");
    assert!(written.contains_key("credkit-rentri-ca-change-pin.1"));
    assert!(!written.keys().any(|name| name.contains("-help")));
}
