//! A `$ref` to a schema inside another part of the document (`#/components/schemas/Tag/allOf/0`,
//! `#/components/parameters/method/schema`), as published definitions sometimes write it: a
//! JSON pointer OpenAPI allows, which progenitor and typify cannot follow. The schema it points
//! at is moved in memory into a component of its own, named after its place
//! ([`crate::names::inner_schema`]: `TagAllOf0`, `MethodSchema`), and both its old place and
//! every such `$ref` refer to that component, so that one type stands for it. Each is listed by
//! `cargo xtask generate --explain`. A `$ref` into something that is not a schema (a parameter
//! of an operation) is left as it is, for the checks that follow to name.

use serde_json::{Map, Value, json};

/// The schema keywords whose values are schemas, or lists or maps of schemas: a pointer
/// through one of them (or ending in `schema`) points at a schema.
const SCHEMA_STEPS: &[&str] = &[
    "schema",
    "schemas",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "additionalProperties",
];

/// Each schema an inner `$ref` points at, as its JSON pointer and the component it becomes,
/// deepest first (so that moving one never moves another's place).
pub fn found(doc: &Value) -> Vec<(String, String)> {
    let mut targets = Vec::new();
    walk(doc, false, &mut targets);
    targets.sort();
    targets.dedup();
    targets.retain(|pointer| is_inner_schema(pointer) && doc.pointer(pointer).is_some());
    targets.sort_by_key(|pointer| std::cmp::Reverse(pointer.matches('/').count()));
    let mut taken: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::keys)
        .map(|name| crate::names::type_name(name))
        .collect();
    targets
        .into_iter()
        .map(|pointer| {
            let name = crate::names::inner_schema(&segments(&pointer), &taken);
            taken.push(crate::names::type_name(&name));
            (pointer, name)
        })
        .collect()
}

/// The document with every such schema moved into its component, or `None` when it has none.
pub fn hoist(doc: &Value) -> Option<Value> {
    let moves = found(doc);
    if moves.is_empty() {
        return None;
    }
    let mut hoisted = doc.clone();
    for (pointer, name) in &moves {
        let reference = json!({ "$ref": format!("#/components/schemas/{}", escape(name)) });
        let Some(place) = hoisted.pointer_mut(pointer) else {
            continue;
        };
        let schema = std::mem::replace(place, reference);
        if let Some(schemas) = hoisted
            .as_object_mut()
            .map(|d| d.entry("components").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
        {
            schemas.insert(name.clone(), schema);
        }
    }
    let renamed: Vec<(String, String)> = moves
        .iter()
        .map(|(pointer, name)| {
            (
                format!("#{pointer}"),
                format!("#/components/schemas/{}", escape(name)),
            )
        })
        .collect();
    rewrite(&mut hoisted, false, &renamed);
    Some(hoisted)
}

/// Every `$ref` of the document that is a reference (not data), as the pointer it names.
fn walk(value: &Value, names: bool, targets: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if !names
                && let Some(Value::String(reference)) = object.get("$ref")
                && let Some(pointer) = reference.strip_prefix('#')
            {
                targets.push(pointer.to_owned());
            }
            for (key, child) in object {
                if names || !crate::ref_siblings::holds_data(key) {
                    let child_names = !names && crate::ref_siblings::is_name_map(key);
                    walk(child, child_names, targets);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| walk(item, false, targets)),
        _ => {}
    }
}

fn rewrite(value: &mut Value, names: bool, renamed: &[(String, String)]) {
    match value {
        Value::Object(object) => {
            if !names
                && let Some(Value::String(reference)) = object.get_mut("$ref")
                && let Some((_, to)) = renamed.iter().find(|(from, _)| from == reference)
            {
                *reference = to.clone();
            }
            for (key, child) in object.iter_mut() {
                if names || !crate::ref_siblings::holds_data(key) {
                    let child_names = !names && crate::ref_siblings::is_name_map(key);
                    rewrite(child, child_names, renamed);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite(item, false, renamed)),
        _ => {}
    }
}

/// Whether `pointer` names a schema inside something else: not a component of its own
/// (`/components/schemas/Tag`), and reached through a schema keyword.
fn is_inner_schema(pointer: &str) -> bool {
    let steps = segments(pointer);
    let component = steps.len() == 3 && steps[0] == "components";
    !component
        && steps.len() > 1
        && steps
            .iter()
            .skip(1)
            .any(|step| SCHEMA_STEPS.contains(&step.as_str()))
}

/// The unescaped segments of a JSON pointer.
fn segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_inside_another_becomes_a_component_both_places_refer_to() {
        let doc = json!({
            "components": {
                "schemas": {
                    "Tag": {"allOf": [{"type": "object", "properties": {"id": {"type": "string"}}}]},
                    "Label": {"$ref": "#/components/schemas/Tag/allOf/0"}
                },
                "parameters": {
                    "kind": {"name": "kind", "in": "query", "schema": {"type": "string"}}
                }
            },
            "paths": {"/a": {"get": {"parameters": [
                {"name": "k", "in": "query", "schema": {"$ref": "#/components/parameters/kind/schema"}},
                {"$ref": "#/paths/~1b/get/parameters/0"}
            ], "x-sample": {"$ref": "#/components/schemas/Tag/allOf/0"}}}}
        });
        let hoisted = hoist(&doc).unwrap();
        assert_eq!(
            hoisted.pointer("/components/schemas/TagAllOf0/properties/id/type"),
            Some(&json!("string"))
        );
        assert_eq!(
            hoisted.pointer("/components/schemas/Tag/allOf/0/$ref"),
            Some(&json!("#/components/schemas/TagAllOf0"))
        );
        assert_eq!(
            hoisted.pointer("/components/schemas/Label/$ref"),
            Some(&json!("#/components/schemas/TagAllOf0"))
        );
        assert_eq!(
            hoisted.pointer("/paths/~1a/get/parameters/0/schema/$ref"),
            Some(&json!("#/components/schemas/KindSchema"))
        );
        // A parameter's place is no schema, and data is no reference.
        assert_eq!(
            hoisted.pointer("/paths/~1a/get/parameters/1/$ref"),
            Some(&json!("#/paths/~1b/get/parameters/0"))
        );
        assert_eq!(
            hoisted.pointer("/paths/~1a/get/x-sample/$ref"),
            Some(&json!("#/components/schemas/Tag/allOf/0"))
        );
    }

    #[test]
    fn a_name_already_taken_takes_the_next_free_one_and_nested_places_move_first() {
        let doc = json!({"components": {"schemas": {
            "TagAllOf0": {"type": "string"},
            "Tag": {"allOf": [{"properties": {"id": {"type": "integer"}}}]},
            "A": {"$ref": "#/components/schemas/Tag/allOf/0"},
            "B": {"$ref": "#/components/schemas/Tag/allOf/0/properties/id"}
        }}});
        let moves = found(&doc);
        assert_eq!(
            moves,
            [
                (
                    "/components/schemas/Tag/allOf/0/properties/id".to_owned(),
                    "TagAllOf0PropertiesId".to_owned()
                ),
                (
                    "/components/schemas/Tag/allOf/0".to_owned(),
                    "TagAllOf02".to_owned()
                ),
            ]
        );
        let hoisted = hoist(&doc).unwrap();
        assert_eq!(
            hoisted.pointer("/components/schemas/TagAllOf02/properties/id/$ref"),
            Some(&json!("#/components/schemas/TagAllOf0PropertiesId"))
        );
        assert_eq!(
            hoist(&json!({"components": {"schemas": {"A": {"type": "string"}}}})),
            None
        );
    }
}
