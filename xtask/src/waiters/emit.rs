//! A waiter's generated code, beside its operation's builder (which [`crate::builder`] wrote
//! first): a builder of its own with the same setters, each handing its value to the wrapped
//! operation builder, the bounds of the wait, and a `send` that runs the runtime's poll loop
//! (`credkit_runtime::contract::wait`). The waiter's facts are a static, `waiters::<NAME>`.
//!
//! ```text
//! pub struct WaitUntilThingReady<'a, IdInput = Missing>(GetThing<'a, IdInput>, WaitSettings);
//! impl<'a, IdInput> WaitUntilThingReady<'a, IdInput> {
//!     pub fn id(self, value: impl Input<String>) -> WaitUntilThingReady<'a, Set> {
//!         WaitUntilThingReady(self.0.id(value), self.1)
//!     }
//!     pub fn max_wait(self, max_wait: Duration) -> Self { .. }
//! }
//! impl<'a> WaitUntilThingReady<'a, Set> {
//!     pub async fn send(self) -> Result<Waited<types::Thing>, Error> { .. }
//! }
//! ```

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{
    FnArg, GenericArgument, GenericParam, ImplItem, Item, Pat, PathArguments, ReturnType, Type,
};

use super::Waiter;
use crate::builder::module_items;
use crate::model::Service;
use crate::names;

/// `wait_until_` + the waiter's name: the `Client` method.
pub const CLIENT_METHOD_PREFIX: &str = "wait_until_";

/// Adds each waiter of `service` to the generated `file`: its builder in `builder`, its
/// `Client` method and its static in `waiters`. `Err` names the waiter whose operation's
/// builder did not have the shape this reads.
pub fn emit(file: &mut syn::File, service: &Service) -> Result<(), String> {
    if service.waiters.is_empty() {
        return Ok(());
    }
    let mut statics = Vec::new();
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    let mut constants = Vec::new();
    let builder =
        module_items(file, "builder").ok_or("progenitor output has no `builder` module")?;
    for waiter in &service.waiters {
        let place = |m: String| format!("waiter `{}`: {m}", waiter.name);
        let operation = names::builder_name(&waiter.operation);
        let name = names::type_name(&waiter.method());
        let constant = format_ident!("{}", waiter.name.to_ascii_uppercase());
        let waking = crate::callback_wakes::waking(&service.callbacks, &waiter.name);
        let (tokens, gates) =
            waiter_builder(builder, waiter, &operation, &name, &constant, &waking)
                .map_err(place)?;
        builders.push(tokens);
        statics.push(waiter_static(waiter, &constant, service));
        constants.push(constant.clone());
        let method = format_ident!("{}", waiter.method());
        let ident = format_ident!("{name}");
        let doc = format!(
            "Waits until `{}` of `{}`'s answer is {}: polls it with backoff from {} up to {} between polls, within the client's quota, for at most {} unless `max_wait` says otherwise. {}, as `TimedOut` when the time is up.",
            waiter.member,
            waiter.operation,
            listed(&waiter.success, " or "),
            duration(waiter.first_delay_ms),
            duration(waiter.max_delay_ms),
            duration(waiter.max_wait_ms),
            if waiter.failure.is_empty() {
                "Ends as `Failed` on no state (the spec declares none)".to_owned()
            } else {
                format!("Ends as `Failed` on {}", listed(&waiter.failure, ", "))
            },
        );
        methods.push(quote! {
            #(#gates)*
            #[doc = #doc]
            pub fn #method(&self) -> builder::#ident<'_> {
                builder::#ident::new(self)
            }
        });
    }
    let parsed: syn::File = syn::parse2(quote!(#(#builders)*))
        .map_err(|e| format!("the waiters' builders do not parse: {e}"))?;
    builder.extend(parsed.items);
    let appended: syn::File = syn::parse2(quote! {
        impl Client {
            #(#methods)*
        }

        /// What each waiter reads and waits for (`x-credkit-waiters` in the spec).
        pub mod waiters {
            #(#statics)*

            /// Every waiter of the service, in spec order.
            pub static ALL: &[&credkit_runtime::WaiterSpec] = &[#(&#constants),*];
        }
    })
    .map_err(|e| format!("the waiters' statics do not parse: {e}"))?;
    file.items.extend(appended.items);
    Ok(())
}

fn waiter_static(waiter: &Waiter, constant: &syn::Ident, service: &Service) -> TokenStream {
    let Waiter {
        name,
        member,
        success,
        failure,
        pending,
        first_delay_ms,
        max_delay_ms,
        max_wait_ms,
        ..
    } = waiter;
    let operation = service
        .operations
        .iter()
        .find(|o| o.spec_id == waiter.operation)
        .map_or(String::new(), |o| o.rust_name.clone());
    let doc = format!("The waiter `{name}`: `{member}` of `{operation}`'s answer.");
    quote! {
        #[doc = #doc]
        pub static #constant: credkit_runtime::WaiterSpec = credkit_runtime::WaiterSpec {
            name: #name,
            operation: #operation,
            member: #member,
            success: &[#(#success),*],
            failure: &[#(#failure),*],
            pending: &[#(#pending),*],
            first_delay: ::std::time::Duration::from_millis(#first_delay_ms),
            max_delay: ::std::time::Duration::from_millis(#max_delay_ms),
            max_wait: ::std::time::Duration::from_millis(#max_wait_ms),
        };
    }
}

/// The waiter's builder, from its operation's builder `operation` in the `builder` module; and
/// the `#[cfg]` gates of that builder, which the waiter shares.
fn waiter_builder(
    items: &[Item],
    waiter: &Waiter,
    operation: &str,
    name: &str,
    constant: &syn::Ident,
    waking: &[String],
) -> Result<(TokenStream, Vec<syn::Attribute>), String> {
    let ident = format_ident!("{name}");
    let op = format_ident!("{operation}");
    let Some(structure) = items.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == operation => Some(s),
        _ => None,
    }) else {
        return Err(format!("no builder `{operation}`"));
    };
    let gates: Vec<syn::Attribute> = structure
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect();
    let generics = &structure.generics;
    let arguments: Vec<TokenStream> = generics
        .params
        .iter()
        .map(|param| match param {
            GenericParam::Lifetime(l) => {
                let lifetime = &l.lifetime;
                quote!(#lifetime)
            }
            GenericParam::Type(t) => {
                let t = &t.ident;
                quote!(#t)
            }
            GenericParam::Const(c) => {
                let c = &c.ident;
                quote!(#c)
            }
        })
        .collect();
    let doc = format!(
        "Builder for [`Client::{}`](super::Client::{}): polls [`{operation}`] until `{}` is {}.",
        waiter.method(),
        waiter.method(),
        waiter.member,
        listed(&waiter.success, " or ")
    );
    let mut out = quote! {
        #(#gates)*
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #ident #generics (#op<#(#arguments),*>, credkit_runtime::WaitSettings);
    };
    // Only a waiter some callback wakes (`x-credkit-wakes`) can be woken.
    let woken_by = (!waking.is_empty()).then(|| {
        let waiter_name = &waiter.name;
        let callbacks: Vec<String> = waking.iter().map(|c| format!("`{c}`")).collect();
        let doc = format!(
            "Polls at once, ending the delay, when {} for the resource `key` comes to `hub` (`credkit_runtime::callback`); the polled answer still decides how the wait ends.",
            if callbacks.len() == 1 {
                format!("the callback {}", callbacks[0])
            } else {
                format!("one of the callbacks {}", callbacks.join(", "))
            }
        );
        quote! {
            #[doc = #doc]
            pub fn woken_by(self, hub: &credkit_runtime::CallbackHub, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self(self.0, self.1.woken_by(hub.subscribe(#waiter_name, key)))
            }
        }
    });
    let impl_params: Vec<&GenericParam> = generics.params.iter().collect();
    let bare_params: Vec<TokenStream> = impl_params
        .iter()
        .map(|param| match param {
            GenericParam::Type(t) => {
                let t = &t.ident;
                quote!(#t)
            }
            other => quote!(#other),
        })
        .collect();
    out.extend(quote! {
        #(#gates)*
        impl<#(#bare_params),*> #ident<#(#arguments),*> {
            /// The longest wait in all (the spec's unless set).
            pub fn max_wait(self, max_wait: ::std::time::Duration) -> Self {
                Self(self.0, self.1.max_wait(max_wait))
            }

            /// The wait before the second poll, doubled after each poll.
            pub fn first_delay(self, delay: ::std::time::Duration) -> Self {
                Self(self.0, self.1.first_delay(delay))
            }

            /// The longest wait between two polls.
            pub fn max_delay(self, delay: ::std::time::Duration) -> Self {
                Self(self.0, self.1.max_delay(delay))
            }

            /// Calls `observer` after each poll, with the state it saw and the next delay.
            pub fn on_poll(self, observer: impl Fn(&credkit_runtime::Poll) + Send + Sync + 'static) -> Self {
                Self(self.0, self.1.on_poll(observer))
            }

            #woken_by
        }
    });
    let accessor = accessor(waiter);
    for item in items {
        let Item::Impl(block) = item else { continue };
        let Type::Path(self_type) = block.self_ty.as_ref() else {
            continue;
        };
        let of_operation = self_type
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == operation);
        if block.trait_.is_some() || !of_operation {
            continue;
        }
        let mut renamed_self = self_type.clone();
        if let Some(last) = renamed_self.path.segments.last_mut() {
            last.ident = ident.clone();
        }
        let impl_generics = &block.generics;
        let mut methods = Vec::new();
        for member in &block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let method = &function.sig.ident;
            if method == "new" {
                methods.push(quote! {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self(#op::new(client), credkit_runtime::WaitSettings::new(&super::waiters::#constant))
                    }
                });
            } else if method == "send" {
                let answer = sent_type(&function.sig.output)
                    .ok_or("its operation's `send` does not return `Sent<T>`")?;
                methods.push(quote! {
                    /// Polls until the state is a success or a failure, or the time is up;
                    /// an error only for what is not a normal end (an error answer other than
                    /// `429` and `503`, a network failure).
                    pub async fn send(self) -> Result<credkit_runtime::Waited<#answer>, credkit_runtime::Error> {
                        let poll = self.0;
                        credkit_runtime::contract::wait(
                            &super::waiters::#constant,
                            self.1,
                            move || poll.clone().send(),
                            |answer: &#answer| #accessor,
                        )
                        .await
                    }
                });
            } else if matches!(function.sig.inputs.first(), Some(FnArg::Receiver(_))) {
                let mut signature = function.sig.clone();
                let returns_self = matches!(&signature.output, ReturnType::Type(_, t) if matches!(t.as_ref(), Type::Path(p) if p.path.is_ident("Self")));
                if let ReturnType::Type(_, returned) = &mut signature.output
                    && let Type::Path(path) = returned.as_mut()
                    && let Some(last) = path.path.segments.last_mut()
                    && last.ident == operation
                {
                    last.ident = ident.clone();
                }
                let forwarded: Vec<TokenStream> = signature
                    .inputs
                    .iter()
                    .filter_map(|input| match input {
                        FnArg::Typed(typed) => match typed.pat.as_ref() {
                            Pat::Ident(p) => {
                                let p = &p.ident;
                                Some(quote!(#p))
                            }
                            _ => None,
                        },
                        FnArg::Receiver(_) => None,
                    })
                    .collect();
                let docs = function
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("doc") || a.path().is_ident("cfg"));
                let constructor = if returns_self {
                    quote!(Self)
                } else {
                    quote!(#ident)
                };
                methods.push(quote! {
                    #(#docs)*
                    pub #signature {
                        #constructor(self.0.#method(#(#forwarded),*), self.1)
                    }
                });
            }
        }
        out.extend(quote! {
            #(#gates)*
            impl #impl_generics #renamed_self {
                #(#methods)*
            }
        });
    }
    Ok((out, gates))
}

/// `T` of `Sent<T>`.
fn sent_type(output: &ReturnType) -> Option<&Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(path) = ty.as_ref() else {
        return None;
    };
    let last = path.path.segments.last().filter(|s| s.ident == "Sent")?;
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first() {
        Some(GenericArgument::Type(t)) => Some(t),
        _ => None,
    }
}

/// The expression reading the state from `answer` along the waiter's steps, as an
/// `Option<String>`: `answer.data.as_ref().and_then(|data| data.stato.as_ref()).map(..)`.
fn accessor(waiter: &Waiter) -> TokenStream {
    let mut steps = waiter.steps.iter();
    let mut expression = match steps.next() {
        Some(first) => {
            let field = format_ident!("{}", first.field);
            match first.optional {
                true => quote!(answer.#field.as_ref()),
                false => quote!(Some(&answer.#field)),
            }
        }
        None => quote!(Some(answer)),
    };
    for step in steps {
        let field = format_ident!("{}", step.field);
        expression = if step.optional {
            quote!(#expression.and_then(|member| member.#field.as_ref()))
        } else {
            quote!(#expression.map(|member| &member.#field))
        };
    }
    quote!(#expression.map(::std::string::ToString::to_string))
}

/// `a`, `b`: states as code, in documentation.
fn listed(states: &[String], separator: &str) -> String {
    let quoted: Vec<String> = states.iter().map(|s| format!("`{s}`")).collect();
    quoted.join(separator)
}

/// `5 s`, `15 min`, `24 h`, `500 ms`: a spec's duration as it reads best.
fn duration(ms: u64) -> String {
    match ms {
        ms if ms % 3_600_000 == 0 => format!("{} h", ms / 3_600_000),
        ms if ms % 60_000 == 0 => format!("{} min", ms / 60_000),
        ms if ms % 1_000 == 0 => format!("{} s", ms / 1_000),
        ms => format!("{ms} ms"),
    }
}
