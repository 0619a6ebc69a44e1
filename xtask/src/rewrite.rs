//! The one remaining pass over progenitor's output (each operation's `send` is credkit's own,
//! `send.rs`): setters that keep the reason a value was refused.
//!
//! progenitor's setters drop the conversion error (`"conversion to `Pin` for pin failed"`),
//! losing why a value was refused ("Pin must be at least 6 characters"). Here each setter that
//! converts with `TryInto` reports `invalid pin: <reason>` instead, and requires the conversion
//! error to be `Display` (every error type is). The pass is counted: each such setter must hold
//! exactly one `map_err` with a closure, or generation stops naming the setter, so a progenitor
//! upgrade that changes the setters' shape cannot slip through half-rewritten.

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, WherePredicate, parse_quote};

/// The items of one of progenitor's inline modules (`builder`, `types`).
pub fn module_items<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Rewrites every converting setter of the `builder` module; returns how many, or names the
/// setter whose shape differs from what the pass expects.
pub fn explain_conversion_failures(file: &mut syn::File) -> Result<usize, String> {
    let items = module_items(file, "builder")
        .ok_or("progenitor output has no `builder` module (is the builder interface selected?)")?;
    let mut rewritten = 0;
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let owner = block.self_ty.to_token_stream().to_string().replace(' ', "");
        for member in block.items.iter_mut() {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let Some(try_into) = try_into_bound(function) else {
                continue;
            };
            let setter = function.sig.ident.to_string();
            let mut pass = ConversionMessage {
                message: format!("invalid {setter}: {{}}"),
                rewritten: 0,
            };
            pass.visit_block_mut(&mut function.block);
            if pass.rewritten != 1 {
                return Err(format!(
                    "builder::{owner}::{setter}: found {} `map_err` closures, expected 1: progenitor's setters changed shape",
                    pass.rewritten
                ));
            }
            let predicate: WherePredicate =
                parse_quote!(<V as #try_into>::Error: ::std::fmt::Display);
            function
                .sig
                .generics
                .make_where_clause()
                .predicates
                .push(predicate);
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// The `TryInto<T>` bound of a setter's `V`, if it has one.
fn try_into_bound(function: &syn::ImplItemFn) -> Option<syn::TypeParamBound> {
    let clause = function.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| match predicate {
        WherePredicate::Type(bound)
            if matches!(&bound.bounded_ty, syn::Type::Path(p) if p.path.is_ident("V")) =>
        {
            bound.bounds.iter().find(|b| is_try_into(b)).cloned()
        }
        _ => None,
    })
}

fn is_try_into(bound: &syn::TypeParamBound) -> bool {
    matches!(bound, syn::TypeParamBound::Trait(t)
        if t.path.segments.last().is_some_and(|s| s.ident == "TryInto"))
}

/// Replaces the closure of the one `map_err(|e| ..)` of a setter.
struct ConversionMessage {
    message: String,
    rewritten: usize,
}

impl VisitMut for ConversionMessage {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "map_err"
            && matches!(call.args.first(), Some(Expr::Closure(_)))
        {
            let message = &self.message;
            call.args[0] = parse_quote!(|e| format!(#message, e));
            self.rewritten += 1;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}
