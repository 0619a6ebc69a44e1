//! The document progenitor reads: the spec, rewritten in memory, and checked to be OpenAPI 3.0
//! one schema at a time so that every refused schema is named in one run.
//!
//! Error responses are removed: every status other than the success one reaches the runtime as
//! a raw response, which keeps status, headers and body whatever the body is (problem+json, an
//! empty body, an HTML page from a proxy). progenitor would otherwise decode error bodies itself
//! and drop the status and headers of any body that does not parse. Bodiless successes beside a
//! JSON one (a `204` beside a `200`) go too: the generated `send` answers `None` for them.
//!
//! A `format` on a boolean, object or array schema (`{type: boolean, format: nullable}`, valid
//! OpenAPI 3.0 but meaningless) is dropped: typify would panic on it.

use serde_json::Value;

use crate::model::{Operation, pointer_segment};
use crate::problem::Problem;
use crate::spec::{METHODS, Spec};

/// The spec progenitor generates from, or the places openapiv3 refuses.
pub fn for_progenitor(
    spec: &Spec,
    operations: &[Operation],
) -> Result<openapiv3::OpenAPI, Vec<Problem>> {
    let mut doc = spec.doc.clone();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                let empty: Vec<String> = operations
                    .iter()
                    .find(|op| op.path == *path && op.method.eq_ignore_ascii_case(method))
                    .map(|op| {
                        op.success
                            .empty_alternatives()
                            .iter()
                            .map(u16::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(responses) = item
                    .get_mut(method)
                    .and_then(|op| op.get_mut("responses"))
                    .and_then(Value::as_object_mut)
                {
                    responses.retain(|code, _| code.starts_with('2') && !empty.contains(code));
                }
            }
        }
    }
    // Response components are only referenced by errors; unreferenced ones are harmless, but
    // keeping none makes the normalized document say exactly what progenitor uses.
    let used = used_response_refs(&doc);
    if let Some(responses) = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        responses.retain(|name, _| used.iter().any(|u| u == name));
    }
    drop_meaningless_formats(&mut doc);

    let mut problems = Vec::new();
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Err(e) =
            serde_path_to_error::deserialize::<_, openapiv3::ReferenceOr<openapiv3::Schema>>(schema)
        {
            problems.push(spec.problem(
                Some(format!(
                    "/components/schemas/{}{}",
                    pointer_segment(name),
                    pointer(e.path())
                )),
                format!("not a valid OpenAPI 3.0 schema: {}", e.inner()),
            ));
        }
    }
    match serde_path_to_error::deserialize(doc) {
        Ok(api) if problems.is_empty() => Ok(api),
        Ok(_) => Err(problems),
        Err(e) => {
            if problems.is_empty() {
                let place = pointer(e.path());
                problems.push(spec.problem(
                    Some(if place.is_empty() {
                        "/".to_owned()
                    } else {
                        place
                    }),
                    format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
                ));
            }
            Err(problems)
        }
    }
}

/// Response components referenced by the responses that remain.
fn used_response_refs(doc: &Value) -> Vec<String> {
    let mut used = Vec::new();
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(_, v)| v)
    {
        for method in METHODS {
            let responses = item
                .get(method)
                .and_then(|op| op.get("responses"))
                .and_then(Value::as_object);
            for response in responses.into_iter().flatten().map(|(_, r)| r) {
                if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
                    used.push(reference.rsplit('/').next().unwrap_or_default().to_owned());
                }
            }
        }
    }
    used
}

/// Removes `format` from boolean, object and array schemas, wherever they are.
fn drop_meaningless_formats(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let meaningless = matches!(
                object.get("type").and_then(Value::as_str),
                Some("boolean" | "object" | "array")
            ) && object.get("format").is_some_and(Value::is_string);
            if meaningless {
                object.remove("format");
            }
            object.values_mut().for_each(drop_meaningless_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_meaningless_formats),
        _ => {}
    }
}

/// The place openapiv3 refused, as a JSON pointer like the other problems (`/components/schemas/Thing`).
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&pointer_segment(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
