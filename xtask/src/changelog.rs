//! Each service crate's `CHANGELOG.md` ([Keep a Changelog]): `cargo xtask generate` records the
//! classified changes of the API it generates under `## [Unreleased]`, so that a release starts
//! from an accurate list. The file is the maintainers' own: they reword, add what is not an API
//! change, and move the Unreleased entries under a version when they release.
//!
//! [Keep a Changelog]: https://keepachangelog.com/en/1.1.0/

use crate::compat::{Change, Class};

/// The file name beside each crate's manifest.
pub const FILE: &str = "CHANGELOG.md";

const UNRELEASED: &str = "## [Unreleased]";

/// Keep a Changelog's sections, in its order.
const SECTIONS: [&str; 4] = ["Added", "Changed", "Deprecated", "Removed"];

/// The changelog of a new crate: the preamble, and its first entry under Unreleased.
pub fn new(package: &str, first_entry: &str) -> String {
    format!("{}\n### Added\n\n- {first_entry}\n", preamble(package))
}

/// A changelog's text before its first entry, ending with an empty Unreleased section.
pub fn preamble(package: &str) -> String {
    format!(
        "# Changelog

All notable changes to `{package}` are written here. The format follows
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/) and the crate follows
[Semantic Versioning](https://semver.org/spec/v2.0.0.html); `cargo xtask release-plan` says
which version the changes since the last release need.

`cargo xtask generate` adds each change of the generated API under Unreleased, classified;
other changes are written by hand.

{UNRELEASED}
"
    )
}

/// `text` with `changes` recorded under Unreleased, each in its section (created if missing),
/// breaking ones marked. A changelog without an Unreleased heading gets one after its preamble.
pub fn record(text: &str, changes: &[Change]) -> String {
    if changes.is_empty() {
        return text.to_owned();
    }
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let unreleased = match lines.iter().position(|l| l.trim() == UNRELEASED) {
        Some(at) => at,
        None => {
            // Before the first release heading, or at the end.
            let at = lines
                .iter()
                .position(|l| l.starts_with("## "))
                .unwrap_or(lines.len());
            lines.splice(at..at, [UNRELEASED.to_owned(), String::new()]);
            at
        }
    };
    for section in SECTIONS {
        let entries: Vec<String> = changes
            .iter()
            .filter(|change| section_of(change) == section)
            .map(entry)
            .collect();
        if entries.is_empty() {
            continue;
        }
        // Unreleased ends at the next version heading.
        let end = next(&lines, unreleased + 1, |l| l.starts_with("## "));
        let heading = format!("### {section}");
        let at = match lines[unreleased..end]
            .iter()
            .position(|l| l.trim() == heading)
        {
            Some(offset) => {
                // After the section's last line that is not blank.
                let heading_at = unreleased + offset;
                let section_end = next(&lines, heading_at + 1, |l| l.starts_with('#')).min(end);
                let last = (heading_at..section_end)
                    .rev()
                    .find(|&i| !lines[i].trim().is_empty())
                    .unwrap_or(heading_at);
                let mut block = entries;
                if last == heading_at {
                    block.insert(0, String::new());
                }
                lines.splice(last + 1..last + 1, block);
                continue;
            }
            // Sections keep Keep a Changelog's order: before the first later one present.
            None => SECTIONS
                .iter()
                .skip_while(|s| **s != section)
                .skip(1)
                .filter_map(|later| {
                    let later = format!("### {later}");
                    lines[unreleased..end]
                        .iter()
                        .position(|l| l.trim() == later)
                        .map(|offset| unreleased + offset)
                })
                .min()
                .unwrap_or(end),
        };
        let mut block = Vec::new();
        if !lines[at - 1].trim().is_empty() {
            block.push(String::new());
        }
        block.extend([heading, String::new()]);
        block.extend(entries);
        block.push(String::new());
        lines.splice(at..at, block);
    }
    // One blank line at most between blocks.
    lines.dedup_by(|a, b| a.trim().is_empty() && b.trim().is_empty());
    let mut out = lines.join("\n").trim_end().to_owned();
    out.push('\n');
    out
}

/// The index of the first line from `from` that `is`, or the end.
fn next(lines: &[String], from: usize, is: impl Fn(&str) -> bool) -> usize {
    lines[from.min(lines.len())..]
        .iter()
        .position(|l| is(l))
        .map_or(lines.len(), |offset| from + offset)
}

/// Where a change goes (by the words `compat.rs` writes): removals under Removed, additions
/// (breaking ones too, marked) under Added, deprecations under
/// Deprecated, anything else under Changed.
fn section_of(change: &Change) -> &'static str {
    if change.what.contains(" removed") {
        "Removed"
    } else if change.what.contains(" added") {
        "Added"
    } else if change.what.contains("deprecated") {
        "Deprecated"
    } else {
        "Changed"
    }
}

fn entry(change: &Change) -> String {
    match change.class {
        Class::Breaking => format!("- **Breaking:** {}", change.what),
        Class::Compatible => format!("- {}", change.what),
    }
}

/// The breaking changes written by hand under Unreleased since `old` (the changelog at a
/// release or a revision): each entry of `new` marked `**Breaking:**` that `old` did not have
/// and that is not one of the `recorded` changes `generate` wrote itself. A change of the
/// generator or the runtime that breaks the generated API (a builder's type, a removed method)
/// is no change of the spec, so only its changelog entry tells `release-plan` of it.
pub fn breaking_by_hand(old: &str, new: &str, recorded: &[Change]) -> Vec<Change> {
    let before = unreleased_entries(old);
    let written: Vec<String> = recorded
        .iter()
        .map(|change| format!("- **Breaking:** {}", change.what))
        .collect();
    unreleased_entries(new)
        .into_iter()
        .filter(|entry| entry.starts_with("- **Breaking:**"))
        .filter(|entry| !before.contains(entry) && !written.contains(entry))
        .map(|entry| {
            // Its first sentence: the report lists it beside one line per generated change.
            let text = entry.trim_start_matches("- **Breaking:**").trim();
            let first = text.find(". ").map_or(text, |end| &text[..=end]);
            Change {
                class: Class::Breaking,
                what: format!("by hand: {first}"),
            }
        })
        .collect()
}

/// The entries under Unreleased, each one line (its continuation lines joined).
fn unreleased_entries(text: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == UNRELEASED;
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(entry) = line.strip_prefix("- ") {
            entries.push(format!("- {}", entry.trim()));
        } else if line.starts_with("  ")
            && let Some(last) = entries.last_mut()
        {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(class: Class, what: &str) -> Change {
        Change {
            class,
            what: what.to_owned(),
        }
    }

    #[test]
    fn changes_go_under_unreleased_in_their_sections_in_order() {
        let text = new("credkit-x", "The first client.");
        let recorded = record(
            &text,
            &[
                change(Class::Breaking, "struct Thing removed"),
                change(Class::Breaking, "operation get: input id is now required"),
                change(Class::Compatible, "operation list added"),
            ],
        );
        let unreleased = recorded.split(UNRELEASED).nth(1).unwrap();
        assert_eq!(
            unreleased,
            "

### Added

- The first client.
- operation list added

### Changed

- **Breaking:** operation get: input id is now required

### Removed

- **Breaking:** struct Thing removed
"
        );
    }

    #[test]
    fn a_released_version_below_keeps_its_entries() {
        let text = "# Changelog\n\n## [0.1.0] - 2026-11-30\n\n### Added\n\n- Everything.\n";
        let recorded = record(text, &[change(Class::Compatible, "operation ping added")]);
        assert_eq!(
            recorded,
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- operation ping added\n\n## [0.1.0] - 2026-11-30\n\n### Added\n\n- Everything.\n"
        );
    }

    #[test]
    fn a_crate_without_a_changelog_gets_one_with_just_its_changes() {
        let recorded = record(
            &preamble("credkit-x"),
            &[change(Class::Compatible, "operation ping added")],
        );
        assert!(
            recorded.ends_with("## [Unreleased]\n\n### Added\n\n- operation ping added\n"),
            "{recorded}"
        );
    }

    #[test]
    fn no_change_leaves_the_file_as_it_is() {
        let text = "# Changelog\n\nhand-written\n";
        assert_eq!(record(text, &[]), text);
    }

    #[test]
    fn a_breaking_entry_written_by_hand_since_the_baseline_counts_once() {
        let old = format!(
            "{}\n### Changed\n\n- **Breaking:** an old change.\n",
            preamble("p")
        );
        let new = format!(
            "{}\n### Changed\n\n- **Breaking:** an old change.\n- **Breaking:** builders wrap\n  the runtime. Setters too.\n- A compatible one.\n- **Breaking:** operation x: input y removed\n\n## [0.1.0]\n\n- **Breaking:** released.\n",
            preamble("p")
        );
        let recorded = [Change {
            class: Class::Breaking,
            what: "operation x: input y removed".into(),
        }];
        let found = breaking_by_hand(&old, &new, &recorded);
        assert_eq!(
            found.iter().map(|c| c.what.as_str()).collect::<Vec<_>>(),
            ["by hand: builders wrap the runtime."]
        );
        assert!(breaking_by_hand(&new, &new, &[]).is_empty());
    }
}
