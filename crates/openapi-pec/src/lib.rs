// credkit:generated crate root: `cargo xtask generate` writes these lines
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]

// progenitor's output, formatted by prettyplease: rustfmt would rewrite it on every run.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated;

// The typed httpmock helpers, generated with the client from the same spec.
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod mock;

#[rustfmt::skip]
pub use credkit_runtime::{Answer, Auth, AuthError, Authenticator, BoxFuture, ClientBuilder, Environment, Error, ErrorKind, GeneratedClient, Input, Missing, Quota, QuotaScope, RateLimit, ReadAs, RetryPolicy, Secret, Sent, Set, Unfit, Poll, Verdict, WaitSettings, Waited};
#[rustfmt::skip]
pub use generated::{ByteStream, Client, ClientInfo, SERVICE, ServiceError, builder, prelude, servers, types, waiters};
// credkit:end crate root

mod dates;
mod documents;
mod download;
mod envelope;
mod space;

pub use dates::{format_date, from_epoch, parse_date};
pub use download::Download;
pub use envelope::{Enveloped, refusal};
pub use space::SpaceChange;
