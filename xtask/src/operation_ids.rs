//! An operationId for each operation that has none, so that a definition as published needs no
//! bookkeeping: its method and path, as words (`GET /pets/{petId}/photos` →
//! `get_pets_pet_id_photos`, `GET /` → `get`), spelled in Rust by the naming authority
//! ([`crate::names::method_name`]). A derived id whose Rust name another operation already has
//! (a written id, or one derived before it in document order) takes `_2`, `_3`, ... The ids are
//! written into the document in memory before anything reads it, and listed by
//! `cargo xtask generate --explain`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::model::pointer_segment;
use crate::names;
use crate::spec::METHODS;

/// Each operation without an `operationId`: its JSON pointer and the id it takes, in document
/// order.
pub fn derived(doc: &Value) -> Vec<(String, String)> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let operations = || {
        paths.iter().flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |method| Some((path, *method, item.get(*method)?)))
        })
    };
    let mut taken: BTreeSet<String> = operations()
        .filter_map(|(_, _, op)| op.get("operationId")?.as_str())
        .map(names::method_name)
        .collect();
    let mut found = Vec::new();
    for (path, method, op) in operations() {
        if op.get("operationId").is_some() {
            continue;
        }
        let words: Vec<&str> = path
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        let base = names::method_name(&format!("{method} {}", words.join(" ")));
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        found.push((format!("/paths/{}/{method}", pointer_segment(path)), id));
    }
    found
}

/// The document with every derived id written in, or `None` when every operation has one.
pub fn fill(doc: &Value) -> Option<Value> {
    let derived = derived(doc);
    if derived.is_empty() {
        return None;
    }
    let mut filled = doc.clone();
    for (pointer, id) in derived {
        if let Some(Value::Object(op)) = filled.pointer_mut(&pointer) {
            op.insert("operationId".into(), Value::String(id));
        }
    }
    Some(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_operation_without_an_id_is_named_by_its_method_and_path() {
        let doc = json!({"paths": {
            "/": {"get": {}},
            "/pets/{petId}/photos": {"get": {}, "post": {"operationId": "addPhoto"}},
            "/pets/{pet-id}/photos": {"get": {}},
            "/v1/forecast": {"get": {"operationId": "get_v1_forecast"}},
            "/v1/forecast/": {"get": {}},
        }});
        assert_eq!(
            derived(&doc),
            [
                ("/paths/~1/get".to_owned(), "get".to_owned()),
                (
                    "/paths/~1pets~1{pet-id}~1photos/get".to_owned(),
                    "get_pets_pet_id_photos".to_owned()
                ),
                (
                    "/paths/~1pets~1{petId}~1photos/get".to_owned(),
                    "get_pets_pet_id_photos_2".to_owned()
                ),
                (
                    "/paths/~1v1~1forecast~1/get".to_owned(),
                    "get_v1_forecast_2".to_owned()
                ),
            ]
        );
        let filled = fill(&doc).unwrap();
        assert_eq!(
            filled.pointer("/paths/~1/get/operationId"),
            Some(&json!("get"))
        );
        assert_eq!(fill(&filled), None);
    }
}
