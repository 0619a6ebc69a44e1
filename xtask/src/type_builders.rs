//! typify writes a builder for every struct (`types::builder::X`, `X::builder()`); credkit keeps
//! those a caller can use: the builders of request bodies (a body setter accepts one, and
//! `body_map` edits one) and of the types their members hold, which a caller builds to fill
//! them. An answer is read, never built by a caller, so its builder is dropped: at the scale of
//! a whole vendor API they were a third of the generated client (`BENCHMARKS.md`, "Scale").
//! The setters of those kept convert through the runtime, as an operation's setters do.

use std::collections::BTreeSet;

use syn::visit::Visit;
use syn::{ImplItem, Item};

use crate::tag_features::{declared, named_types, owner};

/// Removes from `file`'s `types` module every typify builder (its struct, its `impl`s and its
/// type's `builder()`) that no request body reaches; returns how many builders typify wrote
/// (structs of `types::builder`), kept or not.
pub fn keep_request_builders(file: &mut syn::File) -> usize {
    let mut roots = BuiltBodies::default();
    for item in &file.items {
        if !matches!(item, Item::Mod(m) if m.ident == "types") {
            roots.visit_item(item);
        }
    }
    let Some(types) = crate::builder::module_items(file, "types") else {
        return 0;
    };
    let names: BTreeSet<String> = types.iter().filter_map(declared).collect();
    let written = types
        .iter()
        .filter_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items)
        .filter(|item| matches!(item, Item::Struct(_)))
        .count();
    // What each type's own items name (its members' types), builders apart.
    let edges: Vec<(String, BTreeSet<String>)> = types
        .iter()
        .filter(|item| !is_builder_module(item))
        .filter_map(|item| Some((owner(item, &names)?, named_types(item, &names))))
        .collect();
    let mut kept: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = roots.0.into_iter().filter(|n| names.contains(n)).collect();
    while let Some(name) = pending.pop() {
        if kept.insert(name.clone()) {
            for (_, named) in edges.iter().filter(|(owner, _)| *owner == name) {
                pending.extend(named.iter().cloned());
            }
        }
    }
    types.retain(|item| match item {
        Item::Impl(block) if is_builder_constructor(block) => {
            owner(item, &names).is_none_or(|owner| kept.contains(&owner))
        }
        _ => true,
    });
    for item in types.iter_mut() {
        if let Item::Mod(m) = item
            && m.ident == "builder"
            && let Some((_, items)) = &mut m.content
        {
            items.retain(|item| owner(item, &names).is_none_or(|owner| kept.contains(&owner)));
        }
    }
    for item in types.iter_mut() {
        if let Item::Mod(m) = item
            && m.ident == "builder"
            && let Some((_, items)) = &mut m.content
        {
            for item in items.iter_mut() {
                if let Item::Impl(block) = item
                    && block.trait_.is_none()
                {
                    for member in &mut block.items {
                        if let ImplItem::Fn(setter) = member
                            && let Some(compact) = compact_setter(setter)
                        {
                            *setter = compact;
                        }
                    }
                }
            }
        }
    }
    written
}

/// typify's setter `fn member<T>(mut self, value: T) -> Self where T: TryInto<X>, T::Error:
/// Display`, written as an operation's setters are: through the runtime's one conversion,
/// which names the member in the reason a value was refused (`invalid name: ...`). `None` for
/// a function of another shape, which stays as it is.
fn compact_setter(setter: &syn::ImplItemFn) -> Option<syn::ImplItemFn> {
    let member = &setter.sig.ident;
    let [syn::GenericParam::Type(parameter)] =
        setter.sig.generics.params.iter().collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let target = crate::builder::try_into_target(&setter.sig, &parameter.ident.to_string())?;
    let name = member.to_string();
    let attrs = &setter.attrs;
    Some(syn::parse_quote! {
        #(#attrs)*
        pub fn #member(mut self, value: impl credkit_runtime::Input<#target>) -> Self {
            self.#member = credkit_runtime::contract::input(value, #name);
            self
        }
    })
}

fn is_builder_module(item: &Item) -> bool {
    matches!(item, Item::Mod(m) if m.ident == "builder")
}

/// typify's `impl X { pub fn builder() -> builder::X }`.
fn is_builder_constructor(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(block.items.as_slice(), [ImplItem::Fn(f)] if f.sig.ident == "builder")
}

/// The `X` of every path `types::builder::X` (or `builder::X` under `types`) outside `types`.
#[derive(Default)]
struct BuiltBodies(BTreeSet<String>);

impl<'ast> Visit<'ast> for BuiltBodies {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let [.., types, builder, name] = segments.as_slice()
            && types == "types"
            && builder == "builder"
        {
            self.0.insert(name.clone());
        }
        syn::visit::visit_path(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::keep_request_builders;

    #[test]
    fn only_the_builders_of_request_bodies_and_what_they_hold_stay() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Order { pub line: Line }
                impl Order { pub fn builder() -> builder::Order { Default::default() } }
                pub struct Line { pub qty: i64 }
                impl Line { pub fn builder() -> builder::Line { Default::default() } }
                pub struct Receipt { pub id: i64 }
                impl Receipt { pub fn builder() -> builder::Receipt { Default::default() } }
                impl From<&Receipt> for Receipt { fn from(value: &Receipt) -> Self { value.clone() } }
                pub mod builder {
                    pub struct Order { line: Result<super::Line, String> }
                    impl Order { pub fn line(self) -> Self { self } }
                    impl TryFrom<Order> for super::Order { type Error = String; }
                    pub struct Line { qty: Result<i64, String> }
                    impl From<super::Line> for Line { fn from(value: super::Line) -> Self { todo() } }
                    pub struct Receipt { id: Result<i64, String> }
                    impl TryFrom<Receipt> for super::Receipt { type Error = String; }
                    impl Default for Receipt { fn default() -> Self { todo() } }
                }
            }
            pub mod builder {
                pub struct PlaceOrder<'a> { body: Result<types::builder::Order, String> }
                pub struct GetReceipt<'a> { answer: types::Receipt }
            }
        };
        // Three builders written, Order's and Line's kept.
        assert_eq!(keep_request_builders(&mut file), 3);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("impl Order {\n        pub fn builder()"),
            "{text}"
        );
        assert!(
            text.contains("impl Line {\n        pub fn builder()"),
            "{text}"
        );
        assert!(
            !text.contains("impl Receipt {\n        pub fn builder()"),
            "{text}"
        );
        assert!(
            !text.contains("pub struct Receipt {\n            id"),
            "{text}"
        );
        assert!(!text.contains("for super::Receipt"), "{text}");
        assert!(!text.contains("Default for Receipt"), "{text}");
        // The answer type itself and its own impls stay.
        assert!(text.contains("impl From<&Receipt> for Receipt"), "{text}");
        assert!(
            text.contains("pub struct Line {\n            qty"),
            "{text}"
        );
    }
}
