//! Routes progenitor's generated `send` methods through the credkit runtime.
//!
//! In each builder's `send`, progenitor writes (0.15):
//!
//! ```text
//! client.pre(&mut request, &info).await?;
//! let result = client.exec(request, &info).await;
//! client.post(&result, &info).await?;
//! let response = result?;
//! match response.status().as_u16() {
//!     200u16 => ResponseValue::from_response(response).await,
//!     _ => Err(Error::UnexpectedResponse(response)),
//! }
//! ```
//!
//! This pass makes it:
//!
//! ```text
//! let result = client.inner.execute(&client.client, request, &info).await;
//! let response = result?;
//! match response.status().as_u16() {
//!     200u16 => credkit_runtime::contract::json_response(response).await,
//!     _ => Err(credkit_runtime::contract::error_from_response(response).await),
//! }
//! ```
//!
//! It also drops the `api-version` header progenitor adds for Dropshot servers (and the header
//! map it was built in, when no header parameter remains), and the return type becomes
//! `Result<ResponseValue<T>, credkit_runtime::Error>`: one place for
//! credentials, retries and tracing, and errors that keep status, headers and body. Every
//! pattern must be found exactly once per `send`; if a progenitor upgrade changes its output,
//! generation stops and names the operation instead of emitting half-rewritten code.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{
    Expr, GenericArgument, ImplItem, Item, PathArguments, ReturnType, Stmt, Type, WherePredicate,
    parse_quote,
};

use crate::model::Service;

/// Rewrites every `send` in progenitor's `builder` module; `Err` names what did not match.
///
/// The service's secret newtypes (`crate::generated::types::Pin`) print `<redacted>`, so where
/// progenitor writes a path or header parameter with `.to_string()`, the value is taken with
/// `.expose()` instead.
///
/// The success member (`info.x-credkit-success-member`) names the flag of an envelope whose
/// `false` means the service refused the call: such a body becomes an error, not a value.
/// The flag is read from the typed answer (`|answer: &T| answer.success == Some(false)`, for a
/// required or optional flag), so that the body is parsed once; every JSON answer type must
/// have it as a field.
///
/// An operation with bodiless success statuses beside its JSON one answers
/// `ResponseValue<Option<T>>`, `None` for those statuses.
pub fn route_through_runtime(file: &mut syn::File, service: &Service) -> Result<usize, String> {
    let secret_types = service.secret_type_paths();
    let success_member = service.success_member.as_deref();
    let empty_successes: BTreeMap<&str, &[u16]> = service
        .operations
        .iter()
        .filter(|op| !op.success.empty_alternatives().is_empty())
        .map(|op| (op.rust_name.as_str(), op.success.empty_alternatives()))
        .collect();
    let flagged = match success_member {
        Some(member) => structs_with_field(file, member),
        None => Default::default(),
    };
    let builder = module_items(file, "builder")
        .ok_or("progenitor output has no `builder` module (is the builder interface selected?)")?;
    let secret_fields = secret_fields(builder, &secret_types);
    let mut rewritten = 0;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let owner = block.self_ty.to_token_stream().to_string().replace(' ', "");
        let owner_name = owner.split('<').next().unwrap_or_default().to_owned();
        for member in block.items.iter_mut() {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            if function.sig.ident != "send" {
                continue;
            }
            rewrite_return_type(&mut function.sig.output)
                .map_err(|m| format!("{owner}::send: {m}"))?;
            let success_flag = match success_member {
                Some(member) => Some(
                    success_flag(&function.sig.output, member, &flagged)
                        .map_err(|m| format!("{owner}::send: {m}"))?,
                ),
                None => None,
            };
            let mut pass = SendRewrite {
                secret_fields: secret_fields.get(&owner_name).cloned().unwrap_or_default(),
                success_flag,
                ..SendRewrite::default()
            };
            function
                .block
                .stmts
                .retain(|stmt| !pass.is_hook_call(stmt) && !pass.is_api_version_header(stmt));
            pass.drop_empty_header_map(&mut function.block);
            pass.visit_block_mut(&mut function.block);
            pass.verify().map_err(|m| format!("{owner}::send: {m}"))?;
            if let Some(codes) = operation_id(&function.block)
                .and_then(|id| empty_successes.get(id.as_str()).copied())
            {
                answer_optionally(function, codes).map_err(|m| format!("{owner}::send: {m}"))?;
            }
            rewritten += 1;
        }
    }
    if rewritten == 0 {
        return Err("no `send` method found in progenitor's builder module".into());
    }
    Ok(rewritten)
}

/// The names of the structs of the `types` module that have a field `field`.
fn structs_with_field(file: &mut syn::File, field: &str) -> std::collections::BTreeSet<String> {
    module_items(file, "types")
        .map(|items| {
            items
                .iter()
                .filter_map(|item| match item {
                    Item::Struct(s)
                        if s.fields
                            .iter()
                            .any(|f| f.ident.as_ref().is_some_and(|i| i == field)) =>
                    {
                        Some(s.ident.to_string())
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// For a service whose envelopes carry a success flag: the member's name, and the type `T` of
/// `Result<ResponseValue<T>, _>`, which must have the member as a field (checked, since the
/// generated code reads it). Answers without a JSON body (`()`, `ByteStream`) never read it.
fn success_flag(
    output: &ReturnType,
    member: &str,
    flagged: &std::collections::BTreeSet<String>,
) -> Result<SuccessFlag, String> {
    let field = syn::parse_str::<syn::Ident>(member)
        .map_err(|_| format!("the success member `{member}` is not a Rust field name"))?;
    let answer = answer_type(output).ok_or(
        "the return type is not `Result<ResponseValue<T>, _>`: progenitor's output changed shape",
    )?;
    let name = answer.to_token_stream().to_string().replace(' ', "");
    let last = name.rsplit("::").next().unwrap_or_default();
    if !matches!(last, "()" | "ByteStream") && !flagged.contains(last) {
        return Err(format!(
            "the answer type `{name}` has no field `{member}` (x-credkit-success-member)"
        ));
    }
    Ok(SuccessFlag {
        member: member.to_owned(),
        field,
        answer,
    })
}

/// `T` in `Result<ResponseValue<T>, _>`.
fn answer_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(result) = ty.as_ref() else {
        return None;
    };
    let PathArguments::AngleBracketed(arguments) = &result.path.segments.last()?.arguments else {
        return None;
    };
    let Some(GenericArgument::Type(Type::Path(value))) = arguments.args.first() else {
        return None;
    };
    let PathArguments::AngleBracketed(arguments) = &value.path.segments.last()?.arguments else {
        return None;
    };
    match arguments.args.first()? {
        GenericArgument::Type(answer) => Some(answer.clone()),
        _ => None,
    }
}

/// The items of one of progenitor's inline modules (`builder`, `types`).
pub fn module_items<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// progenitor's parameter setters drop the conversion error (`"conversion to `Pin` for pin
/// failed"`), losing the reason a value was refused ("Pin must be at least 6 characters").
/// This pass keeps it: the setter requires the conversion error to be `Display` (every error
/// type is) and reports `invalid pin: <reason>`.
pub fn explain_conversion_failures(file: &mut syn::File) -> usize {
    let Some(items) = module_items(file, "builder") else {
        return 0;
    };
    let mut rewritten = 0;
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        for member in block.items.iter_mut() {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let target = function
                .sig
                .generics
                .where_clause
                .as_ref()
                .and_then(|clause| {
                    clause
                        .predicates
                        .iter()
                        .find_map(|predicate| match predicate {
                            WherePredicate::Type(bound)
                                if bound.bounded_ty.to_token_stream().to_string() == "V" =>
                            {
                                bound.bounds.iter().find_map(|b| {
                                    let text = b.to_token_stream().to_string();
                                    text.contains("TryInto").then(|| b.clone())
                                })
                            }
                            _ => None,
                        })
                });
            let Some(try_into) = target else { continue };
            let mut pass = ConversionMessage::default();
            pass.visit_block_mut(&mut function.block);
            if pass.rewritten == 1 {
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
    }
    rewritten
}

#[derive(Default)]
struct ConversionMessage {
    rewritten: usize,
}

impl VisitMut for ConversionMessage {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "map_err"
            && let Some(Expr::Closure(closure)) = call.args.first()
        {
            let body = closure.body.to_token_stream().to_string();
            if let Some(field) = body
                .split(" for ")
                .nth(1)
                .and_then(|rest| rest.split(" failed").next())
                .filter(|_| body.contains("conversion to"))
            {
                let message = format!("invalid {field}: {{}}");
                call.args[0] = parse_quote!(|e| format!(#message, e));
                self.rewritten += 1;
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

fn rewrite_return_type(output: &mut ReturnType) -> Result<(), String> {
    let ReturnType::Type(_, ty) = output else {
        return Err("no return type".into());
    };
    let Type::Path(path) = ty.as_mut() else {
        return Err("return type is not a path".into());
    };
    let last = path.path.segments.last_mut().ok_or("empty return type")?;
    if last.ident != "Result" {
        return Err(format!(
            "return type is `{}`, expected `Result<ResponseValue<_>, Error<_>>`",
            last.ident
        ));
    }
    let PathArguments::AngleBracketed(arguments) = &mut last.arguments else {
        return Err("`Result` without type arguments".into());
    };
    match arguments.args.iter_mut().nth(1) {
        Some(GenericArgument::Type(error)) => {
            *error = parse_quote!(credkit_runtime::Error);
            Ok(())
        }
        _ => Err("`Result` has no error type".into()),
    }
}

/// The `operation_id` progenitor writes into a `send` body (`OperationInfo { operation_id: ".." }`).
fn operation_id(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
            if node
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "OperationInfo")
            {
                for field in &node.fields {
                    if let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(id),
                        ..
                    }) = &field.expr
                    {
                        self.0 = Some(id.value());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, node);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// Makes a `send` answer `ResponseValue<Option<T>>`: `Some` from its JSON arm, `None` for the
/// bodiless success `codes`, added as arms of the status match.
fn answer_optionally(function: &mut syn::ImplItemFn, codes: &[u16]) -> Result<(), String> {
    let ReturnType::Type(_, ty) = &mut function.sig.output else {
        return Err("no return type".into());
    };
    let Type::Path(result) = ty.as_mut() else {
        return Err("return type is not a path".into());
    };
    let PathArguments::AngleBracketed(arguments) = &mut result
        .path
        .segments
        .last_mut()
        .ok_or("empty type")?
        .arguments
    else {
        return Err("`Result` without type arguments".into());
    };
    let Some(GenericArgument::Type(Type::Path(value))) = arguments.args.first_mut() else {
        return Err("no success type".into());
    };
    let PathArguments::AngleBracketed(inner) = &mut value
        .path
        .segments
        .last_mut()
        .ok_or("empty type")?
        .arguments
    else {
        return Err("`ResponseValue` without its type argument".into());
    };
    let Some(GenericArgument::Type(answer)) = inner.args.first_mut() else {
        return Err("no answer type".into());
    };
    *answer = parse_quote!(::std::option::Option<#answer>);

    let Some(Stmt::Expr(Expr::Match(status_match), None)) = function.block.stmts.last_mut() else {
        return Err("the body does not end with the status match".into());
    };
    let json_arm = status_match
        .arms
        .iter_mut()
        .find(|arm| {
            arm.body
                .to_token_stream()
                .to_string()
                .contains("json_response")
        })
        .ok_or("no JSON arm in the status match")?;
    let body = json_arm.body.clone();
    json_arm.body = parse_quote!(credkit_runtime::contract::present(#body));
    let fallback = status_match.arms.len() - 1;
    for code in codes {
        let literal = syn::LitInt::new(&format!("{code}u16"), proc_macro2::Span::call_site());
        status_match.arms.insert(
            fallback,
            parse_quote!(#literal => credkit_runtime::contract::absent(response),),
        );
    }
    Ok(())
}

/// Per builder struct, the fields whose type is a secret newtype.
fn secret_fields(
    items: &[Item],
    secret_types: &[String],
) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut fields = std::collections::BTreeMap::new();
    for item in items {
        let Item::Struct(s) = item else { continue };
        let secret: Vec<String> = s
            .fields
            .iter()
            .filter(|f| {
                let ty = f.ty.to_token_stream().to_string().replace(' ', "");
                secret_types
                    .iter()
                    .any(|t| ty.contains(&t.replace(' ', "")))
            })
            .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
            .collect();
        if !secret.is_empty() {
            fields.insert(s.ident.to_string(), secret);
        }
    }
    fields
}

/// How a `send` reads the success flag of its answer.
#[derive(Clone)]
struct SuccessFlag {
    /// The member's JSON name.
    member: String,
    /// The same, as the field of the answer type.
    field: syn::Ident,
    /// The answer type `T` of `ResponseValue<T>` (read only where the answer is JSON).
    answer: Type,
}

#[derive(Default)]
struct SendRewrite {
    secret_fields: Vec<String>,
    success_flag: Option<SuccessFlag>,
    hooks_removed: usize,
    api_version_removed: usize,
    /// No header is added to `header_map` any more: `.headers(header_map)` goes too.
    header_map_dropped: bool,
    exec: usize,
    unexpected: usize,
    unknown_error_responses: usize,
    unparsable_format: Option<String>,
}

fn path_ends_with(expr: &Expr, tail: &[&str]) -> bool {
    let Expr::Path(path) = expr else { return false };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.len() >= tail.len()
        && segments[segments.len() - tail.len()..]
            .iter()
            .zip(tail)
            .all(|(a, b)| a == b)
}

fn is_client(expr: &Expr) -> bool {
    path_ends_with(expr, &["client"])
}

impl SendRewrite {
    /// `client.pre(..).await?;` and `client.post(..).await?;`: the runtime does their work.
    fn is_hook_call(&mut self, stmt: &Stmt) -> bool {
        let Stmt::Expr(Expr::Try(attempt), Some(_)) = stmt else {
            return false;
        };
        let Expr::Await(awaited) = attempt.expr.as_ref() else {
            return false;
        };
        let Expr::MethodCall(call) = awaited.base.as_ref() else {
            return false;
        };
        let hook = (call.method == "pre" || call.method == "post") && is_client(&call.receiver);
        if hook {
            self.hooks_removed += 1;
        }
        hook
    }

    /// `header_map.append(HeaderName::from_static("api-version"), ..);`: progenitor's header
    /// for Dropshot servers, which none of our services knows; building and merging it cost
    /// every call about as much as the rest of the runtime's bookkeeping.
    fn is_api_version_header(&mut self, stmt: &Stmt) -> bool {
        let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
            return false;
        };
        let api_version = call.method == "append"
            && path_ends_with(&call.receiver, &["header_map"])
            && call.args.first().is_some_and(|name| {
                name.to_token_stream().to_string().replace(' ', "")
                    == r#"::reqwest::header::HeaderName::from_static("api-version")"#
            });
        if api_version {
            self.api_version_removed += 1;
        }
        api_version
    }

    /// Without the `api-version` header, an operation without header parameters builds an
    /// empty `header_map`: its `let` goes, and the visitor drops `.headers(header_map)`.
    fn drop_empty_header_map(&mut self, block: &mut syn::Block) {
        let tokens = |stmt: &Stmt| stmt.to_token_stream().to_string();
        if block
            .stmts
            .iter()
            .any(|stmt| tokens(stmt).contains("header_map . append"))
        {
            return;
        }
        let before = block.stmts.len();
        block.stmts.retain(|stmt| {
            !matches!(stmt, Stmt::Local(local)
                if local.pat.to_token_stream().to_string() == "mut header_map")
        });
        self.header_map_dropped = block.stmts.len() < before;
    }

    fn verify(&self) -> Result<(), String> {
        let found = [
            ("client.pre/post hook calls", self.hooks_removed, 2),
            ("api-version header", self.api_version_removed, 1),
            ("client.exec call", self.exec, 1),
            ("Error::UnexpectedResponse fallback", self.unexpected, 1),
        ];
        for (what, count, expected) in found {
            if count != expected {
                return Err(format!(
                    "found {count} {what}, expected {expected}: progenitor's output changed shape"
                ));
            }
        }
        if let Some(error) = &self.unparsable_format {
            return Err(format!("cannot read the arguments of a `format!`: {error}"));
        }
        if self.unknown_error_responses > 0 {
            return Err("progenitor decodes an error response itself; error responses should have been removed".into());
        }
        Ok(())
    }

    /// In the URL's `format!`, progenitor writes each path parameter as
    /// `encode_path(&credentials_id.to_string())`. It becomes
    /// `credkit_runtime::contract::path_segment("credentials_id", &credentials_id.to_string())?`, which
    /// also encodes `\` and refuses `.` and `..`, so that no id can change the path. The macro's
    /// arguments are parsed as expressions so that the other rewrites (secrets) reach them too.
    fn encode_path_segments(&mut self, mac: &mut syn::Macro) -> syn::Result<()> {
        let mut arguments = mac.parse_body_with(
            syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
        )?;
        for argument in arguments.iter_mut() {
            self.visit_expr_mut(argument);
            let Expr::Call(call) = argument else { continue };
            if !path_ends_with(&call.func, &["encode_path"]) || call.args.len() != 1 {
                continue;
            }
            let value = call.args[0].clone();
            let name = parameter_name(&value);
            *argument = parse_quote!(credkit_runtime::contract::path_segment(#name, #value)?);
        }
        mac.tokens = arguments.to_token_stream();
        Ok(())
    }
}

/// `credentials_id` in `&credentials_id.to_string()` (or `.expose().to_string()`).
fn parameter_name(value: &Expr) -> String {
    let mut expr = value;
    loop {
        match expr {
            Expr::Reference(r) => expr = &r.expr,
            Expr::MethodCall(call) => expr = &call.receiver,
            Expr::Path(path) => {
                if let Some(segment) = path.path.segments.last() {
                    return segment.ident.to_string();
                }
                return "path parameter".to_owned();
            }
            _ => return "path parameter".to_owned(),
        }
    }
}

impl VisitMut for SendRewrite {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::MethodCall(call)
                if call.method == "to_string"
                    && self
                        .secret_fields
                        .iter()
                        .any(|f| path_ends_with(&call.receiver, &[f.as_str()])) =>
            {
                let receiver = call.receiver.clone();
                *expr = parse_quote!(#receiver.expose().to_string());
                return;
            }
            Expr::MethodCall(call)
                if self.header_map_dropped
                    && call.method == "headers"
                    && call.args.len() == 1
                    && path_ends_with(&call.args[0], &["header_map"]) =>
            {
                *expr = (*call.receiver).clone();
                self.visit_expr_mut(expr);
                return;
            }
            Expr::MethodCall(call) if call.method == "exec" && is_client(&call.receiver) => {
                let arguments = call.args.clone();
                self.exec += 1;
                *expr = parse_quote!(client.inner.execute(&client.client, #arguments));
                return;
            }
            Expr::Call(call) if path_ends_with(&call.func, &["ResponseValue", "from_response"]) => {
                let arguments = call.args.clone();
                *expr = match &self.success_flag {
                    Some(SuccessFlag {
                        member,
                        field,
                        answer,
                    }) => parse_quote!(credkit_runtime::contract::json_response_refusable(
                        #arguments,
                        #member,
                        |answer: &#answer| Option::<bool>::from(answer.#field) == Some(false),
                    )),
                    None => parse_quote!(credkit_runtime::contract::json_response(#arguments)),
                };
                return;
            }
            Expr::Call(call) if path_ends_with(&call.func, &["Err"]) && call.args.len() == 1 => {
                if let Some(Expr::Call(inner)) = call.args.first()
                    && path_ends_with(&inner.func, &["Error", "UnexpectedResponse"])
                {
                    let arguments = inner.args.clone();
                    self.unexpected += 1;
                    *expr = parse_quote!(Err(credkit_runtime::contract::error_from_response(#arguments).await));
                    return;
                }
            }
            Expr::Macro(m) if m.mac.path.is_ident("format") => {
                if let Err(error) = self.encode_path_segments(&mut m.mac) {
                    self.unparsable_format = Some(error.to_string());
                }
                return;
            }
            Expr::Path(_) if path_ends_with(expr, &["Error", "ErrorResponse"]) => {
                self.unknown_error_responses += 1;
            }
            _ => {}
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}
