//! Every Sparkfly Credentials operation against a mock server: what was sent (method, path,
//! query, `X-Auth-Token`, body) and what came back, error statuses included; and the token
//! exchange of a client built from identity and key. Which operations are retried after what
//! (redeem and void never after a 5xx) is in `retries.rs`.

mod fixtures;

use std::time::Duration;

use chrono::{DateTime, FixedOffset};

use credkit_sparkfly::mock::MockServerExt;
use credkit_sparkfly::{
    Authenticator, Client, ClientBuilderExt, Error, ErrorKind, ResponseHeadersExt, RetryPolicy,
    Secret, ServiceError, TokenExchange, types,
};
use credkit_tests::calls::sparkfly::credential_input;
use credkit_tests::{RecordedWaits, client};
use httpmock::prelude::*;
use serde_json::json;

const TOKEN: &str = "ab598e824fd304af32fe34ed4a1af1210ce226ecf05c5f043a4f388d3ab74b12";
const IDENTITY: &str = "account-42";
const KEY: &str = "key-that-must-never-be-printed";

/// A client that exchanges [`IDENTITY`] and [`KEY`] for a token; retries disabled.
fn identity_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
        .build_with_identity_and_key(IDENTITY, KEY)
        .expect("a loopback base URL is valid")
}

/// `GET /auth` answering `token`, as Sparkfly does: 204, token in `X-Auth-Token`.
async fn auth_mock<'a>(server: &'a MockServer, token: &str) -> httpmock::Mock<'a> {
    let token = token.to_owned();
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/auth")
                .header("x-auth-identity", IDENTITY)
                .header("x-auth-key", KEY)
                .header_missing("x-auth-token");
            then.status(204)
                .header("x-auth-token", token)
                .header("x-request-id", "auth-req-1");
        })
        .await
}

/// The body of the docs' "Second JSON Response" (201 of a create).
fn created_credential() -> serde_json::Value {
    json!({
        "credential": {
            "id": 1009,
            "account_id": 5,
            "created_at": "2013-09-16T18:41:13Z",
            "updated_at": "2013-09-16T18:41:13Z",
            "identifier": null,
            "member_id": 123,
            "store_id": null,
            "channel_id": 456,
            "offer_ids": [],
            "annotations": {},
            "code_lifetime": null,
            "supports_barcode": false,
            "merchant_id": null,
            "offer_name": null,
            "merchant_name": null,
            "location_address": null,
            "url": null
        },
        "errors": {}
    })
}

/// A timestamp written in RFC 3339.
fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

// ---------------------------------------------------------------------------------------------
// GET /auth

#[tokio::test]
async fn authenticate_is_anonymous_and_returns_the_token_header() {
    let server = MockServer::start_async().await;
    let auth = auth_mock(&server, TOKEN).await;
    // A client built from some other token: /auth must not send it.
    let client = client::<Client>(&server, "unrelated-token");

    let token = client.fetch_token(IDENTITY, &KEY.into()).await.unwrap();
    assert_eq!(token.expose(), TOKEN);

    // The generated operation itself: 204, no body, the token in the headers.
    let answer = client
        .authenticate()
        .x_auth_identity(IDENTITY)
        .x_auth_key(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    assert_eq!(answer.headers()["x-auth-token"], TOKEN);
    assert_eq!(answer.request_id(), Some("auth-req-1"));
    auth.assert_calls_async(2).await;
}

#[tokio::test]
async fn authenticate_401_is_an_api_error_that_never_shows_the_key() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/auth");
            then.status(401);
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .fetch_token(IDENTITY, &KEY.into())
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 401);
    assert_eq!(error.operation(), Some("authenticate"));
    assert_eq!(
        error.to_string(),
        "sparkfly authenticate: the server answered 401 Unauthorized with an empty body"
    );
    assert!(!format!("{error:?}").contains(KEY));
}

#[tokio::test]
async fn authenticate_204_without_the_token_header_is_an_auth_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/auth");
            then.status(204);
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .fetch_token(IDENTITY, &KEY.into())
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "authentication failed: Sparkfly GET /auth answered 204 with no X-Auth-Token header (where the token should be)"
    );
}

// ---------------------------------------------------------------------------------------------
// GET /v1.0/credentials

#[tokio::test]
async fn list_credentials_sends_the_filters_and_parses_the_page() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/credentials")
                .query_param("member_id", "1009")
                .query_param("offer_id", "1701")
                .query_param("store_id", "1")
                .query_param_count(".*", ".*", 3)
                .header("x-auth-token", TOKEN)
                .header("accept", "application/json")
                .header_missing("api-version");
            then.status(200)
                .header("x-request-id", "req-list")
                .json_body(json!({
                    "page": 1,
                    "per_page": 50,
                    "total_entries": 1,
                    "total_pages": 1,
                    "credentials": [{
                        "credential": {
                            "id": 578,
                            "identifier": "3540",
                            "status": "open",
                            "member_id": 1009,
                            "offer_id": 1701,
                            "store_id": 1,
                            "merchant_id": 251,
                            "redeemed_at": null,
                            "voided_at": null,
                            "offer_name": "Buy a Burger, Get Free Medium Fries",
                            "merchant_name": "Q Burger",
                            "location_address": null,
                            "code_lifetime": null
                        }
                    }]
                }));
        })
        .await;
    let page = client::<Client>(&server, TOKEN)
        .list_credentials()
        .member_id(1009)
        .offer_id(1701)
        .store_id(1)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.request_id(), Some("req-list"));
    assert_eq!(
        (
            page.page,
            page.per_page,
            page.total_entries,
            page.total_pages
        ),
        (Some(1), Some(50), Some(1), Some(1))
    );
    let credential = page.credentials[0].credential.as_ref().unwrap();
    assert_eq!(credential.id, Some(578));
    assert_eq!(credential.identifier.as_deref(), Some("3540"));
    assert_eq!(credential.status.as_deref(), Some("open"));
    assert_eq!(credential.offer_id, Some(1701));
    assert_eq!(credential.redeemed_at, None);
    assert_eq!(credential.redeemed_time(), None);
    assert_eq!(credential.merchant_name.as_deref(), Some("Q Burger"));
    assert_eq!(page.credentials[0].errors, None);
}

#[tokio::test]
async fn list_credentials_without_filters_sends_no_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/credentials")
                .query_param_count(".*", ".*", 0)
                .header("x-auth-token", TOKEN);
            then.status(200).json_body(json!({
                "page": 1, "per_page": 50, "total_entries": 0, "total_pages": 0, "credentials": []
            }));
        })
        .await;
    let page = client::<Client>(&server, TOKEN)
        .list_credentials()
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(page.credentials.is_empty());
    assert_eq!(page.total_entries, Some(0));
}

#[tokio::test]
async fn a_401_on_a_token_client_is_returned_as_is() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/credentials");
            then.status(401).header("x-request-id", "req-401");
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .list_credentials()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        mock.calls_async().await,
        1,
        "a fixed token cannot be renewed"
    );
    assert_eq!(error.status().unwrap(), 401);
    assert_eq!(error.body(), Some(&b""[..]));
    assert_eq!(error.request_id(), Some("req-401"));
    assert_eq!(
        error.to_string(),
        "sparkfly list_credentials: the server answered 401 Unauthorized with an empty body"
    );
}

// ---------------------------------------------------------------------------------------------
// POST /v1.0/credentials

#[tokio::test]
async fn create_credential_posts_the_json_body_and_parses_the_201() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1.0/credentials")
                .query_param_count(".*", ".*", 0)
                .header("x-auth-token", TOKEN)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .json_body(json!({
                    "credential": {
                        "member_id": 123,
                        "channel_id": 456,
                        "annotations": {"conv_ids": "a1"}
                    },
                    "printable": true
                }));
            then.status(201)
                .header("location", "https://api.sparkfly.com/v1.0/credentials/1009")
                .header("x-request-id", "req-create")
                .json_body(created_credential());
        })
        .await;
    let mut body = credential_input(123, 456);
    body.printable = Some(true);
    body.credential.as_mut().unwrap().annotations = Some(
        [("conv_ids".to_owned(), "a1".to_owned())]
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>()
            .into(),
    );
    let created = client::<Client>(&server, TOKEN)
        .create_credential()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.location(),
        Some("https://api.sparkfly.com/v1.0/credentials/1009")
    );
    assert_eq!(created.request_id(), Some("req-create"));
    let credential = created.credential.as_ref().unwrap();
    assert_eq!(credential.id, Some(1009));
    assert_eq!(credential.account_id, Some(5));
    assert_eq!(credential.identifier, None);
    assert_eq!(credential.offer_ids, Some(vec![]));
    assert_eq!(
        credential.annotations,
        Some(types::CredentialAnnotations::Object(serde_json::Map::new()))
    );
    assert_eq!(credential.supports_barcode, Some(false));
    assert_eq!(
        credential.created_time().unwrap(),
        at("2013-09-16T18:41:13+00:00")
    );
    assert!(created.errors.as_ref().unwrap().is_empty());
}

#[tokio::test]
async fn create_credential_400_keeps_error_and_message() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1.0/credentials")
                .json_body(json!({"credential": {"member_id": 123}}));
            then.status(400)
                .header("x-request-id", "req-400")
                .json_body(json!({
                    "error": "channel_id is required",
                    "message": "Channel can't be blank"
                }));
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .create_credential()
        .body(types::CredentialInputRequest {
            credential: Some(types::CredentialInput {
                member_id: Some(123),
                ..Default::default()
            }),
            printable: None,
        })
        .send()
        .await
        .unwrap_err();
    mock.assert_async().await;
    assert_eq!(error.status().unwrap(), 400);
    assert_eq!(error.request_id(), Some("req-400"));
    let bad: ServiceError = error.service_error().unwrap();
    assert_eq!(bad.error.as_deref(), Some("channel_id is required"));
    assert_eq!(bad.message.as_deref(), Some("Channel can't be blank"));
    assert_eq!(error.message().as_deref(), Some("Channel can't be blank"));
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "sparkfly create_credential: the server answered 400 Bad Request: Channel can't be blank"
    );
}

#[tokio::test]
async fn create_credential_400_with_error_only_as_in_the_docs() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1.0/credentials");
            then.status(400)
                .json_body(json!({"error": "channel_id is required"}));
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .create_credential()
        .body(credential_input(123, 456))
        .send()
        .await
        .unwrap_err();
    let bad = error.service_error::<ServiceError>().unwrap();
    assert_eq!(bad.error.as_deref(), Some("channel_id is required"));
    assert_eq!(bad.message, None);
    assert_eq!(error.message().as_deref(), Some("channel_id is required"));
}

// ---------------------------------------------------------------------------------------------
// GET /v1.0/credentials/eligible

#[tokio::test]
async fn get_offer_eligibility_sends_both_required_ids() {
    let server = MockServer::start_async().await;
    let mock = server.get_offer_eligibility(|when, then| {
        when.member_id(1009)
            .offer_id(1701)
            .into_inner()
            .query_param_count(".*", ".*", 2)
            .header("x-auth-token", TOKEN)
            .header("accept", "application/json");
        then.ok(&types::CredentialEligibilityResponse {
            is_eligible: Some(false),
            status: Some("Member has reached the redemption limit".to_owned()),
        });
    });
    let eligibility = client::<Client>(&server, TOKEN)
        .get_offer_eligibility()
        .member_id(1009)
        .offer_id(1701)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(eligibility.is_eligible, Some(false));
    assert_eq!(
        eligibility.status.as_deref(),
        Some("Member has reached the redemption limit")
    );
}

#[tokio::test]
async fn get_offer_eligibility_401() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/credentials/eligible");
            then.status(401);
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .get_offer_eligibility()
        .member_id(1)
        .offer_id(2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 401);
    assert_eq!(error.operation(), Some("get_offer_eligibility"));
}

// ---------------------------------------------------------------------------------------------
// GET /v1.0/credentials/{credential_id}

#[tokio::test]
async fn get_credential_parses_objects_timestamps_and_unknown_fields() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/credentials/1009")
                .header("x-auth-token", TOKEN)
                .header("accept", "application/json");
            then.status(200).json_body(json!({
                "credential": {
                    "id": 1009,
                    "created_at": "2013-09-16T18:41:13Z",
                    "updated_at": "2013-09-16 18:51:23 UTC",
                    "identifier": "3345",
                    "status": "redeemed",
                    "offer_ids": [1011, 1116],
                    "annotations": {"conv_ids": {"campaign": "spring", "n": 3}, "note": "vip"},
                    "redeemed_at": "2013-09-17T10:00:00.250-04:00",
                    "voided_at": null,
                    "redeeming_account_id": 7,
                    "custom_data": {"anything": [1, 2]}
                },
                "errors": {"offer_ids": ["is invalid"]}
            }));
        })
        .await;
    let answer = client::<Client>(&server, TOKEN)
        .get_credential()
        .credential_id(1009)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 200);
    let credential = answer.credential.as_ref().unwrap();
    assert_eq!(credential.offer_ids, Some(vec![1011, 1116]));
    let Some(types::CredentialAnnotations::Object(annotations)) = &credential.annotations else {
        panic!("object annotations: {:?}", credential.annotations);
    };
    assert_eq!(annotations["conv_ids"]["campaign"], "spring");
    assert_eq!(annotations["note"], "vip");
    assert_eq!(credential.status.as_deref(), Some("redeemed"));
    assert_eq!(
        credential.created_time().unwrap(),
        at("2013-09-16T18:41:13+00:00")
    );
    assert_eq!(
        credential.updated_time().unwrap(),
        at("2013-09-16T18:51:23+00:00")
    );
    assert_eq!(
        credential.redeemed_time().unwrap(),
        at("2013-09-17T10:00:00.250-04:00")
    );
    assert_eq!(
        credential
            .redeemed_time()
            .unwrap()
            .offset()
            .local_minus_utc(),
        -4 * 3600
    );
    assert_eq!(credential.voided_time(), None);
    assert_eq!(
        answer.errors.as_ref().unwrap()["offer_ids"],
        json!(["is invalid"])
    );
}

#[tokio::test]
async fn get_credential_404_has_no_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/credentials/404404");
            then.status(404).header("x-request-id", "req-404");
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .get_credential()
        .credential_id(404_404)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 404);
    assert_eq!(error.body(), Some(&b""[..]));
    assert_eq!(error.request_id(), Some("req-404"));
    assert!(error.service_error::<ServiceError>().is_none());
    assert_eq!(
        error.to_string(),
        "sparkfly get_credential: the server answered 404 Not Found with an empty body"
    );
}

#[tokio::test]
async fn a_string_id_reads_as_a_number_or_absent_and_only_a_strict_client_refuses_it() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/credentials/1");
            then.status(200).json_body(
                json!({"credential": {"id": "one", "member_id": "578", "status": "open"}}),
            );
        })
        .await;
    let answer = client::<Client>(&server, TOKEN)
        .get_credential()
        .credential_id(1)
        .send()
        .await
        .unwrap();
    let credential = answer.credential.as_ref().unwrap();
    assert_eq!(credential.id, None);
    assert_eq!(credential.member_id, Some(578));
    assert_eq!(credential.status.as_deref(), Some("open"));
    let listed: Vec<String> = answer.unfit().iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "/credential/id: expected integer, found \"one\" (read as absent)",
            "/credential/member_id: expected integer, found \"578\" (read as that type)",
        ]
    );

    let error = Client::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .strict(true)
        .build()
        .unwrap()
        .get_credential()
        .credential_id(1)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
    assert_eq!(error.status().unwrap(), 200);
    assert_eq!(
        error.body().unwrap(),
        br#"{"credential":{"id":"one","member_id":"578","status":"open"}}"#
    );
    assert!(
        error.to_string().contains("2 members of the answer do not fit their types (strict mode): /credential/id: expected integer, found \"one\"; /credential/member_id"),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------------
// PUT /v1.0/credentials/{credential_id}

#[tokio::test]
async fn update_credential_puts_the_offers_and_parses_the_201() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/v1.0/credentials/1009")
                .header("x-auth-token", TOKEN)
                .header("content-type", "application/json")
                .json_body(json!({"credential": {"channel_id": 456, "offer_ids": [1011, 1116]}}));
            then.status(201)
                .header("location", "/v1.0/credentials/1009")
                .json_body(json!({
                    "credential": {
                        "id": 1009,
                        "account_id": 5,
                        "created_at": "2013-09-16T18:41:13Z",
                        "updated_at": "2013-09-16T18:51:23Z",
                        "identifier": "3345",
                        "member_id": 1,
                        "channel_id": 456,
                        "offer_ids": [1011, 1116],
                        "annotations": {},
                        "offer_name": "First Offer"
                    },
                    "errors": {}
                }));
        })
        .await;
    let updated = client::<Client>(&server, TOKEN)
        .update_credential()
        .credential_id(1009)
        .body(types::CredentialInputRequest {
            credential: Some(types::CredentialInput {
                channel_id: Some(456),
                offer_ids: Some(vec![1011, 1116]),
                ..Default::default()
            }),
            printable: None,
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(updated.status(), 201);
    assert_eq!(updated.location(), Some("/v1.0/credentials/1009"));
    let credential = updated.into_inner().credential.unwrap();
    assert_eq!(credential.identifier.as_deref(), Some("3345"));
    assert_eq!(credential.offer_ids, Some(vec![1011, 1116]));
    assert_eq!(credential.offer_name.as_deref(), Some("First Offer"));
}

#[tokio::test]
async fn update_credential_400_and_404() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/v1.0/credentials/1");
            then.status(400).json_body(json!({
                "error": "Offer not found or not eligible by channel, with id: 9",
                "message": null
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/v1.0/credentials/2");
            then.status(404);
        })
        .await;
    let client = client::<Client>(&server, TOKEN);
    let bad = client
        .update_credential()
        .credential_id(1)
        .body(credential_input(1, 456))
        .send()
        .await
        .unwrap_err();
    assert_eq!(bad.status().unwrap(), 400);
    assert_eq!(
        bad.service_error::<ServiceError>()
            .unwrap()
            .error
            .as_deref(),
        Some("Offer not found or not eligible by channel, with id: 9")
    );
    let missing = client
        .update_credential()
        .credential_id(2)
        .body(credential_input(1, 456))
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.status().unwrap(), 404);
    assert_eq!(missing.operation(), Some("update_credential"));
}

// ---------------------------------------------------------------------------------------------
// DELETE /v1.0/credentials/{credential_id}

#[tokio::test]
async fn delete_credential_answers_200_with_the_deleted_credential() {
    let server = MockServer::start_async().await;
    let mock = server.delete_credential(|when, then| {
        when.credential_id(1009)
            .into_inner()
            .header("x-auth-token", TOKEN)
            .header("accept", "application/json");
        then.ok(&serde_json::from_value(created_credential()).unwrap());
    });
    let deleted = client::<Client>(&server, TOKEN)
        .delete_credential()
        .credential_id(1009)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(deleted.status(), 200);
    assert_eq!(deleted.credential.as_ref().unwrap().id, Some(1009));
}

#[tokio::test]
async fn delete_credential_404() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path("/v1.0/credentials/5");
            then.status(404);
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .delete_credential()
        .credential_id(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 404);
    assert_eq!(error.operation(), Some("delete_credential"));
}

// ---------------------------------------------------------------------------------------------
// PUT /v1.0/credentials/{credential_id}/redeem and /void

#[tokio::test]
async fn redeem_credential_puts_without_a_body_and_parses_the_201() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/v1.0/credentials/578/redeem")
                .query_param_count(".*", ".*", 0)
                .header("x-auth-token", TOKEN)
                .header_missing("content-type")
                .body("");
            then.status(201)
                .header("location", "https://api.sparkfly.com/v1.0/credentials/578")
                .header("x-request-id", "req-redeem")
                .json_body(json!({
                    "credential": {
                        "id": 578,
                        "identifier": "3540",
                        "status": "redeemed",
                        "redeemed_at": "2013-09-17T10:00:00Z",
                        "voided_at": null
                    }
                }));
        })
        .await;
    let redeemed = client::<Client>(&server, TOKEN)
        .redeem_credential()
        .credential_id(578)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(redeemed.status(), 201);
    assert_eq!(redeemed.request_id(), Some("req-redeem"));
    assert_eq!(
        redeemed.location(),
        Some("https://api.sparkfly.com/v1.0/credentials/578")
    );
    let credential = redeemed.credential.as_ref().unwrap();
    assert_eq!(credential.status.as_deref(), Some("redeemed"));
    assert_eq!(
        credential.redeemed_time().unwrap().timestamp(),
        1_379_412_000
    );
}

#[tokio::test]
async fn void_credential_puts_without_a_body_and_parses_the_201() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/v1.0/credentials/578/void")
                .header("x-auth-token", TOKEN)
                .header_missing("content-type")
                .body("");
            then.status(201).json_body(json!({
                "credential": {
                    "id": 578,
                    "status": "voided",
                    "redeemed_at": null,
                    "voided_at": "2013-09-17T11:00:00Z"
                },
                "errors": {}
            }));
        })
        .await;
    let voided = client::<Client>(&server, TOKEN)
        .void_credential()
        .credential_id(578)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(voided.status(), 201);
    let credential = voided.credential.as_ref().unwrap();
    assert_eq!(credential.status.as_deref(), Some("voided"));
    assert_eq!(
        credential.voided_time().unwrap(),
        at("2013-09-17T11:00:00+00:00")
    );
}

#[tokio::test]
async fn redeem_and_void_404() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path_suffix("/redeem");
            then.status(404);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path_suffix("/void");
            then.status(404);
        })
        .await;
    let client = client::<Client>(&server, TOKEN);
    let redeem = client
        .redeem_credential()
        .credential_id(9)
        .send()
        .await
        .unwrap_err();
    let void = client
        .void_credential()
        .credential_id(9)
        .send()
        .await
        .unwrap_err();
    for (error, operation) in [(redeem, "redeem_credential"), (void, "void_credential")] {
        assert_eq!(error.status().unwrap(), 404);
        assert_eq!(error.operation(), Some(operation));
    }
}

// ---------------------------------------------------------------------------------------------
// Identity and key: the client obtains and renews its token

#[tokio::test]
async fn identity_and_key_fetch_a_token_once_and_send_it_on_every_call() {
    let server = MockServer::start_async().await;
    let auth = auth_mock(&server, TOKEN).await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/credentials")
                .header("x-auth-token", TOKEN)
                .header_missing("x-auth-key")
                .header_missing("x-auth-identity");
            then.status(200).json_body(json!({"credentials": []}));
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/credentials/1")
                .header("x-auth-token", TOKEN);
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = identity_client(&server);
    client.list_credentials().send().await.unwrap();
    client.list_credentials().send().await.unwrap();
    client
        .get_credential()
        .credential_id(1)
        .send()
        .await
        .unwrap();
    auth.assert_calls_async(1).await;
    list.assert_calls_async(2).await;
    get.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_sends_the_call_again() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/auth");
            then.status(204)
                .header("x-auth-token", "expired-token")
                .up_to_n_times(1);
        })
        .await;
    let second = auth_mock(&server, "fresh-token").await;
    let stale = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/v1.0/credentials/578/redeem")
                .header("x-auth-token", "expired-token");
            then.status(401);
        })
        .await;
    let fresh = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/v1.0/credentials/578/redeem")
                .header("x-auth-token", "fresh-token");
            then.status(201)
                .json_body(json!({"credential": {"id": 578, "status": "redeemed"}}));
        })
        .await;
    let client = identity_client(&server);
    // A 401 means the server refused the call before doing anything: even redeem, which is
    // never retried after a failure that may have reached the server, is sent again.
    let redeemed = client
        .redeem_credential()
        .credential_id(578)
        .send()
        .await
        .unwrap();
    assert_eq!(redeemed.status(), 201);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    stale.assert_calls_async(1).await;
    fresh.assert_calls_async(1).await;

    // The renewed token is kept for the next calls.
    client
        .redeem_credential()
        .credential_id(578)
        .send()
        .await
        .unwrap();
    second.assert_calls_async(1).await;
    fresh.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_second_401_after_renewal_is_returned() {
    let server = MockServer::start_async().await;
    let auth = auth_mock(&server, TOKEN).await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/credentials/1");
            then.status(401).header("x-request-id", "req-still-401");
        })
        .await;
    let error = identity_client(&server)
        .get_credential()
        .credential_id(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 401);
    assert_eq!(error.request_id(), Some("req-still-401"));
    auth.assert_calls_async(2).await;
    api.assert_calls_async(2).await;
}

#[tokio::test]
async fn refused_identity_and_key_are_an_auth_error_without_the_key() {
    let server = MockServer::start_async().await;
    let auth = server
        .mock_async(|when, then| {
            when.method(GET).path("/auth");
            then.status(401).header("x-request-id", "req-auth-401");
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.path_prefix("/v1.0/");
            then.status(200).json_body(json!({}));
        })
        .await;
    let error = identity_client(&server)
        .create_credential()
        .body(credential_input(1, 2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        api.calls_async().await,
        0,
        "nothing is sent without a token"
    );
    auth.assert_calls_async(1).await;
    assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error:?}");
    assert_eq!(error.operation(), Some("create_credential"));
    assert_eq!(
        error.to_string(),
        "sparkfly create_credential: authentication failed: Sparkfly refused the identity \
         `account-42` and its key (GET /auth answered 401 Unauthorized)"
    );
    // The /auth answer stays reachable as the source.
    let source = std::error::Error::source(&error)
        .and_then(std::error::Error::source)
        .and_then(|e| e.downcast_ref::<Error>())
        .expect("the /auth error is the source");
    assert_eq!(source.status().unwrap(), 401);
    assert_eq!(source.request_id(), Some("req-auth-401"));
    assert!(!error.to_string().contains(KEY));
    assert!(!format!("{error:?}").contains(KEY));
}

#[tokio::test]
async fn concurrent_calls_share_one_token_fetch() {
    let server = MockServer::start_async().await;
    let auth = server
        .mock_async(|when, then| {
            when.method(GET).path("/auth");
            then.status(204)
                .header("x-auth-token", TOKEN)
                .delay(Duration::from_millis(200));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/credentials/7")
                .header("x-auth-token", TOKEN);
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = identity_client(&server);
    let calls = (0..8).map(|_| client.get_credential().credential_id(7).send());
    for answer in futures::future::join_all(calls).await {
        answer.unwrap();
    }
    auth.assert_calls_async(1).await;
    api.assert_calls_async(8).await;
}

#[tokio::test]
async fn the_token_exchange_is_retried_like_any_idempotent_call() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path("/auth");
            then.status(502).up_to_n_times(1);
        })
        .await;
    let auth = auth_mock(&server, TOKEN).await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/credentials")
                .header("x-auth-token", TOKEN);
            then.status(200).json_body(json!({}));
        })
        .await;
    let waits = RecordedWaits::default();
    let client = Client::builder()
        .base_url(server.base_url())
        .retry_policy(waits.policy(RetryPolicy::default()))
        .build_with_identity_and_key(IDENTITY, KEY)
        .unwrap();
    client.list_credentials().send().await.unwrap();
    failing.assert_calls_async(1).await;
    auth.assert_calls_async(1).await;
    api.assert_calls_async(1).await;
    assert_eq!(waits.waits().len(), 1);
}

#[tokio::test]
async fn the_exchanged_token_is_a_sensitive_header() {
    let server = MockServer::start_async().await;
    auth_mock(&server, TOKEN).await;
    let anonymous = client::<Client>(&server, "unused");
    let exchange = TokenExchange::new(IDENTITY, KEY, anonymous);
    assert_eq!(exchange.identity(), IDENTITY);
    assert!(exchange.token().is_none());
    let mut request = reqwest::Request::new(
        reqwest::Method::GET,
        format!("{}/v1.0/credentials", server.base_url())
            .parse()
            .unwrap(),
    );
    exchange.authenticate(&mut request).await.unwrap();
    let header = &request.headers()["x-auth-token"];
    assert_eq!(header, TOKEN);
    assert!(header.is_sensitive());
    assert_eq!(exchange.token().unwrap().expose(), TOKEN);
    assert!(exchange.refresh().await.unwrap());
}

#[tokio::test]
async fn keys_and_tokens_never_appear_in_debug_output() {
    let server = MockServer::start_async().await;
    auth_mock(&server, TOKEN).await;
    server
        .mock_async(|when, then| {
            when.path("/v1.0/credentials");
            then.status(200).json_body(json!({}));
        })
        .await;
    // A client from identity and key, after it has obtained (and cached) its token.
    let renewing = identity_client(&server);
    renewing.list_credentials().send().await.unwrap();
    let printed = format!("{renewing:?}");
    assert!(!printed.contains(KEY), "{printed}");
    assert!(!printed.contains(TOKEN), "{printed}");

    // The exchange itself, with a cached token.
    let exchange = TokenExchange::new(IDENTITY, KEY, client::<Client>(&server, "unused"));
    let mut request =
        reqwest::Request::new(reqwest::Method::GET, server.base_url().parse().unwrap());
    exchange.authenticate(&mut request).await.unwrap();
    let printed = format!("{exchange:?}");
    assert!(!printed.contains(KEY), "{printed}");
    assert!(!printed.contains(TOKEN), "{printed}");
    assert!(printed.contains(IDENTITY), "{printed}");
    assert!(printed.contains("<redacted>"), "{printed}");

    // A client from a token, and the token itself.
    let printed = format!("{:?}", client::<Client>(&server, TOKEN));
    assert!(!printed.contains(TOKEN), "{printed}");
    assert!(printed.contains("x-auth-token: <redacted>"), "{printed}");
    assert_eq!(format!("{:?}", Secret::new(KEY)), "\"<redacted>\"");
}

#[tokio::test]
async fn the_token_can_come_from_the_environment() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/credentials/3")
                .header("x-auth-token", TOKEN);
            then.status(200).json_body(json!({}));
        })
        .await;
    let base_url = server.base_url();
    let client = credkit_sparkfly::ClientBuilder::<Client>::from_lookup(true, |name| match name {
        "SPARKFLY_BASE_URL" => Some(base_url.clone()),
        "SPARKFLY_TOKEN" => Some(TOKEN.to_owned()),
        _ => None,
    })
    .unwrap()
    .retry_policy(RetryPolicy::disabled())
    .build()
    .unwrap();
    client
        .get_credential()
        .credential_id(3)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

// ---------------------------------------------------------------------------------------------
// Hosts

#[test]
fn production_is_the_default_and_staging_is_offered() {
    use credkit_sparkfly::{ClientInfo, Environment, servers};

    let production = Client::builder().token(TOKEN).build().unwrap();
    assert_eq!(production.baseurl(), "https://api.sparkfly.com");
    assert_eq!(servers::PRODUCTION, "https://api.sparkfly.com");
    let staging = Client::builder()
        .environment(Environment::Staging)
        .build_with_identity_and_key(IDENTITY, KEY)
        .unwrap();
    assert_eq!(staging.baseurl(), "https://api-staging.sparkfly.com");
    assert_eq!(servers::STAGING, "https://api-staging.sparkfly.com");
    let error = Client::builder()
        .environment(Environment::Sandbox)
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("offers production, staging"),
        "{error}"
    );
}

#[tokio::test]
async fn update_credential_can_detach_every_offer_with_an_empty_list() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/v1.0/credentials/1009")
                .json_body(json!({ "credential": { "offer_ids": [] } }));
            then.status(201)
                .json_body(json!({ "credential": { "id": 1009, "offer_ids": [] } }));
        })
        .await;
    let answer = client::<Client>(&server, TOKEN)
        .update_credential()
        .credential_id(1009)
        .body(types::CredentialInputRequest {
            credential: Some(types::CredentialInput {
                offer_ids: Some(Vec::new()),
                ..Default::default()
            }),
            printable: None,
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        answer.credential.as_ref().unwrap().offer_ids,
        Some(Vec::new())
    );
}
