//! A `oneOf` with a `discriminator`: typify ignores the discriminator and generates an untagged
//! enum, which takes the first alternative an answer fits. When the alternatives differ only by
//! the discriminator's value (every other member optional, as often), the first one would take
//! every answer. So each alternative's discriminator property becomes the value it carries (a
//! one-value `enum`, required), from the `mapping` or, for an alternative it does not list,
//! the schema's own name, as OpenAPI says; typify then generates an enum tagged by that
//! property, and a value is read as the alternative its tag names.
//!
//! Only alternatives that are references to component objects with the property among their
//! own `properties` are changed; others (inline alternatives, compositions) stay as they were.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::pointer_segment;

/// Each component that is an alternative of a discriminated `oneOf` in `doc`, with its
/// discriminator property made the values the union gives it.
pub fn tag_alternatives(doc: &mut Value) {
    let mut found = Vec::new();
    unions(doc, &mut found);
    // Per component and property, every value a union gives it.
    let mut values: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (property, alternatives, mapping) in found {
        for reference in alternatives {
            let Some(name) = reference.strip_prefix("#/components/schemas/") else {
                continue;
            };
            let mut given: Vec<String> = mapping
                .iter()
                .filter(|(_, target)| *target == reference || target == name)
                .map(|(value, _)| value.clone())
                .collect();
            if given.is_empty() {
                given.push(name.to_owned());
            }
            let known = values
                .entry((name.to_owned(), property.clone()))
                .or_default();
            for value in given {
                if !known.contains(&value) {
                    known.push(value);
                }
            }
        }
    }
    for ((name, property), values) in values {
        let pointer = format!("/components/schemas/{}", pointer_segment(&name));
        let Some(schema) = doc.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        let Some(member) = schema
            .get_mut("properties")
            .and_then(|p| p.get_mut(&property))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let is_text = member.get("type").and_then(Value::as_str) == Some("string")
            && member.get("enum").is_none()
            && member.get("$ref").is_none();
        if !is_text {
            continue;
        }
        member.insert("enum".to_owned(), json!(values));
        let required = schema
            .entry("required")
            .or_insert_with(|| json!([]))
            .as_array_mut();
        if let Some(required) = required
            && !required.iter().any(|r| r == property.as_str())
        {
            required.push(json!(property));
        }
    }
}

/// A discriminated `oneOf`: its property, its alternatives' references and its mapping (value
/// to reference or name).
type Union = (String, Vec<String>, Vec<(String, String)>);

/// Every `oneOf` with a `discriminator` in `value`.
fn unions(value: &Value, found: &mut Vec<Union>) {
    match value {
        Value::Object(object) => {
            if let (Some(alternatives), Some(property)) = (
                object.get("oneOf").and_then(Value::as_array),
                object
                    .get("discriminator")
                    .and_then(|d| d.get("propertyName"))
                    .and_then(Value::as_str),
            ) {
                let references = alternatives
                    .iter()
                    .filter_map(|a| a.get("$ref").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect();
                let mapping = object
                    .get("discriminator")
                    .and_then(|d| d.get("mapping"))
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter_map(|(value, target)| {
                        Some((value.clone(), target.as_str()?.to_owned()))
                    })
                    .collect();
                found.push((property.to_owned(), references, mapping));
            }
            object.values().for_each(|child| unions(child, found));
        }
        Value::Array(items) => items.iter().for_each(|item| unions(item, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::tag_alternatives;

    #[test]
    fn each_alternative_carries_the_value_its_mapping_or_its_name_gives() {
        let mut doc = json!({ "components": { "schemas": {
            "Pet": {
                "oneOf": [
                    { "$ref": "#/components/schemas/Cat" },
                    { "$ref": "#/components/schemas/Parrot" },
                    { "type": "object" }
                ],
                "discriminator": { "propertyName": "kind", "mapping": { "cat": "Cat" } }
            },
            "Cat": { "type": "object", "properties": { "kind": { "type": "string" } } },
            "Parrot": {
                "type": "object",
                "properties": { "kind": { "type": "string" } },
                "required": ["words"]
            }
        } } });
        tag_alternatives(&mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/Cat"),
            Some(&json!({
                "type": "object",
                "properties": { "kind": { "type": "string", "enum": ["cat"] } },
                "required": ["kind"]
            }))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Parrot/properties/kind/enum"),
            Some(&json!(["Parrot"]))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Parrot/required"),
            Some(&json!(["words", "kind"]))
        );
    }

    #[test]
    fn a_property_that_is_not_plain_text_is_left_as_it_is() {
        let original = json!({ "components": { "schemas": {
            "Pet": {
                "oneOf": [{ "$ref": "#/components/schemas/Cat" }],
                "discriminator": { "propertyName": "kind" }
            },
            "Cat": { "type": "object", "properties": { "kind": { "$ref": "#/components/schemas/Kind" } } }
        } } });
        let mut doc = original.clone();
        tag_alternatives(&mut doc);
        assert_eq!(doc, original);
    }
}
