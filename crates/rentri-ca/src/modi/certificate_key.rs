//! The operator's certificate and its private key, loaded from the `.p12` RENTRI issues or from
//! PEM files, signing with aws-lc-rs (constant-time ECDSA P-256 and RSA PKCS#1 v1.5).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair,
};
use credkit_runtime::{AuthError, BoxFuture};
use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
use x509_parser::pem::Pem;

use super::{JwsAlgorithm, JwsSigner, ModiError, certificate};

/// A [`JwsSigner`] holding the operator's certificate and private key in memory.
///
/// Loading checks that the key is EC P-256 or RSA and that it belongs to the certificate.
/// Neither `Debug` nor any error shows the key or the password.
pub struct CertificateKey {
    key: Key,
    certificate_der: Vec<u8>,
}

enum Key {
    Ec(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

impl CertificateKey {
    /// The key and leaf certificate of a PKCS#12 file (the `.p12` RENTRI issues), opened with
    /// its password.
    pub fn from_p12(p12: &[u8], password: &str) -> Result<Self, ModiError> {
        let store =
            KeyStore::from_pkcs12(p12, password, Pkcs12ImportPolicy::Strict).map_err(|error| {
                match error {
                    p12_keystore::error::Error::MacError(_) => ModiError::WrongPassword,
                    other => ModiError::P12(other.to_string()),
                }
            })?;
        let (_, chain) = store.private_key_chain().ok_or(ModiError::NoKeyInP12)?;
        let leaf = chain.certs().first().ok_or(ModiError::NoKeyInP12)?;
        Self::from_der(leaf.as_der().to_vec(), chain.key().as_der())
    }

    /// The leaf certificate (the first `CERTIFICATE` block) and an unencrypted private key
    /// (`PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY`), both PEM.
    pub fn from_pem(certificate_pem: &str, private_key_pem: &str) -> Result<Self, ModiError> {
        let certificate = pem_block(certificate_pem, "certificate", |label| {
            label == "CERTIFICATE"
        })?;
        let key = pem_block(private_key_pem, "private key", |label| {
            label.ends_with("PRIVATE KEY")
        })?;
        if key.label == "ENCRYPTED PRIVATE KEY" {
            return Err(ModiError::Pem(
                "the private key PEM is encrypted: decrypt it, or load the .p12 file".into(),
            ));
        }
        Self::from_der(certificate.contents, &key.contents)
    }

    /// `private_key_der` is PKCS#8, or the key type's own form (SEC1 for EC, PKCS#1 for RSA).
    fn from_der(certificate_der: Vec<u8>, private_key_der: &[u8]) -> Result<Self, ModiError> {
        let parsed = certificate::parse(&certificate_der)?;
        let (key, public_key) = match certificate::key_algorithm(&parsed)? {
            JwsAlgorithm::Es256 => {
                let key = EcdsaKeyPair::from_private_key_der(
                    &ECDSA_P256_SHA256_FIXED_SIGNING,
                    private_key_der,
                )
                .map_err(|e| unusable_key("EC P-256", &e))?;
                let public_key = key.public_key().as_ref().to_vec();
                (Key::Ec(key), public_key)
            }
            JwsAlgorithm::Rs256 => {
                let key = RsaKeyPair::from_pkcs8(private_key_der)
                    .or_else(|_| RsaKeyPair::from_der(private_key_der))
                    .map_err(|e| unusable_key("RSA", &e))?;
                let public_key = key.public_key().as_ref().to_vec();
                (Key::Rsa(key), public_key)
            }
        };
        if public_key != certificate::public_key(&parsed) {
            return Err(ModiError::KeyMismatch);
        }
        Ok(Self {
            key,
            certificate_der,
        })
    }
}

fn unusable_key(expected: &'static str, reason: &impl std::fmt::Display) -> ModiError {
    ModiError::PrivateKey {
        expected,
        reason: reason.to_string(),
    }
}

/// The first PEM block whose label `wanted` accepts.
fn pem_block(pem: &str, what: &str, wanted: impl Fn(&str) -> bool) -> Result<Pem, ModiError> {
    for block in Pem::iter_from_buffer(pem.as_bytes()) {
        let block =
            block.map_err(|e| ModiError::Pem(format!("the {what} PEM is malformed: {e}")))?;
        if wanted(&block.label) {
            return Ok(block);
        }
    }
    Err(ModiError::Pem(format!(
        "the {what} PEM has no {what} block"
    )))
}

impl JwsSigner for CertificateKey {
    fn algorithm(&self) -> JwsAlgorithm {
        match self.key {
            Key::Ec(_) => JwsAlgorithm::Es256,
            Key::Rsa(_) => JwsAlgorithm::Rs256,
        }
    }

    fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, AuthError>> {
        // aws-lc-rs ignores the generator (its ECDSA nonces are its own); the API asks for one.
        let random = SystemRandom::new();
        let signature = match &self.key {
            Key::Ec(key) => key
                .sign(&random, signing_input)
                .map(|signature| signature.as_ref().to_vec()),
            Key::Rsa(key) => {
                let mut signature = vec![0; key.public_modulus_len()];
                key.sign(&RSA_PKCS1_SHA256, &random, signing_input, &mut signature)
                    .map(|()| signature)
            }
        };
        let result = signature.map_err(|_| AuthError::new("signing the ModI token failed"));
        Box::pin(std::future::ready(result))
    }
}

impl std::fmt::Debug for CertificateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateKey")
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}
