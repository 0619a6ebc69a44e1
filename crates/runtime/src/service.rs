//! What the generator knows about a service and its operations, as static data.

use std::fmt;
use std::str::FromStr;

use crate::rate_limit::Quota;

/// A named deployment of a service. Each service offers a subset, tagged in its spec with
/// `x-credkit-environment` (see [`ServiceInfo::servers`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Environment {
    /// The live service.
    Production,
    /// A demonstration environment with the live service's behaviour and test data.
    Demo,
    /// A sandbox with test data.
    Sandbox,
    /// A staging environment, where the provider tries its next release.
    Staging,
}

impl Environment {
    /// All environments, in declaration order.
    pub const ALL: [Environment; 4] = [Self::Production, Self::Demo, Self::Sandbox, Self::Staging];

    /// The lowercase name used in specs and environment variables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Demo => "demo",
            Self::Sandbox => "sandbox",
            Self::Staging => "staging",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Environment {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown environment `{s}` (expected production, demo, sandbox or staging)")
            })
    }
}

/// Facts about one operation that the runtime needs and progenitor does not keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationMeta {
    /// The Rust method name (the spec's `operationId`).
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template as written in the spec, e.g. `/credentials/{credentials_id}`.
    pub path: &'static str,
    /// `security: []` in the spec: sent without credentials.
    pub anonymous: bool,
    /// `x-credkit-idempotent` in the spec: may be replayed after a failure that may have
    /// reached the server.
    pub idempotent: bool,
    /// Header parameters (lower case) that carry a secret: marked sensitive before sending.
    pub secret_headers: &'static [&'static str],
    /// The operation's own quota (`x-credkit-rate-limit` on the operation), counted apart
    /// from the service's; `None`: the service's [`ServiceInfo::rate_limit`].
    pub rate_limit: Option<Quota>,
    /// The limits the spec declares on its parameters and body (ranges, lengths, patterns),
    /// checked before sending ([`crate::Limit`]).
    pub limits: &'static [crate::Limit],
}

impl OperationMeta {
    /// An operation `method path` that sends credentials, is never replayed after a failure
    /// that may have reached the server, has no secret header and counts under the service's
    /// quota; the methods below say otherwise. Generated tables are written with these:
    /// `OperationMeta::new("get_thing", "GET", "/things/{id}").idempotent()`.
    pub const fn new(id: &'static str, method: &'static str, path: &'static str) -> Self {
        Self {
            id,
            method,
            path,
            anonymous: false,
            idempotent: false,
            secret_headers: &[],
            rate_limit: None,
            limits: &[],
        }
    }

    /// Sent without credentials (`security: []`).
    pub const fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// May be replayed (`x-credkit-idempotent: true`).
    pub const fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// These header parameters (lower case) carry secrets.
    pub const fn secret_headers(mut self, headers: &'static [&'static str]) -> Self {
        self.secret_headers = headers;
        self
    }

    /// Counted under its own quota.
    pub const fn rate_limit(mut self, quota: Quota) -> Self {
        self.rate_limit = Some(quota);
        self
    }

    /// Its inputs have these limits.
    pub const fn limits(mut self, limits: &'static [crate::Limit]) -> Self {
        self.limits = limits;
        self
    }
}

/// Facts about one service, emitted by the generator as a constant in each client crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Short name: the spec's file stem (`rentri-ca`).
    pub name: &'static str,
    /// Human title from the spec.
    pub title: &'static str,
    /// Prefix of the configuration variables read by `from_env` (`RENTRI_CA`).
    pub env_prefix: &'static str,
    /// How the spec's security scheme sends a token.
    pub auth: AuthScheme,
    /// The spec's servers.
    pub servers: &'static [(Environment, &'static str)],
    /// Every operation of the spec.
    pub operations: &'static [OperationMeta],
    /// The service's own credential headers, lower case: its security scheme's header and the
    /// header parameters its spec marks secret (Sparkfly's `x-auth-token`, `x-auth-key`).
    pub credential_headers: &'static [&'static str],
    /// Whether redirects within the same origin are followed (`x-credkit-follow-redirects`,
    /// default `true`); see [`crate::redirect_policy`].
    pub follow_redirects: bool,
    /// The quota the service's documentation states (`x-credkit-rate-limit` on `info`), kept
    /// by [`crate::RateLimit::from_service`]; `None` when it states none.
    pub rate_limit: Option<Quota>,
}

impl ServiceInfo {
    /// The operation with this id, if the spec has it.
    pub fn operation(&self, id: &str) -> Option<&'static OperationMeta> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// Whether `name` (lower case) is a header that carries one of this service's credentials:
    /// the generic ones ([`CREDENTIAL_HEADERS`]), the header of its security scheme, and every
    /// header parameter its spec marks secret. Their values are never shown, in requests or
    /// answers.
    pub fn is_credential_header(&self, name: &str) -> bool {
        CREDENTIAL_HEADERS.contains(&name) || self.credential_headers.contains(&name)
    }

    /// The base URL of an environment, if the service offers it.
    pub fn server(&self, environment: Environment) -> Option<&'static str> {
        self.servers
            .iter()
            .find(|(e, _)| *e == environment)
            .map(|(_, url)| *url)
    }
}

/// Headers that carry credentials or session state for any HTTP service, shown as `<redacted>`;
/// each service adds its own ([`ServiceInfo::is_credential_header`]).
pub const CREDENTIAL_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "set-cookie",
    "cookie",
];

/// How a service expects its token, from the spec's security scheme (the first its security
/// requirements name, when it declares several: the others are sent through [`crate::Auth`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>` (also OAuth 2 and OpenID Connect: a token the caller
    /// obtained).
    Bearer,
    /// The token alone in this header (lowercase name).
    Header(&'static str),
    /// `Authorization: Basic`: the token is `user:password`.
    Basic,
    /// The token as this query parameter.
    Query(&'static str),
    /// The token as this cookie.
    Cookie(&'static str),
    /// The spec declares no security scheme: every operation is anonymous, and a token given
    /// anyway is sent as `Authorization: Bearer`.
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_is_what_its_chain_says_and_the_defaults_otherwise() {
        const PLAIN: OperationMeta = OperationMeta::new("get", "GET", "/a");
        assert!(!PLAIN.anonymous && !PLAIN.idempotent && PLAIN.rate_limit.is_none());
        assert!(PLAIN.secret_headers.is_empty());
        let quota = Quota::per(10, std::time::Duration::from_secs(1));
        const HEADERS: &[&str] = &["x-auth-key"];
        let every = OperationMeta::new("auth", "POST", "/auth")
            .anonymous()
            .idempotent()
            .secret_headers(HEADERS)
            .rate_limit(quota);
        assert_eq!(
            every,
            OperationMeta {
                id: "auth",
                method: "POST",
                path: "/auth",
                anonymous: true,
                idempotent: true,
                secret_headers: HEADERS,
                rate_limit: Some(quota),
                limits: &[],
            }
        );
    }

    const KEYED: ServiceInfo = ServiceInfo {
        name: "keyed",
        title: "Keyed",
        env_prefix: "KEYED",
        auth: AuthScheme::Header("x-auth-token"),
        servers: &[],
        operations: &[],
        credential_headers: &["x-auth-key", "x-auth-token"],
        follow_redirects: true,
        rate_limit: None,
    };

    #[test]
    fn a_services_credential_headers_are_its_own_and_the_generic_ones() {
        for name in [
            "authorization",
            "proxy-authorization",
            "cookie",
            "set-cookie",
        ] {
            assert!(KEYED.is_credential_header(name), "{name}");
        }
        assert!(KEYED.is_credential_header("x-auth-token"));
        assert!(KEYED.is_credential_header("x-auth-key"));
        assert!(!KEYED.is_credential_header("content-type"));
        let bearer = ServiceInfo {
            auth: AuthScheme::Bearer,
            credential_headers: &[],
            ..KEYED
        };
        assert!(!bearer.is_credential_header("x-auth-token"));
    }
}
