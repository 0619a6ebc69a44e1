//! Why a [`ModiSigner`](crate::ModiSigner) could not be built: found when the client is set up,
//! not on its first call. No variant carries the password or any key material.

use credkit_runtime::Environment;

/// A certificate, key or environment that RENTRI's request signing cannot use.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModiError {
    /// RENTRI has only `Demo` and `Production`.
    #[error("RENTRI has no {0} environment (only demo and production)")]
    Environment(Environment),
    /// The `.p12` file's integrity check failed: the password is not the file's.
    #[error("the .p12 file could not be opened: wrong password")]
    WrongPassword,
    /// The `.p12` file is damaged or uses a scheme that cannot be read.
    #[error("the .p12 file could not be read: {0}")]
    P12(String),
    /// The `.p12` file holds no private key together with its certificate.
    #[error("the .p12 file holds no private key with its certificate")]
    NoKeyInP12,
    /// A PEM input lacks the expected block, or the block is malformed.
    #[error("{0}")]
    Pem(String),
    /// The certificate is not a readable X.509 certificate.
    #[error("the certificate is not a valid X.509 certificate: {0}")]
    Certificate(String),
    /// The certificate's key is neither EC P-256 nor RSA.
    #[error("the certificate's key is {0}; RENTRI accepts EC P-256 (ES256) and RSA (RS256) keys")]
    UnsupportedKeyType(String),
    /// The private key cannot be read as a key of the certificate's type.
    #[error("the private key is not a usable {expected} key ({reason})")]
    PrivateKey {
        /// The certificate's key type.
        expected: &'static str,
        /// What the cryptographic library said (no key material).
        reason: String,
    },
    /// The private key is of the right type but belongs to another certificate.
    #[error("the private key does not belong to the certificate")]
    KeyMismatch,
    /// The certificate's `notAfter` has passed.
    #[error("the certificate expired on {0}")]
    Expired(String),
    /// The certificate's `notBefore` is still to come.
    #[error("the certificate is not valid before {0}")]
    NotYetValid(String),
    /// The certificate subject carries no `CF:IT-…` operator id to use as `iss`.
    #[error(
        "the certificate subject ({0}) has no operator id (CF:IT-...); give it with ModiSigner::with_issuer"
    )]
    NoOperatorId(String),
}
