//! The limits each operation's inputs have in the spec (`minimum`, `maximum`, their exclusive
//! forms, `minLength`, `maxLength`, `pattern`), for every parameter and at every place of the
//! request body, written into the operation's entry of the service table
//! (`OperationMeta::limits`): the runtime checks what a builder is given against them before
//! sending, whatever way its value was built (typify writes no type for a number's range, and a
//! deserialized string is not checked by its type).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::model::{Operation, str_of};
use crate::schema_refs;
use crate::spec::Spec;

/// A limit of one input of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// The parameter's setter (`anni`), or `None` for the request body.
    pub parameter: Option<String>,
    /// A JSON pointer into the input's value, `*` for every item or map value.
    pub at: String,
    pub rule: Rule,
    /// The value's Rust type checks the rule itself (see [`typify_checks_its_strings`]).
    pub checked_by_type: bool,
}

/// What a [`Limit`] asks, as the runtime's `Rule` names it.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    AtLeast(f64),
    MoreThan(f64),
    AtMost(f64),
    LessThan(f64),
    MinLength(u64),
    MaxLength(u64),
    Pattern(String),
}

/// Fills each operation's `limits` from its parameters' and body's schemas.
pub fn assign(spec: &Spec, operations: &mut [Operation]) {
    for declared in spec.operations() {
        let Some(operation) = operations
            .iter_mut()
            .find(|o| Some(o.spec_id.as_str()) == declared.id())
        else {
            continue;
        };
        let mut limits = Vec::new();
        let listed = [declared.path_item, declared.op]
            .into_iter()
            .filter_map(|v| v.get("parameters").and_then(Value::as_array))
            .flatten();
        for parameter in listed.filter_map(|p| spec.resolve(p)) {
            let (Some(name), Some(place), Some(schema)) = (
                str_of(parameter, "name"),
                str_of(parameter, "in"),
                parameter.get("schema"),
            ) else {
                continue;
            };
            let Some(setter) = operation
                .parameters
                .iter()
                .find(|p| p.name == name && p.location.keyword() == place)
            else {
                continue;
            };
            let mut rules = Vec::new();
            walk(
                spec,
                schema,
                Input::Parameter,
                String::new(),
                &mut rules,
                &mut Vec::new(),
            );
            limits.extend(rules.into_iter().map(|(at, rule, checked_by_type)| Limit {
                parameter: Some(setter.rust_name.clone()),
                at,
                rule,
                checked_by_type,
            }));
        }
        let body = operation.body.as_ref().and_then(|body| {
            let request = spec.resolve(declared.op.get("requestBody")?)?;
            request.pointer(&format!(
                "/content/{}/schema",
                body.media_type.replace('~', "~0").replace('/', "~1")
            ))
        });
        if let Some(schema) = body {
            let mut rules = Vec::new();
            walk(
                spec,
                schema,
                Input::Body,
                String::new(),
                &mut rules,
                &mut Vec::new(),
            );
            limits.extend(rules.into_iter().map(|(at, rule, checked_by_type)| Limit {
                parameter: None,
                at,
                rule,
                checked_by_type,
            }));
        }
        operation.limits = limits;
    }
}

/// Adds the rules of `schema` (its `allOf` merged) at `at`, and those of its members, items
/// and map values below it. `entered` holds the schemas on the way down: a recursive schema's
/// rules are listed once, at its first place.
fn walk<'a>(
    spec: &'a Spec,
    schema: &'a Value,
    input: Input,
    at: String,
    rules: &mut Vec<(String, Rule, bool)>,
    entered: &mut Vec<*const Value>,
) {
    for part in schema_refs::all_of_parts(&spec.doc, schema) {
        let address = std::ptr::from_ref(part);
        if entered.contains(&address) {
            continue;
        }
        entered.push(address);
        let typed = input == Input::Body && typify_checks_its_strings(part);
        for rule in own_rules(part) {
            if !rules.iter().any(|(a, r, _)| *a == at && *r == rule) {
                let checked_by_type = typed && rule.is_about_strings();
                rules.push((at.clone(), rule, checked_by_type));
            }
        }
        let properties = part.get("properties").and_then(Value::as_object);
        for (name, member) in properties.into_iter().flatten() {
            let escaped = name.replace('~', "~0").replace('/', "~1");
            walk(
                spec,
                member,
                input,
                format!("{at}/{escaped}"),
                rules,
                entered,
            );
        }
        if let Some(items) = part.get("items").filter(|i| i.is_object()) {
            walk(spec, items, input, format!("{at}/*"), rules, entered);
        }
        // A map's values; `*` would also reach declared members, so only for a pure map.
        if properties.is_none_or(serde_json::Map::is_empty)
            && let Some(values) = part.get("additionalProperties").filter(|v| v.is_object())
        {
            walk(spec, values, input, format!("{at}/*"), rules, entered);
        }
        // A union's branch keeps its rules where no other branch is of its type: the rules
        // apply by kind of value, so two string branches' patterns would refuse each other's.
        for union in ["oneOf", "anyOf"] {
            let branches = part.get(union).and_then(Value::as_array);
            let branches: Vec<&Value> = branches.into_iter().flatten().collect();
            let types: Vec<Option<&str>> = branches
                .iter()
                .map(|b| spec.resolve(b).and_then(|b| str_of(b, "type")))
                .collect();
            for (branch, kind) in branches.iter().zip(&types) {
                let alone = kind.is_some()
                    && types
                        .iter()
                        .filter(|t| kind_of(**t) == kind_of(*kind))
                        .count()
                        == 1;
                if alone {
                    walk(spec, branch, input, at.clone(), rules, entered);
                }
            }
        }
        entered.pop();
    }
}

/// An integer is a number to a bound.
fn kind_of(kind: Option<&str>) -> Option<&str> {
    match kind {
        Some("integer") => Some("number"),
        other => other,
    }
}

/// The rules a schema states itself. OpenAPI 3.1's numeric `exclusiveMinimum` was already
/// read as 3.0's `minimum` and `exclusiveMinimum: true` (`parse/openapi31.rs`).
fn own_rules(schema: &Value) -> Vec<Rule> {
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let flag = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    let count = |key: &str| schema.get(key).and_then(Value::as_u64);
    let mut rules = Vec::new();
    if let Some(min) = number("minimum") {
        rules.push(if flag("exclusiveMinimum") {
            Rule::MoreThan(min)
        } else {
            Rule::AtLeast(min)
        });
    }
    if let Some(max) = number("maximum") {
        rules.push(if flag("exclusiveMaximum") {
            Rule::LessThan(max)
        } else {
            Rule::AtMost(max)
        });
    }
    if let Some(min) = count("minLength").filter(|min| *min > 0) {
        rules.push(Rule::MinLength(min));
    }
    if let Some(max) = count("maxLength") {
        rules.push(Rule::MaxLength(max));
    }
    // A pattern the engine cannot compile is left to the server (typify's type refuses it
    // too); the runtime would let everything pass it.
    if let Some(pattern) = str_of(schema, "pattern").filter(|p| regress::Regex::new(p).is_ok()) {
        rules.push(Rule::Pattern(pattern.to_owned()));
    }
    rules
}

impl Rule {
    /// A length or a pattern, which only strings have.
    fn is_about_strings(&self) -> bool {
        matches!(
            self,
            Rule::MinLength(_) | Rule::MaxLength(_) | Rule::Pattern(_)
        )
    }
}

/// Which input a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Parameter,
    Body,
}

/// Whether the body member typify writes for `schema` checks its `minLength`, `maxLength` and
/// `pattern` itself, when built and when deserialized: a plain string (no `enum`, a `format`
/// typify does not turn into another type) becomes a newtype whose constructors refuse what
/// breaks them. Its limits are marked: a call does not check them again, which cost every call
/// that sends it a JSON copy of the body (BENCHMARKS.md, "Instructions per call"); the command
/// line still names the flag from them. credkit's secret strings read any length (an answer's
/// PIN is read as it comes), so theirs are checked.
fn typify_checks_its_strings(schema: &Value) -> bool {
    str_of(schema, "type") == Some("string")
        && schema.get("enum").is_none()
        && schema.get("x-credkit-secret").and_then(Value::as_bool) != Some(true)
        && !matches!(
            str_of(schema, "format"),
            Some("uuid" | "date" | "date-time" | "ip" | "ipv4" | "ipv6")
        )
}

/// `.limits(&[...])` for an operation's entry, or nothing when it has none.
pub fn emit(limits: &[Limit]) -> Option<TokenStream> {
    if limits.is_empty() {
        return None;
    }
    let entries = limits.iter().map(|limit| {
        let at = &limit.at;
        let bound = |n: f64| {
            let n = Literal::f64_unsuffixed(n);
            quote!(credkit_runtime::Bound(#n))
        };
        let rule = match &limit.rule {
            Rule::AtLeast(n) => {
                let n = bound(*n);
                quote!(AtLeast(#n))
            }
            Rule::MoreThan(n) => {
                let n = bound(*n);
                quote!(MoreThan(#n))
            }
            Rule::AtMost(n) => {
                let n = bound(*n);
                quote!(AtMost(#n))
            }
            Rule::LessThan(n) => {
                let n = bound(*n);
                quote!(LessThan(#n))
            }
            Rule::MinLength(n) => {
                let n = Literal::u64_unsuffixed(*n);
                quote!(MinLength(#n))
            }
            Rule::MaxLength(n) => {
                let n = Literal::u64_unsuffixed(*n);
                quote!(MaxLength(#n))
            }
            Rule::Pattern(p) => quote!(Pattern(#p)),
        };
        let entry = match &limit.parameter {
            Some(name) => {
                quote!(credkit_runtime::Limit::parameter(#name, #at, credkit_runtime::Rule::#rule))
            }
            None => quote!(credkit_runtime::Limit::body(#at, credkit_runtime::Rule::#rule)),
        };
        match limit.checked_by_type {
            true => quote!(#entry.checked_by_type()),
            false => entry,
        }
    });
    Some(quote!(.limits(&[#(#entries),*])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_states_its_bounds_lengths_and_pattern() {
        assert_eq!(
            own_rules(
                &json!({"type": "integer", "minimum": 1, "maximum": 10, "exclusiveMaximum": true})
            ),
            vec![Rule::AtLeast(1.0), Rule::LessThan(10.0)]
        );
        assert_eq!(
            own_rules(
                &json!({"type": "string", "minLength": 6, "maxLength": 6, "pattern": "^[0-9]+$"})
            ),
            vec![
                Rule::MinLength(6),
                Rule::MaxLength(6),
                Rule::Pattern("^[0-9]+$".into())
            ]
        );
        // minLength 0 asks nothing; a pattern regress cannot read is not kept.
        assert_eq!(
            own_rules(&json!({"minLength": 0, "pattern": "(?<"})),
            vec![]
        );
    }

    #[test]
    fn typify_checks_a_plain_strings_lengths_and_pattern_but_not_those_it_makes_other_types_of() {
        assert!(typify_checks_its_strings(
            &json!({"type": "string", "minLength": 1, "pattern": "^a"})
        ));
        // A format typify makes another type of, a secret (read at any length) and an enum.
        for unchecked in [
            json!({"type": "string", "format": "date", "minLength": 1}),
            json!({"type": "string", "x-credkit-secret": true, "minLength": 1}),
            json!({"type": "string", "enum": ["a"], "minLength": 1}),
            json!({"minLength": 1}),
        ] {
            assert!(!typify_checks_its_strings(&unchecked), "{unchecked}");
        }
    }
}
