//! `ModiSigner` signs each RENTRI request per AgID ModI: a fresh JWT in `Authorization`, and for
//! requests with a body a `Digest` and an `Agid-JWT-Signature` over digest and content type.
//! Each behaviour runs with an EC P-256 (ES256) and an RSA (RS256) operator made at test time,
//! loaded from a `.p12`; httpmock records what arrives and the tokens are verified with the
//! operator's public key, as RENTRI would.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::modi_operator::{OPERATOR_ID, Operator};
use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use credkit_rentri_ca::{Auth, Client, Environment, ModiSigner, RetryPolicy};
use credkit_tests::RecordedWaits;
use httpmock::prelude::*;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

type Seen = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;

/// Answers `status` on `method path` and records the headers and body of each request.
async fn serve(server: &MockServer, method: Method, path: &'static str, status: u16) -> Seen {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    server
        .mock_async(move |when, then| {
            when.method(method).path(path).is_true(move |request| {
                record
                    .lock()
                    .unwrap()
                    .push((request.headers(), request.body_bytes().to_vec()));
                true
            });
            then.status(status).json_body(json!({}));
        })
        .await;
    seen
}

fn client(server: &MockServer, signer: ModiSigner, retry_policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .auth(Auth::custom(signer))
        .retry_policy(retry_policy)
        .build()
        .unwrap()
}

fn signer(operator: &Operator, environment: Environment) -> ModiSigner {
    ModiSigner::from_p12(
        &operator.p12("p12-password", false),
        "p12-password",
        environment,
    )
    .unwrap()
}

fn bearer(headers: &HeaderMap) -> &str {
    headers["authorization"]
        .to_str()
        .unwrap()
        .strip_prefix("Bearer ")
        .unwrap()
}

/// Verifies a ModI token and the header and claims every one carries; returns the claims.
fn check_token(
    operator: &Operator,
    token: &str,
    algorithm: &str,
    audience: &str,
    lifetime: u64,
) -> Value {
    let (header, claims, signature) = operator.verify(token);
    assert_eq!(
        header,
        json!({ "alg": algorithm, "typ": "JWT", "x5c": [STANDARD.encode(operator.certificate_der())] })
    );
    if algorithm == "ES256" {
        assert_eq!(signature.len(), 64, "ES256 is the raw R‖S, not DER");
    }
    assert_eq!(claims["aud"], audience);
    assert_eq!(claims["iss"], OPERATOR_ID);
    assert_eq!(claims["iat"], claims["nbf"]);
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, lifetime);
    assert!(claims["jti"].is_string());
    claims
}

/// Two calls answered 503, each tried three times: six requests, six distinct tokens.
async fn each_call_and_each_retry_gets_a_fresh_token(operator: Operator, algorithm: &str) {
    let server = MockServer::start_async().await;
    let seen = serve(&server, GET, "/credentials/B4HUPE820/status", 503).await;
    let waits = RecordedWaits::default();
    let client = client(
        &server,
        signer(&operator, Environment::Demo),
        waits.policy(RetryPolicy::default().max_attempts(3)),
    );
    for _ in 0..2 {
        let error = client
            .get_credentials_status()
            .credentials_id("B4HUPE820")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 6);
    let mut ids = HashSet::new();
    for (headers, body) in seen.iter() {
        assert!(body.is_empty());
        assert!(headers.get("digest").is_none() && headers.get("agid-jwt-signature").is_none());
        let claims = check_token(
            &operator,
            bearer(headers),
            algorithm,
            "rentrigov.demo.api",
            300,
        );
        ids.insert(claims["jti"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 6, "a JWT is never reused, not even by a retry");
}

#[tokio::test]
async fn es256_each_call_and_each_retry_gets_a_fresh_token() {
    each_call_and_each_retry_gets_a_fresh_token(Operator::ec(), "ES256").await;
}

#[tokio::test]
async fn rs256_each_call_and_each_retry_gets_a_fresh_token() {
    each_call_and_each_retry_gets_a_fresh_token(Operator::rsa(), "RS256").await;
}

/// A PUT in production: `Digest` over the bytes received, `signed_headers` equal to the headers
/// received, both tokens verified; the lifetime is the one configured.
async fn a_body_is_signed_with_digest_and_agid_jwt_signature(operator: Operator, algorithm: &str) {
    let server = MockServer::start_async().await;
    let seen = serve(&server, PUT, "/credentials/B4HUPE820/change-pin", 200).await;
    let signer = signer(&operator, Environment::Production).lifetime(Duration::from_secs(60));
    client(&server, signer, RetryPolicy::disabled())
        .change_pin()
        .credentials_id("B4HUPE820")
        .body_map(|b| b.current_pin("123456").new_pin("987654"))
        .send()
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    let (headers, body) = &seen[0];
    assert_eq!(
        serde_json::from_slice::<Value>(body).unwrap(),
        json!({"current_pin": "123456", "new_pin": "987654"})
    );
    let digest = format!("SHA-256={}", STANDARD.encode(digest(&SHA256, body)));
    assert_eq!(headers["digest"], digest.as_str());

    let authorization = check_token(&operator, bearer(headers), algorithm, "rentrigov.api", 60);
    assert!(authorization.get("signed_headers").is_none());
    let signature = headers["agid-jwt-signature"].to_str().unwrap();
    let claims = check_token(&operator, signature, algorithm, "rentrigov.api", 60);
    assert_ne!(authorization["jti"], claims["jti"]);
    assert_eq!(
        claims["signed_headers"],
        json!([
            { "digest": headers["digest"].to_str().unwrap() },
            { "content-type": headers["content-type"].to_str().unwrap() },
        ])
    );
}

#[tokio::test]
async fn es256_a_body_is_signed_with_digest_and_agid_jwt_signature() {
    a_body_is_signed_with_digest_and_agid_jwt_signature(Operator::ec(), "ES256").await;
}

#[tokio::test]
async fn rs256_a_body_is_signed_with_digest_and_agid_jwt_signature() {
    a_body_is_signed_with_digest_and_agid_jwt_signature(Operator::rsa(), "RS256").await;
}

#[tokio::test]
async fn boarding_stays_anonymous() {
    let server = MockServer::start_async().await;
    let seen = serve(
        &server,
        GET,
        "/credentials/boarding/00000000-0000-0000-0000-000000000000",
        200,
    )
    .await;
    let signer = signer(&Operator::ec(), Environment::Demo);
    client(&server, signer, RetryPolicy::disabled())
        .get_boarding_info()
        .qrcode_token(uuid::Uuid::nil())
        .pin("123456")
        .send()
        .await
        .unwrap();
    let headers = &seen.lock().unwrap()[0].0;
    for name in ["authorization", "digest", "agid-jwt-signature"] {
        assert!(headers.get(name).is_none(), "boarding sent {name}");
    }
}
