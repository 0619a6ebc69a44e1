//! The table of what each JSON answer looks like ([`crate::model::Shapes`]), emitted as the
//! generated module `shapes`: static data the runtime's tolerant reader walks when an answer
//! does not decode straight into its type. Each operation's `send` points into it.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::model::{ShapeNode, Shapes};

/// The `shapes` module.
pub fn emit(shapes: &Shapes) -> TokenStream {
    let nodes = shapes.nodes.iter().map(|node| match node {
        ShapeNode::Any => quote!(Node::Any),
        ShapeNode::String => quote!(Node::String),
        ShapeNode::Secret => quote!(Node::Secret),
        ShapeNode::DateTime => quote!(Node::DateTime),
        ShapeNode::Integer => quote!(Node::Integer),
        ShapeNode::Number => quote!(Node::Number),
        ShapeNode::Boolean => quote!(Node::Boolean),
        ShapeNode::Object { name, members } => {
            let members = members.iter().map(|member| {
                let (name, node, required) = (&member.name, index(member.node), member.required);
                quote!(Member::new(#name, #node, #required))
            });
            quote!(Node::Object { name: #name, members: &[#(#members),*] })
        }
        ShapeNode::Array(item) => {
            let item = index(*item);
            quote!(Node::Array(#item))
        }
        ShapeNode::Map(item) => {
            let item = index(*item);
            quote!(Node::Map(#item))
        }
        ShapeNode::OneOf(branches) => {
            let branches = branches.iter().map(|b| index(*b));
            quote!(Node::OneOf(&[#(#branches),*]))
        }
    });
    quote! {
        /// What each JSON answer looks like, read from the spec: the tolerant reader of
        /// `credkit_runtime` walks an answer that does not decode straight into its type along
        /// these nodes (each operation's `send` names its answer's node, `shapes::at(3)`).
        #[doc(hidden)]
        pub mod shapes {
            #[allow(unused_imports)]
            use credkit_runtime::contract::{Member, Node};

            pub static NODES: &[Node] = &[#(#nodes),*];

            /// The answer whose node is `NODES[index]`.
            pub fn at(index: u32) -> credkit_runtime::contract::Shape {
                credkit_runtime::contract::Shape::new(NODES, index)
            }
        }
    }
}

/// An index into the table, written `3` rather than `3u32`.
pub fn index(node: u32) -> Literal {
    Literal::u32_unsuffixed(node)
}
