//! A `oneOf` with a `discriminator`: typify ignores the discriminator and generates an untagged
//! enum, which takes the first alternative an answer fits. When the alternatives differ only by
//! the discriminator's value (every other member optional, as often), the first one would take
//! every answer. So each alternative's discriminator property becomes the value it carries (a
//! one-value `enum`, required), from the `mapping` or, for an alternative it does not list,
//! the schema's own name, as OpenAPI says; typify then generates an enum tagged by that
//! property, and a value is read as the alternative its tag names.
//!
//! Only alternatives that are references to components are changed. One with the property among
//! its own `properties` has it narrowed there; one that takes it from a member of its `allOf`
//! (a base shared with other schemas) gains one more `allOf` member that narrows it, so the base
//! stays as it is. An alternative that other schemas are built on, a property that is not plain
//! text, and inline alternatives stay as they were.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::json_tree::each_object;
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
    // Narrowing a schema that others are built on (`allOf`) would narrow them too, to a value
    // that is not theirs: such an alternative stays untagged.
    let mut bases = BTreeSet::new();
    composed_references(doc, &mut bases);
    for ((name, property), values) in values {
        if bases.contains(&format!("#/components/schemas/{name}")) {
            continue;
        }
        let pointer = format!("/components/schemas/{}", pointer_segment(&name));
        let Some(schema) = doc.pointer(&pointer) else {
            continue;
        };
        let place = match declared(doc, schema, &property) {
            Some(Declared::NotText) | None => continue,
            Some(place) => place,
        };
        let Some(schema) = doc.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        match place {
            Declared::Own => {
                if let Some(member) = schema
                    .get_mut("properties")
                    .and_then(|p| p.get_mut(&property))
                    .and_then(Value::as_object_mut)
                {
                    member.insert("enum".to_owned(), json!(values));
                }
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
            // The property comes from a shared base: the alternative gains one more member of
            // its `allOf`, which narrows it to the values, leaving the base (and the other
            // alternatives built on it) as they are.
            Declared::Composed => {
                if let Some(all_of) = schema.get_mut("allOf").and_then(Value::as_array_mut) {
                    all_of.push(json!({
                        "type": "object",
                        "properties": { property.clone(): { "type": "string", "enum": values } },
                        "required": [property],
                    }));
                }
            }
            Declared::NotText => {}
        }
    }
}

/// How `schema` declares `property`.
enum Declared {
    /// Plain text among its own `properties`.
    Own,
    /// Plain text in a member of its `allOf` (a shared base, by reference or inline).
    Composed,
    /// With a type other than plain text (a reference, an enum, a number): left as it is.
    NotText,
}

/// How `schema` (of `doc`) declares `property`, if it does: among its own `properties`, else in
/// the first part of its `allOf` (followed through references, `crate::schema_refs`) that does.
fn declared(doc: &Value, schema: &Value, property: &str) -> Option<Declared> {
    let schema = crate::schema_refs::follow(doc, schema)?;
    let kind = |part: &Value| {
        let member = part.get("properties")?.get(property)?;
        let is_text = member.get("type").and_then(Value::as_str) == Some("string")
            && member.get("enum").is_none()
            && member.get("$ref").is_none();
        Some(is_text)
    };
    if let Some(is_text) = kind(schema) {
        return Some(if is_text {
            Declared::Own
        } else {
            Declared::NotText
        });
    }
    let parts = crate::schema_refs::all_of_parts(doc, schema);
    let is_text = parts
        .iter()
        .filter(|part| !std::ptr::eq(**part, schema))
        .find_map(|part| kind(part))?;
    Some(if is_text {
        Declared::Composed
    } else {
        Declared::NotText
    })
}

/// Every reference that is a member of an `allOf` in `value`.
fn composed_references(value: &Value, found: &mut BTreeSet<String>) {
    each_object(value, &mut |object| {
        let members = object.get("allOf").and_then(Value::as_array);
        for member in members.into_iter().flatten() {
            if let Some(reference) = member.get("$ref").and_then(Value::as_str) {
                found.insert(reference.to_owned());
            }
        }
    });
}

/// A discriminated `oneOf`: its property, its alternatives' references and its mapping (value
/// to reference or name).
type Union = (String, Vec<String>, Vec<(String, String)>);

/// Every `oneOf` with a `discriminator` in `value`.
fn unions(value: &Value, found: &mut Vec<Union>) {
    each_object(value, &mut |object| {
        let (Some(alternatives), Some(discriminator)) = (
            object.get("oneOf").and_then(Value::as_array),
            object.get("discriminator"),
        ) else {
            return;
        };
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return;
        };
        let references = alternatives
            .iter()
            .filter_map(|a| a.get("$ref").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        let mapping = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(value, target)| Some((value.clone(), target.as_str()?.to_owned())))
            .collect();
        found.push((property.to_owned(), references, mapping));
    });
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
    fn an_alternative_built_on_a_shared_base_gains_a_member_that_narrows_it() {
        let mut doc = json!({ "components": { "schemas": {
            "Pet": {
                "oneOf": [
                    { "$ref": "#/components/schemas/Rabbit" },
                    { "$ref": "#/components/schemas/Hare" },
                    { "$ref": "#/components/schemas/Cat" }
                ],
                "discriminator": { "propertyName": "kind" }
            },
            "Animal": { "type": "object", "properties": { "kind": { "type": "string" } } },
            "Rabbit": { "allOf": [
                { "$ref": "#/components/schemas/Animal" },
                { "type": "object", "properties": { "ears": { "type": "integer" } } }
            ] },
            "Hare": { "allOf": [{ "$ref": "#/components/schemas/Rabbit" }] },
            "Cat": { "allOf": [
                { "$ref": "#/components/schemas/Animal" },
                { "type": "object", "properties": { "indoor": { "type": "boolean" } } }
            ] }
        } } });
        tag_alternatives(&mut doc);
        let narrowing = |value: &str| {
            json!({
                "type": "object",
                "properties": { "kind": { "type": "string", "enum": [value] } },
                "required": ["kind"]
            })
        };
        assert_eq!(
            doc.pointer("/components/schemas/Cat/allOf/2"),
            Some(&narrowing("Cat"))
        );
        // Through two levels of bases. `Rabbit` is itself a base of `Hare`: narrowed, it would
        // narrow `Hare` to a value that is not its own, so it stays as it was, as does `Animal`.
        assert_eq!(
            doc.pointer("/components/schemas/Hare/allOf/1"),
            Some(&narrowing("Hare"))
        );
        assert_eq!(doc.pointer("/components/schemas/Rabbit/allOf/2"), None);
        assert_eq!(
            doc.pointer("/components/schemas/Animal"),
            Some(&json!({ "type": "object", "properties": { "kind": { "type": "string" } } }))
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
