//! Building a client: where it connects, with which credentials, timeouts and retries.

use std::marker::PhantomData;
use std::net::IpAddr;
use std::time::Duration;

use crate::auth::Auth;
use crate::error::Error;
use crate::execute::Runtime;
use crate::intercept::{Interceptor, Slot};
use crate::rate_limit::RateLimit;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::service::{AuthScheme, Environment, ServiceInfo};

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Implemented by every generated `Client`, so that one builder serves them all.
pub trait GeneratedClient: Sized {
    /// What the generator knows about the service.
    const SERVICE: &'static ServiceInfo;

    /// Assembles a client from a validated base URL, an HTTP client and a runtime: called by
    /// [`ClientBuilder::build`], part of the contract with generated code.
    #[doc(hidden)]
    fn from_parts(base_url: &str, http: reqwest::Client, runtime: Runtime) -> Self;

    /// The client's runtime.
    fn runtime(&self) -> &Runtime;

    /// A builder for this client.
    fn builder() -> ClientBuilder<Self> {
        ClientBuilder::new()
    }
}

#[derive(Debug, Clone)]
enum Target {
    Environment(Environment),
    BaseUrl(String),
}

/// Configures and builds a generated client. Every setting has a documented default:
/// the production environment, no credentials, [`DEFAULT_CONNECT_TIMEOUT`],
/// [`DEFAULT_TIMEOUT`], user agent [`crate::USER_AGENT`], [`RetryPolicy::default`] and
/// [`RateLimit::from_service`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder<C> {
    target: Target,
    auth: Auth,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    http: Option<reqwest::ClientBuilder>,
    retry: RetryPolicy,
    rate_limit: RateLimit,
    plain_http: bool,
    interceptor: Slot,
    strict: bool,
    client: PhantomData<fn() -> C>,
}

impl<C: GeneratedClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: GeneratedClient> ClientBuilder<C> {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self {
            target: Target::Environment(Environment::Production),
            auth: Auth::None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: crate::USER_AGENT.to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            rate_limit: RateLimit::default(),
            plain_http: false,
            interceptor: Slot::default(),
            strict: false,
            client: PhantomData,
        }
    }

    /// A builder configured from environment variables, where `PREFIX` is the service's
    /// [`ServiceInfo::env_prefix`] (`RENTRI_CA`, `SPARKFLY`, `OPENAPI_PEC`):
    ///
    /// - `PREFIX_BASE_URL`: a custom base URL; otherwise
    /// - `PREFIX_ENVIRONMENT`: one of the service's environments (default `production`);
    /// - `PREFIX_TOKEN`: the token, sent as the service's spec says (`user:password` for basic
    ///   authentication); required unless the spec declares no security scheme.
    ///
    /// The error names the variable that is missing or malformed.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(true, |name| std::env::var(name).ok())
    }

    /// [`ClientBuilder::from_env`] without requiring `PREFIX_TOKEN`: for anonymous calls, or
    /// when credentials come another way (Sparkfly's identity and key).
    pub fn from_env_without_token() -> Result<Self, Error> {
        Self::from_lookup(false, |name| std::env::var(name).ok())
    }

    /// [`ClientBuilder::from_env`] over any variable lookup (tests use a map).
    pub fn from_lookup(
        token_required: bool,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        let prefix = C::SERVICE.env_prefix;
        let mut builder = Self::new();
        let base_url_var = format!("{prefix}_BASE_URL");
        let environment_var = format!("{prefix}_ENVIRONMENT");
        let token_var = format!("{prefix}_TOKEN");
        if let Some(url) = lookup(&base_url_var).filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url.trim());
        } else if let Some(name) = lookup(&environment_var).filter(|v| !v.trim().is_empty()) {
            let environment: Environment = name
                .parse()
                .map_err(|e| Error::config(format!("{environment_var}: {e}")))?;
            builder = builder.environment(environment);
        }
        match lookup(&token_var).filter(|v| !v.trim().is_empty()) {
            Some(token) => builder = builder.token(token.trim()),
            None if token_required && C::SERVICE.auth != AuthScheme::None => {
                return Err(Error::config(format!(
                    "{token_var} is not set: it must hold the API token"
                )));
            }
            None => {}
        }
        Ok(builder)
    }

    /// Connects to one of the service's environments.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.target = Target::Environment(environment);
        self
    }

    /// Connects to a custom base URL: `https`, or `http` on a loopback host (tests). Plain
    /// `http` to another host is refused unless [`ClientBuilder::allow_plain_http`] is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.target = Target::BaseUrl(url.into());
        self
    }

    /// Sends `token` the way the service expects (`Authorization: Bearer`, its own header,
    /// query parameter or cookie; `user:password` for basic authentication).
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        let token = token.into();
        self.auth = match C::SERVICE.auth {
            AuthScheme::Bearer | AuthScheme::None => Auth::Bearer(token),
            AuthScheme::Header(name) => Auth::header(name, token),
            AuthScheme::Query(name) => Auth::query(name, token),
            AuthScheme::Cookie(name) => Auth::cookie(name, token),
            AuthScheme::Basic => {
                let (username, password) = token
                    .expose()
                    .split_once(':')
                    .unwrap_or((token.expose(), ""));
                Auth::basic(username, password)
            }
        };
        self
    }

    /// Uses these credentials.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Time allowed to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole request, response body included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Allows a custom base URL with plain `http` to a host that is not loopback, e.g. a
    /// gateway on a trusted network. Credentials then cross that network unencrypted.
    pub fn allow_plain_http(mut self) -> Self {
        self.plain_http = true;
        self
    }

    /// Sends through a `reqwest::Client` built from this `reqwest::ClientBuilder`, to add a
    /// proxy, CA roots or other TLS settings: its own timeouts and settings apply, and this
    /// builder's timeouts are not used. Its redirect policy is replaced by the service's
    /// ([`crate::redirect_policy`]): a redirect is followed only within the origin it was sent
    /// to (none for RENTRI), so that no credential in a header of the service's own reaches
    /// another host, whoever configured the HTTP client. (It takes a builder rather than a
    /// built `reqwest::Client` because a built client's redirect policy cannot be changed.)
    pub fn http_client(mut self, http: reqwest::ClientBuilder) -> Self {
        self.http = Some(http);
        self
    }

    /// How failed calls are retried; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Shows each request and answer to `interceptor`, which may keep a request from being
    /// sent (a dry run); see [`Interceptor`].
    pub fn interceptor(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptor = Slot(Some(std::sync::Arc::new(interceptor)));
        self
    }

    /// How calls keep to the service's quota: the spec's, counted in this process, unless told
    /// otherwise ([`RateLimit::custom`], [`RateLimit::disabled`], a shared [`RateLimit::limiter`]).
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// Whether an answer with members that do not fit their types is an error (`true`) or is
    /// read tolerantly (`false`, the default): such a member then reads as absent, or as the
    /// intended type for a widely seen spelling (a number sent as a string), and is listed in
    /// [`crate::Answer::unfit`]. A strict client's error is an [`crate::ErrorKind::Decode`]
    /// naming each such member; note that the server has acted on the request all the same.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let service = C::SERVICE;
        let base_url = match &self.target {
            Target::Environment(_) if service.servers.is_empty() => {
                return Err(Error::config(format!(
                    "{} names no server of its own: give the base URL with `base_url`",
                    service.name
                )));
            }
            // A server the spec lists over plain http needs the same opt-in as a custom one.
            Target::Environment(environment) => service
                .server(*environment)
                .ok_or_else(|| {
                    let offered: Vec<_> = service.servers.iter().map(|(e, _)| e.name()).collect();
                    Error::config(format!(
                        "{} has no {environment} environment; it offers {}",
                        service.name,
                        offered.join(", ")
                    ))
                })
                .and_then(|url| validate_base_url(url, self.plain_http))?,
            Target::BaseUrl(url) => validate_base_url(url, self.plain_http)?,
        };
        require_tls(&base_url, TLS_BACKEND)?;
        self.auth.check()?;
        self.rate_limit.check()?;
        let user_agent =
            reqwest::header::HeaderValue::from_str(&self.user_agent).map_err(|_| {
                Error::config(format!(
                    "user agent `{}` is not a valid header value",
                    self.user_agent
                ))
            })?;
        let http = self
            .http
            .unwrap_or_else(|| {
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
            })
            .redirect(crate::redirect_policy(service))
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        let runtime = Runtime::new(service, self.auth, self.retry)
            .with_user_agent(user_agent)
            .with_interceptor_slot(self.interceptor)
            .with_rate_limit(self.rate_limit)
            .with_strict(self.strict);
        Ok(C::from_parts(&base_url, http, runtime))
    }
}

/// Whether this build can speak TLS: the service crates enable `rustls` by default and forward
/// `native-tls`; a build with neither (`default-features = false` and no choice) can still
/// call plain-http loopback servers.
const TLS_BACKEND: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// Refuses an `https` base URL when no TLS backend is compiled in, naming the features, rather
/// than letting every call fail later with reqwest's "invalid URL, scheme is not http".
fn require_tls(base_url: &str, tls_backend: bool) -> Result<(), Error> {
    if tls_backend || !base_url.starts_with("https:") {
        return Ok(());
    }
    Err(Error::config(format!(
        "base URL `{base_url}` uses https, but this build has no TLS backend: enable the `rustls` \
         (default) or `native-tls` feature of the service crate (or of `credkit`)"
    )))
}

/// Checks a custom base URL and drops its trailing `/` (operation paths start with one).
fn validate_base_url(raw: &str, plain_http: bool) -> Result<String, Error> {
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("base URL `{raw}` is not a URL: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(Error::config(format!("base URL `{raw}` has no host"))),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback || plain_http => {}
        "http" => {
            return Err(Error::config(format!(
                "base URL `{raw}` uses plain http to a host that is not loopback: credentials would cross the network unencrypted; use https, or call `allow_plain_http()` to accept that"
            )));
        }
        scheme => {
            return Err(Error::config(format!(
                "base URL `{raw}` uses {scheme}: credkit speaks https (or http)"
            )));
        }
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(Error::config(format!(
            "base URL `{raw}` must not have credentials, a query or a fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::{require_tls, validate_base_url};

    #[test]
    fn base_urls_are_validated_and_normalized() {
        assert_eq!(
            validate_base_url("https://api.example.com/v1/", false).unwrap(),
            "https://api.example.com/v1"
        );
        assert_eq!(
            validate_base_url("https://api.example.com", false).unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            validate_base_url("http://localhost:1/x/", false).unwrap(),
            "http://localhost:1/x"
        );
        assert_eq!(
            validate_base_url("http://[::1]:9", false).unwrap(),
            "http://[::1]:9"
        );
        for bad in [
            "http://api.example.com",
            "ftp://x.com",
            "not a url",
            "https://x.com/?a=1",
            "https://u:p@x.com",
        ] {
            let error = validate_base_url(bad, false).unwrap_err().to_string();
            assert!(error.contains(bad.trim()), "{error}");
        }
    }

    #[test]
    fn plain_http_to_another_host_needs_the_opt_in() {
        let refused = validate_base_url("http://gateway.internal/api", false).unwrap_err();
        assert!(
            refused.to_string().contains("allow_plain_http"),
            "{refused}"
        );
        assert_eq!(
            validate_base_url("http://gateway.internal/api/", true).unwrap(),
            "http://gateway.internal/api"
        );
        assert!(validate_base_url("ftp://gateway.internal", true).is_err());
    }

    #[test]
    fn https_without_a_tls_backend_is_refused_naming_the_features() {
        let refused = require_tls("https://api.example.com", false).unwrap_err();
        let message = refused.to_string();
        assert!(
            message.contains("`rustls`") && message.contains("`native-tls`"),
            "{message}"
        );
        assert!(require_tls("https://api.example.com", true).is_ok());
        assert!(require_tls("http://127.0.0.1:8080", false).is_ok());
    }
}
