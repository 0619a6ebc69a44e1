//! The in-memory rewrite of a checked spec into what progenitor should see.
//!
//! Error responses are removed: every status other than the success one reaches the runtime as
//! a raw response, which keeps status, headers and body whatever the body is (problem+json, an
//! empty body, an HTML page from a proxy). progenitor would otherwise decode error bodies itself
//! and drop the status and headers of any body that does not parse.

use serde_json::Value;

use crate::problem::Problem;
use crate::spec::{METHODS, Spec};

/// The spec progenitor generates from.
pub fn for_progenitor(spec: &Spec) -> Result<openapiv3::OpenAPI, Problem> {
    let mut doc = spec.doc.clone();
    for operation in spec.operations() {
        // Bodiless successes beside a JSON one (a 204 beside a 200) are handled by the rewrite,
        // as `Option<T>`; progenitor would panic on two success kinds.
        let empty: Vec<String> = crate::lint::empty_alternative_successes(spec, &operation)
            .iter()
            .map(u16::to_string)
            .collect();
        let pointer = format!(
            "/paths/{}/{}/responses",
            operation.path.replace('~', "~0").replace('/', "~1"),
            operation.method
        );
        if let Some(responses) = doc.pointer_mut(&pointer).and_then(Value::as_object_mut) {
            responses.retain(|code, _| code.starts_with('2') && !empty.contains(code));
        }
    }
    // Response components are only referenced by errors; unreferenced ones are harmless, but
    // keeping none makes the normalized document say exactly what progenitor uses.
    if let Some(responses) = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        let used = used_response_refs(&spec.doc);
        responses.retain(|name, _| used.iter().any(|u| u == name));
    }
    serde_path_to_error::deserialize(doc).map_err(|e| {
        spec.problem(
            Some(pointer(e.path())),
            format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
        )
    })
}

/// Response components referenced by success responses.
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
            for (code, response) in responses.into_iter().flatten() {
                if code.starts_with('2')
                    && let Some(reference) = response.get("$ref").and_then(Value::as_str)
                {
                    used.push(reference.rsplit('/').next().unwrap_or_default().to_owned());
                }
            }
        }
    }
    used
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
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    if pointer.is_empty() {
        "/".into()
    } else {
        pointer
    }
}
