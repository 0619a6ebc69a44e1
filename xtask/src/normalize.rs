//! The document progenitor reads: the spec, rewritten in memory, and checked to be OpenAPI 3.0
//! one schema at a time so that every refused schema is named in one run.
//!
//! Error responses are removed: every status other than the success one reaches the runtime as
//! a raw response, which keeps status, headers and body whatever the body is (problem+json, an
//! empty body, an HTML page from a proxy). progenitor would otherwise decode error bodies itself
//! and drop the status and headers of any body that does not parse. Bodiless successes beside a
//! JSON one (a `204` beside a `200`) go too: the generated `send` answers `None` for them.
//!
//! Members marked `readOnly` leave the request bodies, through request twins of the schemas
//! they are in, and members marked `writeOnly` leave the answers ([`crate::read_write`]).
//!
//! A `pattern` the generated code could not compile becomes documentation (see
//! [`keep_unsupported_patterns_as_documentation`]).
//!
//! The alternatives of a `oneOf` with a `discriminator` carry its value ([`crate::discriminator`]).
//!
//! A query parameter's `style` and `explode` go: credkit writes the query itself, in every
//! style OpenAPI defines (`parse/query_styles.rs`), and progenitor refuses some of them.
//!
//! A `format` on a boolean, object or array schema (`{type: boolean, format: nullable}`, valid
//! OpenAPI 3.0 but meaningless) is dropped: typify would panic on it.

use serde_json::Value;

use crate::json_tree::each_object_mut;
use crate::model::{
    BodyEncoding, Callback, Operation, RequestBody, RequestTwin, StatusVariant, Success,
    pointer_segment,
};
use crate::names;
use crate::problem::Problem;
use crate::read_write;
use crate::spec::{METHODS, Spec};

/// The spec progenitor generates from, or the places openapiv3 refuses.
pub fn for_progenitor(
    spec: &Spec,
    operations: &[Operation],
    callbacks: &[Callback],
    request_twins: &[RequestTwin],
) -> Result<openapiv3::OpenAPI, Vec<Problem>> {
    let mut doc = spec.doc.clone();
    // The inline schemas credkit names (a callback's body, an answer of one status) become
    // components, so that typify generates their types under those names.
    let answers = operations.iter().flat_map(|op| match &op.success {
        Success::ByStatus { variants } => variants.as_slice(),
        _ => &[],
    });
    let mut hoisted: Vec<(String, Value)> = callbacks
        .iter()
        .filter_map(|c| Some((&c.payload, c.inline_schema.as_ref()?)))
        .chain(answers.filter_map(StatusVariant::inline_schema))
        .chain(operations.iter().flat_map(|op| &op.parameters).filter_map(
            |p| match &p.query_object {
                Some((name, Some(inline))) => Some((name, inline)),
                _ => None,
            },
        ))
        .map(|(name, schema)| (name.spec.clone(), schema.clone()))
        .collect();
    // The file members of multipart bodies refer to one component, which typify replaces.
    if operations.iter().any(Operation::sends_multipart) {
        hoisted.push((
            names::FILE_PART_SCHEMA.to_owned(),
            serde_json::json!({ "type": "string", "description": "A file part." }),
        ));
    }
    for (name, schema) in hoisted {
        if let Some(schemas) = doc
            .as_object_mut()
            .map(|d| {
                d.entry("components")
                    .or_insert_with(|| serde_json::json!({}))
            })
            .and_then(Value::as_object_mut)
            .map(|c| c.entry("schemas").or_insert_with(|| serde_json::json!({})))
            .and_then(Value::as_object_mut)
        {
            schemas.insert(name, schema);
        }
    }
    any_json_without_schema(&mut doc);
    read_write::answers_view(&mut doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                let operation = operations
                    .iter()
                    .find(|op| op.path == *path && op.method.eq_ignore_ascii_case(method));
                if let Some(responses) = item
                    .get_mut(method)
                    .and_then(|op| op.get_mut("responses"))
                    .and_then(Value::as_object_mut)
                {
                    successes_only(responses, operation.map(|op| &op.success));
                }
                if let (Some(op), Some(body)) = (
                    item.get_mut(method).and_then(Value::as_object_mut),
                    operation.and_then(|op| op.body.as_ref()),
                ) {
                    one_body_media(spec, op, body);
                }
            }
        }
    }
    read_write::requests_view(spec, &mut doc, request_twins);
    // After the request twins exist: a multipart body's reference may now lead to one.
    multipart_files_as_parts(&mut doc, operations);
    // Response components are only referenced by errors; unreferenced ones are harmless, but
    // keeping none makes the normalized document say exactly what progenitor uses.
    let used = used_response_refs(&doc);
    if let Some(responses) = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        responses.retain(|name, _| used.iter().any(|u| u == name));
    }
    drop_meaningless_formats(&mut doc);
    query_styles_written_by_credkit(spec, &mut doc);
    crate::discriminator::tag_alternatives(&mut doc);
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    merge_object_unions(&mut doc, &schemas);
    keep_unsupported_patterns_as_documentation(&mut doc);
    crate::member_names::distinct_fields(&mut doc);
    crate::variant_names::distinct_variants(&mut doc);
    crate::parameter_names::distinct_setters(&mut doc, operations);
    crate::type_names::title_inline_twins(&mut doc);

    let mut problems = Vec::new();
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Err(e) =
            serde_path_to_error::deserialize::<_, openapiv3::ReferenceOr<openapiv3::Schema>>(schema)
        {
            problems.push(spec.problem(
                Some(format!(
                    "/components/schemas/{}{}",
                    pointer_segment(name),
                    pointer(e.path())
                )),
                format!("not a valid OpenAPI 3.0 schema: {}", e.inner()),
            ));
        }
    }
    match serde_path_to_error::deserialize(&doc) {
        Ok(api) if problems.is_empty() => Ok(api),
        Ok(_) => Err(problems),
        Err(e) => {
            if problems.is_empty() {
                // Inside an operation, serde names only the outermost untagged value (`/paths`).
                for (place, message) in crate::openapi_places::refused_operations(&doc) {
                    problems.push(spec.problem(
                        Some(place),
                        format!("not a valid OpenAPI 3.0 operation: {message}"),
                    ));
                }
            }
            if problems.is_empty() {
                let place = pointer(e.path());
                problems.push(spec.problem(
                    Some(if place.is_empty() {
                        "/".to_owned()
                    } else {
                        place
                    }),
                    format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
                ));
            }
            Err(problems)
        }
    }
}

/// A JSON answer whose media type has no schema (as published definitions write an answer
/// they do not describe) is any JSON value, `serde_json::Value`: it gets the schema `{}`.
fn any_json_without_schema(doc: &mut Value) {
    let fill = |answer: &mut Value| {
        let contents = answer.get_mut("content").and_then(Value::as_object_mut);
        for (media, content) in contents.into_iter().flatten() {
            let json = media == "application/json" || media.ends_with("+json");
            if let Some(content) = content.as_object_mut()
                && json
                && !content.contains_key("schema")
            {
                content.insert("schema".to_owned(), serde_json::json!({}));
            }
        }
    };
    let operations = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut());
    for op in operations {
        let responses = op.get_mut("responses").and_then(Value::as_object_mut);
        responses
            .into_iter()
            .flatten()
            .for_each(|(_, answer)| fill(answer));
    }
    let shared = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut);
    shared
        .into_iter()
        .flatten()
        .for_each(|(_, answer)| fill(answer));
}

/// Drops `style` and `explode` from every query parameter (of path items, operations and
/// `components/parameters`), and reads one that is an object with `properties` as a JSON
/// object: progenitor cannot take a struct as a parameter, and the builder's setter takes the
/// struct itself (`Parameter::query_object`).
fn query_styles_written_by_credkit(spec: &Spec, doc: &mut Value) {
    let unstyle = |parameter: &mut Value| {
        let Some(parameter) = parameter.as_object_mut() else {
            return;
        };
        if parameter.get("in").and_then(Value::as_str) != Some("query") {
            return;
        }
        parameter.remove("style");
        parameter.remove("explode");
        let Some(schema) = parameter.get_mut("schema") else {
            return;
        };
        let Some(target) = spec.resolve(schema) else {
            return;
        };
        let target = match target
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => spec.resolve(only).unwrap_or(target),
            _ => target,
        };
        if target.get("properties").is_some() {
            let nullable = [&*schema, target]
                .iter()
                .any(|s| s.get("nullable").and_then(Value::as_bool) == Some(true));
            *schema = serde_json::json!({ "type": "object", "nullable": nullable });
        }
    };
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (key, value) in item.iter_mut() {
                let list = if key == "parameters" {
                    Some(value)
                } else {
                    value.get_mut("parameters")
                };
                list.and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                    .for_each(unstyle);
            }
        }
    }
    if let Some(components) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        components.values_mut().for_each(unstyle);
    }
}

/// Keeps the success responses progenitor should see, in the shape it reads them:
/// - errors go (and a `default` beside successes is an error);
/// - bodiless statuses beside a JSON one go: the generated `send` answers `None` for them;
/// - of statuses with different schemas, one stays (`send` decodes each into its own type);
/// - a `default` that is the only answer becomes a `200`, any `2XX` being matched by `send`;
/// - a text answer loses its content (`send` reads it as a `String` itself), a binary one
///   labelled JSON (`format: binary`) is relabelled `application/octet-stream`, so that
///   progenitor streams it.
fn successes_only(responses: &mut serde_json::Map<String, Value>, success: Option<&Success>) {
    let only_default = !responses.keys().any(|code| code.starts_with('2'));
    if only_default && let Some(default) = responses.remove("default") {
        responses.insert("200".to_owned(), default);
    }
    let empty: Vec<String> = success
        .map(|s| s.empty_alternatives().iter().map(u16::to_string).collect())
        .unwrap_or_default();
    // An answer with a variant per status: progenitor sees one of its JSON statuses (it takes
    // one success type), by reference to the schema hoisted from it if it was inline;
    // credkit's `send` decodes each status into its own type.
    let only = match success {
        Some(Success::ByStatus { variants }) => variants.iter().find(|v| v.schema().is_some()),
        _ => None,
    };
    responses.retain(|code, _| {
        code.starts_with('2')
            && !empty.contains(code)
            && only.is_none_or(|only| only.status.to_string() == *code)
    });
    // A download beside bodiless statuses: progenitor sees the download's (it takes one
    // success type); credkit's `send` streams each, empty for the bodiless ones.
    if matches!(success, Some(Success::Binary { .. }))
        && responses.values().any(|r| r.get("content").is_some())
    {
        responses.retain(|_, response| response.get("content").is_some());
    }
    // No success documented (only redirections or errors): progenitor reads a bodiless one.
    if responses.is_empty() {
        responses.insert("200".to_owned(), serde_json::json!({ "description": "" }));
    }
    if let Some(variant) = only
        && let Some((name, _)) = variant.inline_schema()
    {
        responses.insert(
            variant.status.to_string(),
            serde_json::json!({
                "description": "",
                "content": { "application/json": { "schema": {
                    "$ref": format!("#/components/schemas/{}", pointer_segment(&name.spec)),
                } } },
            }),
        );
    }
    for response in responses.values_mut() {
        let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
            continue;
        };
        match success {
            Some(Success::Text { .. }) => content.clear(),
            Some(Success::Binary { .. }) => {
                let bodies: Vec<Value> = std::mem::take(content).into_values().collect();
                for body in bodies {
                    content.insert("application/octet-stream".to_owned(), body);
                }
            }
            _ => {}
        }
    }
}

/// Leaves the one media type of the body that is generated, as progenitor reads it: JSON of
/// any `+json` flavour as `application/json`, bytes as a binary `application/octet-stream`,
/// text as a `text/plain` string (the template sends each with its real media type).
fn one_body_media(spec: &Spec, op: &mut serde_json::Map<String, Value>, body: &RequestBody) {
    let Some(declared) = op.get("requestBody").and_then(|b| spec.resolve(b)).cloned() else {
        return;
    };
    let media = declared
        .pointer(&format!("/content/{}", pointer_segment(&body.media_type)))
        .cloned()
        .unwrap_or_default();
    let (name, media) = match body.encoding {
        BodyEncoding::Json => ("application/json", media),
        BodyEncoding::Form => ("application/x-www-form-urlencoded", media),
        BodyEncoding::Bytes => (
            "application/octet-stream",
            serde_json::json!({ "schema": { "type": "string", "format": "binary" } }),
        ),
        BodyEncoding::Text => (
            "text/plain",
            serde_json::json!({ "schema": { "type": "string" } }),
        ),
        // Its file members are rewritten by `multipart_files_as_parts`; the model holds what
        // its `encoding` says (progenitor would panic on it).
        BodyEncoding::Multipart => (
            "application/json",
            serde_json::json!({ "schema": media.get("schema") }),
        ),
    };
    let mut media = media;
    // A body written inline as `nullable` (as published definitions write an object that may
    // be empty) is a body to send, not an `Option` of one: `send` sends what is set, and an
    // optional body left unset sends nothing.
    if let Some(schema) = media.get_mut("schema").and_then(Value::as_object_mut) {
        schema.remove("nullable");
    }
    let mut rewritten = declared;
    if let Some(object) = rewritten.as_object_mut() {
        object.insert("content".to_owned(), serde_json::json!({ name: media }));
    }
    op.insert("requestBody".to_owned(), rewritten);
}

/// Makes the file members of each `multipart/form-data` body (in its inline schema, or in the
/// component it references) references to [`names::FILE_PART_SCHEMA`] (an array of them for a
/// list of files), which typify replaces with `credkit_runtime::FilePart`. The body is then a
/// type like any other (progenitor reads it as JSON), and the template sends each member as a
/// part.
fn multipart_files_as_parts(doc: &mut Value, operations: &[Operation]) {
    let file = serde_json::json!({
        "$ref": format!("#/components/schemas/{}", names::FILE_PART_SCHEMA)
    });
    for operation in operations.iter().filter(|op| op.sends_multipart()) {
        let Some(body) = &operation.body else {
            continue;
        };
        let at = format!(
            "/paths/{}/{}/requestBody/content/application~1json/schema",
            pointer_segment(&operation.path),
            operation.method.to_ascii_lowercase()
        );
        let component = doc
            .pointer(&at)
            .and_then(|s| s.get("$ref"))
            .and_then(Value::as_str)
            .map(|r| r.trim_start_matches('#').to_owned());
        let Some(schema) = doc.pointer_mut(component.as_deref().unwrap_or(&at)) else {
            continue;
        };
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for member in body.members.iter().filter(|m| m.file.is_some()) {
            if let Some(property) = properties.get_mut(&member.name) {
                *property = if property.get("type").and_then(Value::as_str) == Some("array") {
                    serde_json::json!({ "type": "array", "items": file })
                } else {
                    file.clone()
                };
            }
        }
    }
}

/// Response components referenced by the responses that remain.
fn used_response_refs(doc: &Value) -> Vec<String> {
    let mut used = Vec::new();
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(_, v)| v)
    {
        for method in METHODS {
            let responses = item
                .get(method)
                .and_then(|op| op.get("responses"))
                .and_then(Value::as_object);
            for response in responses.into_iter().flatten().map(|(_, r)| r) {
                if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
                    used.push(reference.rsplit('/').next().unwrap_or_default().to_owned());
                }
            }
        }
    }
    used
}

/// Removes `format` from boolean, object and array schemas, wherever they are.
fn drop_meaningless_formats(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let meaningless = matches!(
                object.get("type").and_then(Value::as_str),
                Some("boolean" | "object" | "array")
            ) && object.get("format").is_some_and(Value::is_string);
            if meaningless {
                object.remove("format");
            }
            object.values_mut().for_each(drop_meaningless_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_meaningless_formats),
        _ => {}
    }
}

/// Makes each `anyOf` of objects one object with every member optional (members required by
/// every alternative stay required). typify takes object alternatives to be closed, so it
/// generates `anyOf: [{email}, {phone}]` as an enum of one member each, and an answer that has
/// both (which `anyOf` allows) would not decode. An alternative that is not an object with
/// members (a scalar, a composition), or two that give one member different schemas, leave the
/// `anyOf` as it is.
fn merge_object_unions(value: &mut Value, schemas: &Value) {
    each_object_mut(value, &mut |object| {
        if let Some(merged) = object
            .get("anyOf")
            .and_then(Value::as_array)
            .and_then(|alternatives| merged_objects(alternatives, schemas))
        {
            object.remove("anyOf");
            object.insert("type".to_owned(), Value::String("object".to_owned()));
            object.extend(merged);
        }
    });
}

/// `properties` and `required` of one object accepting what each of `alternatives` accepts.
fn merged_objects(
    alternatives: &[Value],
    schemas: &Value,
) -> Option<serde_json::Map<String, Value>> {
    let mut properties = serde_json::Map::new();
    let mut required: Option<Vec<Value>> = None;
    for alternative in alternatives {
        let object = match alternative.get("$ref").and_then(Value::as_str) {
            Some(reference) => schemas.pointer(reference.strip_prefix("#/components/schemas")?)?,
            None => alternative,
        };
        let is_object = object.get("type").and_then(Value::as_str) == Some("object");
        let composed = ["allOf", "oneOf", "anyOf", "$ref"]
            .iter()
            .any(|k| object.get(k).is_some());
        let members = object.get("properties").and_then(Value::as_object)?;
        if !is_object || composed {
            return None;
        }
        for (name, member) in members {
            match properties.get(name) {
                Some(known) if known != member => return None,
                _ => {
                    properties.insert(name.clone(), member.clone());
                }
            }
        }
        let own: Vec<Value> = object
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        required = Some(match required {
            None => own,
            Some(so_far) => so_far.into_iter().filter(|r| own.contains(r)).collect(),
        });
    }
    let mut merged = serde_json::Map::new();
    merged.insert("properties".to_owned(), Value::Object(properties));
    if let Some(required) = required.filter(|r| !r.is_empty()) {
        merged.insert("required".to_owned(), Value::Array(required));
    }
    Some(merged)
}

/// Turns each `pattern` the generated code could not compile (regress, the ECMAScript engine
/// typify uses, has no inline flags such as `(?i)`, no possessive quantifiers, ...) into a line
/// of the schema's description: the value is then not checked by the client, and the reader
/// still sees the rule. A pattern that compiles is kept and checked.
fn keep_unsupported_patterns_as_documentation(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let refused = object
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(|pattern| {
                    regress::Regex::new(pattern)
                        .err()
                        .map(|e| (pattern.to_owned(), e.to_string()))
                });
            if let Some((pattern, reason)) = refused {
                object.remove("pattern");
                let note = format!("Pattern `{pattern}` (not checked by this client: {reason}).");
                let description = match object.get("description").and_then(Value::as_str) {
                    Some(text) => format!("{text}\n\n{note}"),
                    None => note,
                };
                object.insert("description".to_owned(), Value::String(description));
            }
            object
                .values_mut()
                .for_each(keep_unsupported_patterns_as_documentation);
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(keep_unsupported_patterns_as_documentation),
        _ => {}
    }
}

/// The place openapiv3 refused, as a JSON pointer like the other problems (`/components/schemas/Thing`).
pub(crate) fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&pointer_segment(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
