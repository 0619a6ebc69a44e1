//! What the generator assumes where a spec leaves a credkit fact unsaid, so that a vendor's
//! definition needs no bookkeeping. Each default is one documented rule, overridden by the
//! extension that states the fact, and listed by `cargo xtask generate --explain`.
//!
//! - `x-credkit-idempotent`: the method's own semantics (RFC 9110, section 9.2.2): GET, HEAD,
//!   OPTIONS, TRACE, PUT and DELETE may be replayed; POST and PATCH may not.
//! - `x-credkit-environment` of a server: a word of its description or host that names one
//!   (`sandbox`; `demo`; `staging`, `stage`, `test`, `uat`; `production`, `prod`, `live`), else
//!   production for the first server listed (the one OpenAPI calls the default). Any other
//!   server is no environment of the client: the caller gives its URL with `base_url`.
//! - An operationId: the operation's method and path (`operation_ids.rs`).
//! - Security: no scheme makes every operation anonymous; of several, `ClientBuilder::token`
//!   fills the first the requirements name (`parse/security.rs`).
//! - A server URL's `{variable}`: its `default` (OpenAPI requires one). A relative server URL
//!   is no environment: the caller gives the base URL.

use serde_json::Value;

use crate::model::{Environment, pointer_segment, str_of};
use crate::spec::Spec;

/// The words that name an environment, in a server's description or host.
const ENVIRONMENT_WORDS: [(&str, Environment); 10] = [
    ("sandbox", Environment::Sandbox),
    ("demo", Environment::Demo),
    ("staging", Environment::Staging),
    ("stage", Environment::Staging),
    ("test", Environment::Staging),
    ("uat", Environment::Staging),
    ("production", Environment::Production),
    ("prod", Environment::Production),
    ("live", Environment::Production),
    ("api", Environment::Production),
];

/// The methods RFC 9110 calls idempotent.
const IDEMPOTENT_METHODS: [&str; 6] = ["get", "head", "options", "trace", "put", "delete"];

/// A fact the spec did not state, and what was taken for it.
pub struct Taken {
    /// JSON pointer of the object the fact belongs to.
    pub pointer: String,
    /// The fact and its value, with the rule: "x-credkit-idempotent: true (GET, RFC 9110)".
    pub what: String,
}

/// Whether an operation may be replayed: its `x-credkit-idempotent`, else its method's rule;
/// an `x-credkit-idempotent` that is not a boolean is refused.
pub fn idempotent(method: &str, op: &Value) -> Result<bool, String> {
    match op.get("x-credkit-idempotent") {
        None => Ok(idempotent_method(method)),
        Some(Value::Bool(stated)) => Ok(*stated),
        Some(other) => Err(format!(
            "`x-credkit-idempotent: {other}`: write true or false (or leave it out: {})",
            rule(method)
        )),
    }
}

/// The environment of the server at `index` of `servers`: its `x-credkit-environment`, else the
/// rule above; `Ok(None)`: no environment of the client; `Err` says what is wrong with its tag.
pub fn environment(index: usize, server: &Value) -> Result<Option<Environment>, String> {
    let expected = || Environment::ALL.map(Environment::as_str).join(", ");
    match server.get("x-credkit-environment") {
        Some(tag) => tag
            .as_str()
            .and_then(Environment::parse)
            .map(Some)
            .ok_or_else(|| {
                format!(
                    "`x-credkit-environment` is `{tag}`: expected one of {}",
                    expected()
                )
            }),
        None => Ok(inferred_environment(index, server).map(|(environment, _)| environment)),
    }
}

/// A server's URL once its variables take their defaults.
#[derive(Debug, PartialEq, Eq)]
pub enum ServerUrl {
    Absolute(String),
    /// Relative to where the document is served: the caller gives the base URL.
    Relative,
}

/// The URL of `server` with each `{variable}` replaced by its `default`; `Err` names a
/// variable without one.
pub fn server_url(server: &Value) -> Result<ServerUrl, String> {
    let written = str_of(server, "url").unwrap_or_default();
    let mut url = String::new();
    let mut rest = written;
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err(format!(
                "`{written}` opens a `{{variable}}` it never closes"
            ));
        };
        let name = &rest[open + 1..open + close];
        let default = server
            .pointer(&format!("/variables/{}/default", pointer_segment(name)))
            .and_then(|d| match d {
                Value::String(text) => Some(text.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
        match default {
            Some(value) => url.push_str(&value),
            None => {
                return Err(format!(
                    "`{written}`: the variable `{name}` has no `default` under `variables` (OpenAPI requires one; the client would send the braces)"
                ));
            }
        }
        rest = &rest[open + close + 1..];
    }
    url.push_str(rest);
    Ok(if url.contains("://") {
        ServerUrl::Absolute(url)
    } else {
        ServerUrl::Relative
    })
}

/// The environment the rule gives an unmarked server, and why.
fn inferred_environment(index: usize, server: &Value) -> Option<(Environment, String)> {
    let url = str_of(server, "url").unwrap_or_default();
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let described = [
        (
            "description",
            str_of(server, "description").unwrap_or_default(),
        ),
        ("host", host),
    ];
    for (source, text) in described {
        let lower = text.to_ascii_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        // `api` alone says nothing in a description ("the API's sandbox").
        let named = ENVIRONMENT_WORDS
            .iter()
            .filter(|(word, _)| source == "host" || *word != "api")
            .find(|(word, _)| words.contains(word));
        if let Some((word, environment)) = named {
            return Some((*environment, format!("`{word}` in its {source}")));
        }
    }
    (index == 0).then(|| {
        (
            Environment::Production,
            "the first server listed".to_owned(),
        )
    })
}

/// Every default the spec takes, in document order.
pub fn taken(spec: &Spec) -> Vec<Taken> {
    let servers = spec
        .doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .flat_map(|(index, server)| {
            let pointer = format!("/servers/{index}");
            let mut taken = Vec::new();
            let url = server_url(server);
            if server.get("variables").is_some()
                && let Ok(ServerUrl::Absolute(url)) = &url
            {
                taken.push(Taken {
                    pointer: pointer.clone(),
                    what: format!("url: {url} (each variable's default)"),
                });
            }
            if url == Ok(ServerUrl::Relative) {
                taken.push(Taken {
                    pointer,
                    what: "no environment (a relative URL: the caller gives the base URL)".into(),
                });
            } else if server.get("x-credkit-environment").is_none() {
                taken.push(Taken {
                    pointer,
                    what: match inferred_environment(index, server) {
                        Some((environment, why)) => {
                            format!("x-credkit-environment: {} ({why})", environment.as_str())
                        }
                        None => "no environment (it names none and is not the first: the caller gives its URL)".into(),
                    },
                });
            }
            taken
        });
    let no_servers = spec
        .doc
        .get("servers")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
        .then(|| Taken {
            pointer: "/servers".into(),
            what: "no environment (no servers: the caller gives the base URL)".into(),
        });
    let operations = spec
        .operations()
        .into_iter()
        .filter(|declared| declared.op.get("x-credkit-idempotent").is_none())
        .map(|declared| Taken {
            pointer: format!(
                "/paths/{}/{}",
                pointer_segment(declared.path),
                declared.method
            ),
            what: format!(
                "x-credkit-idempotent: {} ({})",
                idempotent_method(declared.method),
                rule(declared.method)
            ),
        });
    let ids = crate::operation_ids::derived(&spec.doc)
        .into_iter()
        .map(|(pointer, id)| Taken {
            pointer,
            what: format!("operationId: {id} (its method and path: xtask/src/operation_ids.rs)"),
        });
    let anonymous = spec
        .doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .is_none_or(|schemes| schemes.is_empty())
        .then(|| Taken {
            pointer: "/components/securitySchemes".into(),
            what: "none: every operation is anonymous".into(),
        });
    let unfit = crate::unfit_defaults::found(&spec.doc)
        .into_iter()
        .map(|pointer| Taken {
            pointer,
            what: "dropped: not of its schema's type, or of a union (xtask/src/unfit_defaults.rs)"
                .into(),
        });
    let inner = crate::inner_refs::found(&spec.doc)
        .into_iter()
        .map(|(pointer, name)| Taken {
            pointer,
            what: format!(
                "moved to #/components/schemas/{name}: a $ref points into it (xtask/src/inner_refs.rs)"
            ),
        });
    let websockets = crate::websockets::found(&spec.doc)
        .into_iter()
        .map(|pointer| Taken {
            pointer,
            what: "left out: a WebSocket upgrade, which a request-and-answer client cannot hold (xtask/src/websockets.rs)".into(),
        });
    servers
        .chain(no_servers)
        .chain(unfit)
        .chain(inner)
        .chain(websockets)
        .chain(anonymous)
        .chain(ids)
        .chain(operations)
        .collect()
}

fn idempotent_method(method: &str) -> bool {
    IDEMPOTENT_METHODS.contains(&method.to_ascii_lowercase().as_str())
}

fn rule(method: &str) -> String {
    let method = method.to_ascii_uppercase();
    if idempotent_method(&method) {
        format!("{method} is idempotent by RFC 9110")
    } else {
        format!("{method} is not idempotent by RFC 9110")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_method_decides_unless_the_spec_says_otherwise() {
        let unsaid = json!({});
        for method in ["get", "head", "options", "trace", "put", "delete"] {
            assert_eq!(idempotent(method, &unsaid), Ok(true), "{method}");
        }
        for method in ["post", "patch"] {
            assert_eq!(idempotent(method, &unsaid), Ok(false), "{method}");
        }
        assert_eq!(
            idempotent("post", &json!({"x-credkit-idempotent": true})),
            Ok(true)
        );
        assert_eq!(
            idempotent("delete", &json!({"x-credkit-idempotent": false})),
            Ok(false)
        );
        let refused = idempotent("put", &json!({"x-credkit-idempotent": "yes"})).unwrap_err();
        assert!(refused.contains("write true or false"), "{refused}");
        assert!(
            refused.contains("PUT is idempotent by RFC 9110"),
            "{refused}"
        );
    }

    #[test]
    fn a_server_url_takes_its_variables_defaults_and_may_be_relative() {
        let server = json!({"url": "{scheme}://{host}:{port}/v1", "variables": {
            "scheme": {"default": "https", "enum": ["https", "http"]},
            "host": {"default": "api.x.example"},
            "port": {"default": 8443},
        }});
        assert_eq!(
            server_url(&server),
            Ok(ServerUrl::Absolute("https://api.x.example:8443/v1".into()))
        );
        assert_eq!(
            server_url(&json!({"url": "/api/v3"})),
            Ok(ServerUrl::Relative)
        );
        let refused = server_url(&json!({"url": "https://{tenant}.x.example"})).unwrap_err();
        assert!(refused.contains("`tenant` has no `default`"), "{refused}");
    }

    #[test]
    fn a_server_s_environment_is_stated_named_by_a_word_or_the_first() {
        use Environment::*;
        let cases = [
            (
                0,
                json!({"url": "https://x.example", "x-credkit-environment": "demo"}),
                Ok(Some(Demo)),
            ),
            (0, json!({"url": "https://x.example"}), Ok(Some(Production))),
            (
                1,
                json!({"url": "https://sandbox.x.example/v1"}),
                Ok(Some(Sandbox)),
            ),
            (
                1,
                json!({"url": "https://x.example", "description": "Test server"}),
                Ok(Some(Staging)),
            ),
            (
                0,
                json!({"url": "https://x.example", "description": "Demo environment"}),
                Ok(Some(Demo)),
            ),
            (
                1,
                json!({"url": "https://api.x.example"}),
                Ok(Some(Production)),
            ),
            (
                1,
                json!({"url": "https://x.example", "description": "The API's mirror"}),
                Ok(None),
            ),
            (1, json!({"url": "https://eu.x.example"}), Ok(None)),
            (
                0,
                json!({"url": "https://x.example", "x-credkit-environment": "qa"}),
                Err(()),
            ),
        ];
        for (index, server, expected) in cases {
            assert_eq!(
                environment(index, &server).map_err(drop),
                expected,
                "{server}"
            );
        }
    }
}
