//! The callbacks operations declare: the body each posts to the caller's URL, as a payload
//! type and a parse function.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Problems;
use crate::model::{Callback, SchemaName, pointer_segment, str_of};
use crate::names;
use crate::spec::{METHODS, Spec};

/// The callbacks of every operation: each JSON request body a callback documents becomes a
/// payload type (the referenced schema's, or a new component for an inline one).
pub(super) fn callbacks(spec: &Spec, problems: &mut Problems<'_>) -> Vec<Callback> {
    let schema_types: BTreeMap<String, String> = spec
        .schemas()
        .map(|(name, _)| (names::type_name(name), name.clone()))
        .collect();
    let mut found: Vec<Callback> = Vec::new();
    for declared_in in spec.operations() {
        let (path, method, op) = (declared_in.path, declared_in.method, declared_in.op);
        let Some(operation) = str_of(op, "operationId") else {
            continue;
        };
        let declared = op.get("callbacks").and_then(Value::as_object);
        for (name, callback) in declared.into_iter().flatten() {
            let place = format!(
                "/paths/{}/{method}/callbacks/{}",
                pointer_segment(path),
                pointer_segment(name)
            );
            let Some(callback) = spec.resolve(callback).and_then(Value::as_object) else {
                problems.at(place, "a callback `$ref` that does not resolve");
                continue;
            };
            for (url, requests) in callback {
                for request_method in METHODS {
                    let Some(request) = requests.get(request_method) else {
                        continue;
                    };
                    let schema = request
                        .get("requestBody")
                        .and_then(|b| spec.resolve(b))
                        .and_then(|b| b.pointer("/content/application~1json/schema"));
                    let Some(schema) = schema else { continue };
                    let rust_name = names::field_name(&format!("parse_{operation}_{name}"));
                    let (payload, inline_schema) = match str_of(schema, "$ref")
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        Some(referenced) => (
                            SchemaName {
                                spec: referenced.to_owned(),
                                rust: names::type_name(referenced),
                            },
                            None,
                        ),
                        None => {
                            let rust = names::callback_payload_type(operation, name);
                            if let Some(existing) = schema_types.get(&rust) {
                                problems.at(
                                        place.clone(),
                                        format!("the callback's payload type `{rust}` would clash with schema `{existing}`: give the body a `$ref`"),
                                    );
                                continue;
                            }
                            (
                                SchemaName {
                                    spec: rust.clone(),
                                    rust,
                                },
                                Some(schema.clone()),
                            )
                        }
                    };
                    if found.iter().any(|c| c.rust_name == rust_name) {
                        problems.at(
                            place.clone(),
                            format!("two callbacks give the parse function `{rust_name}`"),
                        );
                        continue;
                    }
                    found.push(Callback {
                        operation: operation.to_owned(),
                        name: name.clone(),
                        rust_name,
                        method: request_method.to_ascii_uppercase(),
                        url: url.clone(),
                        summary: str_of(request, "summary")
                            .or_else(|| str_of(request, "description"))
                            .unwrap_or("")
                            .trim()
                            .to_owned(),
                        payload,
                        inline_schema,
                    });
                }
            }
        }
    }
    found
}
