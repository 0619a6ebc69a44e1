//! One Rust field per member, whatever the spec's spelling: typify names each member of an
//! object itself (`snake_case`, a `_` after a keyword, an `x` before a digit or for a name with
//! no letter) and would give `name` and `Name`, `user_name` and `userName`, `self` and `Self`,
//! or `''` and `$` one field name, which does not compile. [`names::member_fields`] chooses the
//! fields; here the document typify reads hands it, for each member whose field differs from
//! typify's spelling, a key that typify spells as that field ([`names::member_key`]), and
//! [`restore_wire_names`] puts the member's own name back into the field's
//! `#[serde(rename)]`, so that the wire keeps the spec's names.

use std::collections::HashMap;

use proc_macro2::{Group, Literal, TokenStream, TokenTree};
use serde_json::Value;

use crate::model::pointer_segment;
use crate::names;
use crate::schema_refs::{all_of_parts, merged_properties};

/// Gives every object of `doc` whose members typify would spell alike keys that typify spells
/// as distinct fields.
pub fn distinct_fields(doc: &mut Value) {
    let renames = renames(doc);
    for rename in renames {
        if let Some(properties) = doc
            .pointer_mut(&format!("{}/properties", rename.declared_at))
            .and_then(Value::as_object_mut)
            && let Some(schema) = properties.remove(&rename.wire)
        {
            properties.insert(rename.key.clone(), schema);
        }
        for part in &rename.required_at {
            let required = doc
                .pointer_mut(&format!("{part}/required"))
                .and_then(Value::as_array_mut);
            for name in required.into_iter().flatten() {
                if name.as_str() == Some(&rename.wire) {
                    *name = Value::String(rename.key.clone());
                }
            }
        }
    }
}

/// A member whose key changes: where it is declared, and the parts that list it as required.
struct Rename {
    declared_at: String,
    wire: String,
    key: String,
    required_at: Vec<String>,
}

fn renames(doc: &Value) -> Vec<Rename> {
    let mut objects: Vec<(String, &Value)> = Vec::new();
    index(doc, String::new(), &mut objects);
    let places: HashMap<*const Value, &str> = objects
        .iter()
        .map(|(at, schema)| (std::ptr::from_ref(*schema), at.as_str()))
        .collect();
    let place = |schema: &Value| {
        places
            .get(&std::ptr::from_ref(schema))
            .map(|at| (*at).to_owned())
    };
    let mut renames: Vec<Rename> = Vec::new();
    let objects = objects
        .iter()
        .map(|(_, schema)| *schema)
        .filter(|schema| schema.get("properties").is_some() || schema.get("allOf").is_some());
    for object in objects {
        let merged = merged_properties(doc, object);
        let parts = all_of_parts(doc, object);
        let extra = parts.iter().any(|part| {
            part.get("additionalProperties")
                .is_some_and(|a| !a.is_boolean())
        });
        let wire: Vec<&str> = merged.iter().map(|p| p.name).collect();
        let taken: &[&str] = if extra { &["extra"] } else { &[] };
        let fields = names::member_fields(&wire, taken);
        for (wire, field) in wire.iter().zip(fields) {
            if names::member_field(wire) == field {
                continue;
            }
            let declaring = parts
                .iter()
                .rev()
                .find(|part| part.get("properties").and_then(|p| p.get(*wire)).is_some());
            let (Some(declared_at), Some(key)) = (
                declaring.and_then(|part| place(part)),
                names::member_key(&field, wire),
            ) else {
                continue;
            };
            if renames
                .iter()
                .any(|r| r.declared_at == declared_at && r.wire == *wire)
            {
                continue;
            }
            let required_at = parts
                .iter()
                .filter(|part| {
                    part.get("required")
                        .and_then(Value::as_array)
                        .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(wire)))
                })
                .filter_map(|part| place(part))
                .collect();
            renames.push(Rename {
                declared_at,
                wire: (*wire).to_owned(),
                key,
                required_at,
            });
        }
    }
    renames
}

/// Every object in `value`, with its JSON pointer, each before the objects it holds.
fn index<'a>(value: &'a Value, at: String, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(object) => {
            found.push((at.clone(), value));
            for (key, child) in object {
                index(child, format!("{at}/{}", pointer_segment(key)), found);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                index(item, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// typify's output with each key of [`distinct_fields`] replaced by the wire name it carries,
/// wherever typify wrote it (the fields' `#[serde(rename)]`).
pub fn restore_wire_names(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut restored =
                    Group::new(group.delimiter(), restore_wire_names(group.stream()));
                restored.set_span(group.span());
                TokenTree::Group(restored)
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                // Only a string holding the mark is read (typify's output has thousands).
                let marked = text.contains('\u{E000}') || text.contains("\\u{e000}");
                let carried = (marked && text.starts_with('"'))
                    .then(|| syn::parse_str::<syn::LitStr>(&text).ok())
                    .flatten()
                    .and_then(|l| names::wire_name(&l.value()));
                match carried {
                    Some(wire) => TokenTree::Literal(Literal::string(&wire)),
                    None => TokenTree::Literal(literal),
                }
            }
            other => other,
        })
        .collect()
}
