//! Checks a JSON value against an OpenAPI 3.0 Schema Object, the way the specs use schemas:
//! local `$ref`s, `nullable` (which admits `null` only beside a `type`, as OpenAPI 3.0.3 says),
//! `type`, `enum`, `format` (the ones the specs use; other formats are annotations), `pattern`
//! (ECMA-262, with the regex engine of the generated code), lengths, bounds, `properties`,
//! `required`, `additionalProperties`, `items` and `allOf` / `oneOf` / `anyOf` / `not`.
//!
//! Small on purpose: the spec examples test reads only what the three specs contain, and a
//! keyword it does not know is reported rather than skipped.

use serde_json::Value;

/// Keywords that do not constrain a value: documentation, and what only the generator reads.
const ANNOTATIONS: [&str; 10] = [
    "description",
    "title",
    "example",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
    "discriminator",
    "xml",
];

/// The schemas of one OpenAPI document.
pub struct SchemaChecker<'a> {
    doc: &'a Value,
}

impl<'a> SchemaChecker<'a> {
    pub fn new(doc: &'a Value) -> Self {
        Self { doc }
    }

    /// Follows a local `$ref` (`#/components/...`); any other value is returned as it is.
    pub fn resolve(&self, value: &'a Value) -> Result<&'a Value, String> {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|pointer| self.doc.pointer(pointer))
                .ok_or_else(|| format!("unresolved $ref {reference}")),
            None => Ok(value),
        }
    }

    /// Every way `value` breaks `schema`, each naming where in the value (`/data/0/stato`).
    pub fn errors(&self, schema: &'a Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(schema, value, "", &mut errors);
        errors
    }

    fn check(&self, schema: &'a Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = match self.resolve(schema) {
            Ok(schema) => schema,
            Err(e) => return errors.push(format!("{at}: {e}")),
        };
        let Some(keywords) = schema.as_object() else {
            return errors.push(format!("{at}: the schema is not an object: {schema}"));
        };
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        if value.is_null() && nullable && keywords.contains_key("type") {
            return;
        }
        for (keyword, argument) in keywords {
            if ANNOTATIONS.contains(&keyword.as_str()) || keyword.starts_with("x-") {
                continue;
            }
            let before = errors.len();
            match keyword.as_str() {
                "type" => self.check_type(argument, value, at, errors),
                // Read with `type`; it has no effect without one.
                "nullable" => {}
                "enum" => {
                    if !argument
                        .as_array()
                        .is_some_and(|values| values.contains(value))
                    {
                        errors.push(format!("{at}: {value} is not one of {argument}"));
                    }
                }
                "format" => check_format(argument, value, at, errors),
                "pattern" => check_pattern(argument, value, at, errors),
                "minLength" | "maxLength" => check_length(keyword, argument, value, at, errors),
                "minimum" | "maximum" => check_bound(keyword, schema, value, at, errors),
                "exclusiveMinimum" | "exclusiveMaximum" => {}
                "minItems" | "maxItems" => check_items_count(keyword, argument, value, at, errors),
                "items" => {
                    for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                        self.check(argument, item, &format!("{at}/{i}"), errors);
                    }
                }
                "properties" => self.check_properties(argument, value, at, errors),
                "required" => check_required(argument, value, at, errors),
                "additionalProperties" => self.check_additional(schema, value, at, errors),
                "allOf" => {
                    for part in argument.as_array().into_iter().flatten() {
                        self.check(part, value, at, errors);
                    }
                }
                "oneOf" | "anyOf" => self.check_alternatives(keyword, argument, value, at, errors),
                "not" => {
                    if self.errors(argument, value).is_empty() {
                        errors.push(format!("{at}: {value} matches the schema under `not`"));
                    }
                }
                other => errors.push(format!("{at}: keyword `{other}` is not checked")),
            }
            // The first failing keyword says enough; more would repeat it (a wrong type also
            // fails its format and its enum).
            if errors.len() > before {
                return;
            }
        }
    }

    fn check_type(&self, expected: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let matches = match expected.as_str() {
            Some("string") => value.is_string(),
            Some("boolean") => value.is_boolean(),
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("number") => value.is_number(),
            Some("integer") => {
                value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => return errors.push(format!("{at}: unknown type {expected}")),
        };
        if !matches {
            errors.push(format!("{at}: {value} is not of type {expected}"));
        }
    }

    fn check_properties(
        &self,
        properties: &'a Value,
        value: &Value,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let (Some(properties), Some(object)) = (properties.as_object(), value.as_object()) else {
            return;
        };
        for (name, member) in object {
            if let Some(schema) = properties.get(name) {
                self.check(schema, member, &format!("{at}/{name}"), errors);
            }
        }
    }

    fn check_additional(
        &self,
        schema: &'a Value,
        value: &Value,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let Some(object) = value.as_object() else {
            return;
        };
        let declared = schema.get("properties").and_then(Value::as_object);
        let additional = &schema["additionalProperties"];
        for (name, member) in object {
            if declared.is_some_and(|d| d.contains_key(name)) {
                continue;
            }
            match additional {
                Value::Bool(false) => errors.push(format!("{at}: unexpected member `{name}`")),
                Value::Bool(true) => {}
                other => self.check(other, member, &format!("{at}/{name}"), errors),
            }
        }
    }

    fn check_alternatives(
        &self,
        keyword: &str,
        alternatives: &'a Value,
        value: &Value,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let results: Vec<Vec<String>> = alternatives
            .as_array()
            .into_iter()
            .flatten()
            .map(|alternative| self.errors(alternative, value))
            .collect();
        let matching = results.iter().filter(|e| e.is_empty()).count();
        let ok = if keyword == "oneOf" {
            matching == 1
        } else {
            matching >= 1
        };
        if !ok {
            let reasons: Vec<String> = results.into_iter().flatten().collect();
            errors.push(format!(
                "{at}: {value} matches {matching} of the {keyword} alternatives ({})",
                reasons.join("; ")
            ));
        }
    }
}

fn check_format(format: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let valid = match (format.as_str(), value) {
        (Some("date-time"), Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        (Some("date"), Value::String(s)) => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        }
        (Some("uuid"), Value::String(s)) => uuid::Uuid::parse_str(s).is_ok(),
        (Some("int32"), Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        (Some("int64"), Value::Number(n)) => n.is_i64(),
        // Annotations only: `binary` and `byte` describe encodings, `email` is not checked by
        // the clients either.
        _ => true,
    };
    if !valid {
        errors.push(format!("{at}: {value} is not a valid {format}"));
    }
}

fn check_pattern(pattern: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let (Some(pattern), Some(text)) = (pattern.as_str(), value.as_str()) else {
        return;
    };
    match regress::Regex::new(pattern) {
        Ok(regex) if regex.find(text).is_some() => {}
        Ok(_) => errors.push(format!("{at}: {value} does not match /{pattern}/")),
        Err(e) => errors.push(format!("{at}: invalid pattern /{pattern}/: {e}")),
    }
}

fn check_length(keyword: &str, limit: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let (Some(limit), Some(text)) = (limit.as_u64(), value.as_str()) else {
        return;
    };
    let length = text.chars().count() as u64;
    let ok = if keyword == "minLength" {
        length >= limit
    } else {
        length <= limit
    };
    if !ok {
        errors.push(format!(
            "{at}: {value} has {length} characters ({keyword} {limit})"
        ));
    }
}

fn check_bound(keyword: &str, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let (Some(bound), Some(number)) = (schema[keyword].as_f64(), value.as_f64()) else {
        return;
    };
    let exclusive_keyword = if keyword == "minimum" {
        "exclusiveMinimum"
    } else {
        "exclusiveMaximum"
    };
    let exclusive = schema.get(exclusive_keyword).and_then(Value::as_bool) == Some(true);
    let ok = match (keyword, exclusive) {
        ("minimum", false) => number >= bound,
        ("minimum", true) => number > bound,
        (_, false) => number <= bound,
        (_, true) => number < bound,
    };
    if !ok {
        errors.push(format!(
            "{at}: {value} is out of bounds ({keyword} {bound})"
        ));
    }
}

fn check_items_count(
    keyword: &str,
    limit: &Value,
    value: &Value,
    at: &str,
    errors: &mut Vec<String>,
) {
    let (Some(limit), Some(items)) = (limit.as_u64(), value.as_array()) else {
        return;
    };
    let count = items.len() as u64;
    let ok = if keyword == "minItems" {
        count >= limit
    } else {
        count <= limit
    };
    if !ok {
        errors.push(format!("{at}: {count} items ({keyword} {limit})"));
    }
}

fn check_required(required: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(object) = value.as_object() else {
        return;
    };
    for name in required
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(name) {
            errors.push(format!("{at}: missing required member `{name}`"));
        }
    }
}
