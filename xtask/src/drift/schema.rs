//! A schema as the drift comparison sees it, on either side: references followed, `allOf`
//! merged, and a type named by what credkit would generate for it, so that two spellings of one
//! Rust type (`integer` and `integer` + `int64`, a named component and the same object written
//! inline) are not reported as a difference.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::parse::DEVIATION;

/// One OpenAPI document, raw: the hand-written spec or the published definition.
#[derive(Clone, Copy)]
pub struct Document<'a> {
    pub root: &'a Value,
}

/// A value with its local `$ref`s followed.
pub struct Followed<'a> {
    /// What the chain ends at; `None` when a reference does not resolve (or leaves the file).
    pub value: Option<&'a Value>,
    /// The component schema last named on the way (`Credential`), which names its members.
    pub component: Option<String>,
    /// The first `x-credkit-deviation` on the way, the place of use before the definition.
    pub deviation: Option<&'a str>,
    /// `nullable: true` anywhere on the way.
    pub nullable: bool,
}

impl<'a> Document<'a> {
    pub fn new(root: &'a Value) -> Self {
        Self { root }
    }

    /// Follows `value`'s chain of local references (`crate::schema_refs::chain`).
    pub fn follow(&self, value: &'a Value) -> Followed<'a> {
        let chain = crate::schema_refs::chain(self.root, value);
        let hops = &chain.hops;
        Followed {
            value: chain.ends.then(|| hops.last().copied()).flatten(),
            component: hops
                .iter()
                .rev()
                .filter_map(|hop| crate::schema_refs::target(hop))
                .find_map(crate::schema_refs::component),
            deviation: hops
                .iter()
                .find_map(|hop| hop.get(DEVIATION).and_then(Value::as_str)),
            nullable: hops
                .iter()
                .any(|hop| hop.get("nullable").and_then(Value::as_bool) == Some(true)),
        }
    }
}

/// A schema after references and `allOf`.
#[derive(Debug, Clone)]
pub struct Schema<'a> {
    pub kind: Kind<'a>,
    pub nullable: bool,
    /// The `enum` values, as JSON text (`"Attivo"`, `1`).
    pub values: Option<BTreeSet<String>>,
    /// `x-credkit-open-enum`: a value the server adds still parses.
    pub open_enum: bool,
    pub deviation: Option<&'a str>,
    /// The component schema it is (`Credential`), which names its members in reports.
    pub component: Option<String>,
}

/// What a schema is.
#[derive(Debug, Clone)]
pub enum Kind<'a> {
    /// A string, number, integer or boolean: its type as credkit generates it
    /// (`string(date-time)`, `integer(int32)`, `integer`).
    Scalar(String),
    /// An array and the schema of its items (none: any item).
    Array(Option<&'a Value>),
    /// An object: its members in spec order, and the required ones.
    Object {
        members: Vec<(String, &'a Value)>,
        required: BTreeSet<String>,
    },
    /// `oneOf` / `anyOf`: the sorted type names of its branches.
    Union(Vec<String>),
    /// No type said: any JSON value.
    Any,
}

impl Schema<'_> {
    /// The type in words: `string`, `integer(int32)`, `array`, `object`, `one of (boolean | object)`.
    pub fn type_name(&self) -> String {
        match &self.kind {
            Kind::Scalar(name) => name.clone(),
            Kind::Array(_) => "array".to_owned(),
            Kind::Object { .. } => "object".to_owned(),
            Kind::Union(branches) => format!("one of ({})", branches.join(" | ")),
            Kind::Any => "any".to_owned(),
        }
    }
}

/// The view of the schema `value` of `doc`.
pub fn view<'a>(doc: Document<'a>, value: &'a Value) -> Schema<'a> {
    view_at(doc, value, &mut Vec::new())
}

/// The view of `value`; `entered` holds the schemas whose view is being made, so that an
/// `allOf` or a union that comes back to one of them is read as any value, not entered again.
fn view_at<'a>(doc: Document<'a>, value: &'a Value, entered: &mut Vec<*const Value>) -> Schema<'a> {
    let followed = doc.follow(value);
    let node = followed
        .value
        .filter(|node| !entered.contains(&std::ptr::from_ref(*node)));
    let Some(node) = node else {
        return Schema {
            kind: Kind::Any,
            nullable: followed.nullable,
            values: None,
            open_enum: false,
            deviation: followed.deviation,
            component: followed.component,
        };
    };
    entered.push(std::ptr::from_ref(node));
    let own = own_kind(doc, node, entered);
    let mut schema = Schema {
        kind: own,
        nullable: followed.nullable,
        values: node.get("enum").and_then(Value::as_array).map(|values| {
            values
                .iter()
                .filter(|v| !v.is_null())
                .map(Value::to_string)
                .collect()
        }),
        open_enum: node.get("x-credkit-open-enum").and_then(Value::as_bool) == Some(true),
        deviation: followed.deviation,
        component: followed.component,
    };
    let parts = node.get("allOf").and_then(Value::as_array);
    if let Some(parts) = parts {
        for part in parts {
            let part = view_at(doc, part, entered);
            // `{nullable: true, allOf: [$ref: Thing]}` is a `Thing`, named after it.
            if parts.len() == 1 && schema.component.is_none() {
                schema.component.clone_from(&part.component);
            }
            merge(&mut schema, part);
        }
    }
    entered.pop();
    schema
}

/// What the node says by itself, before its `allOf`.
fn own_kind<'a>(doc: Document<'a>, node: &'a Value, entered: &mut Vec<*const Value>) -> Kind<'a> {
    let branches = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Value::as_array);
    if let Some(branches) = branches {
        let names: BTreeSet<String> = branches
            .iter()
            .map(|b| view_at(doc, b, entered).type_name())
            .collect();
        return Kind::Union(names.into_iter().collect());
    }
    let kind = node.get("type").and_then(Value::as_str);
    let format = node.get("format").and_then(Value::as_str);
    match kind {
        Some("array") => Kind::Array(node.get("items")),
        Some("object") => object(node),
        Some(scalar @ ("string" | "integer" | "number" | "boolean")) => {
            Kind::Scalar(scalar_name(scalar, format))
        }
        Some(other) => Kind::Scalar(other.to_owned()),
        None if node.get("properties").is_some() || node.get("additionalProperties").is_some() => {
            object(node)
        }
        None => Kind::Any,
    }
}

fn object(node: &Value) -> Kind<'_> {
    Kind::Object {
        members: node
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.clone(), schema))
            .collect(),
        required: node
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
    }
}

/// A scalar type by the Rust type credkit generates for it: the formats that change it are
/// kept (`date-time`, `uuid`, `int32`, ...), the others (`int64`, `double`, a format no tool
/// knows such as `dateTime`) give the same type as no format.
fn scalar_name(kind: &str, format: Option<&str>) -> String {
    let meaningful = match kind {
        "string" => ["date-time", "date", "uuid", "ipv4", "ipv6"].as_slice(),
        "integer" => [
            "int8", "int16", "int32", "uint8", "uint16", "uint32", "uint64",
        ]
        .as_slice(),
        "number" => ["float"].as_slice(),
        _ => [].as_slice(),
    };
    match format {
        Some(format) if meaningful.contains(&format) => format!("{kind}({format})"),
        _ => kind.to_owned(),
    }
}

/// Adds one `allOf` part to the schema it is part of: an object's members and required names
/// add up (the later part wins a member both name); a part that is not an object gives its
/// type to a schema that has none of its own.
fn merge<'a>(schema: &mut Schema<'a>, part: Schema<'a>) {
    schema.nullable |= part.nullable;
    schema.open_enum |= part.open_enum;
    schema.values = schema.values.take().or(part.values);
    schema.deviation = schema.deviation.or(part.deviation);
    match (&mut schema.kind, part.kind) {
        (
            Kind::Object { members, required },
            Kind::Object {
                members: more,
                required: also,
            },
        ) => {
            for (name, member) in more {
                match members.iter_mut().find(|(n, _)| *n == name) {
                    Some(existing) => existing.1 = member,
                    None => members.push((name, member)),
                }
            }
            required.extend(also);
        }
        (kind @ Kind::Any, part_kind) => *kind = part_kind,
        _ => {}
    }
}
