//! Rust names of spec names, spelled exactly as progenitor and typify spell them, so that what
//! credkit emits beside their output (`SERVICE`, `ServiceError`, custom types, mocks) names the
//! same items whatever the spec's naming: `problem-details` → `ProblemDetails`,
//! `getThing` → `get_thing`, `type` → `type_`, `2fa` → `X2fa` (a type) or `_2fa` (a method).
//! Where two spec names would meet in one Rust name, the choice is made here too: the fields
//! of an object's members ([`member_fields`]), and the names the generated client and each
//! operation's builder keep for themselves ([`client_item`], [`builder_item`]).

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

/// The type of a query parameter's inline object schema (`list_parcels`, `near` →
/// `ListParcelsNearQuery`), hoisted like a callback's body.
pub fn query_object_type(operation_id: &str, parameter: &str) -> String {
    type_name(&format!("{}-{parameter}-query", method_name(operation_id)))
}

/// The component a schema inside another part of the document becomes when a `$ref` points
/// into it (`components/schemas/Tag/allOf/0` → `TagAllOf0`, `components/parameters/kind/schema`
/// → `KindSchema`, see [`crate::inner_refs`]): its place without `components` and the kind,
/// followed by `2`, `3`, ... when `taken` (the Rust names of the schemas) has it already.
pub fn inner_schema(segments: &[String], taken: &[String]) -> String {
    let place = match segments {
        [first, _kind, rest @ ..] if first == "components" => rest,
        all => all,
    };
    let base = type_name(&place.join("-"));
    let mut name = base.clone();
    let mut next = 2;
    while taken.contains(&name) {
        name = format!("{base}{next}");
        next += 1;
    }
    name
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

/// What the generated `Client` itself has under the method name `rust`, which an operation's
/// method cannot take. (progenitor's `new` and `new_with_client` are removed, so an operation
/// may be called `new`; `client`, `baseurl` and `inner` are methods of a trait, which an
/// inherent method of that name does not clash with.)
pub fn client_item(rust: &str) -> Option<&'static str> {
    (rust == "builder").then_some("`Client::builder()`, which makes a client")
}

/// What every operation's builder has under the setter name `rust` (`body` and `body_map` only
/// when the operation has a body), which a parameter's setter cannot take.
pub fn builder_item(rust: &str, has_body: bool) -> Option<&'static str> {
    match rust {
        "new" => Some("its constructor `new`"),
        "send" => Some("`send`, which sends the request"),
        "body" | "body_map" if has_body => Some("the request body's setters `body` and `body_map`"),
        _ => None,
    }
}

/// The field or setter progenitor generates for a parameter or member `name`.
pub fn field_name(name: &str) -> String {
    recase(name, ToSnakeCase::to_snake_case, "_")
}

/// The field typify generates for the member `name` of an object (`2nd` → `x2nd`).
pub fn member_field(name: &str) -> String {
    recase(name, ToSnakeCase::to_snake_case, "x")
}

/// The Rust fields of one object's members, `wire` in the order typify merges them: each is
/// spelled as typify spells it (as [`field_name`], but `x2nd`, not `_2nd`) unless another member, or a field typify adds
/// itself (`taken`: `extra`, the flattened map of `additionalProperties`), would get the same
/// name. Of members spelled alike (`name` and `Name`, `user_name` and `userName`, `self` and
/// `Self`, `''` and `$`), the one already spelled so keeps it (else the first), and each other
/// gets the first free `_2`, `_3`, ... (`name_2`, `self_2`, `x_2`).
pub fn member_fields(wire: &[&str], taken: &[&str]) -> Vec<String> {
    let spelled: Vec<String> = wire.iter().map(|name| member_field(name)).collect();
    let keeps = |index: usize| {
        let alike = |other: usize| spelled[other] == spelled[index];
        !taken.contains(&spelled[index].as_str())
            && match (0..wire.len()).find(|&other| alike(other) && wire[other] == spelled[other]) {
                Some(exact) => exact == index,
                None => (0..wire.len()).find(|&other| alike(other)) == Some(index),
            }
    };
    let mut used: Vec<String> = taken.iter().map(|t| (*t).to_owned()).collect();
    used.extend(
        (0..wire.len())
            .filter(|&i| keeps(i))
            .map(|i| spelled[i].clone()),
    );
    (0..wire.len())
        .map(|index| {
            if keeps(index) {
                return spelled[index].clone();
            }
            let stem = spelled[index].trim_end_matches('_');
            let free = (2..)
                .map(|n| format!("{stem}_{n}"))
                .find(|candidate| !used.contains(candidate))
                .expect("an unused number exists");
            used.push(free.clone());
            free
        })
        .collect()
}

/// Distinct Rust names for `wire` names that must each get their own (the values of one enum,
/// the parameters of one operation), none of them in `taken`. Each is first spelled by `spell`
/// (typify's or progenitor's spelling, so that names that do not meet stay as they are). Names
/// that meet are spelled again with their symbols read as words ([`symbols_as_words`]:
/// `Etc/GMT+0` and `Etc/GMT-0` → `EtcGmtPlus0` and `EtcGmtMinus0`, `StartTime<` →
/// `start_time_lt`, `''` → `Empty`). Of those that still meet (`Name` and `name`), the one
/// already spelled so keeps the name (else the first), and each other takes the first free
/// `number(index, stem, 2)`, `number(index, stem, 3)`, ...
pub fn distinct(
    wire: &[&str],
    taken: &[&str],
    spell: impl Fn(&str) -> String,
    number: impl Fn(usize, &str, usize) -> String,
) -> Vec<String> {
    let first: Vec<String> = wire.iter().map(|name| spell(name)).collect();
    let meets = |index: usize, names: &[String]| {
        taken.contains(&names[index].as_str())
            || (0..names.len()).any(|other| other != index && names[other] == names[index])
    };
    let second: Vec<String> = (0..wire.len())
        .map(|index| match meets(index, &first) {
            true => spell(&symbols_as_words(wire[index])),
            false => first[index].clone(),
        })
        .collect();
    let keeps = |index: usize| {
        let alike = |other: usize| second[other] == second[index];
        !taken.contains(&second[index].as_str())
            && match (0..wire.len()).find(|&other| alike(other) && wire[other] == second[other]) {
                Some(exact) => exact == index,
                None => (0..wire.len()).find(|&other| alike(other)) == Some(index),
            }
    };
    let mut used: Vec<String> = taken.iter().map(|t| (*t).to_owned()).collect();
    used.extend(
        (0..wire.len())
            .filter(|&i| keeps(i))
            .map(|i| second[i].clone()),
    );
    (0..wire.len())
        .map(|index| {
            if keeps(index) {
                return second[index].clone();
            }
            let free = (2..)
                .map(|n| number(index, &second[index], n))
                .find(|candidate| !used.contains(candidate))
                .expect("an unused number exists");
            used.push(free.clone());
            free
        })
        .collect()
}

/// The variants typify generates for the values of one string enum, each distinct
/// ([`distinct`] over typify's spelling with a capital first, numbered by
/// [`numbered_pascal`]).
pub fn enum_variants(values: &[&str]) -> Vec<String> {
    // typify spells `+1` and `-1` `plus1` and `minus1`, which rustc warns of.
    let spell = |value: &str| {
        let name = type_name(value);
        let mut chars = name.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or(name)
    };
    distinct(values, &[], spell, |_, stem, n| numbered_pascal(stem, n))
}

/// The `n`th type or variant spelled `stem`: `Name2`, or `V1N2` after a digit (which `V12`
/// would hide; typify's spelling keeps either as it is).
pub fn numbered_pascal(stem: &str, n: usize) -> String {
    let stem = stem.trim_end_matches('_');
    match stem.ends_with(|c: char| c.is_ascii_digit()) {
        true => format!("{stem}N{n}"),
        false => format!("{stem}{n}"),
    }
}

/// The setters of one operation's parameters, `(wire name, place)` with path parameters
/// first, each distinct ([`distinct`] over progenitor's spelling). Of two parameters spelled
/// alike in different places (a path `index` and a query `index`), the first keeps the name and
/// the other takes its place's (`index_query`, then `index_query_3`, ...).
pub fn parameter_setters(parameters: &[(&str, &str)]) -> Vec<String> {
    let wire: Vec<&str> = parameters.iter().map(|(name, _)| *name).collect();
    distinct(&wire, &[], field_name, |index, stem, n| {
        let (stem, place) = (stem.trim_end_matches('_'), parameters[index].1);
        match n {
            2 => format!("{stem}_{place}"),
            n => format!("{stem}_{place}_{n}"),
        }
    })
}

/// `name` with each symbol that is no word separator read as a word, for names that would
/// otherwise meet: `+` plus, `-` before a digit minus, `<` lt, `>` gt, `=` eq, `!` not, `*`
/// star, ...; any other symbol its code point (`u2603`). Letters, digits, `_`, `-`, `.`, `/`
/// and spaces stay; a name of separators alone has them read too, and the empty name is
/// `empty`.
pub fn symbols_as_words(name: &str) -> String {
    if name.is_empty() {
        return "empty".to_owned();
    }
    let separators_only = !name.chars().any(char::is_alphanumeric);
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (index, &c) in chars.iter().enumerate() {
        let before_digit = chars.get(index + 1).is_some_and(char::is_ascii_digit);
        let word = match c {
            c if c.is_alphanumeric() => None,
            '-' if before_digit || separators_only => Some("minus"),
            '_' | '-' | '.' | '/' | ' ' if !separators_only => None,
            '+' => Some("plus"),
            '<' => Some("lt"),
            '>' => Some("gt"),
            '=' => Some("eq"),
            '!' => Some("not"),
            '*' => Some("star"),
            '@' => Some("at"),
            '#' => Some("hash"),
            '$' => Some("dollar"),
            '%' => Some("percent"),
            '&' => Some("and"),
            '|' => Some("or"),
            '~' => Some("tilde"),
            '^' => Some("caret"),
            '?' => Some("question"),
            ':' => Some("colon"),
            ',' => Some("comma"),
            ';' => Some("semicolon"),
            '_' => Some("underscore"),
            '.' => Some("dot"),
            '/' => Some("slash"),
            ' ' => Some("space"),
            _ => None,
        };
        match word {
            Some(word) => {
                out.push(' ');
                out.push_str(word);
                out.push(' ');
            }
            None if c.is_alphanumeric() || "_-./ ".contains(c) => out.push(c),
            None => out.push_str(&format!(" u{:x} ", c as u32)),
        }
    }
    out
}

/// Where a member key that typify reads as `field` starts carrying its wire name (see
/// [`member_key`]): a private-use character, which no spec name uses and which typify's
/// spelling drops.
const WIRE_MARK: char = '\u{E000}';
/// The wire name's characters follow, each moved into the supplementary private use area.
const WIRE_OFFSET: u32 = 0xF0000;

/// The member key credkit gives typify for a member whose Rust field is `field` rather than
/// typify's spelling of `wire`: typify spells it `field` and writes it into the field's
/// `#[serde(rename)]`, where [`wire_name`] finds `wire` again. `None` for a wire name with a
/// character beyond the basic plane (no room to carry it).
pub fn member_key(field: &str, wire: &str) -> Option<String> {
    let carried: String = wire
        .chars()
        .map(|c| char::from_u32(WIRE_OFFSET + c as u32).filter(|_| c as u32 <= 0xFFFF))
        .collect::<Option<_>>()?;
    Some(format!("{field}{WIRE_MARK}{carried}"))
}

/// The wire name a key of [`member_key`] carries; `None` for any other text.
pub fn wire_name(key: &str) -> Option<String> {
    let (_, carried) = key.split_once(WIRE_MARK)?;
    carried
        .chars()
        .map(|c| char::from_u32((c as u32).checked_sub(WIRE_OFFSET)?))
        .collect()
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
    fn members_spelled_alike_get_one_field_each_and_the_exact_spelling_keeps_its_name() {
        let wire = [
            "Name",
            "name",
            "userName",
            "user_name",
            "self",
            "Self",
            "",
            "$",
            "extra",
            "2nd",
            "name_2",
        ];
        assert_eq!(
            member_fields(&wire, &["extra"]),
            [
                "name_3",
                "name",
                "user_name_2",
                "user_name",
                "self_",
                "self_2",
                "x",
                "x_2",
                "extra_2",
                "x2nd",
                "name_2",
            ]
        );
        // Each chosen field is what typify makes of the key credkit hands it, and the key
        // carries the wire name back.
        for (field, wire) in member_fields(&wire, &["extra"]).iter().zip(&wire) {
            let key = member_key(field, wire).unwrap();
            assert_eq!(
                &recase(&key, ToSnakeCase::to_snake_case, "x"),
                field,
                "{wire}"
            );
            assert_eq!(wire_name(&key).as_deref(), Some(*wire));
        }
        assert_eq!(wire_name("name"), None);
    }

    #[test]
    fn names_that_meet_read_their_symbols_as_words_then_take_a_number() {
        assert_eq!(
            enum_variants(&[
                "Etc/GMT+1",
                "Etc/GMT-1",
                "Etc/GMT1",
                "UTC",
                "",
                "*",
                "Name",
                "name"
            ]),
            [
                "EtcGmtPlus1",
                "EtcGmtMinus1",
                "EtcGmt1",
                "Utc",
                "Empty",
                "Star",
                "Name",
                "Name2"
            ]
        );
        // Values that meet nothing keep typify's spelling, upper camel case.
        assert_eq!(
            enum_variants(&["+1", "-1", "a-b"]),
            ["Plus1", "Minus1", "AB"]
        );
        assert_eq!(enum_variants(&["v1", "V1"]), ["V1N2", "V1"]);
        assert_eq!(
            parameter_setters(&[
                ("index", "path"),
                ("StartTime", "query"),
                ("StartTime<", "query"),
                ("StartTime>", "query"),
                ("index", "query"),
                ("Index", "header"),
                ("type", "query"),
                ("Type", "header"),
            ]),
            [
                "index",
                "start_time",
                "start_time_lt",
                "start_time_gt",
                "index_query",
                "index_header",
                "type_",
                "type_header",
            ]
        );
        assert_eq!(symbols_as_words("a_b-c.d/e f"), "a_b-c.d/e f");
        assert_eq!(symbols_as_words("-"), " minus ");
        assert_eq!(symbols_as_words("x\u{2603}"), "x u2603 ");
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
