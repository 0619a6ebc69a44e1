//! The service's security schemes: how its token is sent (the scheme its security requirements
//! name first) and the header of every apiKey scheme, which is a credential header whichever
//! scheme a caller uses.
//!
//! Each kind OpenAPI declares is a way the runtime sends a credential: http `bearer`, and
//! `oauth2` and `openIdConnect` as a bearer token the caller obtained; http `basic`; `apiKey` in
//! a header, the query or a cookie. A spec without any scheme is anonymous. Alternatives
//! (`security: [A, B]`), combinations (`[{A, B}]`) and per-operation requirements name schemes
//! the caller sends through `credkit_runtime::Auth` (`Auth::basic`, `Auth::all`, ...); the
//! first one named is the one `ClientBuilder::token` fills.

use serde_json::Value;

use crate::model::{AuthScheme, pointer_segment, str_of};
use crate::spec::Spec;

/// The scheme `token()` fills and every apiKey header, or the problems `(place, message)`.
pub(super) struct Security {
    pub primary: AuthScheme,
    /// Every scheme the spec declares, the primary included, in the spec's order.
    pub declared: Vec<AuthScheme>,
}

pub(super) fn security(spec: &Spec) -> Result<Security, Vec<(String, String)>> {
    let schemes: Vec<(&String, &Value)> = spec
        .doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .collect();
    let Some(first) = first_named(spec).or_else(|| schemes.first().map(|(name, _)| name.as_str()))
    else {
        return Ok(Security {
            primary: AuthScheme::None,
            declared: Vec::new(),
        });
    };
    let mut declared = Vec::new();
    let mut problems = Vec::new();
    let mut primary = None;
    for (name, scheme) in &schemes {
        let scheme = spec.resolve(scheme).unwrap_or(scheme);
        match kind(name, scheme) {
            Ok(auth) => {
                if name.as_str() == first {
                    primary = Some(auth.clone());
                }
                declared.push(auth);
            }
            // A scheme the caller never has to use is left to `Auth::custom`.
            Err(message) if name.as_str() == first => problems.push((
                format!("/components/securitySchemes/{}", pointer_segment(name)),
                message,
            )),
            Err(_) => {}
        }
    }
    match primary {
        Some(primary) if problems.is_empty() => Ok(Security { primary, declared }),
        _ => Err(problems),
    }
}

/// The first scheme a security requirement names: the spec's, else an operation's.
fn first_named(spec: &Spec) -> Option<&str> {
    let operations = spec.operations();
    std::iter::once(spec.doc.get("security"))
        .chain(operations.iter().map(|o| o.op.get("security")))
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.keys())
        .find(|name| {
            spec.doc
                .pointer(&format!(
                    "/components/securitySchemes/{}",
                    pointer_segment(name)
                ))
                .is_some()
        })
        .map(String::as_str)
}

/// How one scheme sends its credential.
fn kind(name: &str, scheme: &Value) -> Result<AuthScheme, String> {
    let http_scheme = str_of(scheme, "scheme").map(str::to_ascii_lowercase);
    match (str_of(scheme, "type"), http_scheme.as_deref()) {
        (Some("http"), Some("bearer")) | (Some("oauth2" | "openIdConnect"), _) => {
            Ok(AuthScheme::Bearer)
        }
        (Some("http"), Some("basic")) => Ok(AuthScheme::Basic),
        (Some("apiKey"), _) => {
            let Some(key) = str_of(scheme, "name") else {
                return Err(format!("security scheme `{name}` has no `name`"));
            };
            match str_of(scheme, "in") {
                Some("header") if !super::is_header_name(key) => Err(format!(
                    "security scheme `{name}`: {key:?} is not a header name (letters, digits and !#$%&'*+-.^_`|~, RFC 9110)"
                )),
                Some("header") => Ok(AuthScheme::Header(key.to_ascii_lowercase())),
                Some("query") => Ok(AuthScheme::Query(key.to_owned())),
                Some("cookie") => Ok(AuthScheme::Cookie(key.to_owned())),
                other => Err(format!(
                    "security scheme `{name}`: an apiKey is in header, query or cookie, not {}",
                    other.unwrap_or("(missing)")
                )),
            }
        }
        (Some("http"), other) => Err(format!(
            "security scheme `{name}`: http scheme {} is not supported: http bearer and basic are (another one can be sent through credkit_runtime::Auth::custom)",
            other.unwrap_or("(missing)")
        )),
        (other, _) => Err(format!(
            "security scheme `{name}` of type {} is not supported: use http bearer or basic, an apiKey, oauth2 or openIdConnect",
            other.unwrap_or("(missing)")
        )),
    }
}
