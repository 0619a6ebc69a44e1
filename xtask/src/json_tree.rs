//! Walks over every object of a JSON tree (a spec as `serde_json::Value`), for the passes that
//! read or rewrite schemas wherever they are nested.

use serde_json::{Map, Value};

/// Calls `visit` with every object in `value`, each before the objects it holds.
pub fn each_object(value: &Value, visit: &mut impl FnMut(&Map<String, Value>)) {
    match value {
        Value::Object(object) => {
            visit(object);
            object.values().for_each(|child| each_object(child, visit));
        }
        Value::Array(items) => items.iter().for_each(|item| each_object(item, visit)),
        _ => {}
    }
}

/// As [`each_object`], letting `visit` change each object before its members are walked.
pub fn each_object_mut(value: &mut Value, visit: &mut impl FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(object) => {
            visit(object);
            object
                .values_mut()
                .for_each(|child| each_object_mut(child, visit));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| each_object_mut(item, visit)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{each_object, each_object_mut};

    #[test]
    fn every_object_is_visited_before_what_it_holds_and_changes_are_walked() {
        let mut tree = json!({ "a": [{ "b": { "c": 1 } }, 2], "d": {} });
        let mut seen = Vec::new();
        each_object(&tree, &mut |object| {
            seen.push(object.keys().cloned().collect::<Vec<_>>().join(","))
        });
        assert_eq!(seen, ["a,d", "b", "c", ""]);

        // An object added by `visit` is walked too.
        each_object_mut(&mut tree, &mut |object| {
            if object.contains_key("c") {
                object.insert("e".into(), json!({ "f": true }));
            }
            if object.contains_key("f") {
                object.insert("g".into(), json!(0));
            }
        });
        assert_eq!(
            tree.pointer("/a/0/b/e"),
            Some(&json!({ "f": true, "g": 0 }))
        );
    }
}
