//! One setter per parameter, whatever the spec's names: progenitor names each parameter's
//! builder field itself (`StartTime`, `StartTime<` and `StartTime>` all `start_time`; a path
//! `index` and a query `index` both `index`), which credkit's builders read back by name.
//! The model's setters are chosen by [`crate::names::parameter_setters`]; here the document
//! progenitor reads hands it, for each parameter whose setter differs from progenitor's
//! spelling, a name that progenitor spells as that setter ([`crate::names::member_key`]), and
//! `member_names::restore_wire_names` puts the parameter's own name back wherever progenitor
//! writes it (the mocks' query and header matchers); credkit's `send` sends the model's name.

use serde_json::{Map, Value};

use crate::model::{Operation, Parameter};
use crate::names;

/// Renames, in `doc`, each parameter of `operations` whose setter is not progenitor's spelling
/// of its name. The parameters of a path item that holds such an operation move into each of
/// its operations first, so that the renamed one is the operation's own.
pub fn distinct_setters(doc: &mut Value, operations: &[Operation]) {
    for operation in operations {
        let renamed: Vec<&Parameter> = operation
            .parameters
            .iter()
            .filter(|p| names::field_name(&p.name) != p.rust_name)
            .collect();
        if renamed.is_empty() {
            continue;
        }
        let components = doc.pointer("/components/parameters").cloned();
        let resolve = |parameter: &Value| -> Value {
            parameter
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/parameters/"))
                .and_then(|name| {
                    components
                        .as_ref()?
                        .get(name.replace("~1", "/").replace("~0", "~"))
                })
                .unwrap_or(parameter)
                .clone()
        };
        let Some(item) = doc
            .get_mut("paths")
            .and_then(|paths| paths.get_mut(&operation.path))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        move_shared_parameters(item, &resolve);
        let Some(listed) = item
            .get_mut(&operation.method.to_ascii_lowercase())
            .and_then(|op| op.get_mut("parameters"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for entry in listed.iter_mut() {
            let resolved = resolve(entry);
            let found = renamed.iter().find(|p| {
                resolved.get("name").and_then(Value::as_str) == Some(p.name.as_str())
                    && resolved.get("in").and_then(Value::as_str) == Some(p.location.keyword())
            });
            if let Some(parameter) = found
                && let Some(key) = names::member_key(&parameter.rust_name, &parameter.name)
            {
                let mut renamed = resolved;
                renamed["name"] = Value::String(key);
                *entry = renamed;
            }
        }
    }
}

/// Moves a path item's `parameters` into each of its operations, after the operation's own
/// (which override one of the same name and place, as OpenAPI says).
fn move_shared_parameters(item: &mut Map<String, Value>, resolve: &impl Fn(&Value) -> Value) {
    let Some(Value::Array(shared)) = item.remove("parameters") else {
        return;
    };
    let key = |p: &Value| {
        let p = resolve(p);
        (p.get("name").cloned(), p.get("in").cloned())
    };
    for method in crate::spec::METHODS {
        let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
            continue;
        };
        let own = op
            .entry("parameters")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(own) = own.as_array_mut() {
            let declared: Vec<_> = own.iter().map(key).collect();
            own.extend(
                shared
                    .iter()
                    .filter(|p| !declared.contains(&key(p)))
                    .cloned(),
            );
        }
    }
}
