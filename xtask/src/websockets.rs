//! Operations that upgrade the connection to a WebSocket (dropshot's `x-dropshot-websocket`, or
//! an operation whose only answer short of an error is `101 Switching Protocols`) are left out
//! of the client, in memory, each listed by `cargo xtask generate --explain`.
//!
//! Why not generate them: what such an operation gives is not an answer but a connection that
//! both sides then write framed messages to, for as long as it lasts. The generated client is
//! request and answer over reqwest (retries, quotas, tolerant decoding); a method that returned
//! the `101` alone would hand the caller nothing to read or write. A user of the definition
//! expects its other operations to work, and a WebSocket client of their choice (with the
//! client's base URL and credentials) for the streams; refusing the whole definition for one
//! stream would give them neither.

use serde_json::Value;

use crate::model::pointer_segment;
use crate::spec::METHODS;

/// The JSON pointer of each WebSocket operation, in document order.
pub fn found(doc: &Value) -> Vec<String> {
    let mut places = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if item.get(method).is_some_and(is_websocket) {
                places.push(format!("/paths/{}/{method}", pointer_segment(path)));
            }
        }
    }
    places
}

/// The document without them (and without a path item left with no operation), or `None`
/// when it has none.
pub fn drop_websockets(doc: &Value) -> Option<Value> {
    let places = found(doc);
    if places.is_empty() {
        return None;
    }
    let mut kept = doc.clone();
    for place in &places {
        let (item, method) = place.rsplit_once('/').unwrap_or_default();
        if let Some(Value::Object(item)) = kept.pointer_mut(item) {
            item.remove(method);
        }
    }
    if let Some(paths) = kept.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|_, item| METHODS.iter().any(|m| item.get(*m).is_some()));
    }
    Some(kept)
}

fn is_websocket(operation: &Value) -> bool {
    if operation.get("x-dropshot-websocket").is_some() {
        return true;
    }
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return false;
    };
    responses.contains_key("101")
        && !responses
            .keys()
            .any(|code| code.starts_with('2') || code == "default")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn websocket_operations_leave_and_the_others_stay() {
        let doc = json!({"paths": {
            "/console": {"get": {"x-dropshot-websocket": {}, "responses": {"default": {}}}},
            "/feed": {
                "get": {"responses": {"101": {"description": "upgraded"}}},
                "delete": {"responses": {"204": {"description": "gone"}}}
            },
            "/things": {"get": {"responses": {"200": {"description": "ok"}}}}
        }});
        assert_eq!(found(&doc), ["/paths/~1console/get", "/paths/~1feed/get"]);
        let kept = drop_websockets(&doc).unwrap();
        assert!(kept.pointer("/paths/~1console").is_none());
        assert!(kept.pointer("/paths/~1feed/get").is_none());
        assert!(kept.pointer("/paths/~1feed/delete").is_some());
        assert!(kept.pointer("/paths/~1things/get").is_some());
        assert_eq!(drop_websockets(&kept), None);
    }
}
