//! Every waiter of every service (`x-credkit-waiters`) against a local server stepping through
//! the resource's states: what each poll sent (method, path, headers) and how the wait ended,
//! for a success, a failure, a time-out, an unknown state, a `429` with `Retry-After`, and a
//! waiter whose future is dropped. The poll loop's own rules (backoff bounds, deadline) are
//! unit-tested in `crates/runtime/src/wait.rs`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use credkit_runtime::{Error, Waited, WaiterSpec};
use credkit_tests::client_at;
use credkit_tests::raw_server::{RawServer, Reply};

const TOKEN: &str = "waiters-token";
/// Between polls: the loop's backoff is its own unit test's; here the states matter.
const FAST: Duration = Duration::from_millis(10);

/// One waiter as the tests drive it.
struct Case {
    spec: &'static WaiterSpec,
    /// The path each poll must request.
    path: &'static str,
    /// The answer body whose state member is `state`.
    body: fn(&str) -> String,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            spec: &credkit_rentri_ca::waiters::CREDENTIALS_ACTIVE,
            path: "/credentials/B4HUPE820/status",
            body: |state| format!(r#"{{"identifier":"B4HUPE820","stato":"{state}"}}"#),
        },
        Case {
            spec: &credkit_openapi_pec::waiters::MAILBOX_ACTIVE,
            path: "/pec/6040e4613a716838dc4eee0e",
            body: pec_envelope,
        },
        Case {
            spec: &credkit_openapi_pec::waiters::REGISTRY_COMMUNICATION_DONE,
            path: "/comunica_pec/6040e4613a716838dc4eee0e",
            body: pec_envelope,
        },
    ]
}

fn pec_envelope(state: &str) -> String {
    format!(
        r#"{{"data":{{"id":"6040e4613a716838dc4eee0e","stato":"{state}"}},"success":true,"message":"","error":null}}"#
    )
}

/// How a wait ended, in terms every waiter shares: its name and the state of its final answer.
#[derive(Debug, PartialEq, Eq)]
struct Ended {
    outcome: &'static str,
    state: Option<String>,
    unknown_states: Vec<String>,
}

fn ended<T: serde::Serialize>(waited: Result<Waited<T>, Error>, member: &str) -> Ended {
    let waited = waited.expect("a normal end is no error");
    let pointer = format!("/{}", member.replace('.', "/"));
    let state = waited.answer().and_then(|answer| {
        let value = serde_json::to_value(&**answer).expect("answers serialize");
        value
            .pointer(&pointer)
            .and_then(|s| s.as_str().map(str::to_owned))
    });
    let unknown_states = match &waited {
        Waited::TimedOut { unknown_states, .. } => unknown_states.clone(),
        _ => Vec::new(),
    };
    Ended {
        outcome: waited.name(),
        state,
        unknown_states,
    }
}

/// Sends a waiter's builder polling every [`FAST`] for at most `max`, and says how it ended.
macro_rules! waited {
    ($builder:expr, $max:expr, $member:expr) => {
        ended(
            $builder
                .first_delay(FAST)
                .max_delay(FAST)
                .max_wait($max)
                .send()
                .await,
            $member,
        )
    };
}

/// Runs the waiter of `case` against `base_url`, polling every [`FAST`], for `max_wait`.
async fn wait(case: &Case, base_url: &str, max_wait: Duration) -> Ended {
    const ID: &str = "6040e4613a716838dc4eee0e";
    let member = case.spec.member;
    let rentri = || -> credkit_rentri_ca::Client { client_at(base_url, TOKEN) };
    let pec = || -> credkit_openapi_pec::Client { client_at(base_url, TOKEN) };
    match case.spec.name {
        "credentials_active" => waited!(
            rentri()
                .wait_until_credentials_active()
                .credentials_id("B4HUPE820"),
            max_wait,
            member
        ),
        "mailbox_active" => waited!(pec().wait_until_mailbox_active().id(ID), max_wait, member),
        "registry_communication_done" => waited!(
            pec().wait_until_registry_communication_done().id(ID),
            max_wait,
            member
        ),
        other => panic!("waiter `{other}` has no case in waiters.rs: add it"),
    }
}

/// A server answering each poll with the next reply of `script`, the last one repeated; it
/// records when each request arrived.
async fn serve(script: Vec<Reply>) -> (RawServer, Arc<Mutex<Vec<Instant>>>) {
    let times = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(Mutex::new(VecDeque::from(script)));
    let recorded = times.clone();
    let server = RawServer::start(move |_| {
        recorded.lock().unwrap().push(Instant::now());
        let mut script = script.lock().unwrap();
        match script.len() {
            1 => script[0].clone(),
            _ => script.pop_front().expect("a reply"),
        }
    })
    .await;
    (server, times)
}

fn state(case: &Case, state: &str) -> Reply {
    Reply::http(
        200,
        &[("content-type", "application/json")],
        (case.body)(state),
    )
}

/// Every request the waiter sent was its operation's poll, with the credential.
fn assert_polls(case: &Case, server: &RawServer, count: usize) {
    let requests = server.requests();
    assert_eq!(requests.len(), count, "{}: {requests:?}", case.spec.name);
    for request in &requests {
        assert_eq!(request.method, "GET", "{}", case.spec.name);
        assert_eq!(request.target, case.path, "{}", case.spec.name);
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str()),
            "{}",
            case.spec.name
        );
        assert_eq!(
            request.header("accept"),
            Some("application/json"),
            "{}",
            case.spec.name
        );
    }
}

#[test]
fn every_waiter_of_every_service_has_a_case_here() {
    let mut declared: Vec<&str> = credkit_rentri_ca::waiters::ALL
        .iter()
        .chain(credkit_openapi_pec::waiters::ALL)
        .map(|spec| spec.name)
        .collect();
    let mut tested: Vec<&str> = cases().iter().map(|case| case.spec.name).collect();
    declared.sort_unstable();
    tested.sort_unstable();
    assert_eq!(declared, tested);
}

#[tokio::test]
async fn each_waiter_polls_through_its_pending_states_until_its_success() {
    for case in cases() {
        let pending = case.spec.pending;
        let mut script: Vec<Reply> = pending.iter().map(|s| state(&case, s)).collect();
        script.push(state(&case, case.spec.success[0]));
        let (server, _) = serve(script).await;
        let ended = wait(&case, &server.base_url(), Duration::from_secs(10)).await;
        assert_eq!(
            ended,
            Ended {
                outcome: "reached",
                state: Some(case.spec.success[0].to_owned()),
                unknown_states: Vec::new(),
            },
            "{}",
            case.spec.name
        );
        assert_polls(&case, &server, pending.len() + 1);
    }
}

#[tokio::test]
async fn each_failure_state_ends_the_wait_as_failed_with_its_answer() {
    for case in cases() {
        for failure in case.spec.failure {
            let script = vec![state(&case, case.spec.pending[0]), state(&case, failure)];
            let (server, _) = serve(script).await;
            let ended = wait(&case, &server.base_url(), Duration::from_secs(10)).await;
            assert_eq!(ended.outcome, "failed", "{}: {failure}", case.spec.name);
            assert_eq!(ended.state.as_deref(), Some(*failure));
            assert_polls(&case, &server, 2);
        }
    }
    // The registry communication publishes no failure state: it only ever succeeds or times out.
    assert!(
        credkit_openapi_pec::waiters::REGISTRY_COMMUNICATION_DONE
            .failure
            .is_empty()
    );
}

#[tokio::test]
async fn a_resource_that_stays_pending_times_out_with_its_last_answer() {
    for case in cases() {
        let (server, times) = serve(vec![state(&case, case.spec.pending[0])]).await;
        let ended = wait(&case, &server.base_url(), Duration::from_millis(300)).await;
        assert_eq!(ended.outcome, "timed out", "{}", case.spec.name);
        assert_eq!(ended.state.as_deref(), Some(case.spec.pending[0]));
        let polls = server.requests().len();
        assert!(polls >= 3, "{}: {polls} polls", case.spec.name);
        assert_polls(&case, &server, polls);
        // No poll starts after the maximum wait: the server sees the last within it, give or
        // take the delivery of one request, which a busy machine can hold up (100 ms here).
        let times = times.lock().unwrap();
        let span = *times.last().unwrap() - times[0];
        assert!(
            span < Duration::from_millis(300 + 100),
            "a poll {span:?} after the first"
        );
    }
}

#[tokio::test]
async fn an_unknown_state_keeps_waiting_and_is_reported_then_the_success_still_ends_it() {
    for case in cases() {
        let (server, _) = serve(vec![state(&case, "stato_nuovissimo")]).await;
        let ended = wait(&case, &server.base_url(), Duration::from_millis(200)).await;
        assert_eq!(ended.outcome, "timed out", "{}", case.spec.name);
        assert_eq!(
            ended.unknown_states,
            ["stato_nuovissimo"],
            "{}",
            case.spec.name
        );

        let script = vec![
            state(&case, "stato_nuovissimo"),
            state(&case, case.spec.success[0]),
        ];
        let (server, _) = serve(script).await;
        let ended = wait(&case, &server.base_url(), Duration::from_secs(10)).await;
        assert_eq!(ended.outcome, "reached", "{}", case.spec.name);
        assert_polls(&case, &server, 2);
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_before_the_next_poll() {
    for case in cases() {
        let script = vec![
            Reply::http(429, &[("retry-after", "1")], ""),
            state(&case, case.spec.success[0]),
        ];
        let (server, times) = serve(script).await;
        let ended = wait(&case, &server.base_url(), Duration::from_secs(10)).await;
        assert_eq!(ended.outcome, "reached", "{}", case.spec.name);
        assert_polls(&case, &server, 2);
        let times = times.lock().unwrap();
        assert!(
            times[1] - times[0] >= Duration::from_secs(1),
            "{}: polled again after {:?}",
            case.spec.name,
            times[1] - times[0]
        );
    }
}

#[tokio::test]
async fn an_error_answer_other_than_429_or_503_ends_the_wait_as_that_error() {
    let case = &cases()[0];
    let (server, _) = serve(vec![state(case, "Nuovo"), Reply::http(404, &[], "")]).await;
    let client: credkit_rentri_ca::Client = client_at(&server.base_url(), TOKEN);
    let error = client
        .wait_until_credentials_active()
        .credentials_id("B4HUPE820")
        .first_delay(FAST)
        .send()
        .await
        .expect_err("a 404 is an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_polls(case, &server, 2);
}

#[tokio::test]
async fn a_dropped_waiter_sends_no_further_poll() {
    for case in cases() {
        let (server, _) = serve(vec![state(&case, case.spec.pending[0])]).await;
        let base_url = server.base_url();
        let waiting = wait(&case, &base_url, Duration::from_secs(60));
        assert!(
            tokio::time::timeout(Duration::from_millis(500), waiting)
                .await
                .is_err(),
            "the resource never leaves its pending state"
        );
        // A poll already written to the socket when the future was dropped may still reach
        // the server (a busy machine delays it): it is counted once it has settled.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let polls = server.requests().len();
        assert!(polls >= 2, "{}: {polls} polls", case.spec.name);
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(server.requests().len(), polls, "{}", case.spec.name);
    }
}

/// The typed mocks play a resource's states, so that a user's waiting code can be tested.
#[tokio::test]
async fn the_typed_mocks_play_a_sequence_of_states_for_the_waiting_code() {
    use credkit_openapi_pec::mock::WaiterMockExt as _;
    use credkit_openapi_pec::types::{Casella, MailboxEnvelope, MailboxState};
    use credkit_rentri_ca::mock::WaiterMockExt as _;
    use credkit_rentri_ca::types::{CredentialsStatusResponse, Stato};

    let server = httpmock::MockServer::start_async().await;
    let status = |stato| CredentialsStatusResponse {
        stato: Some(stato),
        ..Default::default()
    };
    let mocks = server.credentials_active_states(
        &[
            status(Stato::Nuovo),
            status(Stato::Nuovo),
            status(Stato::Attivo),
        ],
        |when| when.credentials_id("B4HUPE820"),
    );
    let client: credkit_rentri_ca::Client = client_at(&server.base_url(), TOKEN);
    let waited = client
        .wait_until_credentials_active()
        .credentials_id("B4HUPE820")
        .first_delay(FAST)
        .send()
        .await
        .unwrap();
    assert!(matches!(&waited, Waited::Reached(answer) if answer.stato == Some(Stato::Attivo)));
    assert_eq!(
        mocks.iter().map(httpmock::Mock::calls).collect::<Vec<_>>(),
        [1, 1, 1]
    );

    let server = httpmock::MockServer::start_async().await;
    let mailbox = |stato| MailboxEnvelope {
        data: Some(Casella {
            stato: Some(stato),
            ..Default::default()
        }),
        success: Some(true),
        ..Default::default()
    };
    let mocks = server.mailbox_active_states(
        &[
            mailbox(MailboxState::InEvasione),
            mailbox(MailboxState::Revocata),
        ],
        |when| when.id("6040e4613a716838dc4eee0e"),
    );
    let client: credkit_openapi_pec::Client = client_at(&server.base_url(), TOKEN);
    let waited = client
        .wait_until_mailbox_active()
        .id("6040e4613a716838dc4eee0e")
        .first_delay(FAST)
        .send()
        .await
        .unwrap();
    assert_eq!(waited.name(), "failed");
    assert_eq!(
        mocks.iter().map(httpmock::Mock::calls).collect::<Vec<_>>(),
        [1, 1]
    );
}

/// A callback the spec links to a waiter (`x-credkit-wakes` in fixture `ok_callbacks`), posted
/// over HTTP to the generated receiver, wakes the pending waiter of its key: it polls at once
/// instead of after its delay (30 s in the spec), and ends with the polled answer. A payload
/// the callback's type refuses is answered 400 and wakes nothing; another key's wakes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_posted_to_the_receiver_wakes_its_waiter_before_the_next_poll() {
    use credkit_fixture_clients::ok_callbacks::{Client, callbacks, waiters};
    use httpmock::prelude::*;

    let server = MockServer::start_async().await;
    let active = server
        .mock_async(|when, then| {
            when.method(GET).path("/devices/D7");
            then.status(200)
                .json_body(serde_json::json!({"device": "D7", "state": "active"}));
        })
        .await;
    let hub = credkit_runtime::CallbackHub::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver = format!("http://{}", listener.local_addr().unwrap());
    let router = credkit_runtime::callback::receiver(hub.clone(), callbacks::ROUTES);
    tokio::spawn(async move { axum::serve(listener, router).await });

    let client: Client = credkit_tests::client(&server, TOKEN);
    let started = Instant::now();
    let wait = tokio::spawn({
        let hub = hub.clone();
        async move {
            client
                .wait_until_device_retired()
                .device("D7")
                .woken_by(&hub, "D7")
                .send()
                .await
        }
    });
    while active.calls_async().await == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    active.delete_async().await;
    let retired = server
        .mock_async(|when, then| {
            when.method(GET).path("/devices/D7");
            then.status(200)
                .json_body(serde_json::json!({"device": "D7", "state": "retired"}));
        })
        .await;
    let post = |path: &'static str, body: &'static str| {
        let url = format!("{receiver}{path}");
        async move {
            reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    // Refused by the callback's type (neither branch of its oneOf): 400, nothing woken.
    let refused = post("/subscribe-device-notice", r#"{"battery": "full"}"#).await;
    assert_eq!(refused.status(), 400);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .starts_with("not a device notice callback: ")
    );
    // Another device's notice wakes no one.
    let other = post(
        "/subscribe-device-notice",
        r#"{"device": "D8", "battery": 80}"#,
    )
    .await;
    assert_eq!(other.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        retired.calls_async().await,
        0,
        "only D7's callback wakes D7's waiter"
    );
    // The webhook of D7 (the other route linked to the waiter): polled at once.
    let woke = post(
        "/device-retired",
        r#"{"device": "D7", "retired_at": "2026-12-08T00:00:00Z"}"#,
    )
    .await;
    assert_eq!(woke.status(), 200);
    let waited = tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("woken long before the spec's first delay of 30 s")
        .unwrap()
        .unwrap();
    let elapsed = started.elapsed();
    let Waited::Reached(answer) = waited else {
        panic!("{waited:?}")
    };
    assert_eq!(
        answer.into_inner().state.map(|s| s.to_string()).as_deref(),
        Some("retired")
    );
    assert_eq!(retired.calls_async().await, 1);
    // The delay before the second poll was at least 15 s (half of 30 s, with jitter).
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(waiters::DEVICE_RETIRED.first_delay, Duration::from_secs(30));
    // The wait ended: its subscription with it.
    assert_eq!(hub.wake("device_retired", "D7"), 0);
}

/// The receiver is behind the `axum` feature: a program using the facade or a service crate
/// with their default features does not compile axum; asking for the feature does.
#[test]
fn axum_is_compiled_only_for_the_feature_that_asks_for_it() {
    let tree = |package: &str, features: &[&str]| {
        let output = std::process::Command::new(env!("CARGO"))
            .args(["tree", "-e", "normal", "--prefix", "none", "-p", package])
            .args(features)
            .current_dir(xtask::workspace::root())
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .any(|line| line.starts_with("axum "))
    };
    assert!(!tree("credkit", &[]));
    assert!(!tree("credkit-rentri-ca", &[]));
    assert!(tree("credkit", &["--features", "axum"]));
}
