//! `ModiSigner` signs each RENTRI request per AgID ModI: a fresh ES256 JWT in `Authorization`,
//! and for requests with a body a `Digest` and an `Agid-JWT-Signature` over digest and content
//! type. Verified here with the public key, as the server would.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use credkit_rentri_ca::{Auth, Client, Environment, ModiSigner, RetryPolicy};
use httpmock::prelude::*;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{EncodePrivateKey as _, LineEnding};
use serde_json::{Value, json};
use sha2::Digest as _;

/// DER bytes standing in for the operator's certificate: only carried in `x5c`, never parsed.
const CERTIFICATE_DER: &[u8] = b"0\x82\x01\x0atest-certificate-der\x00\xff";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32].into()).unwrap()
}

fn signer(environment: Environment) -> ModiSigner {
    let certificate = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        STANDARD.encode(CERTIFICATE_DER)
    );
    let private_key = key().to_pkcs8_pem(LineEnding::LF).unwrap();
    ModiSigner::from_pem(&certificate, &private_key, "01234567890", environment).unwrap()
}

/// Decodes a compact JWS, checks its ES256 signature, and returns (header, claims).
fn verify(token: &str) -> (Value, Value) {
    let (input, signature) = token.rsplit_once('.').unwrap();
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    VerifyingKey::from(&key())
        .verify(input.as_bytes(), &signature)
        .expect("the signature verifies");
    let (header, claims) = input.split_once('.').unwrap();
    let decode = |part: &str| {
        serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    (decode(header), decode(claims))
}

type Seen = Arc<Mutex<Vec<(reqwest::header::HeaderMap, Vec<u8>)>>>;

async fn serve(
    server: &MockServer,
    method: httpmock::Method,
    path: &'static str,
    status: u16,
) -> Seen {
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

fn client(server: &MockServer, environment: Environment) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .auth(Auth::custom(signer(environment)))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_get_carries_a_fresh_id_auth_rest_02_token() {
    let server = MockServer::start_async().await;
    let seen = serve(&server, GET, "/credentials/B4HUPE820/status", 200).await;
    let client = client(&server, Environment::Demo);
    for _ in 0..2 {
        client
            .get_credentials_status()
            .credentials_id("B4HUPE820")
            .send()
            .await
            .unwrap();
    }
    let seen = seen.lock().unwrap();
    let mut ids = Vec::new();
    for (headers, body) in seen.iter() {
        assert!(body.is_empty());
        assert!(headers.get("digest").is_none() && headers.get("agid-jwt-signature").is_none());
        let token = headers["authorization"]
            .to_str()
            .unwrap()
            .strip_prefix("Bearer ")
            .unwrap();
        let (header, claims) = verify(token);
        assert_eq!(
            header,
            json!({ "alg": "ES256", "typ": "JWT", "x5c": [STANDARD.encode(CERTIFICATE_DER)] })
        );
        assert_eq!(claims["aud"], "rentrigov.demo.api");
        assert_eq!(claims["iss"], "01234567890");
        assert_eq!(claims["iat"], claims["nbf"]);
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
            300
        );
        ids.push(claims["jti"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1], "a JWT is never reused");
}

#[tokio::test]
async fn a_body_is_signed_with_digest_and_agid_jwt_signature() {
    let server = MockServer::start_async().await;
    let seen = serve(&server, PUT, "/credentials/B4HUPE820/change-pin", 200).await;
    client(&server, Environment::Production)
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
    let digest = format!("SHA-256={}", STANDARD.encode(sha2::Sha256::digest(body)));
    assert_eq!(headers["digest"], digest.as_str());
    let (_, bearer) = verify(
        headers["authorization"]
            .to_str()
            .unwrap()
            .strip_prefix("Bearer ")
            .unwrap(),
    );
    assert_eq!(bearer["aud"], "rentrigov.api");
    assert!(bearer.get("signed_headers").is_none());
    let (header, claims) = verify(headers["agid-jwt-signature"].to_str().unwrap());
    assert_eq!(header["alg"], "ES256");
    assert_eq!(claims["aud"], "rentrigov.api");
    let content_type = headers["content-type"].to_str().unwrap();
    assert_eq!(
        claims["signed_headers"],
        json!([{ "digest": digest }, { "content-type": content_type }])
    );
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
    client(&server, Environment::Demo)
        .get_boarding_info()
        .qrcode_token(uuid::Uuid::nil())
        .pin("123456")
        .send()
        .await
        .unwrap();
    assert!(seen.lock().unwrap()[0].0.get("authorization").is_none());
}

#[test]
fn bad_keys_and_environments_are_refused_clearly() {
    let certificate = "-----BEGIN CERTIFICATE-----\nMAo=\n-----END CERTIFICATE-----";
    let key = key().to_pkcs8_pem(LineEnding::LF).unwrap();
    let error = ModiSigner::from_pem(certificate, "not a key", "x", Environment::Demo).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the private key is not an EC P-256 key in PEM (PKCS#8 or SEC1)"
    );
    let error = ModiSigner::from_pem("garbage", &key, "x", Environment::Demo).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the certificate is not PEM (no BEGIN CERTIFICATE block)"
    );
    let error = ModiSigner::from_pem(certificate, &key, "x", Environment::Sandbox).unwrap_err();
    assert_eq!(error.to_string(), "RENTRI has no sandbox environment");
    let signer = ModiSigner::from_pem(certificate, &key, "x", Environment::Demo).unwrap();
    assert!(!format!("{signer:?}").contains("BEGIN"), "{signer:?}");
}
