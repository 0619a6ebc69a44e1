//! Rust names of spec names, spelled exactly as progenitor and typify spell them, so that what
//! credkit emits beside their output (`SERVICE`, `ServiceError`, custom types, mocks) names the
//! same items whatever the spec's naming: `problem-details` → `ProblemDetails`,
//! `getThing` → `get_thing`, `type` → `type_`, `2fa` → `X2fa` (a type) or `_2fa` (a method).

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// The Rust type typify generates for the component schema `name`.
pub fn type_name(name: &str) -> String {
    recase(name, ToPascalCase::to_pascal_case, "X")
}

/// The Rust method progenitor generates for the operationId `id`; also the `operation_id` it
/// writes into each request's `OperationInfo`.
pub fn method_name(id: &str) -> String {
    recase(id, ToSnakeCase::to_snake_case, "_")
}

/// The builder struct progenitor generates for an operation (`get_thing` → `GetThing`).
pub fn builder_name(id: &str) -> String {
    recase(&method_name(id), ToPascalCase::to_pascal_case, "_")
}

/// The `Then` helper progenitor's httpmock generator writes for an operation.
pub fn mock_then_name(id: &str) -> String {
    recase(
        &format!("{}-then", method_name(id)),
        ToPascalCase::to_pascal_case,
        "_",
    )
}

/// The field or setter progenitor generates for a parameter or member `name`.
pub fn field_name(name: &str) -> String {
    recase(name, ToSnakeCase::to_snake_case, "_")
}

fn recase(input: &str, to_case: fn(&str) -> String, prefix: &str) -> String {
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    };
    // typify's own list of words it does not use as identifiers (progenitor uses it too).
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_follow_typify() {
        assert_eq!(type_name("ProblemDetails"), "ProblemDetails");
        assert_eq!(type_name("problem-details"), "ProblemDetails");
        assert_eq!(type_name("bad_request_object"), "BadRequestObject");
        assert_eq!(type_name("2fa"), "X2fa");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("a.b c"), "ABC");
    }

    #[test]
    fn method_names_follow_progenitor() {
        assert_eq!(method_name("get_credentials"), "get_credentials");
        assert_eq!(method_name("getCredentials"), "get_credentials");
        assert_eq!(method_name("get-credentials"), "get_credentials");
        assert_eq!(method_name("2fa_check"), "_2fa_check");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(builder_name("get_credentials"), "GetCredentials");
        assert_eq!(builder_name("2fa_check"), "_2faCheck");
        assert_eq!(field_name("num-iscr-sito"), "num_iscr_sito");
        assert_eq!(field_name("type"), "type_");
    }
}
