//! Turning a response into a typed value or an [`Error`] that keeps everything the server sent.
//!
//! The generator routes progenitor's response handling here, because progenitor's own
//! decoding drops the status and headers when a body does not parse.

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, CallContext, DecodeError, Error, ErrorKind};

/// Decodes a success response's JSON body. On failure the error keeps status, headers and body.
pub async fn json_response<T: DeserializeOwned>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error> {
    let context = response.extensions().get::<CallContext>().copied();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| Error::from(e).in_call(context.as_ref()))?;
    match serde_json::from_slice(&body) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(source) => Err(Error::new(ErrorKind::Decode(DecodeError {
            status,
            headers,
            body,
            source,
        }))
        .in_call(context.as_ref())),
    }
}

/// The error for a response whose status is not the operation's success status.
pub async fn error_from_response(response: reqwest::Response) -> Error {
    let context = response.extensions().get::<CallContext>().copied();
    let status = response.status();
    let headers = response.headers().clone();
    match response.bytes().await {
        Ok(body) => Error::new(ErrorKind::Api(ApiError {
            status,
            headers,
            body,
        })),
        Err(e) => Error::from(e),
    }
    .in_call(context.as_ref())
}
