//! The component schemas: Rust names that would collide, and the schemas credkit generates
//! itself (secrets and open enums).

use std::collections::BTreeMap;

use serde_json::Value;

use super::Problems;
use crate::model::{
    Callback, CustomKind, CustomType, Operation, RequestTwin, SchemaName, Success, pointer_segment,
    str_of,
};
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

/// The schemas credkit adds to the components under names of its own (an inline answer of one
/// status, a request twin) must not take the name of a component schema, of a callback's
/// hoisted body, or of another added schema: each would generate a second type of one name.
pub(super) fn check_hoisted_names(
    spec: &Spec,
    operations: &[Operation],
    callbacks: &[Callback],
    twins: &[RequestTwin],
    problems: &mut Problems<'_>,
) {
    let mut taken: BTreeMap<String, String> = spec
        .schemas()
        .map(|(name, _)| (names::type_name(name), format!("schema `{name}`")))
        .chain(
            callbacks
                .iter()
                .filter(|c| c.inline_schema.is_some())
                .map(|c| {
                    let of = match &c.operation {
                        Some(operation) => format!("callback `{}` of `{operation}`", c.name),
                        None => format!("webhook `{}`", c.name),
                    };
                    (c.payload.rust.clone(), format!("the body of {of}"))
                }),
        )
        .collect();
    if let Some(operation) = operations.iter().find(|op| op.sends_multipart())
        && let Some(first) = taken.get(names::FILE_PART_SCHEMA)
    {
        problems.at(
            format!(
                "/paths/{}/{}/requestBody",
                pointer_segment(&operation.path),
                operation.method.to_ascii_lowercase()
            ),
            format!(
                "the files of multipart bodies are the type `{}`, already {first}'s: rename it",
                names::FILE_PART_SCHEMA
            ),
        );
    }
    for twin in twins {
        let this = format!("the request twin of schema `{}`", twin.of.spec);
        match taken.get(&twin.twin.rust) {
            Some(first) => problems.at(
                format!("/components/schemas/{}", pointer_segment(&twin.of.spec)),
                format!(
                    "{this} (without its readOnly members) would get the type `{}`, already {first}'s: rename one",
                    twin.twin.rust
                ),
            ),
            None => {
                taken.insert(twin.twin.rust.clone(), this);
            }
        }
    }
    for operation in operations {
        let Success::ByStatus { variants } = &operation.success else {
            continue;
        };
        for variant in variants {
            let Some((name, _)) = variant.inline_schema() else {
                continue;
            };
            let place = format!(
                "/paths/{}/{}/responses/{}",
                pointer_segment(&operation.path),
                operation.method.to_ascii_lowercase(),
                variant.status
            );
            let this = format!("the {} answer of `{}`", variant.status, operation.spec_id);
            match taken.get(&name.rust) {
                Some(first) => problems.at(
                    place,
                    format!(
                        "{this} would get the type `{}`, already {first}'s: give the body a `$ref` to a component schema",
                        name.rust
                    ),
                ),
                None => {
                    taken.insert(name.rust.clone(), this);
                }
            }
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
            types.push(CustomType {
                name,
                description,
                kind: CustomKind::OpenEnum {
                    values: open_enum_variants(&strings),
                },
            });
        }
    }
    types
}

/// The variants of an open enum, each with its wire value, distinct from each other and from
/// `Unknown` ([`names::distinct`] over [`names::variant_name`]).
fn open_enum_variants(values: &[&str]) -> Vec<(String, String)> {
    let variants = names::distinct(values, &["Unknown"], names::variant_name, |_, stem, n| {
        names::numbered_pascal(stem, n)
    });
    values
        .iter()
        .map(|v| (*v).to_owned())
        .zip(variants)
        .collect()
}
