//! Building a `ModiSigner`: from a `.p12` (modern and legacy encryption) or PEM, with `iss`
//! from the certificate subject or given, around a signer of one's own; and every certificate,
//! key, password or environment it cannot use refused when the client is set up, with an error
//! that names the problem and shows no secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::modi_operator::{OPERATOR_ID, Operator, rentri_subject};
use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use credkit_rentri_ca::{
    AuthError, Authenticator, BoxFuture, CertificateKey, Environment, JwsAlgorithm, JwsSigner,
    ModiError, ModiSigner,
};
use rcgen::{PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384, PKCS_ED25519, date_time_ymd};
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";

/// Signs a PUT with a body and returns the claims of (Authorization, Agid-JWT-Signature), each
/// verified with `operator`'s public key.
async fn signed_claims(signer: &ModiSigner, operator: &Operator) -> (Value, Value) {
    let mut request = reqwest::Request::new(
        reqwest::Method::PUT,
        "https://demoapi.rentri.gov.it/ca-rentri/v1.0/credentials/B4HUPE820/change-pin"
            .parse()
            .unwrap(),
    );
    *request.body_mut() = Some(r#"{"current_pin":"123456","new_pin":"987654"}"#.into());
    signer.authenticate(&mut request).await.unwrap();
    let header = |name: &str| request.headers()[name].to_str().unwrap().to_owned();
    let bearer = header("authorization");
    let (_, authorization, _) = operator.verify(bearer.strip_prefix("Bearer ").unwrap());
    let (_, signature, _) = operator.verify(&header("agid-jwt-signature"));
    (authorization, signature)
}

#[tokio::test]
async fn p12_files_load_with_their_password_in_either_encryption() {
    for operator in [Operator::ec(), Operator::rsa()] {
        for legacy in [false, true] {
            let p12 = operator.p12(PASSWORD, legacy);
            let signer = ModiSigner::from_p12(&p12, PASSWORD, Environment::Demo).unwrap();
            let (authorization, _) = signed_claims(&signer, &operator).await;
            assert_eq!(authorization["iss"], OPERATOR_ID);
            assert_eq!(authorization["aud"], "rentrigov.demo.api");
        }
    }
}

#[tokio::test]
async fn pem_certificate_and_key_load_too() {
    for (operator, algorithm) in [(Operator::ec(), "ES256"), (Operator::rsa(), "RS256")] {
        let key =
            CertificateKey::from_pem(&operator.certificate_pem(), &operator.key_pem()).unwrap();
        assert_eq!(key.algorithm().name(), algorithm);
        assert_eq!(key.certificate_der(), operator.certificate_der());
        let signer = ModiSigner::new(key, Environment::Production).unwrap();
        let (authorization, signature) = signed_claims(&signer, &operator).await;
        assert_eq!(authorization["aud"], "rentrigov.api");
        assert_eq!(signature["iss"], OPERATOR_ID);
    }
}

/// The EC key in its own SEC1 form (`EC PRIVATE KEY`), as `openssl pkcs12 -nocerts` may give it.
fn sec1_key_pem(operator: &Operator) -> String {
    let key = EcdsaKeyPair::from_pkcs8(
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        &operator.key.serialize_der(),
    )
    .unwrap();
    let der = key.private_key().as_der().unwrap();
    let body = STANDARD.encode(der.as_ref());
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

#[tokio::test]
async fn an_ec_key_in_sec1_form_loads_too() {
    let operator = Operator::ec();
    let signer = ModiSigner::from_pem(
        &operator.certificate_pem(),
        &sec1_key_pem(&operator),
        Environment::Demo,
    )
    .unwrap();
    let (authorization, _) = signed_claims(&signer, &operator).await;
    assert_eq!(authorization["iss"], OPERATOR_ID);
}

/// A stand-in for an HSM: it owns the signing and counts what it is asked to sign.
struct CountingSigner {
    key: CertificateKey,
    signatures: AtomicUsize,
}

impl JwsSigner for CountingSigner {
    fn algorithm(&self) -> JwsAlgorithm {
        self.key.algorithm()
    }

    fn certificate_der(&self) -> &[u8] {
        self.key.certificate_der()
    }

    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, AuthError>> {
        self.signatures.fetch_add(1, Ordering::SeqCst);
        self.key.sign(signing_input)
    }
}

#[tokio::test]
async fn a_signer_of_ones_own_gets_the_same_tokens() {
    let operator = Operator::ec();
    let key = CertificateKey::from_pem(&operator.certificate_pem(), &operator.key_pem()).unwrap();
    let counting = Arc::new(CountingSigner {
        key,
        signatures: AtomicUsize::new(0),
    });
    let signer = ModiSigner::new(counting.clone(), Environment::Demo).unwrap();
    let (authorization, signature) = signed_claims(&signer, &operator).await;
    assert_eq!(authorization["iss"], OPERATOR_ID);
    assert!(signature["signed_headers"].is_array());
    assert_eq!(counting.signatures.load(Ordering::SeqCst), 2);
}

#[test]
fn a_wrong_password_is_named_and_not_shown() {
    let p12 = Operator::ec().p12(PASSWORD, false);
    let error = ModiSigner::from_p12(&p12, "Tr0ub4dor&3", Environment::Demo).unwrap_err();
    assert!(matches!(error, ModiError::WrongPassword), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the .p12 file could not be opened: wrong password"
    );
}

#[test]
fn keys_other_than_ec_p256_and_rsa_are_refused() {
    for (algorithm, named) in [
        (&PKCS_ECDSA_P384_SHA384, "EC secp384r1"),
        (&PKCS_ED25519, "ed25519"),
    ] {
        let operator = Operator::new(algorithm);
        let error =
            ModiSigner::from_p12(&operator.p12(PASSWORD, false), PASSWORD, Environment::Demo)
                .unwrap_err();
        assert!(
            matches!(error, ModiError::UnsupportedKeyType(_)),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!(
                "the certificate's key is {named}; RENTRI accepts EC P-256 (ES256) and RSA (RS256) keys"
            )
        );
    }
}

/// The error building a signer from a certificate valid from the start of `from` to `to`.
fn signer_error_for_validity(from: i32, to: i32) -> ModiError {
    let operator = Operator::with(&PKCS_ECDSA_P256_SHA256, |params| {
        params.not_before = date_time_ymd(from, 1, 1);
        params.not_after = date_time_ymd(to, 1, 1);
    });
    ModiSigner::from_pem(
        &operator.certificate_pem(),
        &operator.key_pem(),
        Environment::Demo,
    )
    .unwrap_err()
}

#[test]
fn certificates_outside_their_validity_are_refused() {
    let error = signer_error_for_validity(2023, 2024);
    assert!(matches!(error, ModiError::Expired(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("the certificate expired on Jan  1 00:00:00 2024"),
        "{error}"
    );
    let error = signer_error_for_validity(4000, 4001);
    assert!(matches!(error, ModiError::NotYetValid(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("the certificate is not valid before Jan  1 00:00:00 4000"),
        "{error}"
    );
}

#[tokio::test]
async fn a_subject_without_an_operator_id_needs_the_issuer_given() {
    let operator = Operator::with(&PKCS_ECDSA_P256_SHA256, |params| {
        params.distinguished_name = rentri_subject(None);
    });
    let key =
        || CertificateKey::from_pem(&operator.certificate_pem(), &operator.key_pem()).unwrap();
    let error = ModiSigner::new(key(), Environment::Demo).unwrap_err();
    assert!(matches!(error, ModiError::NoOperatorId(_)), "{error:?}");
    assert!(
        error.to_string().contains("has no operator id (CF:IT-...)"),
        "{error}"
    );

    let signer = ModiSigner::with_issuer(key(), "RSSMRA80A01H501U", Environment::Demo).unwrap();
    let (authorization, signature) = signed_claims(&signer, &operator).await;
    assert_eq!(authorization["iss"], "RSSMRA80A01H501U");
    assert_eq!(signature["iss"], "RSSMRA80A01H501U");
}

#[test]
fn a_key_of_another_certificate_is_refused() {
    let operator = Operator::ec();
    let error = CertificateKey::from_pem(&operator.certificate_pem(), &Operator::ec().key_pem())
        .unwrap_err();
    assert!(matches!(error, ModiError::KeyMismatch), "{error:?}");

    let error = CertificateKey::from_pem(&operator.certificate_pem(), &Operator::rsa().key_pem())
        .unwrap_err();
    assert!(
        matches!(
            error,
            ModiError::PrivateKey {
                expected: "EC P-256",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn inputs_that_are_not_pem_or_p12_and_environments_rentri_lacks_are_refused() {
    let operator = Operator::rsa();
    let error = CertificateKey::from_pem("not a certificate", &operator.key_pem()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the certificate PEM has no certificate block"
    );
    let error = CertificateKey::from_pem(&operator.certificate_pem(), "").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the private key PEM has no private key block"
    );
    let error = ModiSigner::from_p12(b"not a p12 file", PASSWORD, Environment::Demo).unwrap_err();
    assert!(matches!(error, ModiError::P12(_)), "{error:?}");
    let error = ModiSigner::from_pem(
        &operator.certificate_pem(),
        &operator.key_pem(),
        Environment::Sandbox,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "RENTRI has no sandbox environment (only demo and production)"
    );
}

#[test]
fn debug_shows_no_key_and_no_password() {
    let operator = Operator::rsa();
    let key_body: String = operator.key_pem().lines().nth(1).unwrap().to_owned();
    let signer =
        ModiSigner::from_p12(&operator.p12(PASSWORD, false), PASSWORD, Environment::Demo).unwrap();
    let key = CertificateKey::from_pem(&operator.certificate_pem(), &operator.key_pem()).unwrap();
    for shown in [format!("{signer:?}"), format!("{key:?}")] {
        assert!(
            !shown.contains(&key_body) && !shown.contains(PASSWORD),
            "{shown}"
        );
        assert!(shown.contains("Rs256"), "{shown}");
    }
    assert!(format!("{signer:?}").contains(OPERATOR_ID));
}
