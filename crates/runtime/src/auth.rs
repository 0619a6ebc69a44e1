//! How a client proves who it is: a static bearer token or API key, or an [`Authenticator`]
//! that signs each request (RENTRI's per-request JWTs) or exchanges credentials for a token
//! (Sparkfly's `GET /auth`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::secret::Secret;

/// A boxed, sendable future, as returned by [`Authenticator`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Adds credentials to requests. Implement it for schemes a static token cannot express:
/// a JWT signed per request, a token obtained by exchange and renewed on `401`.
pub trait Authenticator: Send + Sync {
    /// Adds credentials to a request about to be sent (called again for each retry).
    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), AuthError>>;

    /// Called once when the server answers `401 Unauthorized`. Return `Ok(true)` when new
    /// credentials were obtained and the request should be sent once more.
    fn refresh(&self) -> BoxFuture<'_, Result<bool, AuthError>> {
        Box::pin(async { Ok(false) })
    }

    /// Bytes that name the credential without being secret (a certificate, an account id), so
    /// that clients with the same credential share its quota, also across processes
    /// ([`crate::RateLimit`]). Only a fingerprint of them is kept. `None` (the default): only
    /// the clients built with this same authenticator share a quota, in this process.
    fn identity(&self) -> Option<Vec<u8>> {
        None
    }
}

/// The credentials of a client.
#[derive(Clone, Default)]
pub enum Auth {
    /// No credentials: only anonymous operations will succeed.
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// A token in a header of its own, e.g. Sparkfly's `X-Auth-Token`.
    Header {
        /// The header's name.
        name: HeaderName,
        /// The token.
        value: Secret,
    },
    /// Credentials added by an [`Authenticator`].
    Custom(Arc<dyn Authenticator>),
}

impl Auth {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Self::Bearer(token.into())
    }

    /// A token sent in the header `name`.
    pub fn header(name: &'static str, token: impl Into<Secret>) -> Self {
        Self::Header {
            name: HeaderName::from_static(name),
            value: token.into(),
        }
    }

    /// Credentials added by an [`Authenticator`].
    pub fn custom(authenticator: impl Authenticator + 'static) -> Self {
        Self::Custom(Arc::new(authenticator))
    }

    pub(crate) async fn apply(&self, request: &mut reqwest::Request) -> Result<(), AuthError> {
        match self {
            Self::None => Ok(()),
            Self::Bearer(token) => {
                let value = sensitive_header(&format!("Bearer {}", token.expose()))?;
                request.headers_mut().insert(AUTHORIZATION, value);
                Ok(())
            }
            Self::Header { name, value } => {
                let value = sensitive_header(value.expose())?;
                request.headers_mut().insert(name.clone(), value);
                Ok(())
            }
            Self::Custom(authenticator) => authenticator.authenticate(request).await,
        }
    }

    /// Whether [`Auth::refresh`] can renew these credentials (only an [`Authenticator`] can).
    pub(crate) fn may_refresh(&self) -> bool {
        matches!(self, Self::Custom(_))
    }

    /// Refuses, before anything is sent, a token that cannot be a header value: CR or LF
    /// would let it add headers of its own to the request.
    pub(crate) fn check(&self) -> Result<(), AuthError> {
        match self {
            Self::Bearer(token) => sensitive_header(token.expose()).map(drop),
            Self::Header { value, .. } => sensitive_header(value.expose()).map(drop),
            Self::None | Self::Custom(_) => Ok(()),
        }
    }

    pub(crate) async fn refresh(&self) -> Result<bool, AuthError> {
        match self {
            Self::Custom(authenticator) => authenticator.refresh().await,
            _ => Ok(false),
        }
    }
}

/// A header value marked sensitive, so that HTTP libraries never log it.
pub fn sensitive_header(value: &str) -> Result<HeaderValue, AuthError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        AuthError::new(
            "the credential contains characters not allowed in an HTTP header (CR, LF or another control character)",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Self::Header { name, .. } => write!(f, "Header({name}: <redacted>)"),
            Self::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// Credentials could not be added or obtained. Its message never contains a secret.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct AuthError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl AuthError {
    /// An authentication error with a message (which must not contain the secret).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// An authentication error caused by another error.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}
