//! Turning a response into a typed value or an [`Error`] that keeps everything the server sent.
//!
//! The generator routes progenitor's response handling here, because progenitor's own
//! decoding drops the status and headers when a body does not parse.

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, CallContext, DecodeError, Error, ErrorKind};

/// A response read to its end, with what an error built from it must keep.
struct Received {
    context: Option<CallContext>,
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: bytes::Bytes,
}

impl Received {
    async fn read(mut response: reqwest::Response) -> Result<Self, Error> {
        let context = response.extensions().get::<CallContext>().copied();
        let status = response.status();
        let headers = response.headers().clone();
        // Read chunk by chunk, so that when the connection fails mid-body the error keeps
        // what had arrived.
        let mut chunks = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => chunks.push(chunk),
                Ok(None) => break,
                Err(e) => {
                    return Err(Error::body_cut_off(e, status, headers, joined(chunks))
                        .in_call(context.as_ref()));
                }
            }
        }
        Ok(Self {
            context,
            status,
            headers,
            body: joined(chunks),
        })
    }

    fn value<T>(self, value: T) -> ResponseValue<T> {
        ResponseValue::new(value, self.status, self.headers)
    }

    fn api_error(self) -> Error {
        let Self {
            context,
            status,
            headers,
            body,
        } = self;
        Error::new(ErrorKind::Api(ApiError {
            status,
            headers,
            body,
        }))
        .in_call(context.as_ref())
    }

    fn decode_error(self, source: serde_json::Error) -> Error {
        let Self {
            context,
            status,
            headers,
            body,
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
fn joined(mut chunks: Vec<bytes::Bytes>) -> bytes::Bytes {
    match chunks.len() {
        0 => bytes::Bytes::new(),
        1 => chunks.remove(0),
        _ => chunks.concat().into(),
    }
}

/// Decodes a success response's JSON body. On failure the error keeps status, headers and body.
pub async fn json_response<T: DeserializeOwned>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error> {
    let received = Received::read(response).await?;
    match serde_json::from_slice(&received.body) {
        Ok(value) => Ok(received.value(value)),
        Err(source) => Err(received.decode_error(source)),
    }
}

/// Decodes a success response of a service whose answers carry a success flag (the PEC
/// envelope's `success`): a body whose `success_member` is `false` is the service refusing the
/// call, returned as an [`ErrorKind::Api`] error that keeps status, headers and body, so that
/// callers meet one error path whatever status the refusal came with.
pub async fn json_response_checked<T: DeserializeOwned>(
    response: reqwest::Response,
    success_member: &str,
) -> Result<ResponseValue<T>, Error> {
    let received = Received::read(response).await?;
    let decoded = serde_json::from_slice::<serde_json::Value>(&received.body).and_then(|value| {
        if value.get(success_member) == Some(&serde_json::Value::Bool(false)) {
            return Ok(None);
        }
        T::deserialize(&value).map(Some)
    });
    match decoded {
        Ok(Some(value)) => Ok(received.value(value)),
        Ok(None) => Err(received.api_error()),
        Err(source) => Err(received.decode_error(source)),
    }
}

/// The answer of an operation that may also succeed without a body (a `204` beside a `200`),
/// when the body came: `Some` of it.
pub fn present<T>(
    decoded: Result<ResponseValue<T>, Error>,
) -> Result<ResponseValue<Option<T>>, Error> {
    let value = decoded?;
    let (status, headers) = (value.status(), value.headers().clone());
    Ok(ResponseValue::new(
        Some(value.into_inner()),
        status,
        headers,
    ))
}

/// The answer of such an operation for its bodiless success status: `None`, with the status
/// and headers.
pub fn absent<T>(response: reqwest::Response) -> Result<ResponseValue<Option<T>>, Error> {
    Ok(ResponseValue::new(
        None,
        response.status(),
        response.headers().clone(),
    ))
}

/// The error for a response whose status is not the operation's success status.
pub async fn error_from_response(response: reqwest::Response) -> Error {
    match Received::read(response).await {
        Ok(received) => received.api_error(),
        Err(error) => error,
    }
}
