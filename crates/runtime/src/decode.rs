//! Turning a response into a typed value or an [`Error`] that keeps everything the server sent.
//!
//! The generator routes progenitor's response handling here, because progenitor's own
//! decoding drops the status and headers when a body does not parse.

use std::fmt;

use progenitor_client::ByteStream;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::answer::Answer;
use crate::error::{ApiError, CallContext, DecodeError, Error, ErrorKind};
use crate::released::{RELEASED_FROM, Released};
use crate::shape::Shape;
use crate::unfit::Unfit;

/// A response read to its end, with what an error built from it must keep.
struct Received {
    context: Option<CallContext>,
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: bytes::Bytes,
    /// A large JSON body, not joined into `body`: decoded as its chunks are released
    /// ([`Received::released`]).
    released: Option<Released>,
}

impl Received {
    async fn read(response: reqwest::Response) -> Result<Self, Error> {
        Self::read_as(response, false).await
    }

    /// As [`Received::read`], a body of [`RELEASED_FROM`] bytes or more kept in its chunks, to
    /// be decoded as they are released.
    async fn read_json(response: reqwest::Response) -> Result<Self, Error> {
        Self::read_as(response, true).await
    }

    async fn read_as(mut response: reqwest::Response, json: bool) -> Result<Self, Error> {
        let context = response.extensions().get::<CallContext>().copied();
        let status = response.status();
        // Taken, not copied: reading the body no longer needs them.
        let headers = std::mem::take(response.headers_mut());
        // Read chunk by chunk, so that when the connection fails mid-body the error keeps
        // what had arrived.
        let mut chunks = Chunks::default();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => chunks.push(chunk),
                Ok(None) => break,
                Err(e) => {
                    return Err(Error::body_cut_off(e, status, headers, chunks.joined())
                        .in_call(context.as_ref()));
                }
            }
        }
        if json && chunks.len() >= RELEASED_FROM {
            return Ok(Self {
                context,
                status,
                headers,
                body: bytes::Bytes::new(),
                released: Some(Released::new(chunks.into_chunks())),
            });
        }
        Ok(Self {
            context,
            status,
            headers,
            body: chunks.joined(),
            released: None,
        })
    }

    /// `T` decoded from a large body as its chunks are released; `None` for a body read whole,
    /// or one that does not decode into `T` (its bytes are then `body`, as they came).
    fn released<T: DeserializeOwned>(&mut self) -> Option<T> {
        let mut released = self.released.take()?;
        match released.decode() {
            Some(value) => {
                // Kept (compressed) until the answer is taken: a refusal keeps its body.
                self.released = Some(released);
                Some(value)
            }
            None => {
                self.body = released.body();
                None
            }
        }
    }

    /// The body as it came, whether it was read whole or released.
    fn whole_body(&mut self) -> bytes::Bytes {
        match self.released.take() {
            Some(released) => released.body(),
            None => std::mem::take(&mut self.body),
        }
    }

    fn value<T>(self, value: T) -> Answer<T> {
        Answer::new(value, self.status, self.headers)
    }

    /// Decodes the body into `T` with the tolerant reader (`tolerant.rs`); the members that
    /// did not fit are logged once, at `debug`, and kept with the answer.
    fn decode<T: DeserializeOwned>(
        &self,
        shape: Shape,
        strict: bool,
    ) -> Result<(T, Vec<Unfit>), serde_json::Error> {
        let (value, unfit) = crate::tolerant::read(&self.body, shape, strict)?;
        if !unfit.is_empty() {
            let (service, operation) = self
                .context
                .map_or(("?", "?"), |c| (c.service, c.operation));
            tracing::debug!(
                service,
                operation,
                status = self.status.as_u16(),
                ?unfit,
                "{} answer member(s) did not fit their types",
                unfit.len()
            );
        }
        Ok((value, unfit))
    }

    fn api_error(mut self) -> Error {
        let body = self.whole_body();
        let Self {
            context,
            status,
            headers,
            ..
        } = self;
        Error::new(ErrorKind::Api(ApiError {
            status,
            headers,
            body,
        }))
        .in_call(context.as_ref())
    }

    fn decode_error(mut self, source: serde_json::Error) -> Error {
        let body = self.whole_body();
        let Self {
            context,
            status,
            headers,
            ..
        } = self;
        Error::new(ErrorKind::Decode(DecodeError {
            status,
            headers,
            body,
            source,
        }))
        .in_call(context.as_ref())
    }
}

/// The chunks of a body as one buffer; a body that came in one chunk is not copied.
#[derive(Default)]
struct Chunks {
    first: bytes::Bytes,
    /// Only when the body came in more than one chunk (most come in one).
    more: Vec<bytes::Bytes>,
}

impl Chunks {
    fn push(&mut self, chunk: bytes::Bytes) {
        if self.first.is_empty() && self.more.is_empty() {
            self.first = chunk;
        } else {
            self.more.push(chunk);
        }
    }

    fn len(&self) -> usize {
        self.first.len() + self.more.iter().map(bytes::Bytes::len).sum::<usize>()
    }

    fn into_chunks(self) -> impl Iterator<Item = bytes::Bytes> {
        std::iter::once(self.first).chain(self.more)
    }

    fn joined(self) -> bytes::Bytes {
        if self.more.is_empty() {
            return self.first;
        }
        let mut body = Vec::with_capacity(
            self.first.len() + self.more.iter().map(bytes::Bytes::len).sum::<usize>(),
        );
        body.extend_from_slice(&self.first);
        self.more
            .iter()
            .for_each(|chunk| body.extend_from_slice(chunk));
        body.into()
    }
}

/// Reads a success response's text body (`text/plain`, `text/csv`, ...) as a `String`. A body
/// that is not UTF-8 is a decode error that keeps status, headers and the raw bytes.
pub async fn text_response(response: reqwest::Response) -> Result<Answer<String>, Error> {
    text_variant(response, |text| text).await
}

/// As [`text_response`], for the text status of an answer with a variant per status, wrapped in
/// that variant (`Answer::Status203`).
pub async fn text_variant<A>(
    response: reqwest::Response,
    variant: impl FnOnce(String) -> A,
) -> Result<Answer<A>, Error> {
    let received = Received::read(response).await?;
    match std::str::from_utf8(&received.body) {
        Ok(text) => {
            let text = text.to_owned();
            Ok(received.value(variant(text)))
        }
        Err(e) => {
            let source = <serde_json::Error as serde::de::Error>::custom(format!(
                "the text answer is not UTF-8: {e}"
            ));
            Err(received.decode_error(source))
        }
    }
}

/// Decodes a JSON body, whose JSON looks like `shape`, into the type of one status of an answer
/// with a variant per status, and wraps it in that variant (`Answer::Status202`). Members that do
/// not fit are tolerated unless `strict` (see `tolerant.rs`).
pub async fn json_variant<T: DeserializeOwned, A>(
    response: reqwest::Response,
    shape: Shape,
    strict: bool,
    variant: impl FnOnce(T) -> A,
) -> Result<Answer<A>, Error> {
    let mut received = Received::read_json(response).await?;
    if let Some(value) = received.released() {
        return Ok(received.value(variant(value)));
    }
    match received.decode(shape, strict) {
        Ok((value, unfit)) => Ok(received.value(variant(value)).with_unfit(unfit)),
        Err(source) => Err(received.decode_error(source)),
    }
}

/// The bodiless status of an answer with a variant per status.
pub fn empty_variant<A>(mut response: reqwest::Response, answer: A) -> Result<Answer<A>, Error> {
    let headers = std::mem::take(response.headers_mut());
    Ok(Answer::new(answer, response.status(), headers))
}

/// A success without a body.
pub fn empty(response: reqwest::Response) -> Result<Answer<()>, Error> {
    empty_variant(response, ())
}

/// A success whose body is streamed as it arrives (a download).
pub fn stream(mut response: reqwest::Response) -> Result<Answer<ByteStream>, Error> {
    let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
    let bytes = ByteStream::new(Box::pin(response.bytes_stream()));
    Ok(Answer::new(bytes, status, headers))
}

/// Decodes a success response's JSON body, whose JSON looks like `shape`. Members that do not
/// fit are tolerated unless `strict`; on failure the error keeps status, headers and body.
pub async fn json_response<T: DeserializeOwned>(
    response: reqwest::Response,
    shape: Shape,
    strict: bool,
) -> Result<Answer<T>, Error> {
    json_variant(response, shape, strict, |value| value).await
}

/// Decodes a success response of a service whose answers carry a success flag (the PEC
/// envelope's `success`): a body whose flag is `false` is the service refusing the call,
/// returned as an [`ErrorKind::Api`] error that keeps status, headers and body, so that callers
/// meet one error path whatever status the refusal came with. The body is parsed once, into
/// `T`, and `refused` reads the flag from it (the generated code passes
/// `|answer| answer.success == Some(false)`). A body that does not parse into `T` is still
/// checked for `success_member: false`, so that a refusal whose other members do not fit `T`
/// is a refusal too, not a decode error. Otherwise members that do not fit are tolerated unless
/// `strict`, as by [`json_response`].
pub async fn json_response_refusable<T: DeserializeOwned>(
    response: reqwest::Response,
    shape: Shape,
    strict: bool,
    success_member: &str,
    refused: impl Fn(&T) -> bool,
) -> Result<Answer<T>, Error> {
    let mut received = Received::read_json(response).await?;
    let decoded = match received.released() {
        Some(value) => Ok(value),
        None => serde_json::from_slice::<T>(&received.body),
    };
    match decoded {
        Ok(value) if refused(&value) => Err(received.api_error()),
        Ok(value) => Ok(received.value(value)),
        Err(_) if member_is_false(&received.body, success_member) => Err(received.api_error()),
        Err(_) => match received.decode(shape, strict) {
            Ok((value, _)) if refused(&value) => Err(received.api_error()),
            Ok((value, unfit)) => Ok(received.value(value).with_unfit(unfit)),
            Err(source) => Err(received.decode_error(source)),
        },
    }
}

/// Whether `body` is a JSON object whose `member` is `false`. It is read without building the
/// document (building a `serde_json::Value` first cost a third more per call than the whole
/// hand-written request), and a body that is not valid JSON says no: decoding it then fails
/// with the parser's error.
fn member_is_false(body: &[u8], member: &str) -> bool {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    FalseMember(member)
        .deserialize(&mut deserializer)
        .and_then(|refused| deserializer.end().map(|()| refused))
        .unwrap_or(false)
}

/// Reads one JSON object, skipping every member but one, and says whether that one is `false`.
struct FalseMember<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for FalseMember<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FalseMember<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        // A repeated member counts by its last value, as when the object is parsed whole.
        let mut refused = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.0 {
                refused = map.next_value::<serde_json::Value>()? == serde_json::Value::Bool(false);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(refused)
    }
}

/// The answer of an operation that may also succeed without a body (a `204` beside a `200`),
/// when the body came: `Some` of it.
pub fn present<T>(decoded: Result<Answer<T>, Error>) -> Result<Answer<Option<T>>, Error> {
    decoded.map(|answer| answer.map(Some))
}

/// The answer of such an operation for its bodiless success status: `None`, with the status
/// and headers.
pub fn absent<T>(response: reqwest::Response) -> Result<Answer<Option<T>>, Error> {
    empty_variant(response, None)
}

/// The error for a response whose status is not the operation's success status.
pub async fn error_from_response(response: reqwest::Response) -> Error {
    match Received::read(response).await {
        Ok(received) => received.api_error(),
        Err(error) => error,
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::{Chunks, member_is_false};

    #[test]
    fn chunks_join_in_order_and_one_chunk_is_not_copied() {
        let joined = |parts: &[&'static str]| {
            let mut chunks = Chunks::default();
            parts
                .iter()
                .for_each(|p| chunks.push(Bytes::from_static(p.as_bytes())));
            chunks.joined()
        };
        assert_eq!(joined(&[]), "");
        assert_eq!(joined(&["", "ab", "", "cd", "e"]), "abcde");
        let only = "{\"a\": 1}";
        assert_eq!(joined(&[only]).as_ptr(), only.as_ptr());
    }

    /// A response whose body comes in chunks of 64 KiB, as a server's large answer does.
    fn chunked_response(body: &[u8]) -> reqwest::Response {
        let chunks: Vec<Result<Bytes, std::io::Error>> = body
            .chunks(1 << 16)
            .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
            .collect();
        let stream = futures::stream::iter(chunks);
        reqwest::Response::from(http::Response::new(reqwest::Body::wrap_stream(stream)))
    }

    /// A PEC-like envelope of `items` strings, `success` as given, over `RELEASED_FROM` bytes.
    fn large_envelope(success: &str, items: usize) -> String {
        let data: Vec<String> = (0..items).map(|i| format!("\"item {i:08}\"")).collect();
        format!(r#"{{"success": {success}, "data": [{}]}}"#, data.join(","))
    }

    #[derive(serde::Deserialize, Debug)]
    struct Envelope {
        success: Option<bool>,
        data: Vec<String>,
    }

    #[tokio::test]
    async fn a_large_body_decoded_as_it_is_released_keeps_its_bytes_for_a_refusal_or_a_failure() {
        let shape = crate::shape::Shape::new(&[crate::shape::Node::Any], 0);
        let items = super::RELEASED_FROM / 12;
        let fitting = large_envelope("true", items);
        assert!(fitting.len() >= super::RELEASED_FROM);
        let answer = super::json_response_refusable::<Envelope>(
            chunked_response(fitting.as_bytes()),
            shape,
            false,
            "success",
            |e| e.success == Some(false),
        )
        .await
        .unwrap();
        assert_eq!(answer.data.len(), items);
        assert_eq!(answer.data[items - 1], format!("item {:08}", items - 1));
        // Refused in the body: the error carries it whole, byte for byte.
        let refused = large_envelope("false", items);
        let error = super::json_response_refusable::<Envelope>(
            chunked_response(refused.as_bytes()),
            shape,
            false,
            "success",
            |e| e.success == Some(false),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error.kind(), crate::ErrorKind::Api(_)),
            "{error:?}"
        );
        assert_eq!(error.body(), Some(refused.as_bytes()));
        // Not of the type (a number among the strings): a decode error with the whole body.
        let unfit = fitting.replacen("\"item 00000007\"", "7", 1);
        let error =
            super::json_response::<Envelope>(chunked_response(unfit.as_bytes()), shape, true)
                .await
                .unwrap_err();
        assert!(
            matches!(error.kind(), crate::ErrorKind::Decode(_)),
            "{error:?}"
        );
        assert_eq!(error.body(), Some(unfit.as_bytes()));
    }

    #[test]
    fn only_a_false_member_of_the_top_object_refuses() {
        let refused = |body: &str| member_is_false(body.as_bytes(), "success");
        assert!(refused(
            r#"{"data": null, "success": false, "message": "no"}"#
        ));
        assert!(refused(r#"{"success": true, "success": false}"#));
        assert!(!refused(r#"{"success": false, "success": true}"#));
        assert!(!refused(r#"{"success": true, "data": {"success": false}}"#));
        assert!(!refused(r#"{"data": [1, {"x": "y"}], "message": ""}"#));
        assert!(!refused(r#"{"success": "false"}"#));
        assert!(!refused(r#"{"success": null}"#));
        assert!(!refused(r#"[{"success": false}]"#));
        assert!(!refused("false"));
        assert!(!refused(""));
        // Not JSON: decoding reports the parser's error instead.
        assert!(!refused(r#"{"success": false"#));
        assert!(!refused(r#"{"success": false, "data": {oops}}"#));
        assert!(!refused(r#"{"success": false} trailing"#));
    }
}
