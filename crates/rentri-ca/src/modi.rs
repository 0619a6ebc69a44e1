//! Signing each request the way RENTRI requires: AgID ModI `ID_AUTH_REST_02` (a fresh JWT in
//! `Authorization: Bearer`) and, for requests with a body, `INTEGRITY_REST_01` (`Digest` plus an
//! `Agid-JWT-Signature` JWT that signs the digest and the content type).
//!
//! Tokens carry the leaf certificate in `x5c` and are never reused: RENTRI refuses a JWT it has
//! already seen, so each request and each retry gets new ones.

mod certificate;
mod certificate_key;
mod error;
mod jws_signer;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use credkit_runtime::{AuthError, Authenticator, BoxFuture, Environment, sensitive_header};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName};
use serde_json::{Value, json};

pub use certificate_key::CertificateKey;
pub use error::ModiError;
pub use jws_signer::{JwsAlgorithm, JwsSigner};

const DIGEST: HeaderName = HeaderName::from_static("digest");
const AGID_JWT_SIGNATURE: HeaderName = HeaderName::from_static("agid-jwt-signature");

/// An [`Authenticator`] that signs every RENTRI request with the operator's certificate.
///
/// ```no_run
/// use credkit_rentri_ca::{Auth, Client, Environment, ModiSigner};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let p12 = std::fs::read("operator.p12")?;
/// let password = std::env::var("RENTRI_P12_PASSWORD")?;
/// let signer = ModiSigner::from_p12(&p12, &password, Environment::Demo)?;
/// let client = Client::builder().environment(Environment::Demo).auth(Auth::custom(signer)).build()?;
/// # Ok(()) }
/// ```
pub struct ModiSigner {
    signer: Box<dyn JwsSigner>,
    /// `base64url` of the JOSE header, the same for every token.
    header: String,
    issuer: String,
    audience: &'static str,
    lifetime: Duration,
}

impl ModiSigner {
    /// A signer from the operator's PKCS#12 file (the `.p12` RENTRI issues) and its password.
    /// `iss` is the operator id of the certificate subject; `environment` chooses `aud`.
    pub fn from_p12(
        p12: &[u8],
        password: &str,
        environment: Environment,
    ) -> Result<Self, ModiError> {
        Self::new(CertificateKey::from_p12(p12, password)?, environment)
    }

    /// A signer from the operator's leaf certificate and private key, both PEM (see
    /// [`CertificateKey::from_pem`]). `iss` and `aud` as for [`from_p12`](Self::from_p12).
    pub fn from_pem(
        certificate_pem: &str,
        private_key_pem: &str,
        environment: Environment,
    ) -> Result<Self, ModiError> {
        Self::new(
            CertificateKey::from_pem(certificate_pem, private_key_pem)?,
            environment,
        )
    }

    /// A signer around any [`JwsSigner`] (an HSM, a remote signing service). `iss` is the
    /// `CF:IT-…` operator id of the certificate subject, without `CF:IT-`.
    pub fn new(
        signer: impl JwsSigner + 'static,
        environment: Environment,
    ) -> Result<Self, ModiError> {
        Self::build(Box::new(signer), None, environment)
    }

    /// Like [`new`](Self::new), with `iss` given: for certificates whose subject carries the
    /// operator id in another form (a CNS, an eIDAS seal), or to act for another operator id.
    pub fn with_issuer(
        signer: impl JwsSigner + 'static,
        issuer: impl Into<String>,
        environment: Environment,
    ) -> Result<Self, ModiError> {
        Self::build(Box::new(signer), Some(issuer.into()), environment)
    }

    /// How long each token is valid (default 5 minutes, as in RENTRI's own examples).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    fn build(
        signer: Box<dyn JwsSigner>,
        issuer: Option<String>,
        environment: Environment,
    ) -> Result<Self, ModiError> {
        let audience = match environment {
            Environment::Production => "rentrigov.api",
            Environment::Demo => "rentrigov.demo.api",
            other => return Err(ModiError::Environment(other)),
        };
        let parsed = certificate::parse(signer.certificate_der())?;
        certificate::check_validity(&parsed)?;
        let issuer = match issuer {
            Some(issuer) => issuer,
            None => certificate::operator_id(&parsed)?,
        };
        let header = json!({
            "alg": signer.algorithm().name(),
            "typ": "JWT",
            "x5c": [STANDARD.encode(signer.certificate_der())],
        });
        Ok(Self {
            header: URL_SAFE_NO_PAD.encode(header.to_string()),
            signer,
            issuer,
            audience,
            lifetime: Duration::from_secs(300),
        })
    }

    /// A new signed token; `signed_headers` is added for `Agid-JWT-Signature`.
    async fn token(&self, signed_headers: Option<Value>) -> Result<String, AuthError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| AuthError::new("the system clock is before 1970"))?
            .as_secs();
        let mut claims = json!({
            "aud": self.audience,
            "iss": self.issuer,
            "jti": uuid::Uuid::new_v4().to_string(),
            "iat": now,
            "nbf": now,
            "exp": now + self.lifetime.as_secs(),
        });
        if let Some(signed_headers) = signed_headers {
            claims["signed_headers"] = signed_headers;
        }
        let input = format!(
            "{}.{}",
            self.header,
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.signer.sign(input.as_bytes()).await?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

impl Authenticator for ModiSigner {
    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let bearer = format!("Bearer {}", self.token(None).await?);
            request
                .headers_mut()
                .insert(AUTHORIZATION, sensitive_header(&bearer)?);
            let Some(body) = request.body().and_then(reqwest::Body::as_bytes) else {
                return Ok(());
            };
            let digest = format!("SHA-256={}", STANDARD.encode(digest(&SHA256, body)));
            // AgID: the digest, and the content type when there is one, as sent.
            let mut signed_headers = vec![json!({ "digest": digest })];
            if let Some(content_type) = request.headers().get(CONTENT_TYPE) {
                let content_type = content_type
                    .to_str()
                    .map_err(|_| AuthError::new("the Content-Type header is not plain text"))?;
                signed_headers.push(json!({ "content-type": content_type }));
            }
            let signature = self.token(Some(Value::Array(signed_headers))).await?;
            let headers = request.headers_mut();
            headers.insert(DIGEST, sensitive_header(&digest)?);
            headers.insert(AGID_JWT_SIGNATURE, sensitive_header(&signature)?);
            Ok(())
        })
    }

    /// The operator id and certificate (both public): clients that sign with the same
    /// certificate for the same operator share RENTRI's quota, also across processes.
    fn identity(&self) -> Option<Vec<u8>> {
        let mut identity = self.issuer.as_bytes().to_vec();
        identity.push(0);
        identity.extend_from_slice(self.signer.certificate_der());
        Some(identity)
    }
}

impl std::fmt::Debug for ModiSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModiSigner")
            .field("algorithm", &self.signer.algorithm())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}
