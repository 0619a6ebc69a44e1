//! `x-credkit-waiters` on a polled operation: each waiter it declares, read into [`Waiter`] and
//! checked against the operation's answer schema; its generated code is [`emit`].
//!
//! ```yaml
//! x-credkit-waiters:
//!   - name: credentials_active   # the client gets `wait_until_credentials_active()`
//!     member: stato              # the answer's member holding the state; `data.stato` nests
//!     success: [Attivo]          # every value of the member's enum is in exactly one list
//!     failure: [Revocato, Eliminato, Scaduto]
//!     pending: [Nuovo]
//!     first_delay: 5s            # the wait before the second poll, doubled per poll...
//!     max_delay: 1min            # ...up to this
//!     max_wait: 1h               # the longest wait in all, unless the caller sets another
//! ```
//!
//! A waiter reads a state: the member must be a string `enum` (through `$ref` and `allOf`),
//! and every value of the enum must be classified, so that a value the vendor adds later is
//! the only state a waiter does not know (it keeps waiting and reports it).

mod emit;
pub mod mocks;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::model::{Operation, Success, pointer_segment};
use crate::names;
use crate::schema_refs::{all_of_parts, follow, merged_properties};
use crate::spec::Spec;

pub use emit::{CLIENT_METHOD_PREFIX, emit};

/// The command line's entry of a waiter (`crates/cli`'s `generated::WAITERS`): the facade's
/// name of the service, the command, and the waiter's static.
pub fn cli_entry(
    service: &str,
    command: &str,
    module: &proc_macro2::Ident,
    waiter: &Waiter,
) -> proc_macro2::TokenStream {
    let constant = quote::format_ident!("{}", waiter.name.to_ascii_uppercase());
    quote::quote!((#service, #command, &credkit::#module::waiters::#constant),)
}

pub const EXTENSION: &str = "x-credkit-waiters";
const MEMBERS: [&str; 8] = [
    "name",
    "member",
    "success",
    "failure",
    "pending",
    "first_delay",
    "max_delay",
    "max_wait",
];

/// One waiter of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiter {
    /// As written: `credentials_active`.
    pub name: String,
    /// The `operationId` of the operation it polls.
    pub operation: String,
    /// The member read, as written: `data.stato`.
    pub member: String,
    /// Each step of the member's path, from the answer down.
    pub steps: Vec<Step>,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub pending: Vec<String>,
    pub first_delay_ms: u64,
    pub max_delay_ms: u64,
    pub max_wait_ms: u64,
}

/// One member on a waiter's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The Rust field typify gives it.
    pub field: String,
    /// The field is an `Option`.
    pub optional: bool,
}

impl Waiter {
    /// `wait_until_credentials_active`: the client's method and the CLI's flag's operation.
    pub fn method(&self) -> String {
        format!("{CLIENT_METHOD_PREFIX}{}", self.name)
    }
}

/// The waiters every operation of `spec` declares, and each problem as (JSON pointer, message).
pub fn waiters(spec: &Spec, operations: &[Operation]) -> (Vec<Waiter>, Vec<(String, String)>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for declared in spec.operations() {
        let Some(value) = declared.op.get(EXTENSION) else {
            continue;
        };
        let place = format!(
            "/paths/{}/{}/{EXTENSION}",
            pointer_segment(declared.path),
            declared.method
        );
        let Some(list) = value.as_array() else {
            problems.push((
                place,
                format!(
                    "`{EXTENSION}` is a list of waiters, each with {}",
                    MEMBERS.join(", ")
                ),
            ));
            continue;
        };
        let id = declared.id().unwrap_or_default();
        let Some(operation) = operations.iter().find(|o| o.spec_id == id) else {
            continue; // the operation itself is refused, and named, by the parser
        };
        let answer = answer_schema(spec, declared.op, operation);
        for (index, entry) in list.iter().enumerate() {
            let at = format!("{place}/{index}");
            if let Some(name) = entry.get("name").and_then(Value::as_str)
                && !names.insert(name.to_owned())
            {
                problems.push((
                    format!("{at}/name"),
                    format!("waiter `{name}` is declared twice: give each its own name"),
                ));
            }
            match waiter(spec, entry, &at, operation, answer.clone()) {
                Ok(waiter) => found.push(waiter),
                Err(mut refused) => problems.append(&mut refused),
            }
        }
    }
    (found, problems)
}

/// The JSON schema of the operation's one JSON success, or why a waiter cannot poll it.
fn answer_schema<'a>(
    spec: &'a Spec,
    op: &'a Value,
    operation: &Operation,
) -> Result<&'a Value, String> {
    let Success::Json { statuses } = &operation.success else {
        return Err("a waiter polls an operation whose successes share one JSON answer".to_owned());
    };
    let status = statuses
        .first()
        .map(u16::to_string)
        .unwrap_or("default".to_owned());
    op.pointer(&format!("/responses/{status}"))
        .and_then(|response| follow(&spec.doc, response))
        .and_then(|response| response.pointer("/content/application~1json/schema"))
        .ok_or_else(|| {
            format!("the `{status}` answer has no `application/json` schema to read a state from")
        })
}

fn waiter(
    spec: &Spec,
    entry: &Value,
    at: &str,
    operation: &Operation,
    answer: Result<&Value, String>,
) -> Result<Waiter, Vec<(String, String)>> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let Some(object) = entry.as_object() else {
        return Err(vec![(
            at.to_owned(),
            format!("a waiter is a mapping with {}", MEMBERS.join(", ")),
        )]);
    };
    for key in object.keys().filter(|key| !MEMBERS.contains(&key.as_str())) {
        problems.push((
            format!("{at}/{}", pointer_segment(key)),
            format!(
                "`{key}` is not a member of a waiter: write {}",
                MEMBERS.join(", ")
            ),
        ));
    }
    let name = match object.get("name").and_then(Value::as_str) {
        Some(name) if !name.is_empty() && names::field_name(name) == name => name.to_owned(),
        other => {
            problems.push((format!("{at}/name"), format!("the name is {}: write it in snake_case (`credentials_active` gives `wait_until_credentials_active()`)", other.map_or("missing".to_owned(), |n| format!("`{n}`")))));
            String::new()
        }
    };
    let mut states = |key: &str, required: bool| -> Vec<String> {
        match object.get(key) {
            None if !required => Vec::new(),
            Some(Value::Array(items))
                if items.iter().all(Value::is_string) && !(required && items.is_empty()) =>
            {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            }
            _ => {
                problems.push((
                    format!("{at}/{key}"),
                    format!(
                        "`{key}` is a list of states (strings){}",
                        if required { ", at least one" } else { "" }
                    ),
                ));
                Vec::new()
            }
        }
    };
    let (success, failure, pending) = (
        states("success", true),
        states("failure", false),
        states("pending", false),
    );
    let mut duration = |key: &str| -> u64 {
        match object
            .get(key)
            .and_then(Value::as_str)
            .and_then(crate::parse::milliseconds)
        {
            Some(ms) if ms > 0 => ms,
            _ => {
                problems.push((format!("{at}/{key}"), format!("`{key}` is a duration longer than 0, a whole number and a unit: `500ms`, `5s`, `1min`, `1h`")));
                0
            }
        }
    };
    let (first_delay_ms, max_delay_ms, max_wait_ms) = (
        duration("first_delay"),
        duration("max_delay"),
        duration("max_wait"),
    );
    if first_delay_ms > max_delay_ms && max_delay_ms > 0 {
        problems.push((
            format!("{at}/first_delay"),
            "`first_delay` is longer than `max_delay`".to_owned(),
        ));
    }
    let member = object
        .get("member")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let answer = answer.map_err(|message| {
        problems.push((
            at.to_owned(),
            format!("{}: {message}", operation.location()),
        ))
    });
    let mut steps = Vec::new();
    if let Ok(answer) = answer {
        match member_enum(spec, answer, &member, &mut steps) {
            Err(message) => problems.push((format!("{at}/member"), message)),
            Ok(values) => {
                for (key, list) in [
                    ("success", &success),
                    ("failure", &failure),
                    ("pending", &pending),
                ] {
                    for (index, state) in list.iter().enumerate() {
                        if !values.contains(state) {
                            problems.push((
                                format!("{at}/{key}/{index}"),
                                format!(
                                    "`{state}` is not a value of `{member}`: it is one of {}",
                                    values.join(", ")
                                ),
                            ));
                        }
                    }
                }
                let mut seen = BTreeSet::new();
                for state in success.iter().chain(&failure).chain(&pending) {
                    if !seen.insert(state) {
                        problems.push((at.to_owned(), format!("`{state}` is in two lists: a state succeeds, fails or keeps waiting")));
                    }
                }
                for value in values.iter().filter(|v| !seen.contains(v)) {
                    problems.push((at.to_owned(), format!("`{value}`, a value of `{member}`, is in no list: put it in `success`, `failure` or `pending`")));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Waiter {
        name,
        operation: operation.spec_id.clone(),
        member,
        steps,
        success,
        failure,
        pending,
        first_delay_ms,
        max_delay_ms,
        max_wait_ms,
    })
}

/// Follows `member` (`data.stato`) from `answer` through `$ref` and `allOf`, pushing each step;
/// the values of the string enum it ends at.
fn member_enum(
    spec: &Spec,
    answer: &Value,
    member: &str,
    steps: &mut Vec<Step>,
) -> Result<Vec<String>, String> {
    if member.is_empty() {
        return Err("`member` names the answer's member that holds the state: `stato`, or `data.stato` inside `data`".to_owned());
    }
    let mut schema = answer;
    for name in member.split('.') {
        let properties = merged_properties(&spec.doc, schema);
        let wire: Vec<&str> = properties.iter().map(|p| p.name).collect();
        let Some(index) = wire.iter().position(|w| *w == name) else {
            return Err(format!(
                "`{member}`: the answer has no member `{name}` here (its members: {})",
                if wire.is_empty() {
                    "none".to_owned()
                } else {
                    wire.join(", ")
                }
            ));
        };
        let property = &properties[index];
        let field = names::member_fields(&wire, &[]).swap_remove(index);
        let parts = all_of_parts(&spec.doc, property.schema);
        let nullable = parts
            .iter()
            .any(|p| p.get("nullable") == Some(&Value::Bool(true)));
        let defaulted = parts.iter().any(|p| p.get("default").is_some());
        steps.push(Step {
            field,
            optional: nullable || (!property.required && !defaulted),
        });
        schema = property.schema;
    }
    let values: Vec<String> = all_of_parts(&spec.doc, schema)
        .iter()
        .filter_map(|part| part.get("enum").and_then(Value::as_array))
        .next_back()
        .map(|values| {
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if values.is_empty() {
        return Err(format!(
            "`{member}` is not a string `enum`: a waiter reads a state from an enum's values"
        ));
    }
    Ok(values)
}
