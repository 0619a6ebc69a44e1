//! What each JSON answer looks like, for the runtime's tolerant reader: every JSON success
//! body's schema becomes a node of the service's table ([`Shapes`]), component schemas once
//! each (so that a recursive schema is a cycle of indices, not an endless tree), the kinds of
//! value the reader can tell apart and nothing more: closed enums, patterns and lengths stay
//! the typed decoding's to check.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::model::{Operation, ShapeMember, ShapeNode, Shapes, str_of};
use crate::names;
use crate::spec::Spec;

/// Fills each operation's `answer_shapes` and returns the table they point into.
pub(super) fn answer_shapes(spec: &Spec, operations: &mut [Operation]) -> Shapes {
    let mut table = Table::default();
    for declared in spec.operations() {
        let Some(operation) = operations
            .iter_mut()
            .find(|o| Some(o.spec_id.as_str()) == declared.id())
        else {
            continue;
        };
        let Some(responses) = declared.op.get("responses").and_then(Value::as_object) else {
            continue;
        };
        let default_succeeds = !responses.keys().any(|code| code.starts_with('2'));
        for (code, response) in responses {
            let success = code.starts_with('2') || (code == "default" && default_succeeds);
            let Some(response) = spec.resolve(response).filter(|_| success) else {
                continue;
            };
            let content = response.get("content").and_then(Value::as_object);
            for (media, body) in content.into_iter().flatten() {
                let json = media == "application/json" || media.ends_with("+json");
                // Without a schema, any JSON value (as `operations::body_kind` reads it).
                let any = serde_json::json!({});
                let Some(schema) = body.get("schema").or(Some(&any)).filter(|_| json) else {
                    continue;
                };
                let binary = spec.resolve(schema).is_some_and(|s| {
                    str_of(s, "type") == Some("string") && str_of(s, "format") == Some("binary")
                });
                if !binary {
                    let node = table.node(spec, schema);
                    operation.answer_shapes.push((code.clone(), node));
                }
            }
        }
    }
    Shapes { nodes: table.nodes }
}

#[derive(Default)]
struct Table {
    nodes: Vec<ShapeNode>,
    /// Component schemas by name, once each.
    components: BTreeMap<String, u32>,
    /// Nodes without members (`Integer`, `Array(3)`), once each.
    leaves: HashMap<ShapeNode, u32>,
}

impl Table {
    fn push(&mut self, node: ShapeNode) -> u32 {
        if let Some(index) = self.leaves.get(&node) {
            return *index;
        }
        let index = self.nodes.len() as u32;
        if !matches!(node, ShapeNode::Object { .. }) {
            self.leaves.insert(node.clone(), index);
        }
        self.nodes.push(node);
        index
    }

    /// The node of `schema`.
    fn node(&mut self, spec: &Spec, schema: &Value) -> u32 {
        if let Some(name) =
            str_of(schema, "$ref").and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            if let Some(index) = self.components.get(name) {
                return *index;
            }
            // Reserved before the schema is read, so that a schema reaching itself finds it.
            let index = self.nodes.len() as u32;
            self.nodes.push(ShapeNode::Any);
            self.components.insert(name.to_owned(), index);
            let node = match spec.resolve(schema) {
                Some(resolved) => self.kind(spec, resolved, &names::type_name(name)),
                None => ShapeNode::Any,
            };
            self.nodes[index as usize] = node;
            return index;
        }
        // `type` + `nullable` + `allOf: [$ref]` is a nullable reference: the reference's node.
        if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            && schema.get("properties").is_none()
        {
            return self.node(spec, only);
        }
        let node = self.kind(spec, schema, "");
        self.push(node)
    }

    /// What `schema` (not a `$ref`) is; `name` names an object.
    fn kind(&mut self, spec: &Spec, schema: &Value, name: &str) -> ShapeNode {
        if super::operations::is_secret(spec, schema) {
            return ShapeNode::Secret;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            // A component that is a nullable reference to another: the other's kind.
            if let [only] = all.as_slice()
                && schema.get("properties").is_none()
            {
                let index = self.node(spec, only);
                return self.nodes[index as usize].clone();
            }
            return ShapeNode::Object {
                name: name.to_owned(),
                members: self.members(spec, schema),
            };
        }
        for union in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(union).and_then(Value::as_array) {
                let branches = branches.iter().map(|b| self.node(spec, b)).collect();
                return ShapeNode::OneOf(branches);
            }
        }
        match str_of(schema, "type") {
            Some("string") if str_of(schema, "format") == Some("date-time") => ShapeNode::DateTime,
            Some("string") => ShapeNode::String,
            Some("integer") => ShapeNode::Integer,
            Some("number") => ShapeNode::Number,
            Some("boolean") => ShapeNode::Boolean,
            Some("array") => match schema.get("items") {
                Some(items) => ShapeNode::Array(self.node(spec, items)),
                None => ShapeNode::Array(self.push(ShapeNode::Any)),
            },
            Some("object") | None if has_properties(schema) => ShapeNode::Object {
                name: name.to_owned(),
                members: self.members(spec, schema),
            },
            Some("object") => match schema.get("additionalProperties") {
                Some(values) if values.as_object().is_some_and(|v| !v.is_empty()) => {
                    ShapeNode::Map(self.node(spec, values))
                }
                _ => ShapeNode::Any,
            },
            _ => ShapeNode::Any,
        }
    }

    /// The members of an object schema and of every object it is `allOf` (later ones win, as
    /// typify merges them; a member required by any part is required).
    fn members(&mut self, spec: &Spec, schema: &Value) -> Vec<ShapeMember> {
        crate::schema_refs::merged_properties(&spec.doc, schema)
            .into_iter()
            .map(|property| ShapeMember {
                node: self.node(spec, property.schema),
                name: property.name.to_owned(),
                required: property.required,
            })
            .collect()
    }
}

fn has_properties(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use crate::model::{ShapeMember, ShapeNode};
    use crate::spec::Spec;

    /// A recursive schema, a merged `allOf` with a required member, a map, a union, a nullable
    /// reference, a secret and a date-time, in the answers of two operations.
    const SPEC: &str = concat!(
        crate::spec::test_spec_head!(),
        r#"    Pin: { type: string, x-credkit-secret: true }
    Node:
      type: object
      properties:
        children: { type: array, items: { $ref: '#/components/schemas/Node' } }
        parent: { type: object, nullable: true, allOf: [{ $ref: '#/components/schemas/Node' }] }
    Envelope:
      allOf:
        - type: object
          required: [ok]
          properties: { ok: { type: boolean }, data: {} }
        - type: object
          properties:
            data: { type: object, additionalProperties: { type: integer } }
            at: { type: string, format: date-time }
            pin: { $ref: '#/components/schemas/Pin' }
            either: { oneOf: [{ type: string }, { type: number }] }
paths:
  /nodes:
    get:
      operationId: get_nodes
      x-credkit-idempotent: true
      responses:
        '200':
          description: ok
          content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Node' } } } }
  /envelope:
    get:
      operationId: get_envelope
      x-credkit-idempotent: true
      responses:
        '201':
          description: ok
          content: { application/json: { schema: { $ref: '#/components/schemas/Envelope' } } }
"#
    );

    fn member(name: &str, node: u32, required: bool) -> ShapeMember {
        ShapeMember {
            name: name.into(),
            node,
            required,
        }
    }

    #[test]
    fn each_answer_points_into_one_table_where_components_appear_once() {
        let spec = Spec::parse(SPEC, "specs/fixture.yaml").unwrap();
        let service = crate::parse::parse(&spec).unwrap();
        let answers: Vec<_> = service
            .operations
            .iter()
            .map(|o| (o.rust_name.as_str(), o.answer_shapes.clone()))
            .collect();
        assert_eq!(
            answers,
            [
                ("get_envelope", vec![("201".to_owned(), 0)]),
                ("get_nodes", vec![("200".to_owned(), 10)])
            ]
        );
        assert_eq!(
            service.shapes.nodes,
            [
                // The `allOf` parts merged, a later part's `data` replacing the first's, and
                // `required` kept.
                ShapeNode::Object {
                    name: "Envelope".into(),
                    members: vec![
                        member("data", 2, false),
                        member("ok", 3, true),
                        member("at", 4, false),
                        member("either", 7, false),
                        member("pin", 8, false),
                    ],
                },
                ShapeNode::Integer,
                ShapeNode::Map(1),
                ShapeNode::Boolean,
                ShapeNode::DateTime,
                ShapeNode::String,
                ShapeNode::Number,
                ShapeNode::OneOf(vec![5, 6]),
                ShapeNode::Secret,
                // `Node` reaches itself: its list and its nullable parent point back at 9,
                // and `get_nodes` answers the same list node as `children`.
                ShapeNode::Object {
                    name: "Node".into(),
                    members: vec![member("children", 10, false), member("parent", 9, false)],
                },
                ShapeNode::Array(9),
            ]
        );
    }
}
