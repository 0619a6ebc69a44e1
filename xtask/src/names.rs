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

/// The type of an inline JSON answer of one status, for an operation answering a variant per
/// status (`get_thing`, `201` → `GetThing201Answer`): credkit hoists the schema into the
/// components under this name, so that typify generates it.
pub fn status_answer_type(operation_id: &str, status: u16) -> String {
    type_name(&format!("{}-{status}-answer", method_name(operation_id)))
}

/// The type of a callback's inline body (`subscribe`, `device_notice` →
/// `SubscribeDeviceNoticePayload`), hoisted into the components like a status's answer.
pub fn callback_payload_type(operation_id: &str, callback: &str) -> String {
    type_name(&format!("{operation_id}-{callback}-payload"))
}

/// The type of a webhook's inline body (`parcelMoved` → `ParcelMovedWebhookPayload`), hoisted
/// like a callback's.
pub fn webhook_payload_type(webhook: &str) -> String {
    type_name(&format!("{webhook}-webhook-payload"))
}

/// The request twin of a component schema whose `readOnly` members requests leave out
/// (`Account` → `AccountRequest`, see [`crate::read_write`]).
pub fn request_twin_type(schema: &str) -> String {
    type_name(&format!("{schema}-request"))
}

/// The component credkit adds for the file members of `multipart/form-data` bodies, which
/// typify replaces with `credkit_runtime::FilePart`.
pub const FILE_PART_SCHEMA: &str = "CredkitFilePart";

/// The `When` helper progenitor's httpmock generator writes for an operation.
pub fn mock_when_name(id: &str) -> String {
    recase(
        &format!("{}-when", method_name(id)),
        ToPascalCase::to_pascal_case,
        "_",
    )
}

/// The field or setter progenitor generates for a parameter or member `name`.
pub fn field_name(name: &str) -> String {
    recase(name, ToSnakeCase::to_snake_case, "_")
}

/// `documenti_errati` → `DocumentiErrati`, `STANDARD` → `Standard`, `2FA` → `V2fa`: the variants
/// of open enums, which credkit generates itself (`custom_types.rs`), so the spelling is its own.
pub fn variant_name(value: &str) -> String {
    let mut name: String = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
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
    fn variant_names() {
        assert_eq!(variant_name("Attivo"), "Attivo");
        assert_eq!(variant_name("documenti_errati"), "DocumentiErrati");
        assert_eq!(variant_name("STANDARD"), "Standard");
        assert_eq!(variant_name("in attesa-di"), "InAttesaDi");
        assert_eq!(variant_name("2FA"), "V2fa");
        assert_eq!(variant_name("self"), "Self_");
    }

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
        assert_eq!(mock_when_name("uploadDocument"), "UploadDocumentWhen");
        assert_eq!(field_name("num-iscr-sito"), "num_iscr_sito");
        assert_eq!(field_name("type"), "type_");
    }

    #[test]
    fn hoisted_schemas_are_named_after_their_operation() {
        assert_eq!(status_answer_type("getThing", 201), "GetThing201Answer");
        assert_eq!(status_answer_type("2fa_check", 200), "X2faCheck200Answer");
        assert_eq!(
            callback_payload_type("subscribe", "device_notice"),
            "SubscribeDeviceNoticePayload"
        );
        assert_eq!(
            webhook_payload_type("parcelMoved"),
            "ParcelMovedWebhookPayload"
        );
        assert_eq!(request_twin_type("account"), "AccountRequest");
        assert_eq!(request_twin_type("bank-account"), "BankAccountRequest");
    }
}
