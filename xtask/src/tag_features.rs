//! Per-tag cargo features, for a large API whose users call a few of its operations: with
//! `info.x-credkit-tag-features: true`, each operation is compiled only under the feature of its
//! first tag (`tag-offers`), so that `default-features = false, features = ["tag-offers"]`
//! compiles the offers' builders and methods and not the other operations'.
//!
//! What is gated: each operation's builder (struct, `impl`s, answer enum) and its method on
//! `Client`; and each type (with its `impl`s and typify's builder of it) that only gated
//! operations reach, directly or through other types, under the features of the operations
//! that reach it (`any(feature = "tag-offers", feature = "tag-members")`). What is not:
//! `SERVICE` (the runtime's table of every operation), operations without a tag and the types
//! they or any other ungated code reach. The manifest gets one feature per tag, all of them in
//! `all-tags`, which the default features and the mocks (`mock`, which name every operation's
//! types) include.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use serde_json::Value;
use syn::{ImplItem, Item, Type};

use crate::model::{Operation, Service};
use crate::spec::Spec;

/// The extension that turns per-tag features on.
const EXTENSION: &str = "x-credkit-tag-features";

/// Sets each operation's feature when the spec asks for per-tag features; `Err` says what is
/// wrong with the extension.
pub fn assign(spec: &Spec, operations: &mut [Operation]) -> Result<(), String> {
    match spec.doc.pointer(&format!("/info/{EXTENSION}")) {
        None | Some(Value::Bool(false)) => return Ok(()),
        Some(Value::Bool(true)) => {}
        Some(_) => return Err(format!("`{EXTENSION}` is `true` or `false`")),
    }
    for found in spec.operations() {
        let first_tag = found
            .op
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|tags| tags.first())
            .and_then(Value::as_str);
        if let (Some(id), Some(tag)) = (found.id(), first_tag)
            && let Some(operation) = operations.iter_mut().find(|op| op.spec_id == id)
        {
            operation.feature = Some(feature_name(tag));
        }
    }
    Ok(())
}

/// `Offers`, `offer codes` → `tag-offers`, `tag-offer-codes`: lower case, every run of other
/// characters than letters and digits one dash.
fn feature_name(tag: &str) -> String {
    let mut name = String::from("tag");
    for word in tag
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        name.push('-');
        name.push_str(&word.to_ascii_lowercase());
    }
    name
}

/// The features of the service's operations, each once, in order.
pub fn features(service: &Service) -> BTreeSet<&str> {
    service
        .operations
        .iter()
        .filter_map(|op| op.feature.as_deref())
        .collect()
}

/// `#[cfg(feature = "tag-offers")]` for a gated operation, nothing for the others.
pub fn cfg(operation: &Operation) -> Option<TokenStream> {
    let feature = operation.feature.as_deref()?;
    Some(quote!(#[cfg(feature = #feature)]))
}

/// Gates each of `items` (an operation's builder) by the operation's feature.
pub fn gate_items(operation: &Operation, items: &mut [Item]) -> Result<(), String> {
    let Some(cfg) = cfg(operation) else {
        return Ok(());
    };
    let attribute: syn::Attribute = syn::parse_quote!(#cfg);
    for item in items {
        if !add_attribute(item, attribute.clone()) {
            return Err("the template gives an item that per-tag features cannot gate".into());
        }
    }
    Ok(())
}

/// Gates each gated operation's method in progenitor's `impl Client` blocks; counted: every
/// gated operation must have exactly one method.
pub fn gate_methods(file: &mut syn::File, service: &Service) -> Result<(), String> {
    let mut gated = 0;
    let expected = service
        .operations
        .iter()
        .filter(|op| op.feature.is_some())
        .count();
    if expected == 0 {
        return Ok(());
    }
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        let on_client = block.trait_.is_none()
            && matches!(block.self_ty.as_ref(), Type::Path(p) if p.path.is_ident("Client"));
        if !on_client {
            continue;
        }
        for member in &mut block.items {
            let ImplItem::Fn(method) = member else {
                continue;
            };
            let Some(operation) = service
                .operations
                .iter()
                .find(|op| method.sig.ident == op.rust_name)
            else {
                continue;
            };
            if let Some(cfg) = cfg(operation) {
                method.attrs.push(syn::parse_quote!(#cfg));
                gated += 1;
            }
        }
    }
    if gated != expected {
        return Err(format!(
            "expected one `Client` method for each of the {expected} operations gated by a tag feature, found {gated}"
        ));
    }
    Ok(())
}

/// Gates each type of the `types` module (and typify's builder of it) that only gated code
/// reaches, under the features of that code. A type that ungated code reaches, through any
/// chain of types, stays; so does every item of the module that belongs to no type.
pub fn gate_types(file: &mut syn::File) {
    let Some(types) = crate::builder::module_items(file, "types") else {
        return;
    };
    let names: BTreeSet<String> = types.iter().filter_map(declared).collect();
    if names.is_empty() {
        return;
    }
    // What each type's items name: its members' types, its conversions' targets.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut roots: Vec<(Reach, BTreeSet<String>)> = Vec::new();
    for item in type_items(types) {
        let named = named_types(item, &names);
        match owner(item, &names) {
            Some(owner) => edges.entry(owner).or_default().extend(named),
            None => roots.push((Reach::Always, named)),
        }
    }
    // Everything outside `types`: gated by an operation's feature, or always compiled.
    for item in &file.items {
        // `shapes` names the runtime's `Member` and `Node` and the types only as text: a
        // schema called `Member` is not reached by it.
        if matches!(item, Item::Mod(m) if m.ident == "types" || m.ident == "shapes") {
            continue;
        }
        for_each_gated_part(item, &mut |feature, tokens| {
            let reach = match feature {
                Some(feature) => Reach::Features(BTreeSet::from([feature])),
                None => Reach::Always,
            };
            roots.push((reach, named_in(tokens, &names)));
        });
    }
    // Each type's reach: the union of the reaches of the roots that name it, through edges.
    let mut reach: BTreeMap<String, Reach> = BTreeMap::new();
    for (root, named) in roots {
        let mut pending: Vec<String> = named.into_iter().collect();
        while let Some(name) = pending.pop() {
            let known = reach
                .entry(name.clone())
                .or_insert(Reach::Features(BTreeSet::new()));
            if known.includes(&root) {
                continue;
            }
            known.extend(&root);
            pending.extend(edges.get(&name).into_iter().flatten().cloned());
        }
    }
    let Some(types) = crate::builder::module_items(file, "types") else {
        return;
    };
    gate_owned(types, &names, &reach);
}

/// Where a type is needed: always, or under any of these features (none: nowhere).
#[derive(Debug, Clone, PartialEq)]
enum Reach {
    Always,
    Features(BTreeSet<String>),
}

impl Reach {
    fn includes(&self, other: &Reach) -> bool {
        match (self, other) {
            (Reach::Always, _) => true,
            (Reach::Features(_), Reach::Always) => false,
            (Reach::Features(mine), Reach::Features(theirs)) => theirs.is_subset(mine),
        }
    }

    fn extend(&mut self, other: &Reach) {
        match (&mut *self, other) {
            (Reach::Always, _) => {}
            (Reach::Features(_), Reach::Always) => *self = Reach::Always,
            (Reach::Features(mine), Reach::Features(theirs)) => mine.extend(theirs.iter().cloned()),
        }
    }
}

/// The type an item declares.
pub(crate) fn declared(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// The type an item of `types` or of its `builder` module belongs to: the one it declares, or
/// the one an `impl` is for.
pub(crate) fn owner(item: &Item, names: &BTreeSet<String>) -> Option<String> {
    let name = match item {
        Item::Impl(block) => match block.self_ty.as_ref() {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        other => declared(other),
    }?;
    names.contains(&name).then_some(name)
}

/// The items of `types` and of its `builder` module.
fn type_items(types: &mut [Item]) -> Vec<&mut Item> {
    let mut found = Vec::new();
    for item in types {
        if matches!(item, Item::Mod(m) if m.ident == "builder") {
            if let Item::Mod(m) = item {
                found.extend(m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()));
            }
        } else {
            found.push(item);
        }
    }
    found
}

/// Gates every item of `types` and of its `builder` module whose type's reach is features.
fn gate_owned(types: &mut [Item], names: &BTreeSet<String>, reach: &BTreeMap<String, Reach>) {
    for item in type_items(types) {
        let features = match owner(item, names).and_then(|owner| reach.get(&owner)) {
            Some(Reach::Features(features)) if !features.is_empty() => features.iter(),
            // Always needed, or needed by nothing: a type nothing names stays, for callers.
            _ => continue,
        };
        add_attribute(
            item,
            syn::parse_quote!(#[cfg(any(#(feature = #features),*))]),
        );
    }
}

/// Adds `attribute` to a struct, enum, type alias or `impl`; `false` for another item.
fn add_attribute(item: &mut Item, attribute: syn::Attribute) -> bool {
    match item {
        Item::Struct(s) => s.attrs.push(attribute),
        Item::Enum(e) => e.attrs.push(attribute),
        Item::Type(t) => t.attrs.push(attribute),
        Item::Impl(i) => i.attrs.push(attribute),
        _ => return false,
    }
    true
}

/// Calls `f` on each part of an item outside `types` with the feature that gates it: each
/// method of an `impl` apart, each item of a module apart.
fn for_each_gated_part(item: &Item, f: &mut impl FnMut(Option<String>, TokenStream)) {
    match item {
        Item::Mod(m) => {
            for inner in m.content.iter().flat_map(|(_, items)| items) {
                for_each_gated_part(inner, f);
            }
        }
        Item::Impl(block) if gating_feature(&block.attrs).is_none() => {
            for member in &block.items {
                let feature = match member {
                    ImplItem::Fn(method) => gating_feature(&method.attrs),
                    _ => None,
                };
                f(feature, member.to_token_stream());
            }
            f(None, block.self_ty.to_token_stream());
        }
        other => f(gating_feature(item_attrs(other)), other.to_token_stream()),
    }
}

fn item_attrs(item: &Item) -> &[syn::Attribute] {
    match item {
        Item::Struct(s) => &s.attrs,
        Item::Enum(e) => &e.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Fn(f) => &f.attrs,
        _ => &[],
    }
}

/// `tag-offers` of `#[cfg(feature = "tag-offers")]`, the attribute [`cfg`] writes.
fn gating_feature(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attribute| {
        if !attribute.path().is_ident("cfg") {
            return None;
        }
        let syn::Meta::List(list) = &attribute.meta else {
            return None;
        };
        let value: syn::MetaNameValue = syn::parse2(list.tokens.clone()).ok()?;
        match (&value.path, &value.value) {
            (
                path,
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }),
            ) if path.is_ident("feature") => Some(s.value()),
            _ => None,
        }
    })
}

/// The type names an item names.
pub(crate) fn named_types(item: &Item, names: &BTreeSet<String>) -> BTreeSet<String> {
    named_in(item.to_token_stream(), names)
}

/// The identifiers of `tokens` that are type names.
fn named_in(tokens: TokenStream, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![tokens];
    while let Some(tokens) = pending.pop() {
        for token in tokens {
            match token {
                TokenTree::Ident(ident) => {
                    let ident = ident.to_string();
                    if names.contains(&ident) {
                        found.insert(ident);
                    }
                }
                TokenTree::Group(group) => pending.push(group.stream()),
                _ => {}
            }
        }
    }
    found
}

/// Whether a crate's manifest has the `all-tags` feature [`manifest_lines`] writes.
pub fn in_manifest(manifest: &str) -> bool {
    manifest.contains("\nall-tags = [")
}

/// The manifest's lines for the features: one per tag, and `all-tags` with every one. Empty
/// when the spec asks for none.
pub fn manifest_lines(service: &Service) -> String {
    let features = features(service);
    if features.is_empty() {
        return String::new();
    }
    let mut lines = String::from(
        "## Every operation (the default). A program that calls a few of them enables only their\n\
         ## tags' features, with `default-features = false`.\n",
    );
    let all: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    lines.push_str(&format!("all-tags = [{}]\n", all.join(", ")));
    for feature in features {
        let operations: Vec<&str> = service
            .operations
            .iter()
            .filter(|op| op.feature.as_deref() == Some(feature))
            .map(|op| op.rust_name.as_str())
            .collect();
        lines.push_str(&format!(
            "## The operations tagged `{}`: {}.\n{feature} = []\n",
            &feature["tag-".len()..],
            operations.join(", ")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::{feature_name, manifest_lines};
    use crate::generate::Prepared;
    use crate::spec::Spec;

    /// The synthetic spec of 24 operations (three resources of tag `group0`, one of `group1`,
    /// six operations each) with the extension set to `value`.
    fn spec(value: serde_json::Value) -> Spec {
        let mut doc = crate::bench::synthetic_spec(24);
        doc["info"]["x-credkit-tag-features"] = value;
        Spec {
            service: "synthetic".into(),
            file: "synthetic.yaml".into(),
            doc,
            duplicate_keys: Vec::new(),
        }
    }

    #[test]
    fn a_tag_becomes_a_feature_name() {
        assert_eq!(feature_name("Offers"), "tag-offers");
        assert_eq!(feature_name(" offer codes/v2 "), "tag-offer-codes-v2");
    }

    #[test]
    fn each_operation_builder_and_method_is_compiled_under_its_tag_feature() {
        let spec = spec(true.into());
        let client = crate::generate(&spec).expect("it generates");
        let gate = "#[cfg(feature = \"tag-group0\")]";
        // Each of the 18 builders of group0: its struct, `new`, setters and `send` impls; and each
        // method on `Client`.
        for name in ["ListOffers", "DownloadMemberDocument"] {
            assert!(
                client.contains(&format!("{gate}\n    pub struct {name}<")),
                "{name} is not gated"
            );
        }
        assert!(client.contains(&format!(
            "{gate}\n    pub fn delete_member(&self) -> builder::DeleteMember<'_>"
        )));
        assert_eq!(
            client.matches(&format!("{gate}\n    pub struct ")).count(),
            18
        );
        // A type under the features of the operations that reach it; the error body, which
        // `ServiceError` names, always. (No request sends an `Offer`: typify's builder of it is
        // not kept at all.)
        let only = |features: &str| format!("#[cfg(any({features}))]\n    pub struct");
        let group0 = "feature = \"tag-group0\"";
        let both = format!("{group0}, feature = \"tag-group1\"");
        assert!(client.contains(&format!("{} Offer {{", only(group0))));
        assert!(client.contains(&format!("{} Campaign {{", only("feature = \"tag-group1\""))));
        assert!(client.contains(&format!("{} Address {{", only(&both))));
        assert!(!client.contains("        pub struct Offer {"));
        assert!(client.contains("    pub struct Problem {"));
        assert!(!client.contains("))]\n    pub struct Problem {"));

        let service = Prepared::new(&spec).expect("it parses").service;
        let manifest = manifest_lines(&service);
        assert!(
            manifest.contains("all-tags = [\"tag-group0\", \"tag-group1\"]\n"),
            "{manifest}"
        );
        assert!(manifest.contains("tag-group0 = []\n"), "{manifest}");
        assert!(
            crate::crates::features_block(&service)
                .starts_with("default = [\"rustls\", \"all-tags\"]\n")
        );
    }

    #[test]
    fn without_the_extension_nothing_is_gated_and_the_manifest_is_unchanged() {
        let spec = spec(false.into());
        let client = crate::generate(&spec).expect("it generates");
        assert!(!client.contains("#[cfg(feature"));
        let service = Prepared::new(&spec).expect("it parses").service;
        assert_eq!(manifest_lines(&service), "");
        assert!(crate::crates::features_block(&service).starts_with("default = [\"rustls\"]\n"));
    }

    #[test]
    fn an_extension_that_is_not_a_boolean_is_refused_with_its_place() {
        let problems = Prepared::new(&spec("yes".into())).err().expect("refused");
        assert!(
            problems
                .iter()
                .any(|p| p.location.as_deref() == Some("info")
                    && p.message == "`x-credkit-tag-features` is `true` or `false`"),
            "{problems:?}"
        );
    }
}
