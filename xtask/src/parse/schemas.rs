//! The component schemas: Rust names that would collide, and the schemas credkit generates
//! itself (secrets and open enums).

use std::collections::BTreeMap;

use serde_json::Value;

use super::Problems;
use crate::model::{CustomKind, CustomType, SchemaName, pointer_segment, str_of};
use crate::names;
use crate::spec::Spec;

/// Two schemas whose names give the same Rust type (`Thing` and `thing`, `a-b` and `a_b`) would
/// generate two items of one name.
pub(super) fn check_schema_names(spec: &Spec, problems: &mut Problems<'_>) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, _) in spec.schemas() {
        let rust = names::type_name(name);
        if let Some(first) = seen.insert(rust.clone(), name) {
            problems.at(
                format!("/components/schemas/{}", pointer_segment(name)),
                format!(
                    "schemas `{first}` and `{name}` both become the Rust type `{rust}`: rename one"
                ),
            );
        }
    }
}

pub(super) fn custom_types(spec: &Spec, problems: &mut Problems<'_>) -> Vec<CustomType> {
    let mut types = Vec::new();
    for (name, schema) in spec.schemas() {
        let place = format!("/components/schemas/{}", pointer_segment(name));
        let is_string = str_of(schema, "type") == Some("string");
        let secret = schema.get("x-credkit-secret").and_then(Value::as_bool) == Some(true);
        let open = schema.get("x-credkit-open-enum").and_then(Value::as_bool) == Some(true);
        let name = SchemaName {
            spec: name.clone(),
            rust: names::type_name(name),
        };
        let description = str_of(schema, "description")
            .unwrap_or("")
            .trim()
            .to_owned();
        if schema.get("x-credkit-secret").is_some() && !is_string {
            problems.at(
                place.clone(),
                "`x-credkit-secret` applies to string schemas only",
            );
        } else if secret {
            types.push(CustomType {
                name,
                description,
                kind: CustomKind::Secret {
                    min_length: schema.get("minLength").and_then(Value::as_u64),
                    max_length: schema.get("maxLength").and_then(Value::as_u64),
                },
            });
        } else if schema.get("x-credkit-open-enum").is_some() {
            let values = schema.get("enum").and_then(Value::as_array);
            let strings: Vec<&str> = values
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if !is_string
                || !open
                || strings.is_empty()
                || strings.len() != values.map_or(0, Vec::len)
            {
                problems.at(
                    place,
                    "`x-credkit-open-enum` applies to string schemas with an `enum` of strings",
                );
                continue;
            }
            match open_enum_variants(&strings) {
                Ok(values) => types.push(CustomType {
                    name,
                    description,
                    kind: CustomKind::OpenEnum { values },
                }),
                Err(message) => problems.at(place, message),
            }
        }
    }
    types
}

/// The variants of an open enum, each with its wire value; two values that give one variant,
/// or a value giving `Unknown`, are refused.
fn open_enum_variants(values: &[&str]) -> Result<Vec<(String, String)>, String> {
    let mut variants: Vec<(String, String)> = Vec::new();
    for value in values {
        let variant = names::variant_name(value);
        if variant == "Unknown" {
            return Err(format!(
                "enum value `{value}` would clash with the `Unknown` variant"
            ));
        }
        if let Some((first, _)) = variants.iter().find(|(_, v)| *v == variant) {
            return Err(format!(
                "enum values `{first}` and `{value}` give the same variant `{variant}`"
            ));
        }
        variants.push(((*value).to_owned(), variant));
    }
    Ok(variants)
}
