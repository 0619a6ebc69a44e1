//! The response headers Sparkfly callers need: `X-Request-Id` (to quote to Sparkfly support)
//! and `Location` (the new or changed credential, on `201`).

use reqwest::header::{HeaderMap, LOCATION};

use crate::{Answer, Error};

/// Typed access to the Sparkfly response headers, on successful answers
/// ([`Answer`]) and on errors ([`Error`], when the server answered).
///
/// Every other header stays reachable through `headers()`.
pub trait ResponseHeadersExt {
    /// The response headers, when there was a response.
    fn response_headers(&self) -> Option<&HeaderMap>;

    /// `X-Request-Id`: the id Sparkfly gave the request, to quote when asking for support.
    fn request_id(&self) -> Option<&str> {
        header_str(self.response_headers()?, "x-request-id")
    }

    /// `Location`: the URL of the created or changed credential, sent with the `201` answers
    /// of create, update, redeem and void.
    fn location(&self) -> Option<&str> {
        header_str(self.response_headers()?, LOCATION.as_str())
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

impl<T> ResponseHeadersExt for Answer<T> {
    fn response_headers(&self) -> Option<&HeaderMap> {
        Some(self.headers())
    }
}

impl ResponseHeadersExt for Error {
    fn response_headers(&self) -> Option<&HeaderMap> {
        self.headers()
    }
}
