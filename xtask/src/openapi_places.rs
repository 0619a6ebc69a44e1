//! Where openapiv3 refuses a value of an operation. Its `ReferenceOr` is an untagged enum, so
//! serde names only the outermost one (`/paths`) when anything inside an operation does not
//! fit; reading each operation, and then each reference-or-value inside the refused one, as
//! the type it holds, names the member that does not fit.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::pointer_segment;
use crate::spec::METHODS;

/// Each operation (and path item's `parameters`) that openapiv3 refuses, with the JSON pointer
/// of the deepest member named and what is wrong with it.
pub fn refused_operations(doc: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for (key, value) in item.as_object().into_iter().flatten() {
            let at = format!("/paths/{}/{}", pointer_segment(path), pointer_segment(key));
            let refused = if METHODS.contains(&key.as_str()) {
                refusal::<openapiv3::Operation>(value)
            } else if key == "parameters" {
                refusal::<Vec<openapiv3::ReferenceOr<openapiv3::Parameter>>>(value)
            } else {
                None
            };
            if let Some((inner, message)) = refused {
                let (inner, message) = deepest(value, inner, message);
                found.push((format!("{at}{inner}"), message));
            }
        }
    }
    found
}

/// Follows a refusal into the untagged values it stopped at, while that names a deeper place.
fn deepest(value: &Value, mut inner: String, mut message: String) -> (String, String) {
    loop {
        let Some(held) = value.pointer(&inner).filter(|v| v.get("$ref").is_none()) else {
            return (inner, message);
        };
        let segments: Vec<&str> = inner.rsplit('/').take(2).collect();
        let refused = match segments.as_slice() {
            [last, ..] if last.parse::<usize>().is_ok() && inner.contains("parameters") => {
                refusal::<openapiv3::Parameter>(held)
            }
            ["requestBody", ..] => refusal::<openapiv3::RequestBody>(held),
            [_, "responses"] => refusal::<openapiv3::Response>(held),
            // `responses` flattens its statuses into itself: try each.
            ["responses", ..] => held
                .as_object()
                .into_iter()
                .flatten()
                .find_map(|(code, r)| {
                    let (deeper, why) = refusal::<openapiv3::Response>(r)?;
                    Some((format!("/{}{deeper}", pointer_segment(code)), why))
                }),
            _ => None,
        };
        match refused {
            Some((deeper, why)) if !deeper.is_empty() || why != message => {
                if deeper.is_empty() {
                    return (inner, why);
                }
                inner.push_str(&deeper);
                message = why;
            }
            _ => return (inner, message),
        }
    }
}

/// Why `value` is not a `T`, and where inside it (a JSON pointer, empty for itself).
fn refusal<T: DeserializeOwned>(value: &Value) -> Option<(String, String)> {
    let error = serde_path_to_error::deserialize::<_, T>(value).err()?;
    Some((
        crate::normalize::pointer(error.path()),
        error.inner().to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::refused_operations;

    #[test]
    fn a_member_openapiv3_cannot_read_is_named_inside_its_operation() {
        let doc = json!({ "paths": { "/a/{id}": {
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "get": { "summary": ["not", "text"], "responses": { "204": { "description": "ok" } } },
            "post": { "responses": { "200": { "description": "ok", "content": {
                "application/json": { "schema": { "type": "array", "items": { "type": "string", "maxLength": "long" } } }
            } } } },
            "put": { "responses": { "204": { "description": "ok" } } }
        } } });
        let found = refused_operations(&doc);
        let places: Vec<&str> = found.iter().map(|(place, _)| place.as_str()).collect();
        assert_eq!(
            places,
            [
                "/paths/~1a~1{id}/get/summary",
                // A schema flattens its members into untagged values: named as a whole.
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema",
            ],
            "{found:?}"
        );
        assert!(found[0].1.contains("expected a string"), "{found:?}");
    }
}
