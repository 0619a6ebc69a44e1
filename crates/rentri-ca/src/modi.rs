//! Signing each request the way RENTRI requires: AgID ModI `ID_AUTH_REST_02` (a fresh JWT in
//! `Authorization: Bearer`) and, for requests with a body, `INTEGRITY_REST_01` (`Digest` plus an
//! `Agid-JWT-Signature` JWT that signs the digest and the content type).
//!
//! Tokens are ES256 (the RENTRI domain certificate is an EC P-256 key), carry the leaf
//! certificate in `x5c`, and are never reused: RENTRI refuses a JWT it has already seen.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use credkit_runtime::{AuthError, Authenticator, BoxFuture, Environment, sensitive_header};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::DecodePrivateKey as _;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const DIGEST: HeaderName = HeaderName::from_static("digest");
const AGID_JWT_SIGNATURE: HeaderName = HeaderName::from_static("agid-jwt-signature");

/// An [`Authenticator`] that signs every RENTRI request with the operator's certificate.
///
/// ```no_run
/// use credkit_rentri_ca::{Auth, Client, Environment, ModiSigner};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // From the RENTRI domain certificate (.p12), e.g.:
/// //   openssl pkcs12 -in cert.p12 -clcerts -nokeys -out cert.pem
/// //   openssl pkcs12 -in cert.p12 -nocerts -nodes -out key.pem
/// let signer = ModiSigner::from_pem(
///     &std::fs::read_to_string("cert.pem")?,
///     &std::fs::read_to_string("key.pem")?,
///     "01234567890", // the operator's codice fiscale, as in the certificate subject
///     Environment::Demo,
/// )?;
/// let client = Client::builder().environment(Environment::Demo).auth(Auth::custom(signer)).build()?;
/// # Ok(()) }
/// ```
pub struct ModiSigner {
    key: SigningKey,
    certificate: String,
    issuer: String,
    audience: &'static str,
    lifetime: Duration,
}

impl ModiSigner {
    /// A signer from the operator's leaf certificate and its EC P-256 private key, both PEM
    /// (the key as PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`). `issuer` is the operator
    /// identifier of the certificate subject; `environment` chooses the audience
    /// (`rentrigov.api` or `rentrigov.demo.api`), which must match the certificate's.
    pub fn from_pem(
        certificate_pem: &str,
        private_key_pem: &str,
        issuer: impl Into<String>,
        environment: Environment,
    ) -> Result<Self, AuthError> {
        let audience = match environment {
            Environment::Production => "rentrigov.api",
            Environment::Demo => "rentrigov.demo.api",
            other => return Err(AuthError::new(format!("RENTRI has no {other} environment"))),
        };
        let key = SigningKey::from_pkcs8_pem(private_key_pem)
            .or_else(|_| p256::SecretKey::from_sec1_pem(private_key_pem).map(SigningKey::from))
            .map_err(|_| {
                AuthError::new("the private key is not an EC P-256 key in PEM (PKCS#8 or SEC1)")
            })?;
        Ok(Self {
            key,
            certificate: certificate_der_base64(certificate_pem)?,
            issuer: issuer.into(),
            audience,
            lifetime: Duration::from_secs(300),
        })
    }

    /// How long each token is valid (default 5 minutes, as in RENTRI's own examples).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    fn token(&self, extra: Option<(&str, Value)>) -> Result<String, AuthError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| AuthError::new("the system clock is before 1970"))?
            .as_secs();
        let header = json!({ "alg": "ES256", "typ": "JWT", "x5c": [self.certificate] });
        let mut claims = json!({
            "aud": self.audience,
            "iss": self.issuer,
            "jti": uuid::Uuid::new_v4().to_string(),
            "iat": now,
            "nbf": now,
            "exp": now + self.lifetime.as_secs(),
        });
        if let Some((name, value)) = extra {
            claims[name] = value;
        }
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        // ES256 in JWS is the raw 64-byte r‖s, not DER.
        let signature: Signature = self.key.sign(input.as_bytes());
        Ok(format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        ))
    }
}

impl Authenticator for ModiSigner {
    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let bearer = format!("Bearer {}", self.token(None)?);
            request
                .headers_mut()
                .insert(AUTHORIZATION, sensitive_header(&bearer)?);
            let Some(body) = request.body().and_then(reqwest::Body::as_bytes) else {
                return Ok(());
            };
            let digest = format!("SHA-256={}", STANDARD.encode(Sha256::digest(body)));
            let content_type = request
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_owned();
            let signed_headers = json!([{ "digest": digest }, { "content-type": content_type }]);
            let signature = self.token(Some(("signed_headers", signed_headers)))?;
            let headers = request.headers_mut();
            headers.insert(DIGEST, sensitive_header(&digest)?);
            headers.insert(AGID_JWT_SIGNATURE, sensitive_header(&signature)?);
            Ok(())
        })
    }
}

impl std::fmt::Debug for ModiSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModiSigner")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

/// The first certificate of a PEM file, as the standard base64 of its DER that `x5c` holds.
fn certificate_der_base64(pem: &str) -> Result<String, AuthError> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let body = pem
        .split_once(BEGIN)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(body, _)| body.split_whitespace().collect::<String>())
        .ok_or_else(|| AuthError::new("the certificate is not PEM (no BEGIN CERTIFICATE block)"))?;
    let der = STANDARD
        .decode(&body)
        .map_err(|_| AuthError::new("the certificate's PEM body is not base64"))?;
    Ok(STANDARD.encode(der))
}
