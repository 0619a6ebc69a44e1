//! Sparkfly's token exchange: `GET /auth` with the account identity and key answers `204` with
//! a session token in the `X-Auth-Token` response header, valid for 24 hours.

use std::fmt;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use credkit_runtime::{
    Auth, AuthError, Authenticator, BoxFuture, ClientBuilder, Error, GeneratedClient, Secret,
    sensitive_header,
};
use progenitor_client::ClientInfo;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};

use crate::{Answer, Client};

/// The request and response header that carries the session token.
const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");

impl Client {
    /// Exchanges the account `identity` and `key` for a session token (`GET /auth`), valid for
    /// 24 hours. Use it to obtain a token yourself, e.g. to share it between processes and
    /// build clients with [`ClientBuilder::token`]; a client built with
    /// [`ClientBuilderExt::build_with_identity_and_key`] calls it for you.
    ///
    /// Errors: a `401` answer (unknown identity or wrong key) is an [`ErrorKind::Api`] error
    /// with status 401; a `204` without the `X-Auth-Token` header is an [`ErrorKind::Auth`]
    /// error.
    ///
    /// [`ErrorKind::Api`]: credkit_runtime::ErrorKind::Api
    /// [`ErrorKind::Auth`]: credkit_runtime::ErrorKind::Auth
    pub async fn fetch_token(&self, identity: &str, key: &Secret) -> Result<Secret, Error> {
        let answer = self.send_auth(identity, key).await?;
        Ok(token_from(answer.headers())?)
    }

    async fn send_auth(&self, identity: &str, key: &Secret) -> Result<Answer<()>, Error> {
        self.authenticate()
            .x_auth_identity(identity)
            .x_auth_key(key.expose())
            .send()
            .await
    }
}

/// The token of a `204` answer to `GET /auth`.
fn token_from(headers: &HeaderMap) -> Result<Secret, AuthError> {
    let problem = match headers.get(X_AUTH_TOKEN).map(|v| v.to_str()) {
        Some(Ok(token)) if !token.trim().is_empty() => return Ok(Secret::new(token.trim())),
        Some(Ok(_)) => "an empty X-Auth-Token header",
        Some(Err(_)) => "an X-Auth-Token header that is not text",
        None => "no X-Auth-Token header (where the token should be)",
    };
    Err(AuthError::new(format!(
        "Sparkfly GET /auth answered 204 with {problem}"
    )))
}

/// Builds a Sparkfly [`Client`] that starts from the account identity and key instead of a
/// token.
pub trait ClientBuilderExt {
    /// Builds a client that obtains its session token itself: with `GET /auth` before its
    /// first call, and once more when a call answers `401` (the token expired after 24 hours,
    /// or was revoked). The call that met the `401` is then sent again with the new token.
    ///
    /// The exchange goes to the same base URL, through the same HTTP client and retry policy
    /// as the other calls. Any credentials set on the builder before are replaced.
    fn build_with_identity_and_key(
        self,
        identity: impl Into<String>,
        key: impl Into<Secret>,
    ) -> Result<Client, Error>;
}

impl ClientBuilderExt for ClientBuilder<Client> {
    fn build_with_identity_and_key(
        self,
        identity: impl Into<String>,
        key: impl Into<Secret>,
    ) -> Result<Client, Error> {
        let (identity, key) = (identity.into(), key.into());
        // Both become request headers of `GET /auth`: refuse CR, LF and the like now, before
        // anything is sent.
        sensitive_header(&identity)?;
        sensitive_header(key.expose())?;
        let anonymous = self.auth(Auth::None).build()?;
        // The same runtime (retries, user agent, interceptor), with the exchange's credentials.
        let runtime = anonymous.runtime().clone();
        let (base_url, http) = (anonymous.baseurl().to_owned(), anonymous.client().clone());
        let exchange = TokenExchange::new(identity, key, anonymous);
        let runtime = runtime.with_auth(Auth::custom(exchange));
        Ok(Client::from_parts(&base_url, http, runtime))
    }
}

/// An [`Authenticator`] that exchanges the account identity and key for a session token with
/// `GET /auth`, caches it, sends it as a sensitive `X-Auth-Token` header, and fetches a new one
/// when a call answers `401`.
///
/// [`ClientBuilderExt::build_with_identity_and_key`] sets it up; build one yourself only to
/// combine it with other settings through [`Auth::custom`]. Concurrent calls share one fetch:
/// while a token is being fetched, the others wait for it. `Debug` never shows the key or
/// the token.
pub struct TokenExchange {
    identity: String,
    key: Secret,
    /// An anonymous client to the service, used for `GET /auth` only.
    client: Client,
    token: RwLock<Option<Secret>>,
    /// Held while fetching, so that concurrent calls do not all fetch a token.
    fetching: tokio::sync::Mutex<()>,
    /// Number of tokens fetched so far.
    fetched: AtomicU64,
}

impl TokenExchange {
    /// An exchange of `identity` and `key`, sending `GET /auth` through `client` (whose own
    /// credentials are not used: the call is anonymous).
    pub fn new(identity: impl Into<String>, key: impl Into<Secret>, client: Client) -> Self {
        Self {
            identity: identity.into(),
            key: key.into(),
            client,
            token: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(()),
            fetched: AtomicU64::new(0),
        }
    }

    /// The account identity.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The token obtained last, if any (`None` before the first call or after a refused
    /// exchange).
    pub fn token(&self) -> Option<Secret> {
        self.token.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn store(&self, token: Option<Secret>) {
        *self.token.write().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// Fetches a token and caches it; the caller holds `fetching`.
    async fn fetch(&self) -> Result<Secret, AuthError> {
        let answer = self.client.send_auth(&self.identity, &self.key).await;
        self.fetched.fetch_add(1, Ordering::SeqCst);
        let token = token_from(answer.map_err(|e| self.explain(e))?.headers())?;
        self.store(Some(token.clone()));
        Ok(token)
    }

    /// An [`AuthError`] for a failed exchange; never mentions the key.
    fn explain(&self, error: Error) -> AuthError {
        let message = if error.status() == Some(StatusCode::UNAUTHORIZED) {
            format!(
                "Sparkfly refused the identity `{}` and its key (GET /auth answered 401 Unauthorized)",
                self.identity
            )
        } else {
            "could not obtain a Sparkfly token with GET /auth".to_owned()
        };
        AuthError::with_source(message, error)
    }
}

impl Authenticator for TokenExchange {
    fn authenticate<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let token = match self.token() {
                Some(token) => token,
                None => {
                    let _fetching = self.fetching.lock().await;
                    // Another call may have fetched one while this one waited.
                    match self.token() {
                        Some(token) => token,
                        None => self.fetch().await?,
                    }
                }
            };
            request
                .headers_mut()
                .insert(X_AUTH_TOKEN, sensitive_header(token.expose())?);
            Ok(())
        })
    }

    fn refresh(&self) -> BoxFuture<'_, Result<bool, AuthError>> {
        Box::pin(async move {
            let seen = self.fetched.load(Ordering::SeqCst);
            let _fetching = self.fetching.lock().await;
            if self.fetched.load(Ordering::SeqCst) != seen {
                // Another call renewed the token while this one waited: use that one.
                return Ok(true);
            }
            self.store(None);
            self.fetch().await?;
            Ok(true)
        })
    }

    /// The account identity (not the key): clients of one account share a quota.
    fn identity(&self) -> Option<Vec<u8>> {
        Some(self.identity.as_bytes().to_vec())
    }
}

impl fmt::Debug for TokenExchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.token().map(|_| "<redacted>");
        f.debug_struct("TokenExchange")
            .field("identity", &self.identity)
            .field("key", &self.key)
            .field("base_url", &self.client.baseurl())
            .field("token", &token)
            .finish()
    }
}
