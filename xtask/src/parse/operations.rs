//! Each operation: its Rust name, parameters, request body, success kind, error statuses and
//! the media types it accepts.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Problems;
use crate::model::{
    BodyEncoding, BodyMember, Operation, Parameter, ParameterLocation, RequestBody, SchemaName,
    StatusBody, StatusVariant, Success, pointer_segment, str_of,
};
use crate::names;
use crate::spec::Spec;

/// Media types of an error body checked against the service's error schema, when it names
/// one. Errors are never decoded by progenitor: the runtime keeps their raw body (of any media
/// type, with any schema) and decodes JSON ones into the service's error schema on request.
const ERROR_MEDIA: [&str; 3] = ["application/json", "application/problem+json", "text/plain"];

pub(super) fn operations(
    spec: &Spec,
    error_schema: Option<&SchemaName>,
    problems: &mut Problems<'_>,
) -> Vec<Operation> {
    let global_security = spec
        .doc
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let mut rust_names: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut operations = Vec::new();
    for declared in spec.operations() {
        let (path, item, op) = (declared.path, declared.path_item, declared.op);
        let method = declared.method.to_ascii_uppercase();
        let spec_id = str_of(op, "operationId");
        let location = match spec_id {
            Some(id) => format!("{method} {path} ({id})"),
            None => format!("{method} {path}"),
        };
        let mut messages = Vec::new();
        let rust_name = match spec_id {
            None => {
                messages.push(
                        "missing operationId: every operation needs one, it becomes the Rust method name"
                            .to_owned(),
                    );
                None
            }
            Some(id) => {
                let rust = names::method_name(id);
                if let Some(item) = names::client_item(&rust) {
                    messages.push(format!(
                        "operationId `{id}` becomes the Rust method `{rust}`, which the client has already ({item}): rename it"
                    ));
                }
                let first = rust_names.insert(rust.clone(), (id.to_owned(), location.clone()));
                match first {
                        Some((first_id, first)) if first_id == id => messages.push(format!(
                            "duplicate operationId `{id}`, already used by {first}"
                        )),
                        Some((first_id, first)) => messages.push(format!(
                            "operationIds `{first_id}` ({first}) and `{id}` both become the Rust method `{rust}`: rename one"
                        )),
                        None => {}
                    }
                Some(rust)
            }
        };
        let idempotent = crate::defaults::idempotent(declared.method, op)
            .map_err(|message| messages.push(message))
            .ok();
        let (success, error_statuses, accept) = responses(
            spec,
            op,
            spec_id.unwrap_or_default(),
            error_schema,
            &mut messages,
        );
        let body = request_body(spec, op, &mut messages);
        let parameters = parameters(spec, item, op, spec_id.unwrap_or_default(), &mut messages);
        path_template(spec, &declared, &mut messages);
        let anonymous = match op.get("security").and_then(Value::as_array) {
            Some(requirements) => requirements.is_empty(),
            None => !global_security,
        };
        let deprecated = (op.get("deprecated").and_then(Value::as_bool) == Some(true)).then(|| {
            let reason = str_of(op, "x-deprecated-reason")
                .or_else(|| str_of(op, "summary"))
                .map(str::trim)
                .filter(|r| !r.is_empty());
            match reason {
                Some(reason) => format!("deprecated by the API description: {reason}"),
                None => "deprecated by the API description".to_owned(),
            }
        });
        let rate_limit = super::rate_limit::of(op).unwrap_or_else(|found| {
            messages.extend(found);
            None
        });
        let ok = messages.is_empty();
        for message in messages {
            problems.at(location.clone(), message);
        }
        if let (true, Some(spec_id), Some(rust_name), Some(idempotent), Some(success)) =
            (ok, spec_id, rust_name, idempotent, success)
        {
            operations.push(Operation {
                spec_id: spec_id.to_owned(),
                rust_name,
                method,
                path: path.to_owned(),
                parameters,
                body,
                success,
                error_statuses,
                accept,
                idempotent,
                anonymous,
                deprecated,
                summary: trimmed(op, "summary"),
                description: trimmed(op, "description"),
                rate_limit,
                answer_shapes: Vec::new(),
                limits: Vec::new(),
                feature: None,
            });
        }
    }
    operations
}

/// What a success response carries.
#[derive(Debug, PartialEq)]
enum BodyKind {
    Empty,
    /// JSON, with its schema (statuses with equal schemas share one answer type).
    Json(Value),
    Binary(String),
    Text(String),
}

/// The success kind, the error statuses and the answers' media types of an operation.
///
/// A `default` answer is the success when the operation documents no `2XX` one, and an error
/// beside them.
fn responses(
    spec: &Spec,
    op: &Value,
    operation_id: &str,
    error_schema: Option<&SchemaName>,
    messages: &mut Vec<String>,
) -> (Option<Success>, Vec<String>, Vec<String>) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        messages.push("no responses: document the success response".into());
        return (None, Vec::new(), Vec::new());
    };
    let default_succeeds = !responses.keys().any(|code| code.starts_with('2'));
    let (mut success_media, mut error_media) = (Vec::new(), Vec::new());
    let error_ref = error_schema
        .map(|name| serde_json::json!({ "$ref": format!("#/components/schemas/{}", name.spec) }));
    let mut successes: Vec<(String, BodyKind)> = Vec::new();
    let mut error_statuses = Vec::new();
    for (code, response) in responses {
        let Some(response) = spec.resolve(response) else {
            messages.push(format!("response {code}: `$ref` does not resolve"));
            continue;
        };
        let content = response.get("content").and_then(Value::as_object);
        let success = code.starts_with('2') || (code == "default" && default_succeeds);
        let media = if success {
            &mut success_media
        } else {
            &mut error_media
        };
        // Of several media types for one success, the one read is asked for.
        let preferred = if success {
            content.and_then(|c| preferred_media(c.keys()))
        } else {
            None
        };
        match preferred {
            Some(chosen) => media.push(chosen.clone()),
            None => media.extend(content.into_iter().flatten().map(|(name, _)| name.clone())),
        }
        let class = if code == "default" {
            if default_succeeds { '2' } else { '4' }
        } else {
            code.chars().next().unwrap_or('?')
        };
        match class {
            '2' => {
                let media: Vec<(&String, &Value)> = content.into_iter().flatten().collect();
                let kind = match media.as_slice() {
                    [] => BodyKind::Empty,
                    [(name, body)] => body_kind(spec, name, body),
                    many => {
                        let chosen = preferred.unwrap_or(many[0].0);
                        let body = many
                            .iter()
                            .find(|(m, _)| *m == chosen)
                            .map_or(&Value::Null, |(_, b)| *b);
                        if is_xml(chosen) {
                            BodyKind::Text(chosen.clone())
                        } else {
                            body_kind(spec, chosen, body)
                        }
                    }
                };
                successes.push((code.clone(), kind));
            }
            '4' | '5' => {
                error_statuses.push(code.clone());
                // Any media type: the error reaches the caller with its raw body.
                for (name, body) in content.into_iter().flatten() {
                    if ERROR_MEDIA.contains(&name.as_str())
                        && name != "text/plain"
                        && let Some(schema) = body.get("schema")
                        && let Some(expected) = &error_ref
                        && schema != expected
                    {
                        messages.push(format!(
                            "error response {code} ({name}) has schema {schema}: error bodies must use the service's error schema `{}`",
                            error_schema.map_or("(unset)", |s| s.spec.as_str())
                        ));
                    }
                }
            }
            // An informational status (`101` of a protocol switch) or a redirection: the
            // runtime follows a redirect within the origin and returns any other as an error
            // with its headers; neither is an answer of the client's.
            '1' | '3' => {}
            _ => messages.push(format!(
                "status {code} is not supported: document 1XX-5XX statuses, 4XX or 5XX, or default"
            )),
        }
    }
    let mut accept: Vec<String> = Vec::new();
    for media in success_media.into_iter().chain(error_media) {
        if !accept.contains(&media) {
            accept.push(media);
        }
    }
    (
        success_kind(operation_id, &successes, messages),
        error_statuses,
        accept,
    )
}

/// Of the media types one answer is offered in, the one the client asks for and reads: JSON
/// (decoded), else text or XML (a `String`), else the first by name (bytes). `None` for one
/// or none.
fn preferred_media<'a>(offered: impl Iterator<Item = &'a String> + Clone) -> Option<&'a String> {
    let offered: Vec<&String> = offered.collect();
    if offered.len() < 2 {
        return None;
    }
    let json = |m: &&&String| m.as_str() == "application/json" || m.ends_with("+json");
    let text = |m: &&&String| m.starts_with("text/") || is_xml(m);
    offered
        .iter()
        .find(json)
        .or_else(|| offered.iter().find(text))
        .or(offered.first())
        .copied()
}

fn is_xml(media: &str) -> bool {
    media == "application/xml" || media.ends_with("+xml")
}

/// What one success body is: a string of `format: binary` is bytes whatever its media type,
/// JSON (`application/json`, `*/*+json`) is decoded, `text/*` is text, anything else is bytes.
fn body_kind(spec: &Spec, name: &str, body: &Value) -> BodyKind {
    let schema = body.get("schema");
    let binary = schema.and_then(|s| spec.resolve(s)).is_some_and(|s| {
        str_of(s, "type") == Some("string") && str_of(s, "format") == Some("binary")
    });
    let json = name == "application/json" || name.ends_with("+json");
    if binary {
        BodyKind::Binary(name.to_owned())
    } else if json {
        // Without a schema, any JSON value (`normalize::any_json_without_schema`).
        BodyKind::Json(schema.cloned().unwrap_or_else(|| serde_json::json!({})))
    } else if name.starts_with("text/") {
        BodyKind::Text(name.to_owned())
    } else {
        BodyKind::Binary(name.to_owned())
    }
}

/// One success kind from the success responses: one kind for every status (JSON ones with one
/// schema), one JSON answer beside bodiless ones (`200` + `204`, the answer is then
/// `Option<T>`), or one download beside bodiless ones (an empty stream for those). `default` as the success means any `2XX`: no status listed.
fn success_kind(
    operation_id: &str,
    successes: &[(String, BodyKind)],
    messages: &mut Vec<String>,
) -> Option<Success> {
    // Only redirections or errors documented: any 2XX, without a body the spec describes.
    if successes.is_empty() {
        return Some(Success::Empty {
            statuses: Vec::new(),
        });
    }
    let mut statuses = |kind: &dyn Fn(&BodyKind) -> bool| -> Option<Vec<u16>> {
        let mut list = Vec::new();
        for (code, _) in successes.iter().filter(|(_, body)| kind(body)) {
            if code == "default" {
                continue;
            }
            match code.parse::<u16>() {
                Ok(status) => list.push(status),
                Err(_) => {
                    messages.push(format!(
                        "success status {code} is not a number: write the statuses the service answers with (200, 201, ...)"
                    ));
                    return None;
                }
            }
        }
        Some(list)
    };
    let first = &successes[0].1;
    let all_like_first = successes.iter().all(|(_, body)| body == first);
    let json_schemas: Vec<&Value> = successes
        .iter()
        .filter_map(|(_, body)| match body {
            BodyKind::Json(schema) => Some(schema),
            _ => None,
        })
        .collect();
    let empties = successes
        .iter()
        .filter(|(_, body)| *body == BodyKind::Empty)
        .count();
    let one_json_schema = json_schemas.windows(2).all(|pair| pair[0] == pair[1]);
    if all_like_first {
        let all = statuses(&|_| true)?;
        return Some(match first {
            BodyKind::Empty => Success::Empty { statuses: all },
            BodyKind::Json(_) => Success::Json { statuses: all },
            BodyKind::Binary(media_type) => Success::Binary {
                statuses: all,
                media_type: media_type.clone(),
            },
            BodyKind::Text(media_type) => Success::Text {
                statuses: all,
                media_type: media_type.clone(),
            },
        });
    }
    if !json_schemas.is_empty()
        && one_json_schema
        && json_schemas.len() + empties == successes.len()
    {
        let json = statuses(&|body| matches!(body, BodyKind::Json(_)))?;
        let empty = statuses(&|body| *body == BodyKind::Empty)?;
        return Some(Success::JsonOrEmpty { json, empty });
    }
    // A download beside bodiless statuses (`200` the file, `202` not ready yet): one stream,
    // empty for the bodiless ones, whose status the answer keeps.
    let binaries: Vec<&String> = successes
        .iter()
        .filter_map(|(_, body)| match body {
            BodyKind::Binary(media_type) => Some(media_type),
            _ => None,
        })
        .collect();
    if let Some(media_type) = binaries.first()
        && binaries.iter().all(|other| other == media_type)
        && binaries.len() + empties == successes.len()
    {
        return Some(Success::Binary {
            statuses: statuses(&|_| true)?,
            media_type: (*media_type).clone(),
        });
    }
    if let Some(variants) = by_status(operation_id, successes) {
        return Some(Success::ByStatus { variants });
    }
    let codes: Vec<_> = successes.iter().map(|(code, _)| code.as_str()).collect();
    messages.push(format!(
        "{} success responses ({}) with different bodies: keep one kind of body (statuses may share one schema), one JSON answer beside bodiless ones, or JSON statuses beside bodiless and text ones (one variant per status); a binary answer can sit beside bodiless ones only",
        successes.len(),
        codes.join(", ")
    ));
    None
}

/// Statuses with different JSON schemas, and perhaps bodiless or text ones: one variant per
/// status. A `$ref` to a component schema is that schema's type; an inline schema is hoisted
/// into the components under a name of credkit's (`GetThing201Answer`), so that it gets a type
/// of its own too (progenitor sees one success status only); a text body is a `String`.
/// `None` for any other mix (a binary answer, which is a stream and no value, a `default`, no
/// JSON status at all), or a status that is not a number.
fn by_status(operation_id: &str, successes: &[(String, BodyKind)]) -> Option<Vec<StatusVariant>> {
    let variants: Vec<StatusVariant> = successes
        .iter()
        .map(|(code, body)| {
            let status = code.parse::<u16>().ok()?;
            let body = match body {
                BodyKind::Empty => StatusBody::Empty,
                BodyKind::Text(media_type) => StatusBody::Text(media_type.clone()),
                BodyKind::Json(schema) => match str_of(schema, "$ref")
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    Some(name) => StatusBody::Json {
                        schema: SchemaName {
                            spec: name.to_owned(),
                            rust: names::type_name(name),
                        },
                        inline_schema: None,
                    },
                    None => {
                        let rust = names::status_answer_type(operation_id, status);
                        StatusBody::Json {
                            schema: SchemaName {
                                spec: rust.clone(),
                                rust,
                            },
                            inline_schema: Some(schema.clone()),
                        }
                    }
                },
                BodyKind::Binary(_) => return None,
            };
            Some(StatusVariant { status, body })
        })
        .collect::<Option<_>>()?;
    variants
        .iter()
        .any(|v| v.schema().is_some())
        .then_some(variants)
}

fn request_body(spec: &Spec, op: &Value, messages: &mut Vec<String>) -> Option<RequestBody> {
    let body = op.get("requestBody")?;
    let Some(body) = spec.resolve(body) else {
        messages.push("request body `$ref` does not resolve".into());
        return None;
    };
    let offered: Vec<(&String, &Value)> = body
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .collect();
    if offered.is_empty() {
        messages.push("request body without content".into());
        return None;
    }
    let encoding = |name: &str, media: &Value| -> Option<BodyEncoding> {
        let binary = media
            .get("schema")
            .and_then(|s| spec.resolve(s))
            .is_some_and(|s| {
                str_of(s, "type") == Some("string") && str_of(s, "format") == Some("binary")
            });
        Some(if binary {
            BodyEncoding::Bytes
        } else if name == "application/json" || name.ends_with("+json") {
            BodyEncoding::Json
        } else if name == "application/x-www-form-urlencoded" {
            BodyEncoding::Form
        } else if name == "multipart/form-data" {
            BodyEncoding::Multipart
        } else if name.starts_with("multipart/") {
            return None;
        } else if name.starts_with("text/") {
            BodyEncoding::Text
        } else {
            BodyEncoding::Bytes
        })
    };
    let supported: Vec<(&String, BodyEncoding)> = offered
        .iter()
        .filter_map(|(name, media)| Some((*name, encoding(name, media)?)))
        .collect();
    let preference = |e: &BodyEncoding| match e {
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Multipart => 2,
        BodyEncoding::Bytes | BodyEncoding::Text => 3,
    };
    let Some((chosen, encoding)) = supported.iter().min_by_key(|(_, e)| preference(e)).copied()
    else {
        let names: Vec<&str> = offered.iter().map(|(n, _)| n.as_str()).collect();
        messages.push(format!(
            "request body media type {} is not supported: of the multipart types only multipart/form-data is; describe the upload as multipart/form-data, application/octet-stream or JSON",
            names.join(", ")
        ));
        return None;
    };
    let typed = matches!(
        encoding,
        BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart
    );
    let media = offered
        .iter()
        .find(|(name, _)| *name == chosen)
        .map(|(_, media)| *media);
    let schema = media.and_then(|m| m.get("schema"));
    if typed && schema.is_none() {
        messages.push(format!("request body {chosen} without a schema"));
        return None;
    }
    let members = schema
        .filter(|_| typed)
        .map(|schema| {
            body_members(
                spec,
                schema,
                media.and_then(|m| m.get("encoding")),
                encoding,
            )
        })
        .unwrap_or_default();
    if encoding == BodyEncoding::Multipart && members.is_empty() {
        messages.push(format!(
            "request body {chosen}: its schema needs `properties` (through one `$ref` at most), one part per member"
        ));
        return None;
    }
    Some(RequestBody {
        required: body.get("required").and_then(Value::as_bool) == Some(true),
        media_type: chosen.clone(),
        encoding,
        alternatives: offered
            .iter()
            .map(|(name, _)| (*name).clone())
            .filter(|name| name != chosen)
            .collect(),
        members,
    })
}

fn parameters(
    spec: &Spec,
    path_item: &Value,
    op: &Value,
    operation_id: &str,
    messages: &mut Vec<String>,
) -> Vec<Parameter> {
    let mut parameters: Vec<Parameter> = Vec::new();
    let declared = [path_item, op]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten();
    for parameter in declared {
        let Some(parameter) = spec.resolve(parameter) else {
            messages.push("parameter `$ref` does not resolve".into());
            continue;
        };
        let name = str_of(parameter, "name").unwrap_or("(unnamed)");
        let place = str_of(parameter, "in").unwrap_or("(missing)");
        let (location, default_style) = match place {
            "path" => (ParameterLocation::Path, "simple"),
            "header" => (ParameterLocation::Header, "simple"),
            "query" => (ParameterLocation::Query, "form"),
            _ => {
                messages.push(format!("parameter `{name}` is in {place}: only path, query and header parameters are supported"));
                continue;
            }
        };
        if location == ParameterLocation::Header && !super::is_header_name(name) {
            messages.push(format!(
                "header parameter {name:?} is not a header name (letters, digits and !#$%&'*+-.^_`|~, RFC 9110)"
            ));
        }
        if location != ParameterLocation::Query
            && let Some(style) = str_of(parameter, "style")
            && style != default_style
        {
            messages.push(format!("parameter `{name}` has style {style}: only the default style ({default_style}) is supported"));
        }
        if parameter.get("content").is_some() {
            messages.push(format!(
                "parameter `{name}` uses `content`: describe it with `schema`"
            ));
        }
        let Some(schema) = parameter.get("schema") else {
            messages.push(format!("parameter `{name}` has no schema"));
            continue;
        };
        let query_style = if location == ParameterLocation::Query {
            super::query_styles::query_style(spec, name, parameter, schema).unwrap_or_else(|m| {
                messages.push(m);
                None
            })
        } else {
            None
        };
        let query_object = query_style
            .and_then(|_| super::query_styles::query_object(spec, operation_id, name, schema));
        // An operation's parameter overrides the path item's of the same name and place.
        parameters.retain(|p| !(p.name == name && p.location == location));
        parameters.push(Parameter {
            name: name.to_owned(),
            rust_name: String::new(),
            location,
            required: location == ParameterLocation::Path
                || parameter.get("required").and_then(Value::as_bool) == Some(true),
            secret: is_secret(spec, schema),
            description: described(spec, parameter, schema),
            example: example(spec, parameter, schema),
            query_style,
            query_object,
        });
    }
    name_setters(&mut parameters, op.get("requestBody").is_some(), messages);
    parameters
}

/// Each parameter's setter, chosen by [`names::parameter_setters`] with the path parameters
/// first; refused: a setter the builder has already, and two path parameters spelled alike (a
/// path parameter keeps its name in the path template progenitor reads).
fn name_setters(parameters: &mut [Parameter], has_body: bool, messages: &mut Vec<String>) {
    let mut order: Vec<usize> = (0..parameters.len()).collect();
    order.sort_by_key(|&i| parameters[i].location != ParameterLocation::Path);
    let wire: Vec<(&str, &str)> = order
        .iter()
        .map(|&i| {
            (
                parameters[i].name.as_str(),
                parameters[i].location.keyword(),
            )
        })
        .collect();
    let setters = names::parameter_setters(&wire);
    for (&index, setter) in order.iter().zip(setters) {
        parameters[index].rust_name = setter;
    }
    for parameter in parameters.iter() {
        let (name, rust_name) = (&parameter.name, &parameter.rust_name);
        if let Some(item) = names::builder_item(rust_name, has_body) {
            messages.push(format!(
                "parameter `{name}` becomes the Rust setter `{rust_name}`, which the operation's builder has already ({item}): rename it"
            ));
        }
        if parameter.location == ParameterLocation::Path && *rust_name != names::field_name(name) {
            let other = parameters
                .iter()
                .find(|p| {
                    p.location == ParameterLocation::Path && p.rust_name == names::field_name(name)
                })
                .map_or("another", |p| p.name.as_str());
            messages.push(format!(
                "path parameters `{other}` and `{name}` both become the Rust setter `{}`: rename one (a path parameter keeps its name in the path)",
                names::field_name(name)
            ));
        }
    }
}

/// The path's template against the operation's path parameters, before progenitor sees them
/// (it panics on a mismatch without naming the operation): each `{name}` has a path parameter
/// spelled alike, each path parameter is in the template and is `required: true`.
fn path_template(spec: &Spec, operation: &crate::spec::Operation<'_>, messages: &mut Vec<String>) {
    let item_pointer = format!("/paths/{}", pointer_segment(operation.path));
    let mut declared: Vec<(String, String, bool)> = Vec::new();
    for (pointer, holder) in [
        (item_pointer.clone(), operation.path_item),
        (format!("{item_pointer}/{}", operation.method), operation.op),
    ] {
        let listed = holder.get("parameters").and_then(Value::as_array);
        for (index, parameter) in listed.into_iter().flatten().enumerate() {
            let Some(parameter) = spec.resolve(parameter) else {
                continue;
            };
            if str_of(parameter, "in") != Some("path") {
                continue;
            }
            let name = str_of(parameter, "name").unwrap_or_default().to_owned();
            let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
            declared.retain(|(other, _, _)| *other != name);
            declared.push((name, format!("{pointer}/parameters/{index}"), required));
        }
    }
    let template: Vec<&str> = operation
        .path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    let like = |a: &str, b: &str| a != b && a.eq_ignore_ascii_case(b);
    for name in &template {
        if declared.iter().any(|(declared, _, _)| declared == name) {
            continue;
        }
        match declared.iter().find(|(declared, _, _)| like(declared, name)) {
            Some((declared, pointer, _)) => messages.push(format!(
                "`{{{name}}}` in the path and the path parameter `{declared}` ({pointer}) differ in case: spell them alike"
            )),
            None => messages.push(format!(
                "`{{{name}}}` in the path has no path parameter: declare it under parameters with `in: path, required: true`"
            )),
        }
    }
    for (name, pointer, required) in &declared {
        if !template.iter().any(|t| t == name || like(t, name)) {
            messages.push(format!(
                "path parameter `{name}` ({pointer}) is not in the path: write `{{{name}}}` in it or say `in: query`"
            ));
        }
        if !required {
            messages.push(format!(
                "path parameter `{name}` ({pointer}) is not `required: true`: a path parameter always is"
            ));
        }
    }
}

/// `key` of `value` as a trimmed string; empty when absent.
fn trimmed(value: &Value, key: &str) -> String {
    str_of(value, key).unwrap_or_default().trim().to_owned()
}

/// The description of `node`, or else of its `schema` (followed through `$ref` and a one-item
/// `allOf`); empty when neither has one.
fn described(spec: &Spec, node: &Value, schema: &Value) -> String {
    let own = trimmed(node, "description");
    if !own.is_empty() {
        return own;
    }
    let referenced = through_all_of(schema);
    spec.resolve(referenced)
        .map(|s| trimmed(s, "description"))
        .unwrap_or_default()
}

/// The `example` of a parameter or member, or of its schema (through `$ref` and `allOf`), as
/// a person types it: a string as it is, another value as JSON; empty when there is none.
fn example(spec: &Spec, node: &Value, schema: &Value) -> String {
    let found = node.get("example").or_else(|| {
        [schema, through_all_of(schema)]
            .into_iter()
            .filter_map(|s| spec.resolve(s))
            .find_map(|s| s.get("example"))
    });
    match found {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// The top-level members of a body schema that is an object with `properties` (through one
/// `$ref`); none for any other schema. Of a multipart body, the files and the media type its
/// `encoding` gives each (one concrete type, else none).
fn body_members(
    spec: &Spec,
    schema: &Value,
    encoding_map: Option<&Value>,
    encoding: BodyEncoding,
) -> Vec<BodyMember> {
    let Some(object) = spec.resolve(schema) else {
        return Vec::new();
    };
    let required = required_members(object);
    // The fields of the body's type: its members but those the server owns, named as typify
    // is made to name them (`crate::member_names`).
    let sent: Vec<&str> = crate::schema_refs::merged_properties(&spec.doc, object)
        .iter()
        .filter(|p| p.schema.get("readOnly").and_then(Value::as_bool) != Some(true))
        .map(|p| p.name)
        .collect();
    let fields = names::member_fields(&sent, &[]);
    let field_of = |name: &str| {
        sent.iter()
            .position(|sent| *sent == name)
            .map_or_else(|| names::member_field(name), |i| fields[i].clone())
    };
    let is_text = |member: &Value| {
        [member, through_all_of(member)]
            .into_iter()
            .filter_map(|s| spec.resolve(s))
            .any(|s| str_of(s, "type") == Some("string"))
    };
    object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        // A member the server owns is never sent (`crate::read_write`).
        .filter(|(_, member)| member.get("readOnly").and_then(Value::as_bool) != Some(true))
        .map(|(name, member)| BodyMember {
            name: name.clone(),
            field: field_of(name),
            required: required.contains(&name.as_str()),
            description: described(spec, member, member),
            example: example(spec, member, member),
            text: is_text(member),
            secret: is_secret(spec, member),
            file: (encoding == BodyEncoding::Multipart && is_file(spec, member)).then(|| {
                encoding_map
                    .and_then(|e| e.get(name))
                    .and_then(|e| str_of(e, "contentType"))
                    .filter(|media| !media.contains([',', '*']))
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            }),
        })
        .collect()
}

/// A string of `format: binary`, or an array of them (through `$ref`s): a multipart body's
/// file member.
fn is_file(spec: &Spec, member: &Value) -> bool {
    let Some(member) = spec.resolve(member) else {
        return false;
    };
    let binary =
        |s: &Value| str_of(s, "type") == Some("string") && str_of(s, "format") == Some("binary");
    binary(member)
        || (str_of(member, "type") == Some("array")
            && member
                .get("items")
                .and_then(|items| spec.resolve(items))
                .is_some_and(binary))
}

/// The first schema of `allOf` (`allOf: [$ref]`, how a reference gets `nullable` or a
/// description beside it), or `schema` itself.
fn through_all_of(schema: &Value) -> &Value {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|all| all.first())
        .unwrap_or(schema)
}

/// The names an object schema lists in its `required`.
pub(super) fn required_members(object: &Value) -> Vec<&str> {
    object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// A schema that is, or is `allOf` exactly one reference to, an `x-credkit-secret` string.
pub(super) fn is_secret(spec: &Spec, schema: &Value) -> bool {
    let referenced = through_all_of(schema);
    spec.resolve(referenced)
        .is_some_and(|s| s.get("x-credkit-secret").and_then(Value::as_bool) == Some(true))
}
