//! What a change of a client crate's API surface means for its users: each difference between
//! two API-surface listings (`surface.rs`) classified as breaking or compatible, the way
//! cargo-semver-checks would classify the Rust change, and the version the crate then needs.
//!
//! The rules follow what callers can write against the generated code: operations are builder
//! methods (a new required input is a new `send` requirement, so breaking; a new optional one
//! is a new setter, compatible); types are plain structs with public fields and exhaustive
//! enums (a new field breaks struct literals, a new variant breaks `match`), so any change to
//! them but a doc change is breaking.

use std::collections::BTreeMap;
use std::fmt;

/// How a change affects the crate's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Code that compiled against the old crate compiles against the new one.
    Compatible,
    /// Some code that compiled no longer does.
    Breaking,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::Compatible => "compatible",
            Class::Breaking => "breaking",
        })
    }
}

/// One difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub class: Class,
    pub what: String,
}

impl Change {
    fn breaking(what: String) -> Self {
        Self {
            class: Class::Breaking,
            what,
        }
    }

    fn compatible(what: String) -> Self {
        Self {
            class: Class::Compatible,
            what,
        }
    }
}

/// The differences from `old` to `new` (two listings of `surface::api_surface`), breaking
/// ones first.
pub fn classify(old: &str, new: &str) -> Vec<Change> {
    let (old, new) = (items(old), items(new));
    let mut changes = Vec::new();
    for (key, before) in &old {
        match new.get(key) {
            // A quota changes when calls are sent, not what compiles.
            None if key.0 == "quota" => {
                changes.push(Change::compatible(format!("{} removed", describe(key))))
            }
            None => changes.push(Change::breaking(format!("{} removed", describe(key)))),
            Some(after) if after != before => changes.extend(changed(key, before, after)),
            Some(_) => {}
        }
    }
    for key in new.keys().filter(|key| !old.contains_key(*key)) {
        changes.push(Change::compatible(format!("{} added", describe(key))));
    }
    changes.sort_by_key(|change| std::cmp::Reverse(change.class));
    changes
}

/// The class of a set of changes: the most severe one, if any.
pub fn overall(changes: &[Change]) -> Option<Class> {
    changes.iter().map(|c| c.class).max()
}

/// The version a crate at `version` needs after `class` of change: for `0.y.z` a breaking
/// change bumps `y` and any other bumps `z`; from `1.0.0` on, `x` and `y`.
pub fn next_version(version: &str, class: Class) -> Option<String> {
    let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
    let (Some(Some(major)), Some(Some(minor)), Some(Some(patch))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some(match (major, class) {
        (0, Class::Breaking) => format!("0.{}.0", minor + 1),
        (0, Class::Compatible) => format!("0.{minor}.{}", patch + 1),
        (_, Class::Breaking) => format!("{}.0.0", major + 1),
        (_, Class::Compatible) => format!("{major}.{}.0", minor + 1),
    })
}

/// `(kind, name)`: `("op", "get_thing")`, `("struct", "Thing")`.
type Key = (String, String);

fn describe((kind, name): &Key) -> String {
    match kind.as_str() {
        "op" => format!("operation {name}"),
        other => format!("{other} {name}"),
    }
}

/// Each line of a listing by kind and name; the value is the rest of the line.
fn items(listing: &str) -> BTreeMap<Key, String> {
    listing
        .lines()
        .filter_map(|line| {
            let (kind, rest) = line.split_once(' ')?;
            let name = match kind {
                // `op GET /path [facts] name(params) -> Output`
                "op" => rest.split_once('(')?.0.rsplit(' ').next()?.to_owned(),
                // `server NAME = "url"`, `struct Name { .. }`, `enum Name { .. }`
                _ => rest
                    .split([' ', '(', '{'])
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            };
            Some(((kind.to_owned(), name), rest.to_owned()))
        })
        .collect()
}

/// What changed in one item.
fn changed(key: &Key, before: &str, after: &str) -> Vec<Change> {
    let (kind, name) = key;
    match kind.as_str() {
        "op" => operation_changes(name, before, after),
        "struct" => member_changes("field", name, before, after),
        "enum" => member_changes("variant", name, before, after),
        "server" | "quota" => vec![Change::compatible(format!(
            "{kind} {name} is now {}",
            after.split_once("= ").map_or(after, |(_, value)| value)
        ))],
        _ => vec![Change::breaking(format!("{} changed", describe(key)))],
    }
}

/// An operation line: its facts, inputs (`name: T` required, `name?: T` optional), output.
struct OperationLine {
    facts: String,
    inputs: Vec<(String, bool, String)>,
    output: String,
}

fn parse_operation(rest: &str) -> Option<OperationLine> {
    let (head, tail) = rest.split_once('(')?;
    let (inputs, output) = tail.rsplit_once(") -> ")?;
    let mut facts = head
        .rsplit_once(' ')
        .map_or("", |(facts, _)| facts)
        .to_owned();
    let output = match output.strip_suffix(" [deprecated]") {
        Some(output) => {
            facts.push_str(" [deprecated]");
            output
        }
        None => output,
    };
    let inputs = split_top_level(inputs)
        .into_iter()
        .filter_map(|input| {
            let (name, ty) = input.split_once(": ")?;
            let (name, optional) = match name.strip_suffix('?') {
                Some(name) => (name, true),
                None => (name, false),
            };
            Some((name.to_owned(), !optional, ty.to_owned()))
        })
        .collect();
    Some(OperationLine {
        facts,
        inputs,
        output: output.to_owned(),
    })
}

fn operation_changes(name: &str, before: &str, after: &str) -> Vec<Change> {
    let (Some(old), Some(new)) = (parse_operation(before), parse_operation(after)) else {
        return vec![Change::breaking(format!("operation {name} changed"))];
    };
    let mut changes = Vec::new();
    for (input, required, ty) in &old.inputs {
        match new.inputs.iter().find(|(n, _, _)| n == input) {
            None => changes.push(Change::breaking(format!(
                "operation {name}: input {input} removed"
            ))),
            Some((_, _, new_ty)) if new_ty != ty => changes.push(Change::breaking(format!(
                "operation {name}: input {input} changed type from {ty} to {new_ty}"
            ))),
            Some((_, now_required, _)) if now_required != required => {
                changes.push(if *now_required {
                    Change::breaking(format!("operation {name}: input {input} is now required"))
                } else {
                    Change::compatible(format!("operation {name}: input {input} is now optional"))
                })
            }
            Some(_) => {}
        }
    }
    for (input, required, ty) in &new.inputs {
        if !old.inputs.iter().any(|(n, _, _)| n == input) {
            changes.push(if *required {
                Change::breaking(format!(
                    "operation {name}: new required input {input}: {ty}"
                ))
            } else {
                Change::compatible(format!(
                    "operation {name}: new optional input {input}: {ty}"
                ))
            });
        }
    }
    if old.output != new.output {
        changes.push(Change::breaking(format!(
            "operation {name}: answers {} instead of {}",
            new.output, old.output
        )));
    }
    if old.facts != new.facts {
        changes.push(Change::compatible(format!(
            "operation {name}: now {} (was {})",
            new.facts, old.facts
        )));
    }
    changes
}

/// Fields of a struct or variants of an enum: every difference breaks callers (struct literals
/// and exhaustive matches).
fn member_changes(member: &str, name: &str, before: &str, after: &str) -> Vec<Change> {
    let members = |rest: &str| -> Option<Vec<String>> {
        let inner = rest.split_once('{')?.1.rsplit_once('}')?.0;
        Some(split_top_level(inner))
    };
    let (Some(old), Some(new)) = (members(before), members(after)) else {
        return vec![Change::breaking(format!(
            "{} {name} changed from `{before}` to `{after}`",
            if member == "field" { "struct" } else { "enum" }
        ))];
    };
    let label = |m: &str| m.split([':', '(']).next().unwrap_or(m).trim().to_owned();
    let mut changes = Vec::new();
    for m in &old {
        match new.iter().find(|n| label(n) == label(m)) {
            None => changes.push(Change::breaking(format!(
                "{member} {name}.{} removed",
                label(m)
            ))),
            Some(n) if n != m => changes.push(Change::breaking(format!(
                "{member} {name}.{} changed from `{m}` to `{n}`",
                label(m)
            ))),
            Some(_) => {}
        }
    }
    for n in new
        .iter()
        .filter(|n| !old.iter().any(|m| label(m) == label(n)))
    {
        changes.push(Change::breaking(format!(
            "{member} {name}.{} added (`{n}`)",
            label(n)
        )));
    }
    changes
}

/// Splits `a: A<B, C>, b: D` on the commas outside brackets.
fn split_top_level(list: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        parts.push(current.trim().to_owned());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "\
op GET /things/{id} [idempotent] get_thing(id: String, page?: i64) -> ResponseValue<Thing>
op DELETE /things/{id} [idempotent] delete_thing(id: String) -> ResponseValue<()>
struct Thing { count: Option<i64>, name: Option<String> }
enum State { Active, Revoked, Unknown(String) }
server PRODUCTION = \"https://api.example.com\"
";

    fn classes(after: &str) -> Vec<(Class, String)> {
        classify(BEFORE, after)
            .into_iter()
            .map(|c| (c.class, c.what))
            .collect()
    }

    #[test]
    fn nothing_changed_is_no_change() {
        assert_eq!(classify(BEFORE, BEFORE), vec![]);
        assert_eq!(overall(&[]), None);
    }

    #[test]
    fn a_new_optional_member_is_breaking_for_struct_literals() {
        let after = BEFORE.replace(
            "struct Thing { count: Option<i64>, name: Option<String> }",
            "struct Thing { count: Option<i64>, label: Option<String>, name: Option<String> }",
        );
        assert_eq!(
            classes(&after),
            [(
                Class::Breaking,
                "field Thing.label added (`label: Option<String>`)".to_owned()
            )]
        );
    }

    #[test]
    fn a_new_required_parameter_breaks_and_a_new_optional_one_does_not() {
        let required = BEFORE.replace(
            "get_thing(id: String, ",
            "get_thing(id: String, tenant: String, ",
        );
        assert_eq!(
            classes(&required),
            [(
                Class::Breaking,
                "operation get_thing: new required input tenant: String".to_owned()
            )]
        );
        let optional = BEFORE.replace("page?: i64)", "page?: i64, sort?: String)");
        assert_eq!(
            classes(&optional),
            [(
                Class::Compatible,
                "operation get_thing: new optional input sort: String".to_owned()
            )]
        );
    }

    #[test]
    fn operations_added_removed_and_renamed_parameters() {
        let added = format!(
            "{BEFORE}op GET /things [idempotent] list_things() -> ResponseValue<Vec<Thing>>\n"
        );
        assert_eq!(
            classes(&added),
            [(Class::Compatible, "operation list_things added".to_owned())]
        );
        let removed = BEFORE.replace(
            "op DELETE /things/{id} [idempotent] delete_thing(id: String) -> ResponseValue<()>\n",
            "",
        );
        assert_eq!(
            classes(&removed),
            [(Class::Breaking, "operation delete_thing removed".to_owned())]
        );
        let renamed = BEFORE.replace("page?: i64", "page_number?: i64");
        assert_eq!(
            classes(&renamed),
            [
                (
                    Class::Breaking,
                    "operation get_thing: input page removed".to_owned()
                ),
                (
                    Class::Compatible,
                    "operation get_thing: new optional input page_number: i64".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_new_enum_value_and_a_type_change_are_breaking() {
        let variant = BEFORE.replace("Revoked, Unknown", "Revoked, Suspended, Unknown");
        assert_eq!(
            classes(&variant),
            [(
                Class::Breaking,
                "variant State.Suspended added (`Suspended`)".to_owned()
            )]
        );
        let retyped = BEFORE.replace("count: Option<i64>", "count: Option<String>");
        assert_eq!(
            classes(&retyped),
            [(
                Class::Breaking,
                "field Thing.count changed from `count: Option<i64>` to `count: Option<String>`"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn a_quota_added_changed_or_removed_is_compatible() {
        let quota = |q: &str| format!("{BEFORE}quota SERVICE = {q}\n");
        let strict = quota("10 requests per 1000 ms, 1000 ms after a 429, per credential");
        let loose = quota("20 requests per 1000 ms, 1000 ms after a 429, per credential");
        assert_eq!(
            classify(&strict, &loose)
                .into_iter()
                .map(|c| (c.class, c.what))
                .collect::<Vec<_>>(),
            [(
                Class::Compatible,
                "quota SERVICE is now 20 requests per 1000 ms, 1000 ms after a 429, per credential"
                    .to_owned()
            )]
        );
        assert_eq!(overall(&classify(BEFORE, &strict)), Some(Class::Compatible));
        assert_eq!(overall(&classify(&strict, BEFORE)), Some(Class::Compatible));
    }

    #[test]
    fn a_deprecation_is_compatible() {
        let after = BEFORE.replace(
            "delete_thing(id: String) -> ResponseValue<()>",
            "delete_thing(id: String) -> ResponseValue<()> [deprecated]",
        );
        assert_eq!(
            classes(&after),
            [(
                Class::Compatible,
                "operation delete_thing: now DELETE /things/{id} [idempotent] [deprecated] (was DELETE /things/{id} [idempotent])"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn versions_follow_cargo_semver() {
        assert_eq!(
            next_version("0.1.0", Class::Breaking).as_deref(),
            Some("0.2.0")
        );
        assert_eq!(
            next_version("0.1.0", Class::Compatible).as_deref(),
            Some("0.1.1")
        );
        assert_eq!(
            next_version("1.4.2", Class::Breaking).as_deref(),
            Some("2.0.0")
        );
        assert_eq!(
            next_version("1.4.2", Class::Compatible).as_deref(),
            Some("1.5.0")
        );
        assert_eq!(next_version("one", Class::Compatible), None);
    }
}
