//! What an attempt's outcome means for a retry: a pure function of facts about the attempt
//! and of the operation's `x-credkit-idempotent` flag. How long to wait, and whether the policy
//! still allows it, is decided apart ([`crate::RetryPolicy`]).
//!
//! The rules:
//! - `429` or `503` with `Retry-After`: the server did not process the request, so any
//!   operation may be sent again after the time it asks for.
//! - `429` without `Retry-After`: the server did not process the request either; any
//!   operation may be sent again after backoff.
//! - `408`, `502`, `503` (no `Retry-After`), `504`, a timeout, or a failure after the
//!   connection was made: the request may have reached the server, so only operations the
//!   spec marks idempotent are sent again, after backoff.
//! - A connection that could not be established: nothing reached the server, any operation
//!   may be sent again after backoff.
//! - Anything else is final.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::error::retry_after;

/// The facts about an attempt that the rules read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The server answered with this status; `retry_after` is read only for the statuses
    /// whose rule reads it (`429`, `503`).
    Answered {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection could not be established: nothing reached the server.
    NotConnected,
    /// A timeout, or a failure after the connection was made: the request may have reached
    /// the server.
    MayHaveArrived,
    /// Any other failure (a request that could not be built, a redirect refused).
    Failed,
}

impl Outcome {
    /// The facts of what `reqwest` returned.
    pub(crate) fn of(result: &Result<reqwest::Response, reqwest::Error>) -> Self {
        match result {
            Ok(response) => Self::answered(response.status(), response.headers()),
            // A connect timeout is a connection that could not be established: checked first.
            Err(error) if error.is_connect() => Self::NotConnected,
            Err(error) if error.is_timeout() || error.is_request() => Self::MayHaveArrived,
            Err(_) => Self::Failed,
        }
    }

    /// The facts of an answer with `status` and `headers`.
    fn answered(status: StatusCode, headers: &HeaderMap) -> Self {
        let retry_after = match status {
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => retry_after(headers),
            _ => None,
        };
        Self::Answered {
            status: status.as_u16(),
            retry_after,
        }
    }
}

/// What the rules make of an outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Send again after the time the server asked for.
    RetryAfter(Duration),
    /// Send again after backoff.
    Backoff,
    /// Do not send again.
    Final,
}

/// Classifies `outcome` for an operation that is `idempotent` or not.
pub(crate) fn classify(outcome: Outcome, idempotent: bool) -> Verdict {
    match outcome {
        Outcome::Answered {
            status: 429 | 503,
            retry_after: Some(asked),
        } => Verdict::RetryAfter(asked),
        Outcome::Answered { status: 429, .. } => Verdict::Backoff,
        Outcome::Answered {
            status: 408 | 502 | 503 | 504,
            ..
        } if idempotent => Verdict::Backoff,
        Outcome::NotConnected => Verdict::Backoff,
        Outcome::MayHaveArrived if idempotent => Verdict::Backoff,
        Outcome::Answered { .. } | Outcome::MayHaveArrived | Outcome::Failed => Verdict::Final,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASKED: Duration = Duration::from_secs(7);

    fn answered(status: u16, retry_after: Option<Duration>) -> Outcome {
        Outcome::Answered {
            status,
            retry_after,
        }
    }

    #[test]
    fn every_outcome_is_classified_per_idempotency() {
        use Verdict::{Backoff, Final, RetryAfter};
        // (outcome, verdict for an idempotent operation, verdict for another)
        let table = [
            (answered(200, None), Final, Final),
            (answered(201, None), Final, Final),
            (answered(400, None), Final, Final),
            (answered(401, None), Final, Final),
            (answered(404, None), Final, Final),
            (answered(500, None), Final, Final),
            (answered(408, None), Backoff, Final),
            (answered(502, None), Backoff, Final),
            (answered(503, None), Backoff, Final),
            (answered(504, None), Backoff, Final),
            (answered(429, None), Backoff, Backoff),
            (
                answered(429, Some(ASKED)),
                RetryAfter(ASKED),
                RetryAfter(ASKED),
            ),
            (
                answered(503, Some(ASKED)),
                RetryAfter(ASKED),
                RetryAfter(ASKED),
            ),
            (
                answered(429, Some(Duration::ZERO)),
                RetryAfter(Duration::ZERO),
                RetryAfter(Duration::ZERO),
            ),
            (Outcome::NotConnected, Backoff, Backoff),
            (Outcome::MayHaveArrived, Backoff, Final),
            (Outcome::Failed, Final, Final),
        ];
        for (outcome, idempotent, other) in table {
            assert_eq!(
                classify(outcome, true),
                idempotent,
                "{outcome:?}, idempotent"
            );
            assert_eq!(
                classify(outcome, false),
                other,
                "{outcome:?}, not idempotent"
            );
        }
    }

    #[test]
    fn retry_after_is_read_only_where_a_rule_reads_it() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        let answer =
            |status: u16| Outcome::answered(StatusCode::from_u16(status).unwrap(), &headers);
        assert_eq!(answer(429), answered(429, Some(ASKED)));
        assert_eq!(answer(503), answered(503, Some(ASKED)));
        // A 502 with Retry-After is still a 502: backoff, and only when idempotent.
        assert_eq!(answer(502), answered(502, None));
        assert_eq!(answer(200), answered(200, None));
    }
}
