//! The tolerant reader over every operation of every service: each JSON answer, written from
//! the spec's answer schema with one kind of member that does not fit planted wherever the
//! schema allows (numbers and booleans as strings, empty strings for numbers, date-times
//! without an offset, members of the wrong type, the other form of a union such as Sparkfly's
//! text-or-object `annotations`), decodes to the expected value and lists exactly the members
//! that did not fit, while a strict client refuses the same answer.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use credkit_runtime::{ErrorKind, ReadAs, RetryPolicy};
use credkit_tests::answer_samples::{Listed, Read, SECRET, Variant, sample};
use credkit_tests::calls::{Clients, Seen};
use credkit_tests::raw_server::{RawServer, Reply};
use serde_json::Value;

const TOKEN: &str = "tolerant-reader-token";

/// The spec of `service`, as JSON.
fn spec(service: &str) -> Value {
    let path = format!("{}/../specs/{service}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first JSON success of the operation `method path` of `doc`: its status and schema.
fn json_success(doc: &Value, method: &str, path: &str) -> Option<(u16, Value)> {
    let operation = doc
        .pointer(&format!(
            "/paths/{}/{}",
            path.replace('~', "~0").replace('/', "~1"),
            method.to_ascii_lowercase()
        ))
        .unwrap_or_else(|| panic!("{method} {path} is in the spec"));
    let responses = operation["responses"].as_object()?;
    responses.iter().find_map(|(code, response)| {
        let status = code
            .parse::<u16>()
            .ok()
            .filter(|s| (200..300).contains(s))?;
        let schema = response.pointer("/content/application~1json/schema")?;
        let binary = schema.get("format").and_then(Value::as_str) == Some("binary");
        (!binary).then(|| (status, schema.clone()))
    })
}

/// What the client listed, in the terms of the samples.
fn listed(seen: &Seen) -> Vec<Listed> {
    let mut listed: Vec<Listed> = seen
        .unfit
        .iter()
        .map(|unfit| Listed {
            path: unfit.path.clone(),
            read: match unfit.read_as {
                ReadAs::Converted => Read::Converted,
                ReadAs::Absent => Read::Absent,
                other => panic!("a way of reading this table does not know: {other:?}"),
            },
            raw: unfit.raw.as_ref().map(Value::to_string),
        })
        .collect();
    listed.sort();
    listed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_json_answer_tolerates_members_that_do_not_fit_and_strict_clients_refuse_them() {
    let next = Arc::new(Mutex::new(Reply::raw("")));
    let answer = Arc::clone(&next);
    let server = RawServer::start(move |_| answer.lock().unwrap().clone()).await;
    let tolerant = Clients::new(
        &server.base_url(),
        TOKEN,
        RetryPolicy::disabled(),
        std::time::Duration::from_secs(5),
    );
    let strict = Clients::strict(&server.base_url(), TOKEN);
    let specs: BTreeMap<&str, Value> = ["rentri-ca", "sparkfly", "openapi-pec"]
        .into_iter()
        .map(|service| (service, spec(service)))
        .collect();

    // Per variant, the operations whose answer it changed.
    let mut applied: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut json_operations = 0;
    let operations = Clients::operations();
    for (service, operation) in &operations {
        let doc = &specs[service];
        let Some((status, schema)) = json_success(doc, operation.method, operation.path) else {
            continue;
        };
        json_operations += 1;
        let fitting = sample(doc, &schema, Variant::Fitting).body;
        for variant in Variant::ALL {
            let case = format!("{service} {} with {variant:?}", operation.id);
            let sample = sample(doc, &schema, variant);
            assert!(
                variant == Variant::Fitting || sample.body != fitting || sample.listed.is_empty(),
                "{case}: a planted member changes the body"
            );
            if variant != Variant::Fitting && sample.body != fitting {
                applied
                    .entry(format!("{variant:?}"))
                    .or_default()
                    .push(format!("{service} {}", operation.id));
            }
            let body = sample.body.to_string();
            *next.lock().unwrap() = Reply::http(
                status,
                &[("content-type", "application/json")],
                body.as_bytes(),
            );

            let seen = tolerant
                .read(service, operation.id)
                .await
                .unwrap_or_else(|e| panic!("{case}: the answer decodes: {e}\n{body}"));
            assert_eq!(seen.status, status, "{case}");
            assert_eq!(
                seen.json.as_ref(),
                Some(&sample.expected),
                "{case}: the decoded value\n{body}"
            );
            let mut expected = sample.listed.clone();
            expected.sort();
            assert_eq!(
                listed(&seen),
                expected,
                "{case}: the members listed\n{body}"
            );

            let refused = strict.read(service, operation.id).await;
            match (&refused, expected.first()) {
                (Ok(seen), None) => assert_eq!(seen.json.as_ref(), Some(&sample.expected)),
                (Err(error), Some(first)) => {
                    assert!(
                        matches!(error.kind(), ErrorKind::Decode(_)),
                        "{case}: strict mode refuses with a decode error: {error:?}"
                    );
                    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{case}");
                    assert_eq!(
                        error.body(),
                        Some(body.as_bytes()),
                        "{case}: the body is kept"
                    );
                    let message = error.to_string();
                    assert!(
                        message.contains("(strict mode)") && message.contains(&first.path),
                        "{case}: the error names what did not fit: {message}"
                    );
                    assert!(
                        !message.contains(SECRET),
                        "{case}: no secret in the message: {message}"
                    );
                }
                (Ok(_), Some(_)) => panic!("{case}: a strict client accepted it"),
                (Err(error), None) => {
                    panic!("{case}: a strict client refused a fitting answer: {error}")
                }
            }
        }
    }

    // Every operation with a JSON answer took every variant its answer has members for.
    let downloads_and_empty = operations.len() - json_operations;
    assert_eq!(
        (json_operations, downloads_and_empty),
        (3 + 8 + 16, 4 + 1 + 3),
        "four RENTRI operations and Sparkfly's authenticate answer no body, PEC's three downloads a PDF"
    );
    let count = |variant: &str| applied.get(variant).map_or(0, Vec::len);
    assert_eq!(count("WrongTypes"), json_operations, "{applied:#?}");
    assert_eq!(
        count("NumbersAsStrings"),
        7 + 16,
        "every Sparkfly answer but the eligibility, every PEC one"
    );
    assert_eq!(
        count("EmptyNumbers"),
        7 + 16,
        "PEC's `error: \"\"` among them"
    );
    assert_eq!(
        count("BooleansAsStrings"),
        json_operations - 1,
        "all but RENTRI's boarding information"
    );
    assert_eq!(
        applied["DateTimesWithoutOffset"],
        ["rentri-ca get_credentials"],
        "RENTRI's date-times"
    );
    assert!(
        applied["OtherUnionBranches"].contains(&"sparkfly create_credential".to_owned())
            && applied["OtherUnionBranches"].contains(&"sparkfly void_credential".to_owned()),
        "Sparkfly's annotations, text or object: {applied:#?}"
    );
}
