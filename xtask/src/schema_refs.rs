//! Following `$ref` and `allOf`, in one place and by one rule: a chain is followed for as long
//! as it leads somewhere new, and ends where it would reach a schema it already passed (a
//! cycle), never at an arbitrary depth. Every pass that reads through references (the parser,
//! the answer shapes, the discriminator, the drift comparison) follows them here.

use std::collections::BTreeSet;

use serde_json::Value;

/// The place a local reference (`#/components/schemas/Thing`) points at, as a JSON pointer.
pub fn target(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.strip_prefix('#')
}

/// The component schema a reference names (`Thing`, its pointer escapes undone).
pub fn component(pointer: &str) -> Option<String> {
    pointer
        .strip_prefix("/components/schemas/")
        .filter(|name| !name.contains('/'))
        .map(|name| name.replace("~1", "/").replace("~0", "~"))
}

/// `value`'s chain of local references: each value on it, `value` first.
pub struct Chain<'a> {
    pub hops: Vec<&'a Value>,
    /// The last hop is no reference; false when a reference does not resolve (or leaves the
    /// file) or the chain comes back on itself, the last hop being the reference that does.
    pub ends: bool,
}

/// Follows `value`'s chain of local references as far as it leads somewhere new.
pub fn chain<'a>(root: &'a Value, value: &'a Value) -> Chain<'a> {
    let mut passed: Vec<&str> = Vec::new();
    let mut hops = vec![value];
    let mut current = value;
    while let Some(pointer) = target(current) {
        match root.pointer(pointer) {
            Some(next) if !passed.contains(&pointer) => {
                passed.push(pointer);
                current = next;
                hops.push(current);
            }
            _ => return Chain { hops, ends: false },
        }
    }
    Chain { hops, ends: true }
}

/// What `value`'s chain of references ends at (`value` itself when it is no reference).
pub fn follow<'a>(root: &'a Value, value: &'a Value) -> Option<&'a Value> {
    let chain = chain(root, value);
    chain.ends.then(|| chain.hops.last().copied()).flatten()
}

/// `schema` followed, and every schema its `allOf` reaches (through references and nested
/// `allOf`), in the order typify merges them: each part's own parts before it, `schema` last.
/// A schema reached twice is taken once, so an `allOf` that comes back on itself ends.
pub fn all_of_parts<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let mut parts = Vec::new();
    let mut entered = BTreeSet::new();
    gather(root, schema, &mut entered, &mut parts);
    parts
}

fn gather<'a>(
    root: &'a Value,
    schema: &'a Value,
    entered: &mut BTreeSet<*const Value>,
    parts: &mut Vec<&'a Value>,
) {
    let Some(schema) = follow(root, schema) else {
        return;
    };
    if !entered.insert(std::ptr::from_ref(schema)) {
        return;
    }
    let nested = schema.get("allOf").and_then(Value::as_array);
    for part in nested.into_iter().flatten() {
        gather(root, part, entered, parts);
    }
    parts.push(schema);
}

/// A member of an object schema, with the parts of its `allOf` merged.
pub struct Property<'a> {
    /// The name it has on the wire.
    pub name: &'a str,
    /// Its schema, from the last part that declares it (a later part's replaces an earlier's).
    pub schema: &'a Value,
    /// Whether any part lists it in `required`.
    pub required: bool,
}

/// The members of `schema` and of every part of its `allOf`, in the order typify merges them.
pub fn merged_properties<'a>(root: &'a Value, schema: &'a Value) -> Vec<Property<'a>> {
    let mut found: Vec<Property<'a>> = Vec::new();
    for part in all_of_parts(root, schema) {
        let properties = part.get("properties").and_then(Value::as_object);
        for (name, property) in properties.into_iter().flatten() {
            match found.iter_mut().find(|known| known.name == name) {
                Some(existing) => existing.schema = property,
                None => found.push(Property {
                    name,
                    schema: property,
                    required: false,
                }),
            }
        }
        let required = part.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            if let Some(property) = found.iter_mut().find(|known| known.name == name) {
                property.required = true;
            }
        }
    }
    found
}

/// The references `schema` is made of, with where each is: `schema` itself when it is a
/// reference, and each reference its `allOf` lists, nested `allOf`s included. Members, items and
/// alternatives are not its parts: a reference there is a type of its own.
pub fn all_of_references<'a>(schema: &'a Value, at: &str) -> Vec<(String, &'a str)> {
    let mut found = Vec::new();
    if let Some(pointer) = target(schema) {
        found.push((at.to_owned(), pointer));
    }
    let nested = schema.get("allOf").and_then(Value::as_array);
    for (index, part) in nested.into_iter().flatten().enumerate() {
        found.extend(all_of_references(part, &format!("{at}/allOf/{index}")));
    }
    found
}

/// The component schemas `name` is made of through its `allOf` (and references), directly or
/// through others, `name` included: what typify merges into its type.
pub fn all_of_closure(root: &Value, name: &str) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut pending = vec![name.to_owned()];
    while let Some(next) = pending.pop() {
        if !reached.insert(next.clone()) {
            continue;
        }
        let pointer = schema_pointer(&next);
        if let Some(schema) = root.pointer(&pointer) {
            pending.extend(
                all_of_references(schema, &pointer)
                    .into_iter()
                    .filter_map(|(_, to)| component(to)),
            );
        }
    }
    reached
}

/// An `allOf` that comes back to the schema it starts from: the schema's pointer, and each
/// reference on the loop, with where it is and the schema it refers to.
#[derive(Debug, PartialEq, Eq)]
pub struct Cycle {
    pub schema: String,
    pub references: Vec<(String, String)>,
}

impl Cycle {
    /// The loop in words: `/components/schemas/A/allOf/0` refers to `/components/schemas/B`, ...
    pub fn describe(&self) -> String {
        self.references
            .iter()
            .map(|(from, to)| format!("`{from}` refers to `{to}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every component schema whose `allOf` (through references) comes back to it, once per loop.
/// Such a schema has no meaning as a type: a thing cannot contain all of itself.
pub fn all_of_cycles(root: &Value) -> Vec<Cycle> {
    let schemas = root
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut cycles: Vec<Cycle> = Vec::new();
    let mut reported: Vec<BTreeSet<String>> = Vec::new();
    for name in schemas.into_iter().flatten().map(|(name, _)| name) {
        let start = schema_pointer(name);
        let mut references = Vec::new();
        if walk(root, &start, &start, &mut references, &mut BTreeSet::new()) {
            let members: BTreeSet<String> = references.iter().map(|(_, to)| to.clone()).collect();
            if !reported.contains(&members) {
                reported.push(members);
                cycles.push(Cycle {
                    schema: start,
                    references,
                });
            }
        }
    }
    cycles
}

/// `/components/schemas/<name>`, escaped.
fn schema_pointer(name: &str) -> String {
    format!(
        "/components/schemas/{}",
        crate::model::pointer_segment(name)
    )
}

/// A depth-first walk from `at` along `allOf` references, keeping the references taken; true
/// when one comes back to `start`.
fn walk(
    root: &Value,
    start: &str,
    at: &str,
    references: &mut Vec<(String, String)>,
    seen: &mut BTreeSet<String>,
) -> bool {
    let Some(schema) = root.pointer(at) else {
        return false;
    };
    for (from, to) in all_of_references(schema, at) {
        if component(to).is_none() {
            continue;
        }
        references.push((from, to.to_owned()));
        if to == start || (seen.insert(to.to_owned()) && walk(root, start, to, references, seen)) {
            return true;
        }
        references.pop();
    }
    false
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_chain_of_references_is_followed_to_its_end_and_a_loop_ends_it() {
        let root = json!({ "components": { "schemas": {
            "A": { "$ref": "#/components/schemas/B" },
            "B": { "type": "string" },
            "Loop": { "$ref": "#/components/schemas/Loop" },
        }}});
        let a = json!({ "$ref": "#/components/schemas/A" });
        assert_eq!(follow(&root, &a), Some(&json!({ "type": "string" })));
        assert_eq!(chain(&root, &a).hops.len(), 3);
        let looping = json!({ "$ref": "#/components/schemas/Loop" });
        assert_eq!(follow(&root, &looping), None);
        let dangling = json!({ "$ref": "#/components/schemas/Nowhere" });
        assert_eq!(follow(&root, &dangling), None);
    }

    #[test]
    fn properties_merge_in_all_of_order_and_a_self_reference_is_taken_once() {
        let root = json!({ "components": { "schemas": {
            "Base": { "required": ["id"], "properties": { "id": { "type": "string" }, "n": { "type": "string" } } },
            "Thing": { "allOf": [
                { "$ref": "#/components/schemas/Base" },
                { "$ref": "#/components/schemas/Thing" },
                { "properties": { "n": { "type": "integer" }, "extra": { "type": "boolean" } } },
            ]},
        }}});
        let thing = json!({ "$ref": "#/components/schemas/Thing" });
        let merged = merged_properties(&root, &thing);
        let names: Vec<_> = merged.iter().map(|p| (p.name, p.required)).collect();
        assert_eq!(names, [("id", true), ("n", false), ("extra", false)]);
        assert_eq!(merged[1].schema, &json!({ "type": "integer" }));
    }

    #[test]
    fn all_of_loops_are_found_once_with_the_reference_closing_them() {
        let root = json!({ "components": { "schemas": {
            "Alone": { "allOf": [{ "$ref": "#/components/schemas/Alone" }] },
            "A": { "allOf": [{ "$ref": "#/components/schemas/B" }, { "type": "object" }] },
            "B": { "allOf": [{ "type": "object" }, { "allOf": [{ "$ref": "#/components/schemas/A" }] }] },
            "Tree": { "properties": { "parent": { "$ref": "#/components/schemas/Tree" } } },
        }}});
        let described: Vec<_> = all_of_cycles(&root)
            .iter()
            .map(|c| format!("{}: {}", c.schema, c.describe()))
            .collect();
        assert_eq!(
            described,
            [
                "/components/schemas/A: `/components/schemas/A/allOf/0` refers to `/components/schemas/B`, `/components/schemas/B/allOf/1/allOf/0` refers to `/components/schemas/A`",
                "/components/schemas/Alone: `/components/schemas/Alone/allOf/0` refers to `/components/schemas/Alone`",
            ]
        );
        assert_eq!(
            all_of_closure(&root, "A"),
            ["A".to_owned(), "B".to_owned()].into()
        );
    }
}
