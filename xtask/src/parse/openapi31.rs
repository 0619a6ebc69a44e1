//! OpenAPI 3.1 input, down-converted in memory to the 3.0 that progenitor (and openapiv3) read,
//! before anything else looks at the document. Each conversion is listed with its JSON pointer
//! (`cargo xtask generate --explain`); what has no 3.0 form is refused with its place, every
//! such place in one run.
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `openapi: 3.1.x` | `openapi: 3.0.3` |
//! | `type: [T, 'null']`, `type: [T]` | `type: T` + `nullable: true` |
//! | `oneOf`/`anyOf` with a `{type: 'null'}` alternative | the others + `nullable: true` (one `$ref` left: `allOf: [$ref]`) |
//! | `examples: [a, ...]` in a schema | `example: a` |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n` + `exclusiveMinimum: true` (same for maximum) |
//! | `contentMediaType` / `contentEncoding: base64` on a string | `format: binary` / `format: byte` |
//! | `webhooks` | `x-webhooks`, read as callbacks are (a payload type and a parse function each); a `$ref` to `components.pathItems` becomes a copy of the path item |
//! | `jsonSchemaDialect`, `info.summary`, `info.license.identifier`, `components.pathItems`, `$schema`, `$comment` | dropped (nothing is generated from them) |
//!
//! Refused: `type` lists of two non-null types or of `null` alone, `$ref` with sibling
//! keywords other than `description` and `summary` (3.1 applies them beside the reference),
//! and the JSON Schema keywords 3.0 lacks (`prefixItems`, `if`/`then`/`else`, `$defs`, ...).

use serde_json::{Map, Value, json};

use crate::model::pointer_segment;

/// One change made to the document, at `pointer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub pointer: String,
    pub change: String,
}

/// What the conversion gives: the 3.0 document and its changes, or every place without a 3.0
/// form, each `(pointer, message)`. `Ok(None)` for a document that is not 3.1.
pub type Converted = Result<Option<(Value, Vec<Conversion>)>, Vec<(String, String)>>;

/// JSON Schema keywords OpenAPI 3.0 lacks, which change what a value may be.
const REFUSED: [&str; 16] = [
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "$defs",
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
];

/// Keys whose value is a map of names (members, paths, statuses, media types, ...): its keys
/// are never keywords.
pub(crate) const NAME_MAPS: [&str; 16] = [
    "properties",
    "schemas",
    "paths",
    "responses",
    "content",
    "callbacks",
    "encoding",
    "headers",
    "links",
    "securitySchemes",
    "variables",
    "mapping",
    "scopes",
    "requestBodies",
    "parameters",
    "webhooks",
];

/// Keys whose value is data (an example, a default, enum values), never a schema.
const DATA: [&str; 4] = ["example", "default", "enum", "value"];

/// Down-converts `doc` if it is OpenAPI 3.1.
pub fn down_convert(doc: &Value) -> Converted {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.1.") {
        return Ok(None);
    }
    let mut converter = Converter {
        doc: doc.clone(),
        conversions: vec![Conversion {
            pointer: "/openapi".into(),
            change: format!("`{version}` → `3.0.3`"),
        }],
        refused: Vec::new(),
    };
    let mut converted = doc.clone();
    converted["openapi"] = json!("3.0.3");
    if let Some(top) = converted.as_object_mut() {
        converter.drop_key(top, "", "jsonSchemaDialect");
    }
    inline_webhook_path_items(&mut converted, &mut converter);
    // 3.1 makes `paths` optional (a definition of webhooks alone); 3.0 requires it.
    if let Some(top) = converted.as_object_mut()
        && !top.contains_key("paths")
        && top.contains_key("webhooks")
    {
        top.insert("paths".to_owned(), json!({}));
        converter.converted("/paths", "absent → `{}` (OpenAPI 3.0 requires it)");
    }
    for (parent, key) in [
        ("/info", "summary"),
        ("/info/license", "identifier"),
        ("/components", "pathItems"),
    ] {
        if let Some(object) = converted.pointer_mut(parent).and_then(Value::as_object_mut) {
            converter.drop_key(object, parent, key);
        }
    }
    converter.walk(&mut converted, String::new(), false);
    // Webhooks have no place in 3.0. Converted like the rest, they move to the extension 3.0
    // specs use for them, which is read as the callbacks are (a payload type and a parse
    // function each).
    if let Some(top) = converted.as_object_mut()
        && let Some(webhooks) = top.remove("webhooks")
    {
        top.insert("x-webhooks".to_owned(), webhooks);
        converter.converted("/webhooks", "moved to `x-webhooks`");
    }
    if converter.refused.is_empty() {
        Ok(Some((converted, converter.conversions)))
    } else {
        Err(converter.refused)
    }
}

/// A webhook that refers to a path item of `components.pathItems` (3.1 only, dropped below)
/// gets a copy of it in its place.
fn inline_webhook_path_items(doc: &mut Value, converter: &mut Converter) {
    let path_items = doc.pointer("/components/pathItems").cloned();
    let Some(webhooks) = doc.get_mut("webhooks").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, webhook) in webhooks.iter_mut() {
        let Some(reference) = webhook.get("$ref").and_then(Value::as_str) else {
            continue;
        };
        let Some(target) = reference
            .strip_prefix("#/components/pathItems/")
            .and_then(|item| path_items.as_ref()?.get(item))
        else {
            continue;
        };
        let change = format!("`$ref: {reference}` → a copy of it");
        *webhook = target.clone();
        converter.converted(&format!("/webhooks/{}", pointer_segment(name)), change);
    }
}

struct Converter {
    /// The document as written, to read the targets of references.
    doc: Value,
    conversions: Vec<Conversion>,
    refused: Vec<(String, String)>,
}

impl Converter {
    fn converted(&mut self, pointer: &str, change: impl Into<String>) {
        self.conversions.push(Conversion {
            pointer: if pointer.is_empty() {
                "/".into()
            } else {
                pointer.into()
            },
            change: change.into(),
        });
    }

    fn refuse(&mut self, pointer: &str, message: impl Into<String>) {
        self.refused.push((pointer.to_owned(), message.into()));
    }

    fn drop_key(&mut self, object: &mut Map<String, Value>, pointer: &str, key: &str) {
        if object.remove(key).is_some() {
            self.converted(
                &format!("{pointer}/{}", pointer_segment(key)),
                "dropped (OpenAPI 3.1 only; nothing is generated from it)",
            );
        }
    }

    /// Converts `value` and everything under it; `names`: its keys are names, not keywords.
    fn walk(&mut self, value: &mut Value, pointer: String, names: bool) {
        match value {
            Value::Object(object) => {
                if !names {
                    self.keywords(object, &pointer);
                }
                for (key, child) in object.iter_mut() {
                    let data = !names && (DATA.contains(&key.as_str()) || key.starts_with("x-"));
                    // A schema's `examples` (a list) became `example`; an `examples` map of
                    // Example Objects holds data.
                    if data || (!names && key == "examples") {
                        continue;
                    }
                    let child_names = !names && NAME_MAPS.contains(&key.as_str());
                    self.walk(
                        child,
                        format!("{pointer}/{}", pointer_segment(key)),
                        child_names,
                    );
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.walk(item, format!("{pointer}/{index}"), false);
                }
            }
            _ => {}
        }
    }

    /// The conversions and refusals of one object whose keys are keywords.
    fn keywords(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        self.pattern_properties(object, pointer);
        for key in REFUSED {
            if object.contains_key(key) {
                self.refuse(
                    pointer,
                    format!("`{key}` (OpenAPI 3.1, JSON Schema 2020-12) has no OpenAPI 3.0 form: describe the value without it"),
                );
            }
        }
        if object.contains_key("$ref") {
            let siblings: Vec<&str> = object
                .keys()
                .map(String::as_str)
                .filter(|k| !matches!(*k, "$ref" | "description" | "summary"))
                .filter(|k| !k.starts_with("x-"))
                .collect();
            if !siblings.is_empty() {
                self.refuse(
                    pointer,
                    format!(
                        "`$ref` with sibling {}: OpenAPI 3.1 applies them beside the reference, 3.0 ignores them; write `allOf: [{{$ref: ...}}]` beside them",
                        siblings.join(", ")
                    ),
                );
            }
        }
        // `propertyNames` only narrows which names a map may have: its values are typed alike.
        for key in ["$schema", "$comment", "propertyNames"] {
            self.drop_key(object, pointer, key);
        }
        self.type_list(object, pointer);
        self.null_alternative(object, pointer);
        if let Some(Value::Array(examples)) = object.get("examples") {
            let first = examples.first().cloned();
            let count = examples.len();
            object.remove("examples");
            if let Some(first) = first {
                object.insert("example".into(), first);
            }
            self.converted(
                pointer,
                format!("`examples` ({count}) → `example` (the first)"),
            );
        }
        if let Some(value) = object.remove("const") {
            let shown = shown(&value);
            self.converted(pointer, format!("`const: {shown}` → `enum: [{shown}]`"));
            object.insert("enum".into(), json!([value]));
        }
        for (exclusive, inclusive) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            self.exclusive_bound(object, pointer, exclusive, inclusive);
        }
        self.content_keywords(object, pointer);
    }

    /// `patternProperties` → `additionalProperties`: the members whose names match a pattern
    /// are read as a map of the pattern's schema (of several patterns, or beside an
    /// `additionalProperties` schema, any of them: `anyOf`). The names' patterns are not
    /// checked, which the schema's description then says: an answer is read whatever names
    /// the server uses, as the leniency rule wants.
    fn pattern_properties(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Object(patterns)) = object.remove("patternProperties") else {
            return;
        };
        let mut schemas: Vec<Value> = Vec::new();
        let mut names = Vec::new();
        for (pattern, schema) in patterns {
            names.push(format!("`{pattern}`"));
            if !schemas.contains(&schema) {
                schemas.push(schema);
            }
        }
        if let Some(other @ Value::Object(_)) = object.get("additionalProperties")
            && !schemas.contains(other)
        {
            schemas.push(other.clone());
        }
        let values = match schemas.len() {
            0 => json!(true),
            1 => schemas.remove(0),
            _ => json!({ "anyOf": schemas }),
        };
        object.insert("additionalProperties".into(), values);
        let note = format!("Member names match {} (not checked).", names.join(" or "));
        let description = match object.get("description").and_then(Value::as_str) {
            Some(text) if !text.trim().is_empty() => format!("{}\n\n{note}", text.trim_end()),
            _ => note,
        };
        object.insert("description".into(), Value::String(description));
        self.converted(
            &format!("{pointer}/patternProperties"),
            "→ `additionalProperties`: a map of the pattern's schema; the names' pattern is not checked",
        );
    }

    /// `type: [T, 'null']` → `type: T` + `nullable: true`.
    fn type_list(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Array(types)) = object.get("type") else {
            return;
        };
        let listed = shown(&Value::Array(types.clone()));
        let null = types.iter().any(|t| t == "null");
        let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match others.as_slice() {
            [one] => {
                object.insert("type".into(), one.clone());
                let one = shown(one);
                if null {
                    object.insert("nullable".into(), Value::Bool(true));
                    self.converted(
                        pointer,
                        format!("`type: {listed}` → `type: {one}` + `nullable: true`"),
                    );
                } else {
                    self.converted(pointer, format!("`type: {listed}` → `type: {one}`"));
                }
            }
            [] => self.refuse(
                pointer,
                format!("`type: {listed}`: a schema of `null` alone has no OpenAPI 3.0 form"),
            ),
            _ => self.refuse(
                pointer,
                format!("`type: {listed}` lists {} types besides null: OpenAPI 3.0 takes one; write `oneOf` with a schema per type", others.len()),
            ),
        }
    }

    /// A `oneOf` or `anyOf` with a `{type: 'null'}` alternative: the other alternatives, and
    /// `nullable: true`; one `$ref` left becomes `allOf: [$ref]` (with the referenced schema's
    /// `type`, as 3.0 wants beside `nullable`).
    fn null_alternative(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(alternatives)) = object.get(key) else {
                continue;
            };
            let is_null = |s: &Value| s.get("type").is_some_and(|t| t == "null");
            if !alternatives.iter().any(is_null) {
                continue;
            }
            let rest: Vec<Value> = alternatives
                .iter()
                .filter(|s| !is_null(s))
                .cloned()
                .collect();
            object.insert("nullable".into(), Value::Bool(true));
            match rest.as_slice() {
                [one] if one.get("$ref").is_some() => {
                    object.remove(key);
                    let target_type = one
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix('#'))
                        .and_then(|p| self.doc.pointer(p))
                        .and_then(|t| t.get("type"))
                        .filter(|t| t.is_string())
                        .cloned();
                    if let Some(target_type) = target_type {
                        object.entry("type").or_insert(target_type);
                    }
                    object.insert("allOf".into(), json!([one]));
                    self.converted(
                        pointer,
                        format!(
                            "`{key}` of a `$ref` and `null` → `allOf: [$ref]` + `nullable: true`"
                        ),
                    );
                }
                _ => {
                    object.insert(key.into(), Value::Array(rest));
                    self.converted(
                        pointer,
                        format!("`{key}` alternative `{{type: null}}` → `nullable: true`"),
                    );
                }
            }
        }
    }

    /// `exclusiveMinimum: n` → `minimum: n` + `exclusiveMinimum: true`; beside a stricter
    /// `minimum`, the exclusive bound says nothing more and goes.
    fn exclusive_bound(
        &mut self,
        object: &mut Map<String, Value>,
        pointer: &str,
        exclusive: &str,
        inclusive: &str,
    ) {
        let Some(bound) = object.get(exclusive).and_then(Value::as_f64) else {
            return;
        };
        let number = object[exclusive].clone();
        let stricter = object
            .get(inclusive)
            .and_then(Value::as_f64)
            .is_some_and(|i| {
                if exclusive == "exclusiveMinimum" {
                    i > bound
                } else {
                    i < bound
                }
            });
        if stricter {
            object.remove(exclusive);
            self.converted(
                pointer,
                format!("`{exclusive}: {number}` dropped: `{inclusive}` is stricter"),
            );
        } else {
            object.insert(inclusive.into(), number.clone());
            object.insert(exclusive.into(), Value::Bool(true));
            self.converted(
                pointer,
                format!("`{exclusive}: {number}` → `{inclusive}: {number}` + `{exclusive}: true`"),
            );
        }
    }

    /// `contentMediaType` (bytes in a string) → `format: binary`; `contentEncoding: base64`
    /// → `format: byte`.
    fn content_keywords(&mut self, object: &mut Map<String, Value>, pointer: &str) {
        let media = object.remove("contentMediaType");
        let encoding = object.remove("contentEncoding");
        if media.is_none() && encoding.is_none() {
            return;
        }
        let base64 = encoding
            .as_ref()
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        let format = if base64 { "byte" } else { "binary" };
        let string = object.get("type").is_none_or(|t| t == "string");
        if !string {
            self.refuse(
                pointer,
                "`contentMediaType`/`contentEncoding` on a schema that is not a string has no OpenAPI 3.0 form",
            );
            return;
        }
        object.insert("type".into(), json!("string"));
        object.insert("format".into(), json!(format));
        let written: Vec<String> = [("contentMediaType", &media), ("contentEncoding", &encoding)]
            .into_iter()
            .filter_map(|(k, v)| Some(format!("`{k}: {}`", shown(v.as_ref()?))))
            .collect();
        self.converted(
            pointer,
            format!(
                "{} → `type: string` + `format: {format}`",
                written.join(" + ")
            ),
        );
    }
}

/// A value as the spec's YAML would show it: strings bare, lists and the rest as JSON with bare
/// strings inside lists (`[string, null]`).
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(shown).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(doc: Value) -> (Value, Vec<String>) {
        let (doc, conversions) = down_convert(&doc).unwrap().unwrap();
        let listed = conversions
            .into_iter()
            .map(|c| format!("{}: {}", c.pointer, c.change))
            .collect();
        (doc, listed)
    }

    #[test]
    fn a_30_document_is_left_alone() {
        assert_eq!(down_convert(&json!({ "openapi": "3.0.3" })), Ok(None));
    }

    #[test]
    fn names_that_look_like_keywords_are_not_converted() {
        let (doc, listed) = converted(json!({
            "openapi": "3.1.0",
            "components": { "schemas": {
                "const": { "type": "object", "properties": {
                    "const": { "type": "string" },
                    "examples": { "type": ["integer", "null"] },
                }, "example": { "const": 1, "type": ["a", "b"] } },
            } },
        }));
        assert_eq!(
            doc["components"]["schemas"]["const"]["properties"]["const"],
            json!({ "type": "string" })
        );
        assert_eq!(
            doc["components"]["schemas"]["const"]["example"],
            json!({ "const": 1, "type": ["a", "b"] })
        );
        assert_eq!(
            listed,
            [
                "/openapi: `3.1.0` → `3.0.3`",
                "/components/schemas/const/properties/examples: `type: [integer, null]` → `type: integer` + `nullable: true`",
            ]
        );
    }

    #[test]
    fn a_stricter_inclusive_bound_wins() {
        let (doc, _) = converted(json!({
            "openapi": "3.1.1",
            "components": { "schemas": {
                "A": { "type": "number", "minimum": 5, "exclusiveMinimum": 1 },
                "B": { "type": "number", "minimum": 0, "exclusiveMaximum": 10, "exclusiveMinimum": 0 },
            } },
        }));
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({ "type": "number", "minimum": 5 })
        );
        assert_eq!(
            doc["components"]["schemas"]["B"],
            json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true })
        );
    }
}
