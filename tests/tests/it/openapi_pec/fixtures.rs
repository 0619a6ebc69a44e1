//! Every request and response sample of the Openapi.it PEC API saved in
//! `crates/openapi-pec/tests/fixtures` (the published definition's examples and the vendor
//! documentation's samples) parses into the generated type its README names. A file with no
//! known target fails the test, so a new fixture cannot be silently ignored.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::PathBuf;

use credkit_openapi_pec::{SERVICE, types};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{fixture, fixtures_dir};

/// Request samples the vendor's page printed without lines holding an e-mail address: they
/// lack the required `casella_pec` and `email` and must be refused.
const NEGATIVE: [&str; 2] = [
    "register_mailbox.request.seed.json",
    "create_registry_communication.request.seed.json",
];

/// Request fields with a default (`false`) that are sent even when the sample omits them.
const DEFAULTED: [&str; 2] = ["autorinnovo", "pec_amministratore"];

/// Values outside the published enums that the published samples use: the register sample
/// sends `"tipo_casella": "bronze"`, and `"sottotipo_cliente": ""` appears in requests and
/// answers. Any other unknown enum value in a sample means an enum of the spec is wrong.
const UNLISTED_ENUM_VALUES: [&str; 2] = ["", "bronze"];

/// One fixture file: `<operation>.<request|response|status>.<published|seed>.<json|txt>`.
#[derive(Debug)]
struct Fixture {
    name: String,
    operation: String,
    kind: String,
    source: String,
    extension: String,
    text: String,
}

fn fixtures() -> Vec<Fixture> {
    let mut fixtures = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "README.md" {
            continue;
        }
        let parts: Vec<&str> = name.split('.').collect();
        let [operation, kind, source, extension] = parts[..] else {
            panic!("{name}: not <operation>.<kind>.<source>.<extension>");
        };
        let text = std::fs::read_to_string(fixtures_dir().join(&name)).unwrap();
        fixtures.push(Fixture {
            operation: operation.to_owned(),
            kind: kind.to_owned(),
            source: source.to_owned(),
            extension: extension.to_owned(),
            name,
            text,
        });
    }
    fixtures.sort_by(|a, b| a.name.cmp(&b.name));
    fixtures
}

/// What a body became: its `Debug` text and the JSON it serializes back to.
struct Parsed {
    debug: String,
    json: Value,
}

type Parser = fn(&Value) -> Result<Parsed, String>;

fn parse<T: DeserializeOwned + Serialize + Debug>(value: &Value) -> Result<Parsed, String> {
    let parsed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    Ok(Parsed {
        debug: format!("{parsed:?}"),
        json: serde_json::to_value(&parsed).map_err(|e| e.to_string())?,
    })
}

/// The request body type of an operation, if it takes one.
fn request_type(operation: &str) -> Option<Parser> {
    Some(match operation {
        "register_mailbox" => parse::<types::RegisterMailboxRequest>,
        "activate_mailbox" => parse::<types::ActivateMailboxRequest>,
        "change_mailbox_space" => parse::<types::ChangeMailboxSpaceRequest>,
        "enable_conservation" => parse::<types::EnableConservationRequest>,
        "change_mailbox_type" => parse::<types::ChangeMailboxTypeRequest>,
        "add_mailbox_user" => parse::<types::AddMailboxUserRequest>,
        "create_registry_communication" => parse::<types::CreateRegistryCommunicationRequest>,
        "upload_registry_communication_documents" => {
            parse::<types::UploadRegistryCommunicationDocumentsRequest>
        }
        _ => return None,
    })
}

/// The type of an operation's JSON 200 body; `None` for the PDF downloads.
fn response_type(operation: &str) -> Option<Parser> {
    Some(match operation {
        "check_domain" => parse::<types::DomainCheckEnvelope>,
        "check_availability" => parse::<types::AvailabilityEnvelope>,
        "list_mailboxes" => parse::<types::MailboxListEnvelope>,
        "register_mailbox"
        | "get_mailbox"
        | "revoke_mailbox"
        | "activate_mailbox"
        | "change_mailbox_space"
        | "enable_conservation"
        | "change_mailbox_type"
        | "renew_mailbox"
        | "add_mailbox_user" => parse::<types::MailboxEnvelope>,
        "list_registry_communications" => parse::<types::RegistryCommunicationListEnvelope>,
        "create_registry_communication"
        | "get_registry_communication"
        | "upload_registry_communication_documents" => {
            parse::<types::RegistryCommunicationEnvelope>
        }
        _ => return None,
    })
}

fn is_download(operation: &str) -> bool {
    operation.starts_with("download_")
}

/// The `Unknown("...")` values of open enums in a parsed body.
fn unknown_enum_values(debug: &str) -> BTreeSet<String> {
    debug
        .match_indices("Unknown(\"")
        .map(|(at, marker)| {
            let rest = &debug[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// Checks one fixture against its target type; `Err` says why it does not parse or fit.
fn check(fixture: &Fixture) -> Result<(), String> {
    let operation = fixture.operation.as_str();
    if fixture.extension == "txt" {
        // The text/plain error bodies of the PDF downloads.
        if fixture.kind.parse::<u16>().is_err() || !is_download(operation) {
            panic!("{}: no known target for a text fixture", fixture.name);
        }
        if fixture.text.trim().is_empty() {
            return Err("empty text".into());
        }
        if serde_json::from_str::<Value>(&fixture.text).is_ok() {
            return Err("a text/plain body that is JSON".into());
        }
        return Ok(());
    }
    assert_eq!(
        fixture.extension, "json",
        "{}: unknown extension",
        fixture.name
    );
    let value: Value = serde_json::from_str(&fixture.text).map_err(|e| format!("not JSON: {e}"))?;
    let parser = match fixture.kind.as_str() {
        "request" => request_type(operation),
        "response" => response_type(operation),
        status if status.parse::<u16>().is_ok() => Some(parse::<types::ErrorEnvelope> as Parser),
        _ => None,
    }
    .unwrap_or_else(|| panic!("{}: no known target type", fixture.name));
    let parsed = parser(&value)?;

    let unknown: BTreeSet<String> = unknown_enum_values(&parsed.debug)
        .into_iter()
        .filter(|v| !UNLISTED_ENUM_VALUES.contains(&v.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(format!("values outside the enums of the spec: {unknown:?}"));
    }

    match fixture.kind.as_str() {
        "request" => {
            // What was read is what would be sent: both union forms are kept as they were.
            let (Value::Object(sent), Value::Object(original)) = (&parsed.json, &value) else {
                return Err("a request body that is not an object".into());
            };
            for (key, original_value) in original {
                if sent.get(key) != Some(original_value) {
                    return Err(format!(
                        "`{key}` is sent as {:?}, the sample has {original_value}",
                        sent.get(key)
                    ));
                }
            }
            for (key, sent_value) in sent {
                let defaulted = DEFAULTED.contains(&key.as_str()) && sent_value == &json!(false);
                if !original.contains_key(key) && !defaulted {
                    return Err(format!("`{key}` is sent although the sample lacks it"));
                }
            }
        }
        "response" => {
            if value["error"] != Value::Null || value["success"] != json!(true) {
                return Err("a 200 sample that is not a success envelope".into());
            }
        }
        _ => {
            let error: types::ErrorEnvelope = serde_json::from_value(value).unwrap();
            if error.success != Some(false)
                || error.error.is_none()
                || error.message.as_deref().unwrap_or_default().is_empty()
                || error.data.is_some()
            {
                return Err(format!("not a failure envelope: {error:?}"));
            }
        }
    }
    Ok(())
}

#[test]
fn every_fixture_parses_into_its_type() {
    let fixtures = fixtures();
    let mut failures = Vec::new();
    let mut checked = 0;
    for fixture in &fixtures {
        if NEGATIVE.contains(&fixture.name.as_str()) {
            continue;
        }
        assert!(
            SERVICE.operation(&fixture.operation).is_some(),
            "{}: `{}` is not an operation of the service",
            fixture.name,
            fixture.operation
        );
        assert!(
            matches!(fixture.source.as_str(), "published" | "seed"),
            "{}: unknown source",
            fixture.name
        );
        match check(fixture) {
            Ok(()) => checked += 1,
            Err(why) => failures.push(format!("{}: {why}", fixture.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures that do not parse:\n{}",
        failures.join("\n")
    );
    assert_eq!(
        fixtures.len(),
        111,
        "87 published examples and 24 documentation samples"
    );
    assert_eq!(checked, 109);
}

#[test]
fn the_seed_samples_without_the_address_are_refused() {
    for name in NEGATIVE {
        let fixture = fixtures().into_iter().find(|f| f.name == name).unwrap();
        let error = check(&fixture).expect_err(name);
        assert!(
            error.contains("missing field `casella_pec`"),
            "{name}: {error}"
        );
        // The dropped lines are the only defect: with them, the sample parses.
        let mut value: Value = serde_json::from_str(&fixture.text).unwrap();
        value["casella_pec"] = json!("mypec@testcert.legalmail.it");
        value["email"] = json!("mail@domain.com");
        let completed = Fixture {
            text: value.to_string(),
            ..fixture
        };
        check(&completed).unwrap_or_else(|e| panic!("{name} completed: {e}"));
    }
}

#[test]
fn the_union_and_leniency_traps_parse_as_intended() {
    let activate: types::ActivateMailboxRequest =
        serde_json::from_value(fixture("activate_mailbox.request.published.json")).unwrap();
    assert!(matches!(activate.documenti, types::Documenti::Array(ref d) if d.len() == 2));
    let conservation: types::EnableConservationRequest =
        serde_json::from_value(fixture("enable_conservation.request.published.json")).unwrap();
    assert!(matches!(
        conservation.documenti,
        types::Documenti::String(_)
    ));
    assert_eq!(
        conservation.spazio_conservazione,
        Some(types::SpaceAmount::Int64(1024))
    );
    let register: types::RegisterMailboxRequest =
        serde_json::from_value(fixture("register_mailbox.request.published.json")).unwrap();
    assert_eq!(
        register.tipo_casella,
        types::MailboxType::Unknown("bronze".into())
    );
    for name in [
        "create_registry_communication.response.published.json",
        "get_registry_communication.response.seed.json",
        "upload_registry_communication_documents.response.published.json",
    ] {
        let answer: types::RegistryCommunicationEnvelope =
            serde_json::from_value(fixture(name)).unwrap();
        assert_eq!(answer.error, None, "{name}");
        assert_eq!(
            answer.data.unwrap().callback,
            Some(types::CallbackEcho::Boolean(false)),
            "{name}"
        );
    }
}

/// Every example of `specs/openapi-pec.yaml` is a fixture with the same content, and every
/// operation has its samples: a new operation or status cannot go without one.
#[test]
fn the_fixtures_cover_the_spec() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = xtask::Spec::load(
        &root.join("specs/openapi-pec.yaml"),
        "specs/openapi-pec.yaml",
    )
    .unwrap();
    let names: BTreeSet<String> = fixtures().into_iter().map(|f| f.name).collect();
    let mut expected = BTreeSet::new();
    for operation in spec.operations() {
        let id = operation.id().unwrap();
        if operation.op.get("requestBody").is_some() {
            expected.insert(format!("{id}.request.published.json"));
            expected.insert(format!("{id}.request.seed.json"));
        }
        for (status, response) in operation.op["responses"].as_object().unwrap() {
            let response = spec.resolve(response).unwrap();
            for (media, content) in response["content"].as_object().into_iter().flatten() {
                if status == "200" {
                    if media == "application/json" {
                        expected.insert(format!("{id}.response.published.json"));
                        expected.insert(format!("{id}.response.seed.json"));
                    }
                    continue;
                }
                let example = content
                    .get("example")
                    .unwrap_or_else(|| panic!("{id} {status}: no example in the spec"));
                let (extension, saved) = match example {
                    Value::String(text) => ("txt", Value::String(text.clone())),
                    other => ("json", other.clone()),
                };
                let name = format!("{id}.{status}.published.{extension}");
                let text = std::fs::read_to_string(fixtures_dir().join(&name))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let fixture = match extension {
                    "txt" => Value::String(text),
                    _ => serde_json::from_str(&text).unwrap(),
                };
                assert_eq!(fixture, saved, "{name} differs from the spec's example");
                expected.insert(name);
            }
        }
    }
    let missing: Vec<_> = expected.difference(&names).collect();
    let unexpected: Vec<_> = names.difference(&expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "fixtures missing for spec examples: {missing:?}; fixtures the spec does not document: {unexpected:?}"
    );
    assert_eq!(spec.operations().len(), SERVICE.operations.len());
}
