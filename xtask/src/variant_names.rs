//! One Rust variant per value of a string enum, whatever the values: typify names each variant
//! itself (its spelling of the value, `Etc/GMT+0` → `EtcGmt0`) and panics when two values of
//! one enum give the same name (`Etc/GMT+0` and `Etc/GMT-0`, `Name` and `name`, `''` and `*`).
//! It also spells `+1` and `-1` `plus1` and `minus1`, which rustc warns of.
//! [`names::enum_variants`] chooses the variants; here the document typify reads hands it, for
//! each value whose variant differs from typify's spelling, a value that typify spells as that
//! variant ([`names::member_key`]), and `member_names::restore_wire_names` puts the value itself
//! back wherever typify writes it (`#[serde(rename)]`, `Display`, `FromStr`), so that the wire
//! keeps the spec's values. A value listed twice is one value.

use serde_json::{Map, Value};

use crate::json_tree::each_object_mut;
use crate::names;

/// Gives every string enum of `doc` whose values typify would spell alike values that typify
/// spells as distinct variants; a `default` beside them follows its value. Returns how many
/// enums changed.
pub fn distinct_variants(doc: &mut Value) -> usize {
    let mut changed = 0;
    each_object_mut(doc, &mut |schema| {
        // A value listed twice is one value (typify would make two variants of it).
        if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
            let mut seen = Vec::new();
            values.retain(|value| match value.as_str() {
                Some(text) if seen.contains(&text.to_owned()) => false,
                Some(text) => {
                    seen.push(text.to_owned());
                    true
                }
                None => true,
            });
        }
        if let Some(renamed) = renamed_values(schema) {
            if let Some(default) = schema.get_mut("default")
                && let Some((_, key)) = renamed
                    .iter()
                    .find(|(value, _)| Some(value.as_str()) == default.as_str())
            {
                *default = Value::String(key.clone());
            }
            if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
                for value in values.iter_mut() {
                    if let Some((_, key)) = renamed
                        .iter()
                        .find(|(wire, _)| Some(wire.as_str()) == value.as_str())
                    {
                        *value = Value::String(key.clone());
                    }
                }
            }
            changed += 1;
        }
    });
    changed
}

/// The values of a string enum that typify would not name distinctly, each with the value
/// typify reads instead; `None` when typify's own names are distinct (or the enum is not one
/// typify names: other types, credkit's open enums).
fn renamed_values(schema: &Map<String, Value>) -> Option<Vec<(String, String)>> {
    let values = schema.get("enum")?.as_array()?;
    let string_typed = schema
        .get("type")
        .is_none_or(|t| t.as_str() == Some("string"));
    if !string_typed || schema.contains_key("x-credkit-open-enum") {
        return None;
    }
    let wire: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    let variants = names::enum_variants(&wire);
    let renamed: Vec<(String, String)> = wire
        .iter()
        .zip(&variants)
        .filter(|(value, variant)| names::type_name(value) != **variant)
        .filter_map(|(value, variant)| {
            Some(((*value).to_owned(), names::member_key(variant, value)?))
        })
        .collect();
    (!renamed.is_empty()).then_some(renamed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::distinct_variants;
    use crate::names;

    #[test]
    fn values_typify_spells_alike_are_handed_to_it_as_distinct_variants_and_the_default_follows() {
        let mut doc = json!({
            "zone": { "type": "string", "enum": ["Etc/GMT+0", "Etc/GMT-0", "UTC"], "default": "Etc/GMT-0" },
            "vote": { "enum": ["+1", "-1", "Name", "name", "", "*", "name"] },
            "plain": { "type": "string", "enum": ["a", "b"] },
            "open": { "type": "string", "enum": ["x", "X"], "x-credkit-open-enum": true },
            "number": { "type": "integer", "enum": [1, 2] },
        });
        let before = doc.clone();
        assert_eq!(distinct_variants(&mut doc), 2);
        let read = |pointer: &str| -> Vec<(String, String)> {
            doc.pointer(pointer)
                .and_then(|v| v.as_array())
                .unwrap()
                .iter()
                .map(|v| {
                    let key = v.as_str().unwrap();
                    (
                        names::type_name(key),
                        names::wire_name(key).unwrap_or(key.to_owned()),
                    )
                })
                .collect()
        };
        let pairs = |expected: &[(&str, &str)]| -> Vec<(String, String)> {
            expected
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        assert_eq!(
            read("/zone/enum"),
            pairs(&[
                ("EtcGmtPlus0", "Etc/GMT+0"),
                ("EtcGmtMinus0", "Etc/GMT-0"),
                ("Utc", "UTC")
            ])
        );
        assert_eq!(
            names::wire_name(doc["zone"]["default"].as_str().unwrap()).as_deref(),
            Some("Etc/GMT-0")
        );
        assert_eq!(
            read("/vote/enum"),
            pairs(&[
                ("Plus1", "+1"),
                ("Minus1", "-1"),
                ("Name", "Name"),
                ("Name2", "name"),
                ("Empty", ""),
                ("Star", "*"),
            ])
        );
        for untouched in ["/plain", "/open", "/number"] {
            assert_eq!(doc.pointer(untouched), before.pointer(untouched));
        }
    }
}
