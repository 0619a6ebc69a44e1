//! The comparison on small documents written here: each kind of difference, its class, and the
//! deviations that explain one.

use serde_json::{Value, json};

use super::{Class, Difference, Report, compare};

/// A document of `paths` and `schemas`, with one bearer scheme required everywhere and one
/// server.
fn doc(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
        "paths": paths,
    })
}

/// `GET /things/{id}` answering a `Thing` with `200`, plus `404`.
fn get_thing(parameters: Value) -> Value {
    json!({"/things/{id}": {"get": {
        "operationId": "get_thing",
        "parameters": parameters,
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "404": {"description": "missing"},
        },
    }}})
}

fn id() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})
}

/// `POST /things` sending `body` and answering `201` with no body.
fn post_thing(body: Value) -> Value {
    json!({"/things": {"post": {
        "operationId": "create_thing",
        "requestBody": body,
        "responses": {"201": {"description": "created"}},
    }}})
}

fn json_body(schema: Value, required: bool) -> Value {
    json!({"required": required, "content": {"application/json": {"schema": schema}}})
}

/// The one difference at `place`.
fn at<'r>(report: &'r Report, place: &str) -> &'r Difference {
    let found: Vec<&Difference> = report
        .differences
        .iter()
        .filter(|d| d.place == place)
        .collect();
    match found.as_slice() {
        [one] => one,
        _ => panic!("expected one difference at {place}, found {found:#?}\nall: {report:#?}"),
    }
}

/// The one difference at `place`, which must be of `class` and say `change`.
fn check<'r>(report: &'r Report, place: &str, class: Class, change: &str) -> &'r Difference {
    let difference = at(report, place);
    assert_eq!(
        (difference.class, difference.change.as_str()),
        (class, change),
        "{place}"
    );
    difference
}

fn places(report: &Report) -> Vec<&str> {
    report
        .differences
        .iter()
        .map(|d| d.place.as_str())
        .collect()
}

#[test]
fn identical_documents_do_not_differ() {
    let thing = json!({"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}});
    let spec = doc(get_thing(json!([id()])), thing);
    let report = compare(&spec, &spec);
    assert!(report.differences.is_empty(), "{report:#?}");
    assert!(report.uncovered.is_empty());
    assert!(!report.has_drift());
}

#[test]
fn a_renamed_path_parameter_or_a_rails_path_is_the_same_operation() {
    let thing = json!({"Thing": {"type": "object"}});
    let ours = doc(get_thing(json!([id()])), thing.clone());
    let mut renamed = get_thing(
        json!([{"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}}]),
    );
    renamed = json!({"/things/{thing_id}": renamed["/things/{id}"]});
    let report = compare(&ours, &doc(renamed, thing.clone()));
    assert!(report.uncovered.is_empty(), "{report:#?}");
    let rename = at(&report, "path parameter `{id}`");
    assert_eq!(rename.class, Class::Informational);
    assert_eq!(rename.change, "named `{thing_id}` upstream");
    assert_eq!(rename.operations, ["GET /things/{id} (get_thing)"]);

    // Rails' `:id`, with no parameter declared at all.
    let rails = json!({"/things/:id": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"description": "missing"}}}}});
    let report = compare(&ours, &doc(rails, thing));
    assert!(report.uncovered.is_empty(), "{report:#?}");
    assert!(report.differences.is_empty(), "{report:#?}");
}

#[test]
fn operations_removed_deprecated_and_uncovered() {
    let thing = json!({"Thing": {"type": "object"}});
    let ours = doc(get_thing(json!([id()])), thing.clone());
    let mut theirs_paths = json!({"/other": {"get": {"operationId": "other", "responses": {"200": {"description": "ok"}}}, "delete": {"responses": {"204": {"description": "gone"}}}}});
    let theirs = doc(theirs_paths.clone(), thing.clone());
    let report = compare(&ours, &theirs);
    let removed = at(&report, "operation");
    assert_eq!(removed.class, Class::Breaking);
    assert_eq!(removed.change, "not in the published definition");
    // New upstream operations are listed once, by name, and are not drift.
    assert_eq!(report.uncovered, ["GET /other (other)", "DELETE /other"]);

    let mut deprecated = get_thing(json!([id()]));
    deprecated["/things/{id}"]["get"]["deprecated"] = json!(true);
    theirs_paths = deprecated;
    let report = compare(&ours, &doc(theirs_paths, thing));
    let difference = at(&report, "operation");
    assert_eq!(difference.class, Class::Informational);
    assert_eq!(difference.change, "deprecated upstream");
}

#[test]
fn parameters_added_removed_required_and_typed() {
    let thing = json!({"Thing": {"type": "object"}});
    let ours = doc(
        get_thing(json!([
            id(),
            {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int64"}},
            {"name": "gone", "in": "query", "schema": {"type": "string"}},
            {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
            {"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}},
        ])),
        thing.clone(),
    );
    let theirs = doc(
        get_thing(json!([
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
            // `integer` without a format is the same Rust type as `int64`: no difference.
            {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}},
            {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["a", "c"]}},
            {"name": "x-trace", "in": "header", "required": false, "schema": {"type": "string"}},
            {"name": "page", "in": "query", "required": true, "schema": {"type": "integer"}},
            {"name": "sort", "in": "query", "schema": {"type": "string"}},
        ])),
        thing,
    );
    let report = compare(&ours, &theirs);
    let expect = |place: &str, class: Class, change: &str| check(&report, place, class, change);
    expect(
        "path parameter `{id}`",
        Class::Breaking,
        "type: `string` here, `integer` upstream",
    );
    expect(
        "query parameter `limit`",
        Class::Breaking,
        "required upstream, optional here",
    );
    expect(
        "query parameter `gone`",
        Class::Breaking,
        "not in the published definition",
    );
    expect(
        "header parameter `X-Trace`",
        Class::Compatible,
        "optional upstream, required here",
    );
    expect(
        "query parameter `page`",
        Class::Breaking,
        "new required parameter upstream (`integer`)",
    );
    expect(
        "query parameter `sort`",
        Class::Compatible,
        "new optional parameter upstream (`string`)",
    );
    let mode: Vec<(Class, &str)> = report
        .differences
        .iter()
        .filter(|d| d.place == "query parameter `mode`")
        .map(|d| (d.class, d.change.as_str()))
        .collect();
    assert_eq!(
        mode,
        [
            (Class::Compatible, "enum values added upstream: \"c\""),
            (Class::Breaking, "enum values not upstream: \"b\""),
        ]
    );
    assert_eq!(report.count(Class::Breaking), 5, "{:#?}", places(&report));
}

#[test]
fn request_bodies_and_their_members_follow_refs_and_all_of() {
    let schemas = json!({
        "Base": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "NewThing": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {
            "size": {"type": "integer", "format": "int32"},
            "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
            "note": {"type": "string", "nullable": true},
            "old": {"type": "string"},
        }}]},
        "Tag": {"type": "object", "properties": {"label": {"type": "string"}}},
    });
    let ours = doc(
        post_thing(json_body(
            json!({"$ref": "#/components/schemas/NewThing"}),
            false,
        )),
        schemas,
    );
    let theirs = doc(
        post_thing(json_body(
            json!({"type": "object", "required": ["name", "owner"], "properties": {
                "name": {"type": "string"},
                "size": {"type": "integer"},
                "tags": {"type": "array", "items": {"type": "object", "properties": {"label": {"type": "integer"}, "color": {"type": "string"}}}},
                "note": {"type": "string"},
                "owner": {"type": "string"},
                "extra": {"type": "boolean"},
            }}),
            true,
        )),
        json!({}),
    );
    let report = compare(&ours, &theirs);
    let expect = |place: &str, class: Class, change: &str| {
        let difference = check(&report, place, class, change);
        assert_eq!(difference.operations, ["POST /things (create_thing)"]);
    };
    expect(
        "request body",
        Class::Breaking,
        "required upstream, optional here",
    );
    expect(
        "request member `NewThing.size`",
        Class::Breaking,
        "type: `integer(int32)` here, `integer` upstream",
    );
    expect(
        "request member `Tag.label`",
        Class::Breaking,
        "type: `string` here, `integer` upstream",
    );
    expect(
        "request member `Tag.color`",
        Class::Compatible,
        "new optional member upstream (`string`)",
    );
    expect(
        "request member `NewThing.note`",
        Class::Informational,
        "not nullable upstream, nullable here",
    );
    expect(
        "request member `NewThing.old`",
        Class::Breaking,
        "not in the published definition",
    );
    expect(
        "request member `NewThing.owner`",
        Class::Breaking,
        "new required member upstream (`string`)",
    );
    expect(
        "request member `NewThing.extra`",
        Class::Compatible,
        "new optional member upstream (`boolean`)",
    );
    assert!(
        !places(&report).contains(&"request member `NewThing.name`"),
        "{report:#?}"
    );
}

#[test]
fn request_bodies_added_and_removed() {
    let schemas = json!({});
    let body = json_body(json!({"type": "object"}), true);
    let with = doc(post_thing(body), schemas.clone());
    let mut without = post_thing(json!(null));
    without["/things"]["post"]
        .as_object_mut()
        .unwrap()
        .remove("requestBody");
    let without = doc(without, schemas);
    let added = compare(&without, &with);
    assert_eq!(at(&added, "request body").class, Class::Breaking);
    assert_eq!(
        at(&added, "request body").change,
        "new required request body upstream (application/json)"
    );
    let removed = compare(&with, &without);
    assert_eq!(at(&removed, "request body").class, Class::Breaking);
    assert_eq!(
        at(&removed, "request body").change,
        "no request body upstream"
    );
}

#[test]
fn answer_members_are_compared_with_the_leniency_rule() {
    let ours = doc(
        get_thing(json!([id()])),
        json!({"Thing": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"},
            "count": {"type": "integer"},
            "state": {"type": "string", "enum": ["on", "off"], "x-credkit-open-enum": true},
            "kind": {"type": "string", "enum": ["a"]},
            "label": {"type": "string", "nullable": true},
            "mine": {"type": "string"},
            "free": {"type": "object"},
        }}}),
    );
    let theirs = doc(
        get_thing(json!([id()])),
        json!({"Thing": {"type": "object", "required": ["label", "count"], "properties": {
            "id": {"type": "string"},
            "count": {"type": "integer", "nullable": true},
            "state": {"type": "string", "enum": ["on", "off", "broken"]},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "label": {"type": "string"},
            "free": {},
            "added": {"type": "string"},
        }}}),
    );
    let report = compare(&ours, &theirs);
    let expect = |member: &str, class: Class, change: &str| {
        check(
            &report,
            &format!("answer member `Thing.{member}`"),
            class,
            change,
        )
    };
    expect(
        "id",
        Class::Breaking,
        "optional upstream, required here: an answer without it would not parse",
    );
    expect(
        "count",
        Class::Informational,
        "nullable upstream, not here (a null reads as absent)",
    );
    expect(
        "state",
        Class::Informational,
        "enum values added upstream: \"broken\"",
    );
    expect("kind", Class::Breaking, "enum values added upstream: \"b\"");
    expect("mine", Class::Breaking, "not in the published definition");
    expect(
        "free",
        Class::Informational,
        "type: `object` here, not described upstream",
    );
    expect(
        "added",
        Class::Compatible,
        "new optional member upstream (`string`)",
    );
    // Optional and nullable here although upstream always sends it, never null: lenient, as
    // specs/README.md asks, so not a difference.
    assert!(
        !places(&report).contains(&"answer member `Thing.label`"),
        "{report:#?}"
    );
}

/// A definition published in OpenAPI 3.1 is compared in its 3.0 form: a type list with null is
/// `nullable`, a `const` a one-value enum.
#[test]
fn a_31_definition_is_compared_as_the_generator_reads_it() {
    let ours = doc(
        get_thing(json!([id()])),
        json!({"Thing": {"type": "object", "required": ["label"], "properties": {
            "label": {"type": "string", "nullable": true},
            "count": {"type": "integer"},
            "kind": {"type": "string", "enum": ["a"]},
        }}}),
    );
    let mut theirs = doc(
        get_thing(json!([id()])),
        json!({"Thing": {"type": "object", "required": ["label", "count"], "properties": {
            "label": {"type": ["string", "null"]},
            "count": {"type": ["integer", "null"]},
            "kind": {"const": "a", "type": "string"},
        }}}),
    );
    theirs["openapi"] = json!("3.1.0");
    let report = compare(&ours, &theirs);
    check(
        &report,
        "answer member `Thing.count`",
        Class::Informational,
        "nullable upstream, not here (a null reads as absent)",
    );
    assert_eq!(
        places(&report),
        ["answer member `Thing.count`"],
        "{report:#?}"
    );
}

#[test]
fn statuses_and_answer_bodies() {
    let thing = json!({"Thing": {"type": "object"}});
    let ours = doc(get_thing(json!([id()])), thing.clone());
    let mut theirs = get_thing(json!([id()]));
    let responses = &mut theirs["/things/{id}"]["get"]["responses"];
    responses.as_object_mut().unwrap().remove("404");
    responses["429"] = json!({"description": "Too many requests"});
    let report = compare(&ours, &doc(theirs.clone(), thing.clone()));
    assert_eq!(at(&report, "status 404").class, Class::Informational);
    assert_eq!(
        at(&report, "status 404").change,
        "not in the published definition"
    );
    assert_eq!(at(&report, "status 429").class, Class::Informational);
    assert_eq!(
        at(&report, "status 429").change,
        "documented upstream (Too many requests)"
    );

    let responses = &mut theirs["/things/{id}"]["get"]["responses"];
    let answer = responses.as_object_mut().unwrap().remove("200").unwrap();
    responses["201"] = answer;
    let report = compare(&ours, &doc(theirs.clone(), thing.clone()));
    let status = at(&report, "success status");
    assert_eq!(
        (status.class, status.change.as_str()),
        (Class::Breaking, "200 here, 201 upstream")
    );

    theirs["/things/{id}"]["get"]["responses"]["201"] =
        json!({"description": "a file", "content": {"application/pdf": {}}});
    let report = compare(&ours, &doc(theirs, thing));
    let body = at(&report, "answer body");
    assert_eq!(
        (body.class, body.change.as_str()),
        (Class::Breaking, "JSON here, application/pdf upstream")
    );
}

#[test]
fn servers_and_security() {
    let thing = json!({"Thing": {"type": "object"}});
    let ours = doc(get_thing(json!([id()])), thing.clone());
    let mut theirs = ours.clone();
    theirs["servers"] = json!([{"url": "https://sandbox.example.com/v1/"}]);
    theirs["components"]["securitySchemes"] =
        json!({"key": {"type": "apiKey", "in": "header", "name": "X-Key"}});
    theirs["security"] = json!([{"key": []}]);
    let report = compare(&ours, &theirs);
    let expect = |place: &str, class: Class, change: &str| {
        assert!(check(&report, place, class, change).operations.is_empty());
    };
    expect(
        "server https://api.example.com/v1",
        Class::Breaking,
        "not in the published definition",
    );
    expect(
        "server https://sandbox.example.com/v1",
        Class::Compatible,
        "published upstream, not here",
    );
    expect(
        "security",
        Class::Breaking,
        "http bearer here, apiKey header x-key upstream",
    );

    // An operation anonymous here but not upstream.
    let mut anonymous = ours.clone();
    anonymous["paths"]["/things/{id}"]["get"]["security"] = json!([]);
    let report = compare(&anonymous, &ours);
    let access = at(&report, "security");
    assert_eq!(access.class, Class::Breaking);
    assert_eq!(
        access.change,
        "anonymous here, upstream requires http bearer"
    );
    assert_eq!(access.operations, ["GET /things/{id} (get_thing)"]);
    let report = compare(&ours, &anonymous);
    assert_eq!(at(&report, "security").class, Class::Compatible);
}

#[test]
fn one_difference_in_a_shared_schema_names_every_operation() {
    let schemas = json!({"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}});
    let answer = json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}});
    let paths = json!({
        "/a": {"get": {"operationId": "a", "responses": answer}},
        "/b": {"get": {"operationId": "b", "responses": answer}},
    });
    let theirs_schemas =
        json!({"Thing": {"type": "object", "properties": {"name": {"type": "integer"}}}});
    let report = compare(&doc(paths.clone(), schemas), &doc(paths, theirs_schemas));
    let difference = at(&report, "answer member `Thing.name`");
    assert_eq!(difference.operations, ["GET /a (a)", "GET /b (b)"]);
}

#[test]
fn declared_deviations_are_not_drift_and_the_innermost_reason_wins() {
    let ours = doc(
        json!({"/things/{id}": {"get": {
            "operationId": "get_thing",
            "security": [],
            "x-credkit-deviation": "anonymous, as the guide says",
            "parameters": [id(), {"$ref": "#/components/parameters/Extra", "x-credkit-deviation": "a header the guide documents"}],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "423": {"$ref": "#/components/responses/Banned"},
            },
        }}}),
        json!({"Thing": {"type": "object", "properties": {
            "token": {"type": "string", "x-credkit-deviation": "sent by the newer service"},
            "state": {"$ref": "#/components/schemas/State"},
        }},
        "State": {"type": "object", "x-credkit-deviation": "an object, as every sample shows"}}),
    );
    let mut ours = ours;
    ours["components"]["parameters"] =
        json!({"Extra": {"name": "X-Extra", "in": "header", "schema": {"type": "string"}}});
    ours["components"]["responses"] = json!({"Banned": {"description": "banned", "x-credkit-deviation": "documented by the newer service"}});
    ours["servers"][0]["x-credkit-deviation"] = json!("the production server the guide names");
    let theirs = doc(
        get_thing(json!([id()])),
        json!({"Thing": {"type": "object", "properties": {"state": {"type": "string"}}}}),
    );
    let mut theirs = theirs;
    theirs["servers"] = json!([{"url": "https://demo.example.com/v1"}]);
    let report = compare(&ours, &theirs);
    let reason = |place: &str| at(&report, place).deviation.clone().unwrap_or_default();
    assert_eq!(reason("security"), "anonymous, as the guide says");
    assert_eq!(
        reason("header parameter `X-Extra`"),
        "a header the guide documents"
    );
    assert_eq!(reason("status 423"), "documented by the newer service");
    assert_eq!(
        reason("answer member `Thing.token`"),
        "sent by the newer service"
    );
    assert_eq!(
        reason("answer member `Thing.state`"),
        "an object, as every sample shows"
    );
    assert_eq!(reason("status 404"), "anonymous, as the guide says");
    assert_eq!(
        reason("server https://api.example.com/v1"),
        "the production server the guide names"
    );
    // The upstream server credkit lacks has no place here to declare a reason: drift.
    assert!(at(&report, "server https://demo.example.com/v1").is_drift());
    assert_eq!(report.count(Class::Compatible), 1);
    assert_eq!(report.deviations(), 7);
    assert!(report.has_drift());
}
