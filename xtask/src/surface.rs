//! A compact listing of a generated client's API: one line per operation and per type.
//!
//! The committed `generated.rs` is thousands of lines; this listing is what a reviewer reads
//! (as an insta snapshot) to see what a spec edit or a progenitor upgrade changed for callers.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::visit::Visit;
use syn::{Expr, Fields, Item, ItemMod, Type};

/// The API surface of a generated file; `Err` when the source does not parse.
pub fn api_surface(source: &str) -> Result<String, String> {
    let file =
        syn::parse_file(source).map_err(|e| format!("generated source does not parse: {e}"))?;
    let mut lines = Vec::new();

    let mut operations = OperationFacts::default();
    operations.visit_file(&file);

    let builders = module(&file.items, "builder")
        .map(builder_signatures)
        .unwrap_or_default();
    for (id, facts) in &operations.facts {
        let builder = builders
            .get(&crate::names::builder_name(id))
            .cloned()
            .unwrap_or_else(|| "(no builder)".into());
        lines.push(format!("op {facts} {id}{builder}"));
    }
    if let Some(types) = module(&file.items, "types") {
        for item in types.content.iter().flat_map(|(_, items)| items) {
            match item {
                Item::Struct(s) => {
                    let fields = match &s.fields {
                        Fields::Named(named) => {
                            let list: Vec<String> = named
                                .named
                                .iter()
                                .map(|f| {
                                    format!(
                                        "{}: {}",
                                        f.ident
                                            .as_ref()
                                            .map(ToString::to_string)
                                            .unwrap_or_default(),
                                        ty(&f.ty)
                                    )
                                })
                                .collect();
                            format!(" {{ {} }}", list.join(", "))
                        }
                        Fields::Unnamed(unnamed) => {
                            let list: Vec<String> =
                                unnamed.unnamed.iter().map(|f| ty(&f.ty)).collect();
                            format!("({})", list.join(", "))
                        }
                        Fields::Unit => String::new(),
                    };
                    lines.push(format!("struct {}{fields}", s.ident));
                }
                Item::Enum(e) => lines.push(enum_line(e)),
                _ => {}
            }
        }
    }
    // The answers of operations whose statuses answer differently, one variant per status.
    if let Some(builder) = module(&file.items, "builder") {
        for item in builder.content.iter().flat_map(|(_, items)| items) {
            if let Item::Enum(e) = item {
                lines.push(enum_line(e));
            }
        }
    }
    if let Some(callbacks) = module(&file.items, "callbacks") {
        for item in callbacks.content.iter().flat_map(|(_, items)| items) {
            if let Item::Fn(f) = item
                && let syn::ReturnType::Type(_, output) = &f.sig.output
            {
                let payload = first_generic(output).unwrap_or_else(|| ty(output));
                lines.push(format!(
                    "callback {}(body: &[u8]) -> {payload}",
                    f.sig.ident
                ));
            }
        }
    }
    if let Some(servers) = module(&file.items, "servers") {
        for item in servers.content.iter().flat_map(|(_, items)| items) {
            if let Item::Const(c) = item {
                lines.push(format!("server {} = {}", c.ident, c.expr.to_token_stream()));
            }
        }
    }
    if let Some(quota) = &operations.service_quota {
        lines.push(format!("quota SERVICE = {quota}"));
    }
    Ok(lines.join("\n") + "\n")
}

/// `enum Name (untagged) { A, B(T) }`.
fn enum_line(e: &syn::ItemEnum) -> String {
    let untagged = e
        .attrs
        .iter()
        .any(|a| a.to_token_stream().to_string().contains("untagged"));
    let variants: Vec<String> = e
        .variants
        .iter()
        .map(|v| match &v.fields {
            Fields::Unit => v.ident.to_string(),
            Fields::Unnamed(u) => {
                let fields: Vec<String> = u.unnamed.iter().map(|f| ty(&f.ty)).collect();
                format!("{}({})", v.ident, fields.join(", "))
            }
            Fields::Named(_) => format!("{} {{..}}", v.ident),
        })
        .collect();
    let tag = if untagged { " (untagged)" } else { "" };
    format!("enum {}{tag} {{ {} }}", e.ident, variants.join(", "))
}

fn module<'a>(items: &'a [Item], name: &str) -> Option<&'a ItemMod> {
    items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => Some(m),
        _ => None,
    })
}

/// A type as a reviewer wants to read it: no `::std::` noise, no module prefixes.
fn ty(ty: &Type) -> String {
    let mut text = ty
        .to_token_stream()
        .to_string()
        .replace(' ', "")
        .replace(",>", ">")
        .replace(',', ", ");
    for prefix in [
        "::std::string::",
        "::std::option::",
        "::std::vec::",
        "::std::collections::",
        "::serde_json::",
        "crate::generated::types::",
        "super::types::",
        "types::",
        "::chrono::offset::",
        "::chrono::",
        "::uuid::",
        "::std::num::",
    ] {
        text = text.replace(prefix, "");
    }
    text
}

/// `(param: Type, opt?: Type) -> Output` per builder struct name, read from its setters (one
/// per input, in order; an optional one returns `Self`) and its `send`.
fn builder_signatures(builder: &ItemMod) -> BTreeMap<String, String> {
    let mut inputs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut sends: BTreeMap<String, String> = BTreeMap::new();
    for item in builder.content.iter().flat_map(|(_, items)| items) {
        let Item::Impl(block) = item else { continue };
        let Type::Path(p) = block.self_ty.as_ref() else {
            continue;
        };
        let Some(last) = p.path.segments.last() else {
            continue;
        };
        let name = last.ident.to_string();
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident == "send"
                && let syn::ReturnType::Type(_, output) = &f.sig.output
            {
                // `credkit_runtime::Sent<T>`, which is `Result<Answer<T>, Error>`: every
                // operation has the same error type, and every answer is an `Answer`.
                // (Clients generated before `Sent` wrote the `Result` out.)
                let inner = first_generic(output).unwrap_or_else(|| ty(output));
                let mut answer = match inner.strip_prefix("credkit_runtime::") {
                    Some(written_out) => written_out.to_owned(),
                    None => format!("Answer<{inner}>"),
                };
                if f.attrs.iter().any(|a| a.path().is_ident("deprecated")) {
                    answer.push_str(" [deprecated]");
                }
                sends.insert(name.clone(), answer);
            } else if let Some(input) = crate::builder::setter_type(f) {
                let field = f.sig.ident.to_string();
                let input = ty(&input);
                // A body built with typify's builder starts from its defaults: it is not an
                // optional input.
                let optional = matches!(&f.sig.output, syn::ReturnType::Type(_, t)
                    if matches!(t.as_ref(), Type::Path(p) if p.path.is_ident("Self")))
                    && !input.contains("builder::");
                inputs.entry(name.clone()).or_default().push(if optional {
                    format!("{field}?: {input}")
                } else {
                    format!("{field}: {input}")
                });
            }
        }
    }
    sends
        .into_iter()
        .map(|(name, output)| {
            let params = inputs.remove(&name).unwrap_or_default();
            (name, format!("({}) -> {output}", params.join(", ")))
        })
        .collect()
}

/// `A` in `Path<A, ..>`, as the listing writes types.
fn first_generic(ty: &Type) -> Option<String> {
    crate::builder::first_type_argument(ty).map(|inner| self::ty(&inner))
}

/// `GET /path [anonymous] [idempotent]` per operation id, and the service's quota, read from
/// the emitted `SERVICE`.
#[derive(Default)]
struct OperationFacts {
    facts: BTreeMap<String, String>,
    service_quota: Option<String>,
}

/// `100 requests per 5000 ms, 10000 ms after a 429, per credential`, from the emitted
/// `Some(credkit_runtime::Quota { .. })` of a `rate_limit` field; `None` for `None`.
fn quota(fields: &syn::punctuated::Punctuated<syn::FieldValue, syn::Token![,]>) -> Option<String> {
    let rate_limit = fields
        .iter()
        .find(|f| f.member.to_token_stream().to_string() == "rate_limit")?;
    let Expr::Call(some) = &rate_limit.expr else {
        return None;
    };
    quota_value(some.args.first()?)
}

/// As [`quota`], from the `credkit_runtime::Quota { .. }` literal itself.
fn quota_value(expr: &Expr) -> Option<String> {
    let Expr::Struct(quota) = expr else {
        return None;
    };
    let field = |name: &str| {
        quota
            .fields
            .iter()
            .find(|f| f.member.to_token_stream().to_string() == name)
            .map(|f| match &f.expr {
                Expr::Call(call) => call.args.to_token_stream().to_string(),
                Expr::Path(path) => path
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string().to_ascii_lowercase())
                    .unwrap_or_default(),
                other => other.to_token_stream().to_string(),
            })
            .unwrap_or_default()
    };
    Some(format!(
        "{} requests per {} ms, {} ms after a 429, per {}",
        field("requests"),
        field("period"),
        field("penalty"),
        field("scope")
    ))
}

/// The text of a string literal, or the tokens of another expression.
fn literal(expr: &Expr) -> String {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Str(s) => s.value(),
            other => other.to_token_stream().to_string(),
        },
        other => other.to_token_stream().to_string(),
    }
}

impl OperationFacts {
    /// Records one operation's facts as the listing writes them.
    fn record(&mut self, id: String, method: &str, path: &str, flags: &Flags) {
        let mut facts = format!("{method} {path}");
        if flags.anonymous {
            facts.push_str(" [anonymous]");
        }
        facts.push_str(if flags.idempotent {
            " [idempotent]"
        } else {
            " [not idempotent]"
        });
        if let Some(quota) = &flags.quota {
            facts.push_str(&format!(" [quota: {quota}]"));
        }
        self.facts.insert(id, facts);
    }

    /// `OperationMeta::new(id, method, path)` and the calls chained on it (`.idempotent()`),
    /// as the generator writes each operation's entry; `false` for another expression.
    fn chain(&mut self, expr: &Expr) -> bool {
        let mut flags = Flags::default();
        let mut current = expr;
        while let Expr::MethodCall(call) = current {
            match call.method.to_string().as_str() {
                "anonymous" => flags.anonymous = true,
                "idempotent" => flags.idempotent = true,
                "rate_limit" => flags.quota = call.args.first().and_then(quota_value),
                _ => {}
            }
            current = &call.receiver;
        }
        let Expr::Call(new) = current else {
            return false;
        };
        let Expr::Path(function) = new.func.as_ref() else {
            return false;
        };
        let names: Vec<String> = function
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if !names.ends_with(&["OperationMeta".to_owned(), "new".to_owned()]) {
            return false;
        }
        let arguments: Vec<String> = new.args.iter().map(literal).collect();
        let [id, method, path] = arguments.as_slice() else {
            return false;
        };
        self.record(id.clone(), method, path, &flags);
        true
    }
}

/// What an operation's entry says besides its method and path.
#[derive(Default)]
struct Flags {
    anonymous: bool,
    idempotent: bool,
    quota: Option<String>,
}

impl<'ast> Visit<'ast> for OperationFacts {
    fn visit_expr(&mut self, node: &'ast Expr) {
        if !(matches!(node, Expr::MethodCall(_) | Expr::Call(_)) && self.chain(node)) {
            syn::visit::visit_expr(self, node);
        }
    }

    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        if node
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "ServiceInfo")
        {
            self.service_quota = quota(&node.fields);
        }
        // Clients generated before the call chains wrote each entry as a struct literal.
        if node
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "OperationMeta")
        {
            let field = |name: &str| {
                node.fields
                    .iter()
                    .find(|f| f.member.to_token_stream().to_string() == name)
                    .map(|f| literal(&f.expr))
                    .unwrap_or_default()
            };
            let flags = Flags {
                anonymous: field("anonymous") == "true",
                idempotent: field("idempotent") == "true",
                quota: quota(&node.fields),
            };
            self.record(field("id"), &field("method"), &field("path"), &flags);
        }
        syn::visit::visit_expr_struct(self, node);
    }
}
