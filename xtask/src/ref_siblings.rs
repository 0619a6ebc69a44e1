//! A `$ref` written with sibling keywords, as published definitions often do
//! (`{$ref: Account, readOnly: true}`, `{$ref: Status, type: string, deprecated: true}`), read
//! as OpenAPI 3.1 reads it: the reference and the siblings both apply, which OpenAPI 3.0 spells
//! `{allOf: [{$ref: Account}], readOnly: true}`. A `description` or `summary` beside it is
//! documentation and stays; an `x-` extension beside it is dropped (nothing generated reads
//! it). Data is left alone: `example` and `examples` values and `x-` extensions may hold a
//! member named `$ref`. The document is rewritten in memory before anything else reads it.

use serde_json::{Map, Value};

/// The document with every such `$ref` rewritten, or `None` when it has none.
pub fn wrap(doc: &Value) -> Option<Value> {
    let mut rewritten = doc.clone();
    let mut changed = false;
    walk(&mut rewritten, false, &mut changed);
    changed.then_some(rewritten)
}

/// Whether a key holds data rather than OpenAPI: its `$ref`s are not references.
pub fn holds_data(key: &str) -> bool {
    key.starts_with("x-") || key == "example" || key == "examples"
}

/// `names`: the keys of `value` are names (members, paths, statuses), never keywords, so a
/// member named `$ref` is no reference.
fn walk(value: &mut Value, names: bool, changed: &mut bool) {
    match value {
        Value::Object(object) => {
            if !names && object.contains_key("$ref") {
                wrap_one(object, changed);
            }
            for (key, child) in object.iter_mut() {
                if names || !holds_data(key) {
                    let child_names = !names && is_name_map(key);
                    walk(child, child_names, changed);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, false, changed)),
        _ => {}
    }
}

/// Whether a key's value is a map of names (`properties`, `paths`, ...).
pub fn is_name_map(key: &str) -> bool {
    crate::parse::openapi31::NAME_MAPS.contains(&key)
}

fn wrap_one(object: &mut Map<String, Value>, changed: &mut bool) {
    let extensions: Vec<String> = object
        .keys()
        .filter(|k| k.starts_with("x-") && *k != crate::parse::DEVIATION)
        .cloned()
        .collect();
    for key in extensions {
        object.remove(&key);
        *changed = true;
    }
    let applies =
        |k: &str| !matches!(k, "$ref" | "description" | "summary") && !k.starts_with("x-");
    if !object.keys().any(|k| applies(k)) {
        return;
    }
    let Some(reference) = object.remove("$ref") else {
        return;
    };
    let mut reference_only = Map::new();
    reference_only.insert("$ref".into(), reference);
    object.insert(
        "allOf".into(),
        Value::Array(vec![Value::Object(reference_only)]),
    );
    *changed = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn siblings_of_a_ref_apply_beside_it_and_data_is_left_alone() {
        let doc = json!({
            "a": {"$ref": "#/components/schemas/A", "readOnly": true, "description": "d"},
            "b": {"$ref": "#/components/schemas/B", "x-added-in": "2"},
            "c": {"$ref": "#/components/schemas/C", "summary": "s"},
            "example": {"$ref": "https://elsewhere", "display": "x"},
            "x-policy": [{"$ref": "#/nowhere", "note": 1}],
            "properties": {"$ref": {"type": "string"}, "allOf": {"type": "string"}},
        });
        let wrapped = wrap(&doc).unwrap();
        assert_eq!(
            wrapped["a"],
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "readOnly": true, "description": "d"})
        );
        assert_eq!(wrapped["b"], json!({"$ref": "#/components/schemas/B"}));
        assert_eq!(wrapped["c"], doc["c"]);
        assert_eq!(wrapped["example"], doc["example"]);
        assert_eq!(wrapped["x-policy"], doc["x-policy"]);
        assert_eq!(wrapped["properties"], doc["properties"]);
        assert_eq!(wrap(&wrapped), None);
    }
}
