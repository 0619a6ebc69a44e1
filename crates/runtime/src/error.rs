//! The one error type of every credkit client.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::auth::AuthError;
use crate::rate_limit::RateLimitError;

mod transport;

/// What went wrong in a call, with the service and operation it happened in.
///
/// Whatever the server answered (problem+json, an empty body, an HTML page from a proxy,
/// truncated JSON), the status, headers and raw body are kept: see [`Error::status`],
/// [`Error::headers`], [`Error::body`]. Secrets never appear in `Debug` or `Display`: request
/// URLs are dropped from transport errors (RENTRI sends a PIN in the query string) and
/// credential headers are redacted.
pub struct Error(Box<Inner>);

/// Boxed so that `Result<T, Error>` stays one pointer wide on the success path.
struct Inner {
    kind: ErrorKind,
    service: Option<&'static str>,
    operation: Option<&'static str>,
    /// For a [`ErrorKind::Transport`] error that happened while the body was being read: what
    /// had arrived of the answer.
    partial: Option<Partial>,
    /// For a [`ErrorKind::Transport`] error: `host:port` of the request, named by `Display`
    /// (the URL itself is dropped: its query may carry a secret).
    origin: Option<String>,
}

/// The status, headers and the part of the body that arrived before a connection failed.
struct Partial {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// The kinds of [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A parameter or body failed client-side validation; nothing was sent.
    InvalidRequest(String),
    /// The client could not be configured (bad base URL, missing variable, ...).
    Config(String),
    /// Credentials could not be obtained (e.g. a token exchange was refused).
    Auth(AuthError),
    /// No usable answer: connection refused, timeout, TLS failure, body cut off.
    Transport(reqwest::Error),
    /// The server answered with a status the operation does not succeed with.
    Api(ApiError),
    /// The server answered with a success status but a body that does not match the spec.
    Decode(DecodeError),
    /// An [`Interceptor`](crate::Interceptor) kept the request from being sent (a dry run),
    /// for this reason; nothing was sent.
    NotSent(String),
    /// The call was not sent: its turn under the service's quota was too far away, or the
    /// store that counts the turns could not be reached (see [`crate::RateLimit`]).
    RateLimited(RateLimitError),
}

/// A response whose status is not the operation's success status.
pub struct ApiError {
    /// The status the server answered with.
    pub status: StatusCode,
    /// All response headers (`Retry-After`, `X-Request-Id`, ...).
    pub headers: HeaderMap,
    /// The raw body, whatever its media type; possibly empty.
    pub body: Bytes,
}

/// A success response whose body could not be decoded into the documented type.
pub struct DecodeError {
    /// The status the server answered with.
    pub status: StatusCode,
    /// All response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// Why decoding failed.
    pub source: serde_json::Error,
}

/// Where a response came from; put into the response's extensions by the runtime so that
/// errors built from it can name the call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallContext {
    pub(crate) service: &'static str,
    pub(crate) operation: &'static str,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self(Box::new(Inner {
            kind,
            service: None,
            operation: None,
            partial: None,
            origin: None,
        }))
    }

    /// A failure while reading the body of an answer whose status and headers had arrived.
    pub(crate) fn body_cut_off(
        error: reqwest::Error,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        let mut error = Self::from(error);
        error.0.partial = Some(Partial {
            status,
            headers,
            body,
        });
        error
    }

    pub(crate) fn in_call(mut self, context: Option<&CallContext>) -> Self {
        if let Some(context) = context {
            self.0.service = Some(context.service);
            self.0.operation = Some(context.operation);
        }
        self
    }

    /// A response with a success status whose body cannot give what the caller asked for
    /// (e.g. an envelope without its payload): an [`ErrorKind::Decode`] that keeps status,
    /// headers and body, with `reason` as its message.
    pub fn unexpected_body(
        status: StatusCode,
        headers: HeaderMap,
        body: impl Into<Bytes>,
        reason: impl fmt::Display,
    ) -> Self {
        let source = <serde_json::Error as serde::de::Error>::custom(reason);
        Self::new(ErrorKind::Decode(DecodeError {
            status,
            headers,
            body: body.into(),
            source,
        }))
    }

    /// A request an [`Interceptor`](crate::Interceptor) kept from being sent.
    pub(crate) fn not_sent(reason: String) -> Self {
        Self::new(ErrorKind::NotSent(reason))
    }

    /// A configuration error with this message.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config(message.into()))
    }

    /// What kind of error this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Consumes the error, returning its kind.
    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    /// The service the call was made to (`rentri-ca`), when known.
    pub fn service(&self) -> Option<&'static str> {
        self.0.service
    }

    /// The operation (Rust method name) that failed, when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.0.operation
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.0.kind {
            ErrorKind::Api(e) => Some(e.status),
            ErrorKind::Decode(e) => Some(e.status),
            ErrorKind::Transport(e) => e.status().or(self.0.partial.as_ref().map(|p| p.status)),
            _ => None,
        }
    }

    /// The response headers, when the server answered.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match &self.0.kind {
            ErrorKind::Api(e) => Some(&e.headers),
            ErrorKind::Decode(e) => Some(&e.headers),
            _ => self.0.partial.as_ref().map(|p| &p.headers),
        }
    }

    /// The raw response body, when the server answered (possibly empty); when the connection
    /// failed while the body was being read, the part that arrived.
    pub fn body(&self) -> Option<&[u8]> {
        match &self.0.kind {
            ErrorKind::Api(e) => Some(&e.body),
            ErrorKind::Decode(e) => Some(&e.body),
            _ => self.0.partial.as_ref().map(|p| &p.body[..]),
        }
    }

    /// How long the server asked us to wait (`Retry-After`, in seconds or as an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        self.headers().and_then(retry_after)
    }

    /// Whether sending the same request again later may succeed: rate limits, unavailable or
    /// overloaded servers, timeouts and failed connections.
    pub fn is_retryable(&self) -> bool {
        match &self.0.kind {
            ErrorKind::Api(e) => is_retryable_status(e.status),
            ErrorKind::Transport(e) => e.is_connect() || e.is_timeout(),
            ErrorKind::RateLimited(_) => true,
            _ => false,
        }
    }

    /// The body decoded as the service's documented error model (RENTRI `ProblemDetails`,
    /// Sparkfly `{error, message}`, the PEC envelope), or as any other type. `None` when
    /// there is no body or it does not parse as `T`.
    pub fn service_error<T: DeserializeOwned>(&self) -> Option<T> {
        match &self.0.kind {
            ErrorKind::Api(e) if !e.body.is_empty() => serde_json::from_slice(&e.body).ok(),
            _ => None,
        }
    }

    /// A short message from the body, for people: the `detail`, `title`, `message` or `error`
    /// member of a JSON body, the `<title>` of an HTML page, or the first line of a text
    /// body; at most 200 characters. The whole body is [`Error::body`].
    pub fn message(&self) -> Option<String> {
        match &self.0.kind {
            ErrorKind::Api(e) => body_message(&e.body),
            ErrorKind::Decode(e) => Some(e.source.to_string()),
            _ => None,
        }
    }
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// Parses `Retry-After` as delay-seconds or as an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

const MESSAGE_MEMBERS: [&str; 4] = ["detail", "title", "message", "error"];
const MAX_TEXT: usize = 200;

fn body_message(body: &[u8]) -> Option<String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    if let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) {
        return MESSAGE_MEMBERS
            .iter()
            .find_map(|member| match object.get(*member) {
                Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
                _ => None,
            });
    }
    let text = String::from_utf8_lossy(body);
    let summary = html_title(&text).unwrap_or_else(|| {
        text.lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or_default()
    });
    let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match summary.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => format!("{}…", &summary[..cut]),
        None => summary,
    })
}

/// The `<title>` of an HTML page (a proxy's or a web server's error page), when it has a
/// non-empty one.
fn html_title(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    Some(text[start..end].trim()).filter(|title| !title.is_empty())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.service, self.0.operation) {
            (Some(service), Some(operation)) => write!(f, "{service} {operation}: ")?,
            (Some(service), None) => write!(f, "{service}: ")?,
            _ => {}
        }
        match &self.0.kind {
            ErrorKind::InvalidRequest(m) => write!(f, "invalid request, nothing was sent: {m}"),
            ErrorKind::Config(m) => write!(f, "configuration error: {m}"),
            ErrorKind::Auth(e) => write!(f, "authentication failed: {e}"),
            ErrorKind::Transport(e) => match &self.0.partial {
                Some(p) => write!(
                    f,
                    "the server answered {} but the body was cut off after {} bytes: {}",
                    p.status,
                    p.body.len(),
                    transport::deepest(e)
                ),
                None => f.write_str(&transport::describe(e, self.0.origin.as_deref())),
            },
            ErrorKind::Api(e) => {
                write!(f, "the server answered {}", e.status)?;
                if e.status.is_success() {
                    f.write_str(" but reported a failure")?;
                }
                match body_message(&e.body) {
                    Some(m) => write!(f, ": {m}")?,
                    None => f.write_str(" with an empty body")?,
                }
                if let Some(wait) = retry_after(&e.headers) {
                    write!(f, " (retry after {}s)", wait.as_secs())?;
                }
                Ok(())
            }
            ErrorKind::Decode(e) => write!(
                f,
                "the server answered {} with a body that does not match the API description: {}",
                e.status, e.source
            ),
            ErrorKind::NotSent(reason) => write!(f, "not sent: {reason}"),
            ErrorKind::RateLimited(e) => write!(f, "rate limited: {e}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("service", &self.0.service)
            .field("operation", &self.0.operation)
            .field("kind", &self.0.kind)
            .field("partial", &self.0.partial)
            .finish()
    }
}

impl fmt::Debug for Partial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Partial")
            .field("status", &self.status)
            .field("headers", &DebugHeaders(&self.headers))
            .field("body", &DebugBody(&self.body))
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Auth(e) => Some(e),
            ErrorKind::Transport(e) => Some(e),
            ErrorKind::Decode(e) => Some(&e.source),
            ErrorKind::RateLimited(e) => Some(e),
            _ => None,
        }
    }
}

struct DebugHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for DebugHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            // A service's own credential headers were marked sensitive by the runtime.
            if crate::service::CREDENTIAL_HEADERS.contains(&name.as_str()) || value.is_sensitive() {
                map.entry(&name.as_str(), &"<redacted>");
            } else {
                map.entry(&name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
            }
        }
        map.finish()
    }
}

struct DebugBody<'a>(&'a [u8]);

impl fmt::Debug for DebugBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(self.0);
        match text.char_indices().nth(MAX_TEXT * 5) {
            Some((cut, _)) => write!(f, "{:?}… ({} bytes)", &text[..cut], self.0.len()),
            None => write!(f, "{text:?}"),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("headers", &DebugHeaders(&self.headers))
            .field("body", &DebugBody(&self.body))
            .finish()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("headers", &DebugHeaders(&self.headers))
            .field("body", &DebugBody(&self.body))
            .field("source", &self.source)
            .finish()
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        let origin = error.url().and_then(transport::origin);
        let url_length = error.url().map(|url| url.as_str().len());
        // The URL may carry secrets in its query string (RENTRI's boarding PIN).
        let error = error.without_url();
        // A request reqwest cannot make (a URL longer than HTTP allows, a header it refuses)
        // was never sent: the caller's input, not the network.
        if error.is_builder() {
            let length = url_length
                .filter(|length| *length > transport::MAX_URL)
                .map(|length| {
                    format!(
                        " (a URL of {length} bytes; at most {} can be sent)",
                        transport::MAX_URL
                    )
                })
                .unwrap_or_default();
            return Self::new(ErrorKind::InvalidRequest(format!(
                "the request cannot be built: {}{length}",
                transport::deepest(&error)
            )));
        }
        let mut error = Self::new(ErrorKind::Transport(error));
        error.0.origin = origin;
        error
    }
}

impl From<reqwest::header::InvalidHeaderValue> for Error {
    fn from(error: reqwest::header::InvalidHeaderValue) -> Self {
        Self::new(ErrorKind::InvalidRequest(format!(
            "invalid header value: {error}"
        )))
    }
}

impl From<AuthError> for Error {
    fn from(error: AuthError) -> Self {
        Self::new(ErrorKind::Auth(error))
    }
}

/// Errors raised inside progenitor's generated request building (`?` in `send`).
impl From<progenitor_client::Error<()>> for Error {
    fn from(error: progenitor_client::Error<()>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) | P::Custom(message) => {
                Self::new(ErrorKind::InvalidRequest(message))
            }
            P::CommunicationError(e) | P::ResponseBodyError(e) => e.into(),
            P::ErrorResponse(rv) => Self::new(ErrorKind::Api(ApiError {
                status: rv.status(),
                headers: rv.headers().clone(),
                body: Bytes::new(),
            })),
            P::InvalidResponsePayload(body, source) => Self::new(ErrorKind::Decode(DecodeError {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body,
                source,
            })),
            P::UnexpectedResponse(response) => Self::new(ErrorKind::Api(ApiError {
                status: response.status(),
                headers: response.headers().clone(),
                body: Bytes::new(),
            })),
            P::InvalidUpgrade(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &'static str) -> Error {
        Error::new(ErrorKind::Api(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }))
    }

    #[test]
    fn an_html_error_page_is_summarised_by_its_title() {
        let page = "<!DOCTYPE html>\n<html><head>\n<TITLE>502 Bad Gateway\n</TITLE></head>\n<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body></html>";
        assert_eq!(
            api(502, page).to_string(),
            "the server answered 502 Bad Gateway: 502 Bad Gateway"
        );
    }

    #[test]
    fn a_text_error_is_summarised_by_its_first_line_of_at_most_200_characters() {
        let error = api(503, "\n  Service Unavailable  \nTry again later.\n");
        assert_eq!(error.message().as_deref(), Some("Service Unavailable"));
        let long = Box::leak("x".repeat(300).into_boxed_str());
        let message = api(500, long).message().unwrap();
        assert_eq!(message, format!("{}…", "x".repeat(200)));
        // An HTML page without a title: its first line.
        let error = api(500, "<html><body>Internal error</body></html>\n<p>more</p>");
        assert_eq!(
            error.message().as_deref(),
            Some("<html><body>Internal error</body></html>")
        );
    }

    #[tokio::test]
    async fn a_request_reqwest_cannot_build_is_an_invalid_request_naming_its_cause() {
        let long = format!("http://127.0.0.1:9/{}", "a".repeat(100_000));
        let client = reqwest::Client::new();
        let request = client.get(&long).build().unwrap();
        let error = Error::from(client.execute(request).await.unwrap_err());
        assert!(
            matches!(error.kind(), ErrorKind::InvalidRequest(_)),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.starts_with("invalid request, nothing was sent: the request cannot be built: "),
            "{text}"
        );
        assert!(
            text.ends_with("(a URL of 100019 bytes; at most 65534 can be sent)"),
            "{text}"
        );
        assert!(!text.contains("aaaa"), "{text}");
    }

    #[tokio::test]
    async fn a_refused_connection_is_named_with_where_it_went() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = closed.local_addr().unwrap();
        drop(closed);
        let error = reqwest::get(format!("http://{address}/x?pin=123456"))
            .await
            .unwrap_err();
        let error = Error::from(error);
        assert_eq!(
            error.to_string(),
            format!("connection refused by {address}")
        );
        assert!(error.is_retryable());
    }

    #[tokio::test]
    async fn a_name_that_does_not_resolve_is_named() {
        let error = Error::from(reqwest::get("http://nowhere.invalid/").await.unwrap_err());
        let text = error.to_string();
        assert!(
            text.starts_with("the name nowhere.invalid was not resolved: "),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_silent_server_is_a_timeout_waiting_for_the_answer() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_millis(200))
            .build()
            .unwrap();
        let error = Error::from(
            client
                .get(format!("http://{address}/"))
                .send()
                .await
                .unwrap_err(),
        );
        assert_eq!(
            error.to_string(),
            format!("timed out waiting for the answer of {address}")
        );
        drop(listener);
    }
}
