//! Hostile servers: every operation of every service meets what real servers and proxies send
//! (empty and truncated bodies, HTML error pages, wrong types, unknown enum values, huge
//! numbers, an error envelope in a 200, a body shorter than its `Content-Length`, a connection
//! closed mid-body, bytes that are not HTTP) and, with a fixed seed, generated answers. The
//! client must return a value or an error that keeps the status, headers and body that
//! arrived: never panic, never hang. A slow server meets the configured timeout.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use credkit_runtime::{Error, ErrorKind, GeneratedClient, RetryPolicy};
use credkit_tests::calls::{self, Clients};
use credkit_tests::raw_server::{RawServer, Reply};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const TOKEN: &str = "hostile-server-token";
/// Far above any answer of the loopback server: reaching it means the client hung.
const HANG: Duration = Duration::from_secs(10);

fn client<C: GeneratedClient>(server: &RawServer, timeout: Duration) -> C {
    C::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .rate_limit(credkit_runtime::RateLimit::disabled())
        .timeout(timeout)
        .build()
        .expect("a loopback base URL is valid")
}

/// A client of each service pointed at `server`, retries disabled.
fn clients(server: &RawServer) -> Clients {
    Clients::new(
        &server.base_url(),
        TOKEN,
        RetryPolicy::disabled(),
        Duration::from_secs(5),
    )
}

/// One answer a server might give, and what of it reaches the client.
struct Hostile {
    name: &'static str,
    reply: Reply,
    /// The status of the answer, when its head is well-formed.
    status: Option<u16>,
    /// The body bytes the server sends after the head.
    body: Vec<u8>,
}

impl Hostile {
    fn http(name: &'static str, status: u16, content_type: &str, body: &[u8]) -> Self {
        Self {
            name,
            reply: Reply::http(status, &[("content-type", content_type)], body),
            status: Some(status),
            body: body.to_vec(),
        }
    }

    /// A head that promises more body than is sent before the connection closes.
    fn cut(name: &'static str, extra_headers: &str, promised: usize, body: &[u8]) -> Self {
        let mut bytes =
            format!("HTTP/1.1 200 OK\r\n{extra_headers}content-length: {promised}\r\n\r\n")
                .into_bytes();
        bytes.extend_from_slice(body);
        Self {
            name,
            reply: Reply::raw(bytes),
            status: Some(200),
            body: body.to_vec(),
        }
    }

    fn not_http(name: &'static str, bytes: &[u8]) -> Self {
        Self {
            name,
            reply: Reply::raw(bytes),
            status: None,
            body: Vec::new(),
        }
    }
}

const JSON: &str = "application/json";

fn hostile_answers() -> Vec<Hostile> {
    // The first bytes of a gzip stream (magic, method, flags, mtime): a body that claims
    // compression, promises 64 bytes and stops after 10.
    let gzip_start = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03];
    vec![
        Hostile::http("empty 200", 200, JSON, b""),
        Hostile::http("truncated JSON", 200, JSON, br#"{"data": {"id": "6040e46"#),
        Hostile::http(
            "HTML 502 from a proxy",
            502,
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
        ),
        Hostile::http(
            "wrong types",
            200,
            JSON,
            br#"{"data": [1, 2], "success": "yes", "credential": "x", "credentials": 5, "stato": 12, "identificativo": {"a": 1}, "siti": "none", "page": "one"}"#,
        ),
        Hostile::http(
            "unknown enum values",
            200,
            JSON,
            br#"{"stato": "SOSPESO", "credentials": [], "data": {"stato": "sospesa", "tipo_casella": "diamond", "available": true}, "success": true}"#,
        ),
        Hostile::http(
            "huge numbers",
            200,
            JSON,
            br#"{"page": 123456789012345678901234567890, "credential": {"id": 1e400}, "credentials": [], "data": {"spazio_disco": 99999999999999999999999, "error": -1e999}, "success": true}"#,
        ),
        Hostile::http(
            "error envelope in a 200",
            200,
            JSON,
            br#"{"data": null, "success": false, "message": "Errore interno", "error": 500}"#,
        ),
        Hostile::http("a JSON string", 200, JSON, br#""OK""#),
        Hostile::http("not UTF-8", 200, JSON, &[0xff, 0xfe, 0x00, 0x7b]),
        Hostile::http("204 instead of a body", 204, JSON, b""),
        Hostile::http("plain-text 500", 500, "text/plain", b"Internal Server Error"),
        Hostile::cut(
            "gzip body shorter than its length",
            "content-type: application/json\r\ncontent-encoding: gzip\r\n",
            64,
            &gzip_start,
        ),
        Hostile::cut(
            "connection closed mid-body",
            "content-type: application/json\r\n",
            1000,
            br#"{"data": {"id": "6040e4613a716838dc4eee0e", "casella_pec": "#,
        ),
        Hostile::not_http("not HTTP at all", b"SSH-2.0-OpenSSH_9.6\r\n"),
        Hostile::not_http("connection closed at once", b""),
        Hostile::not_http(
            "broken chunked encoding",
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n",
        ),
    ]
}

/// What every answer must give: a value, or an error that keeps the status and the body bytes
/// that arrived.
fn check(case: &str, status: Option<u16>, body: &[u8], outcome: Result<(), Error>) {
    let Err(error) = outcome else { return };
    let Some(status) = status else {
        assert!(
            matches!(error.kind(), ErrorKind::Transport(_)),
            "{case}: a non-HTTP answer is a transport error: {error:?}"
        );
        return;
    };
    assert!(
        !matches!(
            error.kind(),
            ErrorKind::InvalidRequest(_) | ErrorKind::Config(_)
        ),
        "{case}: the request was valid: {error}"
    );
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(status),
        "{case}: the status is kept: {error:?}"
    );
    assert!(error.headers().is_some(), "{case}: the headers are kept");
    let kept = error
        .body()
        .unwrap_or_else(|| panic!("{case}: the body is kept: {error:?}"));
    assert!(
        body.starts_with(kept),
        "{case}: the body kept is what arrived: {kept:?}"
    );
    assert!(!error.to_string().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_survives_every_hostile_answer() {
    let next = Arc::new(Mutex::new(Reply::raw("")));
    let answer = Arc::clone(&next);
    let server = RawServer::start(move |_| answer.lock().unwrap().clone()).await;
    let clients = clients(&server);
    let operations = Clients::operations();
    assert_eq!(
        operations.len(),
        7 + 9 + 19,
        "every operation of the three services"
    );
    let mut values = 0;
    for hostile in hostile_answers() {
        *next.lock().unwrap() = hostile.reply.clone();
        for (service, operation) in &operations {
            let operation = operation.id;
            let case = format!("{service} {operation} / {}", hostile.name);
            server.clear();
            let outcome = tokio::time::timeout(HANG, clients.call(service, operation))
                .await
                .unwrap_or_else(|_| panic!("{case}: the client hung"));
            assert_eq!(server.requests().len(), 1, "{case}: sent once");
            if outcome.is_ok() {
                values += 1;
            }
            check(&case, hostile.status, &hostile.body, outcome);
        }
    }
    // Downloads take any 200 body, and the all-optional models take some of the JSON above:
    // a value, not an error, is then right. Most answers must still be errors.
    assert!(values < operations.len() * 4, "{values} values");
}

#[tokio::test]
async fn an_error_envelope_in_a_200_is_an_api_error_for_pec() {
    let body = br#"{"data": null, "success": false, "message": "Errore interno", "error": 500}"#;
    let server =
        RawServer::start(move |_| Reply::http(200, &[("content-type", JSON)], &body[..])).await;
    let clients = clients(&server);
    for op in credkit_openapi_pec::SERVICE.operations {
        if op.id.starts_with("download_") {
            continue;
        }
        let error = clients.call("openapi-pec", op.id).await.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Api(_)),
            "{}: {error:?}",
            op.id
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(error.message().as_deref(), Some("Errore interno"));
        assert_eq!(error.body(), Some(&body[..]));
    }
}

#[tokio::test]
async fn a_body_cut_off_keeps_status_headers_and_what_arrived() {
    let server = RawServer::start(|_| {
        Reply::raw(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: r-1\r\ncontent-length: 500\r\n\r\n{\"credential\": {\"id\": 12",
        )
    })
    .await;
    let clients = clients(&server);
    let error = clients
        .call("sparkfly", "get_credential")
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.headers().unwrap()["x-request-id"], "r-1");
    assert_eq!(error.body(), Some(&br#"{"credential": {"id": 12"#[..]));
    assert_eq!(error.operation(), Some("get_credential"));
    let message = error.to_string();
    assert!(
        message.contains("200 OK") && message.contains("cut off after 24 bytes"),
        "{message}"
    );
}

// ----- generated answers -----

/// The answers of the generated cases: status, content type and body.
fn generated_answer() -> impl Strategy<Value = (u16, &'static str, Vec<u8>)> {
    let status = prop::sample::select(vec![
        200u16, 201, 204, 400, 401, 404, 409, 429, 500, 502, 503,
    ]);
    let content_type = prop::sample::select(vec![
        JSON,
        "application/problem+json",
        "text/html",
        "text/plain",
        "application/pdf",
    ]);
    let json_leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        "[a-z_]{0,12}".prop_map(serde_json::Value::from),
    ];
    let keys = prop::sample::select(vec![
        "data",
        "success",
        "message",
        "error",
        "credential",
        "credentials",
        "stato",
        "id",
        "detail",
        "title",
        "status",
        "token",
        "pin",
        "siti",
        "available",
        "page",
    ]);
    let json = json_leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..5).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    });
    let body = prop_oneof![
        json.clone().prop_map(|v| v.to_string().into_bytes()),
        // Valid JSON cut anywhere.
        (json, any::<prop::sample::Index>()).prop_map(|(v, cut)| {
            let text = v.to_string().into_bytes();
            let at = cut.index(text.len() + 1);
            text[..at].to_vec()
        }),
        prop::collection::vec(any::<u8>(), 0..64),
    ];
    (status, content_type, body)
}

#[test]
fn generated_answers_never_panic_or_hang() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let next = Arc::new(Mutex::new(Reply::raw("")));
    let answer = Arc::clone(&next);
    let server = runtime.block_on(RawServer::start(move |_| answer.lock().unwrap().clone()));
    let clients = clients(&server);
    let operations = Clients::operations();
    let config = Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    };
    // A fixed seed: the same cases on every run and every machine.
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let strategy = (generated_answer(), any::<prop::sample::Index>());
    runner
        .run(&strategy, |((status, content_type, body), which)| {
            let (service, operation) = operations[which.index(operations.len())];
            let operation = operation.id;
            *next.lock().unwrap() = Reply::http(status, &[("content-type", content_type)], &body);
            let case = format!("{service} {operation} / {status} {content_type} {body:?}");
            let outcome = runtime
                .block_on(async {
                    tokio::time::timeout(HANG, clients.call(service, operation)).await
                })
                .unwrap_or_else(|_| panic!("{case}: the client hung"));
            check(&case, Some(status), &body, outcome);
            Ok(())
        })
        .unwrap();
}

// ----- slow servers -----

/// A timeout error, raised after `timeout` and not much later: the tolerance covers a loaded
/// 2-core CI machine, not a second timer.
fn assert_timed_out(error: &Error, elapsed: Duration, timeout: Duration) {
    assert!(
        matches!(error.kind(), ErrorKind::Transport(e) if e.is_timeout()),
        "{error:?}"
    );
    assert!(
        elapsed >= timeout && elapsed < timeout + Duration::from_millis(600),
        "timed out after {elapsed:?}, configured {timeout:?}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_meets_the_configured_timeout() {
    let server =
        RawServer::start(|_| Reply::http(200, &[("content-type", JSON)], "{}").after(HANG)).await;
    let timeout = Duration::from_millis(400);
    let client: credkit_sparkfly::Client = client(&server, timeout);
    let started = Instant::now();
    let error = calls::sparkfly::call(&client, "get_credential")
        .await
        .unwrap_err();
    assert_timed_out(&error, started.elapsed(), timeout);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_body_that_stops_coming_meets_the_configured_timeout_and_keeps_the_head() {
    let server = RawServer::start(|_| {
        Reply::raw("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"data\":")
            .lingering(HANG)
    })
    .await;
    let timeout = Duration::from_millis(400);
    let client: credkit_openapi_pec::Client = client(&server, timeout);
    let started = Instant::now();
    let error = calls::openapi_pec::call(&client, "get_mailbox", calls::openapi_pec::ID)
        .await
        .unwrap_err();
    assert_timed_out(&error, started.elapsed(), timeout);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.body(), Some(&b"{\"data\":"[..]));
}
