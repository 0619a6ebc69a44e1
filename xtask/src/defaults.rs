//! What the generator assumes where a spec leaves a credkit fact unsaid, so that a vendor's
//! definition needs no bookkeeping. Each default is one documented rule, overridden by the
//! extension that states the fact, and listed by `cargo xtask generate --explain`.
//!
//! - `x-credkit-idempotent`: the method's own semantics (RFC 9110, section 9.2.2): GET, HEAD,
//!   OPTIONS, TRACE, PUT and DELETE may be replayed; POST and PATCH may not.

use serde_json::Value;

use crate::model::pointer_segment;
use crate::spec::Spec;

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

/// Every default the spec's operations take, in document order.
pub fn taken(spec: &Spec) -> Vec<Taken> {
    spec.operations()
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
        })
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
}
