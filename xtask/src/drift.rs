//! Upstream drift: how a hand-written spec differs from the vendor's published definition, as
//! pure functions of the two documents (raw JSON values, read from YAML or JSON), for
//! `cargo xtask upstream`.
//!
//! Operations are matched by method and path, path parameters by position (`{id}` and
//! `{credential_id}`, or Rails' `:credential_id`, are one operation). For each operation credkit
//! covers, the comparison looks at what shapes credkit's code: parameters (name, location,
//! required, type), the JSON request and answer members (following `$ref`s and `allOf`: name,
//! type, required, nullable, enum values), success and error statuses and who may call it; and
//! for the document, its servers and security scheme. Operations published upstream that
//! credkit does not describe are not drift: they are listed once, as uncovered.
//!
//! Each difference is classified by what following it would mean for credkit's users:
//! - `breaking`: their code or their calls would have to change (a new required parameter or
//!   request member, a removed operation or member, a changed type or success status, a
//!   `null` the answers would start to carry);
//! - `compatible`: nothing they wrote breaks (a new optional member, a new enum value of an
//!   open enum, an upstream server credkit lacks);
//! - `informational`: worth knowing, nothing in the generated code would change (an error
//!   status documented on one side only, a deprecation, a path parameter's name).
//!
//! A difference at or under a place of the spec marked `x-credkit-deviation: "reason"` (an
//! operation, parameter, request body, response, schema, member, server or security scheme) is
//! deliberate: it is reported with that reason and is not drift.

mod document;
mod members;
mod operation;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::parse::DEVIATION;
use crate::spec::METHODS;
use schema::Document;

/// What a difference would mean for credkit's users if credkit followed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Breaking,
    Compatible,
    Informational,
}

impl Class {
    pub const ALL: [Class; 3] = [Class::Breaking, Class::Compatible, Class::Informational];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Compatible => "compatible",
            Class::Informational => "informational",
        }
    }
}

/// One way the spec differs from the published definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub class: Class,
    /// The operations where it was found (`GET /credentials/{credentials_id} (get_credentials)`);
    /// empty for the document's servers and security.
    pub operations: Vec<String>,
    /// Where in them: `query parameter \`pin\``, `answer member \`Credential.annotations\``.
    pub place: String,
    /// What differs: `type: \`object\` here, \`string\` upstream`.
    pub change: String,
    /// What to change in `specs/` to follow the published definition, in one line.
    pub fix: String,
    /// The reason declared with `x-credkit-deviation` when the difference is deliberate.
    pub deviation: Option<String>,
}

impl Difference {
    pub(crate) fn new(
        class: Class,
        place: String,
        change: String,
        fix: String,
        deviation: Option<&str>,
    ) -> Self {
        Self {
            class,
            operations: Vec::new(),
            place,
            change,
            fix,
            deviation: deviation.map(str::to_owned),
        }
    }

    /// Undeclared: drift.
    pub fn is_drift(&self) -> bool {
        self.deviation.is_none()
    }
}

/// Everything that differs between a spec and its published definition.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Each difference once, with every operation it was found in, in spec order.
    pub differences: Vec<Difference>,
    /// The published operations credkit does not describe: `POST /credentials/authorize`.
    pub uncovered: Vec<String>,
}

impl Report {
    /// Whether something differs that no `x-credkit-deviation` explains.
    pub fn has_drift(&self) -> bool {
        self.differences.iter().any(Difference::is_drift)
    }

    /// How many undeclared differences of `class` there are.
    pub fn count(&self, class: Class) -> usize {
        self.differences
            .iter()
            .filter(|d| d.is_drift() && d.class == class)
            .count()
    }

    /// How many differences are declared deviations.
    pub fn deviations(&self) -> usize {
        self.differences.iter().filter(|d| !d.is_drift()).count()
    }
}

/// Compares the spec `ours` with the published definition `theirs`. A definition published in
/// OpenAPI 3.1 is compared in the 3.0 form the generator would read it in (`type: [T, 'null']`
/// is `nullable`, `const` a one-value enum, ...); one with parts that have no 3.0 form is
/// compared as written.
pub fn compare(ours: &Value, theirs: &Value) -> Report {
    let converted = crate::parse::down_convert(theirs)
        .ok()
        .flatten()
        .map(|(doc, _)| doc);
    let theirs = converted.as_ref().unwrap_or(theirs);
    let (o, t) = (Document::new(ours), Document::new(theirs));
    let mut found = Vec::new();
    document::servers(ours, theirs, &mut found);
    document::security_schemes(o, t, &mut found);
    let their_operations = operations(theirs);
    let mut covered = BTreeSet::new();
    for op in operations(ours) {
        let mut here = Vec::new();
        match their_operations.iter().find(|their| their.key == op.key) {
            Some(their) => {
                covered.insert(their.key.clone());
                let pair = operation::Pair {
                    o,
                    t,
                    ours: &op,
                    theirs: their,
                    declared: deviation(op.op),
                };
                operation::compare(pair, &mut here);
            }
            None => here.push(Difference::new(
                Class::Breaking,
                "operation".to_owned(),
                "not in the published definition".to_owned(),
                "remove the operation, or declare `x-credkit-deviation` on it if the service still answers it".to_owned(),
                deviation(op.op),
            )),
        }
        let name = op.name();
        for mut difference in here {
            difference.operations.push(name.clone());
            found.push(difference);
        }
    }
    Report {
        differences: merge(found),
        uncovered: their_operations
            .iter()
            .filter(|their| !covered.contains(&their.key))
            .map(Operation::name)
            .collect(),
    }
}

/// One difference per place and change, with the operations it was found in.
fn merge(found: Vec<Difference>) -> Vec<Difference> {
    let mut merged: Vec<Difference> = Vec::new();
    for difference in found {
        let same = merged.iter_mut().find(|m| {
            (&m.class, &m.place, &m.change, &m.deviation)
                == (
                    &difference.class,
                    &difference.place,
                    &difference.change,
                    &difference.deviation,
                )
        });
        match same {
            Some(same) => {
                for operation in difference.operations {
                    if !same.operations.contains(&operation) {
                        same.operations.push(operation);
                    }
                }
            }
            None => merged.push(difference),
        }
    }
    merged
}

/// The `x-credkit-deviation` of a node, if any.
fn deviation(node: &Value) -> Option<&str> {
    node.get(DEVIATION).and_then(Value::as_str)
}

/// One operation of a document.
struct Operation<'a> {
    method: String,
    path: &'a str,
    /// Method and path with each path parameter written `{}`: what matches two operations.
    key: String,
    path_item: &'a Value,
    op: &'a Value,
}

impl Operation<'_> {
    /// `GET /credentials/{credentials_id} (get_credentials)`.
    fn name(&self) -> String {
        match self.op.get("operationId").and_then(Value::as_str) {
            Some(id) => format!("{} {} ({id})", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }

    /// The names of the path parameters, in the order of the path.
    fn path_parameters(&self) -> Vec<&str> {
        self.path.split('/').filter_map(path_parameter).collect()
    }
}

/// The parameter a path segment is (`{id}` or Rails' `:id`), if it is one.
fn path_parameter(segment: &str) -> Option<&str> {
    segment
        .strip_prefix(':')
        .or_else(|| segment.strip_prefix('{')?.strip_suffix('}'))
}

fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut found = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let shape: Vec<&str> = path
            .trim_end_matches('/')
            .split('/')
            .map(|s| path_parameter(s).map_or(s, |_| "{}"))
            .collect();
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let method = method.to_ascii_uppercase();
                found.push(Operation {
                    key: format!("{method} {}", shape.join("/")),
                    method,
                    path,
                    path_item: item,
                    op,
                });
            }
        }
    }
    found
}
