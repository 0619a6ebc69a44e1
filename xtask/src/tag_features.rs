//! Per-tag cargo features, for a large API whose users call a few of its operations: with
//! `info.x-credkit-tag-features: true`, each operation is compiled only under the feature of its
//! first tag (`tag-offers`), so that `default-features = false, features = ["tag-offers"]`
//! compiles the offers' builders and methods and not the other operations'.
//!
//! What is gated: each operation's builder (struct, `impl`s, answer enum) and its method on
//! `Client`. What is not: the types (a type may serve operations of several tags, and typify
//! writes them apart from the operations), `SERVICE` (the runtime's table of every
//! operation), the mocks, and operations without a tag. The manifest gets one feature per tag,
//! all of them in `all-tags`, which the default features include.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
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
        match item {
            Item::Struct(s) => s.attrs.push(attribute.clone()),
            Item::Impl(i) => i.attrs.push(attribute.clone()),
            Item::Enum(e) => e.attrs.push(attribute.clone()),
            _ => return Err("the template gives an item that per-tag features cannot gate".into()),
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

    /// The synthetic spec of 12 operations (two resources of tag `group0`, six each) with the
    /// extension set to `value`.
    fn spec(value: serde_json::Value) -> Spec {
        let mut doc = crate::bench::synthetic_spec(12);
        doc["info"]["x-credkit-tag-features"] = value;
        Spec {
            service: "synthetic".into(),
            file: "synthetic.yaml".into(),
            doc,
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
        // Each of the 12 builders: its struct, `new`, setters and `send` impls; and each
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
            12
        );
        // The types stay: a type may serve operations of several tags.
        assert!(client.contains("pub struct Offer {"));
        assert!(!client.contains(&format!("{gate}\n    pub struct Offer {{")));

        let service = Prepared::new(&spec).expect("it parses").service;
        let manifest = manifest_lines(&service);
        assert!(
            manifest.contains("all-tags = [\"tag-group0\"]\n"),
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
