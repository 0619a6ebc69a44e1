//! The request an operation's builder fills: one generic routine for every operation of every
//! service, parameterized by the operation's facts ([`crate::OperationMeta`]), where each
//! builder used to carry its own copy of the request-building code.
//!
//! A generated builder wraps a [`Call`]; each setter converts its value and hands it over
//! (`path`, `query`, `header`, a body), and `send` sends it and reads the answer
//! (`send_json`, `send_empty`, `send_stream`, `send_text`, or `send` and the functions of
//! [`crate::contract`] when each status has its own answer). A value a setter refuses is kept
//! as the reason, named after the input, and returned by `send` as
//! [`ErrorKind::InvalidRequest`] before anything is sent.
//!
//! The type parameter `S` is the builder's typestate: [`crate::Missing`] or [`crate::Set`] for
//! each required input. Optional setters keep it; required ones end with [`Call::set`].

use std::fmt::{self, Display};
use std::marker::PhantomData;

use progenitor_client::{ClientInfo, QueryParam};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::answer::Answer;
use crate::decode;
use crate::error::{Error, ErrorKind};
use crate::execute::Runtime;
use crate::limit::LimitedInput;
use crate::multipart::Multipart;
use crate::path::segment;
use crate::query_style::{self, QueryStyle};
use crate::service::OperationMeta;
use crate::shape::Shape;
use crate::text::text;

/// A request being filled by an operation's builder (part of the contract with generated
/// code; see the module documentation).
pub struct Call<'a, S = ()> {
    http: &'a reqwest::Client,
    base_url: &'a str,
    runtime: &'a Runtime,
    operation: &'static OperationMeta,
    accept: &'static str,
    /// Each path parameter's name in the template and its encoded segment.
    segments: Vec<(&'static str, String)>,
    /// Each query parameter's name (as the setter is called) and its `name=value` pairs,
    /// already encoded; one entry per parameter, replaced when it is set again.
    query: Vec<(&'static str, String)>,
    /// Header parameters, one value each (a list is one comma-joined value): a list rather than
    /// a `HeaderMap`, a quarter of its size, as a builder is moved at every setter.
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Body,
    /// The first value a setter refused, as `send` reports it.
    invalid: Option<Box<str>>,
    state: PhantomData<fn() -> S>,
}

/// A request body, in the form it is sent.
enum Body {
    None,
    /// Serialized when set (JSON, a form), with its media type: a retry resends the bytes.
    Bytes(bytes::Bytes, &'static str),
    /// Whatever converts into a `reqwest::Body` (a stream is sent once, never retried).
    Raw(reqwest::Body, &'static str),
    /// A copy of a builder whose body was a stream, which cannot be copied.
    StreamNotCopied,
    Multipart(Multipart),
}

impl<'a> Call<'a> {
    /// The call of `operation` (an entry of the service's table) through `client`, sending
    /// `accept` as its `Accept` header (none when empty).
    pub fn new<S>(
        client: &'a impl ClientInfo<Runtime>,
        operation: &'static OperationMeta,
        accept: &'static str,
    ) -> Call<'a, S> {
        Call {
            http: client.client(),
            base_url: client.baseurl(),
            runtime: client.inner(),
            operation,
            accept,
            segments: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            invalid: None,
            state: PhantomData,
        }
    }
}

impl<'a, S> Call<'a, S> {
    /// The same call in another typestate: what a required input's setter returns.
    pub fn set<N>(self) -> Call<'a, N> {
        Call {
            http: self.http,
            base_url: self.base_url,
            runtime: self.runtime,
            operation: self.operation,
            accept: self.accept,
            segments: self.segments,
            query: self.query,
            headers: self.headers,
            body: self.body,
            invalid: self.invalid,
            state: PhantomData,
        }
    }

    /// The path parameter `name`, written `{wire}` in the path template, as one encoded
    /// segment.
    pub fn path<T: Serialize, E: Display>(
        mut self,
        name: &'static str,
        wire: &'static str,
        value: Result<T, E>,
    ) -> Self {
        let value = self.within_limits(LimitedInput::Parameter(name), value);
        if let Some(value) = self.accept_text(name, value) {
            match segment(name, value) {
                Ok(segment) => replace(&mut self.segments, wire, segment),
                Err(reason) => self.refuse(reason),
            }
        }
        self
    }

    /// The query parameter `name`, sent as `wire` (an array as one pair per item).
    pub fn query<T: Serialize, E: Display>(
        mut self,
        name: &'static str,
        wire: &'static str,
        value: Result<T, E>,
    ) -> Self {
        let value = self.within_limits(LimitedInput::Parameter(name), value);
        if let Some(value) = self.accept_value(name, value) {
            let mut pairs = String::new();
            let written = {
                let mut encoder = url::form_urlencoded::Serializer::new(&mut pairs);
                QueryParam::new(wire, &value)
                    .serialize(serde_urlencoded::Serializer::new(&mut encoder))
                    .map(|_| ())
            };
            match written {
                Ok(_) => replace(&mut self.query, name, pairs),
                Err(e) => self.refuse(format!("invalid {name}: {e}")),
            }
        }
        self
    }

    /// The query parameter `name`, an array or an object, sent as `wire` in `style`
    /// ([`crate::query_style`]).
    pub fn query_styled<T: Serialize, E: Display>(
        mut self,
        name: &'static str,
        wire: &'static str,
        style: QueryStyle,
        value: Result<T, E>,
    ) -> Self {
        if let Some(value) = self.accept_value(name, value) {
            match query_style::encoded(wire, style, &value) {
                Ok(pairs) => replace(&mut self.query, name, pairs),
                Err(e) => self.refuse(format!("invalid {name}: {e}")),
            }
        }
        self
    }

    /// The header parameter `name`, sent as `wire`.
    pub fn header<T: Serialize, E: Display>(
        mut self,
        name: &'static str,
        wire: &'static str,
        value: Result<T, E>,
    ) -> Self {
        let value = self.within_limits(LimitedInput::Parameter(name), value);
        if let Some(value) = self.accept_text(name, value) {
            match (
                HeaderName::from_bytes(wire.as_bytes()),
                HeaderValue::try_from(value),
            ) {
                (Ok(header), Ok(value)) => replace(&mut self.headers, header, value),
                (Err(e), _) => self.refuse(format!("invalid {name}: {e}")),
                (_, Err(e)) => self.refuse(format!("invalid {name}: {e}")),
            }
        }
        self
    }

    /// A JSON body, sent as `media_type`.
    pub fn json<T: Serialize, E: Display>(
        mut self,
        value: Result<T, E>,
        media_type: &'static str,
    ) -> Self {
        let value = self.within_limits(LimitedInput::Body, value);
        if let Some(value) = self.accept_value("body", value) {
            match serde_json::to_vec(&value) {
                Ok(bytes) => self.body = Body::Bytes(bytes.into(), media_type),
                Err(e) => self.refuse(format!("invalid body: {e}")),
            }
        }
        self
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form<T: Serialize, E: Display>(mut self, value: Result<T, E>) -> Self {
        let value = self.within_limits(LimitedInput::Body, value);
        if let Some(value) = self.accept_value("body", value) {
            match serde_urlencoded::to_string(&value) {
                Ok(text) => {
                    self.body = Body::Bytes(text.into(), "application/x-www-form-urlencoded");
                }
                Err(e) => self.refuse(format!("invalid body: {e}")),
            }
        }
        self
    }

    /// A body of bytes or text, sent as `media_type`.
    pub fn raw<T: Into<reqwest::Body>, E: Display>(
        mut self,
        value: Result<T, E>,
        media_type: &'static str,
    ) -> Self {
        if let Some(value) = self.accept_value("body", value) {
            self.body = Body::Raw(value.into(), media_type);
        }
        self
    }

    /// A `multipart/form-data` body: `parts` adds one part per member of `value`.
    pub fn multipart<T, E: Display>(
        mut self,
        value: Result<T, E>,
        parts: impl FnOnce(T, Multipart) -> Multipart,
    ) -> Self {
        if let Some(value) = self.accept_value("body", value) {
            self.body = Body::Multipart(parts(value, Multipart::default()));
        }
        self
    }

    /// Sends the request and returns the response whatever its status, for a `send` that reads
    /// it with [`crate::contract`], and whether the client is strict.
    pub async fn send(mut self) -> Result<(reqwest::Response, bool), Error> {
        // A multipart body opens its files now; everything else was made when it was set.
        let form = match std::mem::replace(&mut self.body, Body::None) {
            // Boxed, so that the common call does not carry its state.
            Body::Multipart(parts) => Some(Box::pin(parts.into_form()).await?),
            body => {
                self.body = body;
                None
            }
        };
        let (runtime, http, operation) = (self.runtime, self.http, *self.operation);
        let request = self.request(form)?;
        // Boxed: the routine's state (about 2.4 KB) would otherwise be copied into each future
        // that awaits it, up to the caller's, several times per call.
        let response = Box::pin(runtime.execute_operation(http, request, operation)).await?;
        Ok((response, runtime.strict()))
    }

    /// Sends the request; a status of `statuses` (any 2XX when empty) is a JSON answer read
    /// as `shape` describes it, any other an error.
    pub async fn send_json<T: DeserializeOwned>(
        self,
        statuses: &[u16],
        shape: Shape,
    ) -> Result<Answer<T>, Error> {
        let (response, strict) = self.send().await?;
        if !expected(&response, statuses) {
            return Err(decode::error_from_response(response).await);
        }
        decode::json_response(response, shape, strict).await
    }

    /// As [`Call::send_json`], for an answer without a body.
    pub async fn send_empty(self, statuses: &[u16]) -> Result<Answer<()>, Error> {
        let (response, _) = self.send().await?;
        if !expected(&response, statuses) {
            return Err(decode::error_from_response(response).await);
        }
        decode::empty(response)
    }

    /// As [`Call::send_json`], for a download, streamed as it arrives.
    pub async fn send_stream(
        self,
        statuses: &[u16],
    ) -> Result<Answer<progenitor_client::ByteStream>, Error> {
        let (response, _) = self.send().await?;
        if !expected(&response, statuses) {
            return Err(decode::error_from_response(response).await);
        }
        decode::stream(response)
    }

    /// As [`Call::send_json`], for a text answer.
    pub async fn send_text(self, statuses: &[u16]) -> Result<Answer<String>, Error> {
        let (response, _) = self.send().await?;
        if !expected(&response, statuses) {
            return Err(decode::error_from_response(response).await);
        }
        decode::text_response(response).await
    }

    /// The request, or the first refused value; `form` is the multipart body, its files open.
    fn request(self, form: Option<reqwest::multipart::Form>) -> Result<reqwest::Request, Error> {
        if let Some(reason) = self.invalid {
            return Err(Error::new(ErrorKind::InvalidRequest(reason.into())));
        }
        let mut url = String::with_capacity(self.base_url.len() + self.operation.path.len() + 16);
        url.push_str(self.base_url);
        fill_template(&mut url, self.operation.path, &self.segments)?;
        let mut separator = '?';
        for (_, pairs) in self.query.iter().filter(|(_, pairs)| !pairs.is_empty()) {
            url.push(separator);
            url.push_str(pairs);
            separator = '&';
        }
        let method = reqwest::Method::from_bytes(self.operation.method.as_bytes())
            .map_err(|e| Error::new(ErrorKind::InvalidRequest(format!("method: {e}"))))?;
        // Made as `reqwest::Request` itself rather than through `RequestBuilder`, whose moves
        // and conversions cost more than the rest of this routine (BENCHMARKS.md).
        let url = reqwest::Url::parse(&url)
            .map_err(|e| Error::new(ErrorKind::InvalidRequest(format!("the URL: {e}"))))?;
        if !url.username().is_empty() || url.password().is_some() {
            // `RequestBuilder` would send them as basic authentication; the client's builder
            // refuses such a base URL, and so does a call.
            return Err(Error::new(ErrorKind::InvalidRequest(
                "the base URL has credentials in it".into(),
            )));
        }
        let mut request = reqwest::Request::new(method, url);
        if !self.accept.is_empty() {
            request
                .headers_mut()
                .insert(ACCEPT, static_value(self.accept));
        }
        let body = match self.body {
            Body::None | Body::Multipart(_) => None,
            Body::Bytes(bytes, media_type) => Some((reqwest::Body::from(bytes), media_type)),
            Body::Raw(body, media_type) => Some((body, media_type)),
            Body::StreamNotCopied => {
                return Err(Error::new(ErrorKind::InvalidRequest(
                    "the body is a stream, which a copy of the builder cannot send: give the copy its own body".into(),
                )));
            }
        };
        if let Some((body, media_type)) = body {
            let media_type = static_value(media_type);
            request.headers_mut().insert(CONTENT_TYPE, media_type);
            *request.body_mut() = Some(body);
        }
        if let Some(form) = form {
            request = reqwest::RequestBuilder::from_parts(self.http.clone(), request)
                .multipart(form)
                .build()?;
        }
        // Header parameters last, each replacing what was there (as `RequestBuilder::headers`).
        for (name, value) in self.headers {
            request.headers_mut().insert(name, value);
        }
        Ok(request)
    }

    /// `value`, or `None` after keeping the reason it was refused.
    fn accept_value<T, E: Display>(&mut self, name: &str, value: Result<T, E>) -> Option<T> {
        value
            .map_err(|e| self.refuse(format!("invalid {name}: {e}")))
            .ok()
    }

    /// `value` as the text of a path segment or a header (`simple` style: the value itself,
    /// an array's items joined by commas), or `None` after keeping the reason it was refused.
    fn accept_text<T: Serialize, E: Display>(
        &mut self,
        name: &str,
        value: Result<T, E>,
    ) -> Option<String> {
        let value = self.accept_value(name, value)?;
        match text(&value) {
            Ok(text) => Some(text),
            Err(reason) => {
                self.refuse(format!("invalid {name}: {reason}"));
                None
            }
        }
    }

    /// `value`, or the reason it breaks one of the spec's limits on `input` (a range, a
    /// length, a pattern: [`crate::Limit`]; the setter's refusal names the input). The value
    /// is read as JSON only when the operation has limits on that input.
    fn within_limits<T: Serialize, E: Display>(
        &self,
        input: LimitedInput,
        value: Result<T, E>,
    ) -> Result<T, String> {
        let value = value.map_err(|e| e.to_string())?;
        let mut limits = self
            .operation
            .limits
            .iter()
            .filter(|limit| limit.input == input && !limit.checked_by_type)
            .peekable();
        if limits.peek().is_none() {
            return Ok(value);
        }
        let json = serde_json::to_value(&value).map_err(|e| e.to_string())?;
        for limit in limits {
            limit.check(&json)?;
        }
        Ok(value)
    }

    fn refuse(&mut self, reason: String) {
        self.invalid.get_or_insert(reason.into_boxed_str());
    }
}

/// A media type of the generated code as a header value. `HeaderValue::from_static` checks
/// each byte when it runs, so the one most calls send is made once, at compile time.
fn static_value(media_type: &'static str) -> HeaderValue {
    const JSON: HeaderValue = HeaderValue::from_static("application/json");
    if media_type == "application/json" {
        JSON
    } else {
        HeaderValue::from_static(media_type)
    }
}

/// `true` when `response`'s status is one of `statuses`, or any 2XX when there are none.
fn expected(response: &reqwest::Response, statuses: &[u16]) -> bool {
    let status = response.status().as_u16();
    if statuses.is_empty() {
        (200..300).contains(&status)
    } else {
        statuses.contains(&status)
    }
}

/// Sets `key`'s value in `entries`, keeping the place of its first setting.
fn replace<K: PartialEq, V>(entries: &mut Vec<(K, V)>, key: K, value: V) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
}

/// Appends `template` to `url`, each `{name}` replaced by its segment.
fn fill_template(
    url: &mut String,
    template: &str,
    segments: &[(&'static str, String)],
) -> Result<(), Error> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .unwrap_or(rest.len());
        url.push_str(&rest[..open]);
        let name = rest.get(open + 1..close).unwrap_or_default();
        let segment = segments.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            Error::new(ErrorKind::InvalidRequest(format!(
                "the path parameter `{name}` is not set"
            )))
        })?;
        url.push_str(&segment.1);
        rest = rest.get(close + 1..).unwrap_or_default();
    }
    url.push_str(rest);
    Ok(())
}

/// A body the caller built with typify's builder of its type, checked: the type, or why it is
/// incomplete.
pub fn built<T, B>(body: Result<B, String>) -> Result<T, String>
where
    T: TryFrom<B, Error: Display>,
{
    body.and_then(|body| T::try_from(body).map_err(|e| e.to_string()))
}

/// A copy of the call; a body that is a stream cannot be copied, and the copy says so when
/// sent.
impl<S> Clone for Call<'_, S> {
    fn clone(&self) -> Self {
        Self {
            http: self.http,
            base_url: self.base_url,
            runtime: self.runtime,
            operation: self.operation,
            accept: self.accept,
            segments: self.segments.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: match &self.body {
                Body::None => Body::None,
                Body::Bytes(bytes, media_type) => Body::Bytes(bytes.clone(), media_type),
                Body::Raw(body, media_type) => match body.as_bytes() {
                    Some(bytes) => Body::Raw(bytes.to_vec().into(), media_type),
                    None => Body::StreamNotCopied,
                },
                Body::StreamNotCopied => Body::StreamNotCopied,
                Body::Multipart(parts) => Body::Multipart(parts.clone()),
            },
            invalid: self.invalid.clone(),
            state: PhantomData,
        }
    }
}

/// Names what is set, never a value: a parameter or a body may be a secret.
impl<S> fmt::Debug for Call<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match &self.body {
            Body::None => None,
            Body::Bytes(bytes, media_type) => Some(format!("{media_type}, {} bytes", bytes.len())),
            Body::Raw(_, media_type) => Some(media_type.to_string()),
            Body::StreamNotCopied => Some("a stream, not copied".to_owned()),
            Body::Multipart(_) => Some("multipart/form-data".to_owned()),
        };
        f.debug_struct("Call")
            .field("operation", &self.operation.id)
            .field(
                "path",
                &self.segments.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field(
                "query",
                &self.query.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("body", &body)
            .field("invalid", &self.invalid)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use progenitor_client::ClientInfo;
    use serde_json::json;

    use super::{Call, expected, fill_template};
    use crate::ErrorKind;
    use crate::{Auth, Missing, OperationMeta, RetryPolicy, Runtime, ServiceInfo, Set};

    static OPERATION: OperationMeta = OperationMeta {
        id: "change_pin",
        method: "PUT",
        path: "/credentials/{credentials_id}/pin",
        anonymous: false,
        idempotent: true,
        secret_headers: &["x-pin"],
        rate_limit: None,
        limits: &[],
    };
    static SERVICE: ServiceInfo = ServiceInfo {
        name: "test",
        title: "Test",
        env_prefix: "TEST",
        auth: crate::AuthScheme::Bearer,
        servers: &[],
        operations: std::slice::from_ref(&OPERATION),
        credential_headers: &[],
        follow_redirects: true,
        rate_limit: None,
    };

    struct Client(reqwest::Client, Runtime, &'static str);

    impl ClientInfo<Runtime> for Client {
        fn api_version() -> &'static str {
            "1"
        }
        fn baseurl(&self) -> &str {
            self.2
        }
        fn client(&self) -> &reqwest::Client {
            &self.0
        }
        fn inner(&self) -> &Runtime {
            &self.1
        }
    }

    fn client() -> Client {
        Client(
            reqwest::Client::new(),
            Runtime::new(&SERVICE, Auth::bearer("t0ken"), RetryPolicy::disabled()),
            "https://example.test/v1",
        )
    }

    fn ok<T>(value: T) -> Result<T, String> {
        Ok(value)
    }

    #[tokio::test]
    async fn the_request_has_every_input_in_its_place() {
        let client = client();
        let call: Call<'_, Missing> = Call::new(&client, &OPERATION, "application/problem+json");
        let call: Call<'_, Set> = call
            .path("credentials_id", "credentials_id", ok("a/b c"))
            .query("page", "page", ok(2))
            .query("tags", "tag", ok(vec!["x y", "z"]))
            .query("page", "page", ok(3))
            .query("none", "none", ok(None::<i32>))
            .header("pin", "X-Pin", ok(crate::Secret::new("123456")))
            .json(ok(json!({ "new_pin": "654321" })), "application/json")
            .set();
        let request = call.request(None).expect("a request");
        assert_eq!(request.method(), "PUT");
        assert_eq!(
            request.url().as_str(),
            "https://example.test/v1/credentials/a%2Fb%20c/pin?page=3&tag=x+y&tag=z"
        );
        assert_eq!(request.headers()["x-pin"], "123456");
        assert_eq!(request.headers()["accept"], "application/problem+json");
        assert_eq!(request.headers()["content-type"], "application/json");
        let body = request.body().and_then(|b| b.as_bytes()).expect("bytes");
        assert_eq!(body, br#"{"new_pin":"654321"}"#);
    }

    #[test]
    fn a_header_parameter_replaces_what_the_call_would_send_under_its_name() {
        let client = client();
        let call: Call<'_> = Call::new(&client, &OPERATION, "application/json")
            .path("credentials_id", "credentials_id", ok("1"))
            .header("format", "Accept", ok("text/csv"))
            .header("format", "Accept", ok("application/pdf"))
            .raw(ok("a,b"), "text/csv");
        let request = call.request(None).expect("a request");
        let accept: Vec<_> = request.headers().get_all("accept").iter().collect();
        assert_eq!(accept, ["application/pdf"]);
        assert_eq!(request.headers()["content-type"], "text/csv");
    }

    #[test]
    fn a_base_url_with_credentials_is_refused_rather_than_sent_as_basic_authentication() {
        let mut client = client();
        client.2 = "https://user:pass@example.test/v1";
        let call: Call<'_> =
            Call::new(&client, &OPERATION, "").path("credentials_id", "credentials_id", ok("1"));
        let error = call.request(None).unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::InvalidRequest(reason) if reason.contains("credentials")),
            "{error:?}"
        );
        assert!(!format!("{error:?}").contains("pass"), "{error:?}");
    }

    #[tokio::test]
    async fn a_refused_value_is_the_error_and_names_its_input_and_nothing_else_is_shown() {
        let client = client();
        let call: Call<'_> = Call::new(&client, &OPERATION, "")
            .path("credentials_id", "credentials_id", ok(".."))
            .header("pin", "X-Pin", Err::<String, _>("too short"))
            .form(ok(json!({ "secret": "hunter2" })));
        let shown = format!("{call:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("application/x-www-form-urlencoded, 14 bytes"),
            "{shown}"
        );
        let error = call.request(None).expect_err("refused");
        // The first refusal is reported.
        assert_eq!(
            error.to_string(),
            "invalid request, nothing was sent: credentials_id `..` cannot be sent as a URL path segment"
        );
        let error = Call::new::<()>(&client, &OPERATION, "")
            .header("pin", "X-Pin", Err::<String, _>("too short"))
            .request(None)
            .expect_err("refused");
        assert!(
            error.to_string().contains("invalid pin: too short"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn a_copy_keeps_a_body_of_bytes_and_refuses_to_send_a_stream() {
        let client = client();
        let call: Call<'_> = Call::new(&client, &OPERATION, "")
            .path("credentials_id", "credentials_id", ok(1))
            .raw(ok(b"pdf".to_vec()), "application/pdf");
        let copy = call.clone();
        assert!(copy.request(None).is_ok());
        let stream = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("x"))]);
        let call: Call<'_> = Call::new(&client, &OPERATION, "")
            .path("credentials_id", "credentials_id", ok(1))
            .raw(ok(reqwest::Body::wrap_stream(stream)), "application/pdf");
        let error = call
            .clone()
            .request(None)
            .expect_err("a stream is not copied");
        assert!(error.to_string().contains("stream"), "{error}");
        assert!(call.request(None).is_ok());
    }

    #[test]
    fn a_template_is_filled_and_an_unset_parameter_is_named() {
        let mut url = String::from("https://x");
        fill_template(
            &mut url,
            "/a/{id}/b/{n}",
            &[("n", "2".into()), ("id", "1".into())],
        )
        .unwrap();
        assert_eq!(url, "https://x/a/1/b/2");
        let error = fill_template(&mut String::new(), "/a/{id}", &[]).unwrap_err();
        assert!(error.to_string().contains("`id`"), "{error}");
    }

    #[test]
    fn no_listed_status_means_any_success() {
        let response = |status: u16| -> reqwest::Response {
            http::Response::builder()
                .status(status)
                .body("")
                .unwrap()
                .into()
        };
        assert!(expected(&response(204), &[]));
        assert!(!expected(&response(404), &[]));
        assert!(expected(&response(201), &[200, 201]));
        assert!(!expected(&response(200), &[201]));
    }

    /// What building a request through `Call` costs beside the same request written out, as
    /// the generated code wrote it before (BENCHMARKS.md, "One request routine"):
    /// `cargo test --release -p credkit-runtime --lib -- --ignored --nocapture cost_of_building`.
    /// `COST_OF_BUILDING=rounds,calls` (default `8,200000`) shortens it, for instance to count
    /// instructions under `valgrind --tool=callgrind`, where each way is a function of its own.
    #[test]
    #[ignore]
    fn cost_of_building() {
        use std::time::Instant;
        let (rounds, n) = std::env::var("COST_OF_BUILDING")
            .ok()
            .and_then(|v| {
                let (rounds, n) = v.split_once(',')?;
                Some((rounds.parse().ok()?, n.parse().ok()?))
            })
            .unwrap_or((8_u32, 200_000_u32));
        let client = client();
        for _ in 0..rounds {
            let t = Instant::now();
            for i in 0..n {
                std::hint::black_box(built_by_call(&client, i));
            }
            let call_ns = t.elapsed().as_nanos() as f64 / f64::from(n);
            let t = Instant::now();
            for i in 0..n {
                std::hint::black_box(written_out(&client, i));
            }
            let direct_ns = t.elapsed().as_nanos() as f64 / f64::from(n);
            eprintln!("built by Call: {call_ns:.0} ns; written out: {direct_ns:.0} ns");
        }
    }

    #[inline(never)]
    fn built_by_call(client: &Client, i: u32) -> reqwest::Request {
        let call: Call<'_> = Call::new(client, &OPERATION, "application/json")
            .path("credentials_id", "credentials_id", ok("B4HUPE820"))
            .json(ok(json!({ "new_pin": i })), "application/json");
        call.request(None).unwrap()
    }

    /// The request as the old generated code built it: `id.to_string()`, then encoded.
    #[inline(never)]
    fn written_out(client: &Client, i: u32) -> reqwest::Request {
        let id: String = "B4HUPE820".into();
        let id = crate::path::encode_path_segment(&id);
        let url = format!("{}/credentials/{}/pin", "https://example.test/v1", id);
        let body = serde_json::to_vec(&json!({ "new_pin": i })).unwrap();
        client
            .0
            .put(url)
            .header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            )
            .header(
                reqwest::header::CONTENT_TYPE,
                reqwest::header::HeaderValue::from_static("application/json"),
            )
            .body(body)
            .build()
            .unwrap()
    }
}
