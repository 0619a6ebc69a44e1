//! Checks a spec against the rules of `specs/README.md` before progenitor sees it.
//!
//! progenitor panics (with no operation named) or silently mishandles many inputs; every rule
//! here names the file and the operation instead. All problems of a spec are reported at once.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::problem::Problem;
use crate::spec::{Operation, Spec};

/// Environments a server may be tagged with (`x-credkit-environment`).
pub const ENVIRONMENTS: [&str; 4] = ["production", "demo", "sandbox", "staging"];
/// Media types a success body may have; JSON is decoded, the others are streamed.
const SUCCESS_MEDIA: [&str; 3] = [
    "application/json",
    "application/pdf",
    "application/octet-stream",
];
/// Media types an error body may have. Errors are never decoded by progenitor: the runtime
/// keeps their raw body and decodes JSON ones into the service's error schema on request.
const ERROR_MEDIA: [&str; 3] = ["application/json", "application/problem+json", "text/plain"];

/// Every problem of `spec`; empty when it can be generated.
pub fn check(spec: &Spec) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_document(spec, &mut problems);
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for operation in spec.operations() {
        let location = operation.location();
        let mut report =
            |message: String| problems.push(spec.problem(Some(location.clone()), message));
        match operation.id() {
            None => report(
                "missing operationId: every operation needs one, it becomes the Rust method name"
                    .into(),
            ),
            Some(id) if !is_snake_case(id) => report(format!(
                "operationId `{id}` is not snake_case (write e.g. `get_credentials`)"
            )),
            Some(id) => {
                if let Some(first) = ids.insert(id, location.clone()) {
                    report(format!(
                        "duplicate operationId `{id}`, already used by {first}"
                    ));
                }
            }
        }
        if !operation
            .op
            .get("x-credkit-idempotent")
            .is_some_and(Value::is_boolean)
        {
            report(
                "missing `x-credkit-idempotent: true|false`: say whether the operation may be replayed after a failure that may have reached the server"
                    .into(),
            );
        }
        for message in check_responses(spec, &operation) {
            report(message);
        }
        for message in check_request_body(spec, &operation) {
            report(message);
        }
        for message in check_parameters(spec, &operation) {
            report(message);
        }
    }
    check_nodes(spec, &spec.doc, String::new(), &mut problems);
    problems
}

fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_document(spec: &Spec, problems: &mut Vec<Problem>) {
    let version = spec
        .doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("(missing)");
    if !version.starts_with("3.0.") {
        problems.push(spec.problem(
            None,
            format!("OpenAPI version {version} is not supported: write `openapi: 3.0.3` (progenitor reads 3.0.x only)"),
        ));
    }
    if spec
        .doc
        .get("paths")
        .and_then(Value::as_object)
        .is_none_or(|p| p.is_empty())
    {
        problems.push(spec.problem(None, "no paths: a service needs at least one operation"));
    }
    if let Some(paths) = spec.doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if item.get("$ref").is_some() {
                problems.push(spec.problem(
                    Some(path.clone()),
                    "path item `$ref` is not supported: write the operations inline",
                ));
            }
        }
    }
    let servers = spec
        .doc
        .get("servers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if servers.is_empty() {
        problems.push(spec.problem(
            None,
            "no servers: list each environment's base URL under `servers`",
        ));
    }
    let mut seen = BTreeSet::new();
    for server in &servers {
        let url = server
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or("(no url)");
        match server.get("x-credkit-environment").and_then(Value::as_str) {
            Some(env) if ENVIRONMENTS.contains(&env) => {
                if !seen.insert(env) {
                    problems.push(spec.problem(
                        Some(format!("server {url}")),
                        format!("environment `{env}` is listed twice"),
                    ));
                }
            }
            other => problems.push(spec.problem(
                Some(format!("server {url}")),
                format!(
                    "`x-credkit-environment` is {}: expected one of {}",
                    other.map_or("missing".to_owned(), |e| format!("`{e}`")),
                    ENVIRONMENTS.join(", ")
                ),
            )),
        }
        if !url.starts_with("https://") {
            problems.push(spec.problem(Some(format!("server {url}")), "server URLs must be https"));
        }
    }
    if let Err(message) = crate::metadata::auth_scheme(spec) {
        problems.push(spec.problem(Some("components.securitySchemes".into()), message));
    }
    match spec.info_str("x-credkit-error-schema") {
        None => problems.push(spec.problem(
            Some("info".into()),
            "missing `x-credkit-error-schema`: name the schema of the service's error bodies",
        )),
        Some(name)
            if spec
                .doc
                .pointer(&format!("/components/schemas/{name}"))
                .is_none() =>
        {
            problems.push(spec.problem(
                Some("info".into()),
                format!(
                    "`x-credkit-error-schema` names `{name}`, which is not in components.schemas"
                ),
            ))
        }
        Some(_) => {}
    }
    if let Some(member) = spec.doc.pointer("/info/x-credkit-success-member")
        && !member.is_string()
    {
        problems.push(spec.problem(
            Some("info".into()),
            "`x-credkit-success-member` names the envelope's success flag: write a string, e.g. `success`",
        ));
    }
    if let Some(follow) = spec.doc.pointer("/info/x-credkit-follow-redirects")
        && !follow.is_boolean()
    {
        problems.push(spec.problem(
            Some("info".into()),
            "`x-credkit-follow-redirects` is `true` or `false`",
        ));
    }
    for (name, schema) in spec.schemas() {
        let location = Some(format!("components.schemas.{name}"));
        let is_string = schema.get("type").and_then(Value::as_str) == Some("string");
        if schema.get("x-credkit-secret").is_some() && !is_string {
            problems.push(spec.problem(
                location.clone(),
                "`x-credkit-secret` applies to string schemas only",
            ));
        }
        if schema.get("x-credkit-open-enum").is_some() {
            let values = schema.get("enum").and_then(Value::as_array);
            if !is_string || values.is_none_or(|v| v.is_empty() || v.iter().any(|v| !v.is_string()))
            {
                problems.push(spec.problem(
                    location,
                    "`x-credkit-open-enum` applies to string schemas with an `enum` of strings",
                ));
            }
        }
    }
}

/// What a response carries, as far as progenitor is concerned.
#[derive(Debug, PartialEq)]
enum BodyKind {
    Empty,
    Json(Value),
    Raw(String),
}

fn check_responses(spec: &Spec, operation: &Operation<'_>) -> Vec<String> {
    let mut messages = Vec::new();
    let Some(responses) = operation.op.get("responses").and_then(Value::as_object) else {
        return vec!["no responses: document the success response".into()];
    };
    let error_schema = spec
        .info_str("x-credkit-error-schema")
        .map(|name| serde_json::json!({ "$ref": format!("#/components/schemas/{name}") }));
    let mut successes = Vec::new();
    let mut error_schemas: Vec<(String, Value)> = Vec::new();
    for (code, response) in responses {
        let Some(response) = spec.resolve(response) else {
            messages.push(format!("response {code}: `$ref` does not resolve"));
            continue;
        };
        let class = code.chars().next().unwrap_or('?');
        let content = response.get("content").and_then(Value::as_object);
        match (code.as_str(), class) {
            ("default", _) => messages.push(
                "a `default` response counts as both success and error for progenitor: list the error statuses (or 4XX/5XX)".into(),
            ),
            (_, '2') => {
                let kind = match content.map(|c| c.iter().collect::<Vec<_>>()) {
                    None => BodyKind::Empty,
                    Some(media) if media.is_empty() => BodyKind::Empty,
                    Some(media) if media.len() > 1 => {
                        let names: Vec<_> = media.iter().map(|(m, _)| m.as_str()).collect();
                        messages.push(format!(
                            "success response {code} has {} media types ({}): progenitor accepts one success body kind per operation",
                            names.len(),
                            names.join(", ")
                        ));
                        BodyKind::Raw(names.join(", "))
                    }
                    Some(media) => {
                        let (name, body) = media[0];
                        if !SUCCESS_MEDIA.contains(&name.as_str()) {
                            messages.push(format!(
                                "success response {code}: media type {name} is not supported (use one of {})",
                                SUCCESS_MEDIA.join(", ")
                            ));
                        }
                        match body.get("schema") {
                            Some(schema) if name == "application/json" => BodyKind::Json(schema.clone()),
                            None if name == "application/json" => {
                                messages.push(format!("success response {code}: application/json without a schema"));
                                BodyKind::Empty
                            }
                            _ => BodyKind::Raw(name.clone()),
                        }
                    }
                };
                successes.push((code.clone(), kind));
            }
            (_, '4' | '5') => {
                for (name, body) in content.into_iter().flatten() {
                    if !ERROR_MEDIA.contains(&name.as_str()) {
                        messages.push(format!(
                            "error response {code}: media type {name} is not supported (use one of {})",
                            ERROR_MEDIA.join(", ")
                        ));
                    } else if name != "text/plain"
                        && let Some(schema) = body.get("schema")
                    {
                        if Some(schema) != error_schema.as_ref() {
                            messages.push(format!(
                                "error response {code} ({name}) has schema {schema}: error bodies must use the service's error schema `{}`",
                                spec.info_str("x-credkit-error-schema").unwrap_or("(unset)")
                            ));
                        }
                        if !error_schemas.iter().any(|(_, s)| s == schema) {
                            error_schemas.push((code.clone(), schema.clone()));
                        }
                    }
                }
            }
            _ => messages.push(format!("status {code} is not supported: document 2XX successes and 4XX/5XX errors")),
        }
    }
    if error_schemas.len() > 1 {
        let list: Vec<_> = error_schemas
            .iter()
            .map(|(code, schema)| format!("{code}: {schema}"))
            .collect();
        messages.push(format!(
            "{} different error body kinds ({}): an operation's errors must share one schema",
            error_schemas.len(),
            list.join(" | ")
        ));
    }
    let with_body = successes
        .iter()
        .filter(|(_, kind)| *kind != BodyKind::Empty)
        .count();
    let json = successes
        .iter()
        .filter(|(_, kind)| matches!(kind, BodyKind::Json(_)))
        .count();
    match successes.len() {
        0 => messages
            .push("no success (2XX) response: document the one the service answers with".into()),
        1 => {}
        n if answer_beside_bodiless(n, with_body, json) => {}
        n => {
            let codes: Vec<_> = successes.iter().map(|(code, _)| code.as_str()).collect();
            messages.push(format!(
                "{n} success responses ({}): progenitor accepts one success body per operation; keep one, or one JSON answer beside bodiless ones",
                codes.join(", ")
            ));
        }
    }
    messages
}

fn check_request_body(spec: &Spec, operation: &Operation<'_>) -> Vec<String> {
    let Some(body) = operation.op.get("requestBody") else {
        return Vec::new();
    };
    let Some(body) = spec.resolve(body) else {
        return vec!["request body `$ref` does not resolve".into()];
    };
    let media: Vec<&String> = body
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(m, _)| m)
        .collect();
    match media.as_slice() {
        [one] if one.as_str() == "application/json" => Vec::new(),
        [one] => vec![format!(
            "request body media type {one} is not supported: use application/json"
        )],
        [] => vec!["request body without content".into()],
        many => vec![format!(
            "request body has {} media types ({}): progenitor accepts exactly one, use application/json",
            many.len(),
            many.iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )],
    }
}

fn check_parameters(spec: &Spec, operation: &Operation<'_>) -> Vec<String> {
    let mut messages = Vec::new();
    let declared = [operation.path_item, operation.op]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten();
    for parameter in declared {
        let Some(parameter) = spec.resolve(parameter) else {
            messages.push("parameter `$ref` does not resolve".into());
            continue;
        };
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed)");
        let place = parameter
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or("(missing)");
        let default_style = match place {
            "path" | "header" => "simple",
            "query" => "form",
            _ => {
                messages.push(format!("parameter `{name}` is in {place}: only path, query and header parameters are supported"));
                continue;
            }
        };
        if let Some(style) = parameter.get("style").and_then(Value::as_str)
            && style != default_style
        {
            messages.push(format!("parameter `{name}` has style {style}: only the default style ({default_style}) is supported"));
        }
        if parameter.get("content").is_some() {
            messages.push(format!(
                "parameter `{name}` uses `content`: describe it with `schema`"
            ));
        }
        if parameter.get("schema").is_none() {
            messages.push(format!("parameter `{name}` has no schema"));
        }
    }
    messages
}

/// Checks every node of the document, each problem named by its JSON pointer: `$ref`s that
/// resolve and have no siblings, and one `type` per schema.
fn check_nodes(spec: &Spec, value: &Value, pointer: String, problems: &mut Vec<Problem>) {
    match value {
        Value::Object(object) => {
            let place = || {
                Some(if pointer.is_empty() {
                    "/".into()
                } else {
                    pointer.clone()
                })
            };
            for message in check_ref(spec, object)
                .into_iter()
                .chain(check_type(object))
            {
                problems.push(spec.problem(place(), message));
            }
            for (key, child) in object {
                check_nodes(
                    spec,
                    child,
                    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    problems,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                check_nodes(spec, child, format!("{pointer}/{index}"), problems);
            }
        }
        _ => {}
    }
}

/// A `$ref` must point into this file, at something that exists, and stand alone: OpenAPI 3.0
/// ignores its siblings, so a `nullable: true` beside a `$ref` silently makes a required field
/// non-nullable.
fn check_ref(spec: &Spec, object: &serde_json::Map<String, Value>) -> Vec<String> {
    let Some(reference) = object.get("$ref") else {
        return Vec::new();
    };
    let mut messages = Vec::new();
    match reference.as_str() {
        Some(local) if local.starts_with('#') => {
            if local.strip_prefix('#').and_then(|p| spec.doc.pointer(p)).is_none() {
                messages.push(format!(
                    "`$ref` {local} does not resolve: nothing in this file is at that place"
                ));
            }
        }
        _ => messages.push(format!(
            "`$ref` {reference} is not supported: only references inside the file (`#/components/...`)"
        )),
    }
    let siblings: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "$ref" | "description" | "summary"))
        .collect();
    if !siblings.is_empty() {
        messages.push(format!(
            "`$ref` with sibling {}: OpenAPI 3.0 ignores them; write `allOf: [{{$ref: ...}}]` beside them (e.g. `nullable: true`)",
            siblings.join(", ")
        ));
    }
    messages
}

/// `type: [string, 'null']` is OpenAPI 3.1: 3.0 has one type, and `nullable` for null. (A
/// property named `type` has a schema, an object, as its value: it is not mistaken for this.)
fn check_type(object: &serde_json::Map<String, Value>) -> Option<String> {
    let types = object.get("type")?.as_array()?;
    Some(format!(
        "`type` is a list ({}): OpenAPI 3.0 takes one type; write `type: <one type>` and `nullable: true` for null",
        Value::Array(types.clone())
    ))
}

/// The bodiless success statuses an operation has beside its one JSON success (`204` beside a
/// `200`): its answer becomes `ResponseValue<Option<T>>`, `None` for these statuses.
pub fn empty_alternative_successes(spec: &Spec, operation: &Operation<'_>) -> Vec<u16> {
    let Some(responses) = operation.op.get("responses").and_then(Value::as_object) else {
        return Vec::new();
    };
    let successes: Vec<(u16, bool, bool)> = responses
        .iter()
        .filter_map(|(code, response)| {
            let code: u16 = code.parse().ok().filter(|c| (200..300).contains(c))?;
            let content = spec
                .resolve(response)?
                .get("content")
                .and_then(Value::as_object);
            let has_body = content.is_some_and(|c| !c.is_empty());
            let json = content.is_some_and(|c| c.contains_key("application/json"));
            Some((code, has_body, json))
        })
        .collect();
    let with_body = successes.iter().filter(|(_, body, _)| *body).count();
    let json = successes.iter().filter(|(_, _, json)| *json).count();
    if !answer_beside_bodiless(successes.len(), with_body, json) {
        return Vec::new();
    }
    successes
        .into_iter()
        .filter(|(_, body, _)| !body)
        .map(|(code, _, _)| code)
        .collect()
}

/// The one mix of several success responses the generator accepts: one JSON answer beside
/// bodiless ones (`200` + `204`). The answer is then `Option<T>`, `None` for the bodiless ones.
fn answer_beside_bodiless(successes: usize, with_body: usize, json: usize) -> bool {
    successes >= 2 && with_body == 1 && json == 1
}
