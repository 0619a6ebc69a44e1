//! What the generator knows about a service and its operations, as static data.

use std::fmt;
use std::str::FromStr;

/// A named deployment of a service. Each service offers a subset (see [`ServiceInfo::servers`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Environment {
    /// The live service.
    Production,
    /// RENTRI's demo environment.
    Demo,
    /// A sandbox with test data (Openapi.it).
    Sandbox,
    /// A staging environment (Sparkfly).
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
    /// Whether redirects within the same origin are followed (`x-credkit-follow-redirects`,
    /// default `true`); see [`crate::redirect_policy`].
    pub follow_redirects: bool,
}

impl ServiceInfo {
    /// The operation with this id, if the spec has it.
    pub fn operation(&self, id: &str) -> Option<&'static OperationMeta> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The base URL of an environment, if the service offers it.
    pub fn server(&self, environment: Environment) -> Option<&'static str> {
        self.servers
            .iter()
            .find(|(e, _)| *e == environment)
            .map(|(_, url)| *url)
    }
}

/// How a service expects its token, from the spec's security scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// The token alone in this header (lowercase name).
    Header(&'static str),
}
