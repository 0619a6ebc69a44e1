//! Builds the typed [`Service`] model from a spec, or every problem that prevents it.
//!
//! Parse, don't validate: what the rules of `specs/README.md` check is turned into typed values
//! here, once, so that no later stage re-reads the spec or assumes a check passed. progenitor
//! panics (with no place named) or silently mishandles many inputs; every rule here names the
//! file and the operation or the JSON pointer instead. All problems of a spec, of its operations
//! and of its schemas, are reported in one run.

mod rate_limit;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{
    AuthScheme, BodyEncoding, BodyMember, Callback, CustomKind, CustomType, Environment, Operation,
    Parameter, ParameterLocation, RequestBody, SchemaName, Server, Service, Success, Upstream,
    UpstreamFormat, pointer_segment, str_of,
};
use crate::names;
use crate::problem::Problem;
use crate::spec::{METHODS, Spec};

/// Media types an error body may have. Errors are never decoded by progenitor: the runtime
/// keeps their raw body and decodes JSON ones into the service's error schema on request.
const ERROR_MEDIA: [&str; 3] = ["application/json", "application/problem+json", "text/plain"];

/// Problems found while parsing, each naming the spec file.
struct Problems<'a> {
    spec: &'a Spec,
    found: Vec<Problem>,
}

impl Problems<'_> {
    fn at(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.found
            .push(self.spec.problem(Some(location.into()), message));
    }

    fn document(&mut self, message: impl Into<String>) {
        self.found.push(self.spec.problem(None, message));
    }
}

/// The model of `spec`, or every problem of it.
pub fn parse(spec: &Spec) -> Result<Service, Vec<Problem>> {
    let mut problems = Problems {
        spec,
        found: Vec::new(),
    };
    check_version_and_paths(spec, &mut problems);
    let servers = servers(spec, &mut problems);
    let auth = match auth_scheme(spec) {
        Ok(auth) => Some(auth),
        Err(message) => {
            problems.at("components.securitySchemes", message);
            None
        }
    };
    let error_schema = error_schema(spec, &mut problems);
    let success_member = match spec.doc.pointer("/info/x-credkit-success-member") {
        None => None,
        Some(Value::String(member)) => Some(member.clone()),
        Some(_) => {
            problems.at(
                "info",
                "`x-credkit-success-member` names the envelope's success flag: write a string, e.g. `success`",
            );
            None
        }
    };
    let follow_redirects = match spec.doc.pointer("/info/x-credkit-follow-redirects") {
        None => true,
        Some(Value::Bool(follow)) => *follow,
        Some(_) => {
            problems.at("info", "`x-credkit-follow-redirects` is `true` or `false`");
            true
        }
    };
    let upstream = upstream(spec, &mut problems);
    let rate_limit = match spec.doc.get("info").map(rate_limit::of) {
        Some(Ok(rate_limit)) => rate_limit,
        Some(Err(messages)) => {
            for message in messages {
                problems.at("info", message);
            }
            None
        }
        None => None,
    };
    check_schema_names(spec, &mut problems);
    let custom_types = custom_types(spec, &mut problems);
    let operations = operations(spec, error_schema.clone().flatten().as_ref(), &mut problems);
    let callbacks = callbacks(spec, &mut problems);
    check_nodes(spec, &spec.doc, String::new(), &mut problems);
    let document = crate::normalize::for_progenitor(spec, &operations, &callbacks);
    let mut found = problems.found;
    let document = match document {
        Ok(document) => Some(document),
        Err(refused) => {
            // openapiv3 names a schema less precisely than the checks above: where they already
            // named a place inside it, its refusal says nothing new.
            let named = |p: &Problem| p.location.clone().unwrap_or_default();
            let new: Vec<Problem> = refused
                .into_iter()
                .filter(|r| {
                    let place = named(r);
                    !found.iter().any(|f| {
                        let known = named(f);
                        known.starts_with("/components/")
                            && (known.starts_with(&place) || place.starts_with(&known))
                    })
                })
                .collect();
            found.extend(new);
            None
        }
    };
    match (auth, error_schema, document) {
        (Some(auth), Some(error_schema), Some(progenitor_document)) if found.is_empty() => {
            Ok(Service {
                name: spec.service.clone(),
                file: spec.file.clone(),
                title: spec.info_str("title").unwrap_or(&spec.service).to_owned(),
                auth,
                servers,
                operations,
                error_schema,
                success_member,
                follow_redirects,
                upstream,
                rate_limit,
                custom_types,
                callbacks,
                module_path: "crate::generated".to_owned(),
                progenitor_document,
            })
        }
        _ => Err(found),
    }
}

fn check_version_and_paths(spec: &Spec, problems: &mut Problems<'_>) {
    let version = str_of(&spec.doc, "openapi").unwrap_or("(missing)");
    if !version.starts_with("3.0.") {
        problems.document(format!(
            "OpenAPI version {version} is not supported: write `openapi: 3.0.3` (progenitor reads 3.0.x only)"
        ));
    }
    match spec.doc.get("paths").and_then(Value::as_object) {
        Some(paths) if !paths.is_empty() => {
            for (path, item) in paths {
                if item.get("$ref").is_some() {
                    problems.at(
                        path.clone(),
                        "path item `$ref` is not supported: write the operations inline",
                    );
                }
            }
        }
        _ => problems.document("no paths: a service needs at least one operation"),
    }
}

fn servers(spec: &Spec, problems: &mut Problems<'_>) -> Vec<Server> {
    let listed = spec
        .doc
        .get("servers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if listed.is_empty() {
        problems.document("no servers: list each environment's base URL under `servers`");
    }
    let mut servers: Vec<Server> = Vec::new();
    for server in &listed {
        let url = str_of(server, "url").unwrap_or("(no url)");
        let place = format!("server {url}");
        if !url.starts_with("https://") {
            problems.at(place.clone(), "server URLs must be https");
        }
        let tag = str_of(server, "x-credkit-environment");
        match tag.and_then(Environment::parse) {
            Some(environment) if servers.iter().any(|s| s.environment == environment) => {
                problems.at(
                    place,
                    format!("environment `{}` is listed twice", environment.as_str()),
                );
            }
            Some(environment) => servers.push(Server {
                environment,
                url: url.trim_end_matches('/').to_owned(),
            }),
            None => problems.at(
                place,
                format!(
                    "`x-credkit-environment` is {}: expected one of {}",
                    tag.map_or("missing".to_owned(), |e| format!("`{e}`")),
                    Environment::ALL.map(Environment::as_str).join(", ")
                ),
            ),
        }
    }
    servers
}

/// The one security scheme a credkit service may have.
fn auth_scheme(spec: &Spec) -> Result<AuthScheme, String> {
    let schemes: Vec<(&String, &Value)> = spec
        .doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .collect();
    let [(name, scheme)] = schemes.as_slice() else {
        return Err(format!(
            "expected exactly one security scheme, found {}",
            schemes.len()
        ));
    };
    let bearer = str_of(scheme, "scheme").is_some_and(|s| s.eq_ignore_ascii_case("bearer"));
    match str_of(scheme, "type") {
        Some("http") if bearer => Ok(AuthScheme::Bearer),
        Some("apiKey") if str_of(scheme, "in") == Some("header") => match str_of(scheme, "name") {
            Some(header) => Ok(AuthScheme::Header(header.to_ascii_lowercase())),
            None => Err(format!("security scheme `{name}` has no header name")),
        },
        _ => Err(format!(
            "security scheme `{name}` is not supported: use http bearer or an apiKey header"
        )),
    }
}

/// `info.x-credkit-error-schema`: `Some(None)` when the spec names none (errors then decode
/// into a `serde_json::Value`), `None` when the name is wrong (a problem was reported).
fn error_schema(spec: &Spec, problems: &mut Problems<'_>) -> Option<Option<SchemaName>> {
    match spec.info_str("x-credkit-error-schema") {
        None => Some(None),
        Some(name)
            if spec
                .doc
                .pointer(&format!("/components/schemas/{}", pointer_segment(name)))
                .is_none() =>
        {
            problems.at(
                "info",
                format!(
                    "`x-credkit-error-schema` names `{name}`, which is not in components.schemas"
                ),
            );
            None
        }
        Some(name) => Some(Some(SchemaName {
            spec: name.to_owned(),
            rust: names::type_name(name),
        })),
    }
}

/// Two schemas whose names give the same Rust type (`Thing` and `thing`, `a-b` and `a_b`) would
/// generate two items of one name.
fn check_schema_names(spec: &Spec, problems: &mut Problems<'_>) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, _) in spec.schemas() {
        let rust = names::type_name(name);
        if let Some(first) = seen.insert(rust.clone(), name) {
            problems.at(
                format!("/components/schemas/{}", pointer_segment(name)),
                format!(
                    "schemas `{first}` and `{name}` both become the Rust type `{rust}`: rename one"
                ),
            );
        }
    }
}

fn custom_types(spec: &Spec, problems: &mut Problems<'_>) -> Vec<CustomType> {
    let mut types = Vec::new();
    for (name, schema) in spec.schemas() {
        let place = format!("/components/schemas/{}", pointer_segment(name));
        let is_string = str_of(schema, "type") == Some("string");
        let secret = schema.get("x-credkit-secret").and_then(Value::as_bool) == Some(true);
        let open = schema.get("x-credkit-open-enum").and_then(Value::as_bool) == Some(true);
        let name = SchemaName {
            spec: name.clone(),
            rust: names::type_name(name),
        };
        let description = str_of(schema, "description")
            .unwrap_or("")
            .trim()
            .to_owned();
        if schema.get("x-credkit-secret").is_some() && !is_string {
            problems.at(
                place.clone(),
                "`x-credkit-secret` applies to string schemas only",
            );
        } else if secret {
            types.push(CustomType {
                name,
                description,
                kind: CustomKind::Secret {
                    min_length: schema.get("minLength").and_then(Value::as_u64),
                    max_length: schema.get("maxLength").and_then(Value::as_u64),
                },
            });
        } else if schema.get("x-credkit-open-enum").is_some() {
            let values = schema.get("enum").and_then(Value::as_array);
            let strings: Vec<&str> = values
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if !is_string
                || !open
                || strings.is_empty()
                || strings.len() != values.map_or(0, Vec::len)
            {
                problems.at(
                    place,
                    "`x-credkit-open-enum` applies to string schemas with an `enum` of strings",
                );
                continue;
            }
            match open_enum_variants(&strings) {
                Ok(values) => types.push(CustomType {
                    name,
                    description,
                    kind: CustomKind::OpenEnum { values },
                }),
                Err(message) => problems.at(place, message),
            }
        }
    }
    types
}

/// The variants of an open enum, each with its wire value; two values that give one variant,
/// or a value giving `Unknown`, are refused.
fn open_enum_variants(values: &[&str]) -> Result<Vec<(String, String)>, String> {
    let mut variants: Vec<(String, String)> = Vec::new();
    for value in values {
        let variant = variant_name(value);
        if variant == "Unknown" {
            return Err(format!(
                "enum value `{value}` would clash with the `Unknown` variant"
            ));
        }
        if let Some((first, _)) = variants.iter().find(|(_, v)| *v == variant) {
            return Err(format!(
                "enum values `{first}` and `{value}` give the same variant `{variant}`"
            ));
        }
        variants.push(((*value).to_owned(), variant));
    }
    Ok(variants)
}

/// `documenti_errati` → `DocumentiErrati`, `STANDARD` → `Standard`, `2FA` → `V2fa`: the variants
/// of open enums.
pub(crate) fn variant_name(value: &str) -> String {
    let mut name: String = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

fn operations(
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
    for (path, item) in spec
        .doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let method = method.to_ascii_uppercase();
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
            let idempotent = op.get("x-credkit-idempotent").and_then(Value::as_bool);
            if idempotent.is_none() {
                messages.push(
                    "missing `x-credkit-idempotent: true|false`: say whether the operation may be replayed after a failure that may have reached the server"
                        .into(),
                );
            }
            let (success, error_statuses, accept) =
                responses(spec, op, error_schema, &mut messages);
            let body = request_body(spec, op, &mut messages);
            let parameters = parameters(spec, item, op, &mut messages);
            let anonymous = match op.get("security").and_then(Value::as_array) {
                Some(requirements) => requirements.is_empty(),
                None => !global_security,
            };
            let deprecated =
                (op.get("deprecated").and_then(Value::as_bool) == Some(true)).then(|| {
                    let reason = str_of(op, "x-deprecated-reason")
                        .or_else(|| str_of(op, "summary"))
                        .map(str::trim)
                        .filter(|r| !r.is_empty());
                    match reason {
                        Some(reason) => format!("deprecated by the API description: {reason}"),
                        None => "deprecated by the API description".to_owned(),
                    }
                });
            let rate_limit = rate_limit::of(op).unwrap_or_else(|found| {
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
                    path: path.clone(),
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
                });
            }
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
    let mut error_schemas: Vec<(String, Value)> = Vec::new();
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
        media.extend(content.into_iter().flatten().map(|(name, _)| name.clone()));
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
                    [(name, body)] => body_kind(spec, code, name, body, messages),
                    many => {
                        let names: Vec<_> = many.iter().map(|(m, _)| m.as_str()).collect();
                        messages.push(format!(
                            "success response {code} has {} media types ({}): progenitor accepts one success body kind per operation",
                            names.len(),
                            names.join(", ")
                        ));
                        BodyKind::Binary(names.join(", "))
                    }
                };
                successes.push((code.clone(), kind));
            }
            '4' | '5' => {
                error_statuses.push(code.clone());
                for (name, body) in content.into_iter().flatten() {
                    if !ERROR_MEDIA.contains(&name.as_str()) {
                        messages.push(format!(
                            "error response {code}: media type {name} is not supported (use one of {})",
                            ERROR_MEDIA.join(", ")
                        ));
                    } else if name != "text/plain"
                        && let Some(schema) = body.get("schema")
                    {
                        if let Some(expected) = &error_ref
                            && schema != expected
                        {
                            messages.push(format!(
                                "error response {code} ({name}) has schema {schema}: error bodies must use the service's error schema `{}`",
                                error_schema.map_or("(unset)", |s| s.spec.as_str())
                            ));
                        }
                        if !error_schemas.iter().any(|(_, s)| s == schema) {
                            error_schemas.push((code.clone(), schema.clone()));
                        }
                    }
                }
            }
            _ => messages.push(format!(
                "status {code} is not supported: document 2XX successes and 4XX/5XX errors"
            )),
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
    let mut accept: Vec<String> = Vec::new();
    for media in success_media.into_iter().chain(error_media) {
        if !accept.contains(&media) {
            accept.push(media);
        }
    }
    (success_kind(&successes, messages), error_statuses, accept)
}

/// What one success body is: a string of `format: binary` is bytes whatever its media type,
/// JSON (`application/json`, `*/*+json`) is decoded, `text/*` is text, anything else is bytes.
fn body_kind(
    spec: &Spec,
    code: &str,
    name: &str,
    body: &Value,
    messages: &mut Vec<String>,
) -> BodyKind {
    let schema = body.get("schema");
    let binary = schema.and_then(|s| spec.resolve(s)).is_some_and(|s| {
        str_of(s, "type") == Some("string") && str_of(s, "format") == Some("binary")
    });
    let json = name == "application/json" || name.ends_with("+json");
    if binary {
        BodyKind::Binary(name.to_owned())
    } else if json {
        match schema {
            Some(schema) => BodyKind::Json(schema.clone()),
            None => {
                messages.push(format!("success response {code}: {name} without a schema"));
                BodyKind::Empty
            }
        }
    } else if name.starts_with("text/") {
        BodyKind::Text(name.to_owned())
    } else {
        BodyKind::Binary(name.to_owned())
    }
}

/// The callbacks of every operation: each JSON request body a callback documents becomes a
/// payload type (the referenced schema's, or a new component for an inline one).
fn callbacks(spec: &Spec, problems: &mut Problems<'_>) -> Vec<Callback> {
    let schema_types: BTreeMap<String, String> = spec
        .schemas()
        .map(|(name, _)| (names::type_name(name), name.clone()))
        .collect();
    let mut found: Vec<Callback> = Vec::new();
    for (path, item) in spec
        .doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(operation) = str_of(op, "operationId") else {
                continue;
            };
            let declared = op.get("callbacks").and_then(Value::as_object);
            for (name, callback) in declared.into_iter().flatten() {
                let place = format!(
                    "/paths/{}/{method}/callbacks/{}",
                    pointer_segment(path),
                    pointer_segment(name)
                );
                let Some(callback) = spec.resolve(callback).and_then(Value::as_object) else {
                    problems.at(place, "a callback `$ref` that does not resolve");
                    continue;
                };
                for (url, requests) in callback {
                    for request_method in METHODS {
                        let Some(request) = requests.get(request_method) else {
                            continue;
                        };
                        let schema = request
                            .get("requestBody")
                            .and_then(|b| spec.resolve(b))
                            .and_then(|b| b.pointer("/content/application~1json/schema"));
                        let Some(schema) = schema else { continue };
                        let rust_name = names::field_name(&format!("parse_{operation}_{name}"));
                        let (payload, inline_schema) = match str_of(schema, "$ref")
                            .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        {
                            Some(referenced) => (
                                SchemaName {
                                    spec: referenced.to_owned(),
                                    rust: names::type_name(referenced),
                                },
                                None,
                            ),
                            None => {
                                let rust = names::type_name(&format!("{operation}-{name}-payload"));
                                if let Some(existing) = schema_types.get(&rust) {
                                    problems.at(
                                        place.clone(),
                                        format!("the callback's payload type `{rust}` would clash with schema `{existing}`: give the body a `$ref`"),
                                    );
                                    continue;
                                }
                                (
                                    SchemaName {
                                        spec: rust.clone(),
                                        rust,
                                    },
                                    Some(schema.clone()),
                                )
                            }
                        };
                        if found.iter().any(|c| c.rust_name == rust_name) {
                            problems.at(
                                place.clone(),
                                format!("two callbacks give the parse function `{rust_name}`"),
                            );
                            continue;
                        }
                        found.push(Callback {
                            operation: operation.to_owned(),
                            name: name.clone(),
                            rust_name,
                            method: request_method.to_ascii_uppercase(),
                            url: url.clone(),
                            summary: str_of(request, "summary")
                                .or_else(|| str_of(request, "description"))
                                .unwrap_or("")
                                .trim()
                                .to_owned(),
                            payload,
                            inline_schema,
                        });
                    }
                }
            }
        }
    }
    found
}

/// One success kind from the success responses: one kind for every status (JSON ones with one
/// schema), or one JSON answer beside bodiless ones (`200` + `204`, the answer is then
/// `Option<T>`). `default` as the success means any `2XX`: no status listed.
fn success_kind(successes: &[(String, BodyKind)], messages: &mut Vec<String>) -> Option<Success> {
    if successes.is_empty() {
        messages
            .push("no success (2XX) response: document the one the service answers with".into());
        return None;
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
    let codes: Vec<_> = successes.iter().map(|(code, _)| code.as_str()).collect();
    messages.push(format!(
        "{} success responses ({}) with different bodies: keep one kind of body (statuses may share one schema), or one JSON answer beside bodiless ones",
        successes.len(),
        codes.join(", ")
    ));
    None
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
        BodyEncoding::Bytes | BodyEncoding::Text => 2,
    };
    let Some((chosen, encoding)) = supported.iter().min_by_key(|(_, e)| preference(e)).copied()
    else {
        let names: Vec<&str> = offered.iter().map(|(n, _)| n.as_str()).collect();
        messages.push(format!(
            "request body media type {} is not supported yet (multipart): describe the upload as application/octet-stream or JSON",
            names.join(", ")
        ));
        return None;
    };
    if matches!(encoding, BodyEncoding::Json | BodyEncoding::Form)
        && offered
            .iter()
            .find(|(name, _)| *name == chosen)
            .is_some_and(|(_, media)| media.get("schema").is_none())
    {
        messages.push(format!("request body {chosen} without a schema"));
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
        members: offered
            .iter()
            .find(|(name, _)| *name == chosen)
            .and_then(|(_, media)| media.get("schema"))
            .filter(|_| matches!(encoding, BodyEncoding::Json | BodyEncoding::Form))
            .map(|schema| body_members(spec, schema))
            .unwrap_or_default(),
    })
}

fn parameters(
    spec: &Spec,
    path_item: &Value,
    op: &Value,
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
        if let Some(style) = str_of(parameter, "style")
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
        // An operation's parameter overrides the path item's of the same name and place.
        parameters.retain(|p| !(p.name == name && p.location == location));
        let rust_name = names::field_name(name);
        if let Some(other) = parameters.iter().find(|p| p.rust_name == rust_name) {
            messages.push(format!(
                "parameters `{}` and `{name}` both become the Rust setter `{rust_name}`",
                other.name
            ));
        }
        parameters.push(Parameter {
            name: name.to_owned(),
            rust_name,
            location,
            required: location == ParameterLocation::Path
                || parameter.get("required").and_then(Value::as_bool) == Some(true),
            secret: is_secret(spec, schema),
            description: described(spec, parameter, schema),
        });
    }
    parameters
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

/// The top-level members of a body schema that is an object with `properties` (through one
/// `$ref`); none for any other schema.
fn body_members(spec: &Spec, schema: &Value) -> Vec<BodyMember> {
    let Some(object) = spec.resolve(schema) else {
        return Vec::new();
    };
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
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
        .map(|(name, member)| BodyMember {
            name: name.clone(),
            required: required.contains(&name.as_str()),
            description: described(spec, member, member),
            text: is_text(member),
        })
        .collect()
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

/// A schema that is, or is `allOf` exactly one reference to, an `x-credkit-secret` string.
fn is_secret(spec: &Spec, schema: &Value) -> bool {
    let referenced = through_all_of(schema);
    spec.resolve(referenced)
        .is_some_and(|s| s.get("x-credkit-secret").and_then(Value::as_bool) == Some(true))
}

/// Checks every node of the document, each problem named by its JSON pointer: `$ref`s that
/// resolve and have no siblings, and one `type` per schema.
fn check_nodes(spec: &Spec, value: &Value, pointer: String, problems: &mut Problems<'_>) {
    match value {
        Value::Object(object) => {
            let place = if pointer.is_empty() {
                "/".to_owned()
            } else {
                pointer.clone()
            };
            for message in check_ref(spec, object)
                .into_iter()
                .chain(check_type(object))
                .chain(check_deviation(object))
            {
                problems.at(place.clone(), message);
            }
            for (key, child) in object {
                check_nodes(
                    spec,
                    child,
                    format!("{pointer}/{}", pointer_segment(key)),
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
        .filter(|k| !matches!(*k, "$ref" | "description" | "summary" | DEVIATION))
        .collect();
    if !siblings.is_empty() {
        messages.push(format!(
            "`$ref` with sibling {}: OpenAPI 3.0 ignores them; write `allOf: [{{$ref: ...}}]` beside them (e.g. `nullable: true`)",
            siblings.join(", ")
        ));
    }
    messages
}

/// `x-credkit-deviation`: why the spec deliberately differs from the published definition at
/// this place (`cargo xtask upstream` reports differences under it as deviations, not drift).
/// Documentation only: generated code never reads it, so it may stand beside a `$ref` too
/// (which Redocly's `spec-ref-siblings` refuses in `specs/`).
pub const DEVIATION: &str = "x-credkit-deviation";

/// A deviation says why in words: a non-empty string.
fn check_deviation(object: &serde_json::Map<String, Value>) -> Option<String> {
    match object.get(DEVIATION)? {
        Value::String(reason) if !reason.trim().is_empty() => None,
        other => Some(format!(
            "`{DEVIATION}` is {other}: write why the spec differs from the published definition here, as a string"
        )),
    }
}

/// `info.x-credkit-upstream: {url, format}`: where the vendor publishes its definition.
fn upstream(spec: &Spec, problems: &mut Problems<'_>) -> Option<Upstream> {
    const PLACE: &str = "info.x-credkit-upstream";
    const SHAPE: &str = "`{url: https://<the published file>, format: yaml|json}`";
    let declared = spec.doc.pointer("/info/x-credkit-upstream")?;
    let Some(fields) = declared.as_object() else {
        problems.at(
            PLACE,
            format!("`x-credkit-upstream` is {declared}: write {SHAPE}"),
        );
        return None;
    };
    let mut found = Vec::new();
    if let Some(key) = fields
        .keys()
        .find(|k| !matches!(k.as_str(), "url" | "format"))
    {
        found.push(format!("unknown key `{key}`: write {SHAPE}"));
    }
    let url = match fields.get("url") {
        Some(Value::String(url)) if url.starts_with("https://") && url.len() > "https://".len() => {
            Some(url.clone())
        }
        Some(other) => {
            found.push(format!(
                "`url` is {other}: write the https URL of the published file itself"
            ));
            None
        }
        None => {
            found.push(format!("missing `url`: write {SHAPE}"));
            None
        }
    };
    let format = match fields.get("format") {
        Some(Value::String(format)) if UpstreamFormat::parse(format).is_some() => {
            UpstreamFormat::parse(format)
        }
        Some(other) => {
            found.push(format!(
                "`format` is {other}: write `yaml` or `json`, as the published file is written"
            ));
            None
        }
        None => {
            found.push(format!("missing `format`: write {SHAPE}"));
            None
        }
    };
    for message in found {
        problems.at(PLACE, message);
    }
    Some(Upstream {
        url: url?,
        format: format?,
    })
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

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("Attivo"), "Attivo");
        assert_eq!(variant_name("documenti_errati"), "DocumentiErrati");
        assert_eq!(variant_name("STANDARD"), "Standard");
        assert_eq!(variant_name("in attesa-di"), "InAttesaDi");
        assert_eq!(variant_name("2FA"), "V2fa");
        assert_eq!(variant_name("self"), "Self_");
    }
}
