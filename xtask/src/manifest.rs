//! Writing a generated block into a hand-kept `Cargo.toml` as TOML, not as text: a key the
//! maintainer wrote outside the block is kept and the block leaves it out, so no key is ever
//! written twice (cargo refuses a manifest with a duplicate key, and then no cargo command,
//! `cargo xtask` included, can load the workspace). The result is parsed before it is returned.

use std::collections::BTreeMap;

use toml_edit::{DocumentMut, Item};

/// `text` with the block `name` of its `[table]` (`dependencies`, `features`) holding the
/// lines of `body`, less those whose key is written by hand in the same table. A hand-written
/// dependency that is `optional` cannot stand for one the generated code always needs, and a
/// feature written by hand and by the generator cannot be merged: both are refused, naming the
/// key. `Err` says what is wrong with the manifest.
pub fn with_block(text: &str, name: &str, body: &str) -> Result<String, String> {
    let without = crate::crates::replace_block(text, "#", name, "")?;
    let document = parse(&without).map_err(|e| format!("is not valid TOML: {e}"))?;
    let table = table_of_block(&without, name)?;
    let by_hand: BTreeMap<String, &Item> = document
        .get(&table)
        .and_then(Item::as_table_like)
        .into_iter()
        .flat_map(|t| t.iter())
        .map(|(key, item)| (key.to_owned(), item))
        .collect();
    let mut kept = String::new();
    for line in body.lines() {
        let Some(item) = line_key(line).and_then(|key| by_hand.get(key).map(|i| (key, i))) else {
            kept.push_str(line);
            kept.push('\n');
            continue;
        };
        let (key, item) = item;
        let optional = item
            .as_table_like()
            .and_then(|t| t.get("optional"))
            .and_then(Item::as_bool)
            == Some(true);
        if table != "dependencies" || optional {
            return Err(format!(
                "writes `{key}` in [{table}] by hand{}, and the generated block `{name}` writes it too: remove the hand-written one",
                if optional { " as optional" } else { "" }
            ));
        }
    }
    let written = crate::crates::replace_block(text, "#", name, &kept)?;
    parse(&written).map_err(|e| format!("would not be valid TOML once written: {e}"))?;
    Ok(written)
}

/// `text` parsed as TOML, or why it is not TOML (a duplicate key among the reasons).
pub fn parse(text: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>()
        .map_err(|e| e.to_string().trim_end().replace('\n', " "))
}

/// The table the block `name` sits in: the last `[table]` header above its first marker.
fn table_of_block(text: &str, name: &str) -> Result<String, String> {
    let marker = format!("credkit:generated {name}:");
    let before = text
        .find(&marker)
        .map(|at| &text[..at])
        .ok_or_else(|| format!("has no block `{name}`"))?;
    before
        .lines()
        .rev()
        .find_map(|line| {
            let line = line.trim();
            let header = line.strip_prefix('[')?.strip_suffix(']')?;
            Some(header.trim().to_owned())
        })
        .ok_or_else(|| format!("block `{name}` is not under a [table]"))
}

/// The key a line of a generated block writes (`serde` of `serde.workspace = true`), if any.
fn line_key(line: &str) -> Option<&str> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let end = line.find(['.', '=', ' '])?;
    Some(line[..end].trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use super::with_block;

    const MANIFEST: &str = "[package]\nname = \"x\"\n\n[dependencies]\n\
        # credkit:generated dependencies: `cargo xtask generate` writes these lines\n\
        serde.workspace = true\n# credkit:end dependencies\n\
        serde_json.workspace = true\n\n[features]\n\
        # credkit:generated features: `cargo xtask generate` writes these lines\n\
        default = []\n# credkit:end features\nmodi = []\n";

    #[test]
    fn a_dependency_written_by_hand_is_kept_and_not_written_twice() {
        let body = "serde.workspace = true\nserde_json.workspace = true\n";
        let written = with_block(MANIFEST, "dependencies", body).unwrap();
        assert_eq!(written.matches("serde_json").count(), 1, "{written}");
        assert!(written.contains("serde.workspace = true\n# credkit:end"));
        written.parse::<toml_edit::DocumentMut>().unwrap();
    }

    #[test]
    fn an_optional_dependency_or_a_feature_written_twice_is_refused_with_its_key() {
        let optional = MANIFEST.replace(
            "serde_json.workspace = true\n\n",
            "serde_json = { workspace = true, optional = true }\n\n",
        );
        let refused = with_block(&optional, "dependencies", "serde_json.workspace = true\n");
        assert!(
            refused
                .unwrap_err()
                .contains("`serde_json` in [dependencies] by hand as optional")
        );
        let refused = with_block(MANIFEST, "features", "default = []\nmodi = []\n");
        assert!(refused.unwrap_err().contains("`modi` in [features]"));
    }

    #[test]
    fn a_manifest_that_is_not_toml_is_refused() {
        let broken = MANIFEST.replace("modi = []", "modi = [");
        assert!(
            with_block(&broken, "features", "default = []\n")
                .unwrap_err()
                .starts_with("is not valid TOML")
        );
    }
}
