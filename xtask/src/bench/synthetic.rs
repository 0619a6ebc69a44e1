//! A synthetic spec of any number of operations, for the scale benchmark: the same document for
//! the same N, written so that credkit's generator and bare progenitor both accept it.
//!
//! The API is a set of resources, each with the operations a real API has for one: list (query
//! parameters, a request-id header), create (a JSON body, an idempotency-key header), get,
//! replace (path parameter and body), delete (no content), and either a PDF download (a binary
//! answer) or an action taking a small inline body (a model of the operation's own). Each
//! resource has its models (the resource with an inline enum, its input with limits, a page of
//! them); all share a status enum, an address with a pattern and the error body. Resources are
//! grouped three to a tag, and the spec asks for per-tag features (`tag_features.rs`).

use serde_json::{Map, Value, json};

/// Operations per resource, in the order they are emitted.
const KINDS: usize = 6;

/// Resources per tag.
const RESOURCES_PER_TAG: usize = 3;

/// The nouns resources are named after, numbered once the list is used up (`offer`, then
/// `offer1`).
const NOUNS: [&str; 10] = [
    "offer", "member", "store", "campaign", "order", "invoice", "device", "account", "voucher",
    "channel",
];

/// The spec with exactly `operations` operations, as a JSON document.
pub fn spec(operations: usize) -> Value {
    let resources = operations.div_ceil(KINDS);
    let mut paths = Map::new();
    let mut schemas = shared_schemas();
    let mut tags = Vec::new();
    let mut emitted = 0;
    for index in 0..resources {
        let resource = Resource::new(index);
        if index.is_multiple_of(RESOURCES_PER_TAG) {
            tags.push(json!({"name": resource.tag, "description": format!("Resources of group {}.", index / RESOURCES_PER_TAG)}));
        }
        schemas.extend(resource.schemas());
        for (path, method, operation) in resource.operations() {
            if emitted == operations {
                break;
            }
            emitted += 1;
            let item = paths
                .entry(path)
                .or_insert_with(|| Value::Object(Map::new()));
            item[method] = operation;
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": format!("Synthetic API of {operations} operations"),
            "version": "1.0.0",
            "x-credkit-error-schema": "Problem",
            "x-credkit-tag-features": true,
        },
        "servers": [
            {"url": "https://api.example.com", "x-credkit-environment": "production"},
            {"url": "https://sandbox.example.com", "x-credkit-environment": "sandbox"},
        ],
        "security": [{"bearer": []}],
        "tags": tags,
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
    })
}

/// The schemas every resource refers to.
fn shared_schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    schemas.insert(
        "Status".into(),
        json!({"type": "string", "description": "Where a resource is in its life.", "enum": ["active", "suspended", "closed"]}),
    );
    schemas.insert(
        "Address".into(),
        json!({
            "type": "object",
            "description": "A postal address.",
            "required": ["city", "country"],
            "properties": {
                "street": {"type": "string"},
                "city": {"type": "string"},
                "postal_code": {"type": "string", "maxLength": 16},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166 alpha-2."},
            },
        }),
    );
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "description": "Why a request was refused.",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
            },
        }),
    );
    schemas
}

/// One resource: its names and where it sits.
struct Resource {
    index: usize,
    /// `offer`, `offer1`: operation ids and paths.
    snake: String,
    /// `Offer`, `Offer1`: schema names.
    pascal: String,
    tag: String,
}

impl Resource {
    fn new(index: usize) -> Self {
        let noun = NOUNS[index % NOUNS.len()];
        let round = index / NOUNS.len();
        let suffix = if round == 0 {
            String::new()
        } else {
            round.to_string()
        };
        let snake = format!("{noun}{suffix}");
        let mut pascal = noun[..1].to_uppercase() + &noun[1..];
        pascal.push_str(&suffix);
        Self {
            index,
            snake,
            pascal,
            tag: format!("group{}", index / RESOURCES_PER_TAG),
        }
    }

    fn reference(&self, suffix: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{}{suffix}", self.pascal)})
    }

    /// The resource, its input and a page of them.
    fn schemas(&self) -> Map<String, Value> {
        let mut schemas = Map::new();
        let name = &self.pascal;
        schemas.insert(
            name.clone(),
            json!({
                "type": "object",
                "description": format!("A {} as the service returns it.", self.snake),
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer", "format": "int64"},
                    "name": {"type": "string"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "kind": {"type": "string", "enum": ["standard", "premium", "trial"]},
                    "created_at": {"type": "string", "format": "date-time"},
                    "amount": {"type": "number", "format": "double"},
                    "labels": {"type": "array", "items": {"type": "string"}},
                    "address": {"$ref": "#/components/schemas/Address"},
                    "note": {"type": "string", "nullable": true},
                },
            }),
        );
        schemas.insert(
            format!("{name}Input"),
            json!({
                "type": "object",
                "description": format!("What a caller sends to create or replace a {}.", self.snake),
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "amount": {"type": "number", "format": "double", "minimum": 0},
                    "labels": {"type": "array", "items": {"type": "string"}},
                    "address": {"$ref": "#/components/schemas/Address"},
                    "note": {"type": "string"},
                },
            }),
        );
        schemas.insert(
            format!("{name}List"),
            json!({
                "type": "object",
                "description": format!("A page of {}s.", self.snake),
                "required": ["items"],
                "properties": {
                    "items": {"type": "array", "items": self.reference("")},
                    "total": {"type": "integer", "format": "int64"},
                },
            }),
        );
        schemas
    }

    /// Its operations, `(path, method, operation)`, in the order they are emitted.
    fn operations(&self) -> [(String, &'static str, Value); KINDS] {
        let snake = &self.snake;
        let collection = format!("/v1/{snake}s");
        let item = format!("{collection}/{{{snake}_id}}");
        let id = json!({"name": format!("{snake}_id"), "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}});
        let problem = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
        let answer = |schema: Value| json!({"description": "The answer.", "content": {"application/json": {"schema": schema}}});
        let body = json!({"required": true, "content": {"application/json": {"schema": self.reference("Input")}}});
        let operation = |id: String, idempotent: bool, parameters: Vec<Value>, responses: Value| {
            json!({
                "operationId": id,
                "summary": format!("{} ({}).", id.replace('_', " "), self.tag),
                "tags": [self.tag],
                "x-credkit-idempotent": idempotent,
                "parameters": parameters,
                "responses": responses,
            })
        };
        let list = operation(
            format!("list_{snake}s"),
            true,
            vec![
                json!({"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100}}),
                json!({"name": "offset", "in": "query", "schema": {"type": "integer", "format": "int64"}}),
                json!({"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}}),
                json!({"name": "q", "in": "query", "description": "Text to search for.", "schema": {"type": "string"}}),
                json!({"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}}),
            ],
            json!({"200": answer(self.reference("List")), "400": problem("Bad parameters.")}),
        );
        let mut create = operation(
            format!("create_{snake}"),
            false,
            vec![
                json!({"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 64}}),
            ],
            json!({"201": answer(self.reference("")), "400": problem("Refused.")}),
        );
        create["requestBody"] = body.clone();
        let get = operation(
            format!("get_{snake}"),
            true,
            vec![id.clone()],
            json!({"200": answer(self.reference("")), "404": problem("No such resource.")}),
        );
        let mut replace = operation(
            format!("replace_{snake}"),
            true,
            vec![id.clone()],
            json!({"200": answer(self.reference("")), "400": problem("Refused."), "404": problem("No such resource.")}),
        );
        replace["requestBody"] = body;
        let delete = operation(
            format!("delete_{snake}"),
            true,
            vec![id.clone()],
            json!({"204": {"description": "Deleted."}, "404": problem("No such resource.")}),
        );
        let last = if self.index.is_multiple_of(2) {
            let mut activate = operation(
                format!("activate_{snake}"),
                false,
                vec![id],
                json!({"200": answer(self.reference("")), "409": problem("Not now.")}),
            );
            activate["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {
                "type": "object",
                "required": ["reason"],
                "properties": {
                    "reason": {"type": "string", "minLength": 1},
                    "notify": {"type": "boolean", "default": false},
                },
            }}}});
            (format!("{item}/activation"), "post", activate)
        } else {
            let download = operation(
                format!("download_{snake}_document"),
                true,
                vec![
                    id,
                    json!({"name": "version", "in": "query", "schema": {"type": "integer", "format": "int32"}}),
                ],
                json!({
                    "200": {"description": "The document.", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    "404": problem("No such document."),
                }),
            );
            (format!("{item}/document"), "get", download)
        };
        [
            (collection.clone(), "get", list),
            (collection, "post", create),
            (item.clone(), "get", get),
            (item.clone(), "put", replace),
            (item, "delete", delete),
            last,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::spec;
    use crate::spec::Spec;

    fn operation_count(doc: &serde_json::Value) -> usize {
        doc["paths"]
            .as_object()
            .expect("paths")
            .values()
            .map(|item| item.as_object().expect("a path item").len())
            .sum()
    }

    #[test]
    fn the_synthetic_spec_has_the_operations_asked_for_and_is_deterministic() {
        for n in [1, 6, 7, 10, 100] {
            assert_eq!(operation_count(&spec(n)), n, "N = {n}");
        }
        assert_eq!(spec(25), spec(25));
        let doc = spec(12);
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        // The shared schemas, then three per resource.
        assert_eq!(schemas.len(), 3 + 2 * 3);
        assert_eq!(
            doc["paths"]["/v1/members/{member_id}/document"]["get"]["operationId"],
            "download_member_document"
        );
        assert_eq!(
            doc["paths"]["/v1/offers/{offer_id}/activation"]["post"]["tags"][0],
            "group0"
        );
    }

    #[test]
    fn credkit_and_bare_progenitor_both_generate_a_small_synthetic_spec() {
        let doc = spec(18);
        let text = serde_json::to_string(&doc).expect("JSON");
        let spec = Spec::parse(&text, "synthetic.yaml").expect("the spec parses");
        let client = crate::generate(&spec).expect("credkit generates it");
        for id in [
            "list_offers",
            "create_member",
            "download_member_document",
            "get_store",
        ] {
            assert!(client.contains(&format!("pub fn {id}(")), "{id} missing");
        }
        assert!(client.contains("pub struct ActivateOffer<"));
        let mocks = crate::mock::generate(&spec).expect("credkit generates the mocks");
        assert!(mocks.contains("fn delete_store"));

        let document: openapiv3::OpenAPI = serde_json::from_str(&text).expect("openapiv3 reads it");
        let tokens = progenitor::Generator::new(&Default::default())
            .generate_tokens(&document)
            .expect("bare progenitor generates it");
        let bare = tokens.to_string();
        assert!(bare.contains("download_member_document"));
    }
}
