//! `readOnly` and `writeOnly` members: a `readOnly` member is only ever answered (an id, a
//! creation date), a `writeOnly` one only ever sent (a password). typify ignores both, so one
//! type would demand a password in every answer and let a caller send an id.
//!
//! credkit gives each side its own view of a schema: the schema's own type is the answers'
//! (without its `writeOnly` members), and a schema that a request body reaches and whose
//! request view differs (a marked member in it, or in a schema it references) gets a request
//! twin, `<Schema>Request`, without its `readOnly` members and with its `writeOnly` ones, whose
//! references lead to the other twins. An inline request body loses its `readOnly` members in
//! place. So a caller can neither send what the server owns nor miss what it must send, and an
//! answer never fails for lacking what the server never sends.
//!
//! [`request_twins`] decides the twins from the spec (the parser puts them in the model, where
//! their names are checked); [`answers_view`] and [`requests_view`] rewrite the document
//! progenitor reads.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::json_tree::{each_object, each_object_mut};
use crate::model::{RequestTwin, SchemaName, pointer_segment};
use crate::names;
use crate::spec::Spec;

/// The two marks, and the view each member is left out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Left out of requests.
    ReadOnly,
    /// Left out of answers.
    WriteOnly,
}

impl Mark {
    fn keyword(self) -> &'static str {
        match self {
            Mark::ReadOnly => "readOnly",
            Mark::WriteOnly => "writeOnly",
        }
    }
}

/// The component schemas a request body reaches whose request view differs from their own
/// type, each with the name of its twin, in the order of `components.schemas`.
pub fn request_twins(spec: &Spec) -> Vec<RequestTwin> {
    let schemas: BTreeMap<&str, &Value> = spec.schemas().map(|(n, s)| (n.as_str(), s)).collect();
    // A schema differs by a marked member of its own, or by referencing one that differs.
    let mut differ: BTreeSet<&str> = schemas
        .iter()
        .filter(|(_, schema)| has_marked_member(schema))
        .map(|(name, _)| *name)
        .collect();
    loop {
        let more: Vec<&str> = schemas
            .iter()
            .filter(|(name, _)| !differ.contains(*name))
            .filter(|(_, schema)| {
                references(schema)
                    .iter()
                    .any(|r| differ.contains(r.as_str()))
            })
            .map(|(name, _)| *name)
            .collect();
        if more.is_empty() {
            break;
        }
        differ.extend(more);
    }
    // The schemas request bodies reach, through any number of references.
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = spec
        .operations()
        .into_iter()
        .filter_map(|op| op.op.get("requestBody"))
        .filter_map(|body| spec.resolve(body))
        .flat_map(references)
        .collect();
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone())
            && let Some(schema) = schemas.get(name.as_str())
        {
            pending.extend(references(schema));
        }
    }
    // A twin's name that a schema already has takes `2`, `3`, ... (`EnumOptionRequest2`).
    let mut taken: BTreeSet<String> = spec
        .schemas()
        .map(|(name, _)| names::type_name(name))
        .collect();
    spec.schemas()
        .filter(|(name, _)| differ.contains(name.as_str()) && reached.contains(*name))
        .map(|(name, _)| {
            let first = names::request_twin_type(name);
            let mut rust = first.clone();
            let mut n = 2;
            while !taken.insert(rust.clone()) {
                rust = format!("{first}{n}");
                n += 1;
            }
            RequestTwin {
                of: SchemaName {
                    spec: name.clone(),
                    rust: names::type_name(name),
                },
                twin: SchemaName {
                    spec: rust.clone(),
                    rust,
                },
            }
        })
        .collect()
}

/// Whether `schema` has a member marked `readOnly` or `writeOnly`, at any depth of its own
/// (not through references).
fn has_marked_member(schema: &Value) -> bool {
    let members = schema.get("properties").and_then(Value::as_object);
    members
        .into_iter()
        .flatten()
        .any(|(_, member)| is_marked(member, Mark::ReadOnly) || is_marked(member, Mark::WriteOnly))
        || children(schema).into_iter().any(has_marked_member)
}

/// The schemas directly inside `schema`: its members, its items, its additional properties,
/// and the schemas of its `allOf`, `oneOf`, `anyOf` and `not` (never an example or a default).
fn children(schema: &Value) -> Vec<&Value> {
    let Some(object) = schema.as_object() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, child) in object {
        match (key.as_str(), child) {
            ("properties", Value::Object(members)) => found.extend(members.values()),
            ("items" | "additionalProperties" | "not", Value::Object(_)) => found.push(child),
            ("allOf" | "oneOf" | "anyOf", Value::Array(alternatives)) => found.extend(alternatives),
            _ => {}
        }
    }
    found
}

/// [`children`], to change them.
fn children_mut(schema: &mut Value) -> Vec<&mut Value> {
    let Some(object) = schema.as_object_mut() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, child) in object.iter_mut() {
        match (key.as_str(), child) {
            ("properties", Value::Object(members)) => found.extend(members.values_mut()),
            ("items" | "additionalProperties" | "not", child @ Value::Object(_)) => {
                found.push(child)
            }
            ("allOf" | "oneOf" | "anyOf", Value::Array(alternatives)) => {
                found.extend(alternatives.iter_mut())
            }
            _ => {}
        }
    }
    found
}

fn is_marked(member: &Value, mark: Mark) -> bool {
    member.get(mark.keyword()).and_then(Value::as_bool) == Some(true)
}

/// The component schemas `value` references (`#/components/schemas/<name>`), by spec name.
fn references(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect_references(value, &mut found);
    found
}

fn collect_references(value: &Value, found: &mut Vec<String>) {
    each_object(value, &mut |object| {
        if let Some(name) = object
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            found.push(name.replace("~1", "/").replace("~0", "~"));
        }
    });
}

/// Removes, at every depth of `schema`, the members marked `mark`, from `properties` and from
/// `required`.
pub fn without_marked(schema: &mut Value, mark: Mark) {
    if let Some(object) = schema.as_object_mut() {
        let mut removed = Vec::new();
        if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
            properties.retain(|name, member| {
                let keep = !is_marked(member, mark);
                if !keep {
                    removed.push(name.clone());
                }
                keep
            });
        }
        if let Some(required) = object.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|name| !removed.iter().any(|r| name.as_str() == Some(r)));
        }
    }
    for child in children_mut(schema) {
        without_marked(child, mark);
    }
}

/// The schemas of the media types of `content` (a response's or a request body's).
fn content_schemas(content: &mut Value) -> impl Iterator<Item = &mut Value> {
    content
        .as_object_mut()
        .into_iter()
        .flat_map(|media| media.values_mut())
        .filter_map(|media| media.get_mut("schema"))
}

/// The schemas of every answer of a `responses` map (an operation's, or the components').
fn answer_schemas(responses: &mut Value) -> impl Iterator<Item = &mut Value> {
    responses
        .as_object_mut()
        .into_iter()
        .flat_map(|r| r.values_mut())
        .filter_map(|response| response.get_mut("content"))
        .flat_map(content_schemas)
}

/// The answers' view, in place: every component schema and every answer written inline loses
/// its `writeOnly` members. Run before the twins are added, which keep them.
pub fn answers_view(doc: &mut Value) {
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas
            .values_mut()
            .for_each(|schema| without_marked(schema, Mark::WriteOnly));
    }
    if let Some(responses) = doc.pointer_mut("/components/responses") {
        answer_schemas(responses).for_each(|schema| without_marked(schema, Mark::WriteOnly));
    }
    for op in operations_mut(doc) {
        if let Some(responses) = op.get_mut("responses") {
            answer_schemas(responses).for_each(|schema| without_marked(schema, Mark::WriteOnly));
        }
    }
}

/// Every operation object of the document.
fn operations_mut(doc: &mut Value) -> impl Iterator<Item = &mut Value> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| {
            item.iter_mut()
                .filter(|(method, _)| crate::spec::METHODS.contains(&method.as_str()))
                .map(|(_, op)| op)
        })
}

/// The requests' view: each twin is added to the components (its schema as the spec writes it,
/// without `readOnly` members, its references leading to twins), and each request body of
/// the document loses its `readOnly` members and references the twins.
pub fn requests_view(spec: &Spec, doc: &mut Value, twins: &[RequestTwin]) {
    let renamed: BTreeMap<String, String> = twins
        .iter()
        .map(|t| (t.of.spec.clone(), t.twin.spec.clone()))
        .collect();
    let request_view = |schema: &mut Value| {
        without_marked(schema, Mark::ReadOnly);
        to_twins(schema, &renamed);
    };
    for twin in twins {
        let Some(mut schema) = spec
            .doc
            .pointer(&format!(
                "/components/schemas/{}",
                pointer_segment(&twin.of.spec)
            ))
            .cloned()
        else {
            continue;
        };
        request_view(&mut schema);
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            schemas.insert(twin.twin.spec.clone(), schema);
        }
    }
    for op in operations_mut(doc) {
        if let Some(content) = op.pointer_mut("/requestBody/content") {
            content_schemas(content).for_each(request_view);
        }
    }
}

/// Points every reference to a schema that has a twin at the twin.
fn to_twins(value: &mut Value, renamed: &BTreeMap<String, String>) {
    each_object_mut(value, &mut |object| {
        let twin = object
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(|name| name.replace("~1", "/").replace("~0", "~"))
            .and_then(|name| renamed.get(&name));
        if let Some(twin) = twin {
            let reference = format!("#/components/schemas/{}", pointer_segment(twin));
            object.insert("$ref".to_owned(), Value::String(reference));
        }
    });
}
