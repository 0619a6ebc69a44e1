//! Operators made at test time: a fresh key (EC P-256 or RSA 2048) and a self-signed
//! certificate with the RENTRI domain certificate's subject layout, so no secret is committed.
//! Tokens are checked here as RENTRI would: decoded and verified with the public key.
// Three test targets include this module (the workspace tests, the modi_signing bench, the
// command line's tests), and each uses only part of it.
#![allow(dead_code)]

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey, VerificationAlgorithm,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, DnValue, KeyPair, PKCS_ECDSA_P256_SHA256,
    PKCS_RSA_SHA256, SignatureAlgorithm,
};
use serde_json::Value;

/// The operator id the test certificates carry, as `CF:IT-<codice fiscale>`.
pub const OPERATOR_ID: &str = "01234567890";

/// X.520 `serialNumber`, where a sigillo certificate carries the holder's identifier.
const SERIAL_NUMBER: [u64; 4] = [2, 5, 4, 5];
/// X.520 `dnQualifier` (`DNQ=RENTRI-<n>` in RENTRI's certificates).
const DN_QUALIFIER: [u64; 4] = [2, 5, 4, 46];

pub struct Operator {
    pub key: KeyPair,
    pub certificate: rcgen::Certificate,
}

impl Operator {
    /// A RENTRI-like operator whose key signs with `algorithm`, valid now.
    pub fn new(algorithm: &'static SignatureAlgorithm) -> Self {
        Self::with(algorithm, |_| {})
    }

    /// Like [`new`](Self::new), with the certificate parameters changed by `adjust`.
    pub fn with(
        algorithm: &'static SignatureAlgorithm,
        adjust: impl FnOnce(&mut CertificateParams),
    ) -> Self {
        let key = KeyPair::generate_for(algorithm).unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name = rentri_subject(Some(OPERATOR_ID));
        adjust(&mut params);
        let certificate = params.self_signed(&key).unwrap();
        Self { key, certificate }
    }

    /// An EC P-256 operator (ES256), like the RENTRI domain certificate.
    pub fn ec() -> Self {
        Self::new(&PKCS_ECDSA_P256_SHA256)
    }

    /// An RSA 2048 operator (RS256), like most CNS and eIDAS certificates.
    pub fn rsa() -> Self {
        Self::new(&PKCS_RSA_SHA256)
    }

    pub fn certificate_der(&self) -> &[u8] {
        self.certificate.der()
    }

    pub fn certificate_pem(&self) -> String {
        self.certificate.pem()
    }

    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    /// A PKCS#12 file with the key and certificate, encrypted with `password` (AES-256, the
    /// writer's default) or, with `legacy`, the older 3DES that many issued files still use.
    pub fn p12(&self, password: &str, legacy: bool) -> Vec<u8> {
        let chain = PrivateKeyChain::new(
            b"operator".as_slice(),
            PrivateKey::from_der(&self.key.serialize_der()).unwrap(),
            [Certificate::from_der(self.certificate_der()).unwrap()],
        );
        let mut store = KeyStore::new();
        store.add_entry("operator", KeyStoreEntry::PrivateKeyChain(chain));
        let writer = store.writer(password);
        let writer = if legacy {
            writer.encryption_algorithm(
                p12_keystore::EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
            )
        } else {
            writer
        };
        writer.write().unwrap()
    }

    /// Decodes a compact JWS, checks its signature with this operator's public key, and
    /// returns (header, claims, signature bytes).
    pub fn verify(&self, token: &str) -> (Value, Value, Vec<u8>) {
        let (input, signature) = token.rsplit_once('.').unwrap();
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        let (header, claims) = input.split_once('.').unwrap();
        let decode = |part: &str| {
            serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
        };
        let header = decode(header);
        let algorithm: &dyn VerificationAlgorithm = match header["alg"].as_str().unwrap() {
            "ES256" => &ECDSA_P256_SHA256_FIXED,
            "RS256" => &RSA_PKCS1_2048_8192_SHA256,
            other => panic!("unexpected alg {other}"),
        };
        UnparsedPublicKey::new(algorithm, self.key.public_key_raw())
            .verify(input.as_bytes(), &signature)
            .expect("the signature verifies with the operator's public key");
        (header, decode(claims), signature)
    }
}

/// The subject layout of a RENTRI domain certificate; `operator_id` goes in `CF:IT-…`.
pub fn rentri_subject(operator_id: Option<&str>) -> DistinguishedName {
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CountryName, "IT");
    subject.push(DnType::OrganizationName, "Rossi Rifiuti S.r.l.");
    subject.push(DnType::CommonName, "Rossi Rifiuti S.r.l.");
    if let Some(id) = operator_id {
        let value = format!("CF:IT-{id}").try_into().unwrap();
        subject.push(
            DnType::CustomDnType(SERIAL_NUMBER.to_vec()),
            DnValue::PrintableString(value),
        );
    }
    let qualifier = "RENTRI-42".try_into().unwrap();
    subject.push(
        DnType::CustomDnType(DN_QUALIFIER.to_vec()),
        DnValue::PrintableString(qualifier),
    );
    subject
}
