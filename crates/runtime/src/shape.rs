//! What an answer's JSON should look like, as the generator read it from the spec: a table of
//! nodes per service (`shapes::SHAPES` in each generated client), each answer type pointing at
//! one of them. The tolerant reader (`tolerant.rs`) walks an answer that did not decode along
//! its shape, to read widely seen spellings as the intended type and to tell which members do
//! not fit. The table is static data: building it costs nothing per call.

/// One kind of JSON value an answer member may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// Any JSON value (a member without a type, a free-form object, a union the reader does
    /// not look into).
    Any,
    /// Text.
    String,
    /// Text that is a secret (`x-credkit-secret`): its value is never logged nor kept in the
    /// list of members that did not fit.
    Secret,
    /// An RFC 3339 date-time (`format: date-time`).
    DateTime,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    Boolean,
    /// An object with named members (a component schema or an inline object).
    Object {
        /// The schema's name, for messages: `Credential`.
        name: &'static str,
        members: &'static [Member],
    },
    /// A list of values of the node at this index.
    Array(u32),
    /// An object whose every member is a value of the node at this index.
    Map(u32),
    /// One of several shapes (`oneOf`, `anyOf`): the reader leaves such a value to the typed
    /// decoding, which tries each branch.
    OneOf(&'static [u32]),
}

/// One named member of an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// As written in the JSON object.
    pub name: &'static str,
    /// The index of its node in the table.
    pub node: u32,
    /// Listed in the schema's `required`: an answer without it is no answer of that type.
    pub required: bool,
}

impl Member {
    /// A member, as the generated tables write one per line.
    pub const fn new(name: &'static str, node: u32, required: bool) -> Self {
        Self {
            name,
            node,
            required,
        }
    }
}

/// An answer type's place in its service's table of nodes.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    nodes: &'static [Node],
    index: u32,
}

impl Shape {
    /// The node at `index` of `nodes`. The generated code passes indices it wrote itself; an
    /// index outside the table reads as [`Node::Any`], which makes the reader give up on the
    /// value rather than panic.
    pub const fn new(nodes: &'static [Node], index: u32) -> Self {
        Self { nodes, index }
    }

    /// This shape's node.
    pub fn node(&self) -> &'static Node {
        self.nodes.get(self.index as usize).unwrap_or(&Node::Any)
    }

    /// Another node of the same table.
    pub fn at(&self, index: u32) -> Shape {
        Shape::new(self.nodes, index)
    }

    /// What this shape is, as messages name it: `integer`, `object Credential`.
    pub fn describe(&self) -> String {
        self.describe_within(4)
    }

    /// A recursive schema (an array of itself through a union) is named to a few levels only.
    fn describe_within(&self, depth: u8) -> String {
        if depth == 0 {
            return "value".into();
        }
        match self.node() {
            Node::Any => "any value".into(),
            Node::String | Node::Secret => "string".into(),
            Node::DateTime => "date-time".into(),
            Node::Integer => "integer".into(),
            Node::Number => "number".into(),
            Node::Boolean => "boolean".into(),
            Node::Object { name: "", .. } => "object".into(),
            Node::Object { name, .. } => format!("object {name}"),
            Node::Array(item) => format!("array of {}", self.at(*item).describe_within(depth - 1)),
            Node::Map(item) => format!("map of {}", self.at(*item).describe_within(depth - 1)),
            Node::OneOf(branches) => branches
                .iter()
                .map(|b| self.at(*b).describe_within(depth - 1))
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }
}
