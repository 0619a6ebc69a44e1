//! Builds the typed [`Service`] model from a spec, or every problem that prevents it.
//!
//! Parse, don't validate: what the rules of `specs/README.md` check is turned into typed values
//! here, once, so that no later stage re-reads the spec or assumes a check passed. progenitor
//! panics (with no place named) or silently mishandles many inputs; every rule here names the
//! file and the operation or the JSON pointer instead. All problems of a spec, of its operations
//! and of its schemas, are reported in one run.

mod callbacks;
mod cycles;
mod nodes;
pub(crate) mod openapi31;
mod operations;
mod query_styles;
mod rate_limit;
mod schemas;
mod security;
mod servers;
mod shapes;
mod upstream;

pub use nodes::DEVIATION;
pub use openapi31::{Conversion, down_convert};
pub(crate) use rate_limit::milliseconds;

use serde_json::Value;

use crate::model::{SchemaName, Service, pointer_segment, str_of};
use crate::names;
use crate::problem::Problem;
use crate::spec::Spec;

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
}

/// The model of `spec`, or every problem of it. An OpenAPI 3.1 spec is first down-converted
/// to 3.0 in memory ([`down_convert`]).
pub fn parse(spec: &Spec) -> Result<Service, Vec<Problem>> {
    let hoisted = crate::inner_refs::hoist(&spec.doc).map(|doc| Spec {
        doc,
        ..spec.clone()
    });
    let spec = hoisted.as_ref().unwrap_or(spec);
    let without_websockets = crate::websockets::drop_websockets(&spec.doc).map(|doc| Spec {
        doc,
        ..spec.clone()
    });
    let spec = without_websockets.as_ref().unwrap_or(spec);
    let wrapped = crate::ref_siblings::wrap(&spec.doc).map(|doc| Spec {
        doc,
        ..spec.clone()
    });
    let spec = wrapped.as_ref().unwrap_or(spec);
    let fitted = crate::unfit_defaults::drop_unfit(&spec.doc).map(|doc| Spec {
        doc,
        ..spec.clone()
    });
    let spec = fitted.as_ref().unwrap_or(spec);
    let converted = match down_convert(&spec.doc) {
        Ok(None) => None,
        Ok(Some((doc, _))) => Some(Spec {
            doc,
            ..spec.clone()
        }),
        Err(refused) => return Err(located(spec, refused)),
    };
    let spec = converted.as_ref().unwrap_or(spec);
    // Before the operations are read: an operation without an id takes one of its method and
    // path.
    let named = crate::operation_ids::fill(&spec.doc).map(|doc| Spec {
        doc,
        ..spec.clone()
    });
    let spec = named.as_ref().unwrap_or(spec);
    // Before any pass follows a reference: a loop of `allOf` would never end.
    let settled = match cycles::settle(&spec.doc) {
        Ok(None) => None,
        Ok(Some(doc)) => Some(Spec {
            doc,
            ..spec.clone()
        }),
        Err(refused) => return Err(located(spec, refused)),
    };
    let spec = settled.as_ref().unwrap_or(spec);
    let mut problems = Problems {
        spec,
        found: Vec::new(),
    };
    for duplicate in &spec.duplicate_keys {
        problems.at(duplicate.pointer.clone(), duplicate.message());
    }
    check_version_and_paths(spec, &mut problems);
    check_security_requirements(spec, &mut problems);
    let servers = servers::servers(spec, &mut problems);
    let auth = match security::security(spec) {
        Ok(security) => Some(security),
        Err(refused) => {
            for (place, message) in refused {
                problems.at(place, message);
            }
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
    let upstream = upstream::upstream(spec, &mut problems);
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
    schemas::check_schema_names(spec, &mut problems);
    let custom_types = schemas::custom_types(spec, &mut problems);
    let mut operations =
        operations::operations(spec, error_schema.clone().flatten().as_ref(), &mut problems);
    let shapes = shapes::answer_shapes(spec, &mut operations);
    crate::limits::assign(spec, &mut operations);
    if let Err(message) = crate::tag_features::assign(spec, &mut operations) {
        problems.at("info", message);
    }
    let mut callbacks = callbacks::callbacks(spec, &mut problems);
    let (waiters, refused) = crate::waiters::waiters(spec, &operations);
    for (place, message) in refused {
        problems.at(place, message);
    }
    for (place, message) in crate::callback_wakes::assign(spec, &mut callbacks, &waiters) {
        problems.at(place, message);
    }
    let request_twins = crate::read_write::request_twins(spec);
    schemas::check_hoisted_names(spec, &operations, &callbacks, &request_twins, &mut problems);
    nodes::check_nodes(spec, &spec.doc, String::new(), &mut problems);
    let document = crate::normalize::for_progenitor(spec, &operations, &callbacks, &request_twins);
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
                auth: auth.primary,
                auth_schemes: auth.declared,
                servers,
                operations,
                error_schema,
                success_member,
                follow_redirects,
                upstream,
                rate_limit,
                custom_types,
                callbacks,
                waiters,
                request_twins,
                shapes,
                module_path: "crate::generated".to_owned(),
                progenitor_document,
            })
        }
        _ => Err(found),
    }
}

/// Problems at `(place, message)`, naming `spec`'s file.
fn located(spec: &Spec, refused: Vec<(String, String)>) -> Vec<Problem> {
    refused
        .into_iter()
        .map(|(place, message)| spec.problem(Some(place), message))
        .collect()
}

fn check_version_and_paths(spec: &Spec, problems: &mut Problems<'_>) {
    let version = str_of(&spec.doc, "openapi").unwrap_or("(missing)");
    if !version.starts_with("3.0.") {
        problems.at("/openapi", format!(
            "OpenAPI version {version} is not supported: write `openapi: 3.0.3` (or 3.1.x, which is down-converted to 3.0)"
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
                for key in item.as_object().into_iter().flat_map(|item| item.keys()) {
                    if let Some(message) = path_item_key(key) {
                        let place =
                            format!("/paths/{}/{}", pointer_segment(path), pointer_segment(key));
                        problems.at(place, message);
                    }
                }
            }
        }
        // A definition of webhooks alone (OpenAPI 3.1 allows it) is a service of their
        // payload types and parse functions, with no operation.
        Some(_) | None
            if spec
                .doc
                .get("x-webhooks")
                .and_then(Value::as_object)
                .is_some_and(|webhooks| !webhooks.is_empty()) => {}
        _ => problems.at(
            "/paths",
            "no paths: a service needs at least one operation (or, with none, webhooks)",
        ),
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

/// Why a key of a path item is refused, if it is: an HTTP method in upper case (openapiv3
/// would drop the operation silently) or a key OpenAPI does not define there.
fn path_item_key(key: &str) -> Option<String> {
    const FIELDS: [&str; 5] = ["summary", "description", "servers", "parameters", "$ref"];
    let lower = key.to_ascii_lowercase();
    if crate::spec::METHODS.contains(&key) || FIELDS.contains(&key) || key.starts_with("x-") {
        None
    } else if crate::spec::METHODS.contains(&lower.as_str()) {
        Some(format!(
            "`{key}` is not an operation: methods are keys in lower case (`{lower}`)"
        ))
    } else {
        Some(format!(
            "`{key}` is not a field of a path item: write operations under `get`, `post`, ..."
        ))
    }
}

/// Whether `name` is a header field name: an RFC 9110 token, so no space, colon, CR or LF.
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Every security requirement, of the spec and of each operation, names a declared scheme:
/// openapiv3 and progenitor ignore one that does not, and the call would go out without it.
fn check_security_requirements(spec: &Spec, problems: &mut Problems<'_>) {
    let declared = spec.doc.pointer("/components/securitySchemes");
    let mut places = vec![("/security".to_owned(), spec.doc.get("security"))];
    for operation in spec.operations() {
        places.push((
            format!(
                "/paths/{}/{}/security",
                pointer_segment(operation.path),
                operation.method
            ),
            operation.op.get("security"),
        ));
    }
    for (place, requirements) in places {
        let requirements = requirements.and_then(Value::as_array).into_iter().flatten();
        for (index, requirement) in requirements.enumerate() {
            for name in requirement.as_object().into_iter().flat_map(|r| r.keys()) {
                if declared.and_then(|d| d.get(name)).is_none() {
                    problems.at(
                        format!("{place}/{index}"),
                        format!(
                            "security scheme `{name}` is not declared in components.securitySchemes"
                        ),
                    );
                }
            }
        }
    }
}
