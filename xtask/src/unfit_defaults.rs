//! A schema's `default` that is not of its `type` (`default: "null"` on an integer, a list on a
//! string), as published definitions sometimes write it, is dropped in memory: it documents a
//! value the server never sends, typify would refuse the whole document for it, and no
//! generated code needs it. So is a union's `default` (`anyOf`/`oneOf` without a `type`), which
//! typify refuses when it cannot tell which alternative it is of. Each is listed by
//! `cargo xtask generate --explain`.

use serde_json::Value;

use crate::model::pointer_segment;

/// Whether `value` is of the JSON Schema `kind` (`null` fits any: `nullable` may allow it).
pub fn fits(kind: &str, value: &Value) -> bool {
    value.is_null()
        || match kind {
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            _ => true,
        }
}

/// The JSON pointer of every `default` not of its schema's `type`, in document order.
pub fn found(doc: &Value) -> Vec<String> {
    let mut places = Vec::new();
    walk(doc, String::new(), false, &mut places);
    places
}

/// The document without them, or `None` when it has none.
pub fn drop_unfit(doc: &Value) -> Option<Value> {
    let places = found(doc);
    if places.is_empty() {
        return None;
    }
    let mut fitted = doc.clone();
    for place in places {
        let (schema, _) = place.rsplit_once('/').unwrap_or_default();
        if let Some(Value::Object(object)) = fitted.pointer_mut(schema) {
            object.remove("default");
        }
    }
    Some(fitted)
}

fn walk(value: &Value, pointer: String, names: bool, places: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if !names
                && let (Some(kind), Some(default)) = (
                    object.get("type").and_then(Value::as_str),
                    object.get("default"),
                )
                && !fits(kind, default)
            {
                places.push(format!("{pointer}/default"));
            } else if !names
                && object.contains_key("default")
                && !object.contains_key("type")
                && (object.contains_key("anyOf") || object.contains_key("oneOf"))
            {
                // A union's default (`anyOf: [string, enum of strings], default: auto`):
                // typify refuses the document when it cannot match it to one alternative.
                places.push(format!("{pointer}/default"));
            }
            for (key, child) in object {
                if names || !crate::ref_siblings::holds_data(key) && key != "default" {
                    let child_names = !names && crate::ref_siblings::is_name_map(key);
                    walk(
                        child,
                        format!("{pointer}/{}", pointer_segment(key)),
                        child_names,
                        places,
                    );
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, format!("{pointer}/{index}"), false, places);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_default_not_of_its_type_is_dropped_and_one_that_fits_stays() {
        let doc = json!({"components": {"schemas": {
            "Limit": {"type": "integer", "default": "20 - items"},
            "Modes": {"type": "string", "default": ["text"]},
            "Page": {"type": "integer", "default": 1},
            "Note": {"type": "object", "properties": {"type": {"type": "string", "default": 3}}},
        }}});
        assert_eq!(
            found(&doc),
            [
                "/components/schemas/Limit/default",
                "/components/schemas/Modes/default",
                "/components/schemas/Note/properties/type/default",
            ]
        );
        let fitted = drop_unfit(&doc).unwrap();
        assert_eq!(
            fitted.pointer("/components/schemas/Limit"),
            Some(&json!({"type": "integer"}))
        );
        assert_eq!(
            fitted.pointer("/components/schemas/Page/default"),
            Some(&json!(1))
        );
        assert_eq!(drop_unfit(&fitted), None);
    }

    #[test]
    fn a_union_default_is_dropped() {
        let doc = json!({"components": {"schemas": {
            "Size": {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["auto"]}], "default": "auto"},
            "Kind": {"oneOf": [{"type": "integer"}], "type": "integer", "default": 2},
        }}});
        assert_eq!(found(&doc), ["/components/schemas/Size/default"]);
    }
}
