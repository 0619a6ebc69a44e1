//! The requests a service sends to URLs of the caller's: the callbacks operations declare, and
//! the webhooks of the spec (`x-webhooks`, where an OpenAPI 3.1 `webhooks` is moved), the body
//! of each as a payload type and a parse function.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Problems;
use crate::model::{Callback, SchemaName, pointer_segment, str_of};
use crate::names;
use crate::spec::{METHODS, Spec};

/// The callbacks of every operation, then the webhooks: each JSON request body they document
/// becomes a payload type (the referenced schema's, or a new component for an inline one).
pub(super) fn callbacks(spec: &Spec, problems: &mut Problems<'_>) -> Vec<Callback> {
    let mut reader = Reader {
        spec,
        schema_types: spec
            .schemas()
            .map(|(name, _)| (names::type_name(name), name.clone()))
            .collect(),
        found: Vec::new(),
    };
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
                let source = Source {
                    operation: Some(operation),
                    name,
                    url,
                    place: &place,
                };
                reader.requests(&source, requests, problems);
            }
        }
    }
    let webhooks = spec.doc.get("x-webhooks").and_then(Value::as_object);
    for (name, requests) in webhooks.into_iter().flatten() {
        let place = format!("/x-webhooks/{}", pointer_segment(name));
        let Some(requests) = spec.resolve(requests) else {
            problems.at(place, "a webhook `$ref` that does not resolve");
            continue;
        };
        let source = Source {
            operation: None,
            name,
            url: "",
            place: &place,
        };
        reader.requests(&source, requests, problems);
    }
    reader.found
}

/// Where a request comes from: a callback of an operation, or a webhook.
struct Source<'a> {
    operation: Option<&'a str>,
    name: &'a str,
    /// The callback's URL expression; empty for a webhook.
    url: &'a str,
    place: &'a str,
}

struct Reader<'a> {
    spec: &'a Spec,
    /// The Rust type of every component schema, to the schema's name.
    schema_types: BTreeMap<String, String>,
    found: Vec<Callback>,
}

impl Reader<'_> {
    /// The requests of one path item (one per method), each with a JSON body.
    fn requests(&mut self, source: &Source<'_>, requests: &Value, problems: &mut Problems<'_>) {
        for request_method in METHODS {
            let Some(request) = requests.get(request_method).and_then(Value::as_object) else {
                continue;
            };
            self.request(source, request_method, request, problems);
        }
    }

    fn request(
        &mut self,
        source: &Source<'_>,
        request_method: &str,
        request: &Map<String, Value>,
        problems: &mut Problems<'_>,
    ) {
        let schema = request
            .get("requestBody")
            .and_then(|b| self.spec.resolve(b))
            .and_then(|b| b.pointer("/content/application~1json/schema"));
        let Some(schema) = schema else { return };
        let (rust_name, inline_type) = match source.operation {
            Some(operation) => (
                format!("parse_{operation}_{}", source.name),
                names::callback_payload_type(operation, source.name),
            ),
            None => (
                format!("parse_{}", source.name),
                names::webhook_payload_type(source.name),
            ),
        };
        let rust_name = names::field_name(&rust_name);
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
                if let Some(existing) = self.schema_types.get(&inline_type) {
                    problems.at(
                        source.place.to_owned(),
                        format!("the payload type `{inline_type}` would clash with schema `{existing}`: give the body a `$ref`"),
                    );
                    return;
                }
                (
                    SchemaName {
                        spec: inline_type.clone(),
                        rust: inline_type,
                    },
                    Some(schema.clone()),
                )
            }
        };
        if self.found.iter().any(|c| c.rust_name == rust_name) {
            problems.at(
                source.place.to_owned(),
                format!("two callbacks or webhooks give the parse function `{rust_name}`"),
            );
            return;
        }
        let text = |key: &str| request.get(key).and_then(Value::as_str);
        self.found.push(Callback {
            operation: source.operation.map(str::to_owned),
            name: source.name.to_owned(),
            rust_name,
            method: request_method.to_ascii_uppercase(),
            url: source.url.to_owned(),
            summary: text("summary")
                .or_else(|| text("description"))
                .unwrap_or("")
                .trim()
                .to_owned(),
            payload,
            inline_schema,
            wakes: Vec::new(),
        });
    }
}
