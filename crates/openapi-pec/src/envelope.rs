//! The `{data, success, message, error}` envelope around every JSON answer.

use crate::Answer;
use crate::generated::types::{
    Availability, AvailabilityEnvelope, Casella, CasellaSummary, DomainCheckEnvelope,
    ErrorEnvelope, MailboxEnvelope, MailboxListEnvelope, RegistryCommunicationEnvelope,
    RegistryCommunicationListEnvelope, RichiestaComunicazionePec, RichiestaComunicazionePecSummary,
};
use credkit_runtime::{Error, ErrorKind};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// An answer wrapped in the PEC envelope: the payload in `data`, a human-readable `message`
/// and, on failure, `success: false` with a numeric `error` code.
///
/// Implemented by every `*Envelope` type and by the `Answer` of one, so that
/// `client.get_mailbox().id(id).send().await?.into_data()?` gives the [`Casella`] itself.
pub trait Enveloped: Sized {
    /// The payload type.
    type Data;

    /// The payload, when the service sent one.
    fn data(&self) -> Option<&Self::Data>;

    /// The service's message, when it is not empty (for `check_domain` it is the answer:
    /// `"legalmail.it found!"`).
    fn message(&self) -> Option<&str>;

    /// The numeric error code; `None` on success (`"error": null`).
    fn error_code(&self) -> Option<i64>;

    /// Whether the service reports success: `success` when present, otherwise the absence of
    /// an error code.
    fn is_success(&self) -> bool;

    /// The payload, or an [`Error`] when the envelope lacks a payload it must carry (or
    /// reports a failure: `send()` already turns a `success: false` answer into an
    /// [`ErrorKind::Api`] error, so this only happens to envelopes built by hand). Lists
    /// without `data` are empty.
    ///
    /// Such an error has [`ErrorKind::Decode`] and the answer's status and headers; its
    /// [`body`](Error::body) is the envelope and its [`message`](Error::message) quotes the
    /// service's message and code.
    fn into_data(self) -> Result<Self::Data, Error> {
        self.into_data_in(StatusCode::OK, HeaderMap::new())
    }

    /// [`Enveloped::into_data`] for an envelope that came with this status and headers.
    #[doc(hidden)]
    fn into_data_in(self, status: StatusCode, headers: HeaderMap) -> Result<Self::Data, Error>;
}

/// The envelope of a failed call, whether the service answered an error status (`402`,
/// `404`, ...) or a `200` whose envelope says `success: false` (both [`ErrorKind::Api`]), or
/// an envelope [`Enveloped::into_data`] refused. `None` for other errors (transport,
/// plain-text bodies, ...).
pub fn refusal(error: &Error) -> Option<ErrorEnvelope> {
    match error.kind() {
        ErrorKind::Api(_) => error.service_error(),
        ErrorKind::Decode(decode) => serde_json::from_slice::<ErrorEnvelope>(&decode.body)
            .ok()
            .filter(|envelope| envelope.success == Some(false) || envelope.error.is_some()),
        _ => None,
    }
}

fn success(success: Option<bool>, error: Option<i64>) -> bool {
    success.unwrap_or(error.is_none())
}

fn non_empty(message: &Option<String>) -> Option<&str> {
    message.as_deref().filter(|m| !m.trim().is_empty())
}

/// The error for an envelope that cannot give its payload: a decode error keeping the
/// answer's status and headers, with the envelope as its body.
fn unusable(
    envelope: ErrorEnvelope,
    reason: &str,
    status: StatusCode,
    headers: HeaderMap,
) -> Error {
    let mut text = reason.to_owned();
    if let Some(message) = non_empty(&envelope.message) {
        text.push_str(": ");
        text.push_str(message);
    }
    if let Some(code) = envelope.error {
        text.push_str(&format!(" (error {code})"));
    }
    let body = serde_json::to_vec(&envelope).unwrap_or_default();
    Error::unexpected_body(status, headers, body, text)
}

macro_rules! enveloped {
    ($($envelope:ident => $data:ty, missing: $missing:expr;)*) => {$(
        impl Enveloped for $envelope {
            type Data = $data;

            fn data(&self) -> Option<&$data> {
                self.data.as_ref()
            }

            fn message(&self) -> Option<&str> {
                non_empty(&self.message)
            }

            fn error_code(&self) -> Option<i64> {
                self.error
            }

            fn is_success(&self) -> bool {
                success(self.success, self.error)
            }

            fn into_data_in(self, status: StatusCode, headers: HeaderMap) -> Result<$data, Error> {
                let Self { data, error, message, success: ok } = self;
                let envelope = |data| ErrorEnvelope { data, error, message, success: ok };
                if !success(ok, error) {
                    let data = data.and_then(|d| serde_json::to_value(d).ok());
                    return Err(unusable(envelope(data), "the service reported a failure", status, headers));
                }
                match data.or_else(|| $missing) {
                    Some(data) => Ok(data),
                    None => Err(unusable(envelope(None), "the answer has no `data`", status, headers)),
                }
            }
        }
    )*};
}

enveloped! {
    DomainCheckEnvelope => Vec<String>, missing: Some(Vec::new());
    AvailabilityEnvelope => Availability, missing: None;
    MailboxListEnvelope => Vec<CasellaSummary>, missing: Some(Vec::new());
    MailboxEnvelope => Casella, missing: None;
    RegistryCommunicationListEnvelope => Vec<RichiestaComunicazionePecSummary>, missing: Some(Vec::new());
    RegistryCommunicationEnvelope => RichiestaComunicazionePec, missing: None;
}

impl<E: Enveloped> Enveloped for Answer<E> {
    type Data = E::Data;

    fn data(&self) -> Option<&E::Data> {
        self.as_ref().data()
    }

    fn message(&self) -> Option<&str> {
        self.as_ref().message()
    }

    fn error_code(&self) -> Option<i64> {
        self.as_ref().error_code()
    }

    fn is_success(&self) -> bool {
        self.as_ref().is_success()
    }

    fn into_data_in(self, _: StatusCode, _: HeaderMap) -> Result<E::Data, Error> {
        self.into_data()
    }

    fn into_data(self) -> Result<E::Data, Error> {
        let (status, headers) = (self.status(), self.headers().clone());
        self.into_inner().into_data_in(status, headers)
    }
}
