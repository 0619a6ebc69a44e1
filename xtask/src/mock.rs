//! The typed httpmock helpers of a client crate (`crates/<service>/src/mock.rs`, behind the
//! crate's `mock` feature): progenitor's `MockServerExt`, generated from the same normalized spec
//! and custom types as the client, so `server.get_credentials_status(|when, then| ..)` takes the
//! client's own parameter and response types.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit_mut::VisitMut;
use syn::{Expr, ItemImpl, Lit, parse_quote};

use crate::generate::{Prepared, render, run_progenitor};
use crate::model::{ParameterLocation, QueryStyle, Service};
use crate::names;
use crate::problem::Problem;
use crate::spec::Spec;

/// Checks `spec` and generates the text of `crates/<service>/src/mock.rs`.
pub fn generate(spec: &Spec) -> Result<String, Vec<Problem>> {
    mocks(spec, &Prepared::new(spec)?)
}

/// The mock module of a prepared spec.
pub fn mocks(spec: &Spec, prepared: &Prepared) -> Result<String, Vec<Problem>> {
    let service = &prepared.service;
    // `crate`: the module sits in the client crate, whose root re-exports `types`.
    let mut file = run_progenitor(spec, service, " for the mocks", || {
        progenitor::Generator::new(&prepared.settings)
            .httpmock(&service.progenitor_document, "crate")
    })?;
    // Each pass counts its matches against what the model says progenitor writes
    // (`output_passes.rs` lists them all).
    let path_parameters = service
        .operations
        .iter()
        .flat_map(|op| &op.parameters)
        .filter(|p| p.location == ParameterLocation::Path)
        .count();
    // Each secret parameter's helper: the operation's `When` and the parameter's field name.
    let secrets: BTreeSet<(String, String)> = service
        .operations
        .iter()
        .flat_map(|op| {
            op.parameters
                .iter()
                .filter(|p| p.secret)
                .map(|p| (names::mock_when_name(&op.spec_id), p.rust_name.clone()))
        })
        .collect();
    let media = binary_successes(service);
    let binary = media.len();

    let mut regex = WithoutRegexCrate::default();
    regex.visit_file_mut(&mut file);
    let mut exact = ExactPathValues::default();
    exact.visit_file_mut(&mut file);
    let mut secret = MatchSecretsByValue {
        secrets: &secrets,
        rewritten: 0,
    };
    secret.visit_file_mut(&mut file);
    let mut bodies = BinaryBodies {
        media,
        rewritten: 0,
    };
    bodies.visit_file_mut(&mut file);
    let multipart: Vec<String> = service
        .operations
        .iter()
        .filter(|op| op.sends_multipart())
        .map(|op| names::mock_when_name(&op.spec_id))
        .collect();
    let styled: BTreeMap<(String, String), (String, QueryStyle)> = service
        .operations
        .iter()
        .flat_map(|op| {
            op.parameters.iter().filter_map(|p| {
                let style = p.query_style?;
                Some((
                    (names::mock_when_name(&op.spec_id), p.rust_name.clone()),
                    (p.name.clone(), style),
                ))
            })
        })
        .collect();
    let mut spelled = MatchQueryAsSpelled {
        styled: &styled,
        rewritten: 0,
    };
    spelled.visit_file_mut(&mut file);
    ScalarAnswersByReference.visit_file_mut(&mut file);
    let mut json_matches = WithoutJsonMatchOfMultipart {
        operations: &multipart,
        removed: 0,
    };
    json_matches.visit_file_mut(&mut file);
    use crate::output_passes::Count;
    let counts = [
        Count {
            what: "`regex::Regex::new(..).unwrap()` calls",
            found: regex.rewritten,
            expected: service.operations.len() + path_parameters,
        },
        Count {
            what: "path-value patterns",
            found: exact.rewritten,
            expected: path_parameters,
        },
        Count {
            what: "helpers of secret parameters",
            found: secret.rewritten,
            expected: secrets.len(),
        },
        Count {
            what: "JSON bodies of binary answers",
            found: bodies.rewritten,
            expected: binary,
        },
        Count {
            what: "matchers of query parameters that are arrays or objects",
            found: spelled.rewritten,
            expected: styled.len(),
        },
        Count {
            what: "JSON body matchers of multipart requests",
            found: json_matches.removed,
            expected: multipart.len(),
        },
    ];
    crate::output_passes::check(spec, "the mocks", &counts)?;
    crate::waiters::mocks::emit(&mut file, service)
        .map_err(|m| vec![spec.problem(None, format!("the mocks: {m}"))])?;
    render(spec, &file, "the mocks")
}

/// progenitor writes `regex::Regex::new(pattern).unwrap()` for path patterns (one in each
/// operation's `When::new`, one in each path parameter's matcher), which would make
/// every user of the mocks depend on `regex` by name. httpmock's `path_matches` takes the pattern
/// as a string and compiles it itself, so the call is replaced by its argument.
#[derive(Default)]
struct WithoutRegexCrate {
    rewritten: usize,
}

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
        self.rewritten += 1;
    }
}

/// progenitor matches a path parameter with the pattern `format!("^/things/{}$", value)`: the
/// value unencoded and unescaped, so `a/b c` or `a+b` would never match what the client sends
/// (`a%2Fb%20c`, percent-encoded as every call encodes a path segment). The value is encoded the
/// same way and its regex metacharacters escaped, by the runtime
/// (`credkit_runtime::contract::path_segment_pattern`).
#[derive(Default)]
struct ExactPathValues {
    rewritten: usize,
}

impl VisitMut for ExactPathValues {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        syn::visit_mut::visit_block_mut(self, block);
        let Some(index) = block.stmts.iter_mut().position(path_pattern_of_value) else {
            return;
        };
        self.rewritten += 1;
        block.stmts.insert(
            index,
            parse_quote! {
                let value = credkit_runtime::contract::path_segment_pattern(&value.to_string());
            },
        );
    }
}

/// Whether `stmt` is `let re = format!("^/...", value.to_string());`; if so, its argument
/// becomes `value` (the escaped value defined just before it).
fn path_pattern_of_value(stmt: &mut syn::Stmt) -> bool {
    let syn::Stmt::Local(local) = stmt else {
        return false;
    };
    let Some(Expr::Macro(call)) = local.init.as_mut().map(|init| &mut *init.expr) else {
        return false;
    };
    let mac = &mut call.mac;
    if !mac.path.is_ident("format") {
        return false;
    }
    let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
    let Ok(args) = mac.parse_body_with(parser) else {
        return false;
    };
    let args: Vec<Expr> = args.into_iter().collect();
    let [Expr::Lit(pattern), value] = args.as_slice() else {
        return false;
    };
    let is_path_pattern = matches!(&pattern.lit, Lit::Str(s) if s.value().starts_with("^/"));
    let is_value_to_string = matches!(value, Expr::MethodCall(call)
        if call.method == "to_string" && call.args.is_empty() && is_value(&call.receiver));
    if !is_path_pattern || !is_value_to_string {
        return false;
    }
    mac.tokens = quote::quote!(#pattern, value);
    true
}

/// Whether `expr` is the helper's argument, `value`.
fn is_value(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident("value"))
}

/// The name of the type an `impl` block is of (`GetThingWhen`).
fn self_name(item: &ItemImpl) -> Option<String> {
    match &*item.self_ty {
        syn::Type::Path(p) => Some(p.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// progenitor matches a parameter on `value.to_string()`; a secret's `Display` prints
/// `<redacted>`, so a mock of a secret parameter would never match. Those helpers (named by the
/// model: the operation's `When`, the parameter's field) match on the exposed value: the test
/// wrote it, and httpmock only compares it with the request.
struct MatchSecretsByValue<'a> {
    secrets: &'a BTreeSet<(String, String)>,
    rewritten: usize,
}

/// Each helper function of an `impl` block, with the name of the type it is of and its own
/// (`("GetThingWhen", "id")`), as the model names the helpers it rewrites.
fn helpers(item: &mut ItemImpl) -> impl Iterator<Item = ((String, String), &mut syn::ImplItemFn)> {
    let name = self_name(item).unwrap_or_default();
    item.items
        .iter_mut()
        .filter_map(move |impl_item| match impl_item {
            syn::ImplItem::Fn(function) => {
                Some(((name.clone(), function.sig.ident.to_string()), function))
            }
            _ => None,
        })
}

impl VisitMut for MatchSecretsByValue<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        for (key, function) in helpers(item) {
            if self.secrets.contains(&key) {
                ExposeValue.visit_block_mut(&mut function.block);
                self.rewritten += 1;
            }
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
            && is_value(&call.receiver)
        {
            *expr = parse_quote!(value.expose().to_owned());
        }
    }
}

/// The operations whose success body is binary (a PDF download), by the name of their `Then`
/// helper (`download_activation_form` → `DownloadActivationFormThen`), with the media type.
fn binary_successes(service: &Service) -> BTreeMap<String, String> {
    service
        .operations
        .iter()
        .filter_map(|op| {
            let media = op.success.binary_media_type()?;
            Some((names::mock_then_name(&op.spec_id), media.to_owned()))
        })
        .collect()
}

/// progenitor answers a binary success with a JSON value sent as `application/json`; the client
/// streams that body as bytes. Those helpers take the bytes and send them with the spec's media
/// type (`then.ok(b"%PDF-1.7 ...")`).
struct BinaryBodies {
    media: BTreeMap<String, String>,
    rewritten: usize,
}

impl VisitMut for BinaryBodies {
    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        let Some(media) = self_name(item).and_then(|name| self.media.get(&name)) else {
            return;
        };
        for impl_item in &mut item.items {
            let syn::ImplItem::Fn(function) = impl_item else {
                continue;
            };
            let takes_json = function.sig.inputs.iter().any(|input| {
                matches!(input, syn::FnArg::Typed(typed)
                    if matches!(&*typed.pat, syn::Pat::Ident(i) if i.ident == "value")
                        && matches!(&*typed.ty, syn::Type::Path(p)
                            if p.path.segments.iter().map(|s| s.ident.to_string()).eq(["serde_json", "Value"])))
            });
            if takes_json {
                function.sig.inputs.pop();
                function
                    .sig
                    .inputs
                    .push(parse_quote!(value: impl AsRef<[u8]>));
                SendBytes { media }.visit_block_mut(&mut function.block);
                self.rewritten += 1;
            }
        }
    }
}

/// `.header("content-type", "application/json").json_body(value)` becomes
/// `.header("content-type", <media>).body(value)`.
struct SendBytes<'a> {
    media: &'a str,
}

impl VisitMut for SendBytes<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let Expr::MethodCall(call) = expr
            && call.method == "json_body"
        {
            call.method = syn::Ident::new("body", call.method.span());
        }
    }

    fn visit_lit_mut(&mut self, lit: &mut Lit) {
        if let Lit::Str(text) = lit
            && text.value() == "application/json"
        {
            *lit = Lit::Str(syn::LitStr::new(self.media, text.span()));
        }
    }
}

/// progenitor matches a request body as JSON (`When::body(&T)`); a multipart request is never
/// JSON, so that helper of a multipart operation could never match and goes. Such a request is
/// matched through `When::into_inner` (`is_true` over its parts, say).
struct WithoutJsonMatchOfMultipart<'a> {
    operations: &'a [String],
    removed: usize,
}

impl VisitMut for WithoutJsonMatchOfMultipart<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        if !self_name(item).is_some_and(|name| self.operations.contains(&name)) {
            return;
        }
        let before = item.items.len();
        item.items
            .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "body"));
        self.removed += before - item.items.len();
    }
}

/// progenitor matches a query parameter on `query_param(name, value.to_string())`, which an
/// array or an object has no `Display` for (the mocks did not compile). Those helpers (named by
/// the model: the operation's `When`, the parameter's field) match each pair the client sends
/// for the value in the parameter's style, as the runtime spells it
/// (`credkit_runtime::contract::query_pairs`).
struct MatchQueryAsSpelled<'a> {
    styled: &'a BTreeMap<(String, String), (String, QueryStyle)>,
    rewritten: usize,
}

impl VisitMut for MatchQueryAsSpelled<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        for (key, function) in helpers(item) {
            if let Some((wire, style)) = self.styled.get(&key) {
                let mut pairs = EachPair {
                    wire,
                    style: *style,
                    rewritten: 0,
                };
                pairs.visit_block_mut(&mut function.block);
                self.rewritten += usize::from(pairs.rewritten == 1);
            }
        }
    }
}

/// `<when>.query_param("wire", value.to_string())` becomes a match of each pair.
struct EachPair<'a> {
    wire: &'a str,
    style: QueryStyle,
    rewritten: usize,
}

impl VisitMut for EachPair<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method != "query_param" || call.args.len() != 2 {
            return;
        }
        let when = &call.receiver;
        let wire = self.wire;
        let style = quote::format_ident!("{}", self.style.variant());
        let unspellable = format!("the mock of the query parameter `{wire}`: {{}}");
        *expr = parse_quote! {
            {
                let mut when = #when;
                let pairs = credkit_runtime::contract::query_pairs(
                    #wire,
                    credkit_runtime::contract::QueryStyle::#style,
                    &value,
                )
                .unwrap_or_else(|reason| panic!(#unspellable, reason));
                for (name, text) in pairs {
                    when = when.query_param(name, text);
                }
                when
            }
        };
        self.rewritten += 1;
    }
}

/// progenitor's `Then` helper of a JSON answer takes the answer type as typify passes it
/// (`value: bool`, `value: i64` for a scalar answer, a reference for the others) and hands
/// `value` to `json_body_obj`, which takes a reference: a scalar answer's mock did not compile
/// (an answer that is a single boolean). Where `value` is no reference, it is lent.
struct ScalarAnswersByReference;

impl VisitMut for ScalarAnswersByReference {
    fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
        let by_value = function.sig.inputs.iter().any(|input| {
            matches!(input, syn::FnArg::Typed(typed)
                if matches!(&*typed.pat, syn::Pat::Ident(i) if i.ident == "value")
                    && !matches!(&*typed.ty, syn::Type::Reference(_) | syn::Type::ImplTrait(_)))
        });
        if by_value {
            LendToJsonBody.visit_block_mut(&mut function.block);
        }
    }
}

/// `.json_body_obj(value)` becomes `.json_body_obj(&value)`.
struct LendToJsonBody;

impl VisitMut for LendToJsonBody {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method == "json_body_obj"
            && let Some(argument) = call.args.first_mut()
            && is_value(argument)
        {
            *argument = parse_quote!(&value);
        }
    }
}
