//! What progenitor ignores and the runtime needs, emitted as Rust items: the servers, the
//! security scheme and, per operation, whether it is anonymous and whether it may be replayed.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::Spec;

/// How the service's single security scheme sends a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    Bearer,
    Header(String),
}

/// Reads the one security scheme a credkit service may have.
pub fn auth_scheme(spec: &Spec) -> Result<AuthScheme, String> {
    let schemes: Vec<(&String, &Value)> = spec
        .doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .collect();
    let [(name, scheme)] = schemes.as_slice() else {
        return Err(format!(
            "expected exactly one security scheme, found {}",
            schemes.len()
        ));
    };
    let kind = scheme.get("type").and_then(Value::as_str);
    let bearer = scheme
        .get("scheme")
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer"));
    match kind {
        Some("http") if bearer => Ok(AuthScheme::Bearer),
        Some("apiKey") if scheme.get("in").and_then(Value::as_str) == Some("header") => {
            match scheme.get("name").and_then(Value::as_str) {
                Some(header) => Ok(AuthScheme::Header(header.to_ascii_lowercase())),
                None => Err(format!("security scheme `{name}` has no header name")),
            }
        }
        _ => Err(format!(
            "security scheme `{name}` is not supported: use http bearer or an apiKey header"
        )),
    }
}

/// `rentri-ca` → `RENTRI_CA`: the prefix of the service's environment variables.
pub fn env_prefix(service: &str) -> String {
    service.to_ascii_uppercase().replace('-', "_")
}

/// Header parameters of an operation whose schema is an `x-credkit-secret` string (directly
/// or through `allOf`), lower-cased: the runtime marks their values sensitive.
fn secret_headers(spec: &Spec, operation: &crate::spec::Operation<'_>) -> Vec<String> {
    let is_secret = |schema: &Value| {
        let referenced = schema
            .get("allOf")
            .and_then(Value::as_array)
            .and_then(|all| all.first())
            .unwrap_or(schema);
        spec.resolve(referenced)
            .is_some_and(|s| s.get("x-credkit-secret").and_then(Value::as_bool) == Some(true))
    };
    [operation.path_item, operation.op]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| spec.resolve(p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("header"))
        .filter(|p| p.get("schema").is_some_and(is_secret))
        .filter_map(|p| {
            p.get("name")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
        })
        .collect()
}

/// The items appended after progenitor's output. Assumes `lint::check` passed.
pub fn emit(spec: &Spec) -> TokenStream {
    let name = &spec.service;
    let title = spec.info_str("title").unwrap_or(name);
    let prefix = env_prefix(name);
    let auth = match auth_scheme(spec).expect("checked by lint") {
        AuthScheme::Bearer => quote!(credkit_runtime::AuthScheme::Bearer),
        AuthScheme::Header(header) => quote!(credkit_runtime::AuthScheme::Header(#header)),
    };
    let servers: Vec<(String, String)> = spec
        .doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| {
            let env = s["x-credkit-environment"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let url = s["url"]
                .as_str()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned();
            (env, url)
        })
        .collect();
    let server_entries = servers.iter().map(|(env, url)| {
        let variant = format_ident!("{}", crate::custom_types::variant_name(env));
        quote!((credkit_runtime::Environment::#variant, #url))
    });
    let server_consts = servers.iter().map(|(env, url)| {
        let constant = format_ident!("{}", env.to_ascii_uppercase());
        let doc = format!("Base URL of the {env} environment.");
        quote!(#[doc = #doc] pub const #constant: &str = #url;)
    });
    let global_security = spec
        .doc
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let operations = spec.operations().into_iter().map(|operation| {
        let id = operation.id().unwrap_or_default();
        let method = operation.method.to_ascii_uppercase();
        let path = operation.path;
        let anonymous = match operation.op.get("security").and_then(Value::as_array) {
            Some(requirements) => requirements.is_empty(),
            None => !global_security,
        };
        let idempotent = operation.op.get("x-credkit-idempotent").and_then(Value::as_bool).unwrap_or(false);
        let secret_headers = secret_headers(spec, &operation);
        quote! {
            credkit_runtime::OperationMeta {
                id: #id, method: #method, path: #path, anonymous: #anonymous, idempotent: #idempotent,
                secret_headers: &[#(#secret_headers),*],
            }
        }
    });
    let follow_redirects = spec
        .doc
        .pointer("/info/x-credkit-follow-redirects")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let error_schema = format_ident!(
        "{}",
        spec.info_str("x-credkit-error-schema")
            .unwrap_or("ProblemDetails")
    );
    let error_doc = format!(
        "The model of {title}'s error bodies; decode one with `error.service_error::<ServiceError>()`."
    );
    quote! {
        /// What credkit knows about this service beyond progenitor's output: its servers, how it
        /// authenticates and, per operation, whether it is anonymous and may be replayed.
        pub const SERVICE: credkit_runtime::ServiceInfo = credkit_runtime::ServiceInfo {
            name: #name,
            title: #title,
            env_prefix: #prefix,
            auth: #auth,
            servers: &[#(#server_entries),*],
            operations: &[#(#operations),*],
            follow_redirects: #follow_redirects,
        };

        /// The base URLs of the service's environments.
        pub mod servers {
            #(#server_consts)*
        }

        #[doc = #error_doc]
        pub type ServiceError = types::#error_schema;

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
                Self::new_with_client(base_url, http, runtime)
            }

            fn runtime(&self) -> &credkit_runtime::Runtime {
                &self.inner
            }
        }
    }
}
