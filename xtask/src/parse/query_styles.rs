//! How a query parameter is spelled, from its `style`, `explode` and schema: OpenAPI's
//! spellings of arrays and objects (the runtime writes them: `crates/runtime/src/query_style.rs`
//! has the table). A scalar keeps the plain query setter; an array or an object names its
//! style, which its mock helper matches too (`xtask/src/mock.rs`); one whose items or members
//! are arrays or objects, which no style spells, is sent as its JSON text (the runtime decides,
//! from the value). `deepObject` for anything but an object is refused, naming the parameter.

use serde_json::Value;

use crate::model::{QueryStyle, SchemaName};
use crate::names;
use crate::spec::Spec;

/// What a parameter's schema is, as far as its spelling goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Array,
    Object,
}

/// The spelling of the query parameter `name` (`None`: the plain one), or why it has none.
pub(super) fn query_style(
    spec: &Spec,
    name: &str,
    parameter: &Value,
    schema: &Value,
) -> Result<Option<QueryStyle>, String> {
    let style = parameter
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or("form");
    let explode = parameter
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    if !matches!(
        style,
        "form" | "spaceDelimited" | "pipeDelimited" | "deepObject"
    ) {
        return Err(format!(
            "query parameter `{name}` has style {style}: a query parameter's style is form, spaceDelimited, pipeDelimited or deepObject"
        ));
    }
    let kind = kind(spec, schema);
    let chosen = match (style, explode, kind) {
        (_, _, Kind::Scalar) if style != "deepObject" => None,
        ("form" | "spaceDelimited" | "pipeDelimited", true, _) => Some(QueryStyle::Form),
        ("form", false, _) => Some(QueryStyle::FormJoined),
        ("spaceDelimited", false, _) => Some(QueryStyle::SpaceDelimited),
        ("pipeDelimited", false, _) => Some(QueryStyle::PipeDelimited),
        ("deepObject", _, Kind::Object) => Some(QueryStyle::DeepObject),
        _ => {
            return Err(format!(
                "query parameter `{name}` has style deepObject but is not an object: deepObject spells an object's members"
            ));
        }
    };
    Ok(chosen)
}

/// Whether `schema` (through `$ref`, and the first of an `allOf`) is an array, an object or
/// neither.
fn kind(spec: &Spec, schema: &Value) -> Kind {
    let Some(schema) = resolved(spec, schema) else {
        return Kind::Scalar;
    };
    let typed = schema.get("type").and_then(Value::as_str);
    if typed == Some("array") || schema.get("items").is_some() {
        Kind::Array
    } else if typed == Some("object")
        || schema.get("properties").is_some()
        || schema.get("additionalProperties").is_some()
    {
        Kind::Object
    } else {
        Kind::Scalar
    }
}

fn resolved<'a>(spec: &'a Spec, schema: &'a Value) -> Option<&'a Value> {
    let schema = spec.resolve(schema)?;
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([only]) => spec.resolve(only),
        _ => Some(schema),
    }
}

/// The type of a query parameter that is an object with `properties` (a struct, which
/// progenitor cannot take as a parameter): its component's, or its inline schema's hoisted
/// under [`names::query_object_type`]; `None` for any other parameter (a map is no struct).
pub(super) fn query_object(
    spec: &Spec,
    operation_id: &str,
    name: &str,
    schema: &Value,
) -> Option<(SchemaName, Option<Value>)> {
    let target = resolved(spec, schema)?;
    target.get("properties")?;
    let referenced = match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([only]) => only,
        _ => schema,
    };
    match referenced
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(component) if !component.contains('/') => Some((
            SchemaName {
                spec: component.to_owned(),
                rust: names::type_name(component),
            },
            None,
        )),
        _ => {
            let rust = names::query_object_type(operation_id, name);
            Some((
                SchemaName {
                    spec: rust.clone(),
                    rust,
                },
                Some(target.clone()),
            ))
        }
    }
}
