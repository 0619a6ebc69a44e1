//! A failure without a usable answer, in words a person can act on: reqwest says "error
//! sending request"; the cause (connection refused, a name not resolved, a TLS handshake that
//! failed, a timeout) is further down its `source()` chain, in hyper's and the system's errors.

use std::error::Error as StdError;
use std::io;

/// The longest URL that can be sent: `http::Uri` holds its length in a `u16`, less one.
pub(super) const MAX_URL: usize = u16::MAX as usize - 1;

/// Where a request went, `host:port`, kept from the URL before it is dropped (its query may
/// carry a secret; the host and port do not).
pub(super) fn origin(url: &url::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// What went wrong, in one line: the kind of failure, where, and the system's own words for
/// it (`connection refused by 127.0.0.1:9`, `the name nowhere.invalid was not resolved: ...`).
pub(super) fn describe(error: &reqwest::Error, origin: Option<&str>) -> String {
    let cause = deepest(error);
    let at = |words: &str| match origin {
        Some(origin) => format!("{words} {origin}"),
        None => words.to_owned(),
    };
    if error.is_timeout() {
        return if error.is_connect() {
            at("timed out connecting to")
        } else {
            at("timed out waiting for the answer of")
        };
    }
    if error.is_connect() {
        if chain(error).any(|e| e.to_string() == "dns error") {
            let host = origin.map(|o| o.rsplit_once(':').map_or(o, |(host, _)| host));
            return match host {
                Some(host) => format!("the name {host} was not resolved: {cause}"),
                None => format!("a name was not resolved: {cause}"),
            };
        }
        return match io_kind(error) {
            Some(io::ErrorKind::ConnectionRefused) => at("connection refused by"),
            Some(io::ErrorKind::TimedOut) => at("timed out connecting to"),
            Some(io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted) => {
                format!("{}: {cause}", at("the connection was closed by"))
            }
            // What remains after the TCP connection is the TLS handshake: an unknown
            // certificate authority, a name the certificate does not cover, a server that
            // does not speak TLS.
            _ if is_tls(error) => format!("{}: {cause}", at("TLS failure with")),
            _ => format!("{}: {cause}", at("cannot connect to")),
        };
    }
    if error.is_body() || error.is_decode() {
        return format!("the answer's body could not be read: {cause}");
    }
    if error.is_redirect() {
        return format!("{error}: {cause}");
    }
    let text = chain(error)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
    format!("no usable response: {text}")
}

/// The cause at the bottom of the chain, in its own words (the error itself when it has none).
pub(super) fn deepest(error: &(dyn StdError + 'static)) -> String {
    let mut last = error;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// The error and its sources, outermost first.
fn chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |e| (*e).source())
}

/// The kind of the first I/O error of the chain.
fn io_kind(error: &(dyn StdError + 'static)) -> Option<io::ErrorKind> {
    chain(error).find_map(|e| e.downcast_ref::<io::Error>().map(io::Error::kind))
}

/// Whether the chain holds a TLS error: rustls's and OpenSSL's are reached through an I/O
/// error of kind `InvalidData` or by their own words, as credkit names neither type.
fn is_tls(error: &(dyn StdError + 'static)) -> bool {
    chain(error).any(|e| {
        let text = e.to_string().to_ascii_lowercase();
        [
            "certificate",
            "tls",
            "ssl",
            "handshake",
            "corrupt message",
            "alert",
        ]
        .iter()
        .any(|word| text.contains(word))
    }) || io_kind(error) == Some(io::ErrorKind::InvalidData)
}
