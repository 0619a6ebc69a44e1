//! Checks of every node of the document, each named by its JSON pointer: `$ref`s, `type`
//! lists, and `x-credkit-deviation` wherever it stands.

use serde_json::Value;

use super::Problems;
use crate::model::pointer_segment;
use crate::spec::Spec;

/// Checks every node of the document, each problem named by its JSON pointer: `$ref`s that
/// resolve and have no siblings, and one `type` per schema.
pub(super) fn check_nodes(
    spec: &Spec,
    value: &Value,
    pointer: String,
    problems: &mut Problems<'_>,
) {
    match value {
        // A map of names (a member named `$ref` or `type`): only what each name holds is checked.
        Value::Object(object) if names_at(&pointer) => {
            for (key, child) in object {
                check_nodes(
                    spec,
                    child,
                    format!("{pointer}/{}", pointer_segment(key)),
                    problems,
                );
            }
        }
        Value::Object(object) => {
            let place = if pointer.is_empty() {
                "/".to_owned()
            } else {
                pointer.clone()
            };
            for message in check_ref(spec, object)
                .into_iter()
                .chain(check_type(object))
                .chain(check_values_fit_type(object))
                .chain(check_deviation(object))
            {
                problems.at(place.clone(), message);
            }
            // Data (examples, extensions) may hold a member named `$ref`: no reference.
            for (key, child) in object
                .iter()
                .filter(|(k, _)| !crate::ref_siblings::holds_data(k))
            {
                check_nodes(
                    spec,
                    child,
                    format!("{pointer}/{}", pointer_segment(key)),
                    problems,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                check_nodes(spec, child, format!("{pointer}/{index}"), problems);
            }
        }
        _ => {}
    }
}

/// Whether the object at `pointer` is a map of names: its last key is `properties`, ... (and
/// the one before it no map of names, so that a member called `properties` is a schema).
fn names_at(pointer: &str) -> bool {
    let mut keys = pointer.rsplit('/');
    let last = keys.next().unwrap_or_default();
    let before = keys.next().unwrap_or_default();
    crate::ref_siblings::is_name_map(last) && !crate::ref_siblings::is_name_map(before)
}

/// A `$ref` must point into this file, at something that exists, and stand alone: OpenAPI 3.0
/// ignores its siblings, so a `nullable: true` beside a `$ref` silently makes a required field
/// non-nullable.
fn check_ref(spec: &Spec, object: &serde_json::Map<String, Value>) -> Vec<String> {
    let Some(reference) = object.get("$ref") else {
        return Vec::new();
    };
    let mut messages = Vec::new();
    match reference.as_str() {
        Some(local) if local.starts_with('#') && !local.starts_with("#/components/") => {
            messages.push(format!(
                "`$ref: {local}` points at {}: refer to a component (`#/components/schemas/<Name>`, ...)",
                if local.len() <= 2 { "the whole document" } else { "something that is not a component" }
            ));
        }
        Some(local) if local.starts_with('#') => {
            if local.strip_prefix('#').and_then(|p| spec.doc.pointer(p)).is_none() {
                messages.push(format!(
                    "`$ref` {local} does not resolve: nothing in this file is at that place"
                ));
            }
        }
        _ => messages.push(format!(
            "`$ref` {reference} is not supported: only references inside the file (`#/components/...`)"
        )),
    }
    let siblings: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "$ref" | "description" | "summary" | DEVIATION))
        .collect();
    if !siblings.is_empty() {
        messages.push(format!(
            "`$ref` with sibling {}: OpenAPI 3.0 ignores them; write `allOf: [{{$ref: ...}}]` beside them (e.g. `nullable: true`)",
            siblings.join(", ")
        ));
    }
    messages
}

/// `x-credkit-deviation`: why the spec deliberately differs from the published definition at
/// this place (`cargo xtask upstream` reports differences under it as deviations, not drift).
/// Documentation only: generated code never reads it, so it may stand beside a `$ref` too
/// (which Redocly's `spec-ref-siblings` refuses in `specs/`).
pub const DEVIATION: &str = "x-credkit-deviation";

/// A deviation says why in words: a non-empty string.
fn check_deviation(object: &serde_json::Map<String, Value>) -> Option<String> {
    match object.get(DEVIATION)? {
        Value::String(reason) if !reason.trim().is_empty() => None,
        other => Some(format!(
            "`{DEVIATION}` is {other}: write why the spec differs from the published definition here, as a string"
        )),
    }
}

/// `type: [string, 'null']` is OpenAPI 3.1: 3.0 has one type, and `nullable` for null. (A
/// property named `type` has a schema, an object, as its value: it is not mistaken for this.)
fn check_type(object: &serde_json::Map<String, Value>) -> Option<String> {
    let types = object.get("type")?.as_array()?;
    Some(format!(
        "`type` is a list ({}): OpenAPI 3.0 takes one type; write `type: <one type>` and `nullable: true` for null",
        Value::Array(types.clone())
    ))
}

/// Each `enum` value of a scalar schema fits its `type` (typify refuses the whole spec
/// otherwise, naming no schema): `enum: [a, b]` on an integer. (A `default` that does not fit
/// was dropped before: `unfit_defaults.rs`.)
fn check_values_fit_type(object: &serde_json::Map<String, Value>) -> Vec<String> {
    let Some(kind) = object.get("type").and_then(Value::as_str) else {
        return Vec::new();
    };
    object
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|value| !crate::unfit_defaults::fits(kind, value))
        .map(|value| format!("`enum` value {value} is not of the schema's `type: {kind}`"))
        .collect()
}
