//! The tolerant reader: no single member of an answer makes the whole answer fail.
//!
//! An answer is first decoded straight into its type, the one step a fitting answer costs.
//! Only when that fails is the body read as a JSON value and walked along the answer type's
//! [`Shape`], which the generator wrote from the spec:
//!
//! 1. widely seen spellings are read as the intended type: numbers and booleans sent as
//!    strings (`"2048"`, `"true"`), numbers and booleans where text is expected, whole numbers
//!    written `2048.0`, date-times without an offset (taken as UTC, as .NET writes an
//!    unspecified `DateTime`) or with a space for `T`, with 1 to 9 fractional digits;
//! 2. a member whose value cannot be read as its type (an object where a number is expected,
//!    an empty string where a number or a boolean is expected) is left out, so that it reads
//!    as absent (every answer member credkit generates is optional); an item of a list or map
//!    is left out of it;
//! 3. what the typed decoding still refuses (a closed enum's unknown value, a pattern) is
//!    located with `serde_path_to_error` and left out the same way, one member at a time.
//!
//! Each such member is listed ([`Unfit`]: where, the type expected, the raw value, what it was
//! read as). A required member that cannot be read makes the object holding it unreadable in
//! turn; when that object is the answer itself, or the answer is not even the right kind of
//! JSON value, decoding fails with an error naming the place: nothing sensible can stand in.
//! In strict mode any listed member is an error.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::shape::{Node, Shape};
use crate::unfit::{ReadAs, Unfit};

/// At most this many members are left out one by one after the walk: each costs a decoding of
/// the whole answer.
const MAX_LEFT_OUT: usize = 256;

/// Decodes `body` into `T`, whose JSON looks like `shape`, tolerating members that do not fit
/// (or, when `strict`, refusing them); the members that did not fit come with the value.
pub(crate) fn read<T: DeserializeOwned>(
    body: &[u8],
    shape: Shape,
    strict: bool,
) -> Result<(T, Vec<Unfit>), serde_json::Error> {
    let refused = match serde_json::from_slice::<T>(body) {
        Ok(value) => return Ok((value, Vec::new())),
        Err(refused) => refused,
    };
    // Not JSON at all: the parser's error says where it stopped.
    let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
        return Err(refused);
    };
    let mut unfit = Vec::new();
    if fit(&mut value, shape, &mut String::new(), &mut unfit) == Verdict::Absent {
        return Err(unreadable(&unfit, refused));
    }
    for _ in 0..MAX_LEFT_OUT {
        let error = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(_) if strict && !unfit.is_empty() => return Err(strict_refusal(&unfit)),
            Ok(decoded) => return Ok((decoded, unfit)),
            Err(error) => error,
        };
        let segments = segments(error.path());
        let Some(left_out) = leave_out(&mut value, &segments) else {
            // The answer itself (or a place the value does not have) is what fails.
            return Err(unreadable(&unfit, error.into_inner()));
        };
        let member = shape_at(shape, &segments);
        unfit.push(Unfit {
            path: pointer(&segments),
            expected: member.map_or_else(|| "the member's type".into(), |m| m.describe()),
            raw: kept(left_out, member),
            read_as: ReadAs::Absent,
        });
    }
    Err(<serde_json::Error as serde::de::Error>::custom(format!(
        "more than {MAX_LEFT_OUT} members of the answer do not fit their types"
    )))
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// The value is (now) of the shape's kind; the typed decoding decides the rest.
    Fits,
    /// The value cannot be read as the shape's kind: its holder leaves it out.
    Absent,
}

/// Reads `value` as `shape` where a widely seen spelling allows, leaving out the members and
/// items that cannot be read; records each in `unfit`. `path` is `value`'s JSON pointer.
fn fit(value: &mut Value, shape: Shape, path: &mut String, unfit: &mut Vec<Unfit>) -> Verdict {
    // `null` is absent: every optional member's type takes it, and a required one's refusal
    // is the typed decoding's to report.
    if value.is_null() {
        return Verdict::Fits;
    }
    let converted = match (shape.node(), &*value) {
        (Node::Any | Node::OneOf(_), _) => return Verdict::Fits,
        (Node::String | Node::Secret, Value::String(_)) => return Verdict::Fits,
        (Node::String | Node::Secret, Value::Number(_) | Value::Bool(_)) => {
            Some(Value::String(value.to_string()))
        }
        (Node::DateTime, Value::String(text)) => match date_time(text) {
            Some(fixed) => Some(Value::String(fixed)),
            // Whatever else the text is, the date-time type decides.
            None => return Verdict::Fits,
        },
        (Node::Integer, Value::Number(number)) => match number.as_f64() {
            _ if number.is_i64() || number.is_u64() => return Verdict::Fits,
            Some(whole) if whole.fract() == 0.0 && whole.abs() < 9.0e15 => {
                Some(Value::from(whole as i64))
            }
            // Out of the integer's range: the typed decoding refuses it, and step 3 leaves it out.
            _ => return Verdict::Fits,
        },
        (Node::Integer, Value::String(text)) => integer(text.trim()),
        (Node::Number, Value::Number(_)) => return Verdict::Fits,
        (Node::Number, Value::String(text)) => integer(text.trim()).or_else(|| {
            let number = text.trim().parse::<f64>().ok()?;
            serde_json::Number::from_f64(number).map(Value::Number)
        }),
        (Node::Boolean, Value::Bool(_)) => return Verdict::Fits,
        (Node::Boolean, Value::String(text)) => match text.trim() {
            t if t.eq_ignore_ascii_case("true") => Some(Value::Bool(true)),
            t if t.eq_ignore_ascii_case("false") => Some(Value::Bool(false)),
            _ => None,
        },
        (Node::Object { members, .. }, Value::Object(_)) => {
            let Value::Object(object) = value else {
                unreachable!("matched as an object")
            };
            for member in *members {
                let Some(held) = object.get_mut(member.name) else {
                    continue;
                };
                let before = path.len();
                push_segment(path, member.name);
                let verdict = fit(held, shape.at(member.node), path, unfit);
                path.truncate(before);
                if verdict == Verdict::Absent {
                    if member.required {
                        return absent(value, shape, path, unfit);
                    }
                    object.remove(member.name);
                }
            }
            return Verdict::Fits;
        }
        (Node::Array(item), Value::Array(_)) => {
            let Value::Array(items) = value else {
                unreachable!("matched as an array")
            };
            let mut position = 0;
            items.retain_mut(|held| {
                let before = path.len();
                push_segment(path, &position.to_string());
                let keep = fit(held, shape.at(*item), path, unfit) == Verdict::Fits;
                path.truncate(before);
                position += 1;
                keep
            });
            return Verdict::Fits;
        }
        (Node::Map(item), Value::Object(_)) => {
            let Value::Object(object) = value else {
                unreachable!("matched as an object")
            };
            object.retain(|key, held| {
                let before = path.len();
                push_segment(path, key);
                let keep = fit(held, shape.at(*item), path, unfit) == Verdict::Fits;
                path.truncate(before);
                keep
            });
            return Verdict::Fits;
        }
        _ => None,
    };
    match converted {
        Some(read) => {
            unfit.push(Unfit {
                path: path.clone(),
                expected: shape.describe(),
                raw: kept(std::mem::replace(value, read), Some(shape)),
                read_as: ReadAs::Converted,
            });
            Verdict::Fits
        }
        None => absent(value, shape, path, unfit),
    }
}

/// Records that `value`, at `path`, cannot be read as `shape`.
fn absent(value: &Value, shape: Shape, path: &str, unfit: &mut Vec<Unfit>) -> Verdict {
    unfit.push(Unfit {
        path: path.to_owned(),
        expected: shape.describe(),
        raw: kept(value.clone(), Some(shape)),
        read_as: ReadAs::Absent,
    });
    Verdict::Absent
}

/// A whole number written as text (`"2048"`, `"-3"`).
fn integer(text: &str) -> Option<Value> {
    text.parse::<i64>()
        .map(Value::from)
        .or_else(|_| text.parse::<u64>().map(Value::from))
        .ok()
}

/// The RFC 3339 spelling of a date-time written in a widely seen other way: without an offset
/// (taken as UTC), with a space for `T`, or with an offset without its colon (`+0100`);
/// `None` when `text` is RFC 3339 already or no date-time at all. 1 to 9 fractional digits.
fn date_time(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let digits = |from: usize, to: usize| {
        bytes
            .get(from..to)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let at = |index: usize, allowed: &[u8]| bytes.get(index).is_some_and(|b| allowed.contains(b));
    let shaped = digits(0, 4)
        && at(4, b"-")
        && digits(5, 7)
        && at(7, b"-")
        && digits(8, 10)
        && at(10, b"Tt ")
        && digits(11, 13)
        && at(13, b":")
        && digits(14, 16)
        && at(16, b":")
        && digits(17, 19);
    if !shaped {
        return None;
    }
    let mut rest = &text[19..];
    let mut fraction = "";
    if let Some(after) = rest.strip_prefix('.') {
        let count = after.bytes().take_while(u8::is_ascii_digit).count();
        if count == 0 || count > 9 {
            return None;
        }
        fraction = &rest[..=count];
        rest = &after[count..];
    }
    let offset = match rest.as_bytes() {
        [] => "Z".to_owned(),
        [b'Z' | b'z'] => "Z".to_owned(),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2]
            if [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()) =>
        {
            format!(
                "{}{}{}:{}{}",
                *sign as char, *h1 as char, *h2 as char, *m1 as char, *m2 as char
            )
        }
        [sign @ (b'+' | b'-'), h1, h2] if h1.is_ascii_digit() && h2.is_ascii_digit() => {
            format!("{}{}{}:00", *sign as char, *h1 as char, *h2 as char)
        }
        _ => return None,
    };
    let fixed = format!("{}T{}{fraction}{offset}", &text[..10], &text[11..19]);
    (fixed != text).then_some(fixed)
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// The steps `serde_path_to_error` took, up to the first it cannot name.
fn segments(path: &serde_path_to_error::Path) -> Vec<Segment> {
    use serde_path_to_error::Segment as S;
    let mut steps = Vec::new();
    for segment in path.iter() {
        match segment {
            S::Map { key } => steps.push(Segment::Key(key.clone())),
            S::Seq { index } => steps.push(Segment::Index(*index)),
            // An enum's variant is no step into the JSON; past an unknown step the place is
            // unknown, so the member that holds it is what is left out.
            S::Enum { .. } => {}
            S::Unknown => break,
        }
    }
    steps
}

/// The JSON pointer of `segments`: `/data/0/id`.
fn pointer(segments: &[Segment]) -> String {
    let mut pointer = String::new();
    for segment in segments {
        match segment {
            Segment::Key(key) => push_segment(&mut pointer, key),
            Segment::Index(index) => push_segment(&mut pointer, &index.to_string()),
        }
    }
    pointer
}

fn push_segment(pointer: &mut String, key: &str) {
    pointer.push('/');
    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
}

/// Removes the value at `segments` from its holder and returns it; `None` for the answer
/// itself or a place the value does not have.
fn leave_out(value: &mut Value, segments: &[Segment]) -> Option<Value> {
    let (last, holder) = segments.split_last()?;
    let mut current = value;
    for segment in holder {
        current = match (segment, current) {
            (Segment::Key(key), Value::Object(object)) => object.get_mut(key)?,
            (Segment::Index(index), Value::Array(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    match (last, current) {
        (Segment::Key(key), Value::Object(object)) => object.remove(key),
        (Segment::Index(index), Value::Array(items)) if *index < items.len() => {
            Some(items.remove(*index))
        }
        _ => None,
    }
}

/// The shape of the value at `segments`, when the shape says.
fn shape_at(shape: Shape, segments: &[Segment]) -> Option<Shape> {
    let mut current = shape;
    for segment in segments {
        current = match (current.node(), segment) {
            (Node::Object { members, .. }, Segment::Key(key)) => {
                current.at(members.iter().find(|m| m.name == key)?.node)
            }
            (Node::Array(item), Segment::Index(_)) | (Node::Map(item), Segment::Key(_)) => {
                current.at(*item)
            }
            _ => return None,
        };
    }
    Some(current)
}

/// What the list of unfit members keeps of a raw value: the value with every secret in it
/// replaced by `"<redacted>"`, or nothing when the value is a secret itself.
fn kept(value: Value, shape: Option<Shape>) -> Option<Value> {
    match shape {
        Some(shape) if matches!(shape.node(), Node::Secret) => None,
        Some(shape) => Some(redacted(value, shape)),
        None => Some(value),
    }
}

fn redacted(value: Value, shape: Shape) -> Value {
    match (shape.node(), value) {
        (Node::Secret, Value::Null) => Value::Null,
        (Node::Secret, _) => Value::String("<redacted>".into()),
        (Node::Object { members, .. }, Value::Object(object)) => Value::Object(
            object
                .into_iter()
                .map(|(key, held)| {
                    let held = match members.iter().find(|m| m.name == key) {
                        Some(member) => redacted(held, shape.at(member.node)),
                        None => held,
                    };
                    (key, held)
                })
                .collect::<Map<String, Value>>(),
        ),
        (Node::Array(item), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .map(|held| redacted(held, shape.at(*item)))
                .collect(),
        ),
        (Node::Map(item), Value::Object(object)) => Value::Object(
            object
                .into_iter()
                .map(|(key, held)| (key, redacted(held, shape.at(*item))))
                .collect(),
        ),
        (_, value) => value,
    }
}

/// The error when the answer itself cannot be read: the required members that made it so,
/// then the typed decoding's reason.
fn unreadable(unfit: &[Unfit], reason: serde_json::Error) -> serde_json::Error {
    let required: Vec<String> = unfit
        .iter()
        .filter(|u| u.read_as == ReadAs::Absent && !u.path.is_empty())
        .map(ToString::to_string)
        .collect();
    if required.is_empty() {
        return reason;
    }
    <serde_json::Error as serde::de::Error>::custom(format!(
        "the answer cannot be read without its required members: {}; {reason}",
        required.join("; ")
    ))
}

/// The error of a strict client for an answer with members that do not fit.
fn strict_refusal(unfit: &[Unfit]) -> serde_json::Error {
    const SHOWN: usize = 5;
    let mut message = format!(
        "{} member{} of the answer do{} not fit {} type{} (strict mode): ",
        unfit.len(),
        if unfit.len() == 1 { "" } else { "s" },
        if unfit.len() == 1 { "es" } else { "" },
        if unfit.len() == 1 { "its" } else { "their" },
        if unfit.len() == 1 { "" } else { "s" },
    );
    let shown: Vec<String> = unfit.iter().take(SHOWN).map(Unfit::mismatch).collect();
    message.push_str(&shown.join("; "));
    if unfit.len() > SHOWN {
        message.push_str(&format!("; and {} more", unfit.len() - SHOWN));
    }
    <serde_json::Error as serde::de::Error>::custom(message)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::{date_time, read};
    use crate::shape::{Member, Node, Shape};
    use crate::unfit::{ReadAs, Unfit};

    /// An answer with a member of each kind, a nested object, a list and a map.
    #[derive(Debug, Deserialize, PartialEq)]
    struct Thing {
        id: Option<i64>,
        ratio: Option<f64>,
        active: Option<bool>,
        name: Option<String>,
        pin: Option<String>,
        at: Option<chrono::DateTime<chrono::Utc>>,
        kind: Option<Kind>,
        part: Option<Part>,
        ids: Option<Vec<i64>>,
        counts: Option<std::collections::BTreeMap<String, i64>>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Small,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Part {
        code: String,
        size: Option<i64>,
    }

    const NODES: &[Node] = &[
        Node::Object {
            name: "Thing",
            members: &[
                Member {
                    name: "id",
                    node: 1,
                    required: false,
                },
                Member {
                    name: "ratio",
                    node: 2,
                    required: false,
                },
                Member {
                    name: "active",
                    node: 3,
                    required: false,
                },
                Member {
                    name: "name",
                    node: 4,
                    required: false,
                },
                Member {
                    name: "pin",
                    node: 5,
                    required: false,
                },
                Member {
                    name: "at",
                    node: 6,
                    required: false,
                },
                Member {
                    name: "kind",
                    node: 4,
                    required: false,
                },
                Member {
                    name: "part",
                    node: 7,
                    required: false,
                },
                Member {
                    name: "ids",
                    node: 8,
                    required: false,
                },
                Member {
                    name: "counts",
                    node: 9,
                    required: false,
                },
            ],
        },
        Node::Integer,
        Node::Number,
        Node::Boolean,
        Node::String,
        Node::Secret,
        Node::DateTime,
        Node::Object {
            name: "Part",
            members: &[
                Member {
                    name: "code",
                    node: 4,
                    required: true,
                },
                Member {
                    name: "size",
                    node: 1,
                    required: false,
                },
            ],
        },
        Node::Array(1),
        Node::Map(1),
    ];

    fn decode(body: serde_json::Value, strict: bool) -> Result<(Thing, Vec<Unfit>), String> {
        read(body.to_string().as_bytes(), Shape::new(NODES, 0), strict).map_err(|e| e.to_string())
    }

    fn paths(unfit: &[Unfit]) -> Vec<(&str, ReadAs)> {
        unfit.iter().map(|u| (u.path.as_str(), u.read_as)).collect()
    }

    #[test]
    fn a_fitting_answer_lists_nothing() {
        let (thing, unfit) = decode(
            json!({"id": 5, "at": "2025-01-14T10:20:30Z", "part": {"code": "a"}, "extra": [1]}),
            true,
        )
        .unwrap();
        assert_eq!(thing.id, Some(5));
        assert!(unfit.is_empty());
    }

    #[test]
    fn numbers_and_booleans_sent_as_strings_are_read_as_such_and_listed() {
        let (thing, unfit) = decode(
            json!({"id": "578", "ratio": " 1.5", "active": "TRUE", "ids": ["1", 2, 3.0], "counts": {"a": "7"}, "name": 12, "part": {"code": true, "size": "2048"}}),
            false,
        )
        .unwrap();
        assert_eq!(thing.id, Some(578));
        assert_eq!(thing.ratio, Some(1.5));
        assert_eq!(thing.active, Some(true));
        assert_eq!(thing.ids, Some(vec![1, 2, 3]));
        assert_eq!(thing.counts.unwrap()["a"], 7);
        assert_eq!(thing.name.as_deref(), Some("12"));
        assert_eq!(
            thing.part,
            Some(Part {
                code: "true".into(),
                size: Some(2048)
            })
        );
        assert_eq!(
            paths(&unfit),
            [
                ("/id", ReadAs::Converted),
                ("/ratio", ReadAs::Converted),
                ("/active", ReadAs::Converted),
                ("/name", ReadAs::Converted),
                ("/part/code", ReadAs::Converted),
                ("/part/size", ReadAs::Converted),
                ("/ids/0", ReadAs::Converted),
                ("/ids/2", ReadAs::Converted),
                ("/counts/a", ReadAs::Converted),
            ]
        );
        assert_eq!(unfit[0].raw, Some(json!("578")));
        assert_eq!(unfit[0].expected, "integer");
    }

    #[test]
    fn members_of_the_wrong_type_read_as_absent_and_the_rest_decodes() {
        let (thing, unfit) = decode(
            json!({"id": {"a": 1}, "ratio": "", "active": "", "name": "kept", "kind": "huge", "ids": [1, "x", 3], "counts": {"a": [], "b": 2}, "at": "yesterday"}),
            false,
        )
        .unwrap();
        assert_eq!(thing.id, None);
        assert_eq!(thing.ratio, None);
        assert_eq!(thing.active, None);
        assert_eq!(thing.name.as_deref(), Some("kept"));
        assert_eq!(thing.kind, None);
        assert_eq!(thing.at, None);
        assert_eq!(thing.ids, Some(vec![1, 3]));
        assert_eq!(thing.counts.unwrap().len(), 1);
        assert_eq!(
            paths(&unfit),
            [
                ("/id", ReadAs::Absent),
                ("/ratio", ReadAs::Absent),
                ("/active", ReadAs::Absent),
                ("/ids/1", ReadAs::Absent),
                ("/counts/a", ReadAs::Absent),
                // What only the typed decoding refuses, found one at a time.
                ("/at", ReadAs::Absent),
                ("/kind", ReadAs::Absent),
            ]
        );
        assert_eq!(unfit[0].raw, Some(json!({"a": 1})));
        assert_eq!(unfit[5].expected, "date-time");
        assert_eq!(unfit[6].expected, "string");
    }

    #[test]
    fn date_times_without_offset_are_taken_as_utc() {
        let (thing, unfit) = decode(json!({"at": "2025-01-14T10:20:30.1234567"}), false).unwrap();
        assert_eq!(
            thing.at.unwrap().timestamp_nanos_opt(),
            Some(1_736_850_030_123_456_700)
        );
        assert_eq!(paths(&unfit), [("/at", ReadAs::Converted)]);
        assert_eq!(unfit[0].raw, Some(json!("2025-01-14T10:20:30.1234567")));
    }

    #[test]
    fn date_time_spellings() {
        let fixed = |text: &str| date_time(text);
        assert_eq!(fixed("2025-01-14T10:20:30Z"), None);
        assert_eq!(fixed("2025-01-14T10:20:30.5+01:00"), None);
        assert_eq!(
            fixed("2025-01-14T10:20:30").as_deref(),
            Some("2025-01-14T10:20:30Z")
        );
        assert_eq!(
            fixed("2025-01-14 10:20:30.123456789").as_deref(),
            Some("2025-01-14T10:20:30.123456789Z")
        );
        assert_eq!(
            fixed("2025-01-14T10:20:30+0100").as_deref(),
            Some("2025-01-14T10:20:30+01:00")
        );
        assert_eq!(
            fixed("2025-01-14T10:20:30-05").as_deref(),
            Some("2025-01-14T10:20:30-05:00")
        );
        assert_eq!(fixed("2025-01-14T10:20:30.1234567890"), None, "10 digits");
        assert_eq!(fixed("2025-01-14T10:20:30."), None);
        assert_eq!(fixed("2025-01-14"), None);
        assert_eq!(fixed("14/01/2025 10:20:30"), None);
        assert_eq!(fixed("2025-01-14T10:20:30 UTC"), None);
    }

    #[test]
    fn secrets_are_never_kept_in_the_list() {
        let (thing, unfit) = decode(json!({"pin": {"value": "123456"}, "id": 1}), false).unwrap();
        assert_eq!(thing.pin, None);
        assert_eq!(unfit.len(), 1);
        assert_eq!(unfit[0].raw, None);
        assert!(!format!("{unfit:?} {}", unfit[0]).contains("123456"));
        let (_, unfit) = decode(json!({"pin": 123456}), false).unwrap();
        assert_eq!(unfit[0].read_as, ReadAs::Converted);
        assert_eq!(unfit[0].raw, None);
    }

    #[test]
    fn a_required_member_that_cannot_be_read_takes_its_object_with_it() {
        let (thing, unfit) =
            decode(json!({"part": {"code": [1], "size": 3}, "id": 2}), false).unwrap();
        assert_eq!(thing.part, None);
        assert_eq!(thing.id, Some(2));
        assert_eq!(
            paths(&unfit),
            [("/part/code", ReadAs::Absent), ("/part", ReadAs::Absent)]
        );
        // Missing, not mistyped: found by the typed decoding.
        let (thing, unfit) = decode(json!({"part": {"size": 3}}), false).unwrap();
        assert_eq!(thing.part, None);
        assert_eq!(paths(&unfit), [("/part", ReadAs::Absent)]);
        assert_eq!(unfit[0].expected, "object Part");
    }

    #[test]
    fn an_answer_of_the_wrong_kind_is_an_error() {
        let error = decode(json!("OK"), false).unwrap_err();
        assert!(error.contains("expected struct Thing"), "{error}");
        let error = read::<Thing>(b"{\"id\": ", Shape::new(NODES, 0), false).unwrap_err();
        assert!(error.to_string().contains("EOF"), "{error}");
        const REQUIRED: &[Node] = &[
            Node::Object {
                name: "Part",
                members: &[Member {
                    name: "code",
                    node: 1,
                    required: true,
                }],
            },
            Node::String,
        ];
        let error = read::<Part>(br#"{"code": {}}"#, Shape::new(REQUIRED, 0), false).unwrap_err();
        assert!(
            error.to_string().contains("/code: expected string"),
            "{error}"
        );
    }

    #[test]
    fn strict_mode_refuses_what_the_tolerant_reader_lists() {
        let error = decode(
            json!({"id": "578", "pin": "x", "part": {"code": "a", "size": {}}}),
            true,
        )
        .unwrap_err();
        assert!(
            error.starts_with("2 members of the answer do not fit their types (strict mode): /id: expected integer, found \"578\"; /part/size: expected integer, found {}"),
            "{error}"
        );
        let error = decode(json!({"pin": 7}), true).unwrap_err();
        assert!(
            error.contains("/pin: expected string, found <redacted>"),
            "{error}"
        );
    }
}

/// What reading an answer costs, fitting and not: a measurement, not a test. Run with
/// `cargo test --release -p credkit-runtime --lib -- --ignored --nocapture cost_of_reading`;
/// BENCHMARKS.md ("Tolerant reader") has the figures.
#[cfg(test)]
mod cost {
    use std::time::{Duration, Instant};

    use serde::Deserialize;

    use super::read;
    use crate::shape::{Member, Node, Shape};

    /// A Sparkfly-like credential answer: 12 members, a list, a nested object.
    #[derive(Deserialize)]
    #[allow(dead_code, reason = "decoded to be measured, never read")]
    struct Answer {
        credential: Option<Credential>,
        errors: Option<serde_json::Map<String, serde_json::Value>>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code, reason = "decoded to be measured, never read")]
    struct Credential {
        id: Option<i64>,
        account_id: Option<i64>,
        member_id: Option<i64>,
        channel_id: Option<i64>,
        identifier: Option<String>,
        status: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
        offer_ids: Option<Vec<i64>>,
        supports_barcode: Option<bool>,
        offer_name: Option<String>,
        merchant_name: Option<String>,
    }

    const NODES: &[Node] = &[
        Node::Object {
            name: "Answer",
            members: &[
                Member::new("credential", 1, false),
                Member::new("errors", 6, false),
            ],
        },
        Node::Object {
            name: "Credential",
            members: &[
                Member::new("id", 2, false),
                Member::new("account_id", 2, false),
                Member::new("member_id", 2, false),
                Member::new("channel_id", 2, false),
                Member::new("identifier", 3, false),
                Member::new("status", 3, false),
                Member::new("created_at", 3, false),
                Member::new("updated_at", 3, false),
                Member::new("offer_ids", 4, false),
                Member::new("supports_barcode", 5, false),
                Member::new("offer_name", 3, false),
                Member::new("merchant_name", 3, false),
            ],
        },
        Node::Integer,
        Node::String,
        Node::Array(2),
        Node::Boolean,
        Node::Any,
    ];

    fn body(id: &str) -> Vec<u8> {
        format!(
            r#"{{"credential": {{"id": {id}, "account_id": 5, "member_id": 123, "channel_id": 456,
            "identifier": "3345", "status": "redeemed", "created_at": "2013-09-16T18:41:13Z",
            "updated_at": "2013-09-16T18:51:23Z", "offer_ids": [1011, 1116],
            "supports_barcode": false, "offer_name": "Buy a Burger, Get Free Medium Fries",
            "merchant_name": "Q Burger"}}, "errors": {{}}}}"#
        )
        .into_bytes()
    }

    /// The median time of `f` over 31 rounds of 2 000 calls.
    fn median(mut f: impl FnMut()) -> Duration {
        let mut rounds: Vec<Duration> = (0..31)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..2_000 {
                    f();
                }
                started.elapsed() / 2_000
            })
            .collect();
        rounds.sort();
        rounds[15]
    }

    #[test]
    #[ignore = "a measurement, not a test: run it with --ignored --nocapture"]
    fn cost_of_reading() {
        let shape = Shape::new(NODES, 0);
        let (fitting, string_id, object_id) = (body("1009"), body("\"1009\""), body("{}"));
        let typed = median(|| {
            std::hint::black_box(serde_json::from_slice::<Answer>(&fitting).unwrap());
        });
        let rows = [
            ("fitting answer, tolerant reader", &fitting),
            ("`\"id\": \"1009\"`: read as 1009", &string_id),
            ("`\"id\": {}`: read as absent", &object_id),
        ];
        println!(
            "| answer | per answer | ratio to serde_json::from_slice of the fitting answer ({typed:?}) |"
        );
        println!("|---|--:|--:|");
        for (name, body) in rows {
            let time = median(|| {
                std::hint::black_box(read::<Answer>(body, shape, false).unwrap());
            });
            let ratio = time.as_secs_f64() / typed.as_secs_f64();
            println!("| {name} | {time:?} | {ratio:.2} |");
        }
    }
}
