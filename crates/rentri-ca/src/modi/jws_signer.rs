//! The signing step of a ModI token, kept apart from building the token so that a key held by
//! an HSM or a remote signing service can stand in for a key file.

use std::sync::Arc;

use credkit_runtime::{AuthError, BoxFuture};

/// The JWS algorithms RENTRI accepts: the ones its official samples use for EC and RSA keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwsAlgorithm {
    /// ECDSA over P-256 with SHA-256 (the RENTRI domain certificate's key).
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RSA keys, as on most CNS and eIDAS certificates).
    Rs256,
}

impl JwsAlgorithm {
    /// The JOSE `alg` value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
        }
    }
}

/// Signs ModI tokens with the key of the operator's certificate.
///
/// [`ModiSigner`](crate::ModiSigner) builds the tokens, the `Digest` and the headers, and calls
/// this only for the signature. [`CertificateKey`](crate::CertificateKey) implements it with a
/// key from a `.p12` or PEM file; implement it yourself to sign with an HSM or a remote signer.
pub trait JwsSigner: Send + Sync {
    /// The algorithm [`sign`](Self::sign) uses; it becomes the token's `alg`.
    fn algorithm(&self) -> JwsAlgorithm;

    /// The DER of the operator's leaf certificate: sent in `x5c`, and read once for its
    /// validity and the operator id.
    fn certificate_der(&self) -> &[u8];

    /// The JWS signature of `signing_input` (`base64url(header).base64url(claims)`): for ES256
    /// the 64-byte `R‖S` (not DER), for RS256 the PKCS#1 v1.5 signature.
    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, AuthError>>;
}

/// A shared signer signs as itself, so a caller can keep a handle on the one it hands over.
impl<S: JwsSigner + ?Sized> JwsSigner for Arc<S> {
    fn algorithm(&self) -> JwsAlgorithm {
        (**self).algorithm()
    }

    fn certificate_der(&self) -> &[u8] {
        (**self).certificate_der()
    }

    fn sign<'a>(&'a self, signing_input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, AuthError>> {
        (**self).sign(signing_input)
    }
}
