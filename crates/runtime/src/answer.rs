//! [`Answer`]: what every generated operation's `send` returns on success.

use std::ops::{Deref, DerefMut};

use progenitor_client::ByteStream;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::unfit::Unfit;

/// What an operation's `send` returns: the answer, or the error that says what went wrong.
pub type Sent<T> = Result<Answer<T>, crate::Error>;

/// A successful answer: the typed value, the status and headers it came with, and the members
/// of its body that did not fit their types ([`Answer::unfit`]). It dereferences to the value,
/// so `answer.credential` reads a member of the model.
///
/// No single member of an answer makes the whole answer fail: where a member's value does not
/// fit its type, the answer still decodes, the member reads as absent (or, for a widely seen
/// spelling such as a number sent as a string, as the intended type) and is listed here. A
/// client built with [`crate::ClientBuilder::strict`] refuses such an answer with an
/// [`crate::ErrorKind::Decode`] error instead.
pub struct Answer<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    unfit: Vec<Unfit>,
}

impl<T> Answer<T> {
    /// An answer with this value, status and headers, and every member fitting: what a test
    /// double returns.
    pub fn new(inner: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
            unfit: Vec::new(),
        }
    }

    /// The same answer, listing `unfit` as the members that did not fit.
    pub fn with_unfit(mut self, unfit: Vec<Unfit>) -> Self {
        self.unfit = unfit;
        self
    }

    /// The value.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The status the server answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of the `Content-Length` header, when present and a number.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// The members of the body whose values did not fit their types, in the order they were
    /// found; empty when the body fitted its type exactly.
    pub fn unfit(&self) -> &[Unfit] {
        &self.unfit
    }

    /// The value, status, headers and unfit members.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap, Vec<Unfit>) {
        (self.inner, self.status, self.headers, self.unfit)
    }

    /// The same answer with its value changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            inner: f(self.inner),
            status: self.status,
            headers: self.headers,
            unfit: self.unfit,
        }
    }
}

impl Answer<ByteStream> {
    /// The body's stream of bytes (a download), as it arrives.
    pub fn into_inner_stream(
        self,
    ) -> std::pin::Pin<
        Box<dyn futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Send + Sync>,
    > {
        self.inner.into_inner()
    }
}

impl<T> Deref for Answer<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for Answer<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T> AsRef<T> for Answer<T> {
    fn as_ref(&self) -> &T {
        &self.inner
    }
}

/// Shows the value, as `progenitor_client::ResponseValue` did; [`Answer::unfit`] lists the
/// members that did not fit.
impl<T: std::fmt::Debug> std::fmt::Debug for Answer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}
