//! The typed httpmock helpers of a client crate (`crates/<service>/src/mock.rs`, behind the
//! crate's `mock` feature): progenitor's `MockServerExt`, generated from the same normalized spec
//! and custom types as the client, so `server.get_credentials_status(|when, then| ..)` takes the
//! client's own parameter and response types.

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItemFn, parse_quote};

use crate::generate::{header, progenitor_settings, run_progenitor};
use crate::problem::Problem;
use crate::spec::Spec;
use crate::{custom_types, normalize};

/// The text of `crates/<service>/src/mock.rs` for a spec the client generates from.
pub fn generate(spec: &Spec) -> Result<String, Vec<Problem>> {
    let custom = custom_types::collect(spec)?;
    let api = normalize::for_progenitor(spec).map_err(|p| vec![p])?;
    let settings = progenitor_settings(&custom);
    let secrets: Vec<String> = custom
        .iter()
        .filter(|t| t.secret)
        .map(|t| custom_types::path(&t.name).replace(' ', ""))
        .collect();
    // `crate`: the module sits in the client crate, whose root re-exports `types`.
    let mut file = run_progenitor(spec, " for the mocks", || {
        progenitor::Generator::new(&settings).httpmock(&api, "crate")
    })?;
    WithoutRegexCrate.visit_file_mut(&mut file);
    MatchSecretsByValue { secrets: &secrets }.visit_file_mut(&mut file);
    let body = progenitor_impl::space_out_items(prettyplease::unparse(&file))
        .map_err(|e| vec![spec.problem(None, format!("cannot format the mocks: {e}"))])?;
    Ok(format!("{}{body}", header(spec)))
}

/// progenitor writes `regex::Regex::new(pattern).unwrap()` for path patterns, which would make
/// every user of the mocks depend on `regex` by name. httpmock's `path_matches` takes the pattern
/// as a string and compiles it itself, so the call is replaced by its argument.
struct WithoutRegexCrate;

impl VisitMut for WithoutRegexCrate {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(unwrap) = expr else {
            return;
        };
        if unwrap.method != "unwrap" || !unwrap.args.is_empty() {
            return;
        }
        let Expr::Call(call) = &*unwrap.receiver else {
            return;
        };
        let is_regex_new = matches!(&*call.func, Expr::Path(p)
            if p.path.segments.iter().map(|s| s.ident.to_string()).eq(["regex", "Regex", "new"]));
        if !is_regex_new || call.args.len() != 1 {
            return;
        }
        let pattern = match &call.args[0] {
            // `&format!(..)` is a `&String`, which httpmock does not take: pass the `String`.
            Expr::Reference(reference) => (*reference.expr).clone(),
            other => other.clone(),
        };
        *expr = parse_quote!(#pattern);
    }
}

/// progenitor matches a parameter on `value.to_string()`; a secret's `Display` prints
/// `<redacted>`, so a mock of a secret parameter would never match. Those helpers match on the
/// exposed value: the test wrote it, and httpmock only compares it with the request.
struct MatchSecretsByValue<'a> {
    secrets: &'a [String],
}

impl VisitMut for MatchSecretsByValue<'_> {
    fn visit_impl_item_fn_mut(&mut self, function: &mut ImplItemFn) {
        let signature = function.sig.to_token_stream().to_string().replace(' ', "");
        if self
            .secrets
            .iter()
            .any(|secret| signature.contains(secret.as_str()))
        {
            ExposeValue.visit_block_mut(&mut function.block);
        }
    }
}

/// `value.to_string()` becomes `value.expose().to_owned()`.
struct ExposeValue;

impl VisitMut for ExposeValue {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let Expr::MethodCall(call) = expr
            && call.method == "to_string"
            && matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("value"))
        {
            *expr = parse_quote!(value.expose().to_owned());
        }
    }
}
