//! Answer bodies written from a spec's answer schema, each with one kind of member that does
//! not fit its type planted wherever the schema has such a member, and what a tolerant client
//! must make of it: the value it decodes to and the members it lists. Written from the spec
//! here, independently of the generator's own reading of it, so that a wrong table of shapes
//! in a generated client shows as a difference.

use serde_json::{Map, Value, json};

use crate::openapi_schema::SchemaChecker;

/// One way a server's answer departs from the types of its spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Every member as the spec types it.
    Fitting,
    /// Every integer and number written as a string: `"7"`, `"1.5"`.
    NumbersAsStrings,
    /// Every boolean written as a string: `"true"`.
    BooleansAsStrings,
    /// Every integer and number an empty string: read as absent.
    EmptyNumbers,
    /// Every date-time without an offset, with 7 fractional digits, as .NET writes one.
    DateTimesWithoutOffset,
    /// Every scalar member an object: read as absent.
    WrongTypes,
    /// Every member of a union (Sparkfly's text-or-object `annotations`) in its last form
    /// instead of its first: both fit.
    OtherUnionBranches,
}

impl Variant {
    pub const ALL: [Variant; 7] = [
        Variant::Fitting,
        Variant::NumbersAsStrings,
        Variant::BooleansAsStrings,
        Variant::EmptyNumbers,
        Variant::DateTimesWithoutOffset,
        Variant::WrongTypes,
        Variant::OtherUnionBranches,
    ];
}

/// Whether a listed member was read as its type or as absent, as `credkit_runtime::ReadAs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Read {
    Converted,
    Absent,
}

/// A member the client must list.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listed {
    /// Its JSON pointer.
    pub path: String,
    pub read: Read,
    /// The raw value, `None` for a secret.
    pub raw: Option<String>,
}

/// An answer body and what decoding it must give.
#[derive(Debug)]
pub struct Sample {
    pub body: Value,
    /// The decoded value, serialized again.
    pub expected: Value,
    /// The members that do not fit, in any order.
    pub listed: Vec<Listed>,
}

/// Every secret member's value (a PIN is 6 characters): never in a message or a list.
pub const SECRET: &str = "S3CR3T";

/// The one date-time every sample uses: as sent with 7 digits and no offset, and as credkit
/// reads it (UTC, serialized by chrono with 9 digits).
pub const LOCAL_DATE_TIME: &str = "2025-01-14T10:20:30.1234567";
pub const UTC_DATE_TIME: &str = "2025-01-14T10:20:30.123456700Z";

/// A sample of `schema` (of the document `doc`) with `variant` planted.
pub fn sample(doc: &Value, schema: &Value, variant: Variant) -> Sample {
    let mut listed = Vec::new();
    let (body, expected) = write(
        &SchemaChecker::new(doc),
        schema,
        variant,
        "",
        &mut listed,
        0,
    )
    .unwrap_or((Value::Null, Value::Null));
    Sample {
        body,
        expected,
        listed,
    }
}

/// `(body, expected)` of one value; `None` when it reads as absent.
fn write(
    checker: &SchemaChecker<'_>,
    schema: &Value,
    variant: Variant,
    path: &str,
    listed: &mut Vec<Listed>,
    depth: u8,
) -> Option<(Value, Value)> {
    let schema = checker.resolve(schema).expect("the spec's $refs resolve");
    if depth > 8 {
        return Some((json!({}), json!({})));
    }
    let secret = schema.get("x-credkit-secret") == Some(&Value::Bool(true));
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        if let [only] = all.as_slice()
            && schema.get("properties").is_none()
        {
            // A nullable reference: `x-credkit-secret` may sit on the referenced schema.
            return write(checker, only, variant, path, listed, depth + 1);
        }
        let mut merged = Map::new();
        merge(checker, schema, &mut merged);
        return object(checker, &merged, variant, path, listed, depth);
    }
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        // The reader leaves a union to the typed decoding: nothing is planted inside it.
        let branch = match variant {
            Variant::OtherUnionBranches => branches.last(),
            _ => branches.first(),
        }?;
        return write(checker, branch, Variant::Fitting, path, listed, depth + 1);
    }
    let kind = schema.get("type").and_then(Value::as_str);
    let format = schema.get("format").and_then(Value::as_str);
    let plant = |listed: &mut Vec<Listed>, body: Value, read: Read, expected: Option<Value>| {
        listed.push(Listed {
            path: path.to_owned(),
            read,
            raw: (!secret).then(|| body.to_string()),
        });
        Some((body, expected?))
    };
    let wrong = json!({"unexpected": true});
    match (kind, format) {
        (Some("object"), _) | (None, _) if schema.get("properties").is_some() => {
            let mut merged = Map::new();
            merge(checker, schema, &mut merged);
            object(checker, &merged, variant, path, listed, depth)
        }
        (Some("string"), Some("date-time")) => match variant {
            Variant::DateTimesWithoutOffset => plant(
                listed,
                json!(LOCAL_DATE_TIME),
                Read::Converted,
                Some(json!(UTC_DATE_TIME)),
            ),
            Variant::WrongTypes => plant(listed, wrong, Read::Absent, None),
            _ => Some((json!(UTC_DATE_TIME), json!(UTC_DATE_TIME))),
        },
        (Some("string"), _) => {
            let text = match (schema.get("enum").and_then(Value::as_array), format) {
                (Some(values), _) => values[0].clone(),
                (None, Some("uuid")) => json!("0b9c1b1e-3c1a-4f3e-9a43-2f1d1c0a0b0c"),
                _ if secret => json!(SECRET),
                _ => json!("text"),
            };
            match variant {
                Variant::WrongTypes => plant(listed, wrong, Read::Absent, None),
                _ => Some((text.clone(), text)),
            }
        }
        (Some(number @ ("integer" | "number")), _) => {
            let value = if number == "integer" {
                json!(7)
            } else {
                json!(1.5)
            };
            match variant {
                Variant::NumbersAsStrings => plant(
                    listed,
                    json!(value.to_string()),
                    Read::Converted,
                    Some(value),
                ),
                Variant::EmptyNumbers => plant(listed, json!(""), Read::Absent, None),
                Variant::WrongTypes => plant(listed, wrong, Read::Absent, None),
                _ => Some((value.clone(), value)),
            }
        }
        (Some("boolean"), _) => match variant {
            Variant::BooleansAsStrings => {
                plant(listed, json!("true"), Read::Converted, Some(json!(true)))
            }
            Variant::WrongTypes => plant(listed, wrong, Read::Absent, None),
            _ => Some((json!(true), json!(true))),
        },
        (Some("array"), _) => {
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            let [(_, first), (_, second)] =
                two(checker, &items, variant, path, "0", listed, depth)?;
            let body = [first.0, second.0].into_iter().collect();
            let expected = [first.1, second.1].into_iter().flatten().collect();
            Some((Value::Array(body), Value::Array(expected)))
        }
        (Some("object"), _) => match schema.get("additionalProperties") {
            Some(values) if values.as_object().is_some_and(|v| !v.is_empty()) => {
                let pair = two(checker, values, variant, path, "a", listed, depth)?;
                let [(a, first), (b, second)] = pair;
                let body = [(a.clone(), first.0), (b.clone(), second.0)];
                let expected = [(a, first.1), (b, second.1)]
                    .into_iter()
                    .filter_map(|(key, value)| Some((key, value?)));
                Some((
                    Value::Object(body.into_iter().collect()),
                    Value::Object(expected.collect()),
                ))
            }
            _ => Some((json!({"free": "form"}), json!({"free": "form"}))),
        },
        // No type: any value.
        _ => Some((json!("any"), json!("any"))),
    }
}

/// Two items of a list or map (keys `first` and the next one): the first with `variant`, the
/// second fitting, so that an item left out leaves a value that still shows. Each is
/// `(body, expected)`; `expected` is `None` for an item read as absent.
#[allow(clippy::type_complexity)]
fn two(
    checker: &SchemaChecker<'_>,
    items: &Value,
    variant: Variant,
    path: &str,
    first: &str,
    listed: &mut Vec<Listed>,
    depth: u8,
) -> Option<[(String, (Value, Option<Value>)); 2]> {
    let key = first.to_owned();
    let planted = match write(
        checker,
        items,
        variant,
        &format!("{path}/{key}"),
        listed,
        depth + 1,
    ) {
        Some((body, expected)) => (body, Some(expected)),
        None => (planted_body(listed), None),
    };
    let (body, expected) = write(
        checker,
        items,
        Variant::Fitting,
        "",
        &mut Vec::new(),
        depth + 1,
    )?;
    let next = if key == "0" { "1" } else { "b" }.to_owned();
    Some([(key, planted), (next, (body, Some(expected)))])
}

/// The body of the member just planted and read as absent (the last one listed).
fn planted_body(listed: &[Listed]) -> Value {
    listed
        .last()
        .and_then(|l| l.raw.as_deref())
        .map(|raw| serde_json::from_str(raw).expect("the raw value is JSON"))
        // A secret's raw value is not listed: it was the planted object.
        .unwrap_or(json!({"unexpected": true}))
}

/// The properties of an object schema and of every object it is `allOf`, later ones winning.
fn merge(checker: &SchemaChecker<'_>, schema: &Value, into: &mut Map<String, Value>) {
    let schema = checker.resolve(schema).expect("the spec's $refs resolve");
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        merge(checker, part, into);
    }
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        into.insert(name.clone(), property.clone());
    }
}

fn object(
    checker: &SchemaChecker<'_>,
    properties: &Map<String, Value>,
    variant: Variant,
    path: &str,
    listed: &mut Vec<Listed>,
    depth: u8,
) -> Option<(Value, Value)> {
    let mut body = Map::new();
    let mut expected = Map::new();
    for (name, property) in properties {
        let before = listed.len();
        let member = format!("{path}/{name}");
        match write(checker, property, variant, &member, listed, depth + 1) {
            Some((b, e)) => {
                body.insert(name.clone(), b);
                expected.insert(name.clone(), e);
            }
            None => {
                body.insert(name.clone(), planted_body(&listed[before..]));
            }
        }
    }
    Some((Value::Object(body), Value::Object(expected)))
}
