//! How a client proves who it is: a static bearer token, API key (in a header, the query or a
//! cookie) or user name and password, several of them together, or an [`Authenticator`] that
//! signs each request (RENTRI's per-request JWTs) or exchanges credentials for a token
//! (Sparkfly's `GET /auth`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};

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
    /// `Authorization: Basic` with a user name and a password (RFC 7617).
    Basic {
        /// The user name (an account id); it may not contain `:`.
        username: String,
        /// The password.
        password: Secret,
    },
    /// A key sent as the query parameter `name` of every request. The URL then carries it:
    /// credkit drops URLs from its errors, but a proxy or the server may log them.
    Query {
        /// The parameter's name.
        name: String,
        /// The key.
        value: Secret,
    },
    /// A key sent as the cookie `name` (beside any other cookie of the request).
    Cookie {
        /// The cookie's name.
        name: String,
        /// The key.
        value: Secret,
    },
    /// Several credentials sent together: a security requirement that names several schemes.
    All(Vec<Auth>),
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

    /// `Authorization: Basic` with `username` and `password`.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// A key sent as the query parameter `name`.
    pub fn query(name: impl Into<String>, key: impl Into<Secret>) -> Self {
        Self::Query {
            name: name.into(),
            value: key.into(),
        }
    }

    /// A key sent as the cookie `name`.
    pub fn cookie(name: impl Into<String>, key: impl Into<Secret>) -> Self {
        Self::Cookie {
            name: name.into(),
            value: key.into(),
        }
    }

    /// Each of `parts`, sent together.
    pub fn all(parts: impl IntoIterator<Item = Auth>) -> Self {
        Self::All(parts.into_iter().collect())
    }

    /// Credentials added by an [`Authenticator`].
    pub fn custom(authenticator: impl Authenticator + 'static) -> Self {
        Self::Custom(Arc::new(authenticator))
    }

    pub(crate) fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(self.apply_one(request))
    }

    async fn apply_one(&self, request: &mut reqwest::Request) -> Result<(), AuthError> {
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
            Self::Basic { username, password } => {
                let value = sensitive_header(&basic_value(username, password))?;
                request.headers_mut().insert(AUTHORIZATION, value);
                Ok(())
            }
            Self::Query { name, value } => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(name, value.expose());
                Ok(())
            }
            Self::Cookie { name, value } => {
                let pair = format!("{name}={}", value.expose());
                let cookie = match request.headers().get(COOKIE).map(HeaderValue::to_str) {
                    Some(Ok(others)) if !others.is_empty() => format!("{others}; {pair}"),
                    _ => pair,
                };
                request
                    .headers_mut()
                    .insert(COOKIE, sensitive_header(&cookie)?);
                Ok(())
            }
            Self::All(parts) => {
                for part in parts {
                    part.apply(request).await?;
                }
                Ok(())
            }
        }
    }

    /// Whether [`Auth::refresh`] can renew these credentials (only an [`Authenticator`] can).
    pub(crate) fn may_refresh(&self) -> bool {
        match self {
            Self::Custom(_) => true,
            Self::All(parts) => parts.iter().any(Self::may_refresh),
            _ => false,
        }
    }

    /// Refuses, before anything is sent, a token that cannot be a header value: CR or LF
    /// would let it add headers of its own to the request.
    pub(crate) fn check(&self) -> Result<(), AuthError> {
        match self {
            Self::Bearer(token) => sensitive_header(token.expose()).map(drop),
            Self::Header { value, .. } => sensitive_header(value.expose()).map(drop),
            Self::Basic { username, .. } if username.contains(':') => Err(AuthError::new(
                "the user name of basic authentication contains `:`, which ends it (RFC 7617)",
            )),
            Self::Basic { username, password } => {
                sensitive_header(&basic_value(username, password)).map(drop)
            }
            Self::Cookie { name, value } => {
                let cookie = !name.is_empty()
                    && !format!("{name}{}", value.expose())
                        .contains(|c: char| c.is_ascii_control() || c == ';' || c == ' ')
                    && !name.contains('=');
                if cookie {
                    Ok(())
                } else {
                    Err(AuthError::new(
                        "the cookie credential's name or value contains a space, `;`, `=` in its name or a control character",
                    ))
                }
            }
            Self::All(parts) => parts.iter().try_for_each(Self::check),
            Self::None | Self::Custom(_) | Self::Query { .. } => Ok(()),
        }
    }

    pub(crate) fn refresh(&self) -> BoxFuture<'_, Result<bool, AuthError>> {
        Box::pin(async move {
            match self {
                Self::Custom(authenticator) => authenticator.refresh().await,
                Self::All(parts) => {
                    let mut renewed = false;
                    for part in parts {
                        renewed |= part.refresh().await?;
                    }
                    Ok(renewed)
                }
                _ => Ok(false),
            }
        })
    }
}

/// `Basic <base64 of user:password>` (RFC 7617).
fn basic_value(username: &str, password: &Secret) -> String {
    use base64::Engine as _;
    let pair = format!("{username}:{}", password.expose());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
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
            Self::Basic { .. } => f.write_str("Basic(<redacted>)"),
            Self::Query { name, .. } => write!(f, "Query({name}=<redacted>)"),
            Self::Cookie { name, .. } => write!(f, "Cookie({name}=<redacted>)"),
            Self::All(parts) => f.debug_list().entries(parts).finish(),
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
