//! Schemas that refer to themselves, settled before any later pass (or typify, which would
//! recurse until the stack overflows) reads them.
//!
//! - An `allOf` that comes back to its own schema (`Thing: {allOf: [$ref: Thing, ...]}`, or two
//!   schemas made of each other) has no meaning as a type, a thing cannot contain all of itself:
//!   refused, naming the schema and each reference of the loop.
//! - A member that extends the type it is in (`Thing.parent: {allOf: [$ref: Thing, {...}]}`)
//!   is a recursive type like any other once it has a name: its schema becomes the component
//!   typify would have named it after (`ThingParent`) and the member refers to it, so that the
//!   recursion goes through a reference, which typify boxes.

use serde_json::{Map, Value};

use crate::model::pointer_segment;
use crate::names;
use crate::schema_refs::{all_of_closure, all_of_cycles, all_of_references, component};

/// `doc` with each self-extending member made a component of its own (`None` when it has none),
/// or the places of the `allOf` loops and of the names such a component cannot take.
pub fn settle(doc: &Value) -> Result<Option<Value>, Vec<(String, String)>> {
    let loops: Vec<(String, String)> = all_of_cycles(doc)
        .into_iter()
        .map(|cycle| {
            let message = format!(
                "its `allOf` comes back to it ({}): a schema cannot contain all of itself; write the members it adds in one schema, or refer to the other through a member",
                cycle.describe()
            );
            (cycle.schema, message)
        })
        .collect();
    if !loops.is_empty() {
        return Err(loops);
    }
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(None);
    };
    let mut found = Vec::new();
    for (name, schema) in schemas {
        let closures = |target: &str| component(target).map(|t| all_of_closure(doc, &t));
        let mut visit = Extending {
            component: name,
            closures: &closures,
            found: &mut found,
        };
        visit.members(
            schema,
            &format!("/components/schemas/{}", pointer_segment(name)),
            &[],
        );
    }
    if found.is_empty() {
        return Ok(None);
    }
    let mut settled = doc.clone();
    let mut refused = Vec::new();
    for member in found {
        let rust = names::type_name(&member.name);
        if let Some((taken, _)) = schemas.iter().find(|(n, _)| names::type_name(n) == rust) {
            refused.push((
                member.pointer.clone(),
                format!(
                    "this member extends the schema it is in, so it gets a type of its own, `{rust}`, already schema `{taken}`'s: rename one"
                ),
            ));
            continue;
        }
        let Some(slot) = settled.pointer_mut(&member.pointer) else {
            continue;
        };
        let schema = std::mem::replace(
            slot,
            serde_json::json!({ "$ref": format!("#/components/schemas/{rust}") }),
        );
        if let Some(schemas) = settled
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            schemas.insert(rust, schema);
        }
    }
    if refused.is_empty() {
        Ok(Some(settled))
    } else {
        Err(refused)
    }
}

/// A schema inside a component whose `allOf` is made of that component.
struct Member {
    pointer: String,
    /// The component it becomes: its component's name and the way down (`Thing-parent`).
    name: String,
}

struct Extending<'a, F> {
    component: &'a str,
    closures: &'a F,
    found: &'a mut Vec<Member>,
}

impl<F: Fn(&str) -> Option<std::collections::BTreeSet<String>>> Extending<'_, F> {
    /// Looks into the schemas `schema` holds (members, items, values, alternatives, and its
    /// `allOf` parts, which typify merges into the same type).
    fn members(&mut self, schema: &Value, at: &str, way: &[String]) {
        let Some(object) = schema.as_object() else {
            return;
        };
        let properties = object.get("properties").and_then(Value::as_object);
        for (name, member) in properties.into_iter().flatten() {
            let mut way = way.to_vec();
            way.push(name.clone());
            self.schema(
                member,
                &format!("{at}/properties/{}", pointer_segment(name)),
                &way,
            );
        }
        for (key, segment) in [("items", "item"), ("additionalProperties", "value")] {
            if let Some(held) = object.get(key).filter(|v| v.is_object()) {
                let mut way = way.to_vec();
                way.push(segment.to_owned());
                self.schema(held, &format!("{at}/{key}"), &way);
            }
        }
        for key in ["oneOf", "anyOf"] {
            for (index, held) in alternatives(object, key) {
                let mut way = way.to_vec();
                way.push(format!("variant{index}"));
                self.schema(held, &format!("{at}/{key}/{index}"), &way);
            }
        }
        for (index, part) in alternatives(object, "allOf") {
            self.members(part, &format!("{at}/allOf/{index}"), way);
        }
    }

    /// A schema held by the component: it extends the component when its `allOf` is made of it.
    fn schema(&mut self, schema: &Value, at: &str, way: &[String]) {
        let extends = merges(schema)
            && all_of_references(schema, at).iter().any(|(_, to)| {
                (self.closures)(to).is_some_and(|closure| closure.contains(self.component))
            });
        if extends {
            self.found.push(Member {
                pointer: at.to_owned(),
                name: std::iter::once(self.component.to_owned())
                    .chain(way.iter().cloned())
                    .collect::<Vec<_>>()
                    .join("-"),
            });
        } else {
            self.members(schema, at, way);
        }
    }
}

/// Whether typify merges `schema`'s `allOf` into a type of its own, taking in the referenced
/// schemas' members: not for a lone reference (`nullable` + `allOf: [$ref]`), which is that
/// reference's type.
fn merges(schema: &Value) -> bool {
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        None => false,
        Some([only]) => {
            only.get("$ref").is_none()
                || ["properties", "additionalProperties"]
                    .iter()
                    .any(|key| schema.get(key).is_some())
        }
        Some(_) => true,
    }
}

fn alternatives<'a>(
    object: &'a Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = (usize, &'a Value)> {
    object
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}
