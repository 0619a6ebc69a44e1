//! Every example in the specs is valid against its schema: schema examples, media-type
//! examples and parameter and header examples (`example` and `examples`, `$ref`s followed).
//! An example that contradicts its schema misleads whoever reads the spec, and the generated
//! types would refuse the answer it shows.

use credkit_tests::openapi_schema::SchemaChecker;
use serde_json::{Value, json};

/// One example and the schema it must satisfy.
struct Example<'a> {
    /// A JSON pointer into the spec (`#/paths/~1pec/get/responses/200/content/...`).
    at: String,
    schema: &'a Value,
    value: &'a Value,
}

/// Every example of `doc`, with its schema.
fn examples<'a>(checker: &SchemaChecker<'a>, doc: &'a Value) -> Result<Vec<Example<'a>>, String> {
    let mut found = Vec::new();
    collect(checker, doc, String::from("#"), false, &mut found)?;
    Ok(found)
}

/// Walks `node`. A node with a `schema` member is a parameter, header or media type: its
/// `example` and `examples` are checked against that schema. Any other node with an `example`
/// is a schema: its example is checked against the node itself. `in_properties` marks the
/// members of a `properties` map, where `example` is a property name.
fn collect<'a>(
    checker: &SchemaChecker<'a>,
    node: &'a Value,
    at: String,
    in_properties: bool,
    found: &mut Vec<Example<'a>>,
) -> Result<(), String> {
    match node {
        Value::Object(members) => {
            if !in_properties {
                let schema = members.get("schema");
                if let Some(value) = members.get("example") {
                    found.push(Example {
                        at: format!("{at}/example"),
                        schema: schema.unwrap_or(node),
                        value,
                    });
                }
                if let (Some(schema), Some(named)) =
                    (schema, members.get("examples").and_then(Value::as_object))
                {
                    for (name, example) in named {
                        let example = checker.resolve(example)?;
                        let value = example
                            .get("value")
                            .ok_or_else(|| format!("{at}/examples/{name}: no `value`"))?;
                        found.push(Example {
                            at: format!("{at}/examples/{name}"),
                            schema,
                            value,
                        });
                    }
                }
            }
            for (key, child) in members {
                // The examples' own values are data, not spec.
                if !in_properties && (key == "example" || key == "examples") {
                    continue;
                }
                let pointer_key = key.replace('~', "~0").replace('/', "~1");
                collect(
                    checker,
                    child,
                    format!("{at}/{pointer_key}"),
                    !in_properties && key == "properties",
                    found,
                )?;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(checker, item, format!("{at}/{i}"), false, found)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn spec(name: &str) -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_example_in_the_specs_matches_its_schema() {
    let mut problems = Vec::new();
    for name in ["rentri-ca", "sparkfly", "openapi-pec"] {
        let doc = spec(name);
        let checker = SchemaChecker::new(&doc);
        let found = examples(&checker, &doc).unwrap_or_else(|e| panic!("specs/{name}.yaml: {e}"));
        // A walk that finds nothing checks nothing: each spec shows at least one example.
        assert!(!found.is_empty(), "specs/{name}.yaml: no example found");
        for example in found {
            for error in checker.errors(example.schema, example.value) {
                problems.push(format!("specs/{name}.yaml: {}{error}", example.at));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The walk finds each kind of example the specs use, and names each by its place.
#[test]
fn the_walk_finds_schema_media_type_parameter_and_named_examples() {
    let doc = json!({
        "components": {
            "schemas": {
                "Id": { "type": "integer", "example": 7 },
                "Thing": {
                    "type": "object",
                    "properties": { "example": { "type": "string", "example": "a property named example" } }
                }
            },
            "examples": { "shared": { "value": { "example": "referenced" } } }
        },
        "paths": { "/things/{id}": { "get": {
            "parameters": [{ "name": "id", "in": "path", "schema": { "$ref": "#/components/schemas/Id" }, "example": 8 }],
            "responses": { "200": { "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/Thing" },
                "example": { "example": "inline" },
                "examples": { "one": { "$ref": "#/components/examples/shared" } }
            } } } }
        } } }
    });
    let checker = SchemaChecker::new(&doc);
    let found: Vec<(String, Value)> = examples(&checker, &doc)
        .unwrap()
        .into_iter()
        .map(|e| (e.at, e.value.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("#/components/schemas/Id/example".to_owned(), json!(7)),
            (
                "#/components/schemas/Thing/properties/example/example".to_owned(),
                json!("a property named example")
            ),
            (
                "#/paths/~1things~1{id}/get/parameters/0/example".to_owned(),
                json!(8)
            ),
            (
                "#/paths/~1things~1{id}/get/responses/200/content/application~1json/example"
                    .to_owned(),
                json!({ "example": "inline" })
            ),
            (
                "#/paths/~1things~1{id}/get/responses/200/content/application~1json/examples/one"
                    .to_owned(),
                json!({ "example": "referenced" })
            ),
        ]
    );
}

/// The checker refuses what OpenAPI 3.0 refuses, so the examples test can fail.
#[test]
fn the_checker_refuses_values_that_break_their_schema() {
    let doc = json!({ "components": { "schemas": {
        "State": { "type": "string", "enum": ["Attivo", "Nuovo"] },
        "Pin": { "type": "string", "minLength": 6, "maxLength": 6, "pattern": "^[0-9]+$" },
        "Site": {
            "type": "object",
            "required": ["id"],
            "additionalProperties": false,
            "properties": {
                "id": { "type": "integer", "format": "int32", "minimum": 1 },
                "state": { "type": "string", "nullable": true, "allOf": [{ "$ref": "#/components/schemas/State" }] },
                "pin": { "$ref": "#/components/schemas/Pin" },
                "at": { "type": "string", "format": "date-time" },
                "tags": { "type": "array", "minItems": 1, "items": { "type": "string" } },
                "either": { "oneOf": [{ "type": "string" }, { "type": "boolean" }] },
                "anything": { "description": "no type: any value, null included" }
            }
        }
    } } });
    let checker = SchemaChecker::new(&doc);
    let site = &doc["components"]["schemas"]["Site"];
    let errors = |value: Value| checker.errors(site, &value);

    assert_eq!(
        errors(json!({
            "id": 1, "state": null, "pin": "123456", "at": "2026-11-24T06:00:00Z",
            "tags": ["a"], "either": true, "anything": null
        })),
        Vec::<String>::new()
    );
    for (value, expected) in [
        (json!({}), ": missing required member `id`"),
        (
            json!({ "id": "1" }),
            "/id: \"1\" is not of type \"integer\"",
        ),
        (json!({ "id": 0 }), "/id: 0 is out of bounds (minimum 1)"),
        (
            json!({ "id": 3_000_000_000u64 }),
            "/id: 3000000000 is not a valid \"int32\"",
        ),
        (
            json!({ "id": 1, "state": "Sospeso" }),
            "/state: \"Sospeso\" is not one of [\"Attivo\",\"Nuovo\"]",
        ),
        (
            json!({ "id": 1, "pin": null }),
            "/pin: null is not of type \"string\"",
        ),
        (
            json!({ "id": 1, "pin": "12345" }),
            "/pin: \"12345\" has 5 characters (minLength 6)",
        ),
        (
            json!({ "id": 1, "pin": "12345a" }),
            "/pin: \"12345a\" does not match /^[0-9]+$/",
        ),
        (
            json!({ "id": 1, "at": "yesterday" }),
            "/at: \"yesterday\" is not a valid \"date-time\"",
        ),
        (
            json!({ "id": 1, "tags": [] }),
            "/tags: 0 items (minItems 1)",
        ),
        (
            json!({ "id": 1, "tags": [1] }),
            "/tags/0: 1 is not of type \"string\"",
        ),
        (
            json!({ "id": 1, "other": 1 }),
            ": unexpected member `other`",
        ),
    ] {
        assert_eq!(errors(value.clone()), [expected], "{value}");
    }
    let either = errors(json!({ "id": 1, "either": 2 }));
    assert_eq!(either.len(), 1, "{either:?}");
    assert!(
        either[0].starts_with("/either: 2 matches 0 of the oneOf alternatives"),
        "{either:?}"
    );

    let unknown = json!({ "type": "string", "maxProperties": 1 });
    assert_eq!(
        checker.errors(&unknown, &json!("x")),
        [": keyword `maxProperties` is not checked"]
    );
}
