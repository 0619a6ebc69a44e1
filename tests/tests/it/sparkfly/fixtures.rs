//! Every JSON body in `crates/sparkfly/tests/fixtures/` (published examples of the Sparkfly
//! documentation and definitions, see the README there) parses into the generated type its
//! file name names, and the request bodies serialize back to what they say.

use std::fs;
use std::path::{Path, PathBuf};

use credkit_sparkfly::types;
use serde::de::DeserializeOwned;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/sparkfly/tests/fixtures")
}

/// Every fixture, as (file name, contents), sorted by name.
fn fixtures() -> Vec<(String, String)> {
    let mut files: Vec<_> = fs::read_dir(fixtures_dir())
        .expect("the fixtures directory exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            (name, fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Parses `json` as `T`, naming the file on failure.
fn parse<T: DeserializeOwned>(name: &str, json: &str) -> Result<T, String> {
    serde_json::from_str::<T>(json).map_err(|e| format!("{name}: {e}"))
}

/// Parses one fixture into the model named by the first segment of its file name
/// (`<model>.<source>.json`); an unknown model is a failure, so that no fixture goes unchecked.
fn check(name: &str, json: &str) -> Result<(), String> {
    let model = name.split('.').next().unwrap_or_default();
    match model {
        "bad_request" => parse::<types::BadRequest>(name, json).map(drop),
        "credential" => parse::<types::Credential>(name, json).map(drop),
        "credential_input" => parse::<types::CredentialInput>(name, json).map(drop),
        "credential_input_request" => parse::<types::CredentialInputRequest>(name, json).map(drop),
        "credential_list" => parse::<types::CredentialList>(name, json).map(drop),
        "credential_response" => parse::<types::CredentialResponse>(name, json).map(drop),
        "eligibility" => parse::<types::CredentialEligibilityResponse>(name, json).map(drop),
        other => Err(format!(
            "{name}: no model for the prefix `{other}`; map it in tests/tests/it/sparkfly/fixtures.rs"
        )),
    }
}

#[test]
fn every_fixture_parses_into_its_model() {
    let files = fixtures();
    assert!(files.len() >= 21, "fixtures missing: {}", files.len());
    let failures: Vec<_> = files
        .iter()
        .filter_map(|(name, json)| check(name, json).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_fixture_without_a_model_fails() {
    assert!(
        check("offer.example.json", "{}")
            .unwrap_err()
            .contains("no model for the prefix `offer`")
    );
    assert!(check("credential.bad.json", r#"{"id": "x"}"#).is_err());
}

#[test]
fn every_fixture_is_listed_in_the_readme() {
    let readme = fs::read_to_string(fixtures_dir().join("README.md")).unwrap();
    for (name, _) in fixtures() {
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} is not described in the fixtures README"
        );
    }
}

fn fixture<T: DeserializeOwned>(name: &str) -> T {
    let json = fs::read_to_string(fixtures_dir().join(name)).unwrap();
    parse(name, &json).unwrap()
}

#[test]
fn the_getting_started_credential_keeps_the_fields_the_schema_lacks() {
    let answer: types::CredentialResponse =
        fixture("credential_response.docs-getting-started.json");
    let credential = answer.credential.unwrap();
    assert_eq!(credential.id, Some(578));
    assert_eq!(credential.identifier.as_deref(), Some("3540"));
    assert_eq!(credential.status.as_deref(), Some("open"));
    assert_eq!(credential.offer_id, Some(1701));
    assert_eq!(credential.redeemed_at, None);
    assert_eq!(credential.voided_at, None);
    assert_eq!(
        credential.offer_name.as_deref(),
        Some("Buy a Burger, Get Free Medium Fries")
    );
    assert_eq!(answer.errors, None);
}

#[test]
fn the_created_credential_has_object_annotations_and_dated_fields() {
    let answer: types::CredentialResponse =
        fixture("credential_response.docs-credentials-create.json");
    let credential = answer.credential.unwrap();
    assert_eq!(
        credential.annotations,
        Some(types::CredentialAnnotations::Object(serde_json::Map::new()))
    );
    assert_eq!(credential.identifier, None);
    assert_eq!(credential.offer_ids, Some(vec![]));
    assert_eq!(
        credential.created_time().unwrap().timestamp(),
        1_379_356_873
    );
    assert!(answer.errors.unwrap().is_empty());
}

#[test]
fn the_updated_credential_has_its_offer_and_code() {
    let answer: types::CredentialResponse =
        fixture("credential_response.docs-credentials-update.json");
    let credential = answer.credential.unwrap();
    assert_eq!(credential.identifier.as_deref(), Some("3345"));
    assert_eq!(credential.offer_ids, Some(vec![1011]));
    assert_eq!(
        credential.updated_time().unwrap().timestamp()
            - credential.created_time().unwrap().timestamp(),
        610
    );
}

#[test]
fn a_later_api_revision_still_parses() {
    let answer: types::CredentialResponse =
        fixture("credential_response.growth-operations-example.json");
    let credential = answer.credential.unwrap();
    assert_eq!(credential.id, Some(0));
    assert_eq!(credential.created_at.as_deref(), Some("string"));
    assert_eq!(credential.created_time(), None, "a placeholder is no time");
    assert!(credential.voided_time().is_some());
}

#[test]
fn the_docs_error_and_list_parse() {
    let error: types::BadRequest = fixture("bad_request.docs-credentials-missing-channel.json");
    assert_eq!(error.error.as_deref(), Some("channel_id is required"));
    assert_eq!(error.message, None);

    let page: types::CredentialList = fixture("credential_list.docs-credentials.derived.json");
    assert_eq!(page.credentials.len(), 2);
    assert_eq!(page.total_entries, Some(2));
}

#[test]
fn request_fixtures_serialize_to_their_json() {
    for name in [
        "credential_input_request.docs-getting-started-create.json",
        "credential_input_request.docs-credentials-create.json",
        "credential_input_request.docs-credentials-create-missing-channel.json",
        "credential_input_request.docs-credentials-update-one-offer.json",
        "credential_input_request.docs-credentials-update-two-offers.json",
        "credential_input_request.empty.client-docs.json",
    ] {
        let json = fs::read_to_string(fixtures_dir().join(name)).unwrap();
        let request: types::CredentialInputRequest = parse(name, &json).unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            "{name}"
        );
    }
}
