#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
compile_error!("credkit talks to https services: enable the `rustls` or the `native-tls` feature");

#[cfg(feature = "rentri-ca")]
#[cfg_attr(docsrs, doc(cfg(feature = "rentri-ca")))]
#[doc(inline)]
pub use credkit_rentri_ca as rentri_ca;

#[cfg(feature = "sparkfly")]
#[cfg_attr(docsrs, doc(cfg(feature = "sparkfly")))]
#[doc(inline)]
pub use credkit_sparkfly as sparkfly;

#[cfg(feature = "pec")]
#[cfg_attr(docsrs, doc(cfg(feature = "pec")))]
#[doc(inline)]
pub use credkit_openapi_pec as pec;

pub use credkit_runtime::{
    Answer, ApiError, Auth, AuthError, AuthScheme, Authenticator, ClientBuilder, DecodeError,
    Environment, Error, ErrorKind, FilePart, GeneratedClient, Input, Interceptor, Missing, ReadAs,
    RetryPolicy, Secret, Sent, ServiceInfo, Set, USER_AGENT, Unfit, redirect_policy,
};

pub use credkit_runtime::{Bound, Limit, LimitedInput, Rule};
pub use credkit_runtime::{CallbackHub, CallbackRoute, Wake, callback};
pub use credkit_runtime::{
    LocalRateLimiter, Quota, QuotaScope, RateLimit, RateLimitError, RateLimiter,
};
pub use credkit_runtime::{Poll, Verdict, WaitSettings, Waited, WaiterSpec};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use credkit_runtime::{RedisRateLimiter, WhenUnreachable};
