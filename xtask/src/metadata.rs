//! What progenitor ignores and the runtime needs, emitted as Rust items: the servers, the
//! security scheme and, per operation, whether it is anonymous and whether it may be replayed.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{AuthScheme, RateLimit, Service};

/// The items appended after progenitor's output.
pub fn emit(service: &Service) -> TokenStream {
    let name = &service.name;
    let title = &service.title;
    let prefix = service.env_prefix();
    let auth = match &service.auth {
        AuthScheme::Bearer => quote!(credkit_runtime::AuthScheme::Bearer),
        AuthScheme::Header(header) => quote!(credkit_runtime::AuthScheme::Header(#header)),
        AuthScheme::Basic => quote!(credkit_runtime::AuthScheme::Basic),
        AuthScheme::Query(name) => quote!(credkit_runtime::AuthScheme::Query(#name)),
        AuthScheme::Cookie(name) => quote!(credkit_runtime::AuthScheme::Cookie(#name)),
        AuthScheme::None => quote!(credkit_runtime::AuthScheme::None),
    };
    let server_entries = service.servers.iter().map(|server| {
        let variant = format_ident!("{}", server.environment.variant());
        let url = &server.url;
        quote!((credkit_runtime::Environment::#variant, #url))
    });
    let server_consts = service.servers.iter().map(|server| {
        let env = server.environment.as_str();
        let constant = format_ident!("{}", env.to_ascii_uppercase());
        let url = &server.url;
        let doc = format!("Base URL of the {env} environment.");
        quote!(#[doc = #doc] pub const #constant: &str = #url;)
    });
    // One call chain per operation: `new(id, method, path)`, then only what differs from the
    // defaults.
    let operations = service.operations.iter().map(|operation| {
        let id = &operation.rust_name;
        let method = &operation.method;
        let path = &operation.path;
        let anonymous = operation.anonymous.then(|| quote!(.anonymous()));
        let idempotent = operation.idempotent.then(|| quote!(.idempotent()));
        let secret_headers = operation.secret_headers();
        let secret_headers =
            (!secret_headers.is_empty()).then(|| quote!(.secret_headers(&[#(#secret_headers),*])));
        let rate_limit = operation.rate_limit.map(|limit| {
            let quota = quota_value(limit);
            quote!(.rate_limit(#quota))
        });
        let limits = crate::limits::emit(&operation.limits);
        quote! {
            credkit_runtime::OperationMeta::new(#id, #method, #path)
                #anonymous #idempotent #secret_headers #rate_limit #limits
        }
    });
    let rate_limit = quota(service.rate_limit);
    let follow_redirects = service.follow_redirects;
    let credential_headers = service.credential_headers();
    let error_type = match &service.error_schema {
        Some(schema) => {
            let name = format_ident!("{}", schema.rust);
            quote!(types::#name)
        }
        None => quote!(::serde_json::Value),
    };
    let error_doc = format!(
        "The model of {title}'s error bodies; decode one with `error.service_error::<ServiceError>()`."
    );
    let callbacks = (!service.callbacks.is_empty()).then(|| {
        let functions = service.callbacks.iter().map(|callback| {
            let function = format_ident!("{}", callback.rust_name);
            let payload = format_ident!("{}", callback.payload.rust);
            let summary = if callback.summary.is_empty() {
                String::new()
            } else {
                format!(" ({})", callback.summary.trim_end_matches('.'))
            };
            let (name, method, url) = (&callback.name, &callback.method, &callback.url);
            let doc = match &callback.operation {
                Some(operation) => format!(
                    "The body of the `{name}` callback of `{operation}`: the `{method} {url}` request {title} sends to your URL{summary}. Parses it from the bytes your server received."
                ),
                None => format!(
                    "The body of the `{name}` webhook: the `{method}` request {title} sends to the URL you registered with it{summary}. Parses it from the bytes your server received."
                ),
            };
            let wakes = (!callback.wakes.is_empty()).then(|| {
                let wakes = format_ident!("{}", crate::callback_wakes::function(callback));
                let links = callback.wakes.iter().map(|wake| {
                    let (waiter, member) = (&wake.waiter, &wake.member);
                    quote!((#waiter, #member))
                });
                let waiters: Vec<String> =
                    callback.wakes.iter().map(|w| format!("`{}`", w.waiter)).collect();
                let doc = format!(
                    "Which pending waiters a `{name}` payload wakes ({}), each with the key it holds: the body read as [`{function}`] reads it; why it is refused. `ROUTES` takes it to `credkit_runtime::callback::receiver`.",
                    waiters.join(", ")
                );
                quote! {
                    #[doc = #doc]
                    pub fn #wakes(body: &[u8]) -> credkit_runtime::callback::Woken {
                        let payload = #function(body).map_err(|e| e.to_string())?;
                        let value = ::serde_json::to_value(&payload).map_err(|e| e.to_string())?;
                        Ok(credkit_runtime::contract::woken(&value, &[#(#links),*]))
                    }
                }
            });
            quote! {
                #[doc = #doc]
                pub fn #function(body: &[u8]) -> ::std::result::Result<super::types::#payload, ::serde_json::Error> {
                    ::serde_json::from_slice(body)
                }
                #wakes
            }
        });
        let routes = service.callbacks.iter().filter(|c| !c.wakes.is_empty()).map(|callback| {
            let name = &callback.name;
            let path = crate::callback_wakes::route_path(callback);
            let wakes = format_ident!("{}", crate::callback_wakes::function(callback));
            quote!(credkit_runtime::CallbackRoute { name: #name, path: #path, wakes: #wakes })
        });
        let routes = service.callbacks.iter().any(|c| !c.wakes.is_empty()).then(|| {
            quote! {
                /// The callbacks that wake waiters (`x-credkit-wakes`), for
                /// `credkit_runtime::callback::receiver` (feature `axum`) or a server of yours.
                pub static ROUTES: &[credkit_runtime::CallbackRoute] = &[#(#routes),*];
            }
        });
        quote! {
            /// The requests the service sends to URLs of yours (the spec's callbacks and
            /// webhooks): the type of each body and a function that parses it, for the server
            /// that receives them.
            pub mod callbacks {
                #(#functions)*
                #routes
            }
        }
    });
    quote! {
        #callbacks

        /// What credkit knows about this service beyond progenitor's output: its servers, how it
        /// authenticates, its quota and, per operation, whether it is anonymous and may be
        /// replayed.
        pub const SERVICE: credkit_runtime::ServiceInfo = credkit_runtime::ServiceInfo {
            name: #name,
            title: #title,
            env_prefix: #prefix,
            auth: #auth,
            servers: &[#(#server_entries),*],
            operations: &[#(#operations),*],
            credential_headers: &[#(#credential_headers),*],
            follow_redirects: #follow_redirects,
            rate_limit: #rate_limit,
        };

        /// The base URLs of the service's environments.
        pub mod servers {
            #(#server_consts)*
        }

        #[doc = #error_doc]
        pub type ServiceError = #error_type;

        impl Client {
            /// A builder for this client: environment or base URL, credentials, timeouts,
            /// retries (see `credkit_runtime::ClientBuilder`).
            pub fn builder() -> credkit_runtime::ClientBuilder<Self> {
                credkit_runtime::ClientBuilder::new()
            }
        }

        impl credkit_runtime::GeneratedClient for Client {
            const SERVICE: &'static credkit_runtime::ServiceInfo = &SERVICE;

            fn from_parts(base_url: &str, http: reqwest::Client, runtime: credkit_runtime::Runtime) -> Self {
                Self { baseurl: base_url.to_owned(), client: http, inner: runtime }
            }

            fn runtime(&self) -> &credkit_runtime::Runtime {
                &self.inner
            }
        }
    }
}

/// `x-credkit-rate-limit` as a `credkit_runtime::Quota`, or `None`.
fn quota(rate_limit: Option<RateLimit>) -> TokenStream {
    match rate_limit {
        Some(limit) => {
            let quota = quota_value(limit);
            quote!(Some(#quota))
        }
        None => quote!(None),
    }
}

/// A `credkit_runtime::Quota` literal.
fn quota_value(limit: RateLimit) -> TokenStream {
    let RateLimit {
        requests,
        period_ms,
        penalty_ms,
        scope,
    } = limit;
    let scope = format_ident!("{}", scope.variant());
    let requests = proc_macro2::Literal::u32_unsuffixed(requests);
    let period_ms = proc_macro2::Literal::u64_unsuffixed(period_ms);
    let penalty_ms = proc_macro2::Literal::u64_unsuffixed(penalty_ms);
    quote! {
        credkit_runtime::Quota {
            requests: #requests,
            period: ::std::time::Duration::from_millis(#period_ms),
            penalty: ::std::time::Duration::from_millis(#penalty_ms),
            scope: credkit_runtime::QuotaScope::#scope,
        }
    }
}
