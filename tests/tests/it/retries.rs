//! The retry rules of `crates/runtime/src/retry.rs`, for every operation of every service: the
//! answers and failures after which any operation is sent again, the ones after which only
//! the operations the spec marks `x-credkit-idempotent: true` are, how long each wait is, how
//! many requests reach the server, and that a retry sends the same request again. The
//! operations that are never replayed are named here, so that a spec that flips one fails.
//!
//! The retry policy itself (backoff growth, `Retry-After` dates, the time budget) and what a
//! retry does with credentials are in `runtime.rs`, `rentri_ca/modi.rs` and `sparkfly`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use credkit_runtime::{ErrorKind, RetryPolicy};
use credkit_tests::RecordedWaits;
use credkit_tests::calls::Clients;
use credkit_tests::raw_server::{RawServer, Reply};

const TOKEN: &str = "retries-token";
/// Far above any answer of the loopback server.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The operations of each service that may have done something when their answer is lost
/// (they create, bill, spend or change), so that they are never sent again after one.
const NOT_IDEMPOTENT: [(&str, &[&str]); 3] = [
    ("rentri-ca", &["change_pin", "reset_pin"]),
    (
        "sparkfly",
        &["create_credential", "redeem_credential", "void_credential"],
    ),
    (
        "openapi-pec",
        &[
            "register_mailbox",
            "enable_conservation",
            "change_mailbox_space",
            "change_mailbox_type",
            "renew_mailbox",
            "add_mailbox_user",
            "create_registry_communication",
        ],
    ),
];

/// A wait the retry loop asks for.
#[derive(Clone, Copy, Debug)]
enum Wait {
    /// What `Retry-After` asked, in seconds.
    Asked(u64),
    /// Backoff before retry `n` (the first is 1): between half and all of 250 ms × 2ⁿ⁻¹.
    Backoff(u32),
}

impl Wait {
    fn matches(self, wait: Duration) -> bool {
        match self {
            Self::Asked(seconds) => wait == Duration::from_secs(seconds),
            Self::Backoff(n) => {
                let full = Duration::from_millis(250) * 2u32.pow(n - 1);
                wait >= full / 2 && wait <= full
            }
        }
    }
}

/// What one call makes of a scenario.
#[derive(Clone, Copy, Debug)]
struct Expected {
    /// Requests that reach the server.
    requests: usize,
    /// The waits between them.
    waits: &'static [Wait],
    /// The status of the error the caller gets; `None` when no answer came.
    status: Option<u16>,
}

const fn expect(requests: usize, waits: &'static [Wait], status: Option<u16>) -> Expected {
    Expected {
        requests,
        waits,
        status,
    }
}

/// What the server answers, and what a call makes of it for each kind of operation.
struct Scenario {
    name: &'static str,
    policy: RetryPolicy,
    /// The answers to the requests of one call, in order; the last one answers any further.
    answers: Vec<Reply>,
    idempotent: Expected,
    not_idempotent: Expected,
}

fn row(
    name: &'static str,
    policy: RetryPolicy,
    answers: Vec<Reply>,
    idempotent: Expected,
    not_idempotent: Expected,
) -> Scenario {
    Scenario {
        name,
        policy,
        answers,
        idempotent,
        not_idempotent,
    }
}

fn status(code: u16) -> Reply {
    Reply::http(code, &[], "")
}

fn status_retry_after(code: u16, seconds: &str) -> Reply {
    Reply::http(code, &[("retry-after", seconds)], "")
}

/// The table. Every scenario ends with an error, so that the status the caller gets says
/// which answer the calls stopped at; `400` is one that no operation retries.
fn scenarios() -> Vec<Scenario> {
    use Wait::{Asked, Backoff};
    let default = RetryPolicy::default;
    let refused = || Reply::http(400, &[("content-type", "application/json")], "{}");
    let after_2s = expect(2, &[Asked(2)], Some(400));
    let three_times = expect(3, &[Asked(1), Asked(1)], Some(429));
    let after_backoff = expect(2, &[Backoff(1)], Some(400));
    let backed_off_twice = |code| expect(3, &[Backoff(1), Backoff(2)], code);
    let once = |code| expect(1, &[], code);
    vec![
        // The server did not process the request: any operation is sent again.
        row(
            "429 with Retry-After, then 400",
            default(),
            vec![status_retry_after(429, "2"), refused()],
            after_2s,
            after_2s,
        ),
        row(
            "503 with Retry-After, then 400",
            default(),
            vec![status_retry_after(503, "2"), refused()],
            after_2s,
            after_2s,
        ),
        row(
            "429 with Retry-After every time: max_attempts (3)",
            default(),
            vec![status_retry_after(429, "1")],
            three_times,
            three_times,
        ),
        row(
            "429 without Retry-After, then 400",
            default(),
            vec![status(429), refused()],
            after_backoff,
            after_backoff,
        ),
        row(
            "429 with a Retry-After beyond max_retry_after (30 s)",
            default(),
            vec![status_retry_after(429, "120")],
            once(Some(429)),
            once(Some(429)),
        ),
        row(
            "429 with Retry-After, retries disabled",
            RetryPolicy::disabled(),
            vec![status_retry_after(429, "1")],
            once(Some(429)),
            once(Some(429)),
        ),
        // The request may have reached the server: only idempotent operations are sent again.
        row(
            "408 every time",
            default(),
            vec![status(408)],
            backed_off_twice(Some(408)),
            once(Some(408)),
        ),
        row(
            "502 every time",
            default(),
            vec![status(502)],
            backed_off_twice(Some(502)),
            once(Some(502)),
        ),
        row(
            "503 without Retry-After every time",
            default(),
            vec![status(503)],
            backed_off_twice(Some(503)),
            once(Some(503)),
        ),
        row(
            "504 every time",
            default(),
            vec![status(504)],
            backed_off_twice(Some(504)),
            once(Some(504)),
        ),
        row(
            "a connection closed without an answer",
            default(),
            vec![Reply::raw("")],
            backed_off_twice(None),
            once(None),
        ),
        // Any other error: no operation is sent again.
        row(
            "500 every time",
            default(),
            vec![status(500)],
            once(Some(500)),
            once(Some(500)),
        ),
    ]
}

#[test]
fn the_operations_never_replayed_are_the_ones_named_here() {
    for (service, operation) in Clients::operations() {
        let named = NOT_IDEMPOTENT
            .iter()
            .any(|(s, ops)| *s == service && ops.contains(&operation.id));
        assert_eq!(
            operation.idempotent, !named,
            "{service} {}: x-credkit-idempotent in the spec",
            operation.id
        );
    }
}

#[tokio::test]
async fn every_operation_of_every_service_follows_the_retry_rules() {
    let answers: Arc<Mutex<Vec<Reply>>> = Arc::default();
    let answered = Arc::new(AtomicUsize::new(0));
    let server = RawServer::start({
        let answers = Arc::clone(&answers);
        let answered = Arc::clone(&answered);
        move |_| {
            let answers = answers.lock().unwrap();
            let n = answered.fetch_add(1, Ordering::SeqCst);
            answers[n.min(answers.len() - 1)].clone()
        }
    })
    .await;
    let operations = Clients::operations();
    assert_eq!(operations.len(), 7 + 9 + 19, "every operation");
    let mut calls = 0;
    let mut broken = Vec::new();
    for scenario in scenarios() {
        let waits = RecordedWaits::default();
        let clients = Clients::new(
            &server.base_url(),
            TOKEN,
            waits.policy(scenario.policy.clone()),
            TIMEOUT,
        );
        *answers.lock().unwrap() = scenario.answers.clone();
        for (service, operation) in &operations {
            server.clear();
            answered.store(0, Ordering::SeqCst);
            let outcome = clients.call(service, operation.id).await;
            calls += 1;
            let (kind, expected) = if operation.idempotent {
                ("idempotent", scenario.idempotent)
            } else {
                ("not idempotent", scenario.not_idempotent)
            };
            let case = format!("{}: {service} {} ({kind})", scenario.name, operation.id);
            let requests = server.requests();
            let waited = waits.take();
            let status = outcome
                .as_ref()
                .err()
                .and_then(|e| e.status())
                .map(|s| s.as_u16());
            let waits_match = waited.len() == expected.waits.len()
                && expected
                    .waits
                    .iter()
                    .zip(&waited)
                    .all(|(w, d)| w.matches(*d));
            if requests.len() != expected.requests
                || !waits_match
                || outcome.is_ok()
                || status != expected.status
            {
                let returned = match &outcome {
                    Ok(()) => "a value".to_owned(),
                    Err(error) => format!("the error {error}"),
                };
                broken.push(format!(
                    "{case}: expected {expected:?}; the server saw {} requests, the client \
                     waited {waited:?} and returned {returned}",
                    requests.len()
                ));
            }
            if requests.iter().any(|r| *r != requests[0]) {
                broken.push(format!(
                    "{case}: a retry changed the request: {requests:#?}"
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} of {calls} calls broke a retry rule:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[tokio::test]
async fn a_connection_that_cannot_be_made_is_retried_for_every_operation() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let waits = RecordedWaits::default();
    let clients = Clients::new(
        &format!("http://127.0.0.1:{port}"),
        TOKEN,
        waits.policy(RetryPolicy::default()),
        TIMEOUT,
    );
    for (service, operation) in Clients::operations() {
        let case = format!("{service} {}", operation.id);
        let error = clients.call(service, operation.id).await.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Transport(e) if e.is_connect()),
            "{case}: {error:?}"
        );
        assert!(error.is_retryable(), "{case}");
        let waited = waits.take();
        assert!(
            waited.len() == 2
                && Wait::Backoff(1).matches(waited[0])
                && Wait::Backoff(2).matches(waited[1]),
            "{case}: waited {waited:?}"
        );
    }
}
