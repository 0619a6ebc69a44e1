//! What serde_yaml does not say about a spec's text: where a byte that is not UTF-8 is, and
//! which keys are written twice (serde_yaml keeps the last one silently, so RENTRI's
//! `x-credkit-follow-redirects: false` followed by `true` would become `true`).

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser};

use crate::model::pointer_segment;

/// The text of a spec file, or where its first byte that is not UTF-8 is (`line 3:17`).
pub fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        // Columns count characters, as YAML parsers do, from 1.
        let column = String::from_utf8_lossy(&valid[start..]).chars().count() + 1;
        format!(
            "line {line}:{column}: byte 0x{:02X} is not UTF-8: save the file as UTF-8",
            e.as_bytes()[valid.len()]
        )
    })
}

/// A key written twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The JSON pointer of the key (`/info/x-credkit-follow-redirects`).
    pub pointer: String,
    /// Where it is first written, and where again (`line:column`).
    pub first: String,
    pub again: String,
}

impl DuplicateKey {
    pub fn message(&self) -> String {
        format!(
            "key written twice, at line {} and at line {}: only the last would be kept; keep one",
            self.first, self.again
        )
    }
}

/// One mapping or sequence being read.
enum Frame {
    Mapping {
        pointer: String,
        keys: BTreeMap<String, String>,
        /// The key whose value comes next, or `None` when a key comes next.
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        next: usize,
    },
    /// A mapping or sequence used as a key: nothing in it is a JSON member.
    Key,
}

/// The document `text` holds: JSON read as JSON (a YAML reader refuses valid JSON, such as a
/// `\/` escape or a control character in a string), anything else as YAML. An integer past 64
/// bits (a `seed` bound) is read as the nearest floating-point number, as JSON readers do.
pub fn document(text: &str) -> Result<serde_json::Value, String> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"));
    }
    // Straight into JSON first: that reader keeps the last of a key written twice, which
    // `duplicate_keys` then names with both lines. An integer JSON cannot hold fails it, and
    // takes the way through YAML's own values.
    serde_yaml::from_str(text).or_else(|direct: serde_yaml::Error| {
        serde_yaml::from_str::<Wide>(text)
            .map(|wide| wide.0)
            .map_err(|_| format!("not valid YAML: {direct}"))
    })
}

/// A JSON value read from YAML where an integer may be wider than 64 bits (then the nearest
/// `f64`), and a key may be a number or a boolean (then its text).
struct Wide(serde_json::Value);

impl<'de> serde::Deserialize<'de> for Wide {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WideVisitor)
    }
}

struct WideVisitor;

impl<'de> serde::de::Visitor<'de> for WideVisitor {
    type Value = Wide;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Wide, E> {
        Ok(Wide(v.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Wide, E> {
        Ok(Wide(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Wide, E> {
        Ok(Wide(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Wide, E> {
        Ok(Wide((v as f64).into()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Wide, E> {
        Ok(Wide((v as f64).into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Wide, E> {
        Ok(Wide(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Wide, E> {
        Ok(Wide(v.into()))
    }
    fn visit_unit<E>(self) -> Result<Wide, E> {
        Ok(Wide(serde_json::Value::Null))
    }
    fn visit_none<E>(self) -> Result<Wide, E> {
        Ok(Wide(serde_json::Value::Null))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Wide, A::Error> {
        let mut items = Vec::new();
        while let Some(Wide(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Wide(items.into()))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Wide, A::Error> {
        let mut members = serde_json::Map::new();
        while let Some((Wide(key), Wide(value))) = map.next_entry()? {
            let key = match key {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            members.insert(key, value);
        }
        Ok(Wide(members.into()))
    }
}

/// Every key written twice in `text`, in the order they appear. Text that is not YAML gives
/// none: serde_yaml then says where it fails.
pub fn duplicate_keys(text: &str) -> Vec<DuplicateKey> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut found = Vec::new();
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return Vec::new();
        };
        let place = format!("{}:{}", span.start.line(), span.start.col() + 1);
        let starts = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
            stack.pop();
            continue;
        }
        if !starts {
            continue;
        }
        // The node's pointer, or `None` when it is a key (or inside one).
        let pointer = match stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Key) => None,
            Some(Frame::Sequence { pointer, next }) => {
                *next += 1;
                Some(format!("{pointer}/{}", *next - 1))
            }
            Some(Frame::Mapping { pointer, keys, key }) => match key.take() {
                Some(key) => Some(format!("{pointer}/{}", pointer_segment(&key))),
                None => {
                    let name = match &event {
                        Event::Scalar(value, ..) => value.to_string(),
                        _ => format!("(a key at {place})"),
                    };
                    if let Some(first) = keys.get(&name) {
                        found.push(DuplicateKey {
                            pointer: format!("{pointer}/{}", pointer_segment(&name)),
                            first: first.clone(),
                            again: place.clone(),
                        });
                    } else {
                        keys.insert(name.clone(), place.clone());
                    }
                    *key = Some(name);
                    None
                }
            },
        };
        match (event, pointer) {
            (Event::MappingStart(..), Some(pointer)) => stack.push(Frame::Mapping {
                pointer,
                keys: BTreeMap::new(),
                key: None,
            }),
            (Event::SequenceStart(..), Some(pointer)) => {
                stack.push(Frame::Sequence { pointer, next: 0 })
            }
            (Event::MappingStart(..) | Event::SequenceStart(..), None) => stack.push(Frame::Key),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{document, duplicate_keys, utf8};

    #[test]
    fn a_byte_that_is_not_utf8_is_named_by_line_and_column() {
        let text = b"openapi: 3.0.3\n# caf\xe9 \xe9\n".to_vec();
        assert_eq!(
            utf8(text).unwrap_err(),
            "line 2:6: byte 0xE9 is not UTF-8: save the file as UTF-8"
        );
        assert_eq!(utf8(b"a: \xc3\xa9".to_vec()).unwrap(), "a: é");
    }

    #[test]
    fn keys_written_twice_are_found_with_both_places_in_block_and_flow_mappings() {
        let text = "info:\n  a: 1\n  b: [{ x: 1, x: 2 }]\n  a: 3\nc: { '/p': 1 }\n";
        let found = duplicate_keys(text);
        let listed: Vec<String> = found
            .iter()
            .map(|d| format!("{} {} {}", d.pointer, d.first, d.again))
            .collect();
        assert_eq!(listed, ["/info/b/0/x 3:9 3:15", "/info/a 2:3 4:3"]);
        assert!(duplicate_keys("a: 1\nb: { a: 1 }\nc: [a, a]\n").is_empty());
        // JSON is YAML too.
        assert_eq!(duplicate_keys(r#"{"a": {"b": 1, "b": 2}}"#).len(), 1);
    }

    #[test]
    fn json_is_read_as_json_and_an_integer_past_64_bits_as_a_number() {
        // `\/` and an escaped control character are valid JSON that YAML refuses.
        let json = r#"{"a": "x\/y\u0007z", "n": 1}"#;
        assert_eq!(
            document(json).unwrap(),
            serde_json::json!({"a": "x/y\u{7}z", "n": 1})
        );
        let refused = document("{\"a\": }").unwrap_err();
        assert!(
            refused.starts_with("not valid JSON") && refused.contains("line 1"),
            "{refused}"
        );
        let big =
            document("minimum: -9223372036854775809\nmaximum: 18446744073709551616\n").unwrap();
        assert!(
            big["minimum"].as_f64().is_some_and(|n| n < -9.2e18),
            "{big}"
        );
        assert!(big["maximum"].as_f64().is_some_and(|n| n > 1.8e19), "{big}");
    }
}
