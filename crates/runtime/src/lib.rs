//! Shared runtime of the credkit clients.
//!
//! Every generated client (`credkit-rentri-ca`, `credkit-sparkfly`, `credkit-openapi-pec`) carries
//! a [`Runtime`] and sends each request through [`Runtime::execute`]: authentication, retries,
//! timeouts and tracing live here, once, and never in per-service code. Errors of all clients are
//! one type, [`Error`], which keeps the status, headers and raw body of whatever the server sent.
#![doc = include_str!("../README.md")]

mod answer;
mod auth;
mod builder;
mod call;
pub mod callback;
#[doc(hidden)]
pub mod contract;
mod decode;
mod error;
mod execute;
mod input;
mod intercept;
mod limit;
mod missing;
mod multipart;
mod path;
mod query_style;
mod rate_limit;
mod redirect;
mod released;
mod retry;
mod secret;
mod service;
mod shape;
mod strict;
mod text;
mod tolerant;
mod unfit;
mod wait;

pub use answer::{Answer, Sent};
pub use auth::{Auth, AuthError, Authenticator, BoxFuture, sensitive_header};
pub use builder::{ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, GeneratedClient};
pub use callback::{CallbackHub, CallbackRoute, Wake};
pub use error::{ApiError, DecodeError, Error, ErrorKind};
pub use execute::Runtime;
pub use intercept::Interceptor;
pub use limit::{Bound, Limit, LimitedInput, Rule};
pub use missing::{Input, Missing, Set};
pub use multipart::FilePart;
pub use rate_limit::{LocalRateLimiter, Quota, QuotaScope, RateLimit, RateLimitError, RateLimiter};
#[cfg(feature = "redis")]
pub use rate_limit::{RedisRateLimiter, WhenUnreachable};
pub use redirect::redirect_policy;
pub use retry::{RetryPolicy, Sleeper};
pub use secret::Secret;
pub use service::{AuthScheme, CREDENTIAL_HEADERS, Environment, OperationMeta, ServiceInfo};
pub use unfit::{ReadAs, Unfit};
pub use wait::{Poll, Verdict, WaitSettings, Waited, WaiterSpec};

/// The value of the `User-Agent` header sent by every client.
pub const USER_AGENT: &str = concat!("credkit/", env!("CARGO_PKG_VERSION"));
